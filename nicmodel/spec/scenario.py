"""A scenario binds hardware, workload and a design; plus the table of its resources."""

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from .base import Param, StrictModel
from .dataplane import DataPlane
from .design import Design
from .hardware import Gpu, HostCpu, NetworkLink, SmartNic
from .workload import Codec, LlmModel, Request, Serving

ResourceKind = Literal["core_pool", "engine", "gpu_compute", "memory", "link", "network"]


class Scenario(StrictModel):
    """Everything one evaluation needs. Hardware and workload entries may be given inline or
    by name (e.g. `nic: bluefield3`, resolved from hwspecs/ and workloads/)."""

    name: str
    """Short name used in tables."""
    description: str = ""
    """What this scenario represents."""
    nic: SmartNic | None = None
    """The SmartNIC, if the design uses one."""
    gpu: Gpu
    """The GPU receiving the KV cache."""
    host: HostCpu | None = None
    """The host CPU, if the design uses it."""
    network: NetworkLink
    """The path from the KV store."""
    model: LlmModel
    """The LLM whose KV cache is fetched."""
    codec: Codec
    """How the KV cache is stored."""
    request: Request
    """The request being served."""
    serving: Serving | None = None
    """Serving workload (for `nicmodel serve`)."""
    design: Design
    """The data-plane design."""
    dataplane: DataPlane
    """The forms and stage kinds the design is written in (workloads/dataplanes/; kv-cache when
    the scenario names none)."""


@dataclass(frozen=True)
class ResourceInfo:
    """A resource a stage can use, with the spec object that describes it."""

    name: str
    kind: ResourceKind
    spec: Any
    path: tuple


def resource_table(scn: Scenario) -> dict[str, ResourceInfo]:
    """All resources the scenario's hardware provides, by the names designs use."""
    table: dict[str, ResourceInfo] = {}

    def add(name: str, kind: ResourceKind, spec: Any, path: tuple) -> None:
        table[name] = ResourceInfo(name, kind, spec, path)

    add("network", "network", scn.network, ("network",))
    if scn.nic is not None:
        add("nic.arm", "core_pool", scn.nic.arm, ("nic", "arm"))
        add("nic.memory", "memory", scn.nic.memory, ("nic", "memory"))
        add("nic.pcie", "link", scn.nic.pcie, ("nic", "pcie"))
        for name, engine in scn.nic.engines.items():
            add(f"nic.{name}", "engine", engine, ("nic", "engines", name))
    add("gpu.sm", "gpu_compute", scn.gpu, ("gpu",))
    add("gpu.memory", "memory", scn.gpu.memory, ("gpu", "memory"))
    add("gpu.pcie", "link", scn.gpu.pcie, ("gpu", "pcie"))
    if scn.gpu.copy_engine is not None:
        add("gpu.copy", "engine", scn.gpu.copy_engine, ("gpu", "copy_engine"))
    if scn.host is not None:
        add("host.cpu", "core_pool", scn.host.cpu, ("host", "cpu"))
        add("host.memory", "memory", scn.host.memory, ("host", "memory"))
    return table


def param_at(scenario: Scenario, path: str) -> Param | None:
    """The spec number at dotted ``path`` ('network.bandwidth'), or None if there is none."""
    obj: Any = scenario
    for part in path.split("."):
        if isinstance(obj, BaseModel) and part in type(obj).model_fields:
            obj = getattr(obj, part)
        elif isinstance(obj, dict) and part in obj:
            obj = obj[part]
        else:
            return None
    return obj if isinstance(obj, Param) else None
