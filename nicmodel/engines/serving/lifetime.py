"""What a co-runner's block lifetime does at decode's kernel boundaries (interference.py, the cut-ins and the grid
waits): blocks that retire within a few microseconds hand their slots to decode's pending kernels, and attention's,
as fast as they retire (h200/drain_random/, h200_dataplane_points*)."""

from __future__ import annotations

from typing import Any

Params = dict[str, Any]


def short_lived(p: Params, tau: float) -> float:
    """cut_in_time / (tau + cut_in_time): near 1 for blocks that retire within a few microseconds,
    near 0 for long-lived ones (0 with cut_in_time 0)."""
    time_s = float(p["gpu.interference.cut_in_time"])
    return time_s / (tau + time_s) if time_s > 0 else 0.0


def cut_in(p: Params, tau: float) -> float:
    """How much more of its later waves a co-runner whose blocks live ``tau`` loses to decode's
    cut-ins at high priority (1 for long-lived blocks, and with ``cut_in_time`` 0)."""
    return 1.0 + float(p["gpu.interference.cut_in_gain"]) * short_lived(p, tau)


def grid_wait(p: Params, c: Any, priority: str, tau: float) -> float:
    """Its growth per unit of decode's attention share x attention's load, while attention's blocks
    wait for slots: at equal priority each launch waits its turn behind them, once, before any of its
    blocks starts (grid_wait_equal over its duration); at high, its short-lived blocks hand them
    their slots as they retire (grid_wait_high x cut_in_time / (tau + cut_in_time))."""
    if priority == "high":
        return float(p["gpu.interference.grid_wait_high"]) * short_lived(p, tau)
    return float(p["gpu.interference.grid_wait_equal"]) / c.duration_s if c.duration_s > 0 else 0.0
