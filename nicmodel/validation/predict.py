"""Predicting trace points with the model (shared by validate, calibrate and sensitivity)."""

from __future__ import annotations

from dataclasses import dataclass

from ..spec.loader import load_scenario as load
from ..engines.plan import compile_scenario
from ..errors import SpecError
from ..units import parse_quantity
from .metrics import METRICS, Context
from .trace import Point


def unit_factor(point: Point) -> float:
    """SI value of one of the point's units (to show numbers as the trace wrote them)."""
    return parse_quantity(f"1 {point.unit}".strip(), METRICS[point.metric].dimension)


class Predictor:
    """Compiles each distinct (scenario, overrides) once; predicts points, optionally with some
    parameters (dotted spec paths, SI values) replaced, as calibration needs."""

    def __init__(self) -> None:
        self._compiled: dict[tuple, Context] = {}

    def context(self, point: Point) -> Context:
        key = (point.scenario, point.overrides)
        if key not in self._compiled:
            plan, params = compile_scenario(load(point.scenario, list(point.overrides)))
            self._compiled[key] = Context(plan, params)
        return self._compiled[key]

    def predict(self, point: Point, replace: dict[str, float] | None = None) -> float:
        ctx = self.context(point)
        if replace:
            ctx = Context(ctx.plan, {**ctx.params, **replace})
        try:
            return METRICS[point.metric].fn(ctx, point.argument)
        except SpecError as exc:  # about this row's argument or scenario: say which row
            if exc.line is not None:
                raise
            raise SpecError(f"{point.metric}: {exc.message}", point.file, point.row) from None


@dataclass(frozen=True)
class Prediction:
    point: Point
    predicted: float  # SI

    @property
    def error_pct(self) -> float:
        return (self.predicted - self.point.value) / self.point.value * 100.0
