"""Break-even: for which values of one or two parameters does design A beat design B?

A verdict such as "the SmartNIC design wins unloaded TTFT" rests on numbers (a codec's lossless
ratio, the GPU decoder's rate) that are uncertain. Instead of one verdict this module sweeps the
parameters over a range, evaluates both designs with the analytical model (vectorized over the
grid), and reports where the winner changes: the break-even values (refined to 1e-6 relative
with Brent's method) and which design wins on each side. With two parameters it gives the
break-even curve of the second for each value of the first, and a map of the winning regions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import brentq

from ..engines.analytical import bytes_per_token, evaluate, problems
from ..engines.plan import Params, Plan, compile_scenario
from ..errors import SpecError
from ..engines.serving.gpu import prefill_time
from ..spec.scenario import Scenario, param_at
from ..units import UNITS, UnitError, spec_string

# metric -> (lower is better, unit label)
METRICS = {"fetch_latency_s": (True, "s"), "unloaded_ttft_s": (True, "s"), "kv_throughput_gbps": (False, "Gbps")}


@dataclass(frozen=True)
class Knob:
    """A parameter swept for a break-even: its dotted spec path, which designs it applies to
    (indices; all that have it when not named) and its range in SI units."""

    path: str
    targets: tuple[int, ...]
    low: float
    high: float
    dimension: str
    text: str
    unit: str = ""  # the unit the range was written in ('Gbps' stays Gbps in every echo and plot)

    @property
    def factor(self) -> float:
        """SI value per unit of ``unit`` (1 for a plain number or an unknown unit)."""
        return UNITS.get(self.dimension, {}).get(self.unit, 1.0) if self.unit else 1.0

    @property
    def label(self) -> str:
        return f"{self.path} ({self.unit})" if self.unit else self.path

    @property
    def log(self) -> bool:
        return self.low > 0 and self.high / self.low >= 10

    def grid(self, n: int) -> np.ndarray:
        return np.geomspace(self.low, self.high, n) if self.log else np.linspace(self.low, self.high, n)

    def show(self, value: float) -> str:
        if self.unit and self.unit in UNITS.get(self.dimension, {}):
            return f"{float(value) / self.factor:.4g} {self.unit}"
        shown = spec_string(float(value), self.dimension)
        return f"{shown:.4g}" if isinstance(shown, float) else shown


def parse_knob(text: str, scenarios: list[Scenario]) -> Knob:
    """'[N:]path=LOW..HIGH' (N: 1-based index of the design it applies to, else every design
    that has the number), units as in the spec files, e.g. '2:gpu.kernels.decompress.output_rate=5GB/s..40GB/s'."""
    where = f"--break-even {text!r}"
    target: tuple[int, ...] | None = None
    body = text
    head, sep, rest = text.partition(":")
    if sep and head.strip().isdigit():
        index = int(head) - 1
        if not 0 <= index < len(scenarios):
            raise SpecError(f"design number {head} does not exist (1..{len(scenarios)})", where, None, ())
        target, body = (index,), rest
    path, sep, span = body.partition("=")
    low_text, dots, high_text = span.partition("..")
    if not sep or not dots:
        raise SpecError("expected [N:]path=LOW..HIGH, e.g. codec.lossless_ratio=1.0..3.0", where, None, ())
    path = path.strip()
    found = {i: param_at(s, path) for i, s in enumerate(scenarios)}
    holders = tuple(i for i, p in found.items() if p is not None)
    if target is None:
        target = holders
    missing = [i + 1 for i in target if found[i] is None]
    if not target or missing:
        raise SpecError(f"{path} is not a number of design {missing or 'any'}", where, None, ())
    param = found[target[0]]
    kind = type(param)
    try:
        low, high = (kind._check(_number(v)) for v in (low_text, high_text))
    except (UnitError, ValueError) as exc:
        raise SpecError(f"{path}: {exc}", where, None, ()) from None
    if not high > low:
        raise SpecError(f"{path}: the range must grow (got {low_text.strip()}..{high_text.strip()})", where, None, ())
    unit = re.match(r"\s*[-+0-9.eE]*\s*(\S*)", low_text).group(1)
    return Knob(path, target, low, high, kind.dimension, body, unit)


def _number(text: str) -> Any:
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        return text


@dataclass
class _Side:
    scenario: Scenario
    plan: Plan
    params: Params

    def metric(self, metric: str, patch: dict[str, Any]) -> np.ndarray:
        p = {**self.params, **patch}
        ev = evaluate(self.plan, p)
        if metric == "fetch_latency_s":
            value = ev.latency_s
        elif metric == "kv_throughput_gbps":
            value = ev.kv_bytes_per_s * 8 / 1e9
        else:  # one request alone: its fetch, then the prefill of its new tokens over the prefix
            kv = bytes_per_token(self.plan, p)["kv"]
            value = ev.latency_s + prefill_time(p, kv, p["serving.new_tokens"], p["request.prefix_tokens"])
        value = np.asarray(value, dtype=float)
        if np.ndim(ev.feasible) == 0 and not bool(ev.feasible):
            return np.full(np.shape(value), np.nan)
        return np.where(np.asarray(ev.feasible), value, np.nan)

    def check(self) -> None:
        found = problems(evaluate(self.plan, self.params))
        if found:
            from ..errors import InfeasibleError
            raise InfeasibleError(f"{self.scenario.name}: " + "; ".join(found))


def _sides(scenarios: list[Scenario], metric: str) -> list[_Side]:
    sides = []
    for s in scenarios:
        if s.design.mode == "recompute":
            raise SpecError("a recompute design has no data plane to evaluate; compare it with `nicmodel serve`",
                            s.name, None, ("design", "mode"))
        if metric == "unloaded_ttft_s" and s.serving is None:
            raise SpecError("unloaded_ttft_s needs a serving: section", s.name, None, ("serving",))
        plan, params = compile_scenario(s)
        side = _Side(s, plan, params)
        side.check()
        sides.append(side)
    return sides


def _patches(knobs: list[Knob], values: list[Any], n_sides: int) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = [{} for _ in range(n_sides)]
    for knob, value in zip(knobs, values):
        for i in knob.targets:
            out[i][knob.path] = value
    return out


def break_even(scenarios: list[Scenario], knobs: list[Knob], metric: str = "fetch_latency_s",
               points: int = 201) -> dict[str, Any]:
    """Where design 1 and design 2 trade the lead on ``metric`` over one or two knobs."""
    if len(scenarios) != 2:
        raise SpecError(f"a break-even compares two designs, got {len(scenarios)}", "compare", None, ())
    if metric not in METRICS:
        raise SpecError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}", "compare", None, ())
    if not 1 <= len(knobs) <= 2:
        raise SpecError("give one or two --break-even parameters", "compare", None, ())
    lower, _ = METRICS[metric]
    sides = _sides(scenarios, metric)
    names = [s.scenario.name for s in sides]

    def margin(values: list[Any]) -> np.ndarray:
        """Positive where design 1 is better."""
        a, b = (side.metric(metric, patch) for side, patch in zip(sides, _patches(knobs, values, 2)))
        return (b - a) if lower else (a - b)

    def winner(m: float) -> str:
        return "tie" if m == 0 else (names[0] if m > 0 else names[1]) if np.isfinite(m) else "invalid"

    def crossings(xs: np.ndarray, ms: np.ndarray, f) -> list[float]:
        out = []
        for i in range(len(xs) - 1):
            m0, m1 = ms[i], ms[i + 1]
            if np.isfinite(m0) and np.isfinite(m1) and np.sign(m0) != np.sign(m1) and m0 != 0:
                out.append(float(xs[i + 1]) if m1 == 0 else brentq(f, xs[i], xs[i + 1], rtol=1e-6))
        return out

    base = {"metric": metric, "lower_is_better": lower, "designs": names,
            "parameters": [{"path": k.path, "designs": [names[i] for i in k.targets], "low": k.low, "high": k.high,
                            "dimension": k.dimension} for k in knobs]}
    first = knobs[0]
    xs = first.grid(points)
    if len(knobs) == 1:
        ms = margin([xs])
        current = _current(sides, first)
        at_base = float(margin([np.asarray(current)])[()]) if current is not None else None
        cuts = crossings(xs, ms, lambda x: float(margin([np.asarray(x)])[()]))
        edges = [first.low, *cuts, first.high]
        regions = []
        for lo, hi in zip(edges, edges[1:]):
            mid = np.sqrt(lo * hi) if first.log else (lo + hi) / 2
            regions.append({"from": lo, "to": hi, "winner": winner(float(margin([np.asarray(mid)])[()]))})
        return {**base, "break_even": cuts, "regions": regions, "x": xs.tolist(), "margin": ms.tolist(),
                "at_spec_value": None if at_base is None else {"value": current, "winner": winner(at_base)}}
    second = knobs[1]
    ys = second.grid(points)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    grid = margin([gx, gy])
    curve = []
    for i, x in enumerate(xs):
        cuts = crossings(ys, grid[i], lambda y, x=x: float(margin([np.asarray(x), np.asarray(y)])[()]))
        curve.append({"x": float(x), "break_even": cuts})
    share = float(np.mean(grid[np.isfinite(grid)] > 0)) if np.isfinite(grid).any() else 0.0
    return {**base, "curve": curve, "x": xs.tolist(), "y": ys.tolist(), "margin": grid.tolist(),
            "share_design_1_wins": share}


def _current(sides: list[_Side], knob: Knob) -> float | None:
    """The knob's value in the spec files (the first design it applies to)."""
    value = sides[knob.targets[0]].params.get(knob.path)
    return None if value is None else float(value)
