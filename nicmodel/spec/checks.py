"""Cross-field checks of a scenario: the stage DAG and its bindings to resources.

Field-level checks live on the pydantic types; these need the whole scenario. Each problem
is reported with the field path it concerns so the loader can point at a file line.
"""

from __future__ import annotations

from .graph import DiGraph, find_cycle, topological_order, weakly_connected

from .design import Design
from .scenario import ResourceInfo, Scenario, resource_table
from .workload import check_codec_fits_model


class Problem(Exception):
    """A scenario problem at a field path."""

    def __init__(self, path: tuple, message: str):
        super().__init__(message)
        self.path = path
        self.message = message


def build_graph(design: Design) -> DiGraph:
    """The stage DAG: one node per stage, an edge from each `after` entry to its stage."""
    graph = DiGraph()
    for name in design.stages:
        graph.add_node(name)
    for name, stage in design.stages.items():
        for pred in stage.after:
            if pred not in design.stages:
                raise Problem(
                    ("design", "stages", name, "after"),
                    f"refers to stage {pred!r}, which does not exist (stages: {', '.join(design.stages)})",
                )
            graph.add_edge(pred, name)
    cycle = find_cycle(graph)
    if cycle:
        cycle = " -> ".join(cycle)
        raise Problem(("design", "stages"), f"stage graph has a cycle: {cycle}; a design must be a DAG")
    return graph


def _check_kind(name: str, kind: str, scn: Scenario) -> None:
    """The stage's kind and forms are its data plane's (workloads/dataplanes/)."""
    plane = scn.dataplane
    if kind not in plane.kinds:
        raise Problem(("design", "stages", name, "kind"),
                      f"unknown stage kind {kind!r}: expected {', '.join(repr(k) for k in plane.kinds)} "
                      f"(the {plane.name} data plane's kinds)")
    for field in ("input", "output"):
        form = getattr(scn.design.stages[name], field)
        if form not in plane.forms:
            raise Problem(("design", "stages", name, field),
                          f"unknown form {form!r}: expected {', '.join(repr(f) for f in plane.forms)} "
                          f"(the {plane.name} data plane's forms)")


def _check_executor(name: str, kind: str, on: str, res: dict[str, ResourceInfo], scn: Scenario) -> None:
    path = ("design", "stages", name, "resource")
    if on not in res:
        raise Problem(path, f"resource {on!r} does not exist; available: {', '.join(sorted(res))}")
    info = res[on]
    spec = scn.dataplane.kinds[kind]
    if info.kind not in spec.executors:
        allowed = ", ".join(sorted(r for r, i in res.items() if i.kind in spec.executors))
        raise Problem(path, f"{on} ({info.kind}) cannot run a {kind} stage; expected one of: {allowed or 'none here'}")
    algorithm = scn.codec.algorithm
    if info.kind == "engine":
        if kind not in info.spec.runs:
            raise Problem(path, f"engine {on} runs {info.spec.runs}, not {kind}")
        if spec.codec_algorithm and algorithm not in info.spec.algorithms:
            raise Problem(path, f"engine {on} decompresses {info.spec.algorithms}, not the codec's {algorithm!r}")
    if info.kind == "gpu_compute" and spec.gpu_kernel:
        kernel = info.spec.kernels.get(kind)
        if kernel is None:
            raise Problem(path, f"{on} has no kernel for {kind!r} (add gpu.kernels.{kind})")
        if spec.codec_algorithm and algorithm not in kernel.algorithms:
            raise Problem(path, f"the GPU's {kind} kernel decodes {kernel.algorithms}, not {algorithm!r}")
    if info.kind == "core_pool":
        cost = info.spec.costs.get(kind)
        if cost is None:
            raise Problem(path, f"{on} has no cost for {kind!r} (add {'.'.join(info.path)}.costs.{kind})")
        if spec.codec_algorithm and algorithm not in cost.algorithms:
            raise Problem(path, f"{on} {kind} cost covers {cost.algorithms}, not {algorithm!r}")


def _check_place(name: str, field: str, target: str, res: dict[str, ResourceInfo], kinds: set[str]) -> None:
    if target not in res or res[target].kind not in kinds:
        allowed = ", ".join(sorted(r for r, i in res.items() if i.kind in kinds))
        raise Problem(("design", "stages", name, field), f"{target!r} is not one of: {allowed}")


def _check_threads(design: Design, graph: DiGraph) -> None:
    """A thread walks its stages one after the other for a chunk: they must form a chain."""
    members: dict[str, list[str]] = {}
    for name in topological_order(graph):
        thread = design.stages[name].thread
        if thread is not None:
            members.setdefault(thread, []).append(name)
    for thread, names in members.items():
        for up, down in zip(names, names[1:]):
            if not graph.has_edge(up, down):
                raise Problem(("design", "stages", down, "thread"),
                              f"thread {thread!r} runs {up!r} and {down!r}, but {down!r} does not follow {up!r} "
                              "directly (`after`); a thread's stages must form a chain")


