"""Packing: a one-wave launch that lands while decode's kernels hold SMs crowds its blocks onto the
few SMs free, and lasts as long as its most-packed SM (interference.py, the packing term;
validation/traces/h200/placement/)."""

from __future__ import annotations

import math
from typing import Any

from .issue import waits_on_memory
from .occupancy import Shape, blocks_beside, blocks_per_sm, warps

Params = dict[str, Any]


def packing(p: Params, c: Any, shapes: dict[str, Shape], resident: dict[str, int]) -> tuple[tuple[str, ...], float]:
    """The decode kernels a launch ``c`` (a CoRunner) packs beside (fewer of its blocks fit beside
    them, ``resident`` of theirs on an SM, than on a free SM), and the issue slowdown - 1 of its
    most-packed SM then (0 for launches that fill every SM to their limit alone: they cannot pack
    tighter; 0 for one whose blocks wait on memory, issue.waits_on_memory: packed, they overlap
    their loads)."""
    sms = float(p["gpu.sms"])
    limit = blocks_per_sm(p, c.shape)
    if c.blocks >= sms * limit or waits_on_memory(c):
        return (), 0.0  # every SM full alone; or its blocks wait on memory, not on issue
    kinds = tuple(k for k, shape in shapes.items() if blocks_beside(p, c.shape, shape, resident[k], limit) < limit)
    return kinds, pack_slowdown(p, c, sms * (1 - float(p["gpu.decode_kernels.weights_sm_share"])))


def pack_slowdown(p: Params, c: Any, free: float) -> float:
    """The issue slowdown - 1 of the most-packed SM of a one-wave launch that lands with ``free`` SMs
    free (at least one): its blocks go to those, up to min(its limit, its share alone + ``pack_blocks``,
    blocks / free SMs) on one SM."""
    sms, limit = float(p["gpu.sms"]), blocks_per_sm(p, c.shape)
    alone = max(1.0, c.blocks / sms)
    packed = packed_per_sm(c.blocks, sms, limit, float(p["gpu.interference.pack_blocks"]), free)
    return issue_slowdown(packed, alone, float(warps(c.shape[0])), float(p["gpu.interference.issue_warps"]))


def issue_slowdown(per_sm: float, alone: float, per_block: float, saturate: float) -> float:
    """The issue slowdown - 1 of an SM holding ``per_sm`` blocks of ``per_block`` warps against ``alone`` a SM: an
    SM's blocks issue slower once it holds more than ``saturate`` warps (``issue_warps``)."""
    return max(1.0, per_sm * per_block / saturate) / max(1.0, alone * per_block / saturate) - 1


def gemm_pack_slowdown(grids: Any, sms: float, blocks: float, limit: float, pack_blocks: float, per_block: float,
                       saturate: float, full: float) -> float:
    """The packed room (docs/serving.md, The packed room; adopted 2026-12-07 with the fifteenth candidate): the issue
    slowdown - 1 of a one-wave launch's most-packed SM beside decode's weight GEMMs, weighted by their time. Each GEMM
    is read at its first round's free SMs, as the first round's room reads them (gemm_grids.first_round_shares), at
    the room's density (packed_per_sm); a GEMM whose first round leaves no SM free gives ``full`` (the count at
    ``decode_kernels.weights_sm_share``'s free SMs: its blocks land on the SMs its CTAs free as they retire, which
    no grid gives). Over the grids, each GEMM one round, where the rounds are not given."""
    gemms = getattr(grids, "gemms", ()) or tuple((w, ((g, 1.0),)) for g, w in grids)
    alone = max(1.0, blocks / sms)
    total = 0.0
    for w, rounds in gemms:
        free = sms - rounds[0][0]
        slow = (issue_slowdown(packed_per_sm(blocks, sms, limit, pack_blocks, free), alone, per_block, saturate)
                if free >= 1 else full)
        total += w * sum(share for _, share in rounds) * slow
    return total


def packed_per_sm(blocks: float, sms: float, limit: float, pack_blocks: float, free: float) -> float:
    """Blocks on the most-packed SM of a one-wave launch of ``blocks`` that lands with ``free`` SMs free: min(its
    limit, its share alone + ``pack_blocks``, blocks / free SMs), never fewer than its share alone."""
    alone = max(1.0, blocks / sms)
    return min(limit, max(alone, min(alone + pack_blocks, math.ceil(blocks / max(1.0, free)))))
