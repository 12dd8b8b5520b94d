"""Spec types: pure data, no engine code. See nicmodel.spec.loader for reading them from YAML."""

from .base import Param, Provenance
from .design import Design, Stage
from .hardware import CorePool, Engine, Gpu, HostCpu, Memory, NetworkLink, PcieLink, SmartNic
from .scenario import Scenario, resource_table
from .workload import Codec, LlmModel, Request

__all__ = [
    "Codec", "CorePool", "Design", "Engine", "Gpu", "HostCpu", "LlmModel", "Memory", "NetworkLink",
    "Param", "PcieLink", "Provenance", "Request", "Scenario", "SmartNic", "Stage", "resource_table",
]
