"""The spec language: what hardware, which workload, which design.

Owns: the spec types (pydantic models, pure data: ``base``, ``hardware``, ``fabric``, ``workload``,
``design``, ``scenario``, ``checks``) and reading them (``loader``: YAML, named references,
overrides, errors with file and line; ``requests``: request traces; ``schema``; ``textio``).
May import: the foundation (errors, units) only. The spec types never import the loading
modules or any engine.
"""

from .base import Param, Provenance
from .design import Design, Stage
from .hardware import CorePool, Engine, Gpu, HostCpu, Memory, NetworkLink, PcieLink, SmartNic
from .scenario import Scenario, resource_table
from .workload import Codec, LlmModel, Request

__all__ = [
    "Codec", "CorePool", "Design", "Engine", "Gpu", "HostCpu", "LlmModel", "Memory", "NetworkLink",
    "Param", "PcieLink", "Provenance", "Request", "Scenario", "SmartNic", "Stage", "resource_table",
]
