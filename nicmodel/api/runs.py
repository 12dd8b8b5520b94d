"""Simulation and serving: one run, or a sweep of runs on a process pool with intervals over
replication seeds and draws of the uncertain numbers, within a run budget."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from ..engines.sim.dataplane import Policy
from ..engines.sim.record import SimRun
from ..engines.sim.simulate import simulate_requests as simulate  # the API's `simulate` (a scenario, requests)
from .. import limits
from ..errors import SpecError
from ..planning import budget
from ..planning.runner import default_jobs
from ..planning.runs import points as sweep_points
from ..planning.runs import run_with_intervals
from ..planning.sweep import sweep_axes
from ..spec.loader import load_scenario
from ..spec.requests import batch, poisson, read_trace, read_trace_rows
from ..units import UnitError, parse_quantity

DEFAULT_MAX_EVENTS = 5e7  # ~20 s of simulation


def check_load(requests: int | None, rate: float | None, seed: int = 0, replications: int = 1,
               uncertainty: int | None = None, max_events: float = DEFAULT_MAX_EVENTS) -> None:
    """The run's numbers, by the same rules as the CLI's (nicmodel.limits)."""
    if requests is not None:
        limits.requests(requests)
    if rate is not None:
        limits.rate(rate)
    limits.seed(seed)
    limits.replications(replications)
    if uncertainty:
        limits.draws(uncertainty)
    limits.max_events(max_events)


def jobs_for(jobs: int | None) -> int:
    """Worker processes: ``jobs`` (at least 1), else every core."""
    jobs = jobs if jobs is not None else default_jobs()
    if jobs < 1:
        raise SpecError(f"must be at least 1, got {jobs}", "--jobs")
    return jobs


@contextmanager
def kernel_for(events: float, warm: Any = None, jobs: int = 1) -> Iterator[None]:
    """Under the `auto` kernel, a command of many events runs on the compiled loop; the choice
    is an environment variable (so that pool workers make it too) restored afterwards. Before a
    pool of ``jobs`` workers runs on the compiled loop, this process loads (or compiles) it on
    the scenario ``warm``, so the workers load it from the cache instead of each compiling it."""
    before = os.environ.get("NICMODEL_SIM_KERNEL")
    budget.prefer_compiled(events)
    if warm is not None and jobs > 1 and os.environ.get("NICMODEL_SIM_KERNEL") == "compiled":
        _warm(warm)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("NICMODEL_SIM_KERNEL", None)
        else:
            os.environ["NICMODEL_SIM_KERNEL"] = before


def _show_plan(progress: bool, points: int, runs: int, events: float, jobs: int, backend: str) -> None:
    """The sweep's plan on stderr, where its progress bar goes (when there is more than one run)."""
    if progress and runs > 1:
        import sys

        print(budget.plan_line(points, runs, events, jobs, backend, os.environ.get("NICMODEL_SIM_KERNEL")),
              file=sys.stderr, flush=True)


def _warm(scenario: Any) -> None:
    """One request of ``scenario`` on the compiled loop (compiles it if the cache is cold)."""
    from ..engines.plan import compile_scenario
    from ..engines.sim.dataplane import DataPlane
    from ..errors import InfeasibleError
    from ..spec.requests import batch as together

    if scenario.design.mode == "recompute":
        return
    try:
        plan, params = compile_scenario(scenario)
        DataPlane(plan, params, record=False, kernel="compiled").run(
            together(1, int(scenario.request.prefix_tokens.si)))
    except (InfeasibleError, SpecError):
        pass  # the point reports it in its own row


def simulate_file(path: str | Path, overrides: list[str] | tuple[str, ...] = (), requests: int | None = None,
                  rate: float | None = None, trace: str | Path | None = None, seed: int = 0,
                  policy: Policy = "fifo", record: bool = False, sample_every_s: float | None = None,
                  max_events: float = DEFAULT_MAX_EVENTS) -> tuple[dict[str, Any], SimRun]:
    """``nicmodel simulate``: ``requests`` of the scenario's prefix (a batch, or Poisson at
    ``rate``), or a JSONL request ``trace``; refused up front above ``max_events``."""
    check_load(requests, rate, seed, max_events=max_events)
    scenario = load_scenario(path, overrides, cached=True)
    prefix = int(scenario.request.prefix_tokens.si)
    if trace:
        reqs = read_trace(trace)
        tokens = [r.prefix_tokens for r in reqs]
    else:
        tokens = [prefix] * min(requests or 1, 2)  # the estimate scales from one request
    per_request = budget.sim_events(scenario, tokens) / len(tokens)
    count = len(reqs) if trace else (requests or 1)
    budget.check_budget(per_request * count, max_events, "--trace" if trace else "--requests", f"{count:,} requests")
    if not trace:
        reqs = poisson(count, rate, prefix, seed) if rate is not None else batch(count, prefix)
    return simulate(scenario, reqs, policy, record=record, sample_every_s=sample_every_s,
                    rate=None if trace else rate)


