"""The held-out screen every candidate form is read by (validation/calibration/graph_landing_screen.held_out over every
committed interference trace), with the occupancy rules' block fit cached (occupancy._blocks_beside) against the same
screen with the rule uncached (the baseline), in one process; and reading every trace, each scenario file found once
per trace, against the same read with the per-row search the reader did before added back (the baseline).

Run: python benchmarks/bench_held_out_screen.py
Prints the wall times and their ratios, and checks that the screen gives the same families and figures both ways.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "validation/calibration"))

from graph_landing_screen import held_out  # noqa: E402
from nicmodel.engines.serving import occupancy  # noqa: E402


def screen() -> tuple[float, dict]:
    traces = sorted((ROOT / "validation/traces").glob("*_interference.csv"))
    start = time.perf_counter()
    figures = {(t.name, k): v for t in traces for k, v in held_out(t).items()}
    return time.perf_counter() - start, figures


def uncached(lim, a, b, n, most):
    """The rule as it was: every call walks the block count up from 0."""
    m = 0
    while m < most and occupancy._fit(lim, a, m + 1, b, n):
        m += 1
    return m


def reads() -> tuple[float, float]:
    """(every trace read, the same plus each row's scenario searched for again as the reader did before) in s."""
    from nicmodel.validation import trace as reader
    traces = sorted((ROOT / "validation/traces").glob("*_interference.csv"))
    start = time.perf_counter()
    for t in traces:
        reader.read_trace(t)
    now = time.perf_counter() - start
    names = [(t, [row["scenario"].strip() for _, row in reader._rows(t)]) for t in traces]
    start = time.perf_counter()
    for t, scenarios in names:
        for name in scenarios:  # the search the reader made for every row before
            reader._find_scenario(name, t.resolve())
    return now, now + time.perf_counter() - start


if __name__ == "__main__":
    screen()  # warm: scenario files, decode profiles
    cached = occupancy._blocks_beside
    occupancy._blocks_beside = uncached
    try:
        base, before = screen()
    finally:
        occupancy._blocks_beside = cached
    cached.cache_clear()
    now, after = screen()
    assert before == after, "the cache changed a figure"
    print(f"held-out screen over {len(after)} families: uncached {base:.1f} s, cached {now:.1f} s, "
          f"{base / now:.2f}x")
    read, searched = reads()
    print(f"reading every trace: each row's scenario searched {searched:.2f} s, once per trace {read:.2f} s, "
          f"{searched / read:.2f}x")
