"""Set-up of a big sweep before its first point runs: the points and their keys.

Baseline (in the same run): resolving and hashing every point's whole scenario, as sweeps did
before (one load and validation per point). Now: the base scenario is resolved and hashed once per
file, and each point's key hashes that digest with its swept values.
Run: python benchmarks/bench_sweep_setup.py [POINTS]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from nicmodel.planning.runner import point_key
from nicmodel.planning.runs import key_settings, points
from nicmodel.planning.sweep import sweep_axes
from nicmodel.spec.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = str(ROOT / "pipelines" / "shadowserve.yaml")
SETTINGS = {"rate": None, "requests": 1, "seed": 0, "policy": "fifo", "max_events": 5e7}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    axes = sweep_axes(["design.chunk_tokens=" + ",".join(str(16 + i) for i in range(n))])
    t0 = time.perf_counter()
    pts = points("simulate", [SCENARIO], [], axes, SETTINGS)
    now = time.perf_counter() - t0
    sample = pts[: min(n, 300)]
    t0 = time.perf_counter()
    for pt in sample:  # the baseline, on a sample, scaled to n
        point_key("simulate", load_scenario(pt.path, pt.overrides).model_dump(mode="json"), key_settings(SETTINGS))
    before = (time.perf_counter() - t0) / len(sample) * n
    print(f"sweep set-up of {n:,} points: {now:.2f} s now, {before:.1f} s resolving every point "
          f"(baseline, from {len(sample)} points): {before / now:.0f}x faster")


if __name__ == "__main__":
    main()
