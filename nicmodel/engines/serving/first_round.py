"""The first round's room (docs/serving.md, The first round's room; adopted 2026-12-07 with the twelfth candidate,
validation/collect/declared_runs.md): a co-runner's launch waits for a dispatch slot behind decode's weight GEMMs only
for U, the time-weighted share of its blocks the SMs each GEMM's first round leaves free cannot hold at the packing
density (gemm_grids.first_round_unheld; a persistent GEMM's tail frees its SMs one by one, so it is read at the first
round's CTAs). The rest start on those SMs at once, and a launch that streams memory with a measured issue share (the
paged-KV scatter) runs there at the loaded latency beside decode: its growth gains weights x (1 - U) x
(latency_beside_decode - 1). Its wave-boundary losses, the blocking, decode's side and the turn rounds keep decode's
whole weight share. Where no grids are measured U is 1 and nothing moves (h100/marked_timeline_*/: launches ready
inside 72-80-CTA GEMMs start their first block within 3.0-3.5 us, inside GEMMs holding every SM after 9-16 us)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .gemm_grids import first_round_unheld
from .issue import waits_on_memory


def unheld(profile: Any, blocks: float, limit: float, pack_blocks: float) -> float:
    """U for a launch of ``blocks`` (``limit`` a SM at most, ``pack_blocks`` over its share alone on a free SM) beside
    the step ``profile``'s weight GEMMs; 1 where their grids are not measured."""
    if profile.grids is None or "weights" not in profile.shares:
        return 1.0
    return first_round_unheld(profile.grids, profile.sms, blocks, limit, pack_blocks)


def free_latency(p: dict[str, Any], c: Any) -> float:
    """latency_beside_decode - 1 for a launch ``c`` (a CoRunner) that streams memory with a measured issue share (an
    access width, and blocks that do not wait on memory: issue.waits_on_memory), 0 for any other."""
    if c.access_bytes is None or waits_on_memory(c):
        return 0.0
    return float(p["gpu.interference.latency_beside_decode"]) - 1.0


def room(coupling: Any, profile: Any, k: float) -> tuple[float, float]:
    """(the share of decode's time the launch's dispatch wait reads, its free run's growth) for ``coupling`` (an
    interference.Coupling) beside ``profile``: ``k``, its view of decode's exclusive share, and no free run where U is
    1; else that view with decode's weight share x U, and weights x (1 - U) x its free_latency."""
    u = coupling.unheld(profile)
    if u >= 1.0:
        return k, 0.0
    weights = profile.shares["weights"]
    roomy = replace(profile, shares={**profile.shares, "weights": weights * u})
    return coupling.kept_exclusive(roomy, coupling.exclusive(roomy)), weights * (1.0 - u) * coupling.free_latency
