"""Analytical (steady-state) model of a data-plane Plan, vectorized over design points.

Every number may be a float or a numpy array; all arrays broadcast to one point shape.

Accounting, per chunk of ``tok`` tokens (see docs/modeling.md):
- a stage's *executor* (core group, engine, GPU SMs) is held for a fixed cost plus work:
  core group of n cores: per_chunk + out_bytes * cycles_per_byte / (clock * n);
  engine (channels in parallel): per_job + out_bytes / bandwidth, and the engine's bandwidth
  is shared, so its busy time per chunk is max(held / channels, out_bytes / bandwidth);
  GPU kernel: launch + (in + out bytes) / sustained memory bandwidth.
- every byte a stage reads is charged to the memory (or network) it reads from, every byte it
  writes to the memory it writes to, and its output to each link it crosses; a stage's time
  alone is the longest of its executor time and its transfers (they overlap).
- the buffer pool is a resource too: each chunk holds a slot for its pipeline traversal, so
  ``slots`` slots sustain at most slots / traversal chunks per second (Little's law).
Steady-state chunk rate X = 1 / max over resources of busy time per chunk; the resource that
attains the max is the bottleneck and utilization = busy * X. A naive design is the same
model with one chunk of the whole prefix and one slot, which makes its throughput exactly
object / latency.
Latency of one request = RTT + pipeline traversal of the first chunk (longest DAG path of
stage times, each stage running alone) + (chunks - 1) / X.
With a transport spec every chunk is a GET to the store: its first byte comes RTT + the store's
per-request time after it is issued, and a connection keeps at most W requests open, so the
request window is a resource busy (RTT + per_request + receive time) / W per chunk, and the
first chunk's latency includes the store's per-request time. A software thread (``stage.thread``) walks its stages for one chunk at a time: it is a resource
busy for the sum of their times, plus the round trips of a fetch it waits for; a client's own
window and round trips per chunk (``design.transport``) replace the network's.
Over an optical fabric the network
capacity is also capped by the ToR pair's effective bandwidth, and the mean first-byte latency
of the request and of the data (circuit waits and hops) is added to the RTT.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .plan import REQUEST_WINDOW, Params, Plan, StagePlan, request_window, round_trips, thread_resource


@dataclass
class Evaluation:
    """Model outputs; every value is a float or an array over design points."""

    resources: list[str]
    busy: dict[str, Any]  # seconds per chunk
    chunk_rate: Any  # chunks per second
    bottleneck: Any  # index into resources; -1 where infeasible
    network_bytes_per_s: Any
    kv_bytes_per_s: Any
    latency_s: Any
    chunk_tokens: Any
    chunks: Any
    slots: Any
    footprint: dict[str, Any]  # memory -> bytes held by in-flight buffers
    capacity: dict[str, Any]  # memory -> bytes usable for buffers
    cores: dict[str, Any]  # stage -> cores given
    stage_time: dict[str, Any]  # stage -> seconds per chunk, running alone
    stage_alone_bytes_per_s: dict[str, Any]  # stage -> output bytes/s if it ran alone
    traffic: dict[str, Any] = field(default_factory=dict)  # resource -> bytes per chunk
    pool_cores: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # pool -> (cores, cores needed)
    chunk_bytes: dict[str, Any] = field(default_factory=dict)  # form -> bytes per chunk
    feasible: Any = True

    def utilization(self, name: str) -> Any:
        return self.busy[name] * self.chunk_rate


def _layers_bits(p: Params, tensor: str, groups: int) -> Any:
    """Sum over layers of bits per element for one tensor (K or V)."""
    layers = p["model.layers"]
    total = 0.0
    covered = 0.0
    for i in range(groups):
        n = p[f"codec.{tensor}.leading.{i}.layers"]
        total = total + n * p[f"codec.{tensor}.leading.{i}.bits"]
        covered = covered + n
    return total + (layers - covered) * p[f"codec.{tensor}.bits"]


def bytes_per_token(plan: Plan, p: Params) -> dict[str, Any]:
    """Bytes per token of each data form: the built-in kv (in GPU memory), quantized and
    compressed, and every form the data plane declares as another's bytes times a ratio."""
    per_layer_elems = p["model.kv_heads"] * p["model.head_dim"]
    kv = 2 * p["model.layers"] * per_layer_elems * plan.dtype_bytes
    bits = _layers_bits(p, "key", plan.key_groups) + _layers_bits(p, "value", plan.value_groups)
    quantized = per_layer_elems * bits / 8 + 2 * p["model.layers"] * p["codec.scale_bytes"]
    builtin = {"kv": kv, "quantized": quantized, "compressed": quantized / p["codec.lossless_ratio"]}
    return _declared(plan, p, builtin)


