"""Serving answers from the analytical model (queueing.py): the inputs of one scenario, and
`serve`/`max_rate` shaped like the simulator's (run.py), so callers can switch between them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ...spec.base import Param
from ...spec.scenario import Scenario
from ..analytical import bytes_per_token, evaluate
from ..plan import Params, Plan
from ..sim.dataplane import DataPlane
from . import gpu, interference, model_error, queueing
from .capacity import mean_context
from .engine import ServingEngine, _kv, memory_plan
from .run import compiled
from .validity import error_classes, interference_basis, interference_error, regime_notes


def points_of(scenario: Scenario, control: str | None = None) -> queueing.Points:
    """The analytical model's inputs for ``scenario`` (one point)."""
    plan, params = compiled(scenario)
    return inputs(scenario, plan, params, control)


def inputs(scenario: Scenario, plan: Plan | None, params: Params, control: str | None = None) -> queueing.Points:
    return inputs_at(scenario, plan, params, control)[0]


def inputs_at(scenario: Scenario, plan: Plan | None, params: Params, control: str | None = None,
              errors: tuple[dict[str, float], ...] = ({},)) -> list[queueing.Points]:
    """The analytical model's inputs, once for each set of model-error factors in ``errors`` (parameter
    key -> value, over ``params``; {} for the spec's own): everything else is computed once."""
    s = scenario.serving
    prefix, new, out = scenario.request.prefix_tokens.si, s.new_tokens.si, s.output_tokens.si
    kv = float(np.asarray(bytes_per_token(plan, params)["kv"])) if plan is not None else _kv(scenario)
    batch = memory_plan(scenario, plan, params).batch
    context = mean_context(scenario)
    bw = float(params["gpu.memory.peak_bandwidth"]) * float(params["gpu.decode_efficiency"])
    sync = (control or s.control_plane) == "sync" and plan is not None
    prefill = (gpu.prefill_time(params, kv, prefix + new, 0.0) if plan is None
               else gpu.prefill_time(params, kv, new, prefix))
    common = dict(
        batch=batch, output=out, prefill_s=float(np.asarray(prefill)), sync=sync,
        step_overhead_s=float(params["gpu.step_overhead"]),
        step_memory_s=float(gpu.weight_bytes(params)) / bw,
        step_memory_per_seq_s=context * kv / bw,
        step_compute_per_seq_s=2.0 * float(params["model.parameters"]) / float(params["gpu.bf16_dense"]),
        host_contention=float(params.get("host.engine_contention", 0.0)),
        ttft_slo_s=s.ttft_slo.si, tpot_slo_s=s.tpot_slo.si)
    terms = _fetch_terms(scenario, plan, params, kv, batch, context)
    return [queueing.Points(**common, **terms.with_errors({**params, **e})) for e in errors]


# the co-runners' stretch is computed at running batches 1..this (the batch that fits caps it), and
# averaged over the running batch (stretch.stretch_at): it follows attention's grid batch by batch
STRETCH_BATCHES = 256


@dataclass(frozen=True)
class FetchTerms:
    """The data plane as the serving model sees it, with decode's losses and the kernels' stretch per
    GPU kernel class, so the interference model's error factors combine without recomputing."""

    fixed: dict[str, Any]  # latency and service per fetch, DMA and host terms
    busy: dict[str, float]  # GPU kernel class -> its busy seconds per fetch
    loss: dict[int, dict[str, float]]  # running batch (1, the batch that fits) -> class -> sigma x busy
    stretch: dict[str, np.ndarray]  # class -> its growth x busy at running batches 1..STRETCH_BATCHES
    charged: dict[str, np.ndarray] | None = None  # ... the growth decode's loss is charged on (None: stretch)

    def with_errors(self, params: Params) -> dict[str, Any]:
        """Points' fetch fields with the model-error factors in ``params`` (model_error.py): each
        class's stretch x its factor; decode's loss x its factor, charged with the stretch the model
        gives (loss_stretch_s), whatever the stretch drawn."""
        dma = dict(self.fixed, dma_loss_s=self.fixed["dma_loss_s"] * model_error.factors(params, "dma")[0])
        if not self.busy:
            return dma
        errors = {k: model_error.factors(params, k) for k in self.busy}
        chunks = self.fixed["fetch_chunks"]
        model = sum((self.charged or self.stretch).values()) / chunks  # turn waits charged by wait_charge
        drawn = sum(t * errors[k][1] for k, t in self.stretch.items()) / chunks
        return dict(dma, gpu_stretch_s=drawn, loss_stretch_s=model,
                    **{key: sum(errors[k][0] * v for k, v in self.loss[n].items())
                       for key, n in (("loss_one_s", 1), ("loss_full_s", max(self.loss)))})


