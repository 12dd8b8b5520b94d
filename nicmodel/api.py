"""The public Python API. Everything the CLI does goes through these functions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .engine.analytical import Evaluation, evaluate
from .engine.plan import Params, Plan, compile_scenario
from .loader import load_document, validate
from .results import point_result
from .spec.scenario import Scenario
from .sweep import Axis, Table, parse_axis, sweep


def load(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read and validate a scenario file; ``overrides`` are 'dotted.path=value' strings."""
    return validate(load_document(path, overrides), str(path))


def analyze(scenario: Scenario) -> tuple[Plan, Params, Evaluation]:
    """Compile and evaluate a scenario; for callers that want the raw arrays."""
    plan, params = compile_scenario(scenario)
    return plan, params, evaluate(plan, params)


def evaluate_scenario(scenario: Scenario) -> dict[str, Any]:
    """Steady-state results of one scenario as a JSON-ready dict (units in key names)."""
    plan, params, ev = analyze(scenario)
    return point_result(plan, params, ev, scenario.name)


def evaluate_file(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """``evaluate_scenario(load(path, overrides))``."""
    return evaluate_scenario(load(path, overrides))


def design_table(
    path: str | Path, vary: list[str] | list[Axis], overrides: list[str] | tuple[str, ...] = ()
) -> Table:
    """Cross product of ``vary`` axes ('path=v1,v2,...'), evaluated vectorized."""
    axes = [a if isinstance(a, Axis) else parse_axis(a) for a in vary]
    return sweep(load_document(path, overrides), Path(path), axes)


def compare(paths: list[str | Path], overrides: list[str] | tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Results of several scenarios, the same overrides applied to each."""
    return [evaluate_file(p, overrides) for p in paths]
