"""Chunk-by-chunk simulation of a data-plane Plan (the same Plan the analytical model uses).

A request arrives, waits one network RTT, and its chunks queue for a buffer slot (FIFO over
requests, or round-robin between them). Each request is one transport connection: its chunks'
network transfers are served in order, and the network is shared fairly between requests. A chunk holding a slot runs the stage DAG: each stage
waits for its executor (FIFO), then its executor phase and its byte flows through shared
resources run concurrently; the stage ends when all have ended. The executor is released at
the end of its own phase. The slot, and every buffer the chunk wrote, is freed when the
chunk's last stage ends. Naive designs are one chunk per request and one slot.

Per-stage demands come from ``engine.analytical`` (same formulas), so analytical and
simulated results differ only by what the simulator adds: contention in time, queueing, fill
and drain, partial last chunks, and buffer blocking.
"""

from __future__ import annotations

import importlib.util
import math
import os
import sys
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any, Callable, Literal

import numpy as np

from ...errors import InfeasibleError
from ..analytical import Demand, capacities, StageCosts, bytes_per_token, chunk_sizes, evaluate, problems
from ..plan import Params, Plan, StagePlan, request_window, round_trips, thread_resource
from .kernel import (
    PRIORITY_GRANT,
    PRIORITY_SAMPLE,
    PRIORITY_TASK,
    Servers,
    SharedBandwidth,
    Simulator,
    WindowedBandwidth,
)

Policy = Literal["fifo", "round-robin"]
KERNELS = ("auto", "compiled", "reference")
# "auto" runs the compiled loop once it is loaded in this process, or for a run of at least this
# many (chunk, stage) operations: loading it costs about 0.7 s once, the reference about 8 us
# per operation (see README, Benchmarks). Both give the same numbers, so this is only speed.
AUTO_COMPILED_OPS = 100_000


def kernel_choice(kernel: str | None) -> str:
    """Which event loop runs: ``kernel``, else $NICMODEL_SIM_KERNEL, else ``auto``; the reference
    when numba is missing."""
    choice = kernel or os.environ.get("NICMODEL_SIM_KERNEL") or "auto"
    if choice not in KERNELS:
        raise ValueError(f"unknown simulator kernel {choice!r}; expected one of {', '.join(KERNELS)}")
    if choice != "reference" and importlib.util.find_spec("numba") is None:
        return "reference"
    return choice


@dataclass(frozen=True)
class RequestSpec:
    """One request: when it arrives (seconds) and how many prefix tokens it fetches."""

    arrival_s: float
    prefix_tokens: int


@dataclass
class StageRecord:
    request: int
    chunk: int
    stage: str
    resource: str
    ready: int
    start: int
    exec_end: int
    end: int


@dataclass
class SimRun:
    """Everything a run produced, in cycles; ``report`` turns it into seconds and statistics."""

    clock_hz: float
    plan: Plan
    requests: list[RequestSpec]
    arrival: list[int]
    finish: list[int]
    chunk_done: list[tuple[int, int, float, float]]  # (time, request, network bytes, kv bytes)
    records: list[StageRecord]
    executors: dict[str, Servers]
    shared: dict[str, SharedBandwidth]
    engine_bandwidth: dict[str, SharedBandwidth]
    memory_peak: dict[str, float]
    memory_area: dict[str, float]  # byte-cycles, for the time average
    slots: int = 1
    slot_area: int = 0  # occupied slot-cycles
    samples: list[tuple[int, dict[str, float]]] = field(default_factory=list)  # (time, busy so far)
    memory_samples: list[tuple[int, dict[str, float]]] = field(default_factory=list)  # (time, bytes held)
    events: int = 0
    end: int = 0


