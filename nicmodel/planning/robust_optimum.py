"""The optimum of a design table under the uncertainty the tool computes.

The nominal optimum (every number at its value) can be the worst choice once the numbers are
uncertain: the chunk size that is fastest at the fitted NIC bandwidth may be the slowest at the
95th percentile. Here every row is evaluated over the same draws of the uncertain numbers (common
random numbers), and the optimum is chosen by a quantile (``p95``: best worst case for a
lower-is-better column; ``p5`` for higher-is-better), the median, or the probability of being the
best row; each choice reports the probability that it is the best row, and so does the nominal
optimum. Continuous axes are rounded: among rows whose value at the chosen statistic is within
``tolerance`` of the best, the one with the roundest value of each axis of numbers is reported (no
planner needs chunk size 65 when 64 is as good); between rows as round, and on axes of names (GPUs,
routings), the statistic decides.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import SpecError
from .sweep import PreparedTable
from .table_draws import TableDraws, table_draws

COLUMN_OUTPUT = {"fetch_latency_ms": ("fetch_latency", True), "throughput_gbps": ("throughput", False),
                 "kv_throughput_gbps": ("kv_throughput", False), "nic_memory_mib": ("nic_memory", True)}
BY = ("nominal", "p5", "p50", "p95", "probability")


def _roundness(text: str) -> tuple[int, float]:
    """Fewer significant digits first, then the smaller number (64 before 65 before 65.5)."""
    try:
        x = float(text.rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ/ "))
    except ValueError:
        return (99, 0.0)
    digits = len(f"{abs(x):.6g}".replace(".", "").replace("-", "").strip("0")) if x else 1
    for power in (1024, 1000, 512, 256, 128, 100, 64, 50, 32, 25, 16, 10, 8, 5, 4, 2):
        if x and x % power == 0:
            return (0, -power)  # a multiple of a round number: the rounder the better
    return (digits, abs(x))


def robust_optimum(prepared: PreparedTable, column: str, by: str = "p95", samples: int = 1000, seed: int = 0,
                   tolerance: float = 0.01, drawn: TableDraws | None = None) -> dict[str, Any]:
    """The best row of ``column`` by ``by`` over paired draws; ``drawn``: the table's draws already
    evaluated with this column's output kept (``table_draws``), else they are drawn here."""
    if column not in COLUMN_OUTPUT:
        raise SpecError(f"expected one of {', '.join(COLUMN_OUTPUT)}", "--optimum")
    if by not in BY:
        raise SpecError(f"expected one of {', '.join(BY)}", "--by")
    output, lower = COLUMN_OUTPUT[column]
    axes = prepared.axes
    if drawn is None:
        drawn = table_draws(prepared, samples, seed, keep=(output,))
    keys, numbers = drawn.keys, drawn.numbers
    if not keys:
        return {"column": column, "by": by, "best": None, "note": "no valid row"}
    values = drawn.values[output]  # rows x draws, paired across rows
    worst = np.inf if lower else -np.inf
    filled = np.where(np.isfinite(values), values, worst)
    winners = np.argmin(filled, axis=0) if lower else np.argmax(filled, axis=0)
    p_best = np.bincount(winners, minlength=len(keys)) / values.shape[1]
    stat = {q: drawn.stats[f"{output}_{q}"] for q in ("p5", "p50", "p95")}  # the same draws' percentiles
    nominal_keys, nominal_values = prepared.values(column)
    nominal = {tuple(int(k) for k in nominal_keys[:, j]): float(nominal_values[j]) for j in range(nominal_values.size)}
    nominal_row = np.array([nominal.get(k, np.nan) for k in keys])
    if by == "probability":
        score, better_low = p_best, False
    else:
        score, better_low = (nominal_row if by == "nominal" else stat[by]), lower
    best = int(np.nanargmin(score) if better_low else np.nanargmax(score))
    # the roundest row as good as the best at this statistic (within tolerance), on the axes whose
    # values are numbers; rows as round as each other (or no such axis) keep the statistic's order
    numbers_axes = [i for i in prepared.numeric if all(_roundness(v)[0] != 99 for v in axes[i].values)]
    if by != "probability" and numbers_axes:
        bound = score[best] * (1 + tolerance) if better_low else score[best] * (1 - tolerance)
        near = np.flatnonzero(score <= bound) if better_low else np.flatnonzero(score >= bound)
        best = min(near, key=lambda r: ([_roundness(axes[i].values[keys[r][i]]) for i in numbers_axes],
                                        score[r] if better_low else -score[r]))

    def named(r: int) -> dict[str, str]:
        return {a.label: a.values[k] for a, k in zip(axes, keys[r])}

    nominal_best = int(np.nanargmin(nominal_row) if lower else np.nanargmax(nominal_row))
    most_likely = int(np.argmax(p_best))
    row = lambda r: {"row": named(r), "nominal": float(nominal_row[r]), "p5": float(stat["p5"][r]),  # noqa: E731
                     "p50": float(stat["p50"][r]), "p95": float(stat["p95"][r]), "p_best": float(p_best[r])}
    return {"column": column, "lower_is_better": lower, "by": by, "draws": int(values.shape[1]),
            "uncertain_numbers": len(numbers), "tolerance": tolerance, "rounded": bool(numbers_axes),
            "best": named(best), "chosen": row(best),
            "nominal_optimum": row(nominal_best), "most_likely_best": row(most_likely), "rows": len(keys)}


