"""Simulator speed: nicmodel's event loop against the same model written with SimPy.

Run: python benchmarks/bench_simulator.py [--requests 10000] [--skip-simpy]
Prints events/s and wall time for the default scenario (BF3, 10k-token prefixes, 256-token
chunks), checks that both simulators agree on the makespan, and times the 1,000-request case.
SimPy counts its own events (process resumptions, timeouts, conditions), so compare wall time
for the same simulated work as well as each side's events/s.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from nicmodel import load
from nicmodel.engine.plan import compile_scenario
from nicmodel.sim.datapath import DataPlane, RequestSpec

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--skip-simpy", action="store_true")
    args = parser.parse_args()
    plan, params = compile_scenario(load(ROOT / "pipelines" / "shadowserve.yaml"))
    model = DataPlane(plan, params, record=False)
    requests = [RequestSpec(0.0, 10_000) for _ in range(args.requests)]

    start = time.perf_counter()
    run = model.run(requests)
    ours = time.perf_counter() - start
    print(f"nicmodel: {args.requests:,} requests, {len(run.chunk_done):,} chunks, {run.events:,} events in "
          f"{ours:.2f} s = {run.events / ours:,.0f} events/s; makespan {run.end / model.clock_hz:.4f} s")

    start = time.perf_counter()
    run1k = model.run(requests[:1000])
    print(f"nicmodel: 1,000 requests of 10k tokens (256-token chunks): {time.perf_counter() - start:.2f} s, "
          f"{run1k.events:,} events")

    if args.skip_simpy:
        return
    from simpy_reference import run_simpy  # noqa: PLC0415 (benchmark-only dependency)

    start = time.perf_counter()
    finish, env = run_simpy(model, requests)
    theirs = time.perf_counter() - start
    print(f"SimPy:    {args.requests:,} requests, {env.events:,} events in {theirs:.2f} s = "
          f"{env.events / theirs:,.0f} events/s; makespan {max(finish) / model.clock_hz:.4f} s")
    print(f"speed-up for the same simulated work: {theirs / ours:.1f}x wall time; "
          f"events/s ratio {run.events / ours / (env.events / theirs):.1f}x; makespans differ by "
          f"{abs(max(finish) - run.end) / run.end * 100:.3f}% ({abs(max(finish) - run.end)} cycles)")


if __name__ == "__main__":
    main()
