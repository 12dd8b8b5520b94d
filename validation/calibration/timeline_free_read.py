"""Read the graph timeline's launches by the SMs each ran on (a reading after the run, not a claim; the thirty-second
session): what a one-wave launch loses where decode's kernels leave part of the GPU free.

h100/graph_timeline_*/launches.csv holds, per launch of the scatter and of a ~2.7-us ALU unit (1,024 blocks of 128
threads, from Python and replayed from a CUDA graph, beside the 8B, Yi-34B, 70B and 405B shapes at 3 x 4k and 12 x 2k),
the distinct SMs its blocks ran on, its first block's start after the launch was enqueued (W), its blocks' median
lifetime and its span. A launch whose blocks ran on 36-60 SMs landed where decode's kernels left about that many free
(a weight GEMM's 72-96-block grids, or its last round of tiles); one on 126 or more ran on a GPU decode left whole.
Per shape, unit and launch path it prints, for those two bins: the launches, W, the blocks' lifetime over alone, and the
span over alone; and the first block's extra wait (W on 36-60 SMs less W on 126+) and the blocks' slowdown there,
pooled as medians over the shapes' points.

    python validation/calibration/timeline_free_read.py
"""

from __future__ import annotations

import csv
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BINS = {"36-60": (36, 60), "126+": (126, 10**6)}


def launches(shape: str) -> list[dict]:
    return list(csv.DictReader(open(ROOT / f"validation/traces/h100/graph_timeline_{shape}/launches.csv")))


def cells(rows: list[dict]) -> dict[tuple, dict[str, list[dict]]]:
    """{(unit, batch): {bin: its launches}}."""
    out: dict = {}
    for r in rows:
        sms = int(r["sms_used"])
        for name, (lo, hi) in BINS.items():
            if lo <= sms <= hi:
                out.setdefault((r["corunner"], r["batch"]), {}).setdefault(name, []).append(r)
    return out


def med(rows: list[dict], key: str) -> float:
    return statistics.median(float(r[key]) for r in rows)


def main() -> int:
    pooled: dict[str, dict[str, list[float]]] = {}
    print(f"{'shape':6} {'unit':14} {'batch':>5}  {'n 36-60':>7} {'W':>5} {'blk x':>6} {'span x':>6}   "
          f"{'n 126+':>6} {'W':>5} {'blk x':>6}")
    for shape in ("8b", "yi34b", "70b", "405b"):
        for (unit, batch), by in sorted(cells(launches(shape)).items()):
            part, whole = by.get("36-60", []), by.get("126+", [])
            if len(part) < 20 or len(whole) < 20:
                continue
            alone_blk, alone_span = float(part[0]["alone_block_p50_us"]), float(part[0]["alone_span_us"])
            print(f"{shape:6} {unit:14} {batch:>5}  {len(part):7} {med(part, 'first_start_us'):5.1f} "
                  f"{med(part, 'block_p50_us') / alone_blk:6.2f} {med(part, 'span_us') / alone_span:6.2f}   "
                  f"{len(whole):6} {med(whole, 'first_start_us'):5.1f} {med(whole, 'block_p50_us') / alone_blk:6.2f}")
            p = pooled.setdefault(unit, {"wait": [], "slow": []})
            p["wait"].append(med(part, "first_start_us") - med(whole, "first_start_us"))
            p["slow"].append(med(part, "block_p50_us") / alone_blk)
    for unit, p in sorted(pooled.items()):
        print(f"{unit}: the first block's extra wait on 36-60 SMs, median {statistics.median(p['wait']):.1f} us "
              f"({min(p['wait']):.1f}-{max(p['wait']):.1f}); its blocks' slowdown there {statistics.median(p['slow']):.2f}x "
              f"({min(p['slow']):.2f}-{max(p['slow']):.2f}) over {len(p['wait'])} points")
    return 0


if __name__ == "__main__":
    sys.exit(main())