def _fetch_terms(scenario: Scenario, plan: Plan | None, params: Params, kv: float, batch: int,
                 context: float) -> FetchTerms:
    """The data plane as the serving model sees it: latency and service per fetch, and what each
    fetch costs decode (the co-runner and DMA losses) and the host."""
    if plan is None:
        return FetchTerms(dict(fetch_s=0.0, fetch_service_s=0.0, fetch_chunks=1.0, loss_one_s=0.0, loss_full_s=0.0,
                               dma_loss_s=0.0, gpu_chunk_s=0.0, gpu_stretch_s=np.zeros(STRETCH_BATCHES),
                               host_core_s=0.0), {}, {}, {})
    ev = evaluate(plan, params)
    chunks = float(np.asarray(ev.chunks))
    tokens = int(np.asarray(ev.chunk_tokens))
    dp = DataPlane(plan, params, record=False)
    engine = ServingEngine(plan, params, kv, "fetch", "async", batch, scenario.serving.decode_priority, tokens)
    busy: dict[str, float] = {}
    dma = host = 0.0
    for st in plan.stages:
        per_fetch = sum(_time(dp, st, t) for t in dp.chunks_of(int(scenario.request.prefix_tokens.si)))
        kind = dp._gpu_class(st)
        if kind is not None:
            busy[kind] = busy.get(kind, 0.0) + per_fetch
        if st.executor_kind == "engine" and st.writes == "gpu.memory":
            dma += sum(dp.demand(st, t).engine_bytes for t in dp.chunks_of(int(scenario.request.prefix_tokens.si)))
        if st.executor == "host.cpu":
            host += round(dp.cores.get(st.name, 0)) * per_fetch
    priority = scenario.serving.decode_priority
    loss = {n: {k: interference.sigma(params, engine.profile(n, context), engine.corunners[k], priority) * b
                for k, b in busy.items()} for n in (1, batch)}
    runs = min(batch, STRETCH_BATCHES)  # the co-runners' stretch beside decode at batch 1..runs, then flat
    table = {k: np.zeros(STRETCH_BATCHES) for k in busy}
    charged = {k: np.zeros(STRETCH_BATCHES) for k in busy}
    for n in range(1, runs + 1):
        profile = engine.profile(n, context)
        for k, b in busy.items():
            c = engine.couplings[k]
            g = c.slowdown(profile)
            table[k][n - 1] = g * b
            charged[k][n - 1] = ((1.0 + g) * c.charged(profile, g) - 1.0) * b
    for t in (*table.values(), *charged.values()):
        t[runs:] = t[runs - 1]
    cores = params.get("host.cpu.cores")
    fixed = dict(
        fetch_s=float(np.asarray(ev.latency_s)), fetch_service_s=chunks / float(np.asarray(ev.chunk_rate)),
        fetch_chunks=chunks,
        dma_loss_s=float(params["gpu.interference.dma_factor"]) * dma / float(params["gpu.memory.peak_bandwidth"]),
        gpu_chunk_s=sum(busy.values()) / chunks,
        host_core_s=host / float(cores) if cores else 0.0, fetch_serial=1.0 if dp.slots == 1 else 0.0)
    if not busy:
        fixed.update(loss_one_s=0.0, loss_full_s=0.0, gpu_stretch_s=np.zeros(STRETCH_BATCHES))
    return FetchTerms(fixed, busy, loss, table, charged)


def _time(dp: DataPlane, st, tokens: int) -> float:
    d = dp.demand(st, tokens)
    return d.fixed + d.work


def _capacity_basis(state: queueing.State, i: int, batch: float) -> str:
    if state.fetch_capacity[i] < state.gpu_capacity[i]:
        return "data-plane fetch rate beside decode (analytical serving model)"
    return f"GPU at batch {batch:.0f} with interference (analytical serving model)"


