"""Decode's attention grid: how many blocks cuDNN's decode attention launches at a batch and
context, how much of its time those blocks fill SMs whole (docs/serving.md, Attention's grid), and
how long its waves take (docs/modeling.md, The decode step).

Measured on the H200 (validation/traces/h200/decode_shapes*/): one block per sequence and KV head,
times a power of two of context splits while those are few. A co-runner loses an SM to attention
only where attention's blocks fill it; a grid smaller than the SMs' attention slots leaves room.
A block streams the KV cache at its own rate at most (it keeps few loads in flight), so a wave of
fewer blocks than HBM's bandwidth over that rate leaves HBM idle: a small grid, or a small last wave.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .occupancy import blocks_per_sm, shape_at


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
ARRAYS = (np.ndarray, list, tuple)  # batches or contexts given as many; anything else is one number


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


def grid_blocks(p: dict[str, Any], batch: Any, context: Any) -> Any:
    """attention_blocks for arrays of batches and contexts (the spec must give a grid; the same rule,
    vectorized: the serving engine's one-step calls take the scalar one, which is faster)."""
    heads = np.maximum(1.0, np.round(batch)) * float(p["model.kv_heads"])
    most = np.minimum(float(p[GRID + "split_target_blocks"]) / heads,
                      np.asarray(context, dtype=float) / float(p[GRID + "split_min_tokens"]))
    split = (heads <= float(p[GRID + "split_max_heads"])) & (most >= 1.0)
    return heads * np.where(split, 2.0 ** np.floor(np.log2(np.maximum(most, 1.0))), 1.0)


def wave_stretch(blocks: Any, slots: float, saturating: float) -> Any:
    """Attention's time over its KV bytes at the step's bandwidth, for ``blocks`` equal blocks in
    waves of ``slots``: a wave takes as long as ``saturating`` blocks (HBM's bandwidth over one
    block's) would, at least, so ``((waves - 1) x max(slots, k) + max(last, k)) / blocks``; 1 where
    every wave saturates HBM."""
    if not isinstance(blocks, ARRAYS):  # one step: plain floats are 10x faster than numpy's
        n = max(float(blocks), 1.0)
        waves = math.ceil(n / slots)
        return ((waves - 1) * max(slots, saturating) + max(n - (waves - 1) * slots, saturating)) / n
    blocks = np.maximum(np.asarray(blocks, dtype=float), 1.0)
    waves = np.ceil(blocks / slots)
    last = blocks - (waves - 1.0) * slots
    return ((waves - 1.0) * max(slots, saturating) + np.maximum(last, saturating)) / blocks


def attention_stretch(p: dict[str, Any], batch: Any, context: Any) -> Any:
    """wave_stretch at this batch and context: 1 without a grid or a block bandwidth in the spec."""
    rate = p.get(GRID + "block_bandwidth")
    scalar = not isinstance(batch, ARRAYS) and not isinstance(context, ARRAYS)
    if GRID + "split_max_heads" not in p or rate is None:
        return 1.0 if scalar else np.ones(np.broadcast(np.asarray(batch), np.asarray(context)).shape)
    slots = float(p["gpu.sms"]) * blocks_per_sm(p, shape_at(p, "gpu.decode_kernels.attention"))
    saturating = float(p["gpu.memory.peak_bandwidth"]) * float(p["gpu.decode_efficiency"]) / float(rate)
    blocks = attention_blocks(p, float(batch), float(context)) if scalar else grid_blocks(p, batch, context)
    return wave_stretch(blocks, slots, saturating)
