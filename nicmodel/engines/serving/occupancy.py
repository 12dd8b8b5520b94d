"""How many thread blocks of a shape one SM holds, alone or beside blocks of another shape (CUDA's
occupancy rules: threads, registers allocated per warp, shared memory with the runtime's reserve,
and a block count, per SM; and, for blocks together, the registers of the fullest of the SM's
sub-partitions, each of which holds its own warps and its share of the register file). Decode's
kernels, attention's grid and the co-runners all use them.

Left out: the shared-memory carveout. A block launched with a smaller carveout than a later
kernel needs keeps that kernel off its SM whatever the free bytes (measured:
validation/traces/h200/residency_synthetic/, a 225 KB block beside a default-carveout spin
block); which carveout the driver picks for each kernel is not in the specs (docs/serving.md,
Sub-partitions and the latency relief)."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

Params = dict[str, Any]
Shape = tuple[int, int, int]  # threads per block, registers per thread, shared memory per block (bytes)
RESERVED_SMEM = 1024  # bytes the runtime reserves per resident block (CUDA occupancy rules)


def shape_at(p: Params, path: str) -> Shape:
    """A block shape from the spec at ``path`` (a BlockShape or KernelLaunch)."""
    return (int(p[f"{path}.threads_per_block"]), int(p[f"{path}.registers_per_thread"]),
            int(p[f"{path}.shared_memory_per_block"]))


def warps(threads: int) -> int:
    """Warps a block of this many threads takes (32 threads each, the last one partly empty)."""
    return math.ceil(threads / 32)


def _block_registers(shape: Shape) -> int:
    """Registers a block takes: per warp, rounded up to units of 256."""
    threads, regs, _ = shape
    return math.ceil(max(regs, 1) * 32 / 256) * 256 * warps(threads)


def _block_smem(shape: Shape) -> int:
    return shape[2] + RESERVED_SMEM if shape[2] else 0


Limits = tuple[float, float, float, float, int]  # max threads, registers, shared memory, blocks, sub-partitions per SM


def _limits(p: Params) -> Limits:
    return (float(p["gpu.sm_limits.max_threads"]), float(p["gpu.sm_limits.registers"]),
            float(p["gpu.sm_limits.shared_memory"]), float(p["gpu.sm_limits.max_blocks"]),
            int(p["gpu.sm_limits.sub_partitions"]))


def blocks_per_sm(p: Params, shape: Shape) -> int:
    """Blocks of this shape one SM holds at once (at least 1)."""
    return _blocks_per_sm(_limits(p), shape)


@lru_cache(maxsize=4096)  # pure in its arguments; the serving engine asks at every decode step
def _blocks_per_sm(lim: Limits, shape: Shape) -> int:
    threads, registers, smem, blocks, _ = lim
    limits = [int(blocks), int(threads) // shape[0], int(registers) // _block_registers(shape)]
    if shape[2]:
        limits.append(int(smem) // _block_smem(shape))
    return max(1, min(limits))


def fits_beside(p: Params, a: Shape, b: Shape, n: float) -> bool:
    """Whether one block of shape ``a`` fits on an SM beside ``n`` blocks of shape ``b``."""
    return _fits_beside(_limits(p), a, b, n)


@lru_cache(maxsize=4096)
def _fits_beside(lim: Limits, a: Shape, b: Shape, n: float) -> bool:
    return _fit(lim, a, 1, b, n)


def _fit(lim: Limits, a: Shape, m: float, b: Shape, n: float) -> bool:
    """Whether ``m`` blocks of shape ``a`` and ``n`` of shape ``b`` fit on one SM together: within
    its threads, registers, shared memory and blocks, and within the registers of its fullest
    sub-partition, each kernel's warps spread evenly over them."""
    threads, registers, smem, blocks, parts = lim
    # each kernel's warps on its fullest sub-partition (less a hair, so 12 / 4 stays 3 in floats)
    fullest = sum(math.ceil(k * warps(s[0]) / parts - 1e-9) * _block_registers(s) / warps(s[0])
                  for k, s in ((m, a), (n, b)) if k > 0)
    return (m * a[0] + n * b[0] <= threads
            and m * _block_registers(a) + n * _block_registers(b) <= registers
            and fullest <= registers / parts
            and m * _block_smem(a) + n * _block_smem(b) <= smem
            and m + n <= blocks)


def blocks_beside(p: Params, a: Shape, b: Shape, n: int, most: int) -> int:
    """How many blocks of shape ``a`` (up to ``most``) fit on one SM beside ``n`` blocks of ``b``."""
    return _blocks_beside(_limits(p), a, b, n, most)


@lru_cache(maxsize=16384)  # pure in its arguments; the couplings ask it for every decode kernel of every point
def _blocks_beside(lim: Limits, a: Shape, b: Shape, n: int, most: int) -> int:
    m = 0
    while m < most and _fit(lim, a, m + 1, b, n):
        m += 1
    return m
