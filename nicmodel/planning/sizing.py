"""Inverse queries: the cheapest (fewest cores, least NIC memory, ...) choice that meets targets.

`nicmodel size` enumerates every combination of the `--choose` axes as a design table (numeric
axes vectorized, structural ones looped), keeps the points that meet every `--target`, and
picks the best by the objective (ties: lower fetch latency, then table order). It reports the
constraint with the least slack at the answer, the runner-up, and whether the answer survives
the `assumed` numbers: the choice is re-checked with each of them at both ends of its range, and
the *robust* choice is the best point that meets the targets at every one of those ends. With
`--pareto A,B` it prints the non-dominated points of two metrics among those meeting the targets.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SpecError
from ..spec.loader import _scalar, load_document
from ..spec.scenario import Scenario, param_at
from .candidates import candidate_costs, screen_max_rates
from .sweep import Axis, PreparedTable, check_size, parse_axis, prepare, unique_axes
from ..units import UNITS, UnitError, parse_quantity
from .sensitivity import uncertain_params

# metric -> (table column, dimension of a target's quantity, SI per column unit, lower is better)
METRICS: dict[str, tuple[str, str, float, bool]] = {
    "throughput": ("throughput_gbps", "bandwidth", 1e9 / 8, False),
    "kv_throughput": ("kv_throughput_gbps", "bandwidth", 1e9 / 8, False),
    "fetch_latency": ("fetch_latency_ms", "time", 1e-3, True),
    "nic_memory": ("nic_memory_mib", "bytes", 2.0**20, True),
    "cores": ("cores_used", "dimensionless", 1.0, True),
}
SERVING_METRICS = ("max_rate", "ttft", "tpot")
SERVING_CHECKS = 40  # candidates whose SLO-bound rate is searched at most, best first
ROBUST_CHECK_POINTS = 200_000  # above this the robust choice would take minutes (two evaluations per assumption)
RANGE_VALUES = 4096  # an integer range longer than this is sampled geometrically
CONTINUOUS_VALUES = 33  # points of a continuous range (geometric when it spans 10x or more)


@dataclass(frozen=True)
class Target:
    """``metric op value``: value in SI units."""

    metric: str
    op: str
    value: float
    text: str

    def met(self, values_si: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return {"<=": values_si <= self.value, ">=": values_si >= self.value,
                    "<": values_si < self.value, ">": values_si > self.value}[self.op]

    def slack(self, value_si: float) -> float:
        """Relative distance from the limit, positive when met."""
        gap = (self.value - value_si) if self.op in ("<=", "<") else (value_si - self.value)
        return gap / abs(self.value) if self.value else gap


def parse_target(text: str) -> Target:
    """'kv_throughput>=40Gbps', 'fetch_latency<=150ms', 'nic_memory<=2GiB', 'cores<=8'."""
    m = re.fullmatch(r"\s*([a-z_]+)\s*(<=|>=|<|>)\s*(.+?)\s*", text)
    if not m:
        raise SpecError("expected METRIC<=VALUE or METRIC>=VALUE, e.g. kv_throughput>=40Gbps", "--target", None, ())
    metric, op, raw = m.groups()
    if metric == "max_rate":
        if op not in (">=", ">"):
            raise SpecError("max_rate takes a lower bound, e.g. max_rate>=8/s", "--target", None, ())
        r = re.fullmatch(r"([0-9.eE+-]+)\s*(?:req(?:uests)?)?\s*/\s*s", raw.strip())
        try:
            value = float(r.group(1)) if r else float("nan")
        except ValueError:
            value = float("nan")
        if not (value > 0 and np.isfinite(value)):
            raise SpecError(f"max_rate: expected requests per second such as 8/s, got {raw!r}", "--target", None, ())
        return Target(metric, op, value, text.strip())
    if metric in SERVING_METRICS:
        raise SpecError(f"{metric} is not a sizing target; serving: max_rate (the SLO-bound rate); data plane: "
                        f"{', '.join(METRICS)}", "--target", None, ())
    if metric not in METRICS:
        raise SpecError(f"unknown metric {metric!r}; expected one of {', '.join(METRICS)}", "--target", None, ())
    try:
        value = parse_quantity(_scalar(raw), METRICS[metric][1])
    except UnitError as exc:
        raise SpecError(f"{metric}: {exc}", "--target", None, ()) from None
    return Target(metric, op, value, text.strip())


def choice_axis(text: str, scenario: Scenario) -> Axis:
    """'PATH=V1,V2,...' as a table axis, or 'PATH=LO..HI': every integer of an integer field
    (sampled geometrically beyond 4,096 values), or 33 points of a continuous number."""
    path, sep, raw = text.partition("=")
    if ".." not in raw or "," in raw:
        return parse_axis(text)
    low_text, _, high_text = raw.partition("..")
    key = path.strip()
    param = param_at(scenario, key)
    where = f"--choose {text!r}"
    try:
        if param is not None:
            kind = type(param)
            low, high = kind._check(_scalar(low_text)), kind._check(_scalar(high_text))
            integer, dimension = kind.integer, kind.dimension
        else:
            low, high = _scalar(low_text), _scalar(high_text)
            if not all(isinstance(x, int) and not isinstance(x, bool) for x in (low, high)):
                raise ValueError("a range of a setting that is not a spec number takes whole numbers, e.g. 16..4096")
            integer, dimension = True, "dimensionless"
    except ValueError as exc:
        raise SpecError(str(exc), where, None, ()) from None
    if not high > low:
        raise SpecError("the range must grow", where, None, ())
    if integer:
        count = int(high - low) + 1
        values = (np.arange(int(low), int(high) + 1) if count <= RANGE_VALUES else
                  np.unique(np.round(np.geomspace(max(low, 1), high, RANGE_VALUES)).astype(int)))
        strings = [str(int(v)) for v in values]
    else:
        grid = (np.geomspace(low, high, CONTINUOUS_VALUES) if low > 0 and high / low >= 10
                else np.linspace(low, high, CONTINUOUS_VALUES))
        unit = _unit_of(low_text, dimension)
        strings = ([f"{v / UNITS[dimension][unit]:.4g}{unit}" for v in grid] if unit is not None
                   else [_si_string(v, dimension) for v in grid])
        if len(set(strings)) < len(strings):  # 4 digits do not tell the points apart: full precision
            strings = [_si_string(v, dimension) for v in grid]
    return parse_axis(f"{key}={','.join(strings)}")


def _unit_of(text: str, dimension: str) -> str | None:
    """The unit the planner wrote the range's low end in ('10Gbps' -> 'Gbps'), so the answer
    is printed in it (None for a plain number or an unknown unit)."""
    m = re.match(r"^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*(\S+)\s*$", str(text))
    unit = m.group(1) if m else None
    return unit if unit and unit in UNITS.get(dimension, {}) else None


def _si_string(value: float, dimension: str) -> str:
    unit = {"bandwidth": "B/s", "time": "s", "bytes": "B", "frequency": "Hz"}.get(dimension)
    return f"{value:.9g}" + (f" {unit}" if unit else "")


def _si(prepared: PreparedTable, metrics: list[str], patch: dict[str, float] | None = None):
    keys, cols = prepared.matrix([METRICS[m][0] for m in metrics], patch)
    return keys, {m: cols[METRICS[m][0]] * METRICS[m][2] for m in metrics}


ROUND_TOLERANCE = 0.01  # an answer this close to the best objective is as good: the roundest such is given


def _round_first(ranked: np.ndarray, objective: np.ndarray, axes: list[Axis], keys: np.ndarray,
                 maximize: bool) -> np.ndarray:
    """``ranked`` with the roundest candidate (on the numeric axes: 64 before 65) among those within
    ROUND_TOLERANCE of the best objective moved to the front; no planner needs chunk_tokens=65
    when 64 is as good."""
    if ranked.size < 2:
        return ranked
    best = objective[ranked[0]]
    bound = best * (1 - ROUND_TOLERANCE) if maximize else best * (1 + ROUND_TOLERANCE)
    near = [int(i) for i in ranked if (objective[i] >= bound if maximize else objective[i] <= bound)]
    numeric = [j for j, a in enumerate(axes) if all(_number(v) is not None for v in a.values)]
    if not numeric or len(near) < 2:
        return ranked
    # round: a multiple of 16, 10 or 25 (64, 80, 100, 250); else by significant digits. Among
    # equally round candidates the ranking (objective, then fetch latency) decides
    position = {i: n for n, i in enumerate(near)}
    pick = min(near, key=lambda i: ([_round_class(axes[j].values[int(keys[j, i])]) for j in numeric], position[i]))
    return np.concatenate([[pick], ranked[ranked != pick]]).astype(ranked.dtype)


def _number(text: str) -> float | None:
    m = re.match(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)", str(text))
    return float(m.group(1)) if m else None


def _round_class(text: str) -> int:
    x = _number(text)
    if x is None:
        return 99
    if x and float(x).is_integer() and any(int(x) % r == 0 for r in (16, 10, 25)):
        return 0
    return 1 + len(f"{abs(x):.6g}".replace(".", "").replace("-", "").strip("0"))


def _rank(values: dict[str, np.ndarray], feasible: np.ndarray, objective: str, maximize: bool) -> np.ndarray:
    """Indices of feasible points, best first (ties: lower fetch latency, then table order)."""
    idx = np.flatnonzero(feasible)
    primary = values[objective][idx] * (-1 if maximize else 1)
    order = np.lexsort((idx, values["fetch_latency"][idx], primary))
    return idx[order]


def size(path: str | Path, chooses: list[str], targets: list[str], objective: str = "cores",
         maximize: bool = False, overrides: list[str] | tuple[str, ...] = (), pareto: list[str] | None = None,
         max_points: int = 1_000_000, by: str | None = None, samples: int = 1000, seed: int = 0,
         progress: bool = False) -> dict[str, Any]:
    """The best choice over ``chooses`` meeting ``targets``; see the module docstring. ``progress``:
    say on stderr what a long serving check is doing."""
    if objective == "cost" and maximize:
        raise SpecError("cost is minimized, not maximized", "--maximize", None, ())
    if objective not in METRICS and objective != "cost":
        raise SpecError(f"unknown objective {objective!r}; expected one of {', '.join(METRICS)} or cost",
                        "--minimize", None, ())
    if not chooses:
        raise SpecError("give at least one --choose PATH=V1,V2,... or PATH=LO..HI", "--choose", None, ())
    every = [parse_target(t) for t in targets]
    parsed = [t for t in every if t.metric in METRICS]
    serving = [t for t in every if t.metric == "max_rate"]
    doc = load_document(path, overrides)
    from ..spec.loader import validate
    base = validate(doc, str(path))
    axes = unique_axes([choice_axis(c, base) for c in chooses], "--choose")
    check_size(axes, max_points)
    prepared = prepare(doc, Path(path), axes)
    for i, axis in enumerate(axes):  # a value refused in every combination is bad input, not a miss
        failed = [exc for j, _, exc in ((j, v, e) for j, v, e in prepared.failures if j == i)]
        if failed and len(failed) == len(axis.values):
            raise failed[0]
    pareto = pareto or []
    for m in pareto:
        if m not in METRICS:
            raise SpecError(f"unknown metric {m!r}; expected two of {', '.join(METRICS)}", "--pareto", None, ())
    if pareto and len(pareto) != 2:
        raise SpecError("--pareto takes two metrics, e.g. fetch_latency,nic_memory", "--pareto", None, ())
    metrics = sorted(set(METRICS))
    keys, values = _si(prepared, metrics)
    drawn: dict[tuple, np.ndarray] = {}
    if by is not None:  # targets and objective at a quantile over draws of the uncertain numbers
        from .robust_optimum import pessimistic_values
        at, drawn = pessimistic_values(prepared, by, samples, seed, keep=objective)
        for i in range(keys.shape[1]):
            row = at.get(tuple(int(k) for k in keys[:, i]))
            for m, v in (row or {}).items():
                if m in values:
                    values[m][i] = v
    if objective == "cost":  # the server's cost per hour (USD/s in SI), from each candidate's specs
        values["cost"] = candidate_costs(path, overrides, axes, keys)
        metrics = sorted([*metrics, "cost"])
    valid = np.isfinite(values["fetch_latency"])
    feasible = valid.copy()
    for t in parsed:
        feasible &= t.met(values[t.metric])
    ranked = _round_first(_rank(values, feasible, objective, maximize), values[objective], axes, keys, maximize)
    checked_serving: list[dict[str, Any]] = []
    screen: dict[str, int] = {}
    if serving:  # screen every candidate's SLO-bound rate analytically, confirm the best by simulation
        ranked, checked_serving, screen = _serving_filter(path, overrides, axes, keys, ranked, serving, progress)

    def point(i: int) -> dict[str, Any]:
        choice = {a.label: a.values[int(k)] for a, k in zip(axes, keys[:, i])}
        return {"choice": choice, "metrics": {m: float(values[m][i]) for m in metrics}}

    out: dict[str, Any] = {"scenario": str(path), "objective": objective, "maximize": maximize,
                           "targets": [t.text for t in every], "data_plane_targets": [t.text for t in parsed],
                           "candidates": int(keys.shape[1]),
                           "valid": int(valid.sum()), "meet_targets": int(feasible.sum()),
                           "axes": [{"path": a.label, "values": len(a.values)} for a in axes],
                           **({"by": by, "by_note": f"uncertain metrics at {by} over {samples:,} draws of the uncertain "
                               "numbers (p95: the value met with 95% confidence)"} if by else {})}
    if ranked.size == 0:
        out["best"] = None
        out["closest"] = _closest(parsed, values, valid, point)
        if serving and checked_serving:  # nothing met the SLO-bound rate: the closest one checked
            out["serving_checks"], out["serving_screen"] = checked_serving, screen
            rate_of = lambda c: c.get("max_rate_per_s", c["analytical_max_rate_per_s"])  # noqa: E731
            top = max(checked_serving, key=rate_of)
            found = point(top["index"])
            found["metrics"]["max_rate"] = rate_of(top)
            found["max_rate_basis"] = "simulated" if "max_rate_per_s" in top else "analytical screen"
            found["shortfall"] = max(-t.slack(rate_of(top)) for t in serving)
            out["closest"] = found
        return out
    best = point(int(ranked[0]))
    slacks = {t.text: t.slack(best["metrics"][t.metric]) for t in parsed}
    if serving:
        out["serving_checks"], out["serving_screen"] = checked_serving, screen
        check = next(c for c in checked_serving if c["index"] == int(ranked[0]))
        rate = check["max_rate_per_s"]
        best["metrics"]["max_rate"] = rate  # simulated (mean over seeds): the confirmed number
        best["max_rate_ci90_per_s"] = check["max_rate_ci90_per_s"]
        best["max_rate_analytical_per_s"] = check["analytical_max_rate_per_s"]
        best["validity"] = check["validity"]
        slacks.update({t.text: t.slack(rate) for t in serving})
    if drawn:  # how often the answer is the best of the candidates that meet the targets
        from .robust_optimum import SIZE_OUTPUTS, probability_best
        top = [int(i) for i in ranked[:200]]
        odds = probability_best([drawn[tuple(int(k) for k in keys[:, i])] for i in top], SIZE_OUTPUTS[objective][2])
        best["probability_best"] = float(odds[0])
        best["probability_best_among"] = len(top)
    out["best"] = best
    out["binding"] = min(slacks, key=slacks.get) if slacks else None
    out["slack"] = slacks
    out["runner_up"] = point(int(ranked[1])) if ranked.size > 1 else None
    out["robustness"] = (_robustness(prepared, base, axes, parsed, objective, maximize, keys, ranked, point)
                         if not serving else _serving_robustness(check, serving))
    if pareto:
        out["pareto"] = _pareto(values, feasible, pareto, point)
    out["_candidates"] = {m: values[m][feasible] for m in metrics}  # for plots
    return out


def _serving_filter(path, overrides, axes: list[Axis], keys: np.ndarray, ranked: np.ndarray,
                    serving: list[Target], progress: bool = False) -> tuple[np.ndarray, list[dict[str, Any]], dict[str, int]]:
    """The candidates (best first) whose SLO-bound rate meets every serving target, the checks
    shown, and how many were screened, passed the screen and simulated. Screen, then
    confirm: every candidate's rate from the analytical serving model (vectorized), then the
    simulator (CONFIRM_SEEDS seeds, their mean) on those the screen passes within its validated
    error (SCREEN_MARGIN), best first, a batch at a time, until two are confirmed."""
    from .runner import Point, default_jobs, run

    choices = {int(i): [*overrides, *(f"{a.label}={a.values[int(k)]}" for a, k in zip(axes, keys[:, i]))]
               for i in ranked}
    say = (lambda text: print(f"size: {text}", file=sys.stderr, flush=True)) if progress else (lambda text: None)
    say(f"screening {len(ranked):,} candidates with the analytical serving model (~50 ms each) ...")
    screened = screen_max_rates(path, overrides, [choices[int(i)][len(overrides):] for i in ranked])
    checks: dict[int, dict[str, Any]] = {}
    order = []
    for i, rate in zip((int(i) for i in ranked), screened):
        passes = all(t.met(np.array([rate * (1 + SCREEN_MARGIN)]))[0] for t in serving)
        checks[i] = {"index": i, "choice": choices[i][len(overrides):], "analytical_max_rate_per_s": float(rate),
                     "screen": "pass" if passes else "fail"}
        if passes:
            order.append(i)
    jobs = default_jobs()
    passed = []
    say(f"{len(order):,} pass the screen; simulating the best to confirm (3 seeds each, a few seconds per candidate) ...")
    for start in range(0, min(len(order), SERVING_CHECKS), jobs):
        batch = order[start:start + jobs]
        points = [Point(str(path), choices[i]) for i in batch]
        for i, result in zip(batch, run(points, _search_work, jobs)):
            if "error" in result:
                raise SpecError(result["error"], str(path), None, ("serving",))
            rate = result["max_rate_per_s"]
            ok = all(t.met(np.array([rate]))[0] for t in serving)
            checks[i].update({"max_rate_per_s": rate, "max_rate_ci90_per_s": result["ci90_per_s"],
                              "simulated_max_rates_per_s": result["rates_per_s"], "meets": bool(ok),
                              "validity": result["validity"], "across_model_error": result["across_model_error"]})
            if ok:
                passed.append(i)
        if len(passed) >= 2:
            break
    confirmed = [c for c in checks.values() if "meets" in c]
    # the report lists every simulated check and the best screened ones (not thousands of rows)
    shown = confirmed + sorted((c for c in checks.values() if "meets" not in c),
                               key=lambda c: -c["analytical_max_rate_per_s"])[:max(0, 10 - len(confirmed))]
    summary = {"screened": len(checks), "screen_passed": len(order), "simulated": len(confirmed)}
    return np.array(passed[:2] if passed else [], dtype=np.int64), shown, summary


def _serving_robustness(check: dict[str, Any], serving: list[Target]) -> dict[str, Any]:
    """Whether the best choice's confirmed SLO-bound rate meets the serving targets with the
    interference model's held-out error at its worst end (its simulated rate x the analytical
    model's ratio there: docs/serving.md, The model's own error). The assumed numbers' ranges are
    not checked: each would be an SLO-rate search per candidate."""
    span = check.get("across_model_error")
    if not span or not span["model"]:
        return {"checked": 0, "note": "not checked for serving targets (each check is an SLO-rate search per "
                                      "candidate), and the design runs no GPU kernel whose model error is known"}
    rate = check["max_rate_per_s"]
    worst, best = rate * span["worst"] / span["model"], rate * span["best"] / span["model"]
    fails = [t.text for t in serving if not t.met(np.array([worst]))[0]]
    verdict = "the targets hold at its worst end" if not fails else f"at its worst end it FAILS {', '.join(fails)}"
    return {"checked": 0, "model_error_max_rate_per_s": [worst, best], "model_error_holds": not fails,
            "note": f"max_rate {worst:.3g}-{best:.3g}/s across the interference model's held-out error: {verdict}; "
                    "the assumed numbers' ranges are not checked for serving targets (an SLO-rate search per candidate)"}


SCREEN_MARGIN = 0.15  # the analytical max rate's error at the 90th percentile of validation points (README)
CONFIRM_SEEDS = 3  # simulator seeds per confirmed candidate


def _search_work(pt) -> dict[str, Any]:
    """The simulated SLO-bound rate of one candidate over CONFIRM_SEEDS seeds (a worker's job)."""
    from ..spec.loader import load_scenario
    from ..errors import InfeasibleError
    from ..engines.serving.engine import memory_plan
    from ..engines.serving import analytic
    from ..engines.serving.run import compiled, max_rate
    from ..engines.serving.validity import regime_notes
    from .replications import t90

    try:
        scenario = load_scenario(pt.path, pt.overrides)
        if scenario.serving is None:
            return {"error": "a max_rate target needs a serving: section in the scenario"}
        rates = [max_rate(scenario, 200, seed)["max_rate_per_s"] for seed in range(CONFIRM_SEEDS)]
        plan, params = compiled(scenario)
        notes = regime_notes(scenario, plan, params, memory_plan(scenario, plan, params).batch)
        across = analytic.max_rate_across_error(scenario)
    except InfeasibleError:
        rates, notes, across = [0.0] * CONFIRM_SEEDS, [], None  # the candidate cannot run: it serves nothing
    a = np.array(rates)
    ci = float(t90(len(a) - 1) * a.std(ddof=1) / np.sqrt(len(a))) if len(a) > 1 else 0.0
    return {"max_rate_per_s": float(a.mean()), "ci90_per_s": ci, "rates_per_s": rates, "validity": notes,
            "across_model_error": across}


def _closest(targets: list[Target], values: dict[str, np.ndarray], valid: np.ndarray, point) -> dict[str, Any] | None:
    """When nothing meets every target: the valid point whose worst shortfall is smallest."""
    if not valid.any() or not targets:
        return None
    worst = np.full(valid.size, np.inf)
    idx = np.flatnonzero(valid)
    worst[idx] = -np.inf
    for t in targets:
        worst[idx] = np.maximum(worst[idx], -t.slack(values[t.metric][idx]))
    i = int(idx[np.argmin(worst[idx])])
    found = point(i)
    found["shortfall"] = float(worst[i])
    return found


def _robustness(prepared: PreparedTable, base: Scenario, axes: list[Axis], targets: list[Target], objective: str,
                maximize: bool, keys: np.ndarray, ranked: np.ndarray, point) -> dict[str, Any]:
    chosen = {".".join(str(p) for p in a.path) for a in axes}
    assumptions = [u for u in uncertain_params(base)
                   if not any(u.key == c or u.key.startswith(c + ".") for c in chosen)]
    best = int(ranked[0])
    if keys.shape[1] > ROBUST_CHECK_POINTS:
        return {"checked": 0, "note": f"not checked: {keys.shape[1]:,} candidates is more than "
                                      f"{ROBUST_CHECK_POINTS:,} (two evaluations of all of them per assumption)"}
    robust = np.ones(keys.shape[1], dtype=bool)
    breaks = []
    metrics = sorted(METRICS)
    for u in assumptions:
        for end, number in (("low", u.low), ("high", u.high)):
            _, v = _si(prepared, metrics, {u.key: number})
            ok = np.isfinite(v["fetch_latency"])
            for t in targets:
                ok &= t.met(v[t.metric])
            robust &= ok
            if not ok[best]:
                failing = [t.text for t in targets if not bool(t.met(v[t.metric][best:best + 1])[0])]
                breaks.append({"parameter": u.key, "end": end, "value": u.raw[0 if end == "low" else 1],
                               "fails": failing or ["the point becomes invalid"]})
    result: dict[str, Any] = {"checked": len(assumptions), "breaks": breaks, "holds": not breaks}
    survivors = [int(i) for i in ranked if robust[int(i)]]
    result["robust_choice"] = point(survivors[0]) if survivors else None
    return result


def _pareto(values: dict[str, np.ndarray], feasible: np.ndarray, metrics: list[str], point) -> dict[str, Any]:
    """Non-dominated points of two metrics (each in its better direction) among feasible ones."""
    a, b = metrics
    sign = {m: (1.0 if METRICS[m][3] else -1.0) for m in metrics}
    idx = np.flatnonzero(feasible)
    x, y = values[a][idx] * sign[a], values[b][idx] * sign[b]
    order = np.lexsort((y, x))
    front, best_y = [], np.inf
    for j in order:
        if y[j] < best_y:
            front.append(int(idx[j]))
            best_y = y[j]
    return {"metrics": metrics, "points": [point(i) for i in front]}
