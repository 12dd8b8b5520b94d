"""What an analytical `serve --search` row pays for its spans: the SLO-bound rate across the
interference model's own error (its corners; the baseline) against the same search with every
assumed interference number at each end of its range too (analytic.max_rate_spans), one vectorized
search each, on the L40S (eleven assumption ends: its loads' latencies are assumed too) and the H200
(five).

Run: python benchmarks/bench_assumption_spans.py [--repeat N]
Prints per GPU the milliseconds of each and their ratio, measured in this process.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from nicmodel import load
from nicmodel.engines.serving import analytic

ROOT = Path(__file__).resolve().parents[1]


def timed(fn, repeat: int) -> float:
    fn()  # warm: the first call compiles and caches
    t0 = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - t0) / repeat


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    for gpu in ("l40s", "h200"):
        s = load(ROOT / "pipelines/shadowserve.yaml", [f"gpu={gpu}", "network.bandwidth=40Gbps"])
        ends = len(analytic.assumption_ends(s))
        base = timed(lambda: analytic.max_rate_spans(s, assumptions=False), args.repeat)
        both = timed(lambda: analytic.max_rate_spans(s), args.repeat)
        print(f"{gpu}: model-error corners alone {base * 1e3:.1f} ms; with {ends} assumption ends "
              f"{both * 1e3:.1f} ms: {both / base:.2f}x")


if __name__ == "__main__":
    main()