class DataPlane:
    """Builds resources for a Plan and runs requests through it."""

    def __init__(self, plan: Plan, params: Params, record: bool = True, sample_every_s: float | None = None,
                 kernel: str | None = None):
        self.plan = plan
        self.kernel = kernel_choice(kernel)
        self.p = params
        self.record = record
        self.sample_every_s = sample_every_s
        ev = evaluate(plan, params)
        self.cores = {name: float(np.asarray(n)) for name, n in ev.cores.items()}
        found = problems(ev)
        if found:  # too few cores, or the buffer slots do not fit the memory they live in
            raise InfeasibleError("; ".join(found))
        pools = dict(plan.pools)
        clock_path = pools.get("nic.arm") or next(iter(pools.values()), None)
        self.clock_hz = float(params[f"{clock_path}.clock"]) if clock_path else 1e9
        self.per_token = {k: float(v) for k, v in bytes_per_token(plan, params).items()}
        self.caps = {k: float(v) for k, v in capacities(plan, params).items()}
        self._demand_cache: dict[tuple[str, int], Demand] = {}
        self.preds = {s.name: plan.predecessors(s.name) for s in plan.stages}
        self.succs: dict[str, list[str]] = {s.name: [] for s in plan.stages}
        for u, v in plan.edges:
            self.succs[u].append(v)
        self.sources = [s.name for s in plan.stages if not self.preds[s.name]]
        self.sinks = set(plan.sinks)
        network = [s for s in plan.stages if s.reads == "network"]
        self.net_form = network[0].input if network else None  # the form a chunk crosses the network in
        chunk = float(params["design.chunk_tokens"])
        self.naive = math.isinf(chunk)
        self.chunk_tokens = None if self.naive else int(chunk)
        self.slots = 1 if self.naive else int(params["design.buffers_in_flight"])
        self.interference_class: dict[str, str] = {}  # stage kind -> class, set by the serving model
        # per-chunk GETs: each network stage waits for a window slot of its request's connection,
        # then a round trip plus the store's service time before its bytes flow
        self.transport = plan.transport
        self.request_window = int(request_window(plan, params)) if plan.transport else 0
        self.request_cycles = (self.cycles(float(round_trips(plan, params))
                                           * (self._rtt_s() + float(params["network.transport.per_request"])))
                               if plan.transport else 0)
        # a thread runs its stages for one chunk at a time: taken at its first, given back after its last
        self.thread_of = {m: t for t, members in plan.threads for m in members}
        self.thread_first = {members[0] for _, members in plan.threads}
        self.thread_last = {members[-1] for _, members in plan.threads}
        self._sizes: dict[int, dict[str, float]] = {}

    def sizes(self, tokens: int) -> dict[str, float]:
        """Bytes of a chunk of ``tokens`` tokens in each form."""
        size = self._sizes.get(tokens)
        if size is None:
            raw = chunk_sizes(self.plan, self.p, self.per_token, tokens)
            size = self._sizes[tokens] = {k: float(np.asarray(v)) for k, v in raw.items()}
        return size

    def cycles(self, seconds: float) -> int:
        return max(0, math.ceil(seconds * self.clock_hz - 1e-9))

    def demand(self, st: StagePlan, tokens: int) -> Demand:
        key = (st.name, tokens)
        if key not in self._demand_cache:
            costs = StageCosts(self.plan, self.p, self.sizes(tokens))
            d = costs.demand(st, self.cores.get(st.name, 1.0))
            self._demand_cache[key] = Demand(
                float(np.asarray(d.fixed)), float(np.asarray(d.work)), float(np.asarray(d.servers)),
                float(np.asarray(d.engine_bytes)), {k: float(np.asarray(v)) for k, v in d.flows.items()},
            )
        return self._demand_cache[key]

    def chunks_of(self, tokens: int) -> list[int]:
        if self.naive or tokens <= self.chunk_tokens:
            return [tokens]
        full, last = divmod(tokens, self.chunk_tokens)
        return [self.chunk_tokens] * full + ([last] if last else [])

    def step(self, st: StagePlan, tokens: int, res: "_Resources") -> "_Step":
        """Everything the event loop needs to run stage ``st`` on a chunk of ``tokens``."""
        d = self.demand(st, tokens)
        engine = res.engine_bw.get(st.resource_name) if st.executor_kind == "engine" else None
        memory = st.writes if st.writes in res.held and st.name not in self.sinks else None
        return _Step(
            st.name, st.resource_name, res.stage_exec[st.name],
            tuple((res.shared[r], b) for r, b in d.flows.items() if b > 0),
            self.cycles(d.fixed + d.work), engine, d.engine_bytes, memory,
            self.sizes(tokens)[st.output] if st.output else 0.0,
            tuple(self.succs[st.name]), st.name in self.sinks,
            gpu_class=self._gpu_class(st),
            host_cores=int(round(self.cores.get(st.name, 0))) if st.executor == "host.cpu" else 0,
            dma_to_gpu=st.executor_kind == "engine" and st.writes == "gpu.memory",
            request_delay=self.request_cycles if st.reads == "network" else 0,
            thread=res.threads[self.thread_of[st.name]] if st.name in self.thread_of else None,
            thread_first=st.name in self.thread_first,
            thread_last=st.name in self.thread_last,
        )

    def _gpu_class(self, st: StagePlan) -> str | None:
        if st.executor_kind != "gpu_compute":
            return None
        key = f"gpu.kernels.{st.kind}.output_rate"
        if key in self.p:  # a data-plane kernel with a declared class
            return self.interference_class.get(st.kind, "memory_bound")
        return "memory_bound"  # copies such as the scatter into paged KV

    def _rtt_s(self) -> float:
        rtt_s = float(self.p["network.rtt"])
        path = self.plan.network_path
        if path is not None:  # the request crosses the fabric first
            rtt_s += path.request_first_byte_s
            if not path.windows:  # multi-hop routing: a fluid link, so add the data leg's wait too
                rtt_s += path.data_first_byte_s
        return rtt_s

    def rtt_cycles(self) -> int:
        """Arrival to the start of the chunk pipeline: the network RTT (plus fabric circuit waits)
        when the request is one stream; zero with per-chunk requests, whose fetch stages pay the
        round trip themselves."""
        return 0 if self.transport else self.cycles(self._rtt_s())

    def gpu_classes(self) -> list[str]:
        """Interference classes of the data-plane stages that run on the GPU."""
        return list(dict.fromkeys(c for c in map(self._gpu_class, self.plan.stages) if c is not None))

    def attach(self, sim: Simulator, policy: Policy = "fifo") -> "_Run":
        """A fetch service on an existing event loop (for the serving model): requests come in
        through ``submit``."""
        return _Run(self, sim, _Resources(self, sim), [], policy)

    def kernel_for(self, prefixes: list[int]) -> str:
        """The event loop that runs fetches of these prefix sizes (resolves ``auto``)."""
        if self.kernel != "auto":
            return self.kernel
        if "nicmodel.engines.sim.fastloop" in sys.modules:
            return "compiled"
        ops = sum(len(self.chunks_of(t)) * n for t, n in Counter(prefixes).items()) * len(self.plan.stages)
        return "compiled" if ops >= AUTO_COMPILED_OPS else "reference"

    def serving_loop(self, prefixes: list[int]) -> tuple[Any, Any]:
        """An event loop and the fetch service on it, for a serving model that will submit
        fetches of these prefix sizes (compiled or reference, per ``kernel``)."""
        if self.kernel_for(prefixes) == "compiled":
            from .compiled import CompiledLoop
            loop = CompiledLoop(self, prefixes)
            return loop, loop.fetch
        sim = Simulator()
        return sim, self.attach(sim)

    def run(self, requests: list[RequestSpec], policy: Policy = "fifo") -> SimRun:
        """Simulate ``requests`` to completion; deterministic for the same inputs."""
        if policy not in ("fifo", "round-robin"):
            raise ValueError(f"unknown policy {policy!r}")
        if self.kernel_for([r.prefix_tokens for r in requests]) == "compiled":
            from .compiled import run_requests
            return run_requests(self, requests, policy)
        sim = Simulator()
        res = _Resources(self, sim)
        run = _Run(self, sim, res, requests, policy)
        rtt = self.rtt_cycles()
        for i, t in enumerate(run.arrival):
            sim.at(t + rtt, PRIORITY_TASK, run.request_ready, i)
        if self.sample_every_s:
            run.sample_step = max(1, self.cycles(self.sample_every_s))
            sim.at(0, PRIORITY_SAMPLE, run.sample)
        sim.run()
        end = max(run.finish) if run.finish else 0
        for m in res.held:
            res.area[m] += res.held[m] * (end - res.last_change[m])
        for resource in list(res.executors.values()) + list(res.shared.values()) + list(res.engine_bw.values()):
            resource.busy_now()
        return SimRun(
            clock_hz=self.clock_hz, plan=self.plan, requests=requests, arrival=run.arrival, finish=run.finish,
            chunk_done=run.chunk_done, records=run.records, executors=res.executors, shared=res.shared,
            engine_bandwidth=res.engine_bw, memory_peak=res.peak, memory_area=res.area, samples=run.samples, memory_samples=run.memory_samples,
            events=sim.events, end=end, slots=self.slots, slot_area=run.slot_area,
        )


