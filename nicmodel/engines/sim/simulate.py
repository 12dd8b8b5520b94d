"""One simulation of a scenario's data plane, summarized: the latency distribution, throughput,
utilization, memory, bottleneck over time, the analytical prediction beside it, and the load
verdict (offered against served rate, against the analytical capacity)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...errors import SpecError
from ...spec.requests import RequestSpec
from ...spec.scenario import Scenario
from ..analytical import evaluate
from ..overload import load_verdict
from ..plan import Params, Plan, compile_scenario
from ..result import point_result
from .dataplane import DataPlane, Policy
from .record import SimRun
from .report import simulate_summary


def simulate_requests(
    scenario: Scenario,
    requests: list[RequestSpec] | int = 1,
    policy: Policy = "fifo",
    record: bool = True,
    sample_every_s: float | None = None,
    rate: float | None = None,
) -> tuple[dict[str, Any], SimRun]:
    """Simulate ``requests`` (a list, or a count of the scenario's request arriving together).

    Returns the summary (latency distribution, throughput, utilization, memory, bottleneck over
    time, the analytical prediction for comparison, and the load verdict: offered and served
    rates, ``rate`` being the nominal Poisson rate if the requests were drawn at one) and the raw
    run (per-chunk records)."""
    if scenario.design.mode == "recompute":
        raise SpecError("a recompute design has no data plane to simulate; use `nicmodel serve`",
                        scenario.name, None, ("design", "mode"))
    plan, params = compile_scenario(scenario)
    if isinstance(requests, int):
        requests = [RequestSpec(0.0, int(scenario.request.prefix_tokens.si)) for _ in range(requests)]
    if sample_every_s is None:
        sample_every_s = _default_sample(plan, params, requests)
    run = DataPlane(plan, params, record=record, sample_every_s=sample_every_s).run(requests, policy)
    summary = simulate_summary(run, scenario.name)
    ev = evaluate(plan, params)
    analytical = point_result(plan, params, ev, scenario.name)
    summary["analytical"] = {
        "throughput_gbps": analytical["throughput_gbps"],
        "fetch_latency_s": analytical["fetch_latency_s"],
        "bottleneck": analytical["bottleneck"],
    }
    # capacity in requests/s of the mean request: the analytical token rate over its tokens
    tokens_per_s = float(np.asarray(ev.chunk_rate * ev.chunk_tokens))
    mean_tokens = sum(r.prefix_tokens for r in requests) / len(requests)
    summary["load"] = load_verdict([r.arrival_s for r in requests], [
        (f - a) / run.clock_hz for f, a in zip(run.finish, run.arrival)], tokens_per_s / mean_tokens,
        f"analytical steady state, {analytical['bottleneck']}-bound, {mean_tokens:.0f}-token prefixes", rate)
    return summary, run


def _default_sample(plan: Plan, params: Params, requests: list[RequestSpec]) -> float:
    """About 100 windows for the bottleneck-over-time view, from the analytical makespan."""
    ev = evaluate(plan, params)
    tokens_per_s = float(ev.chunk_rate * ev.chunk_tokens)
    span = sum(r.prefix_tokens for r in requests) / tokens_per_s + max(r.arrival_s for r in requests)
    return max(span / 100, 1e-6)
