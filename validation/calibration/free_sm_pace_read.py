"""Read the free-SM pace run (validation/collect/free_sm_pace.py) by its declared claims
(validation/collect/declared_runs.md, the twenty-seventh session):

  (1) the probe: beside ``spin`` the ALU body at 8,192 and 32,768 blocks progresses within 25% of its SM
      share F/SMs at F = 12 and 4;
  (2) the mechanism: beside ``stream`` at F = 12, torch.cat's pace is at most 0.77 of the median of the
      three 16-byte bodies' paces, and so is the dequantization's;
  (3) the ratio in (2) is lower beside ``stream`` than beside ``spin`` by at least a tenth.

    python validation/calibration/free_sm_pace_read.py [FOLDER]   (default validation/traces/<gpu>/free_sm_pace)
"""

from __future__ import annotations

import csv
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MEM = ("mem_2048", "mem_8192", "mem_32768")
UNITS = {"torch.cat": "cat_8_chunks", "the dequantization": "dequantize_as_written"}


def paces(folder: Path) -> dict[tuple[str, str, int], float]:
    """{(co-runner, blocker, free SMs): pace}."""
    return {(r["corunner"], r["blocker"], int(r["free_sms"])): float(r["pace"])
            for r in csv.DictReader(open(folder / "pace.csv"))}


def share(folder: Path) -> dict[int, float]:
    return {int(r["free_sms"]): float(r["sm_share"]) for r in csv.DictReader(open(folder / "pace.csv"))}


def ratio(p: dict, unit: str, blocker: str, free: int = 12) -> float:
    """The unit's pace over the median of the 16-byte bodies' beside ``blocker`` at ``free`` SMs."""
    return p[(unit, blocker, free)] / statistics.median(p[(m, blocker, free)] for m in MEM)


def claims(folder: Path) -> dict[str, bool]:
    p, s = paces(folder), share(folder)
    probe = all(abs(p[(f"alu_{g}", "spin", f)] / s[f] - 1) <= 0.25 for g in (8192, 32768) for f in (12, 4))
    mechanism = all(ratio(p, u, "stream") <= 0.77 for u in UNITS.values())
    traffic = all(ratio(p, u, "stream") <= 0.9 * ratio(p, u, "spin") for u in UNITS.values())
    return {"(1) probe": probe, "(2) mechanism": mechanism, "(3) the GEMM's traffic": traffic}


def main(argv: list[str]) -> int:
    folder = Path(argv[0]) if argv else ROOT / "validation/traces/h100/free_sm_pace"
    p, s = paces(folder), share(folder)
    for f in sorted(s, reverse=True):
        print(f"F = {f} (SM share {s[f]:.3f})")
        for name in sorted({c for c, _, _ in p}):
            spin, stream = p.get((name, "spin", f)), p.get((name, "stream", f))
            print(f"  {name:24s} spin {spin:.3f} ({spin / s[f]:.2f}x share)   stream {stream:.3f} "
                  f"({stream / s[f]:.2f}x share)")
    for label, unit in UNITS.items():
        print(f"{label} over the 16-byte bodies at F = 12: spin {ratio(p, unit, 'spin'):.3f}, "
              f"stream {ratio(p, unit, 'stream'):.3f}")
    for claim, held in claims(folder).items():
        print(f"{claim}: {'held' if held else 'not held'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
