"""The pace a many-wave co-runner launch keeps in each of decode's segments (block_timeline.py --marks --pace): a
direct reading of the share of its pace a launch keeps inside a long weight GEMM, the crawl the model fits
(gpu.interference.crawl_share: 0.2035 committed; 0.0702 under the tile tail's seventh and eighth candidates).

Why (added 2026-12-07, the thirty-ninth session; a diagnostic declared in declared_runs.md before its run): the
seventh and eighth tile-tail candidates refit the crawl to a third of the committed value, and with it charge the
many-wave data-plane units (LMCache's dequantization, torch.cat) beside the 70B shape 15.5-18.2% too much where the
committed model is within 7.5-15.4%, and those units beside the 405B 1.3-1.55x too little. Both values are fitted to
co-runner times; neither was measured as a pace.

A launch's pace in a window: the blocks that end in it over the blocks it would end there alone, its alone rate
(its grid over its median span alone) times the window. The windows are a launch's active time (its first block's
start to its last block's end) cut by the step's markers (marked_decode.py): each segment's (layer, name) from its
marker to the next, "start" before the first and "after" past the step's stop marker (the next step runs there:
the collector enqueues its steps back to back, so "after" is not a launch alone). Pure: no torch, so the tests and
the reader import it; block_timeline.py calls ``pace_rows`` on the device and writes pace.csv.

Run (the reader): python validation/collect/timeline_pace.py RUN_DIR...
"""

from __future__ import annotations

import argparse
import bisect
import csv
import math
import sys
from collections import defaultdict
from pathlib import Path

PACE_HEAD = ["batch", "context", "priority", "corunner", "step", "launch", "layer", "segment", "overlap_us",
             "blocks_done", "blocks_alone"]
WEIGHT_GEMMS = ("qkv", "o", "gate_up", "down")  # the weight GEMMs' segments (the LM head's runs to the stop marker)
MIN_GEMM_US = 200.0  # a cell with less GEMM overlap than this, summed over its launches, is void
GRID = 8192  # both declared units' blocks a launch: the instrument check counts them


def pace_rows(blocks: list[tuple[int, int, int]], marks: list[tuple[int, int, str]], stop_ns: int,
              alone_per_ns: float) -> list[tuple[int, str, float, int, float]]:
    """(layer, segment, overlap us, blocks done, blocks alone) of each segment a launch's active time overlaps.
    ``blocks``: (start, end, SM) ns; ``marks``: (time ns, layer, segment), in time order, each starting its segment;
    ``stop_ns``: the step's stop marker; ``alone_per_ns``: the launch's blocks per ns alone."""
    first, last = min(b[0] for b in blocks), max(b[1] for b in blocks)
    ends = sorted(b[1] for b in blocks)
    edges = [(-math.inf, -1, "start")] + list(marks) + [(stop_ns, marks[-1][1] + 1 if marks else 0, "after")]
    rows = []
    for i, (t0, layer, seg) in enumerate(edges):
        t1 = edges[i + 1][0] if i + 1 < len(edges) else math.inf
        lo, hi = max(first, t0), min(last, t1)
        if hi <= lo:
            continue
        # blocks ending in [lo, hi), the launch's last window closed: every block ending at its last end (the global
        # timer ticks coarsely, so several share it; the first run counted one of them and lost up to 10 a launch)
        upper = bisect.bisect_right(ends, hi) if hi == last else bisect.bisect_left(ends, hi)
        done = upper - bisect.bisect_left(ends, lo)
        rows.append((layer, seg, (hi - lo) / 1e3, done, (hi - lo) * alone_per_ns))
    return rows


def read_pace(run: Path) -> list[dict]:
    with (run / "pace.csv").open() as f:
        return list(csv.DictReader(f))


def pace(rows: list[dict], segments: tuple[str, ...]) -> tuple[float, float]:
    """(pace, overlap us) over ``rows`` in ``segments``: blocks done over blocks alone, summed."""
    mine = [r for r in rows if r["segment"] in segments]
    alone = sum(float(r["blocks_alone"]) for r in mine)
    return (sum(int(r["blocks_done"]) for r in mine) / alone if alone > 0 else float("nan"),
            sum(float(r["overlap_us"]) for r in mine))


def cells(rows: list[dict]) -> dict[tuple[str, str, str], tuple[float, float]]:
    """{(corunner, batch, context): (pace in the weight GEMMs, their overlap us)}, both priorities pooled."""
    groups: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for r in rows:
        groups[(r["corunner"], r["batch"], r["context"])].append(r)
    return {k: pace(g, WEIGHT_GEMMS) for k, g in sorted(groups.items())}


def instrument(rows: list[dict], grid: int = GRID) -> tuple[str, int]:
    """(ok | failed, launches): every launch's blocks counted once over its windows (each recorded, none lost)."""
    done: dict[tuple, int] = defaultdict(int)
    for r in rows:
        done[(r["batch"], r["context"], r["priority"], r["corunner"], r["step"], r["launch"])] += int(r["blocks_done"])
    return ("ok" if done and all(v == grid for v in done.values()) else "failed"), len(done)


def cell_reading(measured: float, committed: float, candidate: float) -> str:
    """committed | candidate: whichever model pace the measured one is nearer in log."""
    return "committed" if abs(math.log(measured / committed)) < abs(math.log(measured / candidate)) else "candidate"


def verdict(readings: list[str]) -> str:
    """The declared rule over the eight cells: committed or candidate where at least six read it, else split."""
    for side in ("committed", "candidate"):
        if sum(r == side for r in readings) >= 6:
            return side
    return "split"


def held_pace(measured: float, free: float) -> float:
    """The pace on the SMs a GEMM holds, from a measured pace where the GEMMs leave ``free`` of their time SMs free
    and a launch keeps its whole pace there (the model's blend, profile.crawl_share, solved at crawl_free_pace 1)."""
    return (measured - free) / (1.0 - free)


def free_pace(measured: float, held: float, free: float) -> float:
    """The pace on a GEMM's free SMs the model's blend implies: measured = held + (f - held) x free, solved for f."""
    return held + (measured - held) / free


FREE_LOW = 0.5  # crawl_free_pace's assumed range is 0.5-1: a launch keeps at least half its pace on free SMs


def free_verdict(paces: list[float]) -> str:
    """The free-SM run's declared rule over its six roomy cells: holds where at least five imply a free-SM pace of
    FREE_LOW or more, fails where at least five imply less, else mixed."""
    above = sum(p >= FREE_LOW for p in paces)
    return "holds" if above >= 5 else "fails" if len(paces) - above >= 5 else "mixed"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="+", type=Path, help="block_timeline.py --marks --pace output folders")
    args = ap.parse_args(argv)
    for run in args.runs:
        if not (run / "pace.csv").exists():
            print(f"error: {run}: no pace.csv (a block_timeline.py --marks --pace folder expected)", file=sys.stderr)
            return 2
        rows = read_pace(run)
        state, n = instrument(rows)
        print(f"{run.name}: every block of {n} launches counted once: {state}")
        for (config, batch, context), (p, us) in cells(rows).items():
            print(f"  {config} {batch} x {context}: pace in the weight GEMMs {p:.3f} over {us:.0f} us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
