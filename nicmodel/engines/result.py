"""Turning engine evaluations into named, unit-bearing results (dicts ready for JSON)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .analytical import Evaluation, bytes_per_token
from .plan import Params, Plan

GBPS = 8 / 1e9  # bytes/s -> Gbit/s


def _f(x: Any) -> float:
    return float(np.asarray(x).reshape(()))


def point_result(plan: Plan, params: Params, ev: Evaluation, name: str = "") -> dict[str, Any]:
    """One design point's results. Units are in the key names."""
    feasible = bool(np.asarray(ev.feasible).reshape(()))
    b = int(np.asarray(ev.bottleneck).reshape(()))
    kinds = dict(plan.resources)
    resources = {r: _f(ev.utilization(r)) if feasible else None for r in ev.resources}
    detail = {}
    for r in ev.resources:
        entry: dict[str, Any] = {"kind": kinds[r], "busy_s_per_chunk": _f(ev.busy[r])}
        if r in ev.traffic:
            entry["bytes_per_chunk"] = _f(ev.traffic[r])
        entry["utilization"] = resources[r]
        detail[r] = entry
    nic_peak = _f(ev.footprint.get("nic.memory", 0.0))
    nic_cap = _f(ev.capacity["nic.memory"]) if "nic.memory" in ev.capacity else None
    warnings = []
    for memory, held in ev.footprint.items():
        if _f(held) > _f(ev.capacity[memory]):
            warnings.append(
                f"{memory}: in-flight buffers need {_f(held) / 2**30:.2f} GiB but only "
                f"{_f(ev.capacity[memory]) / 2**30:.2f} GiB is usable"
            )
    if not feasible:
        warnings.append("infeasible: the core pools have fewer cores than the stages need (one per stage at least)")
    per_token = {k: _f(v) for k, v in bytes_per_token(plan, params).items()}
    prefix = _f(params["request.prefix_tokens"])
    return {
        "scenario": name,
        "feasible": feasible,
        "bottleneck": ev.resources[b] if feasible else "infeasible",
        "throughput_gbps": _f(ev.network_bytes_per_s * GBPS),
        # the form the first stage reads from the network (kv-cache: compressed)
        "network_form": next((s.input for s in plan.stages if s.reads == "network"), None),
        "kv_throughput_gbps": _f(ev.kv_bytes_per_s * GBPS),
        "fetch_latency_s": _f(ev.latency_s),
        "nic_memory_peak_bytes": nic_peak,
        "nic_memory_usable_bytes": nic_cap,
        "fits_nic_memory": nic_cap is None or nic_peak <= nic_cap,
        "gpu_staging_bytes": _f(ev.footprint.get("gpu.memory", 0.0)),
        "resources": resources,
        "resource_detail": detail,
        "cores": {s: int(_f(n)) for s, n in ev.cores.items()},
        "stages": {
            s.name: {
                "kind": s.kind,
                "resource": s.resource_name,
                "implied": s.implied,
                "time_alone_s_per_chunk": _f(ev.stage_time[s.name]),
                "alone_gbps": _f(ev.stage_alone_bytes_per_s[s.name]) * GBPS,
            }
            for s in plan.stages
        },
        "chunk": {
            "tokens": _f(ev.chunk_tokens),
            "count": _f(ev.chunks),
            "slots_in_flight": _f(ev.slots),
            "bytes": {k: _f(v) for k, v in ev.chunk_bytes.items()},
        },
        "request": {
            "prefix_tokens": prefix,
            "bytes": {k: v * prefix for k, v in per_token.items()},
            "bytes_per_token": per_token,
        },
        "warnings": warnings,
    }
