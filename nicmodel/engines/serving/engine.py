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

from ..analytical import bytes_per_token
from ..plan import Params, Plan
from ..sim.dataplane import DataPlane
from ..sim.events import EventQueue
from ..sim.layout import PRIORITY_TASK
from . import gpu, interference, launches, model_error
from .capacity import _kv, memory_plan


class Requests:
    """The requests of a serving run as arrays, one entry each (about 64 bytes a request, so a
    million fit in 64 MB): what each asks for, and what the simulation fills in (cycles; -1 until
    it happens)."""

    def __init__(self, arrival_s, prefix_tokens, new_tokens, output_tokens):
        self.arrival_s = np.asarray(arrival_s, dtype=np.float64).reshape(-1)
        n = self.arrival_s.shape[0]
        self.prefix_tokens, self.new_tokens, self.output_tokens = (
            np.broadcast_to(np.asarray(x, dtype=np.int64), (n,)).copy() for x in (prefix_tokens, new_tokens, output_tokens))
        self.ready = np.full(n, -1, dtype=np.int64)  # KV in GPU memory (or at arrival, for recompute)
        self.first_token = np.full(n, -1, dtype=np.int64)
        self.finish = np.full(n, -1, dtype=np.int64)
        self.generated = np.zeros(n, dtype=np.int64)

    def __len__(self) -> int:
        return self.arrival_s.shape[0]

    def tokens(self, i: int) -> tuple[int, int, int]:
        """(prefix, new, output) tokens of request ``i``, as Python ints."""
        return int(self.prefix_tokens[i]), int(self.new_tokens[i]), int(self.output_tokens[i])


@dataclass
class ServeRun:
    clock_hz: float
    requests: Requests
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
        self.errors = {kind: model_error.factors(params, kind) for kind in self.corunners}
        self.dma_error = model_error.factors(params, "dma")[0]  # on decode's loss to DMA writes into HBM
        self.clock_hz = self.data_plane.clock_hz if self.data_plane else 1e9

    def cycles(self, seconds: float) -> int:
        return max(1, math.ceil(seconds * self.clock_hz))

    def _corunners(self, chunk_tokens: int | None) -> dict[str, interference.CoRunner]:
        """One launch of each GPU kernel the data plane runs, on a full chunk: its launch shape
        (the GPU spec), its time alone (the stage's demand) and its HBM traffic."""
        dp, p = self.data_plane, self.p
        tokens = dp.chunk_tokens or chunk_tokens or 1
        channels = launches.kv_channels(p)
        out: dict[str, interference.CoRunner] = {}
        for st in dp.plan.stages:
            kind = dp._gpu_class(st)
            if kind is None or kind in out:
                continue
            d = dp.demand(st, tokens)
            output = dp.sizes(tokens)[st.output] if st.output else 0.0
            out[kind] = launches.kernel_launch(p, kind, channels, output, d.fixed + d.work)
        return out

    def profile(self, batch: int, context: float, times: tuple | None = None) -> interference.DecodeProfile:
        """The decode step at this batch and mean context, as its kernels (``times``: its memory
        times, gpu.decode_memory_times, where the caller has them)."""
        return interference.step_profile(self.p, self.kv, batch, context, times)

    def run(self, requests: Requests) -> ServeRun:
        from ..sim.dataplane import check_span
        check_span(float(requests.arrival_s.max(initial=0.0)) * 2, self.clock_hz)
        out = ServeRun(self.clock_hz, requests)
        if self.data_plane is None:
            sim, fetch = EventQueue(), None
        else:
            sim, fetch = self.data_plane.serving_loop(requests.prefix_tokens)
        state = _State(self, sim, fetch, out)
        # cycles as self.cycles computes them, for every arrival at once (0 for t <= 0)
        times = np.where(requests.arrival_s > 0, np.maximum(1, np.ceil(requests.arrival_s * self.clock_hz)), 0)
        sim.arrivals(times.astype(np.int64), PRIORITY_TASK, state.arrive)
        sim.run()
        out.events = sim.events
        out.end = int(requests.finish.max(initial=0))
        return out


