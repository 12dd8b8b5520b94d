"""A fabric path as the data-plane engines see it: bandwidth, first-byte latency, windows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...spec.fabric import OpticalFabric
from .analysis import Fabric, PairReport, Timing, analyze_pair
from .schedule import build


def timing_of(fabric: OpticalFabric) -> Timing:
    return Timing(
        slice_s=fabric.slice.si,
        guard_s=fabric.guard_s,
        tor_ocs_s=fabric.tor_ocs_delay.si,
        tor_latency_s=fabric.tor_latency.si,
        rate_Bps=fabric.uplink_rate.si,
        whole_slice=fabric.guard_mode == "whole_slice",
    )


def fabric_model(fabric: OpticalFabric) -> Fabric:
    """The schedule and its windows."""
    table = build(fabric.schedule.kind, int(fabric.tors.si), int(fabric.uplinks_per_tor.si),
                  fabric.schedule.seed, fabric.schedule.table)
    return Fabric(table, timing_of(fabric))


def default_phases(model: Fabric) -> int:
    """Arrival phases sampled per cycle: 8 per slice, at most 256."""
    return int(min(8 * model.table.shape[0], 256))


def pair_report(fabric: OpticalFabric, src: int, dst: int, model: Fabric | None = None) -> PairReport:
    model = model or fabric_model(fabric)
    return analyze_pair(model, src, dst, fabric.routing, fabric.tor_buffer.si, default_phases(model),
                        fabric.background_load)


@dataclass(frozen=True)
class NetworkPath:
    """The fabric's contribution to a fetch: capacity and latency of one ToR pair, both ways."""

    routing: str
    bandwidth_Bps: float  # effective pair bandwidth (before protocol efficiency)
    data_first_byte_s: float  # mean, store ToR -> server ToR
    request_first_byte_s: float  # mean, server ToR -> store ToR (the fetch request)
    cycle_s: float
    uplink_Bps: float
    # direct routing: (start s, end s, ports) per cycle, ports = circuits up to the server's ToR
    windows: tuple[tuple[float, float, int], ...] = ()


def network_path(fabric: OpticalFabric, src: int, dst: int) -> NetworkPath:
    """Analyze both directions of the pair and summarize what the engines need."""
    model = fabric_model(fabric)
    data = pair_report(fabric, src, dst, model)
    request = pair_report(fabric, dst, src, model)
    windows: tuple[tuple[float, float, int], ...] = ()
    if fabric.routing == "direct":
        spans = model.windows.pair_spans(src, dst)
        edges = sorted({0.0, model.cycle, *[a for a, _ in spans], *[b for _, b in spans]})
        steps = []
        for a, b in zip(edges, edges[1:]):
            if b - a <= 0:
                continue
            ports = sum(1 for s, e in spans if s <= a + 1e-15 and b <= e + 1e-15)
            if steps and steps[-1][2] == ports:
                steps[-1] = (steps[-1][0], b, ports)
            else:
                steps.append((a, b, ports))
        windows = tuple(steps)
    return NetworkPath(
        routing=fabric.routing,
        bandwidth_Bps=float(data.bandwidth_Bps),
        data_first_byte_s=float(np.mean(data.samples)),
        request_first_byte_s=float(np.mean(request.samples)),
        cycle_s=model.cycle,
        uplink_Bps=fabric.uplink_rate.si,
        windows=windows,
    )
