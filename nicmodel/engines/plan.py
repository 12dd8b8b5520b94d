"""Compile a validated Scenario into a Plan (structure) and a flat table of numbers.

The split is what makes sweeps fast: the Plan says which stages run where and which bytes
go through which resource; the parameter table holds every number under its dotted spec
path ("nic.memory.sustained_bandwidth" -> 33.9e9). A sweep replaces table entries by numpy
arrays and evaluates the same Plan once for all points. Plans hold no spec numbers, so two
scenarios that differ only in numbers share a Plan; the one exception is an optical fabric,
whose schedule analysis (a search over the time-expanded graph) is done here, so fabric
numbers are structural in sweeps (evaluated per combination).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from .fabric.path import NetworkPath, network_path
from ..spec.base import Param
from ..spec.checks import build_graph
from ..spec.graph import DiGraph, topological_order
from ..spec.scenario import Scenario, resource_table
from ..spec.workload import DTYPE_BYTES

Params = dict[str, Any]  # dotted path -> float or numpy array

# The resource a connection's window of outstanding chunk requests becomes (Little's law).
REQUEST_WINDOW = "network.requests"

# A core pool's local memory: where its copies read and write.
POOL_MEMORY = {"nic.arm": "nic.memory", "host.cpu": "host.memory"}


@dataclass(frozen=True)
class StagePlan:
    """One stage as the engine sees it: where it runs and which bytes it moves."""

    name: str
    kind: str
    executor: str
    executor_kind: str  # core_pool | engine | gpu_compute
    input: str | None
    output: str | None
    reads: str | None
    writes: str | None
    crosses: tuple[str, ...]
    auto_cores: bool
    cost: str | None  # param path prefix of the executor's cost entry, or engine / gpu path
    implied: bool = False  # inserted by the copying strategy
    registers: tuple[tuple[str, str], ...] = ()  # register stage: (memory, form) per buffer
    unfused: bool = False  # a GPU stage costed by its memory traffic (traffic_per_output_byte)
    own_kernel: bool = False  # on the GPU, costed by gpu.kernels.<kind> (its data plane's gpu_kernel)

    @property
    def resource_name(self) -> str:
        """The resource whose time this stage occupies (core pools are split per stage)."""
        return f"{self.executor}[{self.name}]" if self.executor_kind == "core_pool" else self.executor


@dataclass(frozen=True)
class Plan:
    """The structure of a scenario: stages in topological order, edges, resources."""

    stages: tuple[StagePlan, ...]
    edges: tuple[tuple[str, str], ...]
    resources: tuple[tuple[str, str], ...]  # (name, kind), in report order
    memory_paths: tuple[tuple[str, str], ...]  # memory resource -> spec path
    link_paths: tuple[tuple[str, str], ...]  # pcie link resource -> spec path
    pools: tuple[tuple[str, str], ...]  # core pool resource -> spec path
    engines: tuple[tuple[str, str], ...]  # engine resource -> spec path
    key_groups: int
    value_groups: int
    dtype_bytes: int
    network_on_nic: bool
    protocol: str
    network_path: NetworkPath | None  # an optical fabric between the store and the server
    memory_capacity: tuple[tuple[str, str], ...]  # memory resource -> spec path (capacity check)
    # the data plane's forms: (name, built-in size, or the form whose bytes it is times
    # dataplane.forms.<name>.times), each after the form it refers to
    forms: tuple[tuple[str, str | None, str | None], ...]
    transport: bool = False  # one GET per chunk with a window of outstanding requests
    client_transport: bool = False  # the design's client sets its own window and round trips
    threads: tuple[tuple[str, tuple[str, ...]], ...] = ()  # thread -> its stages, in order
    side_table: bool = False  # the codec stores fixed tables with every chunk

    def stage(self, name: str) -> StagePlan:
        return next(s for s in self.stages if s.name == name)

    def predecessors(self, name: str) -> list[str]:
        return [u for u, v in self.edges if v == name]

    @property
    def sinks(self) -> list[str]:
        heads = {u for u, _ in self.edges}
        return [s.name for s in self.stages if s.name not in heads]


def thread_resource(thread: str) -> str:
    """The resource name of a software thread."""
    return f"thread:{thread}"


def request_window(plan: Plan, p: Params) -> Any:
    """GETs a connection keeps outstanding: the design's client's, else the network's."""
    if plan.client_transport:
        return p["design.transport.request_window"]
    return p["network.transport.request_window"]


