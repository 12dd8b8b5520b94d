"""Request-level simulation of continuous batching on one GPU, sharing the data plane's event loop.

Each request has a cached prefix of L tokens, `new_tokens` prompt tokens and `output_tokens`
to generate. Fetch designs hand the prefix to the data plane (the same simulator as
`nicmodel simulate`); recompute prefills it. The engine runs one iteration at a time:
- a prefill iteration for requests whose KV is ready (one-token prefill after a fetch, counted
  in TTFT), which emits each one's first token;
- otherwise a decode iteration for the running batch, one token each.
Async control plane: fetches start at arrival and run beside the batch; sync: the engine stalls
while it fetches each admitted request. Decode steps are stretched by the data-plane GPU
kernels, DMA writes and host-core use measured over the previous step (serving.gpu); data-plane
GPU kernels are stretched while decode runs.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..analytical import bytes_per_token, evaluate
from ..plan import Params, Plan
from ..sim.dataplane import DataPlane
from ..sim.events import EventQueue
from ..sim.layout import PRIORITY_TASK
from . import gpu, interference
from .capacity import GpuMemoryPlan, gpu_memory_plan


@dataclass(slots=True)  # one per simulated request: no per-object dict
class ServeRequest:
    arrival_s: float
    prefix_tokens: int
    new_tokens: int
    output_tokens: int
    # filled by the simulation (cycles)
    ready: int = -1  # KV in GPU memory (or immediately, for recompute)
    first_token: int = -1
    finish: int = -1
    generated: int = 0


@dataclass
class ServeRun:
    clock_hz: float
    requests: list[ServeRequest]
    decode_steps: int = 0
    decode_time: float = 0.0  # cycles
    decode_slowdown_time: float = 0.0  # cycles added by interference
    events: int = 0
    end: int = 0
    extras: dict[str, Any] = field(default_factory=dict)


class ServingEngine:
    """One GPU, continuous batching, fetches through a DataPlane (or recompute)."""

    def __init__(self, plan: Plan | None, params: Params, kv_per_token: float, mode: str, control: str,
                 max_batch: int, priority: str = "equal", chunk_tokens: int | None = None):
        self.p = params
        self.kv = kv_per_token
        self.mode = mode
        self.control = control
        self.max_batch = max_batch
        self.data_plane = None
        if mode == "fetch":
            self.data_plane = DataPlane(plan, params, record=False)
        self.priority = priority
        self.corunners = self._corunners(chunk_tokens) if self.data_plane else {}
        shapes = interference.decode_shapes(params)
        self.couplings = {kind: interference.couple(params, c, priority, shapes) for kind, c in self.corunners.items()}
        self.class_couplings = ([(kind, self.couplings[kind]) for kind in self.data_plane.gpu_classes()]
                                if self.data_plane else [])
        self.clock_hz = self.data_plane.clock_hz if self.data_plane else 1e9

    def cycles(self, seconds: float) -> int:
        return max(1, math.ceil(seconds * self.clock_hz))

    def _corunners(self, chunk_tokens: int | None) -> dict[str, interference.CoRunner]:
        """One launch of each GPU kernel the data plane runs, on a full chunk: its launch shape
        (the GPU spec), its time alone (the stage's demand) and its HBM traffic."""
        dp, p = self.data_plane, self.p
        tokens = dp.chunk_tokens or chunk_tokens or 1
        channels = 2 * float(p["model.layers"]) * float(p["model.kv_heads"]) * float(p["model.head_dim"])
        out: dict[str, interference.CoRunner] = {}
        for st in dp.plan.stages:
            kind = dp._gpu_class(st)
            if kind is None or kind in out:
                continue
            d = dp.demand(st, tokens)
            output = dp.sizes(tokens)[st.output] if st.output else 0.0
            out[kind] = interference.kernel_launch(p, kind, channels, output, d.fixed + d.work)
        return out

    def profile(self, batch: int, context: float) -> interference.DecodeProfile:
        """The decode step at this batch and mean context, as its kernels."""
        p = self.p
        step = float(gpu.decode_step_time(p, self.kv, batch, context)) - float(p["gpu.step_overhead"])
        return interference.decode_profile(p, step, float(gpu.weight_bytes(p)), batch * context * self.kv)

    def run(self, requests: list[ServeRequest]) -> ServeRun:
        from ..sim.dataplane import check_span
        check_span(max((r.arrival_s for r in requests), default=0.0) * 2, self.clock_hz)
        out = ServeRun(self.clock_hz, requests)
        if self.data_plane is None:
            sim, fetch = EventQueue(), None
        else:
            sim, fetch = self.data_plane.serving_loop([r.prefix_tokens for r in requests])
        state = _State(self, sim, fetch, out)
        for i, r in enumerate(requests):
            sim.at(self.cycles(r.arrival_s) if r.arrival_s > 0 else 0, PRIORITY_TASK, state.arrive, i)
        sim.run()
        out.events = sim.events
        out.end = max((r.finish for r in requests), default=0)
        return out


class _State:
    def __init__(self, engine: ServingEngine, sim, fetch, out: ServeRun):
        self.e, self.sim, self.fetch, self.out = engine, sim, fetch, out
        self.waiting: deque[int] = deque()  # sync: admitted in order, fetched one at a time
        self.ready: deque[int] = deque()  # KV in GPU memory, waiting for prefill
        self.running: list[int] = []
        self.busy = False  # an iteration (or a sync fetch) is under way
        self.last_step = 0
        self.last_gpu: dict[str, int] = {}
        self.last_host = 0
        self.last_dma = 0.0
        if fetch is not None:  # data-plane GPU kernels slow down while decode runs (set at each step)
            fetch.corunner_slowdown = {kind: 0.0 for kind in engine.data_plane.gpu_classes()}

    # --- arrivals and fetches -------------------------------------------------------------
    def arrive(self, i: int) -> None:
        r = self.out.requests[i]
        if self.e.mode == "recompute":
            r.ready = self.sim.now
            self.ready.append(i)
        elif self.e.control == "async":
            self.fetch.submit(r.prefix_tokens, lambda i=i: self._fetched(i))
        else:
            self.waiting.append(i)
        self._kick()

    def _fetched(self, i: int) -> None:
        self.out.requests[i].ready = self.sim.now
        self.ready.append(i)
        if self.e.control == "sync":
            self.busy = False  # the stalled engine resumes
        self._kick()

    # --- iterations ------------------------------------------------------------------------
    def _kick(self) -> None:
        if not self.busy:
            self.busy = True
            self.sim.at(self.sim.now, PRIORITY_TASK + 1, self._iterate)

    def _iterate(self) -> None:
        p, e = self.e.p, self.e
        room = e.max_batch - len(self.running)
        if self.ready and room > 0:
            batch = [self.ready.popleft() for _ in range(min(room, len(self.ready)))]
            seconds = 0.0
            for i in batch:
                r = self.out.requests[i]
                tokens, before = ((r.prefix_tokens + r.new_tokens, 0) if e.mode == "recompute"
                                  else (r.new_tokens, r.prefix_tokens))
                seconds += float(gpu.prefill_time(p, e.kv, tokens, before))
            self.sim.at(self.sim.now + e.cycles(seconds), PRIORITY_TASK, self._prefilled, batch)
            return
        if self.e.control == "sync" and self.waiting and room > len(self.ready):
            i = self.waiting.popleft()  # stall the engine while this request's KV is fetched
            self.fetch.submit(self.out.requests[i].prefix_tokens, lambda i=i: self._fetched(i))
            return
        if self.running:
            self._decode()
            return
        self.busy = False

    def _prefilled(self, batch: list[int]) -> None:
        for i in batch:
            r = self.out.requests[i]
            r.first_token = self.sim.now
            r.generated = 1
            if r.generated >= r.output_tokens:
                r.finish = self.sim.now
            else:
                self.running.append(i)
        self._running_changed()
        self._iterate()

    def _decode(self) -> None:
        p, e = self.e.p, self.e
        reqs = [self.out.requests[i] for i in self.running]
        # integers summed exactly, then divided: the same float as their numpy mean
        context = sum(r.prefix_tokens + r.new_tokens + r.generated for r in reqs) / len(reqs)
        base = float(gpu.decode_step_time(p, e.kv, len(reqs), context))
        window = max(self.sim.now - self.last_step, 1)  # since the previous step began
        self.last_step = self.sim.now
        profile = e.profile(len(reqs), context) if self.fetch is not None else None
        slowdown = self._decode_slowdown(window, profile)
        if self.fetch is not None:
            self.fetch.corunner_slowdown = {kind: c.slowdown(profile) for kind, c in e.class_couplings}
        host = gpu.host_step_slowdown(p, self._host_share(window)) * float(p["gpu.step_overhead"])
        seconds = base * (1.0 + slowdown) + host
        self.out.decode_steps += 1
        self.out.decode_time += seconds
        self.out.decode_slowdown_time += seconds - base
        self.sim.at(self.sim.now + e.cycles(seconds), PRIORITY_TASK, self._decoded)

    def _decoded(self) -> None:
        still = []
        for i in self.running:
            r = self.out.requests[i]
            r.generated += 1
            if r.generated >= r.output_tokens:
                r.finish = self.sim.now
            else:
                still.append(i)
        self.running = still
        self._running_changed()
        self._iterate()

    # --- interference --------------------------------------------------------------------------
    def _decode_slowdown(self, window: int, profile: interference.DecodeProfile | None) -> float:
        """From the data plane's GPU kernels (each busy for a share of the last window) and DMA
        writes during the last window (interference.py)."""
        if self.fetch is None:
            return 0.0
        p, e = self.e.p, self.e
        losses = [e.couplings[kind].sigma(profile) * min(1.0, (busy - self.last_gpu.get(kind, 0)) / window)
                  for kind, busy in self.fetch.gpu_busy.items()]
        dma_rate = (self.fetch.dma_bytes - self.last_dma) / (window / self.e.clock_hz)
        losses.append(interference.dma_sigma(p, dma_rate))
        self.last_gpu = dict(self.fetch.gpu_busy)
        self.last_dma = self.fetch.dma_bytes
        return interference.decode_ratio(losses) - 1.0

    def _host_share(self, window: int) -> float:
        """Share of host cores the data plane kept busy during the last window."""
        cores = self.e.p.get("host.cpu.cores")
        if self.fetch is None or not cores:
            return 0.0
        used = (self.fetch.host_busy - self.last_host) / window
        self.last_host = self.fetch.host_busy
        return min(1.0, used / float(cores))

    def _running_changed(self) -> None:
        if self.fetch is not None:
            self.fetch.decode_running = bool(self.running)


def memory_plan(scenario, plan: Plan | None, params: Params,
                requests: list[ServeRequest] | None = None) -> GpuMemoryPlan:
    """GPU memory of the server: weights, staging of the data plane, KV of the batch that fits.
    The longest request (prefix + prompt + output) sizes the KV per request."""
    kv = float(np.asarray(bytes_per_token(plan, params)["kv"])) if plan is not None else _kv(scenario)
    staging = float(np.asarray(evaluate(plan, params).footprint.get("gpu.memory", 0.0))) if plan is not None else 0.0
    s = scenario.serving
    if requests:
        tokens = max(r.prefix_tokens + r.new_tokens + r.output_tokens for r in requests)
    else:
        tokens = int(scenario.request.prefix_tokens.si + s.new_tokens.si + s.output_tokens.si)
    return gpu_memory_plan(scenario, kv, staging, tokens)


def serve_requests(scenario, plan: Plan | None, params: Params, requests: list[ServeRequest],
                   control: str | None = None) -> ServeRun:
    """Simulate ``requests`` on the scenario's server, with at most the batch that fits GPU memory
    (raises InfeasibleError when not even one request fits)."""
    s = scenario.serving
    kv = float(np.asarray(bytes_per_token(plan, params)["kv"])) if plan is not None else _kv(scenario)
    batch = memory_plan(scenario, plan, params, requests).batch
    engine = ServingEngine(plan, params, kv, scenario.design.mode, control or s.control_plane, batch,
                           s.decode_priority, int(scenario.request.prefix_tokens.si))
    return engine.run(requests)


def _kv(scenario) -> float:
    m = scenario.model
    from ...spec.workload import DTYPE_BYTES

    return 2 * m.layers.si * m.kv_heads.si * m.head_dim.si * DTYPE_BYTES[m.dtype]

