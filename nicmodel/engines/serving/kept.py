"""What a co-runner keeps of an SM beside decode's resident blocks, when decode's are dispatched first.

At high decode priority the block scheduler dispatches decode's pending blocks before the
co-runner's, and a co-runner whose blocks retire within microseconds hands decode their slots
almost at once. What the co-runner then loses on an SM is not whether decode's kernel could sit
beside *its* blocks (decode's view, which the blocking uses) but how much of its own throughput
fits beside *decode's* resident blocks: nothing beside a weight GEMV's block (its registers fill
every sub-partition), most of it beside attention's two blocks.

Throughput is counted the way the kernel is bound: a kernel whose blocks wait on memory
(issue.waits_on_memory) moves data in proportion to its resident blocks; any other runs at the
issue slots its resident warps can use, which saturate past ``issue_warps`` (issue.issue_demand),
so fewer of its blocks beside decode's cost it nothing while they still saturate them.

Measured (validation/traces/h200/probe_phase_attention/, probe_phase_rest/): the ALU probe, 16
blocks of 4 warps per SM, 2.7-us blocks, at high priority takes 1.60-1.76x its time alone beside
decode's attention kernels alone and 3.13-3.29x beside the step without them; decode's view charged
it alike beside both (docs/serving.md, What a co-runner keeps)."""

from __future__ import annotations

import math
from typing import Any

from .issue import issue_demand, waits_on_memory
from .occupancy import Shape, blocks_beside, blocks_per_sm

Params = dict[str, Any]
CoRunner = Any  # interference.CoRunner


def lost_beside(p: Params, c: CoRunner, shapes: dict[str, Shape], resident: dict[str, int],
                per_sm: float, waves: int) -> tuple[tuple[str, float], ...]:
    """For each decode kernel kind, the share of the co-runner's throughput on an SM it loses while
    that kind's resident blocks (``resident``) hold the SM: 1 - kept / alone, its throughput with the
    blocks that fit beside them over its throughput with the blocks it holds alone (its limit for a
    launch of more than one wave)."""
    limit = blocks_per_sm(p, c.shape)
    need = max(1, math.ceil(per_sm - 1e-9)) if waves == 1 else limit

    def throughput(n: int) -> float:
        if n <= 0:
            return 0.0
        return float(n) if waits_on_memory(c) else min(1.0, issue_demand(p, c, n))

    alone = throughput(need)
    return tuple((kind, 1.0 - throughput(min(need, blocks_beside(p, c.shape, shape, resident[kind], need))) / alone)
                 for kind, shape in shapes.items())


def sm_sensitivity(compute: float, wave_memory: float) -> float:
    """How much of the SM time a co-runner loses to decode's cut-ins costs it: all of it for a
    compute-bound kernel, ``wave_memory`` of it for one bound by HBM bandwidth (it streams from the
    SMs it keeps), in proportion to its compute-boundness (1 - its HBM share per SM held)."""
    return compute + (1.0 - compute) * wave_memory
