"""The public Python API. Everything the CLI does goes through these functions."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np

from .engines.analytical import Evaluation, evaluate, problems
from .engines.plan import Params, Plan, compile_scenario
from .errors import InfeasibleError, SpecError
from .engines.overload import load_verdict
from .spec.loader import load_document, validate
from .engines.result import point_result
from .engines.sim.datapath import DataPlane, Policy, RequestSpec, SimRun
from .engines.sim.report import simulate_summary
from .spec.scenario import Scenario
from .planning.sweep import Axis, Table, check_size, parse_axis, prepare, sweep


def load(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read and validate a scenario file; ``overrides`` are 'dotted.path=value' strings."""
    return validate(load_document(path, overrides), str(path))


def analyze(scenario: Scenario) -> tuple[Plan, Params, Evaluation]:
    """Compile and evaluate a scenario; for callers that want the raw arrays. Raises
    InfeasibleError when the hardware cannot run it (too few cores, buffers beyond memory)."""
    if scenario.design.mode == "recompute":
        raise SpecError("a recompute design has no data plane to evaluate; use `nicmodel serve`",
                        scenario.name, None, ("design", "mode"))
    plan, params = compile_scenario(scenario)
    ev = evaluate(plan, params)
    found = problems(ev)
    if found:
        raise InfeasibleError("; ".join(found))
    return plan, params, ev


def hardware(scenario: Scenario) -> dict[str, Any]:
    """The names of what a scenario actually runs on, after overrides (for headers)."""
    return {"nic": scenario.nic.name if scenario.nic else None, "gpu": scenario.gpu.name,
            "host": scenario.host.name if scenario.host else None, "network": scenario.network.name,
            "model": scenario.model.name, "codec": scenario.codec.name}


