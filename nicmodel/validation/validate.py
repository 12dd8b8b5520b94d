"""`nicmodel validate`: every point predicted, signed errors, MAPE and worst error per metric,
fitted and held-out points kept apart, tolerance checks for CI, and an overlay plot."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from .predict import Prediction, Predictor
from .trace import Point


def predict_all(points: list[Point], predictor: Predictor | None = None) -> list[Prediction]:
    predictor = predictor or Predictor()
    return [Prediction(p, predictor.predict(p)) for p in points]


def summary(preds: list[Prediction]) -> list[dict[str, Any]]:
    """Per (metric, role): points, MAPE and the worst signed error."""
    groups: dict[tuple[str, str], list[Prediction]] = defaultdict(list)
    for pr in preds:
        groups[(pr.point.metric, pr.point.role)].append(pr)
    out = []
    for (metric, role), items in sorted(groups.items()):
        errors = [pr.error_pct for pr in items]
        worst = max(errors, key=abs)
        out.append({"metric": metric, "role": role, "points": len(items),
                    "mape_pct": sum(abs(e) for e in errors) / len(errors), "worst_pct": worst})
    return out


def failures(preds: list[Prediction], tolerance_pct: float | None) -> list[Prediction]:
    """Points whose absolute error exceeds their own tolerance, or the command line's."""
    bad = []
    for pr in preds:
        limit = tolerance_pct if tolerance_pct is not None else pr.point.tolerance_pct
        if limit is not None and abs(pr.error_pct) > limit:
            bad.append(pr)
    return bad


def report_json(preds: list[Prediction], bad: list[Prediction]) -> dict[str, Any]:
    return {
        "points": [{"row": pr.point.row, "metric": pr.point.metric, "argument": pr.point.argument,
                    "overrides": list(pr.point.overrides), "role": pr.point.role,
                    "measured_si": pr.point.value, "predicted_si": pr.predicted, "error_pct": pr.error_pct}
                   for pr in preds],
        "summary": summary(preds),
        "failures": [pr.point.row for pr in bad],
    }
