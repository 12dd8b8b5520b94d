"""Does a verdict survive the uncertainty of the numbers it rests on?

For the best row of a design table and the winner of a comparison, every `assumed` number with
a range is moved to each end of its range, one at a time, and the question asked again. The
answer lists the assumptions that change the winner (the verdict "flips"), and for tables the
rows that are within a tolerance of the best, since a flat optimum is a weak one.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..errors import InfeasibleError, SpecError
from ..spec.scenario import Scenario
from .sensitivity import uncertain_params

# column -> True when lower is better
TABLE_SENSE = {"fetch_latency_ms": True, "throughput_gbps": False, "kv_throughput_gbps": False,
               "nic_memory_mib": True}
COMPARE_SENSE = {"fetch_latency_s": True, "throughput_gbps": False, "kv_throughput_gbps": False}


FLIP_CHECK_POINTS = 200_000  # above this a table's flips would take minutes (one evaluation per range end)
NEAR_LISTED = 50  # rows within the tolerance listed by name; the count is always given


def _best(prepared, column: str, patch: dict[str, float] | None = None) -> tuple[tuple, float] | None:
    """(value indices of the best row, its value), the first in table order among equals."""
    keys, values = prepared.values(column, patch)
    if not np.isfinite(values).any():
        return None
    i = int(np.nanargmin(values) if TABLE_SENSE[column] else np.nanargmax(values))
    return tuple(int(k) for k in keys[:, i]), float(values[i])


def table_optimum(prepared, column: str, scenario: Scenario, tolerance: float = 0.01) -> dict[str, Any]:
    """The best row of ``column`` in a prepared design table (nicmodel.planning.sweep.prepare), the rows
    within ``tolerance`` of it, and the assumptions that move the best row elsewhere at either
    end of their range (each a re-evaluation with that number patched, vectorized)."""
    if column not in TABLE_SENSE:
        raise SpecError(f"expected one of {', '.join(TABLE_SENSE)}", "--optimum")
    axes = prepared.axes

    def named(key: tuple) -> dict[str, str]:
        return {a.label: a.values[k] for a, k in zip(axes, key)}

    keys, values = prepared.values(column)
    if not np.isfinite(values).any():
        return {"column": column, "best": None, "note": "no valid row"}
    lower = TABLE_SENSE[column]
    i = int(np.nanargmin(values) if lower else np.nanargmax(values))
    key, value = tuple(int(k) for k in keys[:, i]), float(values[i])
    bound = value * (1 + tolerance) if lower else value * (1 - tolerance)
    with np.errstate(invalid="ignore"):
        near_mask = (values <= bound) if lower else (values >= bound)
    near_idx = np.flatnonzero(near_mask)
    near = [named(tuple(int(k) for k in keys[:, j])) for j in near_idx[:NEAR_LISTED]]
    axis_paths = {".".join(str(p) for p in a.path) for a in axes}
    flips, checked = [], 0
    result = {"column": column, "lower_is_better": lower, "best": named(key), "value": value,
              "tolerance": tolerance, "near_best": near, "near_best_count": int(near_idx.size),
              "rows": int(values.size)}
    if values.size > FLIP_CHECK_POINTS:
        result.update({"assumptions_checked": 0, "flips": [],
                       "note": f"assumption flips not checked: {values.size:,} rows is more than "
                               f"{FLIP_CHECK_POINTS:,} (each check re-evaluates the whole table)"})
        return result
    for u in uncertain_params(scenario):
        if any(u.key == a or u.key.startswith(a + ".") for a in axis_paths):
            continue  # the table already varies it
        checked += 1
        for end, (name, number) in enumerate((("low", u.low), ("high", u.high))):
            other = _best(prepared, column, {u.key: number})
            if other is not None and other[0] != key:
                flips.append({"parameter": u.key, "end": name, "value": u.raw[end],
                              "best": named(other[0]), column: other[1]})
    return {**result, "assumptions_checked": checked, "flips": flips}


def compare_winner(results_fn: Callable[[list[dict[str, float]]], list[dict[str, Any]]],
                   scenarios: list[Scenario], metric: str) -> dict[str, Any]:
    """The winner of ``metric`` among the compared scenarios and the assumptions (of any of them)
    whose range ends change it. ``results_fn(patch_per_scenario)`` re-evaluates with spec numbers
    patched (dotted path -> SI value)."""
    lower = COMPARE_SENSE[metric]
    pick = min if lower else max

    def winner(results: list[dict[str, Any]], incumbent: str | None = None) -> str:
        top = pick(results, key=lambda r: r[metric])
        held = next((r for r in results if r["scenario"] == incumbent), None)
        if held is not None and abs(held[metric] - top[metric]) <= 1e-9 * abs(top[metric]):
            return incumbent  # a tie is not a flip
        return top["scenario"]

    base = results_fn([{} for _ in scenarios])
    best = winner(base)
    per = [{u.key: u for u in uncertain_params(s)} for s in scenarios]
    keys = sorted({k for p in per for k in p})
    flips = []
    for key in keys:
        for end, name in ((0, "low"), (1, "high")):
            extra = [{key: (p[key].low, p[key].high)[end]} if key in p else {} for p in per]
            try:
                results = results_fn(extra)
            except (SpecError, InfeasibleError):
                continue
            w = winner(results, best)
            if w != best:
                u = next(p[key] for p in per if key in p)
                flips.append({"parameter": key, "end": name, "value": u.raw[end], "winner": w,
                              metric: next(r[metric] for r in results if r["scenario"] == w)})
    return {"metric": metric, "lower_is_better": lower, "winner": best, "assumptions_checked": len(keys),
            "flips": flips}
