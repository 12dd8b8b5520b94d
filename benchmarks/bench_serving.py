"""Serving model speed: a loaded run of many requests, and the SLO-rate search per design.

Run: python benchmarks/bench_serving.py [--requests N]
Prints, each against a baseline in this process: a serve sweep on 1 and 2 workers (and Ray); a
loaded run of N requests (default 10,000) on the compiled event loop and on the pure-Python
reference, checked identical; the SLO-rate search per design against the search as it was before
(doubling from 1 request/s to find an upper end, then 12 bisection steps, every step a run).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from nicmodel import load
from nicmodel.engines.serving.run import _loaded, arrivals, compiled, max_rate, serve

ROOT = Path(__file__).resolve().parent.parent
DESIGNS = ["shadowserve", "cachegen-async", "cachegen-lmcache-pipelined", "cpu-decode"]


def old_search(scenario, count: int, seed: int = 0) -> tuple[float, int]:
    plan, params = compiled(scenario)
    runs = [0]

    def ok(rate: float) -> bool:
        runs[0] += 1
        return _loaded(scenario, plan, params, arrivals(scenario, rate, count, seed), None, rate)[3]

    if not ok(1e-6):
        return 0.0, runs[0]
    low, high = 1e-6, 1.0
    while ok(high) and high < 1e4:
        low, high = high, high * 2
    for _ in range(12):
        mid = (low + high) / 2
        low, high = (mid, high) if ok(mid) else (low, mid)
    return low, runs[0]


def sweep_wall(jobs: int, backend: str) -> float:
    """Wall time of a 16-point serve sweep (2 designs x 4 link rates x 2 models, 200 requests each)."""
    import contextlib
    import io

    from nicmodel.cli import main
    argv = ["serve", str(ROOT / "pipelines" / "shadowserve.yaml"), str(ROOT / "pipelines" / "cachegen-async.yaml"),
            "--vary", "network.bandwidth=5Gbps,10Gbps,20Gbps,40Gbps", "--vary", "model=llama-3-8b,mistral-7b",
            "--rate", "2", "--requests", "200", "--progress", "off", "--jobs", str(jobs), "--backend", backend]
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        main(argv)
    return time.perf_counter() - start


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    args = parser.parse_args()
    one, two = sweep_wall(1, "local"), sweep_wall(2, "local")
    print(f"serve sweep of 16 points: 1 local worker {one:.1f} s, 2 local workers {two:.1f} s ({one / two:.2f}x)")
    try:
        ray_two = sweep_wall(2, "ray")
        print(f"  on Ray with 2 local workers (cluster start included): {ray_two:.1f} s ({one / ray_two:.2f}x)")
    except Exception as exc:  # Ray not installed: say so, do not fail the other figures
        print(f"  Ray: not measured ({exc})")
    s = load(ROOT / "pipelines" / "shadowserve.yaml")
    serve(s, 6.0, 20, 0)  # loads the compiled loop
    loaded = {}
    for kernel in ("compiled", "reference"):  # the same run on both event loops
        os.environ["NICMODEL_SIM_KERNEL"] = kernel
        start = time.perf_counter()
        r = serve(s, 6.0, args.requests, 0)
        loaded[kernel] = (time.perf_counter() - start, r["loaded"])
    del os.environ["NICMODEL_SIM_KERNEL"]
    (fast, a), (slow, b) = loaded["compiled"], loaded["reference"]
    assert a["ttft_s"] == b["ttft_s"] and a["tpot_s"] == b["tpot_s"] and a["events"] == b["events"]
    print(f"serve {args.requests:,} requests at 6/s (69% of capacity; the loaded and the unloaded run): "
          f"compiled {fast:.1f} s, reference {slow:.1f} s ({slow / fast:.1f}x); identical TTFT and TPOT "
          f"(p99 {a['ttft_s']['p99'] * 1e3:.0f} ms, {a['tpot_s']['p99'] * 1e3:.1f} ms) and {a['events']:,} events")
    for name in DESIGNS:
        scenario = load(ROOT / "pipelines" / f"{name}.yaml")
        start = time.perf_counter()
        new = max_rate(scenario, 200, 0)
        t_new = time.perf_counter() - start
        start = time.perf_counter()
        old, old_runs = old_search(scenario, 200, 0)
        t_old = time.perf_counter() - start
        print(f"SLO-rate search, {name}, 200 requests per run: {t_new:.1f} s, {new['runs']} runs, "
              f"{new['max_rate_per_s']:.2f}/s (bound {new['upper_bound_per_s']:.2f}/s); before: {t_old:.1f} s, "
              f"{old_runs} runs, {old:.2f}/s ({t_old / t_new:.1f}x)")
