"""Uncertainty on every analytical answer: each `assumed`, `fitted` and `derived` number that
carries a range (a derived number's range is the uncertainty of what it was derived from) is drawn over that range (uniform; log-uniform when the range spans 10x or more; whole numbers
stay whole), all of them at once, and the model is evaluated for every draw in one vectorized
call. An answer is then a median with a 90% interval (5th to 95th percentile), with the share of
draws in which each resource is the bottleneck and the numbers that drive the spread most (rank
correlation). Draws are seeded per number, so two designs that share a number see the same
draws of it (common random numbers), which makes "how often does A beat B" a paired question.

Workload numbers (request.*, serving.*) are the question being asked, not uncertainty about the
hardware, and are not drawn.
"""

from __future__ import annotations

import warnings
import zlib
from typing import Any

import numpy as np

from ..engines.analytical import evaluate
from ..engines.plan import Params, Plan
from ..spec.scenario import Scenario
from .sensitivity import UNCERTAIN_KINDS, WORKLOAD, Uncertain, uncertain_params

DEFAULT_SAMPLES = 1000
KINDS = UNCERTAIN_KINDS
QUESTION = WORKLOAD  # inputs of the question, never drawn
OUTPUTS = {  # name -> (value from an evaluation, unit shown, scale to that unit)
    "throughput": (lambda ev: ev.network_bytes_per_s, "Gbps", 8e-9),
    "kv_throughput": (lambda ev: ev.kv_bytes_per_s, "Gbps", 8e-9),
    "fetch_latency": (lambda ev: ev.latency_s, "ms", 1e3),
    "nic_memory": (lambda ev: ev.footprint.get("nic.memory", 0.0), "MiB", 2.0**-20),
}


def uncertain(scenario: Scenario) -> list[Uncertain]:
    return uncertain_params(scenario, KINDS)


def draws(numbers: list[Uncertain], n: int, seed: int = 0) -> dict[str, np.ndarray]:
    """``n`` draws of each number, seeded by (seed, the number's path): reproducible, and the
    same across designs for a number they share."""
    out = {}
    for u in numbers:
        rng = np.random.default_rng([seed, zlib.crc32(u.key.encode())])
        if u.integer:
            x = rng.integers(int(round(u.low)), int(round(u.high)) + 1, n).astype(float)
        elif u.low > 0 and u.high / u.low >= 10:
            x = np.exp(rng.uniform(np.log(u.low), np.log(u.high), n))
        else:
            x = rng.uniform(u.low, u.high, n)
        out[u.key] = x
    return out


def _valid(ev, shape) -> np.ndarray:
    """Draws the hardware can run (cores and buffers fit), as evaluate reports them."""
    ok = np.broadcast_to(np.asarray(ev.feasible, dtype=bool), shape).copy()
    for total, needed in ev.pool_cores.values():
        ok &= np.broadcast_to(needed <= total, shape)
    for memory, held in ev.footprint.items():
        ok &= np.broadcast_to(held <= ev.capacity[memory], shape)
    return ok


def _interval(x: np.ndarray, axis: int = -1) -> tuple[Any, Any, Any]:
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN row (no draw can run) gives NaN
        return tuple(np.nanpercentile(x, q, axis=axis) for q in (5, 50, 95))


def point(plan: Plan, params: Params, numbers: list[Uncertain], n: int = DEFAULT_SAMPLES,
          seed: int = 0) -> dict[str, Any]:
    """The uncertainty of one design point: each output's median and 90% interval, bottleneck
    shares, the share of draws the hardware cannot run, and the drivers of each output."""
    sample = draws(numbers, n, seed)
    ev = evaluate(plan, {**params, **sample})
    ok = _valid(ev, (n,))
    out: dict[str, Any] = {"samples": n, "seed": seed, "numbers": [u.key for u in numbers],
                           "invalid_share": float(1 - ok.mean()), "outputs": {}}
    values = {}
    for name, (get, unit, scale) in OUTPUTS.items():
        values[name] = np.broadcast_to(np.asarray(get(ev), dtype=float), (n,)).astype(float) * scale
        x = np.where(ok, values[name], np.nan)
        lo, mid, hi = _interval(x)
        out["outputs"][name] = {"unit": unit, "p5": float(lo), "p50": float(mid), "p95": float(hi),
                                "drivers": _drivers(x, sample)}
    names = np.array([*ev.resources, "infeasible"], dtype=object)
    b = np.broadcast_to(np.asarray(ev.bottleneck), (n,))[ok]
    shares = {str(names[k]): float(c) / max(1, ok.sum()) for k, c in zip(*np.unique(b, return_counts=True))}
    out["bottleneck_shares"] = dict(sorted(shares.items(), key=lambda kv: -kv[1]))
    out["_values"] = values
    out["_ok"] = ok
    return out


