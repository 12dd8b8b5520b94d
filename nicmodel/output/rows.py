"""Results as rows of a results database: inputs as in_* columns, outputs flattened in SI."""

from __future__ import annotations

from typing import Any

from ..store.columns import typed_inputs

# the output columns of a design table (every other column is a swept input)
TABLE_OUTPUTS = {"bottleneck", "throughput_gbps", "kv_throughput_gbps", "fetch_latency_ms", "nic_memory_mib",
                 "fits_nic_memory", "cores"}


def table_row(row: dict[str, Any], axes: set) -> dict[str, Any]:
    """A design-table row with the swept values as typed input columns (in_PATH, in_PATH_<unit>)."""
    out = {k: v for k, v in row.items() if k not in axes}
    out.update(typed_inputs({k: v for k, v in row.items() if k in axes}))
    if isinstance(out.get("bottleneck"), str) and out["bottleneck"].startswith("invalid"):
        out["invalid"] = out["bottleneck"]
    return out


def eval_row(result: dict[str, Any]) -> dict[str, Any]:
    """An evaluation's headline numbers and per-resource utilization, for a database row."""
    keep = ("scenario", "throughput_gbps", "kv_throughput_gbps", "fetch_latency_s", "bottleneck", "feasible",
            "hardware", "chunk", "footprint_bytes", "request")
    row = {k: result[k] for k in keep if k in result}
    row["utilization"] = {r: d.get("utilization") for r, d in (result.get("resource_detail") or {}).items()}
    return row


def point_row(r: dict[str, Any]) -> dict[str, Any]:
    """A result as a database row: the swept values as typed input columns, the result flattened."""
    row = {k: v for k, v in r.items() if k not in ("point", "exit")}
    row.update(typed_inputs(r.get("point") or {}))
    return row
