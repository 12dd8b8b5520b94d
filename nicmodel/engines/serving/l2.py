"""L2 residency (docs/serving.md, L2 residency): a launch whose footprint, touched again every launch,
fits in the GPU's L2 finds its data there alone; beside decode the weights decode streams through L2 have
evicted it. The interference model (interference.py) adds ``l2_term`` to a co-runner's memory terms.

All functions take the flat parameter table (dotted spec paths, SI units)."""

from __future__ import annotations

from typing import Any

Params = dict[str, Any]
CoRunner = Any  # interference.CoRunner (its footprint_bytes and hbm_share are read here)


def l2_term(p: Params, c: CoRunner) -> float:
    """``l2_loss`` x its HBM share alone x ``l2_hit`` (0, reading no coefficient, for a launch L2 does not hold)."""
    hit = l2_hit(p, c)
    return float(p["gpu.interference.l2_loss"]) * min(1.0, c.hbm_share) * hit if hit > 0 else 0.0


def l2_hit(p: Params, c: CoRunner) -> float:
    """The share of a launch's footprint, touched again every launch, that it finds in the GPU's L2
    alone (0 where either is not given): all of it up to ``l2_resident_share`` of the capacity, none
    from the capacity on, falling linearly between (h200/l2_boundary_random/: the loss whole at 40 MiB
    of 60, a third of it at 48, a fifth at 56, none from 60)."""
    l2 = p.get("gpu.l2_cache")
    if c.footprint_bytes is None or l2 is None or c.footprint_bytes <= 0:
        return 0.0
    whole = float(p["gpu.interference.l2_resident_share"]) * float(l2)
    if c.footprint_bytes <= whole:
        return 1.0
    if c.footprint_bytes >= float(l2):
        return 0.0
    return (float(l2) - c.footprint_bytes) / (float(l2) - whole)