class _State:
    def __init__(self, engine: ServingEngine, sim, fetch, out: ServeRun):
        self.e, self.sim, self.fetch, self.out = engine, sim, fetch, out
        self.req = out.requests
        self.waiting: deque[int] = deque()  # sync: admitted in order, fetched one at a time
        self.ready: deque[int] = deque()  # KV in GPU memory, waiting for prefill
        self.running: list[int] = []
        self.context = 0  # tokens of context summed over the running requests (exact integer)
        self.busy = False  # an iteration (or a sync fetch) is under way
        self.last_step = 0
        self.last_gpu: dict[str, int] = {}
        self.last_host = 0
        self.last_dma = 0.0
        if fetch is not None:  # data-plane GPU kernels slow down while decode runs (set at each step)
            fetch.corunner_slowdown = {kind: 0.0 for kind in engine.data_plane.gpu_classes()}

    # --- arrivals and fetches -------------------------------------------------------------
    def arrive(self, i: int) -> None:
        if self.e.mode == "recompute":
            self.req.ready[i] = self.sim.now
            self.ready.append(i)
        elif self.e.control == "async":
            self.fetch.submit(int(self.req.prefix_tokens[i]), lambda i=i: self._fetched(i))
        else:
            self.waiting.append(i)
        self._kick()

    def _fetched(self, i: int) -> None:
        self.req.ready[i] = self.sim.now
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
                prefix, new, _ = self.req.tokens(i)
                tokens, before = (prefix + new, 0) if e.mode == "recompute" else (new, prefix)
                seconds += float(gpu.prefill_time(p, e.kv, tokens, before))
            self.sim.at(self.sim.now + e.cycles(seconds), PRIORITY_TASK, self._prefilled, batch)
            return
        if self.e.control == "sync" and self.waiting and room > len(self.ready):
            i = self.waiting.popleft()  # stall the engine while this request's KV is fetched
            self.fetch.submit(int(self.req.prefix_tokens[i]), lambda i=i: self._fetched(i))
            return
        if self.running:
            self._decode()
            return
        self.busy = False

    def _prefilled(self, batch: list[int]) -> None:
        req = self.req
        for i in batch:
            prefix, new, output = req.tokens(i)
            req.first_token[i] = self.sim.now
            req.generated[i] = 1
            if output <= 1:
                req.finish[i] = self.sim.now
            else:
                self.running.append(i)
                self.context += prefix + new + 1
        self._running_changed()
        self._iterate()

    def _decode(self) -> None:
        p, e = self.e.p, self.e
        n = len(self.running)
        # integers summed exactly, then divided: the same float as their numpy mean
        context = self.context / n
        times = gpu.decode_memory_times(p, e.kv, n, context)
        base = float(gpu.decode_step_from(p, n, *times))
        window = max(self.sim.now - self.last_step, 1)  # since the previous step began
        self.last_step = self.sim.now
        profile = e.profile(n, context, times) if self.fetch is not None else None
        slowdown = self._decode_slowdown(window, profile)
        if self.fetch is not None:
            self.fetch.corunner_slowdown = {kind: model_error.corrected(e.errors[kind], 0.0, c.slowdown(profile))[1]
                                            for kind, c in e.class_couplings}
        host = gpu.host_step_slowdown(p, self._host_share(window)) * float(p["gpu.step_overhead"])
        seconds = base * (1.0 + slowdown) + host
        self.out.decode_steps += 1
        self.out.decode_time += seconds
        self.out.decode_slowdown_time += seconds - base
        self.sim.at(self.sim.now + e.cycles(seconds), PRIORITY_TASK, self._decoded)

    def _decoded(self) -> None:
        req, still = self.req, []
        self.context += len(self.running)  # one more token of context each
        for i in self.running:
            generated = int(req.generated[i]) + 1
            req.generated[i] = generated
            if generated >= req.output_tokens[i]:
                req.finish[i] = self.sim.now
                self.context -= int(req.prefix_tokens[i] + req.new_tokens[i]) + generated
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
        p = self.e.p
        losses = [self._sigma(kind, profile) * min(1.0, (busy - self.last_gpu.get(kind, 0)) / window)
                  for kind, busy in self.fetch.gpu_busy.items()]
        dma_rate = (self.fetch.dma_bytes - self.last_dma) / (window / self.e.clock_hz)
        losses.append(interference.dma_sigma(p, dma_rate) * self.e.dma_error)
        self.last_gpu = dict(self.fetch.gpu_busy)
        self.last_dma = self.fetch.dma_bytes
        return interference.decode_ratio(losses) - 1.0

    def _sigma(self, kind: str, profile: interference.DecodeProfile | None) -> float:
        """Decode's loss per busy second of this kernel class, with the model's error drawn
        (model_error.py; as the model predicts at the nominal 1)."""
        c, factor = self.e.couplings[kind], self.e.errors[kind]
        growth = c.slowdown(profile) if factor != (1.0, 1.0) or c.wait_charge < 1.0 else 0.0
        charged = c.charged(profile, growth)  # its busy time counts the stretch, turn waits charged by wait_charge
        if factor == (1.0, 1.0):
            return c.sigma(profile) * charged
        return model_error.corrected(factor, c.sigma(profile), growth)[0] * charged

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


def serve_requests(scenario, plan: Plan | None, params: Params, requests: Requests,
                   control: str | None = None) -> ServeRun:
    """Simulate ``requests`` on the scenario's server, with at most the batch that fits GPU memory
    (raises InfeasibleError when not even one request fits)."""
    s = scenario.serving
    kv = float(np.asarray(bytes_per_token(plan, params)["kv"])) if plan is not None else _kv(scenario)
    batch = memory_plan(scenario, plan, params, requests).batch
    engine = ServingEngine(plan, params, kv, scenario.design.mode, control or s.control_plane, batch,
                           s.decode_priority, int(scenario.request.prefix_tokens.si))
    return engine.run(requests)
