"""One design point, analytically: load a scenario, evaluate it, compare several, and the
uncertainty of one point's answers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..engines.analytical import Evaluation, evaluate, problems
from ..engines.plan import Params, Plan, compile_scenario
from ..engines.result import point_result
from ..errors import InfeasibleError, SpecError
from ..spec.loader import load_scenario
from ..spec.scenario import Scenario


def load(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Scenario:
    """Read and validate a scenario file; ``overrides`` are 'dotted.path=value' strings. The
    result is kept between processes (spec/cache.py) until a file it was read from changes."""
    return load_scenario(path, overrides, cached=True)


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
    net = scenario.network
    rate = getattr(getattr(net, "bandwidth", None), "si", None)
    network = f"{net.name} at {rate * 8e-9:g} Gbps" if rate else net.name  # the rate that ran, not the name's
    return {"nic": scenario.nic.name if scenario.nic else None, "gpu": scenario.gpu.name,
            "host": scenario.host.name if scenario.host else None, "network": network,
            "model": scenario.model.name, "codec": scenario.codec.name}


def evaluate_scenario(scenario: Scenario, overrides: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """Steady-state results of one scenario as a JSON-ready dict (units in key names), with the
    hardware it ran on and the overrides that made it."""
    plan, params, ev = analyze(scenario)
    result = point_result(plan, params, ev, scenario.name)
    result["hardware"] = hardware(scenario)
    result["overrides"] = list(overrides)
    result["gpu_memory"] = gpu_memory_check(scenario, plan, params)
    return result


def gpu_memory_check(scenario: Scenario, plan, params) -> dict[str, Any] | None:
    """The serving server's GPU memory, checked for every command (serve refuses a model that does
    not fit; eval and the others report it): weights, staging and one request's KV against the
    usable memory. None when the scenario has no serving section or no weight count."""
    from ..engines.serving.capacity import memory_plan
    from ..errors import InfeasibleError
    from ..spec.workload import DTYPE_BYTES
    model, gpu = scenario.model, scenario.gpu
    if model.parameters is None:
        return None
    if scenario.serving is None:  # no serving section: the weights and the staging must fit at least
        weights = model.parameters.si * DTYPE_BYTES[model.weight_dtype]
        staging = float(np.asarray(evaluate(plan, params).footprint.get("gpu.memory", 0.0)))
        capacity = gpu.memory.capacity.si
        if weights + staging <= capacity:
            return {"fits": True, "usable_bytes": capacity, "weight_bytes": weights, "staging_bytes": staging,
                    "batch_that_fits": None}
        return {"fits": False, "problem": f"gpu.memory: {model.name} does not fit {gpu.name}: weights "
                                          f"{weights / 1e9:.1f} GB + staging {staging / 1e9:.2f} GB exceed its "
                                          f"{capacity / 1e9:.0f} GB"}
    try:
        return {"fits": True, **memory_plan(scenario, plan, params).as_dict()}
    except InfeasibleError as exc:
        return {"fits": False, "problem": str(exc)}


def evaluate_file(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """``evaluate_scenario(load(path, overrides))``."""
    return evaluate_scenario(load(path, overrides), overrides)


def compare(paths: list[str | Path], overrides: list[str] | tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """Results of several scenarios, the same overrides applied to each."""
    return [evaluate_file(p, overrides) for p in paths]


def compare_winner(paths: list[str | Path], overrides: list[str] | tuple[str, ...] = (),
                   metric: str = "fetch_latency_s", by: str | None = None, samples: int = 1000,
                   seed: int = 0) -> dict[str, Any]:
    """Winner of ``metric`` among compared scenarios, and the assumptions that change it. ``by``
    (p5, p50, p95 or probability) also chooses it under uncertainty: by that quantile of each
    design's ``metric`` over ``samples`` paired draws of the uncertain numbers, or by how often
    each design is best; with the probability that the chosen one is best."""
    out = _nominal_winner(paths, overrides, metric)
    if by is not None:
        from ..planning.robust_optimum import winner_by

        scenarios = [load(p, overrides) for p in paths]
        out["by"] = winner_by([s.name for s in scenarios], [uncertainty_of(s, samples, seed) for s in scenarios],
                              metric, by)
    return out


def _nominal_winner(paths: list[str | Path], overrides: list[str] | tuple[str, ...], metric: str) -> dict[str, Any]:
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
