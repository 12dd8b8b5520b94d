"""Runs of the stochastic commands (simulate, serve) as sweep points: every combination of the
swept values, one point's work, and the runs of each point over replication seeds and over draws
of the uncertain numbers, on the pool (``runner``). A failed point becomes a row with its error,
so one bad point never loses the others."""

from __future__ import annotations

import itertools
from typing import Any, Callable

from ..errors import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, InfeasibleError, SpecError
from ..spec.loader import load_scenario
from . import runner
from .budget import check_budget, sim_events
from .replications import SERVE_METRICS, SIMULATE_METRICS, draw_overrides, over_draws, over_seeds
from .runner import Point, point_key

Work = Callable[..., dict]


def key_settings(settings: dict) -> dict:
    """The settings that decide a point's result (a trace by its length; no bookkeeping)."""
    return {k: v for k, v in settings.items() if k not in ("trace", "plot")} | {"trace": len(settings.get("trace") or [])}


def points(command: str, paths: list[str], overrides: list[str], axes, settings: dict) -> list[Point]:
    """Every (scenario, swept values) combination, keyed by its resolved base scenario (every
    number of the file and of the files it names, after the common overrides), its swept values
    and the settings. The base is resolved once per file, so a sweep of 10,000 points is set up in
    well under a second; a point whose values do not resolve reports it in its own row."""
    out = []
    for path in paths:
        try:
            base: Any = load_scenario(path, overrides).model_dump(mode="json")
        except SpecError:
            base = {"unresolvable": [path, *overrides]}
        digest = point_key(command, base, {})  # the base hashed once, not once per point
        shared = key_settings(settings)
        for combo in itertools.product(*(a.values for a in axes)):
            label = {a.label: v for a, v in zip(axes, combo)}
            extra = [f"{k}={v}" for k, v in label.items()]
            key = point_key(command, {"base": digest, "swept": extra}, shared)
            out.append(Point(str(path), [*overrides, *extra], {"command": command, **settings}, label, key))
    return out


def _error_row(pt: Point, exc: Exception) -> dict:
    bad = isinstance(exc, SpecError)
    return {"scenario": str(pt.path), "error": str(exc) if bad else f"{pt.path}: infeasible: {exc}",
            "exit": EXIT_BAD_INPUT if bad else EXIT_CHECK_FAILED}


def sim_row(summary: dict) -> dict:
    """A simulation summary without its per-window detail (kept out of tables and databases)."""
    return {k: v for k, v in summary.items() if k not in ("bottleneck_over_time", "resources")}


def simulate_work(pt: Point, raise_errors: bool = False) -> dict:
    """One simulate point: its requests (a batch, or Poisson at the point's rate) through the
    data plane, within the point's event budget."""
    from ..engines.sim.simulate import simulate_requests
    from ..spec.requests import batch, poisson

    st = pt.settings
    try:
        scenario = load_scenario(pt.path, pt.overrides)
        prefix = int(scenario.request.prefix_tokens.si)
        per = sim_events(scenario, [prefix])
        check_budget(per * st["requests"], st["max_events"], "--requests", f"{st['requests']:,} requests")
        requests = (poisson(st["requests"], st["rate"], prefix, st["seed"]) if st["rate"] is not None
                    else batch(st["requests"], prefix))
        summary, _ = simulate_requests(scenario, requests, st["policy"], record=False, rate=st["rate"])
        row = sim_row(summary)
    except (SpecError, InfeasibleError) as exc:
        if raise_errors:
            raise
        row = _error_row(pt, exc)
        row["scenario"] = pt.path
    row["point"] = pt.label
    row["_seed"] = st["seed"]
    row["key"] = pt.key
    return row