@dataclass(frozen=True)
class _Step:
    name: str
    resource: str
    server: Servers
    flows: tuple[tuple[SharedBandwidth, float], ...]
    service: int
    engine: SharedBandwidth | None
    engine_bytes: float
    memory: str | None
    out_bytes: float
    succs: tuple[str, ...]
    sink: bool
    gpu_class: str | None = None  # GPU data-plane kernels: memory_bound | compute_bound
    host_cores: int = 0  # cores of the host CPU this stage occupies while it runs
    dma_to_gpu: bool = False  # an engine writing into GPU memory
    request_delay: int = 0  # a per-chunk GET: cycles from issue to first byte (0: no request)
    thread: Servers | None = None  # the software thread that runs this stage
    thread_first: bool = False  # the thread is taken here ...
    thread_last: bool = False  # ... and given back when this stage is done


class _Resources:
    """The simulated resources of one run."""

    def __init__(self, model: DataPlane, sim: Simulator):
        plan, hz = model.plan, model.clock_hz
        self.executors: dict[str, Servers] = {}
        self.engine_bw: dict[str, SharedBandwidth] = {}
        self.stage_exec: dict[str, Servers] = {}
        for st in plan.stages:
            name = st.resource_name
            if name not in self.executors:
                servers = model.demand(st, 1).servers
                self.executors[name] = Servers(sim, name, max(1, int(round(servers))))
            self.stage_exec[st.name] = self.executors[name]
            if st.executor_kind == "engine" and name not in self.engine_bw:
                bandwidth = float(model.p[f"{st.cost}.bandwidth"]) / hz
                self.engine_bw[name] = SharedBandwidth(sim, f"{name}:bandwidth", bandwidth)
        used = {r for st in plan.stages for r in model.demand(st, 1).flows}
        self.shared = {n: SharedBandwidth(sim, n, cap / hz) for n, cap in model.caps.items() if n in used}
        path = plan.network_path
        if path is not None and path.windows and "network" in self.shared:
            # direct routing over an optical fabric: the link carries bytes only while a circuit
            # to the server's ToR is up, at up to (circuits up) x uplink rate
            p = model.p
            line = float(p["network.bandwidth"])
            if plan.network_on_nic:
                line = min(line, float(p["nic.ports"] * p["nic.port_rate"]))
            efficiency = float(p[f"network.efficiency.{plan.protocol}"])
            steps = [(model.cycles(a), model.cycles(b), efficiency * min(line, ports * path.uplink_Bps) / hz)
                     for a, b, ports in path.windows]
            self.shared["network"] = WindowedBandwidth(sim, "network", steps, model.cycles(path.cycle_s))
        self.threads = {t: Servers(sim, thread_resource(t), 1) for t, _ in plan.threads}
        self.executors.update({thread_resource(t): s for t, s in self.threads.items()})
        memories = [m for m, _ in plan.memory_capacity]
        self.held = {m: 0.0 for m in memories}
        self.peak = {m: 0.0 for m in memories}
        self.area = {m: 0.0 for m in memories}
        self.last_change = {m: 0 for m in memories}