def _declared(plan: Plan, p: Params, builtin: dict[str, Any]) -> dict[str, Any]:
    """Each of the data plane's forms sized: a built-in size, or another form's times its ratio."""
    size = dict(builtin)
    for name, rule, of in plan.forms:
        size[name] = builtin[rule] if rule else size[of] * p[f"dataplane.forms.{name}.times"]
    return size


def chunk_sizes(plan: Plan, p: Params, per_token: dict[str, Any], tokens: Any) -> dict[str, Any]:
    """Bytes of one chunk of ``tokens`` tokens in each form; a codec's side tables (stored with
    every chunk, one per coded stream) add to the compressed form, and to the forms sized from it."""
    size = {form: tokens * per_token[form] for form in ("kv", "quantized", "compressed")}
    if plan.side_table:
        streams = 2 * p["model.layers"] * p["model.kv_heads"] * p["model.head_dim"]
        size["compressed"] = size["compressed"] + streams * p["codec.side_table_per_stream"]
    return _declared(plan, p, size)


def capacities(plan: Plan, p: Params) -> dict[str, Any]:
    """Bytes per second each shared resource carries."""
    line = p["network.bandwidth"]
    if plan.network_on_nic:
        line = np.minimum(line, p["nic.ports"] * p["nic.port_rate"])
    if plan.network_path is not None:
        line = np.minimum(line, plan.network_path.bandwidth_Bps)
    caps: dict[str, Any] = {"network": line * p[f"network.efficiency.{plan.protocol}"]}
    for name, path in plan.memory_paths:
        caps[name] = p[f"{path}.sustained_bandwidth"]
    for name, path in plan.link_paths:
        mps = p[f"{path}.max_payload"]
        raw = p[f"{path}.transfer_rate"] * p[f"{path}.lanes"] * p[f"{path}.encoding_efficiency"] / 8
        caps[name] = raw * mps / (mps + p[f"{path}.tlp_overhead"])
    return caps


def pcie_payload_bandwidth(p: Params, path: str) -> Any:
    """Payload bytes/s of the PCIe link at spec path ``path`` (for reports and tests)."""
    mps = p[f"{path}.max_payload"]
    raw = p[f"{path}.transfer_rate"] * p[f"{path}.lanes"] * p[f"{path}.encoding_efficiency"] / 8
    return raw * mps / (mps + p[f"{path}.tlp_overhead"])


@dataclass
class Demand:
    """What one stage asks of the hardware for one chunk; shared by the analytical model and
    the simulator so the two cannot drift apart.

    The executor is ``servers`` parallel servers; one chunk holds one for ``fixed`` seconds plus
    ``work`` seconds (core groups, GPU) or plus ``engine_bytes`` through the engine's shared
    bandwidth (engines). Independently, ``flows`` move bytes through shared resources (merged per
    resource: a stage that reads and writes the same memory moves the sum through it)."""

    fixed: Any
    work: Any
    servers: Any
    engine_bytes: Any
    flows: dict[str, Any]

    def exec_alone(self, engine_bandwidth: Any) -> Any:
        """Executor time of one chunk with nothing else running."""
        return self.fixed + self.work + self.engine_bytes / engine_bandwidth

    def exec_busy(self, engine_bandwidth: Any) -> Any:
        """Executor capacity used per chunk: servers share the held time; the engine's bandwidth
        is itself a limit (a lower bound on the period either way)."""
        alone = self.exec_alone(engine_bandwidth)
        return np.maximum(alone / self.servers, self.engine_bytes / engine_bandwidth)


