"""One design point, analytically: load a scenario, evaluate it, compare several, and the
uncertainty of one point's answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..engines.analytical import Evaluation, evaluate, problems
from ..engines.plan import Params, Plan, compile_scenario
from ..engines.result import point_result
from ..errors import InfeasibleError, SpecError
from ..spec.loader import load_scenario
from ..spec.scenario import Scenario


def load(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read and validate a scenario file; ``overrides`` are 'dotted.path=value' strings."""
    return load_scenario(path, overrides)


def analyze(scenario: Scenario) -> tuple[Plan, Params, Evaluation]:
    """Compile and evaluate a scenario; for callers that want the raw arrays. Raises
    InfeasibleError when the hardware cannot run it (too few cores, buffers beyond memory)."""
    if scenario.design.mode == "recompute":
        raise SpecError("a recompute design has no data plane to evaluate; use `nicmodel serve`",
                        scenario.name, None, ("design", "mode"))
    plan, params = compile_scenario(scenario)
    ev = evaluate(plan, params)
    found = problems(ev)
    if found:
        raise InfeasibleError("; ".join(found))
    return plan, params, ev


def hardware(scenario: Scenario) -> dict[str, Any]:
    """The names of what a scenario actually runs on, after overrides (for headers)."""
    return {"nic": scenario.nic.name if scenario.nic else None, "gpu": scenario.gpu.name,
            "host": scenario.host.name if scenario.host else None, "network": scenario.network.name,
            "model": scenario.model.name, "codec": scenario.codec.name}


def evaluate_scenario(scenario: Scenario, overrides: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """Steady-state results of one scenario as a JSON-ready dict (units in key names), with the
    hardware it ran on and the overrides that made it."""
    plan, params, ev = analyze(scenario)
    result = point_result(plan, params, ev, scenario.name)
    result["hardware"] = hardware(scenario)
    result["overrides"] = list(overrides)
    return result


def evaluate_file(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """``evaluate_scenario(load(path, overrides))``."""
    return evaluate_scenario(load(path, overrides), overrides)


def compare(paths: list[str | Path], overrides: list[str] | tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Results of several scenarios, the same overrides applied to each."""
    return [evaluate_file(p, overrides) for p in paths]


def compare_winner(paths: list[str | Path], overrides: list[str] | tuple[str, ...] = (),
                   metric: str = "fetch_latency_s") -> dict[str, Any]:
    """Winner of ``metric`` among compared scenarios, and the assumptions that change it."""
    from ..planning.robustness import compare_winner as winner

    scenarios = [load(p, overrides) for p in paths]
    compiled = [compile_scenario(s) for s in scenarios]

    def results(patches: list[dict[str, float]]) -> list[dict[str, Any]]:
        out = []
        for s, (plan, params), patch in zip(scenarios, compiled, patches):
            p = {**params, **patch}
            ev = evaluate(plan, p)
            if problems(ev):
                raise InfeasibleError("; ".join(problems(ev)))
            out.append(point_result(plan, p, ev, s.name))
        return out

    return winner(results, scenarios, metric)


def uncertainty_of(scenario: Scenario, samples: int = 1000, seed: int = 0,
                   exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Median and 90% interval of each output of one design point over draws of its assumed and
    fitted numbers (see nicmodel.planning.uncertainty); ``exclude``: paths not to draw."""
    from ..planning import uncertainty

    plan, params = compile_scenario(scenario)
    numbers = [u for u in uncertainty.uncertain(scenario)
               if not any(u.key == e or u.key.startswith(e + ".") for e in exclude)]
    return uncertainty.point(plan, params, numbers, samples, seed)