OUTPUT_OF = {"fetch_latency_s": ("fetch_latency", True), "throughput_gbps": ("throughput", False),
             "kv_throughput_gbps": ("kv_throughput", False)}


def winner_by(names: list[str], draws: list[dict[str, Any]], metric: str, by: str) -> dict[str, Any]:
    """The winner among designs whose paired uncertainty draws are ``draws``: by a quantile of the
    metric (p5, p50, p95: the best such quantile wins) or by the probability of being best; with
    every design's quantile and probability of being best (draws every design can run)."""
    output, lower = OUTPUT_OF[metric]
    values = np.array([d["_values"][output] for d in draws], dtype=float)
    ok = np.logical_and.reduce([d["_ok"] for d in draws])
    if not ok.any():
        return {"by": by, "winner": None, "note": "no draw that every design can run"}
    v = values[:, ok]
    best = (np.argmin if lower else np.argmax)(v, axis=0)
    probability = np.bincount(best, minlength=len(names)) / v.shape[1]
    if by == "probability":
        pick = int(np.argmax(probability))
        quantiles = None
    else:
        q = np.percentile(v, {"p5": 5, "p50": 50, "p95": 95}[by], axis=1)
        pick = int(np.argmin(q) if lower else np.argmax(q))
        quantiles = {n: float(x) for n, x in zip(names, q)}
    return {"by": by, "winner": names[pick], "draws": int(v.shape[1]), "lower_is_better": lower,
            "unit": draws[0]["outputs"][output]["unit"],
            "quantiles": quantiles, "probability_best": {n: float(p) for n, p in zip(names, probability)},
            "winner_probability_best": float(probability[pick])}


SIZE_OUTPUTS = {"fetch_latency": ("fetch_latency", 1e-3, True), "throughput": ("throughput", 1e9 / 8, False),
                "kv_throughput": ("kv_throughput", 1e9 / 8, False), "nic_memory": ("nic_memory", 2.0**20, True)}


def pessimistic_values(prepared: PreparedTable, by: str, samples: int = 1000, seed: int = 0,
                       keep: str | None = None) -> tuple[dict[tuple, dict[str, float]], dict[tuple, np.ndarray]]:
    """Every row's uncertain metrics at the quantile ``by`` names, in SI, keyed by the row's axis
    indices: ``p95`` is the case met with 95% confidence (the 95th percentile of a lower-is-better
    metric, the 5th of a higher-is-better one), ``p50`` the median, ``p5`` the optimistic case;
    and, for the sizing metric ``keep``, every row's draws (paired across rows)."""
    if by not in ("p5", "p50", "p95"):
        raise SpecError("expected p5, p50 or p95", "--by")
    flip = {"p5": "p95", "p50": "p50", "p95": "p5"}
    output = SIZE_OUTPUTS[keep][0] if keep in SIZE_OUTPUTS else None
    table = table_draws(prepared, samples, seed, keep=(output,) if output else (),
                        what="sizing under uncertainty", flag="--by")
    out: dict[tuple, dict[str, float]] = {}
    drawn: dict[tuple, np.ndarray] = {}
    for j, key in enumerate(table.keys):
        out[key] = {m: float(table.stats[f"{name}_{by if lower else flip[by]}"][j]) * si
                    for m, (name, si, lower) in SIZE_OUTPUTS.items()}
        if output is not None:
            drawn[key] = table.values[output][j]
    return out, drawn


def probability_best(draws: list[np.ndarray], lower: bool) -> np.ndarray:
    """Share of paired draws in which each candidate is the best (a draw a candidate cannot run
    counts against it)."""
    v = np.vstack(draws)
    v = np.where(np.isfinite(v), v, np.inf if lower else -np.inf)
    best = np.argmin(v, axis=0) if lower else np.argmax(v, axis=0)
    return np.bincount(best, minlength=v.shape[0]) / v.shape[1]
