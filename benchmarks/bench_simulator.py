"""Simulator speed: the event loop compiled, the same loop interpreted (the `reference` kernel),
and the same model written independently in SimPy.

Run: pip install -e '.[bench]' && python benchmarks/bench_simulator.py [--requests 10000] [--skip-simpy]
Prints, for the default scenario (BF3, 10k-token prefixes, 256-token chunks):
- 1,000 requests on the compiled loop (best of 5, after one warm-up that loads the compiled code)
  and in SimPy, and the first 100 of them interpreted: wall time, events/s, and the ratios, in
  this process;
- ``--requests`` requests the same way (SimPy at that size takes minutes; --skip-simpy leaves it);
- that compiled and SimPy agree on the makespan to the cycle, and compiled and interpreted on
  every finish time and event count of the first 100.
SimPy counts its own events (process resumptions, timeouts, conditions), so compare wall time for
the same simulated work as well as each side's events/s.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from nicmodel import load
from nicmodel.engines.plan import compile_scenario
from nicmodel.engines.sim import DataPlane, RequestSpec

ROOT = Path(__file__).resolve().parent.parent


def timed(fn, repeat: int = 1):
    """(best wall time of ``repeat`` calls, last result)."""
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def compare(plan, params, count: int, simpy: bool, repeat: int) -> None:
    requests = [RequestSpec(0.0, 10_000) for _ in range(count)]
    fast = DataPlane(plan, params, record=False, kernel="compiled")
    ref = DataPlane(plan, params, record=False, kernel="reference")
    fast.run(requests[:2])  # loads the compiled code (compiles it on a first run after install)
    t_fast, run = timed(lambda: fast.run(requests), repeat)
    few = requests[:100]  # the interpreted loop is slow: the same work on fewer requests
    t_ref, run_ref = timed(lambda: ref.run(few))
    run_few = fast.run(few)
    assert run_few.finish == run_ref.finish and run_few.events == run_ref.events \
        and run_few.chunk_done == run_ref.chunk_done
    print(f"{count:,} requests ({len(run.chunk_done):,} chunks, {run.events:,} events, makespan "
          f"{run.end / fast.clock_hz:.4f} s):")
    print(f"  compiled     {t_fast:7.3f} s  {run.events / t_fast:12,.0f} events/s")
    rate_ref = run_ref.events / t_ref
    print(f"  interpreted  {t_ref:7.3f} s  {rate_ref:12,.0f} events/s on the first {len(few)} requests; compiled is "
          f"{run.events / t_fast / rate_ref:.0f}x faster per event; identical finish times, chunk completions and "
          "event count")
    if not simpy:
        return
    from simpy_reference import run_simpy  # noqa: PLC0415 (benchmark-only dependency)

    t_simpy, (finish, env) = timed(lambda: run_simpy(ref, requests))
    print(f"  SimPy      {t_simpy:7.3f} s  {env.events / t_simpy:12,.0f} events/s ({env.events:,} of its own events)"
          f"   compiled is {t_simpy / t_fast:.0f}x faster in wall time; makespans differ by "
          f"{abs(max(finish) - run.end)} cycles")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--skip-simpy", action="store_true")
    args = parser.parse_args()
    plan, params = compile_scenario(load(ROOT / "pipelines" / "shadowserve.yaml"))
    start = time.perf_counter()
    DataPlane(plan, params, record=False, kernel="compiled").run([RequestSpec(0.0, 10_000)])
    print(f"loading the compiled loop in a fresh process: {time.perf_counter() - start:.2f} s "
          "(numba import and cached code; the first run after install also compiles it)")
    compare(plan, params, 1000, not args.skip_simpy, 5)
    if args.requests != 1000:
        compare(plan, params, args.requests, not args.skip_simpy and args.requests <= 10_000, 3)


if __name__ == "__main__":
    main()
