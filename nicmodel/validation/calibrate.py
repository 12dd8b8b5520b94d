"""`nicmodel calibrate`: least-squares fit of named spec parameters to the `fitted` points of a
trace, with confidence intervals, identifiability, cross-validation, and a fitted spec file.

Residuals are relative ((predicted - measured) / measured), so points of different sizes weigh
alike. Parameters are fitted in units of their spec value, within their spec `range`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy import stats
from scipy.optimize import least_squares

from ..spec.loader import load_scenario as load
from ..errors import SpecError
from ..spec.loader import Document, load_document
from ..spec.base import Param
from ..units import spec_string
from .predict import Prediction, Predictor
from .trace import Point


def spec_param(scenario_path: Path, overrides: list[str], key: str) -> Param:
    """The Param object at dotted path ``key`` of a scenario."""
    node: Any = load(scenario_path, overrides)
    for part in key.split("."):
        if isinstance(node, dict):
            node = node.get(part)
        else:
            node = getattr(node, part, None)
        if node is None:
            raise SpecError(f"no parameter {key!r} in the scenario", "--fit")
    if not isinstance(node, Param):
        raise SpecError(f"{key} is not a number with provenance (a spec parameter)", "--fit")
    return node


@dataclass
class FitResult:
    keys: list[str]
    values: dict[str, float]  # SI
    initial: dict[str, float]
    bounds: dict[str, tuple[float, float]]
    ci95: dict[str, tuple[float, float]]
    residuals_pct: list[tuple[Point, float]]
    identifiability: dict[str, str]
    cost: float


def fit(points: list[Point], keys: list[str], initial: dict[str, float],
        bounds: dict[str, tuple[float, float]], predictor: Predictor | None = None) -> FitResult:
    """Fit ``keys`` to ``points`` (bounded, relative residuals)."""
    predictor = predictor or Predictor()
    if len(points) < len(keys):
        raise SpecError(f"{len(points)} fitted point(s) cannot determine {len(keys)} parameter(s)", "--fit")
    # fit in units of each parameter's magnitude (its spec value, or its range if that is ~0)
    scale = np.array([abs(initial[k]) if abs(initial[k]) > 1e-12 else bounds[k][1] - bounds[k][0] for k in keys])
    lower = np.array([bounds[k][0] for k in keys]) / scale
    upper = np.array([bounds[k][1] for k in keys]) / scale

    def residuals(x: np.ndarray) -> np.ndarray:
        replace = {k: float(v) for k, v in zip(keys, x * scale)}
        return np.array([(predictor.predict(p, replace) - p.value) / p.value for p in points])

    x0 = np.clip(np.array([initial[k] for k in keys]) / scale, lower, upper)
    res = least_squares(residuals, x0, bounds=(lower, upper), x_scale=1.0, diff_step=1e-6)
    jac = res.jac
    dof = max(len(points) - len(keys), 0)
    s2 = float(res.fun @ res.fun) / dof if dof else float("nan")
    cov = s2 * np.linalg.pinv(jac.T @ jac) if dof else np.full((len(keys), len(keys)), np.nan)
    t = stats.t.ppf(0.975, dof) if dof else float("nan")
    values = {k: float(v) for k, v in zip(keys, res.x * scale)}
    ci = {}
    for i, k in enumerate(keys):
        half = t * np.sqrt(max(cov[i, i], 0.0)) * scale[i] if dof else float("nan")
        ci[k] = (values[k] - half, values[k] + half)
    return FitResult(keys, values, dict(initial), dict(bounds), ci,
                     [(p, float(r) * 100) for p, r in zip(points, res.fun)],
                     identifiability(keys, jac, cov, res.x, lower, upper, t), float(res.cost))


def acceptance(result: FitResult, max_residual_pct: float) -> list[str]:
    """Why a fit is not fit to write (empty when it is): a fitted point whose residual exceeds its
    tolerance (the trace's tolerance_pct, else ``max_residual_pct``), or a parameter the data do
    not determine (no point depends on it, or the data push it to a bound of its range)."""
    reasons = []
    for point, r in result.residuals_pct:
        limit = point.tolerance_pct if point.tolerance_pct is not None else max_residual_pct
        if abs(r) > limit:
            reasons.append(f"row {point.row} ({point.metric}) is left {r:+.1f}% off, beyond its {limit:g}% tolerance")
    for key, verdict in result.identifiability.items():
        if verdict.startswith(("not identifiable", "at a bound")):
            reasons.append(f"{key} is {verdict}")
    return reasons


def identifiability(keys: list[str], jac: np.ndarray, cov: np.ndarray, x: np.ndarray,
                    lower: np.ndarray, upper: np.ndarray, t: float) -> dict[str, str]:
    """Per parameter: identified, or why the data cannot pin it down (all in fitted units)."""
    verdict = {}
    half_widths = t * np.sqrt(np.clip(np.diag(cov), 0.0, None))
    norms = np.linalg.norm(jac, axis=0)
    corr = None
    if np.all(np.isfinite(cov)):
        sd = np.sqrt(np.clip(np.diag(cov), 1e-300, None))
        corr = cov / np.outer(sd, sd)
    for i, k in enumerate(keys):
        if norms[i] < 1e-9 * max(norms.max(), 1e-300):
            verdict[k] = ("not identifiable: no fitted point depends on it at the fitted value (no point "
                          "measures it, or it does not bind there)")
        elif not np.all(np.isfinite(cov)):
            verdict[k] = "exactly determined: as many points as parameters, so no confidence interval"
        elif np.isclose(x[i], lower[i]) or np.isclose(x[i], upper[i]):
            verdict[k] = "at a bound of its range: the data push it outside the spec's range"
        elif corr is not None and any(abs(corr[i, j]) > 0.99 for j in range(len(keys)) if j != i):
            j = max((j for j in range(len(keys)) if j != i), key=lambda j: abs(corr[i, j]))
            verdict[k] = f"poorly identifiable: correlated with {keys[j]} (r = {corr[i, j]:+.3f})"
        elif corr is not None and half_widths[i] > abs(x[i]):
            verdict[k] = "poorly identifiable: its 95% confidence interval is wider than the value"
        else:
            verdict[k] = "identified"
    return verdict


def cross_validate(points: list[Point], keys: list[str], initial: dict[str, float],
                   bounds: dict[str, tuple[float, float]], folds: int | str, seed: int = 0) -> list[Prediction]:
    """Fit on all but one fold, predict that fold; every fitted point is predicted once."""
    n = len(points)
    k = n if folds == "loo" else int(folds)
    if not 2 <= k <= n:
        raise SpecError(f"needs 2..{n} folds for {n} fitted points, got {folds}", "--cv")
    order = np.random.default_rng(seed).permutation(n)
    assignment = {int(idx): fold % k for fold, idx in enumerate(order)}
    predictor = Predictor()
    out = []
    for fold in range(k):
        train = [p for i, p in enumerate(points) if assignment[i] != fold]
        test = [p for i, p in enumerate(points) if assignment[i] == fold]
        result = fit(train, keys, initial, bounds, predictor)
        out += [Prediction(p, predictor.predict(p, result.values)) for p in test]
    return out


def _format_value(value: float, param: Param) -> str | float:
    return spec_string(value, type(param).dimension)


def write_fitted_spec(scenario_path: Path, overrides: list[str], result: FitResult, traces: list[Path],
                      out: Path) -> None:
    """The scenario, fully resolved, with each fitted number marked `fitted` and its source."""
    doc: Document = load_document(scenario_path, overrides)
    by_file: dict[str, list[str]] = {}
    for p, _ in result.residuals_pct:
        by_file.setdefault(Path(p.file).name, []).append(str(p.row))
    rows = "; ".join(f"rows {', '.join(r)} of {name}" for name, r in by_file.items())
    names = ", ".join(t.name for t in traces)
    for key in result.keys:
        param = spec_param(scenario_path, overrides, key)
        path = tuple(int(x) if x.isdigit() else x for x in key.split("."))
        node = doc.data
        for part in path[:-1]:
            node = node[part]  # the parameter exists (spec_param found it), so its parents do
        lo, hi = result.ci95[key]
        entry: dict[str, Any] = {
            "value": _format_value(result.values[key], param),
            "kind": "fitted",
            "source": f"nicmodel calibrate against {', '.join(map(str, traces))}",
            "fitted_to": f"{rows} (role fitted); 95% CI [{_format_value(lo, param)}, "
                         f"{_format_value(hi, param)}]",
        }
        if param.range is not None:
            entry["range"] = list(param.range)
        node[path[-1]] = entry
    header = (f"# Written by nicmodel calibrate from {scenario_path.name} and {names}; "
              f"fitted: {', '.join(result.keys)}\n")
    from ..files import write_atomic

    write_atomic(out, header + yaml.safe_dump(doc.data, sort_keys=False, allow_unicode=True))