def round_trips(plan: Plan, p: Params) -> Any:
    """Store round trips before each chunk's first byte."""
    return p["design.transport.round_trips_per_chunk"] if plan.client_transport else 1.0


def flatten(obj: Any, prefix: str = "", skip: frozenset[str] = frozenset()) -> Params:
    """Every number in a validated spec, keyed by dotted path, in SI units (but the fields at ``skip``)."""
    out: Params = {}
    if isinstance(obj, Param):
        out[prefix] = obj.si
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            path = f"{prefix}.{name}" if prefix else name
            if path not in skip:
                out.update(flatten(getattr(obj, name), path, skip))
    elif isinstance(obj, dict):
        for key, value in obj.items():
            out.update(flatten(value, f"{prefix}.{key}"))
    elif isinstance(obj, (list, tuple)):
        for i, value in enumerate(obj):
            out.update(flatten(value, f"{prefix}.{i}"))
    elif isinstance(obj, bool) or obj is None:
        pass
    elif isinstance(obj, (int, float)):
        out[prefix] = float(obj)
    return out


def _forms(scn: Scenario) -> tuple[tuple[str, str | None, str | None], ...]:
    """The data plane's forms, each after the one its size refers to (built-in sizes first)."""
    forms = scn.dataplane.forms
    done: list[tuple[str, str | None, str | None]] = []
    todo = list(forms)
    while todo:  # the data plane's validator rules out cycles
        for name in list(todo):
            f = forms[name]
            if f.of is None or f.of in {d[0] for d in done}:
                done.append((name, f.size, f.of))
                todo.remove(name)
    return tuple(done)


def _stage_plans(scn: Scenario) -> tuple[list[StagePlan], DiGraph]:
    res = resource_table(scn)
    graph = build_graph(scn.design)
    plans: dict[str, StagePlan] = {}
    for name, st in scn.design.stages.items():
        info = res[st.resource]
        path = ".".join(info.path)
        cost = {"core_pool": f"{path}.costs.{st.kind}", "engine": path, "gpu_compute": path}[info.kind]
        plans[name] = StagePlan(
            name=name, kind=st.kind, executor=st.resource, executor_kind=info.kind,
            input=st.input, output=st.output, reads=st.reads, writes=st.writes,
            crosses=tuple(st.crosses), auto_cores=st.cores == "auto", cost=cost,
            unfused=st.traffic_per_output_byte is not None,
            own_kernel=info.kind == "gpu_compute" and scn.dataplane.kinds[st.kind].gpu_kernel,
        )
    if scn.design.copy_strategy == "copying":
        _add_copies(scn, plans, graph, res)
    order = topological_order(graph)
    return [plans[n] for n in order], graph


def _add_copies(scn: Scenario, plans: dict[str, StagePlan], graph: DiGraph, res: dict) -> None:
    """Copying strategy: a copy at every boundary in the copy pool's memory, and a
    registration stage that allocates and registers every chunk buffer before the fetch."""
    pool = scn.design.copy_on
    assert pool is not None  # checked by check_scenario
    memory = POOL_MEMORY.get(pool)
    pool_path = ".".join(res[pool].path)
    for u, v in list(graph.edges):
        if plans[u].writes != memory:
            continue
        name = f"copy:{u}>{v}"
        form = plans[u].output
        plans[name] = StagePlan(
            name=name, kind="copy", executor=pool, executor_kind="core_pool", input=form, output=form,
            reads=memory, writes=memory, crosses=(), auto_cores=True, cost=f"{pool_path}.costs.copy", implied=True,
        )
        graph.remove_edge(u, v)
        graph.add_edge(u, name)
        graph.add_edge(name, v)
    sinks = {n for n in graph if graph.out_degree(n) == 0}
    buffers = tuple((plans[n].writes, plans[n].output) for n in graph if n not in sinks)
    sources = [n for n in graph if graph.in_degree(n) == 0]
    plans["register"] = StagePlan(
        name="register", kind="register", executor=pool, executor_kind="core_pool", input=None, output=None,
        reads=None, writes=None, crosses=(), auto_cores=True, cost=None, implied=True, registers=buffers,
    )
    for src in sources:
        graph.add_edge("register", src)


