"""`nicmodel sensitivity`: which uncertain spec numbers move an output most.

One-at-a-time: each parameter at the low and high end of its provenance `range`, the others at
their values. Sobol (Saltelli sampling, Jansen estimators): first-order and total indices with
every parameter uniform over its range, evaluated in one vectorized call of the analytical
model. By default the parameters are the assumed, fitted and derived numbers that carry a range
(fitted ones over their fit's interval); the workload (request.*, serving.*) is never varied.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from ..engines.analytical import evaluate
from ..engines.plan import Params, Plan
from ..errors import SpecError
from ..spec.base import Param
from ..spec.scenario import Scenario

OUTPUTS = {
    "throughput_gbps": lambda ev: ev.network_bytes_per_s * 8e-9,
    "kv_throughput_gbps": lambda ev: ev.kv_bytes_per_s * 8e-9,
    "fetch_latency_s": lambda ev: ev.latency_s,
    "nic_memory_peak_bytes": lambda ev: ev.footprint.get("nic.memory", 0.0),
}


@dataclass(frozen=True)
class Uncertain:
    key: str
    kind: str
    low: float
    high: float
    integer: bool
    raw: tuple = ()  # the range as written in the spec (with units), for re-applying as --set


# The split every study uses: the planner states the workload and the targets (the question);
# the unknowns are the hardware and software numbers that are assumed, fitted or derived.
WORKLOAD = ("request.", "serving.")
UNCERTAIN_KINDS = ("assumed", "fitted", "derived")
SPLIT_NOTE = ("varied: the assumed, fitted and derived hardware and software numbers that carry a range; "
              "the workload and targets (request.*, serving.*) are the question, never varied")


def uncertain_params(scenario: Scenario, kinds: tuple[str, ...] = UNCERTAIN_KINDS) -> list[Uncertain]:
    """Numbers with a range, of the given provenance kinds; never the workload (WORKLOAD), and
    not optical-fabric numbers (structural, see nicmodel.engines.plan)."""
    found: list[Uncertain] = []

    def walk(obj: Any, prefix: str) -> None:
        if isinstance(obj, Param):
            if (obj.range is not None and obj.kind in kinds and ".fabric." not in f".{prefix}."
                    and not prefix.startswith(WORKLOAD)):
                low, high = (type(obj)._check(v) for v in obj.range)
                if high > low:
                    found.append(Uncertain(prefix, obj.kind, low, high, type(obj).integer, tuple(obj.range)))
        elif isinstance(obj, BaseModel):
            for name in type(obj).model_fields:
                walk(getattr(obj, name), f"{prefix}.{name}" if prefix else name)
        elif isinstance(obj, dict):
            for k, v in obj.items():
                walk(v, f"{prefix}.{k}")
        elif isinstance(obj, list):
            for i, v in enumerate(obj):
                walk(v, f"{prefix}.{i}")

    walk(scenario, "")
    return found


def _evaluate(plan: Plan, base: Params, output: str, columns: dict[str, np.ndarray]) -> np.ndarray:
    ev = evaluate(plan, {**base, **columns})
    values = np.asarray(OUTPUTS[output](ev), dtype=float)
    n = len(next(iter(columns.values()))) if columns else 1
    return np.broadcast_to(values, (n,)).astype(float)


def one_at_a_time(plan: Plan, base: Params, params: list[Uncertain], output: str) -> list[dict[str, Any]]:
    """Output at each parameter's low and high end, all in one vectorized evaluation."""
    if not params:
        raise SpecError("no parameters with a range to study; give assumed numbers a `range`", "sensitivity")
    n = 2 * len(params)
    columns = {p.key: np.full(n, float(base[p.key])) for p in params}
    for i, p in enumerate(params):
        columns[p.key][2 * i] = p.low
        columns[p.key][2 * i + 1] = p.high
    values = _evaluate(plan, base, output, columns)
    reference = float(np.asarray(OUTPUTS[output](evaluate(plan, base))))
    rows = []
    for i, p in enumerate(params):
        low, high = values[2 * i], values[2 * i + 1]
        rows.append({"parameter": p.key, "kind": p.kind, "low": p.low, "high": p.high, "value": float(base[p.key]),
                     "output_at_low": float(low), "output_at_high": float(high), "output": reference,
                     "swing": float(abs(high - low))})
    return sorted(rows, key=lambda r: -r["swing"])


def sobol(plan: Plan, base: Params, params: list[Uncertain], output: str, samples: int, seed: int
          ) -> list[dict[str, Any]]:
    """First-order (Saltelli 2010) and total (Jansen) Sobol indices over the ranges."""
    if not params:
        raise SpecError("no parameters with a range to study; give assumed numbers a `range`", "sensitivity")
    rng = np.random.default_rng(seed)
    k = len(params)
    lows = np.array([p.low for p in params])
    spans = np.array([p.high - p.low for p in params])
    a = lows + rng.random((samples, k)) * spans
    b = lows + rng.random((samples, k)) * spans
    blocks = [a, b] + [np.where(np.arange(k) == i, b, a) for i in range(k)]
    stacked = np.vstack(blocks)
    for j, p in enumerate(params):
        if p.integer:
            stacked[:, j] = np.round(stacked[:, j])
    columns = {p.key: stacked[:, j] for j, p in enumerate(params)}
    y = _evaluate(plan, base, output, columns)
    finite = np.isfinite(y)
    if not finite.all():
        y = np.where(finite, y, np.nanmedian(y[finite]))
    fa, fb = y[:samples], y[samples:2 * samples]
    var = np.var(np.concatenate([fa, fb]))
    rows = []
    for i, p in enumerate(params):
        fab = y[(2 + i) * samples:(3 + i) * samples]
        first = float(np.mean(fb * (fab - fa)) / var) if var > 0 else 0.0
        total = float(0.5 * np.mean((fa - fab) ** 2) / var) if var > 0 else 0.0
        rows.append({"parameter": p.key, "kind": p.kind, "first_order": first, "total": total})
    return sorted(rows, key=lambda r: -r["total"])
