"""When a measurement cannot tell parameters apart: the equally good explanations, what each does
to a planner's answer, and the one further measurement that would separate them.

A fit of several parameters to fewer points (or to points that move them together) has no single
answer. Instead of refusing, calibration fits each parameter alone (the others at their spec
values) and keeps those that explain the fitted points within tolerance: each is an equally good
explanation ("NIC DRAM 27.9 GB/s, or dequantization 1.7 cycles/byte"). For each it evaluates the
scenario's answer (throughput, fetch latency, bottleneck, and the best chunk size of a chunked
design), and ranks candidate measurements (the headline metrics and each stage alone, on the
fitted points' scenario) by how far apart the explanations predict them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engines.analytical import evaluate
from ..engines.plan import compile_scenario
from ..errors import SpecError
from ..spec.loader import load_scenario
from .calibrate import fit
from .metrics import METRICS, Context
from .predict import Predictor
from .trace import Point

CHUNKS = (16, 32, 64, 128, 256, 512, 1024)
HEADLINE = ("throughput", "kv_throughput", "fetch_latency", "nic_memory_peak")


def explanations(points: list[Point], keys: list[str], initial: dict[str, float],
                 bounds: dict[str, tuple[float, float]], max_residual_pct: float,
                 predictor: Predictor | None = None) -> list[dict[str, Any]]:
    """Each parameter fitted alone; ``explains`` when every fitted point is within tolerance and
    the value is not pushed to a bound of its range."""
    predictor = predictor or Predictor()
    out = []
    for key in keys:
        start = _scan(points, key, bounds[key], predictor)  # a model flat near the spec value has no gradient
        try:
            r = fit(points, [key], {key: start}, {key: bounds[key]}, predictor)
        except SpecError:
            continue
        worst = max(abs(x) for _, x in r.residuals_pct)
        at_bound = r.identifiability[key].startswith("at a bound")
        out.append({"parameter": key, "value": r.values[key], "spec_value": initial[key],
                    "worst_residual_pct": worst, "explains": worst <= max_residual_pct and not at_bound})
    return out


def _scan(points: list[Point], key: str, bounds: tuple[float, float], predictor: Predictor, n: int = 41) -> float:
    """The grid value of ``key`` over its range that best explains the points (a start for the fit)."""
    low, high = bounds
    grid = np.geomspace(low, high, n) if low > 0 and high / low >= 10 else np.linspace(low, high, n)
    cost = [sum(((predictor.predict(p, {key: float(x)}) - p.value) / p.value) ** 2 for p in points) for x in grid]
    return float(grid[int(np.nanargmin(cost))])


def _answer(point: Point, replace: dict[str, float]) -> dict[str, Any]:
    """The planner's answer on the point's scenario with ``replace`` in force: headline numbers and,
    for a chunked design, the chunk size of lowest fetch latency."""
    scenario = load_scenario(point.scenario, list(point.overrides))
    plan, params = compile_scenario(scenario)
    ev = evaluate(plan, {**params, **replace})
    index = int(np.asarray(ev.bottleneck))
    answer = {"throughput_gbps": float(np.asarray(ev.network_bytes_per_s)) * 8e-9,
              "fetch_latency_s": float(np.asarray(ev.latency_s)),
              "bottleneck": ev.resources[index] if index >= 0 else "infeasible"}
    if scenario.design.chunk_tokens not in (None, "naive") and scenario.design.mode != "recompute":
        best = None
        for chunk in CHUNKS:
            s = load_scenario(point.scenario, [*point.overrides, f"design.chunk_tokens={chunk}"])
            p2, params2 = compile_scenario(s)
            latency = float(np.asarray(evaluate(p2, {**params2, **replace}).latency_s))
            if np.isfinite(latency) and (best is None or latency < best[1]):
                best = (chunk, latency)
        if best is not None:
            answer["best_chunk_tokens"] = best[0]
    return answer


def _candidates(ctx: Context) -> list[tuple[str, str | None]]:
    stages = [s.name for s in ctx.plan.stages]
    return [(m, None) for m in HEADLINE] + [("stage_alone", s) for s in stages]


def separating_measurements(point: Point, alternatives: list[dict[str, Any]],
                            predictor: Predictor | None = None, top: int = 3) -> list[dict[str, Any]]:
    """Candidate measurements on the point's scenario, ranked by how far apart the alternatives
    predict them (largest over smallest, minus one)."""
    predictor = predictor or Predictor()
    ctx = predictor.context(point)
    ranked = []
    for metric, argument in _candidates(ctx):
        values = []
        for alt in alternatives:
            c = Context(ctx.plan, {**ctx.params, alt["parameter"]: alt["value"]})
            try:
                values.append(float(METRICS[metric].fn(c, argument)))
            except (SpecError, KeyError, ValueError):
                values = []
                break
        if len(values) >= 2 and min(values) > 0 and all(np.isfinite(values)):
            ranked.append({"metric": metric, "argument": argument, "spread_pct": (max(values) / min(values) - 1) * 100,
                           "predicted": dict(zip((a["parameter"] for a in alternatives), values))})
    ranked.sort(key=lambda r: -r["spread_pct"])
    return ranked[:top]


def report(points: list[Point], keys: list[str], initial: dict[str, float], bounds: dict[str, tuple[float, float]],
           max_residual_pct: float) -> dict[str, Any]:
    """The explanations, each one's answer, and the measurements that would separate them."""
    predictor = Predictor()
    alts = explanations(points, keys, initial, bounds, max_residual_pct, predictor)
    good = [a for a in alts if a["explains"]]
    for a in good:
        a["answer"] = _answer(points[0], {a["parameter"]: a["value"]})
    return {"explanations": alts, "separate_with": separating_measurements(points[0], good, predictor)
            if len(good) >= 2 else []}