def _decode_grids(scn: Scenario) -> Params:
    """The scenario's model's measured weight-GEMM grids on its GPU (gpu.decode_gemm_grids), keyed
    ``decode_grids.<batch>.layer.<blocks>`` (share of a layer's GEMM time), ``.head`` (the LM head's
    blocks) and ``.head_over_layer``, and where the rounds are given ``.gemm.<i>.share`` (a GEMM's share of
    a layer's GEMM time) with ``.gemm.<i>.round.<j>.blocks`` and ``.share`` (its rounds in launch order);
    none where the GPU spec has no entry for the model."""
    out: Params = {}
    for g in scn.gpu.decode_gemm_grids:
        if g.model == scn.model.name:
            entry: dict = {"layer": g.layer, "head": g.head, "head_over_layer": g.head_over_layer}
            for i, gemm in enumerate(g.gemms or ()):
                entry[f"gemm.{i}.share"] = gemm.share
                for j, (blocks, share) in enumerate(gemm.rounds):
                    entry[f"gemm.{i}.round.{j}.blocks"], entry[f"gemm.{i}.round.{j}.share"] = blocks, share
            out.update(flatten(entry, f"decode_grids.{g.batch}"))
    return out


def compile_scenario(scn: Scenario) -> tuple[Plan, Params]:
    """The Plan of a scenario and its parameter table."""
    stages, graph = _stage_plans(scn)
    res = resource_table(scn)
    used: list[str] = ["network"]
    for st in stages:
        for name in (st.reads, st.writes, *st.crosses):
            if name and name not in used:
                used.append(name)
    resources: list[tuple[str, str]] = []
    for st in stages:
        if (st.resource_name, st.executor_kind) not in resources:
            resources.append((st.resource_name, st.executor_kind))
    resources += [(name, res[name].kind) for name in used]
    transport = scn.network.transport is not None and any(st.reads == "network" for st in stages)
    if transport:
        resources.append((REQUEST_WINDOW, "window"))
    threads: dict[str, list[str]] = {}
    for st in stages:
        thread = scn.design.stages[st.name].thread if st.name in scn.design.stages else None
        if thread is not None:
            threads.setdefault(thread, []).append(st.name)
    resources += [(thread_resource(t), "thread") for t in threads]
    resources.append(("buffers", "buffers"))

    def paths(kind: str, names: list[str]) -> tuple[tuple[str, str], ...]:
        return tuple((n, ".".join(res[n].path)) for n in names if res[n].kind == kind)

    pools = sorted({st.executor for st in stages if st.executor_kind == "core_pool"})
    engines = sorted({st.executor for st in stages if st.executor_kind == "engine"})
    written = [n for n in used if res[n].kind == "memory"]
    plan = Plan(
        stages=tuple(stages),
        edges=tuple(sorted(graph.edges)),
        resources=tuple(resources),
        memory_paths=paths("memory", used),
        link_paths=paths("link", used),
        pools=paths("core_pool", pools),
        engines=paths("engine", engines),
        key_groups=len(scn.codec.key.leading),
        value_groups=len(scn.codec.value.leading),
        dtype_bytes=DTYPE_BYTES[scn.model.dtype],
        network_on_nic=any(st.reads == "network" and st.executor.startswith("nic.") for st in stages),
        protocol=scn.network.protocol,
        network_path=(network_path(scn.network.fabric, scn.network.source_tor, scn.network.dest_tor)
                      if scn.network.fabric is not None else None),
        memory_capacity=paths("memory", written),
        transport=transport,
        client_transport=transport and scn.design.transport is not None,
        threads=tuple((t, tuple(names)) for t, names in threads.items()),
        side_table=scn.codec.side_table_per_stream is not None,
        forms=_forms(scn),
    )
    params = flatten(scn, skip=frozenset({"gpu.decode_gemm_grids"}))  # the model's own, below
    params.update(_decode_grids(scn))
    if scn.design.chunk_tokens == "naive":
        params["design.chunk_tokens"] = math.inf
    return plan, params