def serve(scenario: Scenario, rate: float | None, control: str | None = None, search: bool = False) -> dict[str, Any]:
    """TTFT/TPOT at ``rate`` (Poisson, steady state) and, with ``search``, the largest rate meeting
    the SLOs, from the analytical model: the same shape as run.serve's answer (with run.max_rate's
    under ``slo``), plus ``model``, ``utilization`` and ``near_saturation``."""
    plan, params = compiled(scenario)
    pt = queueing.Points.stack([inputs(scenario, plan, params, control)])
    memory = memory_plan(scenario, plan, params)
    ttft0, tpot0 = queueing.unloaded(pt)
    s = scenario.serving
    out: dict[str, Any] = {"scenario": scenario.name, "model": "analytical",
                           "control_plane": control or s.control_plane, "rate_per_s": rate,
                           "unloaded_ttft_s": float(ttft0[0]), "unloaded_tpot_s": float(tpot0[0]),
                           "gpu_memory": memory.as_dict(),
                           "validity": regime_notes(scenario, plan, params, memory.batch),
                           "interference_basis": interference_basis(scenario),
                           "interference_error": interference_error(scenario)}
    if rate is not None:
        m = queueing.metrics(pt, np.array([rate]))
        st = m["state"]
        cap = float(min(st.gpu_capacity[0], st.fetch_capacity[0]))
        ready_mean, ready_p99 = queueing.kv_ready(pt, st)
        over = bool(m["overloaded"][0])

        def dist(name: str) -> dict[str, float]:
            return {"mean": float(m[f"{name}_mean_s"][0]), "p50": float(m[f"{name}_p50_s"][0]),
                    "p99": float(m[f"{name}_p99_s"][0])}
        out["loaded"] = {"requests": None, "ttft_s": dist("ttft"), "tpot_s": dist("tpot"),
                         "kv_ready_s": {"mean": float(ready_mean[0]), "p99": float(ready_p99[0])},
                         "throughput_req_per_s": min(rate, cap), "running_batch": float(st.running[0]),
                         "decode_interference_share": float(1 - 1 / st.step_factor[0])}
        reasons = [f"offered {rate:.3g}/s reaches the capacity {cap:.3g}/s ({_capacity_basis(st, 0, pt.batch[0])})"] if over else []
        out["load"] = {"offered_rate_per_s": rate, "served_rate_per_s": min(rate, cap), "capacity_per_s": cap,
                       "capacity_basis": _capacity_basis(st, 0, pt.batch[0]),
                       "offered_share_of_capacity": float(st.utilization[0]), "latency_growth": None,
                       "overloaded": over, "overload_reasons": reasons}
        out["utilization"] = float(st.utilization[0])
        out["near_saturation"] = bool(m["near_saturation"][0])
        out["caveats"] = caveats(pt, st, 0)
        out["meets_slo"] = bool(not over and out["loaded"]["ttft_s"]["p99"] <= s.ttft_slo.si
                                and out["loaded"]["tpot_s"]["p99"] <= s.tpot_slo.si)
    if search:
        out["slo"] = _slo(pt, s)
        spans = max_rate_spans(scenario, control)
        out["slo"]["max_rate_across_model_error"], out["slo"]["max_rate_across_assumptions"] = spans
    return out


def caveats(pt: queueing.Points, st: queueing.State, i: int) -> list[str]:
    """Where the validation found the analytical model off (README, Serving model)."""
    out = []
    if st.utilization[i] >= queueing.NEAR_SATURATION:
        out.append(f"near saturation ({st.utilization[i]:.0%} of capacity): steady-state percentiles; a finite "
                   "simulated run stays below them")
    if pt.sync[i]:
        out.append("sync control plane: the engine stalls while it fetches; TTFT and the SLO-bound rate "
                   "rest on the engine's stalls (the rate 7% off at the median of the validation sample, 26% at "
                   "the 90th percentile)")
    active = st.rate[i] * st.fetch_service_s[i]
    if active > 0 and st.loss_share[i] / active >= 0.8:
        out.append("the data plane's GPU kernels nearly stop decode while a fetch runs: the model spreads that "
                   "over the fetch, the simulator charges it to the next decode step; TPOT and the SLO-bound "
                   "rate part by up to 3x here (the model the more pessimistic)")
    step = queueing.step_time(pt.take(i), 1.0)
    if st.held_s[i] > 10 * step and st.held_share[i] >= 0.6:
        out.append("held work (prefill or a stalled fetch) spans more than 10 decode steps and holds the engine "
                   f"{st.held_share[i]:.0%} of the time: the TPOT median comes out pessimistic (1.8-13x for "
                   "few-token requests on the validation sample); its p99 and the SLO-bound rate hold better")
    return out


def _slo(pt: queueing.Points, s) -> dict[str, Any]:
    top = queueing.max_rate(pt)
    rate = float(top["max_rate_per_s"][0])
    out = {"ttft_slo_s": s.ttft_slo.si, "tpot_slo_s": s.tpot_slo.si, "requests": None,
           "upper_bound_per_s": float(top["capacity_per_s"][0]),
           "upper_bound_basis": f"{top['bound'][0]} (analytical serving model)", "max_rate_per_s": rate,
           "runs": 0, "model": "analytical"}
    if not top["lone_meets"][0]:
        out["note"] = "the SLO is not met even for a lone request"
    return out


SEARCH_TOLERANCE = 0.005  # the rate search's relative resolution (queueing.max_rate's default)


