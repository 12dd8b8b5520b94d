"""The model against measurements: predict every point of a measured trace (validate), and fit
spec numbers to a trace's fitted points (calibrate), reporting the held-out points apart."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import SpecError
from ..spec.loader import load_scenario
from ..validation import calibrate as c
from ..validation import validate as v
from ..validation.predict import Prediction, Predictor
from ..validation.trace import read_trace_for


def validate(trace: str | Path, scenario: str | Path | None = None,
             tolerance: float | None = None, family_mape: float | None = None) -> dict[str, Any]:
    """``nicmodel validate``: every point of the trace predicted; ``failed`` lists the points whose
    |error| exceeds ``tolerance`` %, ``families_above`` the held-out families (metric and family, the
    summary's rows) whose MAPE exceeds ``family_mape`` %. ``predictions`` are the raw predictions (for
    text, plots)."""
    preds = v.predict_all(read_trace_for(trace, str(scenario) if scenario else None))
    bad = v.failures(preds, tolerance)
    above = []
    if family_mape is not None:  # the per-family target the interference model is held to (15%)
        families = v.held_out_families(preds)
        if not families:
            raise SpecError(f"checks held-out families, and {trace} has none (an interference trace's rows name "
                            "family=... in their argument)", "--family-mape")
        above = [g for g in families if g["mape_pct"] > family_mape]
    return {"predictions": preds, "failed": bad, "families_above": above,
            "report": v.report_json(preds, bad, above if family_mape is not None else None)}


def validate_standing(traces: list[str | Path], scenario: str | Path | None = None,
                      family_mape: float | None = None, ledger: str | Path | None = None) -> dict[str, Any]:
    """``nicmodel validate T1 T2 ...``: the held-out standing over several traces, each family (metric and
    ``family=``, or the metric alone) of each trace counted once: how many are held out, how many have a MAPE
    above ``family_mape`` % (``above``: trace, metric, family, points, MAPE, worst; 15 when not given). Fitted rows
    never count. With ``ledger`` (validation/above_target.yaml) the families above are read against it, at its
    target: each recorded one with its cause, the new ones (``ledger.new``), the recorded ones now within
    (nicmodel.validation.ledger.against_ledger)."""
    from ..validation.ledger import against_ledger, read_ledger

    recorded = read_ledger(ledger) if ledger is not None else None
    if recorded is not None and family_mape is not None and family_mape != recorded.target_mape_pct:
        raise SpecError(f"the ledger {ledger} holds families to {recorded.target_mape_pct:g}%; give that "
                        "--family-mape or none", "--family-mape")
    target = recorded.target_mape_pct if recorded is not None else (15.0 if family_mape is None else family_mape)
    groups, held, above = 0, 0, []
    traces = list(dict.fromkeys(str(t) for t in traces))  # a trace two globs name counts once
    for trace in traces:
        preds = v.predict_all(read_trace_for(trace, str(scenario) if scenario else None))
        rows = [g for g in v.summary(preds) if g["role"] == "held-out"]
        held += bool(rows)
        groups += len(rows)
        above += [{"trace": trace, **g} for g in rows if g["mape_pct"] > target]
    standing = {"traces": len(traces), "traces_held_out": held, "families": groups, "family_mape_pct": target,
                "above": above, "trace_paths": traces}
    return against_ledger(standing, recorded, ledger) if recorded is not None else standing


def _with(point, overrides):
    return replace(point, overrides=tuple(point.overrides) + tuple(overrides)) if overrides else point


# identifiability verdicts that mean the data cannot tell the parameters apart
AMBIGUOUS = ("not identifiable", "poorly identifiable: correlated", "at a bound")


def _traces(trace: str | Path | list[str | Path] | tuple[str | Path, ...]) -> list[Path]:
    return [Path(t) for t in trace] if isinstance(trace, (list, tuple)) else [Path(trace)]


def calibrate(scenario: str | Path, trace: str | Path | list[str | Path], fit: list[str],
              overrides: list[str] | tuple[str, ...] = (), cv: str | None = None,
              max_residual: float = 10.0) -> dict[str, Any]:
    """``nicmodel calibrate``: least-squares fit of the ``fit`` parameters to the fitted points of
    the trace (or traces, fitted together), within each parameter's stated range; the held-out
    points predicted with the fitted values; optional cross-validation (``cv`` folds or 'loo');
    ``rejected`` says why the fit is not accepted (residuals beyond ``max_residual`` % or the
    tolerance a row gives)."""
    if not fit:
        raise SpecError("name at least one parameter with --fit PATH", "--fit")
    path = Path(scenario)
    load_scenario(path, overrides)  # report problems with the scenario itself first
    traces = _traces(trace)
    points = [p for t in traces for p in read_trace_for(t, str(path))]
    fitted = [_with(p, overrides) for p in points if p.role == "fitted"]
    held = [_with(p, overrides) for p in points if p.role == "held-out"]
    if not fitted:
        raise SpecError("no points with role fitted", ", ".join(map(str, traces)))
    initial, bounds = {}, {}
    for key in fit:
        param = c.spec_param(path, list(overrides), key)
        if param.range is None:
            raise SpecError(f"{key} has no range in the spec; give it `range: [low, high]` to bound the fit", "--fit")
        initial[key] = param.si
        bounds[key] = tuple(type(param)._check(x) for x in param.range)
    try:
        result = c.fit(fitted, list(fit), initial, bounds)
    except SpecError as exc:  # fewer points than parameters: no joint fit, but the report below
        result, too_few = None, exc.message
    alternatives = None
    if len(fit) > 1 and (result is None or any(v.startswith(AMBIGUOUS) for v in result.identifiability.values())):
        from ..validation.alternatives import report
        alternatives = report(fitted, list(fit), initial, bounds, max_residual)
    if result is None:
        return {"result": None, "held_out": [], "cross_validation": [], "alternatives": alternatives,
                "rejected": [too_few]}
    predictor = Predictor()
    held_preds = [Prediction(p, predictor.predict(p, result.values)) for p in held]
    folds = c.cross_validate(fitted, list(fit), initial, bounds, cv) if cv else []
    return {"result": result, "held_out": held_preds, "cross_validation": folds, "alternatives": alternatives,
            "rejected": c.acceptance(result, max_residual)}


def write_calibrated(scenario: str | Path, trace: str | Path | list[str | Path], calibration: dict[str, Any],
                     output: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> None:
    """The scenario with the fitted numbers written in, each marked fitted, with its trace(s)."""
    c.write_fitted_spec(Path(scenario), list(overrides), calibration["result"], _traces(trace), Path(output))
