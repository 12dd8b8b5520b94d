"""Iterate a plan of calibrations to a fixed point (validation/calibration/h200_interference.yaml).

Each calibration fits its coefficients to the `fitted` points of its traces (nicmodel's own
least squares, validation/calibrate.fit), every other coefficient of the plan at its current
value and the plan's `hold` settings in place; the calibrations run in order, pass after pass,
until no coefficient moves by more than the plan's tolerance (Gauss-Seidel). A fitted coefficient
listed under `store` goes to a plan variable instead of the spec (a value another calibration
holds).

    python validation/calibration/fixed_point.py [PLAN] [--passes N] [--write]

Prints each pass and, at the end, every coefficient before and after with its 95% confidence
interval. --write puts the values (in each line's own unit) and the intervals (as ranges) into
hwspecs/gpus/h200.yaml and every GPU spec whose coefficient says "the H200 fit", and the variables
into the plan. Exits 1 if the iteration did not settle within --passes, 2 on a bad plan.
After a --write that moved anything, run validation/calibration/model_error.py --write too: the
model's held-out error bands in the GPU specs follow the model (tests/test_model_error.py).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nicmodel.errors import SpecError  # noqa: E402
from nicmodel.files import write_atomic  # noqa: E402
from nicmodel.units import parse_quantity  # noqa: E402
from nicmodel.engines.plan import compile_scenario  # noqa: E402
from nicmodel.spec.loader import load_scenario  # noqa: E402
from nicmodel.validation.calibrate import fit  # noqa: E402
from nicmodel.validation.predict import Predictor  # noqa: E402
from nicmodel.validation.trace import read_trace  # noqa: E402

PLAN = ROOT / "validation/calibration/h200_interference.yaml"
SPAN = 30.0  # a coefficient without bounds is searched within 1/SPAN to SPAN times its value


@dataclass
class Calibration:
    name: str
    traces: list[str]
    fit: list[str]
    hold: dict[str, str] = field(default_factory=dict)  # coefficient -> a spec value or $variable
    store: dict[str, str] = field(default_factory=dict)  # fitted coefficient -> the variable it goes to
    history: str = ""  # when and why it was refitted (the specs' fitted_to point here)


PLAN_KEYS = {"scenario", "overrides", "prefix", "tolerance", "variables", "bounds", "calibrations"}
CALIBRATION_KEYS = {"name", "traces", "fit", "hold", "store", "history"}


@dataclass
class Plan:
    path: Path
    scenario: Path
    overrides: list[str]
    prefix: str
    tolerance: float
    variables: dict[str, float]
    bounds: dict[str, tuple[float, float]]
    calibrations: list[Calibration]

    def coefficients(self) -> list[str]:
        """The spec coefficients the plan fits (stored variables left out), in first-fitted order."""
        keys = [k for c in self.calibrations for k in c.fit if k not in c.store]
        return list(dict.fromkeys(keys))

    def overrides_for(self, c: Calibration, exclude: set[str] = frozenset()) -> list[str]:
        """The scenario's overrides and the calibration's held settings (variables substituted)."""
        held = []
        for key, value in c.hold.items():
            if key in exclude:
                continue
            text = str(value)
            if text.startswith("$"):
                text = f"{self.variables[text[1:]]:g}"
            held.append(f"{self.prefix}{key}={text}")
        return self.overrides + held


def load_plan(path: Path) -> Plan:
    """The plan, checked: every error names the file and what was expected."""
    try:
        raw = yaml.safe_load(path.read_text())
        unknown = sorted(set(raw) - PLAN_KEYS)
        unknown += sorted(k for c in raw["calibrations"] for k in set(c) - CALIBRATION_KEYS)
        if unknown:
            raise SpecError(f"unknown key {unknown[0]!r} (a plan has {', '.join(sorted(PLAN_KEYS))}; a calibration "
                            f"{', '.join(sorted(CALIBRATION_KEYS))})", str(path))
        cals = [Calibration(c["name"], list(c["traces"]), list(c["fit"]), dict(c.get("hold") or {}),
                            dict(c.get("store") or {}), str(c.get("history") or "")) for c in raw["calibrations"]]
        plan = Plan(path, ROOT / raw["scenario"], list(raw.get("overrides") or []), raw["prefix"],
                    float(raw["tolerance"]), {k: float(v) for k, v in (raw.get("variables") or {}).items()},
                    {k: (float(lo), float(hi)) for k, (lo, hi) in (raw.get("bounds") or {}).items()}, cals)
    except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise SpecError(f"not a calibration plan: {type(exc).__name__}: {exc}", str(path)) from None
    for c in plan.calibrations:
        for key, value in list(c.hold.items()) + [(k, "$" + v) for k, v in c.store.items()]:
            if str(value).startswith("$") and str(value)[1:] not in plan.variables:
                raise SpecError(f"calibration {c.name!r}: no variable {str(value)[1:]!r}", str(path))
        for trace in c.traces:
            if not (ROOT / trace).is_file():
                raise SpecError(f"calibration {c.name!r}: no trace {trace}", str(path))
    return plan


class Held(Predictor):
    """Predicts with the plan's current values of the coefficients a calibration does not fit."""

    def __init__(self, held: dict[str, float]):
        super().__init__()
        self.held = held

    def predict(self, point, replace=None):
        return super().predict(point, {**self.held, **(replace or {})})


