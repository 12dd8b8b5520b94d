"""What a simulation run produced, in cycles: arrivals and finishes, chunk completions, per-stage
records, each resource's use, memory peaks and areas, samples. ``report`` turns it into seconds
and statistics."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...spec.requests import RequestSpec
from ..plan import Plan



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
    executors: dict[str, Any]  # name -> Usage (busy server-cycles, servers)
    shared: dict[str, Any]  # name -> Usage (busy cycles, bytes moved, open fraction)
    engine_bandwidth: dict[str, Any]
    memory_peak: dict[str, float]
    memory_area: dict[str, float]  # byte-cycles, for the time average
    slots: int = 1
    slot_area: int = 0  # occupied slot-cycles
    samples: list[tuple[int, dict[str, float]]] = field(default_factory=list)  # (time, busy so far)
    memory_samples: list[tuple[int, dict[str, float]]] = field(default_factory=list)  # (time, bytes held)
    events: int = 0
    end: int = 0
