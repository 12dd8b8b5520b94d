"""`nicmodel validate`: every point predicted, signed errors, MAPE and worst error per metric,
fitted and held-out points kept apart, tolerance checks for CI, and an overlay plot."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

from tabulate import tabulate

from .predict import Prediction, Predictor, unit_factor
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


def report_rows(preds: list[Prediction]) -> list[list[Any]]:
    rows = []
    for pr in preds:
        p = pr.point
        factor = unit_factor(p)
        rows.append([p.row, p.metric, p.argument or "", ";".join(p.overrides), p.role,
                     f"{p.value / factor:.5g} {p.unit}", f"{pr.predicted / factor:.5g} {p.unit}",
                     f"{pr.error_pct:+.2f}%"])
    return rows


def report_text(preds: list[Prediction], bad: list[Prediction]) -> str:
    lines = [tabulate(report_rows(preds), headers=["row", "metric", "argument", "overrides", "role", "measured",
                                                   "predicted", "error"], tablefmt="github"), ""]
    lines.append(tabulate([[s["metric"], s["role"], s["points"], f"{s['mape_pct']:.2f}%", f"{s['worst_pct']:+.2f}%"]
                           for s in summary(preds)],
                          headers=["metric", "role", "points", "MAPE", "worst"], tablefmt="github"))
    lines.append("")
    lines.append("Fitted points were used to fit parameters: their errors show the fit, not accuracy. "
                 "Held-out points were only predicted.")
    if bad:
        lines.append(f"FAILED: {len(bad)} point(s) outside tolerance: "
                     + ", ".join(f"row {pr.point.row} ({pr.error_pct:+.2f}%)" for pr in bad))
    return "\n".join(lines) + "\n"


def report_json(preds: list[Prediction], bad: list[Prediction]) -> dict[str, Any]:
    return {
        "points": [{"row": pr.point.row, "metric": pr.point.metric, "argument": pr.point.argument,
                    "overrides": list(pr.point.overrides), "role": pr.point.role,
                    "measured_si": pr.point.value, "predicted_si": pr.predicted, "error_pct": pr.error_pct}
                   for pr in preds],
        "summary": summary(preds),
        "failures": [pr.point.row for pr in bad],
    }


def _x(point: Point, index: int) -> tuple[float, bool]:
    """Where a point sits on the x axis: its size when the argument is one, else its order."""
    from ..units import UnitError, parse_quantity

    try:
        return parse_quantity(point.argument, "bytes"), True
    except (UnitError, TypeError):
        return float(index), False


def plot(preds: list[Prediction], path: str | Path) -> None:
    """Per metric panel, one series per source: measured (markers; filled when held-out) and
    predicted (line)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by_metric: dict[str, list[Prediction]] = defaultdict(list)
    for pr in preds:
        by_metric[pr.point.metric].append(pr)
    fig, axes = plt.subplots(len(by_metric), 1, figsize=(9, 3.4 * len(by_metric)), squeeze=False)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for ax, (metric, items) in zip(axes[:, 0], by_metric.items()):
        factor = unit_factor(items[0].point)
        series: dict[str, list[Prediction]] = defaultdict(list)
        for pr in items:
            series[pr.point.source].append(pr)
        sized = False
        for n, (source, members) in enumerate(series.items()):
            color = colors[n % len(colors)]
            xs = [_x(pr.point, i) for i, pr in enumerate(members)]
            sized = sized or all(s for _, s in xs)
            order = sorted(range(len(members)), key=lambda i: xs[i][0])
            label = source if len(source) < 60 else source[:57] + "..."
            ax.plot([xs[i][0] for i in order], [members[i].predicted / factor for i in order], "-", color=color,
                    alpha=0.7, label=f"predicted: {label}")
            for i in order:
                held = members[i].point.role == "held-out"
                ax.plot(xs[i][0], members[i].point.value / factor, "o", color=color,
                        fillstyle="full" if held else "none")
        if sized:
            ax.set_xscale("log", base=2)
            ax.set_xlabel("bytes")
        else:
            ax.set_xticks(range(max(len(m) for m in series.values())))
            first = next(iter(series.values()))
            ax.set_xticklabels([(pr.point.argument or ";".join(o.split("=")[-1] for o in pr.point.overrides))[:18]
                                for pr in first], rotation=30, ha="right", fontsize=7)
        ax.set_title(f"{metric} (markers measured: filled held-out, open fitted; lines predicted)", fontsize=9)
        ax.set_ylabel(items[0].point.unit)
        ax.legend(fontsize=7)
    fig.tight_layout()
    from ..output.text import save_figure

    save_figure(fig, path)
    plt.close(fig)
