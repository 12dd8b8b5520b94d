"""Serving results: TTFT and TPOT distributions, unloaded TTFT, and the SLO-bound request rate."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..plan import Params, Plan, compile_scenario, flatten
from ...errors import SpecError
from ...spec.scenario import Scenario
from ..analytical import evaluate
from ..overload import load_verdict
from . import gpu
from .engine import Requests, ServeRun, memory_plan, serve_requests
from .validity import interference_basis, interference_error, regime_notes


def compiled(scenario: Scenario) -> tuple[Plan | None, Params]:
    if scenario.serving is None:
        raise SpecError("the scenario has no `serving:` section (new_tokens, output_tokens, max_batch, SLOs)",
                        scenario.name)
    for key in ("decode_efficiency", "step_overhead", "prefill_efficiency", "interference", "sm_limits",
                "decode_kernels", "copy_kernel"):
        if getattr(scenario.gpu, key) is None:
            raise SpecError(f"the GPU spec has no {key}; serving needs it", scenario.name, None, ("gpu", key))
    if scenario.design.mode == "recompute":
        return None, flatten(scenario)
    return compile_scenario(scenario)


def arrivals(scenario: Scenario, rate: float | None, count: int, seed: int) -> Requests:
    """``count`` requests of the scenario's shape: Poisson at ``rate`` per second, or together."""
    s = scenario.serving
    if rate is None:
        times = np.zeros(count)
    else:
        if rate <= 0:
            raise SpecError("must be a positive number of requests per second", "--rate")
        gaps = np.random.default_rng(seed).exponential(1.0 / rate, count)
        times = np.cumsum(gaps) - gaps[0]
    return Requests(times, int(scenario.request.prefix_tokens.si), int(s.new_tokens.si), int(s.output_tokens.si))


def from_trace(scenario: Scenario, rows: list[dict]) -> Requests:
    """Requests of a JSONL trace: its prefix, prompt tokens beyond the prefix (at least one), and
    output length, each falling back to the scenario's serving section."""
    s = scenario.serving
    new = [max(1, (row["input_tokens"] or 0) - row["prefix_tokens"]) if row["input_tokens"] else int(s.new_tokens.si)
           for row in rows]
    return Requests([row["arrival_s"] for row in rows], [row["prefix_tokens"] for row in rows], new,
                    [row["output_tokens"] or int(s.output_tokens.si) for row in rows])


def _dist(values: np.ndarray) -> dict[str, float]:
    a = values if values.size else np.array([float("nan")])
    return {"mean": float(a.mean()), "p50": float(np.percentile(a, 50)), "p99": float(np.percentile(a, 99)),
            "max": float(a.max())}


def summarize(run: ServeRun) -> dict[str, Any]:
    """Per-request latencies from the run's arrays (float64, in request order), and their
    distributions."""
    hz = run.clock_hz
    reqs = run.requests
    arrived = reqs.arrival_s * hz
    ttft = (reqs.first_token - arrived) / hz
    multi = reqs.output_tokens > 1
    tpot = (reqs.finish[multi] - reqs.first_token[multi]) / hz / (reqs.output_tokens[multi] - 1)
    fetch = (reqs.ready - arrived) / hz
    span = (run.end - float(reqs.arrival_s.min()) * hz) / hz
    return {
        "requests": len(reqs),
        "ttft_s": _dist(ttft),
        "tpot_s": _dist(tpot),
        "kv_ready_s": _dist(fetch),
        "throughput_req_per_s": len(reqs) / span if span > 0 else float("nan"),
        "decode_interference_share": run.decode_slowdown_time / run.decode_time if run.decode_time else 0.0,
        "decode_steps": run.decode_steps,
        "events": run.events,
        "_samples": {"ttft_s": ttft, "tpot_s": tpot},  # per request, for plots; not printed
    }


def capacity(scenario: Scenario, plan: Plan | None, params: Params, batch: int) -> tuple[float, str]:
    """Requests per second the server can sustain at most, known before simulating: the smaller
    of the data plane's analytical fetch rate and the GPU's rate at the batch that fits (one
    prefill plus output_tokens decode steps shared by the batch, no interference)."""
    s = scenario.serving
    prefix, new, out = scenario.request.prefix_tokens.si, s.new_tokens.si, s.output_tokens.si
    kv = float(np.asarray(memory_plan(scenario, plan, params).kv_per_request)) / (prefix + new + out)
    if plan is None:  # recompute: the whole prefix is prefilled
        prefill = gpu.prefill_time(params, kv, prefix + new, 0.0)
        fetch = np.inf
    else:
        prefill = gpu.prefill_time(params, kv, new, prefix)
        ev = evaluate(plan, params)
        fetch = float(np.asarray(ev.chunk_rate * ev.chunk_tokens)) / prefix
    step = gpu.decode_step_time(params, kv, batch, prefix + new + out / 2)
    gpu_rate = 1.0 / float(np.asarray(prefill + out * step / batch))
    if fetch < gpu_rate:
        return fetch, "data-plane fetch rate (analytical)"
    return gpu_rate, f"GPU at batch {batch}: prefill + {out:.0f} decode steps (no interference)"