def error_corners(scenario: Scenario) -> dict[str, dict[str, float]] | None:
    """The interference model's own error at its corners, for the kernel classes the design runs
    (gpu.interference.model_error): every decode-loss factor at the low or the high end of its
    range, crossed with every stretch factor at the low or the high end (SI values by parameter key,
    by corner name); None without any band. A larger decode-loss factor only costs the design more;
    a larger stretch need not (spread over a longer active time the same loss slows the worst steps
    less, so a TPOT p99 target can pass at a higher rate), so both ends of each side are taken."""
    if scenario.gpu.interference is None:
        return None
    bands = scenario.gpu.interference.model_error
    ends: dict[tuple[str, str], dict[str, float]] = {}
    for cls in error_classes(scenario):
        for side in ("decode_loss", "stretch"):
            f = getattr(bands[cls], side) if cls in bands else None
            if f is not None and f.range is not None:
                for end, value in zip(("low", "high"), (type(f)._check(v) for v in f.range)):
                    ends.setdefault((side, end), {})[f"{model_error.PREFIX}{cls}.{side}"] = value
    if not ends:
        return None
    return {f"decode_loss {d}, stretch {s}": {**ends.get(("decode_loss", d), {}), **ends.get(("stretch", s), {})}
            for d in ("low", "high") for s in ("low", "high")}


def max_rate_across_error(scenario: Scenario, control: str | None = None) -> dict[str, Any] | None:
    """The largest SLO-meeting rate (analytical) as fitted (``model``) and, across the corners of the
    interference model's own error (error_corners), its lowest (``worst``, at ``worst_at``) and
    highest (``best``, at ``best_at``) (docs/serving.md, The model's own error). One search for all:
    each within its resolution (``tolerance``), so an answer scales its own rate by their ratios to
    ``model``."""
    return max_rate_spans(scenario, control, assumptions=False)[0]


def assumption_ends(scenario: Scenario) -> dict[str, dict[str, float]]:
    """The interference model's assumed numbers that carry a range (gpu.interference: the stretches
    beside attention's grids, the charge for turn waits), each at an end of its range other than its
    value, the others as given: 'name=end' -> {parameter key: SI value}. None set on the command line
    (--set, an --uncertainty draw): a number the run fixes is not an assumption it rests on."""
    spec = scenario.gpu.interference
    if spec is None:
        return {}
    out: dict[str, dict[str, float]] = {}
    for name, v in vars(spec).items():
        if not (isinstance(v, Param) and v.kind == "assumed" and v.range is not None) or v.source.startswith("--set "):
            continue
        for raw in v.range:
            end = type(v)._check(raw)
            if end != v.si:
                out[f"{name}={raw}"] = {f"gpu.interference.{name}": end}
    return out


def max_rate_spans(scenario: Scenario, control: str | None = None,
                   assumptions: bool = True) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """max_rate_across_error's answer and the same across the interference assumptions, from one vectorized
    search: the largest SLO-meeting rate as given (``model``) and with each assumption at each end of its range,
    one at a time (``at``: 'name=end' -> rate; assumption_ends; an assumption is the GPU's, so a comparison
    moves every design to the same end). The error corners only scale the fetch terms (computed once); each
    assumption's end recomputes them."""
    corners = error_corners(scenario) or {}
    ends = assumption_ends(scenario) if assumptions else {}
    if not corners and not ends:
        return None, None
    plan, params = compiled(scenario)
    pts = inputs_at(scenario, plan, params, control, ({}, *corners.values()))
    pts += [inputs_at(scenario, plan, {**params, **patch}, control)[0] for patch in ends.values()]
    rates = [float(r) for r in queueing.max_rate(queueing.Points.stack(pts), tolerance=SEARCH_TOLERANCE)["max_rate_per_s"]]
    across_error = across_assumptions = None
    if corners:
        at = dict(zip(corners, rates[1:1 + len(corners)]))
        worst, best = min(at, key=at.get), max(at, key=at.get)
        across_error = {"tolerance": SEARCH_TOLERANCE, "model": rates[0], "worst": at[worst], "worst_at": worst,
                        "best": at[best], "best_at": best}
    if ends:
        across_assumptions = {"tolerance": SEARCH_TOLERANCE, "model": rates[0],
                              "at": dict(zip(ends, rates[1 + len(corners):]))}
    return across_error, across_assumptions


def max_rate(scenario: Scenario, control: str | None = None) -> dict[str, Any]:
    """The largest Poisson rate meeting the SLOs without overload (analytical; run.max_rate's shape)."""
    return _slo(queueing.Points.stack([points_of(scenario, control)]), scenario.serving)
