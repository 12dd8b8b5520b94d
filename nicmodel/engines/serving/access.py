"""What a co-runner's memory accesses cost it beside decode: how narrow they are, how much of a block's
life its loads wait one after another, and how much longer a load waits beside attention on this GPU
(interference.py: the narrow-access and loaded-latency terms)."""

from __future__ import annotations

import math
from typing import Any

from .issue import waits_on_memory

Params = dict[str, Any]
CoRunner = Any  # interference.CoRunner (its access_bytes, blocks, shape, hbm_share and duration are read here)
WIDEST_ACCESS = 16  # bytes: the widest load or store one thread issues (a 128-bit vector)
NARROWEST_ACCESS = 2  # bytes: a bf16 scalar, where ``narrow_*`` is the whole term


def narrowness(c: CoRunner) -> float:
    """0 for 16-byte (vector) accesses or kernels that do not stream memory, 1 for 2-byte ones."""
    if c.access_bytes is None:
        return 0.0
    width = min(WIDEST_ACCESS, max(1.0, c.access_bytes))
    return math.log2(WIDEST_ACCESS / width) / math.log2(WIDEST_ACCESS / NARROWEST_ACCESS)


def attention_latency_scale(p: Params) -> float:
    """How much longer a load waits beside attention on this GPU than on the GPU ``narrow_attention``
    was fitted on, in excess over idle: (latency_beside_attention - 1) / (narrow_attention_latency - 1)
    (1 there; the H100's chase reads 1.72x the H200's excess, h100/loaded_latency/)."""
    q = "gpu.interference."  # both above 1 (spec.base.Stretch)
    return (float(p[q + "latency_beside_attention"]) - 1.0) / (float(p[q + "narrow_attention_latency"]) - 1.0)


def latency_boundness(p: Params, c: CoRunner, tau: float) -> float:
    """The share of a block's life alone (``tau``) its loads take one after another at the idle
    latency, at most 1, for a kernel whose blocks wait on memory (issue.waits_on_memory; 0 for any
    other). A thread's accesses are its launch's bytes over its threads and access width; half are
    loads, as in a copy (the stores do not wait): the 2-byte copy probe's blocks take 384-409 ns an
    element a thread, against 339 ns a load idle (validation/traces/h200/placement_copy_sealed2/,
    h200/loaded_latency/)."""
    return load_share(p, c, tau) if waits_on_memory(c) else 0.0


def load_share(p: Params, c: CoRunner, tau: float) -> float:
    """latency_boundness' count for any kernel with an access width (0 without one), whether or not its blocks
    are taken to wait on memory (a screen reads it for the scatter, which has a measured issue share)."""
    if c.access_bytes is None or tau <= 0:
        return 0.0
    moved = c.hbm_share * float(p["gpu.memory.peak_bandwidth"]) * c.duration_s
    loads = moved / (max(c.blocks, 1.0) * c.shape[0] * c.access_bytes) / 2.0
    return min(1.0, loads * float(p["gpu.interference.idle_latency"]) / tau)