class StageCosts:
    """Per-chunk demands of each stage at given core counts."""

    def __init__(self, plan: Plan, p: Params, size: dict[str, Any]):
        self.plan, self.p, self.size = plan, p, size
        self.pool_path = dict(plan.pools)
        self.memory_path = dict(plan.memory_paths)

    def out_bytes(self, st: StagePlan) -> Any:
        return self.size[st.output] if st.output else 0.0

    def in_bytes(self, st: StagePlan) -> Any:
        return self.size[st.input] if st.input else 0.0

    def core_terms(self, st: StagePlan) -> tuple[Any, Any]:
        """(fixed seconds, single-core work seconds) of a stage on a core pool."""
        p = self.p
        if st.kind == "register":
            total = 0.0
            for memory, form in st.registers:
                path = self.memory_path[memory]
                total = total + p[f"{path}.registration_per_buffer"] + self.size[form] / p[f"{path}.pinning_rate"]
            return total, 0.0
        clock = p[f"{self.pool_path[st.executor]}.clock"]
        return p[f"{st.cost}.per_chunk"], self.out_bytes(st) * p[f"{st.cost}.cycles_per_byte"] / clock

    def engine_bandwidth(self, st: StagePlan) -> Any:
        return self.p[f"{st.cost}.bandwidth"] if st.executor_kind == "engine" else 1.0

    def demand(self, st: StagePlan, cores: Any) -> Demand:
        p = self.p
        flows: dict[str, Any] = {}
        moves = []
        if st.reads:
            moves.append((st.reads, self.in_bytes(st)))
        if st.writes:
            moves.append((st.writes, self.out_bytes(st)))
        moves += [(link, self.out_bytes(st)) for link in st.crosses]
        for name, nbytes in moves:
            flows[name] = flows.get(name, 0.0) + nbytes
        if st.executor_kind == "core_pool":
            fixed, work = self.core_terms(st)
            if st.kind == "register":  # n cores register n chunks' buffers concurrently
                return Demand(fixed, 0.0, cores, 0.0, flows)
            return Demand(fixed, work / cores, 1.0, 0.0, flows)
        if st.executor_kind == "engine":
            return Demand(p[f"{st.cost}.per_job"], 0.0, p[f"{st.cost}.channels"], self.out_bytes(st), flows)
        if st.unfused:  # a chain of elementwise ops: its bytes through GPU memory decide
            moved = self.out_bytes(st) * p[f"design.stages.{st.name}.traffic_per_output_byte"]
            memory = {st.reads, st.writes} - {None}
            flows = {name: b for name, b in flows.items() if name not in memory}
            for name in memory:
                flows[name] = moved / len(memory)
            launches = p[f"design.stages.{st.name}.launches"] * p["gpu.kernel_launch"]
            return Demand(launches, moved / p["gpu.memory.sustained_bandwidth"], 1.0, 0.0, flows)
        if st.own_kernel:  # a data-plane kernel with its own rate (gpu.kernels.<kind>)
            kernel = f"gpu.kernels.{st.kind}"
            return Demand(p[f"{kernel}.per_chunk"], self.out_bytes(st) / p[f"{kernel}.output_rate"], 1.0, 0.0, flows)
        moved = self.in_bytes(st) + self.out_bytes(st)
        return Demand(p["gpu.kernel_launch"], moved / p["gpu.memory.sustained_bandwidth"], 1.0, 0.0, flows)


def _argmax(values: list[Any]) -> Any:
    """Index of the largest of several arrays that broadcast together, elementwise (the first
    wins ties).

    Arrays of the same shape are reduced at that shape first (a value that depends on one axis
    of a grid is compared at that axis's size, not the grid's), then the groups are merged at
    the full shape. Faster than np.argmax over a stacked axis, which walks memory with a large
    stride."""
    groups: dict[tuple, tuple[Any, Any, int]] = {}  # shape -> (best, index of best, first index)
    for i, value in enumerate(values):
        shape = np.shape(value)
        if shape not in groups:
            groups[shape] = (value, np.full(shape, i, dtype=np.int64), i)
            continue
        best, index, first = groups[shape]
        larger = value > best
        groups[shape] = (np.maximum(best, value), np.where(larger, i, index), first)
    merged = sorted(groups.values(), key=lambda g: g[2])
    best, index, _ = merged[0]
    for value, at, _ in merged[1:]:
        # a later group wins where larger, or where equal with an earlier resource index
        take = (value > best) | ((value == best) & (at < index))
        index = np.where(take, at, index)
        best = np.maximum(best, value)
    return index


