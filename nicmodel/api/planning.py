"""Planning answers: the best choice meeting targets (size), where two designs trade the lead
(break-even), which uncertain numbers move an answer (sensitivity), and how often one design
beats another over draws of the uncertain numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..engines.plan import compile_scenario
from ..planning import sensitivity as sens
from ..planning.breakeven import break_even as _break_even
from ..planning.breakeven import parse_knob
from ..planning.sizing import size as _size
from ..planning.sweep import parse_axis
from ..planning.uncertainty import paired_win, public
from ..spec.loader import load_scenario
from .evaluate import uncertainty_of


def size(path: str | Path, choose: list[str], targets: list[str] = (), minimize: str = "cores",
         maximize: str | None = None, overrides: list[str] | tuple[str, ...] = (), pareto: list[str] | None = None,
         max_points: int = 1_000_000, by: str | None = None, samples: int = 1000, seed: int = 0,
         progress: bool = False) -> dict[str, Any]:
    """``nicmodel size``: the best choice along ``choose`` axes ('PATH=V1,V2' or 'PATH=LO..HI')
    meeting ``targets`` ('METRIC<=VALUE'), least ``minimize`` or most ``maximize``; with the
    binding constraint, the runner-up, robustness over assumed ranges and the Pareto front of
    ``pareto`` (two metrics). ``best`` is None when no choice meets the targets. ``by`` (p5, p50,
    p95) judges targets and objective at that quantile over ``samples`` draws of the uncertain
    numbers (p95: met with 95% confidence)."""
    objective, most = (maximize, True) if maximize else (minimize, False)
    return _size(path, list(choose), list(targets), objective, most, overrides, pareto, max_points, by, samples, seed,
                 progress)


def break_even(paths: list[str | Path], knobs: list[str], metric: str = "fetch_latency_s", points: int = 201,
               at: str | None = None, overrides: list[str] | tuple[str, ...] = ()) -> list[dict[str, Any]]:
    """``nicmodel compare --break-even``: where two designs trade the lead on ``metric`` over one
    or two numbers ('[N:]PATH=LOW..HIGH'), repeated at each value of ``at`` ('PATH=V1,V2,...').
    Each result carries ``at`` and ``_knobs`` (the parsed numbers, for text and plots)."""
    cases: list[tuple[str, list[str]]] = [("", [])]
    if at:
        axis = parse_axis(at)
        cases = [(f"{axis.label}={v}", [f"{axis.label}={v}"]) for v in axis.values]
    results = []
    for label, extra in cases:
        scenarios = [load_scenario(p, [*overrides, *extra]) for p in paths]
        parsed = [parse_knob(k, scenarios) for k in knobs]
        r = _break_even(scenarios, parsed, metric, points)
        r["at"] = label
        r["_knobs"] = parsed
        results.append(r)
    return results


def sensitivity(path: str | Path, metric: str = "throughput_gbps", method: str = "both", samples: int = 1024,
                seed: int = 0, all_ranges: bool = False,
                overrides: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """``nicmodel sensitivity``: each uncertain number at the ends of its range (one at a time)
    and, unless ``method`` is 'oat', Sobol indices over ``samples`` base samples."""
    scenario = load_scenario(path, overrides)
    plan, params = compile_scenario(scenario)
    kinds = ("datasheet", "measured", *sens.UNCERTAIN_KINDS) if all_ranges else sens.UNCERTAIN_KINDS
    uncertain = sens.uncertain_params(scenario, kinds)
    oat = sens.one_at_a_time(plan, params, uncertain, metric)
    sobol = sens.sobol(plan, params, uncertain, metric, samples, seed) if method != "oat" else []
    return {"metric": metric, "one_at_a_time": oat, "sobol": sobol, "note": sens.SPLIT_NOTE}


def compare_uncertainty(paths: list[str | Path], overrides: list[str] | tuple[str, ...] = (), samples: int = 1000,
                        seed: int = 0) -> list[dict[str, Any]]:
    """``nicmodel compare --uncertainty``: each design's intervals over paired draws of the
    uncertain numbers, and how often the first design beats each other one. Each entry keeps
    the raw draws under ``_draws`` (for text)."""
    scenarios = [load_scenario(p, overrides) for p in paths]
    us = [uncertainty_of(s, samples, seed) for s in scenarios]
    doc = [{"scenario": s.name, **public(u), "first_beats_this": {}, "_draws": u} for s, u in zip(scenarios, us)]
    for u, entry in zip(us[1:], doc[1:]):
        for output, lower in (("fetch_latency", True), ("kv_throughput", False)):
            entry["first_beats_this"][output] = paired_win(us[0], u, output, lower)
    return doc


def nic_price(smartnic: str | Path, gpu_design: str | Path, bandwidths: list[str], overrides: list[str] | tuple[str, ...] = (),
              uncertainty: int = 32, seed: int = 0, confirm: bool = False) -> list[dict[str, Any]]:
    """``nicmodel nic-price``: at each link rate, the SmartNIC price at which ``smartnic`` costs
    the same per request as ``gpu_design`` at their SLO-bound rates (analytical serving model),
    with its 90% interval over ``uncertainty`` paired draws and each design's cost per million
    requests. ``confirm`` adds the simulator's nominal answer."""
    from ..planning.cost import nic_break_even

    return nic_break_even(str(smartnic), str(gpu_design), list(bandwidths), overrides, uncertainty, seed, confirm)
