"""`nicmodel validate`: every point predicted, signed errors, MAPE and worst error per metric,
fitted and held-out points kept apart, tolerance checks for CI, and an overlay plot."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np

from .interference import family
from .metrics import METRICS
from .predict import Prediction, Predictor
from .trace import Point

NORMAL_MAD = (2.0 / np.pi) ** 0.5  # E|X| / sigma for a normal X of mean 0


def predict_all(points: list[Point], predictor: Predictor | None = None) -> list[Prediction]:
    predictor = predictor or Predictor()
    return [Prediction(p, predictor.predict(p)) for p in points]


LOSS_FLOOR = 0.01  # decode points whose measured loss share is below this carry no loss-share error


def summary(preds: list[Prediction]) -> list[dict[str, Any]]:
    """Per (metric, family, role): points, MAPE, the 90th percentile of |error| and the worst
    signed error. A row's family is the ``family=`` of its argument (interference traces), else
    none. For a slowdown metric (a time beside something over alone) also the share of the measured
    excess the model charges, sum(predicted - 1) / sum(measured - 1) (``charged_excess``; absent
    where nothing was measured): a co-runner busy 1% of the time moves decode's ratio by little,
    so its MAPE stays small whether the model charges a tenth of its cost or all of it.

    Where points carry a standard error (the trace's ``stderr``: the value is a mean of samples),
    also the noise floor, ``noise_pct``: the MAPE a model exact at every point's expected value would
    still show from sampling alone, sqrt(2/pi) x stderr / value averaged over those points (the mean
    absolute deviation of a normal error), and ``noise_points``, how many carried one. A family's
    MAPE near its floor says the measurement, not the model, sets the error."""
    groups: dict[tuple[str, str, str], list[Prediction]] = defaultdict(list)
    for pr in preds:
        groups[(pr.point.metric, family(pr.point.argument) or "", pr.point.role)].append(pr)
    out = []
    for (metric, fam, role), items in sorted(groups.items()):
        errors = [pr.error_pct for pr in items]
        worst = max(errors, key=abs)
        row = {"metric": metric, "role": role, "points": len(items),
               "mape_pct": sum(abs(e) for e in errors) / len(errors),
               "p90_pct": float(np.percentile([abs(e) for e in errors], 90)), "worst_pct": worst}
        if fam:
            row["family"] = fam
        measured = sum(pr.point.value - 1.0 for pr in items)
        if metric in METRICS and METRICS[metric].slowdown and measured > 0:
            row["charged_excess"] = sum(pr.predicted - 1.0 for pr in items) / measured
        if metric == "decode_time_ratio":
            # decode's side read as its loss share, 1 - 1/ratio (sigma x busy): a ratio near 1 hides a
            # large relative miss in it, and one near saturation amplifies a small one
            losses = [(1.0 - 1.0 / pr.predicted, 1.0 - 1.0 / pr.point.value) for pr in items if pr.predicted > 0]
            losses = [(p, m) for p, m in losses if m >= LOSS_FLOOR]
            if losses:
                row["loss_mape_pct"] = 100.0 * sum(abs(p / m - 1.0) for p, m in losses) / len(losses)
                row["loss_points"] = len(losses)
        noisy = [pr.point for pr in items if pr.point.stderr is not None]
        if noisy:
            row["noise_pct"] = NORMAL_MAD * 100.0 * sum(p.stderr / abs(p.value) for p in noisy) / len(noisy)
            row["noise_points"] = len(noisy)
        out.append(row)
    return out


def failures(preds: list[Prediction], tolerance_pct: float | None) -> list[Prediction]:
    """Points whose absolute error exceeds their own tolerance, or the command line's."""
    bad = []
    for pr in preds:
        limit = tolerance_pct if tolerance_pct is not None else pr.point.tolerance_pct
        if limit is not None and abs(pr.error_pct) > limit:
            bad.append(pr)
    return bad


def family_name(row: dict[str, Any]) -> str:
    """A summary row's family as reports and the held-out ledger name it: the metric, and '/' and its family where
    it has one."""
    return row["metric"] + (f"/{row['family']}" if row.get("family") else "")


def held_out_families(preds: list[Prediction]) -> list[dict[str, Any]]:
    """The summary's held-out rows of interference families (those with a ``family=``)."""
    return [g for g in summary(preds) if g["role"] == "held-out" and "family" in g]


def report_json(preds: list[Prediction], bad: list[Prediction],
                above: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "points": [{"row": pr.point.row, "metric": pr.point.metric, "argument": pr.point.argument,
                    "overrides": list(pr.point.overrides), "role": pr.point.role,
                    "measured_si": pr.point.value, "predicted_si": pr.predicted, "error_pct": pr.error_pct}
                   for pr in preds],
        "summary": summary(preds),
        "failures": [pr.point.row for pr in bad],
        **({"families_above": [family_name(g) for g in above]} if above is not None else {}),
    }