class _Chunk:
    __slots__ = ("request", "index", "tokens", "preds", "left", "held")

    def __init__(self, request: int, index: int, tokens: int, preds: dict[str, int], sinks: int):
        self.request, self.index, self.tokens = request, index, tokens
        self.preds = preds
        self.left = sinks
        self.held: list[tuple[str, float]] = []


class _Op:
    """One stage applied to one chunk."""

    __slots__ = ("run", "chunk", "step", "ready", "start", "exec_end", "parts")

    def __init__(self, run: "_Run", chunk: _Chunk, step: _Step):
        self.run, self.chunk, self.step = run, chunk, step
        self.ready = run.sim.now
        if step.thread_first:
            step.thread.request(self.begin)
        else:
            self.begin()

    def begin(self) -> None:
        step = self.step
        if step.request_delay:
            self.run.window(self.chunk.request).request(self.issued)
        else:
            step.server.request(self.granted)

    def issued(self) -> None:
        """The chunk's GET is sent; its first byte is back after the round trip and store service."""
        sim = self.run.sim
        sim.at(sim.now + self.step.request_delay, PRIORITY_TASK, self.step.server.request, self.granted)

    def granted(self) -> None:
        run, step = self.run, self.step
        sim = run.sim
        self.start = sim.now
        self.parts = 1 + len(step.flows)
        if step.memory:
            run.change_memory(step.memory, step.out_bytes)
            self.chunk.held.append((step.memory, step.out_bytes))
        done = self.part_done
        for resource, nbytes in step.flows:
            if resource is run.network:  # one connection per request: its chunks arrive in order
                resource.start_in_stream(self.chunk.request, nbytes, done)
            else:
                resource.start(nbytes, done)
        service = step.service
        if step.gpu_class is not None and run.corunner_slowdown is not None:
            slowdown = run.corunner_slowdown[step.gpu_class] if run.decode_running else 0.0
            service = int(service * (1.0 + slowdown))
        if step.gpu_class is not None:
            run.gpu_busy[step.gpu_class] = run.gpu_busy.get(step.gpu_class, 0) + service
        if step.host_cores:
            run.host_busy += step.host_cores * service
        if step.dma_to_gpu:
            run.dma_bytes += step.engine_bytes
        if step.engine is not None:
            sim.at(self.start + service, PRIORITY_TASK, step.engine.start, step.engine_bytes, self.exec_done)
        else:
            sim.at(self.start + service, PRIORITY_TASK, self.exec_done)

    def exec_done(self) -> None:
        self.exec_end = self.run.sim.now
        self.step.server.release()
        self.part_done()

    def part_done(self) -> None:
        self.parts -= 1
        if self.parts == 0:
            self.run.stage_done(self)