@dataclass
class State:
    values: dict[str, float]  # SI, by coefficient name
    variables: dict[str, float]
    ci: dict[str, tuple[float, float]] = field(default_factory=dict)


def interval(value: float, lo: float, hi: float, bounds: tuple[float, float] | None = None) -> tuple[float, float]:
    """A fitted coefficient's 95% interval within the plan's bounds for it (none: 0 to infinity); one whose
    interval reaches 0 keeps the floor it was searched within, 1/SPAN of its value, since a spec refuses a
    positive coefficient's range that starts at 0."""
    low, high = bounds or (0.0, float("inf"))
    lo, hi = max(lo, low), min(hi, high)
    return (lo if lo > 0 else value / SPAN), hi


def calibrate_once(plan: Plan, c: Calibration, state: State, points: dict) -> float:
    """Fit one calibration at the others' current values; the largest relative move."""
    fixed = {k for k in c.hold if k not in c.fit}
    held = {plan.prefix + k: v for k, v in state.values.items() if k not in c.fit and k not in fixed}
    key = (c.name,)
    if key not in points:
        from dataclasses import replace
        held_settings = tuple(plan.overrides_for(c, exclude=set(c.fit))[len(plan.overrides):])
        points[key] = [replace(p, overrides=p.overrides + held_settings)
                       for t in c.traces for p in read_trace(ROOT / t) if p.role == "fitted"]
    initial = {}
    for k in c.fit:
        start = c.hold.get(k)
        initial[plan.prefix + k] = (state.variables[str(start)[1:]] if start is not None and str(start).startswith("$")
                                    else state.values[k])
    bounds = {pk: plan.bounds.get(pk[len(plan.prefix):], (v / SPAN, v * SPAN)) for pk, v in initial.items()}
    result = fit(points[key], list(initial), initial, bounds, Held(held))
    moved = 0.0
    for k in c.fit:
        v = result.values[plan.prefix + k]
        lo, hi = result.ci95[plan.prefix + k]
        if k in c.store:
            name = c.store[k]
            moved = max(moved, abs(v / state.variables[name] - 1))
            state.variables[name] = v
            continue
        moved = max(moved, abs(v / state.values[k] - 1))
        state.values[k] = v
        state.ci[k] = interval(v, lo, hi, plan.bounds.get(k))
    return moved


def spec_values(plan: Plan) -> dict[str, float]:
    """The plan's coefficients as the specs hold them now (SI), from one load of the scenario."""
    _, params = compile_scenario(load_scenario(plan.scenario, plan.overrides))
    return {k: float(params[plan.prefix + k]) for k in plan.coefficients()}