def _drivers(x: np.ndarray, sample: dict[str, np.ndarray], top: int = 3) -> list[dict[str, float]]:
    """The numbers whose draws are most rank-correlated with the output (Spearman)."""
    ok = np.isfinite(x)
    if ok.sum() < 10 or np.ptp(x[ok]) == 0:
        return []
    rx = np.argsort(np.argsort(x[ok]))
    found = []
    for key, s in sample.items():
        rs = np.argsort(np.argsort(s[ok]))
        if np.ptp(rs) == 0:
            continue
        rho = float(np.corrcoef(rx, rs)[0, 1])
        if np.isfinite(rho):
            found.append({"parameter": key, "rank_correlation": round(rho, 3)})
    found.sort(key=lambda d: -abs(d["rank_correlation"]))
    return found[:top]


def table(plan: Plan, grid: Params, n_points: int, numbers: list[Uncertain], n: int = DEFAULT_SAMPLES,
          seed: int = 0, block: int = 1 << 18, keep: tuple[str, ...] = ()) -> dict[str, Any]:
    """Per-row 5th/50th/95th percentiles of each output over the draws, for ``n_points`` points
    whose parameter table is ``grid`` (arrays of shape (n_points,)); evaluated as a
    (points x draws) grid in blocks of rows. ``keep``: also every draw of those outputs, as
    ``values[name]`` (points x draws; NaN where the hardware cannot run the draw)."""
    unknown = set(keep) - set(OUTPUTS)
    if unknown:
        raise ValueError(f"keep: no output {sorted(unknown)}; expected among {sorted(OUTPUTS)}")
    sample = {k: v.reshape(1, -1) for k, v in draws(numbers, n, seed).items()}
    rows = max(1, block // n)
    out = {f"{name}_{q}": np.empty(n_points) for name in OUTPUTS for q in ("p5", "p50", "p95")}
    out["invalid_share"] = np.empty(n_points)
    out["values"] = {name: np.empty((n_points, n)) for name in keep}
    for start in range(0, n_points, rows):
        stop = min(n_points, start + rows)
        part = {k: (v[start:stop].reshape(-1, 1) if isinstance(v, np.ndarray) and v.ndim == 1 and v.size == n_points
                    else v) for k, v in grid.items()}
        ev = evaluate(plan, {**part, **sample})
        shape = (stop - start, n)
        ok = _valid(ev, shape)
        out["invalid_share"][start:stop] = 1 - ok.mean(axis=1)
        for name, (get, _, scale) in OUTPUTS.items():
            x = np.broadcast_to(np.asarray(get(ev), dtype=float), shape) * scale
            x = np.where(ok, x, np.nan)
            for q, v in zip(("p5", "p50", "p95"), _interval(x, axis=1)):
                out[f"{name}_{q}"][start:stop] = v
            if name in keep:
                out["values"][name][start:stop] = x
    return out


def paired_win(a: dict[str, Any], b: dict[str, Any], output: str, lower_is_better: bool) -> float:
    """Share of draws in which design a beats design b on ``output`` (common random numbers)."""
    x, y = a["_values"][output], b["_values"][output]
    ok = a["_ok"] & b["_ok"]
    if not ok.any():
        return float("nan")
    wins = (x < y) if lower_is_better else (x > y)
    return float(wins[ok].mean())


def public(u: dict[str, Any]) -> dict[str, Any]:
    """The JSON-safe part of a point's uncertainty."""
    return {k: v for k, v in u.items() if not k.startswith("_")}