def _partition(plan: Plan, p: Params, costs: StageCosts) -> tuple[dict[str, Any], Any, dict]:
    """Cores per core-pool stage: pinned as given, auto by greedy max-min of stage rates.

    Giving the next core to the currently slowest auto stage maximizes the slowest stage's
    rate, because each stage's rate only grows with its cores. Returns (cores, feasible).
    """
    cores: dict[str, Any] = {}
    demand: dict[str, tuple[Any, Any]] = {}  # pool -> (cores in it, cores its stages need at least)
    feasible: Any = True
    for pool, path in plan.pools:
        members = [s for s in plan.stages if s.executor == pool]
        auto = [s for s in members if s.auto_cores]
        terms = [costs.core_terms(s) for s in auto]
        pinned = sum((p[f"design.stages.{s.name}.cores"] for s in members if not s.auto_cores and not s.implied), 0.0)
        # work at the shape of what the partition depends on, not the whole grid's
        local = np.broadcast_shapes(np.shape(p[f"{path}.cores"]), np.shape(pinned),
                                    *(np.shape(x) for term in terms for x in term))
        total = np.broadcast_to(p[f"{path}.cores"], local).astype(float)
        spare = total - pinned - len(auto)
        demand[pool] = (total, np.broadcast_to(pinned + len(auto), local))
        feasible = feasible & (spare >= 0)
        for s in members:
            if not s.auto_cores:
                cores[s.name] = np.broadcast_to(p[f"design.stages.{s.name}.cores"], local).astype(float)
        if not auto:
            continue
        shape = local
        n = [np.ones(shape) for _ in auto]
        spare = np.maximum(spare, 0)
        rounds = int(np.max(spare)) if spare.size else 0
        for r in range(rounds):
            busy = [f / k if s.kind == "register" else f + w / k for s, (f, w), k in zip(auto, terms, n)]
            slowest = _argmax(busy)
            give = spare > r
            for i in range(len(auto)):
                n[i] = n[i] + (give & (slowest == i))
        for s, k in zip(auto, n):
            cores[s.name] = k
    return cores, feasible, demand


