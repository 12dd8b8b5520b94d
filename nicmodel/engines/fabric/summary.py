"""Figures a planner reads about a fabric: the schedule as a whole, and one ToR pair."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...errors import InfeasibleError, SpecError
from ...spec.fabric import OpticalFabric
from .analysis import Fabric, analyze_pair, transfer_times
from .path import default_phases, fabric_model

GBPS = 8 / 1e9


def schedule_summary(fabric: OpticalFabric, model: Fabric) -> dict[str, Any]:
    """Cycle, guard, duty cycle, and how evenly circuits are shared between pairs."""
    table = model.table
    slices, n, k = table.shape
    counts = np.zeros((n, n))
    for s in range(slices):
        for p in range(k):
            dest = table[s, :, p]
            ok = dest >= 0
            np.add.at(counts, (np.arange(n)[ok], dest[ok]), 1)
    off = ~np.eye(n, dtype=bool)
    share = counts[off] / slices
    return {
        "fabric": fabric.name,
        "schedule": fabric.schedule.kind,
        "routing": fabric.routing,
        "tors": n,
        "uplinks_per_tor": k,
        "uplink_gbps": fabric.uplink_rate.si * GBPS,
        "slices_per_cycle": slices,
        "slice_s": fabric.slice.si,
        "cycle_s": model.cycle,
        "guard_s": fabric.guard_s,
        "guard_mode": fabric.guard_mode,
        "port_duty_cycle": model.windows.port_duty,
        "circuit_share": {"mean": float(share.mean()), "min": float(share.min()), "max": float(share.max())},
        "pairs_without_direct_circuit": int((counts[off] == 0).sum()),
        "per_tor_uplink_gbps": k * fabric.uplink_rate.si * GBPS,
    }


def pair_summary(fabric: OpticalFabric, model: Fabric, src: int, dst: int, nbytes: float | None) -> dict[str, Any]:
    """One ordered pair under every routing scheme (the spec's own first)."""
    n = model.n
    for name, tor in (("source", src), ("destination", dst)):
        if not 0 <= tor < n:
            raise SpecError(f"{name} ToR {tor} is not in 0..{n - 1}", "--pair")
    if src == dst:
        raise SpecError("source and destination are the same ToR", "--pair")
    out: dict[str, Any] = {"source_tor": src, "dest_tor": dst, "routing": {}, "background_load": fabric.background_load}
    order = [fabric.routing] + [r for r in ("direct", "vlb", "fastest_path") if r != fabric.routing]
    for routing in order:
        try:
            r = analyze_pair(model, src, dst, routing, fabric.tor_buffer.si, default_phases(model),
                             fabric.background_load)
        except InfeasibleError as exc:
            out["routing"][routing] = {"unavailable": str(exc)}
            continue
        entry = {
            "circuit_share": r.circuit_share,
            "direct_bandwidth_gbps": r.direct_bandwidth_Bps * GBPS,
            "bandwidth_gbps": r.bandwidth_Bps * GBPS,
            "burst_bytes": r.burst_bytes,
            "first_byte_wait_s": r.wait_s,
            "first_byte_latency_s": r.first_byte_s,
            "hops": r.hops,
            "jitter_s": r.jitter_s,
            "source_buffer_bytes": r.source_buffer_bytes,
            "intermediate_buffer_bytes": r.intermediate_buffer_bytes,
            "tor_buffer_bytes": r.tor_buffer_bytes,
            "loss_free": r.loss_free,
        }
        if nbytes is not None:
            entry["transfer_s"] = transfer_times(model, r, src, dst, nbytes)
        out["routing"][routing] = entry
    return out


def fabric_report(fabric: OpticalFabric, pair: tuple[int, int] | None = None, nbytes: float | None = None) -> dict[str, Any]:
    model = fabric_model(fabric)
    report = {"schedule": schedule_summary(fabric, model)}
    if pair is not None:
        report["pair"] = pair_summary(fabric, model, pair[0], pair[1], nbytes)
        if nbytes is not None:
            report["pair"]["bytes"] = nbytes
    return report
