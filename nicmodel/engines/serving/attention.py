"""Decode's attention grid: how many blocks cuDNN's decode attention launches at a batch and
context, and how much of its time those blocks fill SMs whole (docs/serving.md, Attention's grid).

Measured on the H200 (validation/traces/h200/decode_shapes*/): one block per sequence and KV head,
times a power of two of context splits while those are few. A co-runner loses an SM to attention
only where attention's blocks fill it; a grid smaller than the SMs' attention slots leaves room.
"""

from __future__ import annotations

import math
from typing import Any


def attention_waves(blocks: float, sms: float, limit: int) -> int:
    """Waves of attention's grid: ``limit`` of its blocks on each of ``sms`` SMs at once. Beyond one,
    later launches wait for its pending blocks (docs/serving.md, Two-wave attention grids)."""
    return max(1, math.ceil(blocks / (sms * limit)))


def attention_load(blocks: float, sms: float, limit: int) -> float:
    """Attention's blocks over its slots (``limit`` on each of ``sms`` SMs): the grid waits grow with
    it (docs/serving.md, Attention's load)."""
    return blocks / (sms * limit)


def attention_residency(blocks: float, sms: float, limit: int) -> float:
    """The share of attention's time, over its waves, that its blocks fill SMs whole (``limit`` of
    them on an SM). Blocks go breadth-first: each SM takes one before any takes a second, so a grid
    of one wave fills an SM only beyond (limit - 1) x SMs blocks; every wave but the last fills all.
    An SM holding fewer keeps room for a co-runner's blocks (docs/serving.md, Attention's grid)."""
    slots = sms * limit
    waves = attention_waves(blocks, sms, limit)
    last = blocks - (waves - 1) * slots
    return ((waves - 1) + min(1.0, max(0.0, (last - (limit - 1) * sms) / sms))) / waves


GRID = "gpu.decode_kernels.attention_grid."


def attention_blocks(p: dict[str, Any], batch: float, context: float) -> float | None:
    """Blocks of decode's attention kernel at this batch and context (None: the spec gives no grid):
    one per sequence and KV head, times a power of two of context splits while those are few."""
    if GRID + "split_max_heads" not in p:
        return None
    heads = max(1.0, round(batch)) * float(p["model.kv_heads"])
    splits = 1.0
    if heads <= float(p[GRID + "split_max_heads"]):
        most = min(float(p[GRID + "split_target_blocks"]) / heads, context / float(p[GRID + "split_min_tokens"]))
        splits = 2.0 ** math.floor(math.log2(most)) if most >= 1 else 1.0
    return heads * splits