def evaluate(plan: Plan, p: Params) -> Evaluation:
    """Steady-state throughput, bottleneck, utilization, latency and footprint."""
    shape = np.broadcast_shapes(*(np.shape(v) for v in p.values()))
    prefix = p["request.prefix_tokens"]
    requested = p["design.chunk_tokens"]
    naive = np.isinf(requested)
    tok = np.minimum(requested, prefix)
    chunks = prefix / tok
    slots = np.where(naive, 1.0, np.minimum(p["design.buffers_in_flight"], np.ceil(chunks - 1e-9)))
    per_token = bytes_per_token(plan, p)
    size = chunk_sizes(plan, p, per_token, tok)
    costs = StageCosts(plan, p, size)
    caps = capacities(plan, p)
    cores, feasible, pool_cores = _partition(plan, p, costs)

    busy: dict[str, Any] = {name: 0.0 for name, _ in plan.resources}
    traffic: dict[str, Any] = {name: 0.0 for name, kind in plan.resources if kind in ("memory", "link", "network")}
    stage_time: dict[str, Any] = {}
    alone: dict[str, Any] = {}
    for st in plan.stages:
        demand = costs.demand(st, cores.get(st.name, 1.0))
        bandwidth = costs.engine_bandwidth(st)
        t_stage = demand.exec_alone(bandwidth)
        b_stage = demand.exec_busy(bandwidth)
        busy[st.resource_name] = busy[st.resource_name] + b_stage
        for name, nbytes in demand.flows.items():
            traffic[name] = traffic[name] + nbytes
            busy[name] = busy[name] + nbytes / caps[name]
            t_stage = np.maximum(t_stage, nbytes / caps[name])
            b_stage = np.maximum(b_stage, nbytes / caps[name])
        stage_time[st.name] = t_stage
        alone[st.name] = costs.out_bytes(st) / b_stage if st.output else 0.0

    finish: dict[str, Any] = {}
    for st in plan.stages:  # topological order
        start = 0.0
        for pred in plan.predecessors(st.name):
            start = np.maximum(start, finish[pred])
        finish[st.name] = start + stage_time[st.name]
    traversal = 0.0
    for sink in plan.sinks:
        traversal = np.maximum(traversal, finish[sink])
    busy["buffers"] = traversal / slots

    rtt = p["network.rtt"]
    if plan.network_path is not None:  # request and first data byte wait for circuits and hop
        rtt = rtt + plan.network_path.request_first_byte_s + plan.network_path.data_first_byte_s
    if plan.transport:
        # every chunk is a GET: issued, answered after the round trip and the store's service,
        # then received; a connection keeps `request_window` of them open (Little's law again)
        first_byte = round_trips(plan, p) * (rtt + p["network.transport.per_request"])
        receive = 0.0
        for st in plan.stages:
            if st.reads == "network":
                receive = np.maximum(receive, stage_time[st.name])
        busy[REQUEST_WINDOW] = (first_byte + receive) / request_window(plan, p)
        rtt = first_byte
    for thread, members in plan.threads:
        # one thread walks its stages for one chunk at a time, and waits for its fetch's requests
        held = sum((stage_time[m] for m in members), 0.0)
        if plan.transport and any(plan.stage(m).reads == "network" for m in members):
            held = held + rtt
        busy[thread_resource(thread)] = held

    names = [name for name, _ in plan.resources]
    values = [np.asarray(busy[n], dtype=float) for n in names]
    longest = values[0]
    for value in values[1:]:
        longest = np.maximum(longest, value)
    bottleneck = np.broadcast_to(np.where(feasible, _argmax(values), -1), shape)
    period = np.broadcast_to(np.where(feasible, longest, np.nan), shape)
    rate = 1.0 / period
    latency = rtt + traversal + (chunks - 1.0) * period

    network_bytes = sum((costs.in_bytes(s) for s in plan.stages if s.reads == "network"), 0.0)
    kv_bytes = sum((costs.out_bytes(plan.stage(s)) for s in plan.sinks), 0.0)
    sinks = set(plan.sinks)
    footprint: dict[str, Any] = {}
    capacity: dict[str, Any] = {}
    # tokens held in flight: `slots` chunks, but never more than the prefix (the last chunk is partial)
    in_flight = np.minimum(slots * tok, prefix) / tok
    for memory, path in plan.memory_capacity:
        held = sum((costs.out_bytes(s) for s in plan.stages if s.writes == memory and s.name not in sinks), 0.0)
        footprint[memory] = in_flight * held
        reserved = p.get(f"{path}.reserved", 0.0)
        capacity[memory] = p[f"{path}.capacity"] - reserved
    return Evaluation(
        resources=names, busy=busy, chunk_rate=rate, bottleneck=bottleneck,
        network_bytes_per_s=rate * network_bytes, kv_bytes_per_s=rate * kv_bytes, latency_s=latency,
        chunk_tokens=tok, chunks=chunks, slots=slots, footprint=footprint, capacity=capacity, cores=cores,
        stage_time=stage_time, stage_alone_bytes_per_s=alone, traffic=traffic, chunk_bytes=size,
        feasible=feasible, pool_cores=pool_cores,
    )


def problems(ev: Evaluation, i: int | None = None) -> list[str]:
    """Why a design point cannot run, one sentence each (empty when it can): a core pool with
    fewer cores than its stages need, or in-flight buffers larger than a memory's usable size.
    ``i`` picks a point of a vectorized evaluation."""
    at = (lambda x: float(np.asarray(x).reshape(-1)[i if np.size(x) > 1 else 0])) if i is not None else (
        lambda x: float(np.asarray(x).reshape(())))
    out = []
    for pool, (total, needed) in ev.pool_cores.items():
        if at(needed) > at(total):
            out.append(f"{pool} has {at(total):.0f} cores but its stages need at least {at(needed):.0f} "
                       "(pinned cores plus one per auto stage)")
    for memory, held in ev.footprint.items():
        if at(held) > at(ev.capacity[memory]):
            out.append(f"{memory}: in-flight buffers need {at(held) / 2**30:.2f} GiB but only "
                       f"{at(ev.capacity[memory]) / 2**30:.2f} GiB is usable")
    return out