def simulate_sweep(path: str | Path, vary: list[str], overrides: list[str] | tuple[str, ...] = (),
                   requests: int | None = None, rate: float | None = None, seed: int = 0, policy: Policy = "fifo",
                   max_events: float = DEFAULT_MAX_EVENTS, replications: int = 1, uncertainty: int | None = None,
                   jobs: int | None = None, backend: str = "local", progress: bool = False,
                   store: Any = None) -> list[dict[str, Any]]:
    """``nicmodel simulate --vary``: one summary row per combination of the swept values, each
    with intervals over ``replications`` seeds and ``uncertainty`` draws; a failed point's row
    carries its error."""
    check_load(requests, rate, seed, replications, uncertainty, max_events)
    pts = sweep_points("simulate", [str(path)], list(overrides), sweep_axes(vary),
                       {"rate": rate, "requests": requests or 1, "seed": seed, "policy": policy,
                        "max_events": max_events})
    events = 0.0
    runs = len(pts) * (max(1, replications) + (uncertainty or 0))
    first = None
    try:
        first = load_scenario(pts[0].path, pts[0].overrides)
        events = budget.sim_events(first, [int(first.request.prefix_tokens.si)]) * (requests or 1) * runs
    except SpecError:
        pass  # reported with its row
    budget.check_budget(events, max_events, "--vary", f"{runs:,} simulation runs of {requests or 1:,} requests")
    with kernel_for(events, first, min(jobs_for(jobs), runs)):
        _show_plan(progress, len(pts), runs, events, min(jobs_for(jobs), runs), backend)
        return run_with_intervals("simulate", pts, replications, uncertainty or 0, seed,
                                  jobs_for(jobs), progress, store, backend)


def _serve_points(paths, *, rate, rates, requests, seed, control, search, vary, bandwidths, overrides, rows_of_trace,
                  keep_samples, model, replications) -> tuple[list, int]:
    """The serve command's points (each design, swept value and offered rate, in the designs' order) and
    the replications that can differ."""
    # --bandwidths is a case of --vary network.bandwidth=...
    axes = sweep_axes(list(vary) + ([f"network.bandwidth={','.join(bandwidths)}"] if bandwidths else []))
    offered = rates or [rate]
    pts = []
    for r in offered:  # --rates: the same points at each offered rate (a throughput-latency curve)
        for pt in sweep_points("serve", [str(p) for p in paths], list(overrides), axes,
                               {"rate": r, "requests": requests, "seed": seed, "control": control,
                                "search": search, "trace": rows_of_trace, "plot": keep_samples,
                                **({"model": model} if model != "simulated" else {})}):
            if len(offered) > 1:
                pt.label = {**pt.label, "rate": f"{r:g}/s"}
            pts.append(pt)
    order = {str(p): i for i, p in enumerate(paths)}
    pts.sort(key=lambda pt: order.get(pt.path, 0))  # stable: each design's rates together
    if (rate is None and not rates and not rows_of_trace) or model == "analytical":
        # every request arrives at once, or the model has no seed: replications cannot differ
        replications = 1
    return pts, replications


def _serve_budget(pts: list, per_point: int, requests: int, rows_of_trace, search: bool, model: str,
                  max_events: float | None) -> tuple[int, float, Any]:
    """(runs, estimated simulator events, the scenario the estimate read) of a serve command; above
    ``max_events`` (unless None) it is refused with the estimate."""
    runs = len(pts) * per_point * (1 + (budget.SEARCH_RUNS if search else 0))
    events = 0.0
    scenario = None
    for pt in pts:
        try:
            scenario = load_scenario(pt.path, pt.overrides)
        except SpecError:
            scenario = None
            continue  # reported with its row
        if scenario.serving is not None and model != "analytical":
            count = len(rows_of_trace) if rows_of_trace else requests
            prefixes = ([r["prefix_tokens"] for r in rows_of_trace] if rows_of_trace
                        else [int(scenario.request.prefix_tokens.si)])
            # the loaded runs, and one unloaded one-request run per point and seed
            events = (budget.serve_events(scenario, prefixes, count) * runs
                      + budget.serve_events(scenario, prefixes[:1], 1) * len(pts) * per_point)
            if max_events is not None:
                budget.check_budget(events, max_events, "--trace" if rows_of_trace else "--requests",
                                    f"{'up to ' if search else ''}{runs} serving runs of {count:,} requests"
                                    + (" (each SLO search at its longest bisection)" if search else ""))
        break  # one point's estimate stands for all: they share the request count
    return runs, events, scenario


