"""Solving one spec parameter so that a model output hits a measured value.

Used by the calibration scripts under validation/; the fitted numbers are then written into
the spec files with kind: fitted, so nothing is tuned in code.
"""

from __future__ import annotations

from typing import Any, Callable

from scipy.optimize import brentq

from .engine.analytical import Evaluation, evaluate
from .engine.plan import Params, Plan
from .errors import SpecError


def solve_parameter(
    plan: Plan,
    params: Params,
    key: str,
    metric: Callable[[Evaluation], float],
    target: float,
    bounds: tuple[float, float],
) -> float:
    """Value of parameter ``key`` (SI units) at which ``metric`` equals ``target``.

    The metric must be monotone in the parameter over ``bounds`` (brentq needs a sign change).
    """
    if key not in params:
        raise SpecError(f"no parameter {key!r} in this scenario", "fit")

    def gap(value: float) -> float:
        trial: dict[str, Any] = dict(params)
        trial[key] = value
        return metric(evaluate(plan, trial)) - target

    low, high = bounds
    if gap(low) * gap(high) > 0:
        raise SpecError(
            f"target {target:g} is not reachable by varying {key} within [{low:g}, {high:g}]", "fit"
        )
    return float(brentq(gap, low, high, xtol=1e-12 * max(abs(high), 1.0), rtol=1e-12))