def serve_work(pt: Point, raise_errors: bool = False) -> dict:
    """One serving point: its run, and its SLO-rate search if asked; errors become a row."""
    from ..engines.serving import analytic
    from ..engines.serving.run import max_rate, serve

    st = pt.settings
    model = st.get("model", "simulated")
    try:
        scenario = load_scenario(pt.path, pt.overrides)
        if model == "analytical":
            result = analytic.serve(scenario, st["rate"], st["control"], st["search"])
        else:
            result = serve(scenario, st["rate"], st["requests"], st["seed"], st["control"], st["trace"],
                           st.get("plot", False))
            if st["search"]:
                result["slo"] = max_rate(scenario, st["requests"], st["seed"], st["control"])
                spans = analytic.max_rate_spans(scenario, st["control"])
                result["slo"]["max_rate_across_model_error"], result["slo"]["max_rate_across_assumptions"] = spans
            result["model"] = "simulated"
            if model == "both":  # the screen beside the confirmation, at the same rate
                result["analytical"] = analytic.serve(scenario, st["rate"], st["control"], st["search"])
        from .cost import serving_cost
        cost = serving_cost(scenario, (result.get("slo") or {}).get("max_rate_per_s"))
        if cost is not None:
            result["cost"] = cost
    except (SpecError, InfeasibleError) as exc:
        if raise_errors:
            raise
        # one bad point does not lose the others' rows: it gets an invalid row, its error goes to
        # stderr, and the exit code says something failed
        result = _error_row(pt, exc)
    result["bandwidth"] = pt.label.get("network.bandwidth")
    result["_seed"] = st["seed"]
    result["point"] = pt.label
    result["key"] = pt.key
    return result


WORK = {"simulate": simulate_work, "serve": serve_work}
METRICS = {"simulate": SIMULATE_METRICS, "serve": SERVE_METRICS}


def run_points(pts: list[Point], work: Work, jobs: int = 1, progress: bool = False, store: Any = None,
               backend: str = "local") -> list[dict]:
    """Each point's row, in point order: one point runs here and raises its error; several run on
    the pool, skipping those already in ``store``, and a failed one gets an error row."""
    if len(pts) == 1:  # one run: its error is the command's error
        return [work(pts[0], raise_errors=True)]
    return runner.run(pts, work, min(jobs, len(pts)), progress, store, backend)


def run_with_intervals(command: str, pts: list[Point], replications: int = 1, draws: int = 0, seed: int = 0,
                       jobs: int = 1, progress: bool = False, store: Any = None, backend: str = "local") -> list[dict]:
    """Run each point once per replication seed and once per draw of the uncertain numbers (all
    on the pool), and give each point's row its intervals: ``replications`` over seeds,
    ``uncertainty`` over draws. Each point's own row is its run at its seed."""
    work, metrics = WORK[command], METRICS[command]
    reps = max(1, replications or 1)
    if reps == 1 and not draws:
        return run_points(pts, work, jobs, progress, store, backend)
    flat, roles = [], []
    for g, pt in enumerate(pts):
        for k in range(reps):  # a replication's key: its point's, with its seed (no reloading)
            st = {**pt.settings, "seed": pt.settings["seed"] + k}
            key = point_key(command, {"point": pt.key}, key_settings(st))
            flat.append(Point(pt.path, pt.overrides, st, pt.label, key))
            roles.append((g, "seed"))
        if not draws:
            continue
        try:
            scenario = load_scenario(pt.path, pt.overrides)
        except SpecError:
            continue  # its seed runs report the error
        for sets in draw_overrides(scenario, draws, seed):
            over = [*pt.overrides, *sets]
            key = point_key(command, load_scenario(pt.path, over).model_dump(mode="json"), key_settings(pt.settings))
            flat.append(Point(pt.path, over, pt.settings, pt.label, key))
            roles.append((g, "draw"))
    results = run_points(flat, work, jobs, progress, store, backend)
    rows = []
    for g in range(len(pts)):
        seeds = [r for r, (gg, role) in zip(results, roles) if gg == g and role == "seed"]
        drawn = [r for r, (gg, role) in zip(results, roles) if gg == g and role == "draw"]
        row = dict(seeds[0])
        ok = [r for r in seeds if "error" not in r]
        if len(ok) > 1:
            row["replications"] = over_seeds(ok, metrics)
            row["_seed_rows"] = ok  # each replication's own result, for the results database
        good = [r for r in drawn if "error" not in r]
        if good:
            row["uncertainty"] = over_draws(good, metrics)
            row["uncertainty"]["failed_draws"] = len(drawn) - len(good)
        rows.append(row)
    return rows
