"""The GEMMs' own tails (validation/collect/pending_gemm_tails.sh, sm_sampler.py --gemms; declared in
validation/collect/declared_runs.md, the thirty-third session's GEMM-tail entry): the reading a fourth tile-tail
candidate, declared with the run, was to be built on; not in the engine.

The reading (tests/test_gemm_tails.py holds its checks, written before the run): S, the SMs the sampler's blocks ran
on in each 5-us window beside one of a layer's weight GEMMs (every layer's copy back to back), is the SMs that GEMM
leaves free. For a GEMM the tile count gives a last round on g_t CTAs, its tail share t is the share of its windows
with S >= 132 - g_t - 8. The candidate: the tail grids (grid_tail_screen.py --scaled) with each tailed GEMM's last
round lasting its measured t, at every batch that runs the measured batch's kernel; nothing else changed.

Measured 2026-12-06 (the thirty-third session, an H100, 75 s): the instrument check failed (the Llama-3-8B's and
Mistral-7B's QKV at batch 4: 27-28 SMs sampled against the 12 their 120 CTAs leave; exact on 44 of the other 46), so
by the declared rule the candidate is not built. Read after (not used): the tails run 0.08-0.41 of their GEMMs against
the count's 0.06-0.46; the 70B shape's gate/up 0.35-0.38 against 0.41, not the whole-step windows' 0.22-0.24: the tail's
length is not what the three candidates got wrong at the 70B shape.

    python validation/calibration/gemm_tails.py              (the check, and the tail shares beside the count's)
"""

from __future__ import annotations

import argparse
import csv
import gzip
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "validation/calibration"))

import gemm_grids  # noqa: E402
import grid_tail_screen  # noqa: E402

RUNS = ROOT / "validation/traces/h100"
GPU = "h100-sxm"
# the declared runs: folder tag -> (collector model, batches)
SHAPES = {"70b": ("llama-3-70b", (4, 32)), "405b": ("llama-3.1-405b", (4, 16, 48, 64)),
          "8b": ("llama-3-8b", (4, 32)), "mistral7b": ("mistral-7b", (4, 32)), "qwen7b": ("qwen2.5-7b", (4, 32)),
          "qwen32b": ("qwen2.5-32b", (4, 16)), "yi34b": ("yi-34b", (16,)), "llama2_7b": ("llama-2-7b", (4,))}
SMS, SLACK = 132, 8  # the H100's SMs; the SMs sampled may fall short of those free by up to this


def measured() -> bool:
    return all((RUNS / f"gemm_tails_{t}/windows.csv.gz").exists() for t in SHAPES)


def sampled(tag: str) -> dict[tuple[int, int], list[int]]:
    """{(batch, GEMM 0-3): SMs sampled per window, every step}."""
    out: dict[tuple[int, int], list[int]] = {}
    with gzip.open(RUNS / f"gemm_tails_{tag}/windows.csv.gz", "rt", newline="") as f:
        for r in csv.DictReader(f):
            out.setdefault((int(r["batch"]), int(r["part"][4:])), []).append(int(r["sms_sampled"]))
    return out


def _key(tag: str, batch: int) -> tuple[str, str, int]:
    return GPU, gemm_grids.model_names()[SHAPES[tag][0]], batch


def tile_count_segments(tag: str) -> dict[tuple[int, int], list[tuple[int, float]]]:
    """{(batch, GEMM 0-3): the scaled tile-count form's segments [(CTAs busy, share)]} at the measured batches."""
    gemms = grid_tail_screen.layer_gemms(scaled=True)
    return {(b, i): gemms[_key(tag, b)][i][1] for b in SHAPES[tag][1] for i in range(4)}


def off_grid(tag: str) -> list[tuple[int, int, float, int]]:
    """[(batch, GEMM, median S, 132 - g)] of the GEMMs the tile count gives one round of g CTAs whose median S is off
    132 - g by more than SLACK (none: the sampler reads their grids)."""
    s, segs = sampled(tag), tile_count_segments(tag)
    return [(b, i, statistics.median(s[(b, i)]), SMS - seg[0][0]) for (b, i), seg in segs.items()
            if len(seg) == 1 and abs(statistics.median(s[(b, i)]) - (SMS - seg[0][0])) > SLACK]


def tail_shares(tag: str) -> dict[tuple[int, int], tuple[int, float, float]]:
    """{(batch, GEMM): (g_t, measured t, the scaled form's share)} of the GEMMs the tile count gives a last round."""
    s, segs = sampled(tag), tile_count_segments(tag)
    out = {}
    for (b, i), seg in segs.items():
        if len(seg) == 2:
            g_t, windows = seg[1][0], s[(b, i)]
            out[(b, i)] = (g_t, sum(n >= SMS - g_t - SLACK for n in windows) / len(windows), seg[1][1])
    return out


def main(argv: list[str]) -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    if not measured():
        raise SystemExit("gemm_tails: the GEMM tails are not measured (pending_gemm_tails.sh)")
    for tag in SHAPES:
        print(f"{tag}: off grid {off_grid(tag) or 'none'}")
        for (b, i), (g_t, t, scaled) in sorted(tail_shares(tag).items()):
            print(f"  batch {b} GEMM {i}: last round on {g_t} CTAs, measured {t:.3f} of it, by the count {scaled:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