def iterate(plan: Plan, passes: int, log=print) -> tuple[State, dict[str, float], bool]:
    """Run the plan from the specs' values to its fixed point; (state, values before, settled)."""
    values = spec_values(plan)
    state = State(dict(values), dict(plan.variables))
    points: dict = {}
    for n in range(passes):
        moved = 0.0
        for c in plan.calibrations:
            t0 = time.time()
            step = calibrate_once(plan, c, state, points)
            moved = max(moved, step)
            log(f"pass {n + 1}, {c.name}: moved {step:.2e} ({time.time() - t0:.0f} s)")
        log(f"pass {n + 1}: largest move {moved:.2e}")
        if moved < plan.tolerance:
            return state, values, True
    return state, values, False


def _number(text: str, si: float, digits: int = 6) -> str:
    """``si`` written in the unit of the spec's text (e.g. "7.24662 us": the coefficients with units are
    durations), to ``digits`` significant digits (six for a value, four for an interval, as the
    specs write them)."""
    unit = text.split(" ", 1)[1] if " " in text.strip() else ""
    factor = parse_quantity(f"1 {unit}", "time") if unit else 1.0
    return f"{float(f'{si / factor:.{digits}g}'):g}" + (f" {unit}" if unit else "")


def write_specs(plan: Plan, state: State, folder: Path = ROOT / "hwspecs/gpus") -> list[Path]:
    """Values and ranges into the H200's spec and every GPU spec that takes the H200 fit."""
    written = []
    stored = {key: name for c in plan.calibrations for key, name in c.store.items()}
    for path in sorted(folder.glob("*.yaml")):
        own = path.stem == "h200"
        lines = path.read_text().split("\n")
        for i, line in enumerate(lines):
            m = re.match(r"  ([a-z0-9_]+): \{value: ([^,]+), kind: (fitted|derived), source: \"(.{0,12})", line)
            if not m or m.group(1) not in state.values or (not own and not m.group(4).startswith("the H200 fit")):
                continue
            k, old = m.group(1), m.group(2)
            lo, hi = state.ci[k]
            line = line.replace(f"value: {old},", f"value: {_number(old, state.values[k])},", 1)
            line = re.sub(r"range: \[[^\]]*\]\}$", f"range: [{_number(old, lo, 4)}, {_number(old, hi, 4)}]}}", line)
            if own:
                unit = f" {old.split(' ', 1)[1]}" if " " in old else ""
                span = f"{_number(old, lo, 4).split(' ')[0]}-{_number(old, hi, 4).split(' ')[0]}{unit}"
                line = re.sub(r"95% CI [-0-9.e]+(?: to |-)[0-9.e]+(?: us)?\"", f"95% CI {span}\"", line)
            for key, name in stored.items():  # a variable quoted in a calibrate command
                line = line.replace(f"{plan.prefix}{key}={plan.variables[name]:g}",
                                    f"{plan.prefix}{key}={float(f'{state.variables[name]:.6g}'):g}")
            lines[i] = line
        text = "\n".join(lines)
        if text != path.read_text():
            write_atomic(path, text)
            written.append(path)
    return written


def write_variables(plan: Plan, state: State) -> None:
    text = plan.path.read_text()
    for name, value in state.variables.items():
        text = re.sub(rf"(\n  {name}: )[-0-9.e]+", rf"\g<1>{float(f'{value:.6g}'):g}", text)
    write_atomic(plan.path, text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("plan", nargs="?", default=str(PLAN))
    ap.add_argument("--passes", type=int, default=12, help="at most this many passes (default 12)")
    ap.add_argument("--write", action="store_true", help="write the fixed point into the specs and the plan")
    args = ap.parse_args(argv)
    try:
        plan = load_plan(Path(args.plan))
        state, before, settled = iterate(plan, args.passes)
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for k, v in state.values.items():
        lo, hi = state.ci.get(k, (float("nan"), float("nan")))
        print(f"  {k:20s} {before[k]:.6g} -> {v:.6g}  ({(v / before[k] - 1) * 100:+.2f}%; 95% CI {lo:.4g}-{hi:.4g})")
    for name, v in state.variables.items():
        print(f"  {name} {plan.variables[name]:.6g} -> {v:.6g}")
    if not settled:
        print(f"error: no fixed point within {args.passes} passes", file=sys.stderr)
        return 1
    if args.write:
        for path in write_specs(plan, state):
            print(f"wrote {path.relative_to(ROOT)}")
        write_variables(plan, state)
        print(f"wrote {plan.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