def serve_events(paths: list[str | Path], requests: int = 200, rate: float | None = None, search: bool = False,
                 vary: list[str] | tuple[str, ...] = (), bandwidths: list[str] | tuple[str, ...] = (),
                 rates: list[float] | None = None, overrides: list[str] | tuple[str, ...] = (),
                 replications: int = 5, uncertainty: int | None = None, model: str = "simulated") -> float:
    """The simulator events ``serve`` with these arguments is estimated to take (with ``search``, every
    SLO search at its longest bisection): the figure its ``max_events`` is checked against."""
    pts, replications = _serve_points(paths, rate=rate, rates=rates, requests=requests, seed=0, control=None,
                                      search=search, vary=vary, bandwidths=bandwidths, overrides=overrides,
                                      rows_of_trace=None, keep_samples=False, model=model, replications=replications)
    per_point = max(1, replications) + (uncertainty or 0)
    return _serve_budget(pts, per_point, requests, None, search, model, None)[1]


MODELS = ("simulated", "analytical", "both")


def serve(paths: list[str | Path], rate: float | None = None, requests: int = 200, seed: int = 0,
          control: str | None = None, trace: str | Path | None = None, search: bool = False,
          vary: list[str] | tuple[str, ...] = (), bandwidths: list[str] | tuple[str, ...] = (),
          rates: list[float] | None = None, overrides: list[str] | tuple[str, ...] = (), replications: int = 5,
          uncertainty: int | None = None, jobs: int | None = None, backend: str = "local",
          progress: bool = False, store: Any = None, max_events: float = DEFAULT_MAX_EVENTS,
          keep_samples: bool = False, model: str = "simulated") -> list[dict[str, Any]]:
    """``nicmodel serve``: one row per design, swept value and offered rate (``rates`` gives a
    throughput-latency curve): TTFT, TPOT, the load verdict and, with ``search``, the largest rate
    meeting the SLOs, with intervals over ``replications`` seeds and ``uncertainty`` draws.
    ``keep_samples`` keeps each row's latency samples (for plots). ``model``: ``simulated`` (the
    request-level simulator), ``analytical`` (the queueing model: steady state under Poisson
    arrivals, deterministic, milliseconds per point) or ``both`` (the simulator's row with the
    analytical answer beside it under ``analytical``)."""
    if model not in MODELS:
        raise SpecError(f"expected one of {', '.join(MODELS)}, got {model!r}", "--model")
    if model != "simulated" and trace:
        raise SpecError("the analytical model takes Poisson arrivals of the scenario's shape, not a trace: "
                        "use --model simulated with --trace", "--model")
    if model == "analytical" and rate is None and not rates and not search:
        raise SpecError("the analytical model answers a Poisson rate: give --rate, --rates or --search "
                        "(requests arriving together need --model simulated)", "--model")
    if model == "analytical" and keep_samples:
        raise SpecError("--plot draws the simulated requests' latencies: use --model simulated or both", "--plot")
    for b in bandwidths:
        try:
            parse_quantity(b, "bandwidth")
        except UnitError as exc:
            raise SpecError(str(exc), "--bandwidths") from None
    check_load(requests, rate, seed, replications, uncertainty, max_events)
    if rates and rate is not None:
        raise SpecError("give --rate or --rates, not both", "--rates")
    for r in rates or []:
        limits.rate(r, "--rates")
    rows_of_trace = read_trace_rows(trace) if trace else None
    pts, replications = _serve_points(paths, rate=rate, rates=rates, requests=requests, seed=seed, control=control,
                                      search=search, vary=vary, bandwidths=bandwidths, overrides=overrides,
                                      rows_of_trace=rows_of_trace, keep_samples=keep_samples, model=model,
                                      replications=replications)
    per_point = max(1, replications) + (uncertainty or 0)
    runs, events, scenario = _serve_budget(pts, per_point, requests, rows_of_trace, search, model, max_events)
    if model == "analytical" and not uncertainty:
        jobs = 1  # milliseconds per point: a process pool would cost more than it saves
    with kernel_for(events, scenario, min(jobs_for(jobs), runs)):
        if model != "analytical":
            _show_plan(progress, len(pts), runs, events, min(jobs_for(jobs), runs), backend)
        return run_with_intervals("serve", pts, replications, uncertainty or 0, seed, jobs_for(jobs),
                                  progress, store, backend)