def evaluate_scenario(scenario: Scenario, overrides: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """Steady-state results of one scenario as a JSON-ready dict (units in key names), with the
    hardware it ran on and the overrides that made it."""
    plan, params, ev = analyze(scenario)
    result = point_result(plan, params, ev, scenario.name)
    result["hardware"] = hardware(scenario)
    result["overrides"] = list(overrides)
    return result


def evaluate_file(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """``evaluate_scenario(load(path, overrides))``."""
    return evaluate_scenario(load(path, overrides), overrides)


def design_table(
    path: str | Path, vary: list[str] | list[Axis], overrides: list[str] | tuple[str, ...] = (),
    max_points: int | None = None,
) -> Table:
    """Cross product of ``vary`` axes ('path=v1,v2,...'), evaluated vectorized; refused up front
    when it has more than ``max_points`` points."""
    axes = [a if isinstance(a, Axis) else parse_axis(a) for a in vary]
    if max_points is not None:
        check_size(axes, max_points)
    return sweep(load_document(path, overrides), Path(path), axes)


def compare(paths: list[str | Path], overrides: list[str] | tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Results of several scenarios, the same overrides applied to each."""
    return [evaluate_file(p, overrides) for p in paths]


def design_table_csv(path: str | Path, vary: list[str] | list[Axis], overrides: list[str] | tuple[str, ...] = (),
                     max_points: int | None = None):
    """(prepared table, CSV text chunks) for a table that can be streamed in table order with no
    invalid axis value to report; None otherwise (use ``design_table``)."""
    from .output.table_csv import csv_chunks, streamable

    axes = [a if isinstance(a, Axis) else parse_axis(a) for a in vary]
    if max_points is not None:
        check_size(axes, max_points)
    prepared = prepare(load_document(path, overrides), Path(path), axes)
    if prepared.failures or prepared.scenario is None or not streamable(prepared):
        return None
    return prepared, csv_chunks(prepared)


def optimum_of(prepared, column: str = "fetch_latency_ms", tolerance: float = 0.01) -> dict[str, Any]:
    """Best row of ``column`` of a prepared table (see ``table_optimum``)."""
    from .planning.robustness import table_optimum as optimum

    if prepared.scenario is None:
        return {"column": column, "best": None, "note": "no valid row"}
    return optimum(prepared, column, prepared.scenario, tolerance)


def table_optimum(path: str | Path, vary: list[str] | list[Axis], overrides: list[str] | tuple[str, ...] = (),
                  column: str = "fetch_latency_ms", tolerance: float = 0.01) -> dict[str, Any]:
    """Best row of a design table's ``column``, the rows within ``tolerance`` of it, and every
    `assumed` number whose range end moves the best row (see nicmodel.planning.robustness)."""
    from .planning.robustness import table_optimum as optimum

    axes = [a if isinstance(a, Axis) else parse_axis(a) for a in vary]
    prepared = prepare(load_document(path, overrides), Path(path), axes)
    if prepared.scenario is None:
        return {"column": column, "best": None, "note": "no valid row"}
    return optimum(prepared, column, prepared.scenario, tolerance)


def compare_winner(paths: list[str | Path], overrides: list[str] | tuple[str, ...] = (),
                   metric: str = "fetch_latency_s") -> dict[str, Any]:
    """Winner of ``metric`` among compared scenarios, and the assumptions that change it."""
    from .planning.robustness import compare_winner as winner

    scenarios = [load(p, overrides) for p in paths]
    compiled = [compile_scenario(s) for s in scenarios]

    def results(patches: list[dict[str, float]]) -> list[dict[str, Any]]:
        out = []
        for s, (plan, params), patch in zip(scenarios, compiled, patches):
            p = {**params, **patch}
            ev = evaluate(plan, p)
            if problems(ev):
                raise InfeasibleError("; ".join(problems(ev)))
            out.append(point_result(plan, p, ev, s.name))
        return out

    return winner(results, scenarios, metric)


def simulate(
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


def uncertainty_of(scenario: Scenario, samples: int = 1000, seed: int = 0,
                   exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Median and 90% interval of each output of one design point over draws of its assumed and
    fitted numbers (see nicmodel.planning.uncertainty); ``exclude``: paths not to draw."""
    from .planning import uncertainty

    plan, params = compile_scenario(scenario)
    numbers = [u for u in uncertainty.uncertain(scenario)
               if not any(u.key == e or u.key.startswith(e + ".") for e in exclude)]
    return uncertainty.point(plan, params, numbers, samples, seed)


def design_table_uncertainty(path: str | Path, vary: list[str] | list[Axis], overrides: list[str] | tuple[str, ...] = (),
                             samples: int = 1000, seed: int = 0, max_points: int | None = None) -> Table:
    """A design table with a 90% interval on each row's fetch latency and KV throughput over
    draws of the assumed and fitted numbers the table does not vary."""
    from .planning import uncertainty
    from .planning.sweep import grid_block

    axes = [a if isinstance(a, Axis) else parse_axis(a) for a in vary]
    if max_points is not None:
        check_size(axes, max_points)
    table = sweep(load_document(path, overrides), Path(path), axes)
    prepared = prepare(load_document(path, overrides), Path(path), axes)
    varied = tuple(".".join(str(p) for p in a.path) for a in axes)
    extra: dict[tuple, dict[str, Any]] = {}
    numeric_axes = [(axes[i], vals) for i, vals in zip(prepared.numeric, prepared.numeric_values)]
    for combo in prepared.combos:
        if combo.compiled is None or prepared.scenario is None:
            continue
        plan, params = combo.compiled
        numbers = [u for u in uncertainty.uncertain(prepared.scenario)
                   if not any(u.key == v or u.key.startswith(v + ".") for v in varied)]
        grid = grid_block(params, numeric_axes, combo.index)
        stats = uncertainty.table(plan, grid, combo.n, numbers, samples, seed)
        for j in range(combo.n):
            key = [0] * len(axes)
            for i, v in combo.key.items():
                key[i] = v
            for k, i in enumerate(prepared.numeric):
                key[i] = int(combo.index[k][j])
            extra[tuple(key)] = {
                "fetch_latency_ms_p5": round(float(stats["fetch_latency_p5"][j]), 4),
                "fetch_latency_ms_p95": round(float(stats["fetch_latency_p95"][j]), 4),
                "kv_throughput_gbps_p5": round(float(stats["kv_throughput_p5"][j]), 4),
                "kv_throughput_gbps_p95": round(float(stats["kv_throughput_p95"][j]), 4),
                "draws_invalid": round(float(stats["invalid_share"][j]), 4),
            }
    columns = list(table.columns) + ["fetch_latency_ms_p5", "fetch_latency_ms_p95", "kv_throughput_gbps_p5",
                                     "kv_throughput_gbps_p95", "draws_invalid"]
    keys = sorted(itertools.product(*(range(len(a.values)) for a in axes)))
    rows = []
    for key, row in zip(keys, table.rows):
        more = extra.get(key) if not row["bottleneck"].startswith("invalid") else None
        rows.append({**row, **(more or {c: None for c in columns[len(table.columns):]})})
    return Table(columns, rows)


def query(database: str | Path, sql: str) -> list[dict[str, Any]]:
    """Rows of ``sql`` on a results database (written with ``-o FILE.sqlite``), as dicts."""
    from .output.resultsdb import query as run_query

    names, rows = run_query(database, sql)
    return [dict(zip(names, r)) for r in rows]
