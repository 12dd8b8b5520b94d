"""A data plane to simulate: a Plan (the same one the analytical model reads) made into chunk
sizes, per-stage demands in cycles and bytes, and resources; and the record of a run.

A request arrives, waits one network RTT, and its chunks queue for a buffer slot (FIFO over
requests, or round-robin between them). Each request is one transport connection: its chunks'
network transfers are served in order, and the network is shared fairly between requests. A
chunk holding a slot runs the stage DAG: each stage waits for its executor (FIFO), then its
executor phase and its byte flows through shared resources run concurrently; the stage ends
when all have ended. The executor is released at the end of its own phase. The slot, and every
buffer the chunk wrote, is freed when the chunk's last stage ends. Naive designs are one chunk per
request and one slot. The event loop that runs this is ``loop/`` (one implementation, compiled or
interpreted: ``loops.py``).

Per-stage demands come from ``engines.analytical`` (same formulas), so analytical and
simulated results differ only by what the simulator adds: contention in time, queueing, fill
and drain, partial last chunks, and buffer blocking.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ...errors import InfeasibleError, SpecError
from ..analytical import Demand, capacities, StageCosts, bytes_per_token, chunk_sizes, evaluate, problems
from ..plan import Params, Plan, StagePlan, request_window, round_trips
from ...spec.requests import RequestSpec
from . import loops
from .record import SimRun
from .resources import Resources, build

Policy = Literal["fifo", "round-robin"]
KERNELS = ("auto", "compiled", "reference")
# "auto" runs the compiled loop once it is loaded in this process, or for a run of at least this
# many (chunk, stage) operations: loading it costs about 0.7 s once, the interpreted loop about
# 0.15 ms per operation (see README, Benchmarks). Both give the same numbers, so this is only speed.
AUTO_COMPILED_OPS = 4_000


def kernel_choice(kernel: str | None) -> str:
    """Which event loop runs: ``kernel``, else $NICMODEL_SIM_KERNEL, else ``auto``; the reference
    when numba is missing."""
    choice = kernel or os.environ.get("NICMODEL_SIM_KERNEL") or "auto"
    if choice not in KERNELS:
        raise ValueError(f"unknown simulator kernel {choice!r}; expected one of {', '.join(KERNELS)}")
    if choice != "reference" and not loops.numba_available():
        return "reference"
    return choice


# The event loops count time in int64 cycles of the NIC clock; a run must end well inside that.
CLOCK_LIMIT_CYCLES = 2**62


def check_span(seconds: float, clock_hz: float) -> None:
    """Refuse, before it starts, a run whose simulated time (an upper estimate) the integer clock
    cannot hold: the same one-line answer from the compiled and the interpreted loop."""
    if not seconds * clock_hz < CLOCK_LIMIT_CYCLES:
        years = CLOCK_LIMIT_CYCLES / clock_hz / 3.156e7
        raise SpecError(f"the run would span up to {seconds:.3g} s of simulated time; the simulator's clock "
                        f"({clock_hz / 1e9:g} GHz cycles) holds {years:.0f} years: run fewer requests or at a "
                        "higher rate", "--requests")


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
        self.latency_s = float(np.asarray(ev.latency_s))
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
        self._resources: Resources | None = None

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

    def resources(self) -> Resources:
        """The servers and shared bandwidths of this data plane."""
        if self._resources is None:
            self._resources = build(self)
        return self._resources

    def step(self, st: StagePlan, tokens: int) -> "Step":
        """Everything the event loop needs to run stage ``st`` on a chunk of ``tokens``."""
        d = self.demand(st, tokens)
        res = self.resources()
        engine = res.engine_of.get(st.resource_name) if st.executor_kind == "engine" else None
        memory = st.writes if st.writes in res.memories and st.name not in self.sinks else None
        shared = [b.name for b in res.shared]
        return Step(
            st.name, st.resource_name, res.stage_server[st.name],
            tuple((shared.index(r), b) for r, b in d.flows.items() if b > 0),
            self.cycles(d.fixed + d.work), None if engine is None else len(res.shared) + engine, d.engine_bytes,
            memory, self.sizes(tokens)[st.output] if st.output else 0.0,
            tuple(self.succs[st.name]), st.name in self.sinks,
            gpu_class=self._gpu_class(st),
            host_cores=int(round(self.cores.get(st.name, 0))) if st.executor == "host.cpu" else 0,
            dma_to_gpu=st.executor_kind == "engine" and st.writes == "gpu.memory",
            request_delay=self.request_cycles if st.reads == "network" else 0,
            thread=res.thread_server[self.thread_of[st.name]] if st.name in self.thread_of else None,
            thread_first=st.name in self.thread_first,
            thread_last=st.name in self.thread_last,
        )

    def _gpu_class(self, st: StagePlan) -> str | None:
        """The GPU kernel a stage runs, for interference with decode: its kind when the GPU spec has
        a kernel of that kind (decompress, dequantize), else ``copy`` (the scatter into paged KV)."""
        if st.executor_kind != "gpu_compute":
            return None
        return st.kind if f"gpu.kernels.{st.kind}.output_rate" in self.p else "copy"

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
        """The GPU kernels of the data-plane stages that run on the GPU."""
        return list(dict.fromkeys(c for c in map(self._gpu_class, self.plan.stages) if c is not None))

    def kernel_for(self, prefixes: list[int]) -> str:
        """The event loop that runs fetches of these prefix sizes (resolves ``auto``)."""
        if self.kernel != "auto":
            return self.kernel
        if loops.compiled_loaded():
            return "compiled"
        sizes, counts = np.unique(np.asarray(prefixes, dtype=np.int64), return_counts=True)
        ops = sum(len(self.chunks_of(int(t))) * int(n) for t, n in zip(sizes, counts)) * len(self.plan.stages)
        return "compiled" if ops >= AUTO_COMPILED_OPS else "reference"

    def serving_loop(self, prefixes: list[int]) -> tuple[Any, Any]:
        """An event loop and the fetch service on it, for a serving model that will submit
        fetches of these prefix sizes."""
        from .serving_loop import ServingLoop

        loop = ServingLoop(self, prefixes, loops.get(self.kernel_for(prefixes)))
        return loop, loop.fetch

    def run(self, requests: list[RequestSpec], policy: Policy = "fifo") -> SimRun:
        """Simulate ``requests`` to completion; deterministic for the same inputs."""
        from .run import run_requests

        if policy not in ("fifo", "round-robin"):
            raise ValueError(f"unknown policy {policy!r}")
        last = max((r.arrival_s for r in requests), default=0.0)
        check_span(last + len(requests) * self.latency_s, self.clock_hz)
        return run_requests(self, requests, policy, loops.get(self.kernel_for([r.prefix_tokens for r in requests])))


@dataclass(frozen=True)
class Step:
    """One stage on one chunk size, as the loop's tables hold it (servers and bandwidths by
    index into ``Resources``)."""

    name: str
    resource: str
    server: int
    flows: tuple[tuple[int, float], ...]  # (bandwidth, bytes)
    service: int  # executor cycles
    engine: int | None  # bandwidth of an engine's data phase
    engine_bytes: float
    memory: str | None
    out_bytes: float
    succs: tuple[str, ...]
    sink: bool
    gpu_class: str | None = None  # the GPU kernel it runs (decompress, dequantize, copy), if any
    host_cores: int = 0  # cores of the host CPU this stage occupies while it runs
    dma_to_gpu: bool = False  # an engine writing into GPU memory
    request_delay: int = 0  # a per-chunk GET: cycles from issue to first byte (0: no request)
    thread: int | None = None  # the software thread that runs this stage
    thread_first: bool = False  # the thread is taken here ...
    thread_last: bool = False  # ... and given back when this stage is done