def serve(scenario: Scenario, rate: float | None, count: int, seed: int = 0, control: str | None = None,
          trace: list[dict] | None = None, keep_samples: bool = False) -> dict[str, Any]:
    """Unloaded TTFT, and TTFT/TPOT under the given load (Poisson, together, or a trace), with
    the GPU memory plan, the offered and served rates and an overload verdict."""
    plan, params = compiled(scenario)
    alone = summarize(serve_requests(scenario, plan, params, arrivals(scenario, None, 1, seed), control))
    load = from_trace(scenario, trace) if trace else arrivals(scenario, rate, count, seed)
    loaded, verdict, memory, ok = _loaded(scenario, plan, params, load, control, None if trace else rate)
    s = scenario.serving
    samples = loaded.pop("_samples")
    alone.pop("_samples")
    return {
        **({"_samples": samples} if keep_samples else {}),
        "scenario": scenario.name,
        "control_plane": control or s.control_plane,
        "rate_per_s": rate,
        "unloaded_ttft_s": alone["ttft_s"]["mean"],
        "unloaded_tpot_s": alone["tpot_s"]["mean"],
        "loaded": loaded,
        "gpu_memory": memory.as_dict(),
        "validity": regime_notes(scenario, plan, params, memory.batch),
        "interference_basis": interference_basis(scenario),
        "interference_error": interference_error(scenario),
        "load": verdict,
        "meets_slo": ok,
    }


def _loaded(scenario: Scenario, plan: Plan | None, params: Params, load: Requests,
            control: str | None, rate: float | None) -> tuple[dict[str, Any], dict[str, Any], Any, bool]:
    """Serve ``load``: (summary, overload verdict, GPU memory plan, SLOs met). A run counts as
    meeting the SLOs only if its p99 TTFT and TPOT do and it is not overloaded: an overloaded
    run's percentiles depend on how long it ran, not on the rate."""
    memory = memory_plan(scenario, plan, params, load)
    run = serve_requests(scenario, plan, params, load, control)
    loaded = summarize(run)
    cap, basis = capacity(scenario, plan, params, memory.batch)
    hz = run.clock_hz
    reqs = run.requests
    verdict = load_verdict(reqs.arrival_s, (reqs.finish - reqs.arrival_s * hz) / hz, cap, basis, rate)
    s = scenario.serving
    ok = bool(loaded["ttft_s"]["p99"] <= s.ttft_slo.si and loaded["tpot_s"]["p99"] <= s.tpot_slo.si
              and not verdict["overloaded"])
    return loaded, verdict, memory, ok


def max_rate(scenario: Scenario, count: int, seed: int = 0, control: str | None = None,
             iterations: int = 12, tolerance: float = 0.005) -> dict[str, Any]:
    """Largest Poisson rate whose p99 TTFT and TPOT meet the scenario's SLOs without overload
    (bisection).

    The analytical capacity bounds the search from above before anything is simulated: any
    rate above it is overloaded, so it is a miss without a run. The search starts at that bound
    (a design held by its capacity is done in one run) and stops when the bracket is within
    ``tolerance`` of its upper end (or after ``iterations`` halvings)."""
    plan, params = compiled(scenario)
    s = scenario.serving
    batch = memory_plan(scenario, plan, params, arrivals(scenario, None, 1, seed)).batch
    cap, basis = capacity(scenario, plan, params, batch)
    runs = [0]

    def ok(rate: float, requests: int = count) -> bool:
        runs[0] += 1
        return _loaded(scenario, plan, params, arrivals(scenario, rate, requests, seed), control, rate)[3]

    out = {"ttft_slo_s": s.ttft_slo.si, "tpot_slo_s": s.tpot_slo.si, "requests": count,
           "upper_bound_per_s": cap, "upper_bound_basis": basis}
    # requests of one shape arriving a million seconds apart never meet: one of them answers for all
    if not ok(1e-6, 1):
        return {**out, "max_rate_per_s": 0.0, "runs": runs[0], "note": "the SLO is not met even for a lone request"}
    if ok(cap):
        return {**out, "max_rate_per_s": cap, "runs": runs[0]}
    low, high = 1e-6, cap
    for _ in range(iterations):
        if high - low <= tolerance * high:
            break
        mid = (low + high) / 2
        low, high = (mid, high) if ok(mid) else (low, mid)
    return {**out, "max_rate_per_s": low, "runs": runs[0]}
