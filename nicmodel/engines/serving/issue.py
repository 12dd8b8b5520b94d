"""A co-runner's demand for an SM's instruction issue slots, and what follows from it: whether its
blocks make up a spill's wait (interference.py, the spill per launch) and what attention's block
on its SM costs it (phases.py, attention's phase)."""

from __future__ import annotations

import math
from typing import Any

Params = dict[str, Any]
CoRunner = Any  # interference.CoRunner (its shape, issue_share and access_bytes are read here)


def issue_demand(p: Params, c: CoRunner, per_sm: float) -> float:
    """Its blocks' demand for an SM's issue slots, 1 where they saturate them: warps x issue share
    (unmeasured: the ALU body's, 1) over ``issue_warps`` (more than 1: past saturation)."""
    share = 1.0 if c.issue_share is None else c.issue_share
    return max(per_sm, 1.0) * math.ceil(c.shape[0] / 32) * share / float(p["gpu.interference.issue_warps"])


def waits_on_memory(c: CoRunner) -> bool:
    """Whether it streams memory with no measured issue share: its blocks wait on memory, not on
    issue, so neither attention's issue slots nor packing beside its own blocks slow it (Nsight
    Compute: the synthetic streaming bodies issue 0.09-0.42 of the ALU body's per warp,
    validation/traces/h200/issue/issue.csv; the copy body's alone curve, h200/placement_copy_curve/)."""
    return c.access_bytes is not None and c.issue_share is None


def attention_issue_demand(p: Params, c: CoRunner, per_sm: float) -> float:
    """Its demand for the issue slots attention's block shares (phases.issue_loss), at most 1; none
    for a kernel whose blocks wait on memory (``waits_on_memory``)."""
    if waits_on_memory(c):
        return 0.0
    return min(1.0, issue_demand(p, c, per_sm))


def unrecovered(p: Params, c: CoRunner, per_sm: float) -> float:
    """The share of a spill's wait the launch does not make up: blocks past their SM's issue slots
    run faster beside fewer of their own; others do not (a spilled launch of CacheGen's decoder,
    issue share 0.59, 1.95x alone; its ALU twin's 1.62x)."""
    return 1.0 / max(1.0, issue_demand(p, c, per_sm))