class _Run:
    """The state of one simulation: requests, slots, records."""

    def __init__(self, model: DataPlane, sim: Simulator, res: _Resources, requests: list[RequestSpec],
                 policy: Policy):
        self.model, self.sim, self.res, self.requests, self.policy = model, sim, res, list(requests), policy
        self.arrival = [model.cycles(r.arrival_s) for r in requests]
        self.on_done: dict[int, Callable[[], None]] = {}
        # hooks for a serving model sharing this event loop
        self.corunner_slowdown: dict[str, float] | None = None  # class -> slowdown while decode runs
        self.decode_running = False
        self.gpu_busy: dict[str, int] = {}  # GPU data-plane kernel cycles started, by class
        self.host_busy = 0  # host core-cycles of data-plane stages started
        self.dma_bytes = 0.0  # bytes written into GPU memory by DMA engines
        self.finish = [-1] * len(requests)
        self.remaining = [0] * len(requests)
        self.chunk_done: list[tuple[int, int, float, float]] = []
        self.records: list[StageRecord] = []
        self.samples: list[tuple[int, dict[str, float]]] = []
        self.memory_samples: list[tuple[int, dict[str, float]]] = []
        self.sample_step = 0
        self.free_slots = model.slots
        self._grant_pending = False
        self.slot_area = 0  # slot-cycles occupied, for the buffer pool's utilization
        self._slot_last = 0
        self.waiting: deque = deque()  # fifo: chunks; round-robin: one deque of chunks per request
        self.steps: dict[tuple[str, int], _Step] = {}
        self.stage_by_name = {s.name: s for s in model.plan.stages}
        self.network = res.shared.get("network")
        self.net_form = model.net_form
        self.windows: dict[int, Servers] = {}

    def submit(self, prefix_tokens: int, on_done: Callable[[], None]) -> int:
        """Fetch a request's prefix now (after one RTT); call ``on_done`` when its KV is in GPU memory."""
        index = len(self.requests)
        self.requests.append(RequestSpec(self.sim.now / self.model.clock_hz, prefix_tokens))
        self.arrival.append(self.sim.now)
        self.finish.append(-1)
        self.remaining.append(0)
        self.on_done[index] = on_done
        self.sim.at(self.sim.now + self.model.rtt_cycles(), PRIORITY_TASK, self.request_ready, index)
        return index

    def get_step(self, name: str, tokens: int) -> _Step:
        key = (name, tokens)
        step = self.steps.get(key)
        if step is None:
            step = self.steps[key] = self.model.step(self.stage_by_name[name], tokens, self.res)
        return step

    def change_memory(self, memory: str, delta: float) -> None:
        res, now = self.res, self.sim.now
        res.area[memory] += res.held[memory] * (now - res.last_change[memory])
        res.last_change[memory] = now
        res.held[memory] += delta
        if res.held[memory] > res.peak[memory]:
            res.peak[memory] = res.held[memory]

    def request_ready(self, req: int) -> None:
        sizes = self.model.chunks_of(self.requests[req].prefix_tokens)
        self.remaining[req] = len(sizes)
        items = [(req, i, t) for i, t in enumerate(sizes)]
        if self.policy == "fifo":
            self.waiting.extend(items)
        else:
            self.waiting.append(deque(items))
        if not self._grant_pending:
            self._grant_pending = True
            self.sim.at(self.sim.now, PRIORITY_GRANT, self._deferred_grant)

    def _deferred_grant(self) -> None:
        self._grant_pending = False
        self.grant_slots()

    def grant_slots(self) -> None:
        waiting = self.waiting
        while self.free_slots > 0 and waiting:
            if self.policy == "fifo":
                req, idx, tokens = waiting.popleft()
            else:
                queue = waiting.popleft()
                req, idx, tokens = queue.popleft()
                if queue:
                    waiting.append(queue)
            self._count_slots()
            self.free_slots -= 1
            model = self.model
            chunk = _Chunk(req, idx, tokens, {s: len(p) for s, p in model.preds.items()}, len(model.sinks))
            for name in model.sources:
                _Op(self, chunk, self.get_step(name, tokens))

    def window(self, req: int) -> Servers:
        """The request's connection: at most `request_window` GETs outstanding."""
        servers = self.windows.get(req)
        if servers is None:
            servers = self.windows[req] = Servers(self.sim, f"requests[{req}]", self.model.request_window)
        return servers

    def stage_done(self, op: _Op) -> None:
        step, chunk = op.step, op.chunk
        if step.request_delay:
            self.windows[chunk.request].release()
        if step.thread_last:
            step.thread.release()
        if self.model.record:
            self.records.append(StageRecord(chunk.request, chunk.index, step.name, step.resource, op.ready,
                                            op.start, op.exec_end, self.sim.now))
        for nxt in step.succs:
            chunk.preds[nxt] -= 1
            if chunk.preds[nxt] == 0:
                _Op(self, chunk, self.get_step(nxt, chunk.tokens))
        if step.sink:
            chunk.left -= 1
            if chunk.left == 0:
                self.chunk_finished(chunk)

    def chunk_finished(self, chunk: _Chunk) -> None:
        for memory, nbytes in chunk.held:
            self.change_memory(memory, -nbytes)
        now = self.sim.now
        size = self.model.sizes(chunk.tokens)
        self.chunk_done.append((now, chunk.request, size[self.net_form] if self.net_form else 0.0, size["kv"]))
        self.remaining[chunk.request] -= 1
        if self.remaining[chunk.request] == 0:
            self.finish[chunk.request] = now
            callback = self.on_done.pop(chunk.request, None)
            if callback is not None:
                callback()
        self._count_slots()
        self.free_slots += 1
        self.grant_slots()

    def _count_slots(self) -> None:
        now = self.sim.now
        self.slot_area += (self.model.slots - self.free_slots) * (now - self._slot_last)
        self._slot_last = now

    def sample(self) -> None:
        res = self.res
        snapshot = {n: s.busy_now() / s.n for n, s in res.executors.items()}
        snapshot.update({n: r.busy_now() for n, r in res.shared.items()})
        snapshot.update({f"{n}:bandwidth": r.busy_now() for n, r in res.engine_bw.items()})
        self._count_slots()
        snapshot["buffers"] = self.slot_area / self.model.slots
        self.samples.append((self.sim.now, snapshot))
        self.memory_samples.append((self.sim.now, dict(res.held)))
        if any(f < 0 for f in self.finish):
            self.sim.at(self.sim.now + self.sample_step, PRIORITY_SAMPLE, self.sample)