def check_scenario(scn: Scenario) -> DiGraph:
    """Raise Problem for the first inconsistency; return the stage DAG when all is well."""
    for message in check_codec_fits_model(scn.codec, scn.model):
        raise Problem(("codec",), message)
    design = scn.design
    if design.mode == "recompute":
        if design.stages:
            raise Problem(("design", "stages"), "a recompute design has no data plane; remove the stages")
        return build_graph(design)
    if not design.stages:
        raise Problem(("design", "stages"), "a design needs at least one stage")
    if design.chunk_tokens != "naive" and design.chunk_tokens < 1:
        raise Problem(("design", "chunk_tokens"), "must be a positive number of tokens or 'naive'")
    res = resource_table(scn)
    graph = build_graph(design)
    pinned: dict[str, int] = {}
    for name, st in design.stages.items():
        _check_kind(name, st.kind, scn)
        _check_executor(name, st.kind, st.resource, res, scn)
        _check_place(name, "reads", st.reads, res, {"memory", "network"})
        _check_place(name, "writes", st.writes, res, {"memory"})
        for link in st.crosses:
            _check_place(name, "crosses", link, res, {"link"})
        expected = scn.dataplane.kinds[st.kind].turns
        if expected and (st.input, st.output) != expected:
            raise Problem(
                ("design", "stages", name, "output"),
                f"a {st.kind} stage turns {expected[0]} into {expected[1]}, not {st.input} into {st.output}",
            )
        if not expected and st.input != st.output:
            raise Problem(("design", "stages", name, "output"), f"a {st.kind} stage does not change the data's form")
        is_pool = res[st.resource].kind == "core_pool"
        if is_pool and st.cores is None:
            raise Problem(("design", "stages", name, "cores"), "a stage on a core pool needs cores: N or 'auto'")
        if not is_pool and st.cores is not None:
            raise Problem(("design", "stages", name, "cores"), f"{st.resource} is not a core pool; remove cores")
        if isinstance(st.cores, int):
            if st.cores < 1:
                raise Problem(("design", "stages", name, "cores"), "must be at least 1")
            pinned[st.resource] = pinned.get(st.resource, 0) + st.cores
        for pred in st.after:
            up = design.stages[pred]
            if up.output != st.input:
                raise Problem(
                    ("design", "stages", name, "input"),
                    f"reads {st.input} but stage {pred!r} produces {up.output}: bytes would not be conserved",
                )
            if up.writes != st.reads:
                raise Problem(
                    ("design", "stages", name, "reads"),
                    f"reads from {st.reads} but stage {pred!r} writes to {up.writes}",
                )
    for pool, used in pinned.items():
        total = int(res[pool].spec.cores.si)
        if used > total:
            raise Problem(("design", "stages"), f"stages pin {used} cores of {pool}, which has {total}")
    sources = [n for n in graph if graph.in_degree(n) == 0]
    for name in sources:
        if design.stages[name].reads != "network":
            raise Problem(("design", "stages", name, "reads"), "a first stage must read from the network")
    if not weakly_connected(graph):
        raise Problem(("design", "stages"), "stages form more than one pipeline; connect them with `after`")
    sinks = [n for n in graph if graph.out_degree(n) == 0]
    for name in sinks:
        st = design.stages[name]
        if st.writes != "gpu.memory" or st.output != scn.dataplane.delivers:
            raise Problem(
                ("design", "stages", name, "writes"),
                f"a last stage must deliver {scn.dataplane.delivers} into gpu.memory"
            )
    _check_threads(design, graph)
    for name, st in design.stages.items():
        if st.traffic_per_output_byte is not None and res[st.resource].kind != "gpu_compute":
            raise Problem(("design", "stages", name, "traffic_per_output_byte"),
                          "applies to GPU stages only (gpu.sm); remove it")
    if design.transport is not None and scn.network.transport is None:
        raise Problem(("design", "transport"),
                      f"the network {scn.network.name!r} has no transport (per-chunk requests); add network.transport "
                      "or remove design.transport")
    if design.copy_strategy == "copying":
        pool = design.copy_on
        if pool is None or pool not in res or res[pool].kind != "core_pool":
            pools = ", ".join(r for r, i in res.items() if i.kind == "core_pool")
            raise Problem(("design", "copy_on"), f"the copying strategy needs copy_on: one of {pools}")
        if "copy" not in res[pool].spec.costs:
            raise Problem(("design", "copy_on"), f"{pool} has no cost for 'copy'")
        for name, st in design.stages.items():
            if graph.out_degree(name) == 0:
                continue
            memory = res[st.writes].spec
            if memory.registration_per_buffer is None or memory.pinning_rate is None:
                raise Problem(
                    ("design", "copy_strategy"),
                    f"copying registers buffers per chunk, but {st.writes} has no "
                    "registration_per_buffer / pinning_rate",
                )
    return graph
