"""Run budgets of the simulator: how many events a run will take, refusing runs that would take
too long, and choosing the compiled event loop for commands with many events."""

from __future__ import annotations

import math
import os

from ..errors import SpecError

# Simulator events per chunk per stage, and its speed, for up-front run-time estimates (measured:
# benchmarks/bench_simulator.py and bench_serving.py, ~20 events per chunk of the 5-stage default;
# the compiled loop runs 7-11M events/s alone and ~3M/s under the serving model, the reference ~520k).
EVENTS_PER_CHUNK_STAGE = 4
EVENTS_PER_S = {"compiled": 3_000_000, "reference": 480_000}
# A command of this many simulator events in all runs on the compiled loop under `auto`, even when
# each of its runs is small: loading it (~0.7 s per process) is paid once per worker.
AUTO_COMPILED_EVENTS = 400_000
SEARCH_RUNS = 12  # serving runs an SLO-rate search takes at most (the bound, then up to 8 halvings, with margin)


def sim_events(scenario, prefixes: list[int]) -> float:
    """Events a data-plane simulation of requests with these prefixes will take, roughly."""
    if scenario.design.mode == "recompute":
        return float(len(prefixes))
    chunk = scenario.design.chunk_tokens
    stages = len(scenario.design.stages) * (3 if scenario.design.copy_strategy == "copying" else 1)
    chunks = sum(1 if chunk == "naive" else math.ceil(p / chunk) for p in prefixes)
    return float(chunks * stages * EVENTS_PER_CHUNK_STAGE + 2 * len(prefixes))


def serve_events(scenario, prefixes: list[int], count: int) -> float:
    """Events of one serving run of ``count`` requests with these prefix sizes: the fetches and
    two events per decode iteration of each request."""
    return (sim_events(scenario, prefixes) / len(prefixes) + 2 * scenario.serving.output_tokens.si) * count


def prefer_compiled(events: float) -> None:
    """Under the `auto` kernel, a command of many events runs every run on the compiled loop
    (an environment variable, so that sweep workers do too; the caller restores it)."""
    if not os.environ.get("NICMODEL_SIM_KERNEL") and events >= AUTO_COMPILED_EVENTS:
        os.environ["NICMODEL_SIM_KERNEL"] = "compiled"


def check_budget(events: float, limit: float, option: str, what: str) -> None:
    """Refuse a run that would take too long, with the estimate and how to allow it."""
    if events > limit:
        raise SpecError(f"{what} is about {events:.2g} simulator events (~{events / EVENTS_PER_S['compiled']:,.0f} s "
                        f"on the compiled loop, ~{events / EVENTS_PER_S['reference']:,.0f} s on the reference), more "
                        f"than --max-events {limit:.2g}; run fewer or raise --max-events", option)


# Measured on the 2-core development machine (benchmarks/bench_serving.py, Ray 2.x): starting a
# local Ray cluster and shipping the work costs about this much before the first point runs; a
# pool worker costs about a second (a fresh interpreter loading numpy, pydantic and the loop).
RAY_START_S = 12.0
POOL_WORKER_S = 1.0


def plan_line(points: int, runs: int, events: float, jobs: int, backend: str, kernel: str | None) -> str:
    """What a sweep will do, before it does it: points, runs, the estimated time per run and in
    all on this backend, and when a Ray cluster of more workers would pay off."""
    per_s = EVENTS_PER_S["compiled" if kernel == "compiled" else "reference"]
    per_run = events / max(runs, 1) / per_s
    local = runs * per_run / max(jobs, 1) + (POOL_WORKER_S if jobs > 1 else 0.0)
    text = (f"plan: {points:,} points, {runs:,} runs of ~{per_run:.2g} s each (estimated), {jobs} "
            f"{'Ray' if backend == 'ray' else 'local'} worker{'s' if jobs != 1 else ''}: ~{local:.0f} s")
    work = runs * per_run
    if backend != "ray":
        # a cluster of W workers takes RAY_START_S + work / W: it beats `jobs` local ones when
        # work x (1/jobs - 1/W) > RAY_START_S, i.e. for W >> jobs when work > jobs x RAY_START_S
        if work / max(jobs, 1) > 2 * RAY_START_S:
            workers = math.ceil(work / max(work / max(jobs, 1) - RAY_START_S, 1e-9))
            text += (f"; a Ray cluster (--backend ray, RAY_ADDRESS) of more than {workers} workers would finish "
                     "sooner")
        else:
            text += f"; a Ray cluster would not pay off (its start, ~{RAY_START_S:.0f} s, exceeds the work)"
    return text
