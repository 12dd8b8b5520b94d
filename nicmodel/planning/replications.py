"""Intervals for the stochastic commands (serve, simulate).

Replications: the same point with seeds seed, seed+1, ...; each headline number is reported as
the mean with a 90% Student-t confidence interval over the seeds (how sure the mean is).
Uncertainty: the point re-run with the assumed, fitted and derived numbers drawn over their
ranges (nicmodel.planning.uncertainty); each number is reported as a median with a 90% interval of the
draws (how much the answer moves with what it rests on). Both run as extra sweep points on the
process pool, so they cost wall time only where cores are idle.
"""

from __future__ import annotations

import statistics
from typing import Any

import numpy as np

SERVE_METRICS = {  # name -> path into a serve result
    "ttft_p50_s": ("loaded", "ttft_s", "p50"), "ttft_p99_s": ("loaded", "ttft_s", "p99"),
    "tpot_p50_s": ("loaded", "tpot_s", "p50"), "tpot_p99_s": ("loaded", "tpot_s", "p99"),
    "served_per_s": ("load", "served_rate_per_s"), "unloaded_ttft_s": ("unloaded_ttft_s",),
    "max_rate_per_s": ("slo", "max_rate_per_s"),
}
SIMULATE_METRICS = {
    "latency_mean_s": ("latency_s", "mean"), "latency_p99_s": ("latency_s", "p99"),
    "throughput_gbps": ("throughput_gbps",), "served_per_s": ("load", "served_rate_per_s"),
}


def t90(dof: int) -> float:
    """The Student-t quantile of a two-sided 90% interval with ``dof`` degrees of freedom."""
    from scipy.stats import t

    return float(t.ppf(0.95, dof))


def _get(result: dict[str, Any], path: tuple) -> float | None:
    node: Any = result
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return float(node) if isinstance(node, (int, float)) and not isinstance(node, bool) else None


def over_seeds(results: list[dict[str, Any]], metrics: dict[str, tuple]) -> dict[str, Any]:
    """Mean and 90% confidence half-width of each metric over replications (seeds)."""
    out: dict[str, Any] = {"n": len(results), "seeds": [r.get("_seed") for r in results], "metrics": {}}
    for name, path in metrics.items():
        values = [v for v in (_get(r, path) for r in results) if v is not None and np.isfinite(v)]
        if not values:
            continue
        mean = statistics.fmean(values)
        half = t90(len(values) - 1) * statistics.stdev(values) / len(values) ** 0.5 if len(values) > 1 else 0.0
        out["metrics"][name] = {"mean": mean, "ci90": half, "values": values}
    if all("meets_slo" in r for r in results):
        out["meets_slo_share"] = sum(bool(r["meets_slo"]) for r in results) / len(results)
    return out


def over_draws(results: list[dict[str, Any]], metrics: dict[str, tuple]) -> dict[str, Any]:
    """Median and 90% interval (5th-95th percentile) of each metric over draws of the numbers."""
    out: dict[str, Any] = {"n": len(results), "metrics": {}}
    for name, path in metrics.items():
        values = [v for v in (_get(r, path) for r in results) if v is not None and np.isfinite(v)]
        if values:
            lo, mid, hi = np.percentile(values, [5, 50, 95])
            out["metrics"][name] = {"p5": float(lo), "p50": float(mid), "p95": float(hi)}
    if all("meets_slo" in r for r in results):
        out["meets_slo_share"] = sum(bool(r["meets_slo"]) for r in results) / len(results)
    return out


def draw_overrides(scenario, n: int, seed: int = 0) -> list[list[str]]:
    """``n`` sets of --set overrides, each number drawn over its range (nicmodel.planning.uncertainty)."""
    from ..units import spec_string
    from .uncertainty import draws, uncertain

    numbers = uncertain(scenario)
    sample = draws(numbers, n, seed)
    dims = {u.key: _dimension(scenario, u.key) for u in numbers}
    out = []
    for i in range(n):
        sets = []
        for u in numbers:
            value = spec_string(float(sample[u.key][i]), dims[u.key])
            sets.append(f"{u.key}={value if isinstance(value, str) else repr(value)}")
        out.append(sets)
    return out


def _dimension(scenario, key: str) -> str:
    from ..spec.scenario import param_at

    param = param_at(scenario, key)
    return type(param).dimension if param is not None else "dimensionless"
