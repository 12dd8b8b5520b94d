"""Tables for people (Markdown) and machines (CSV, JSON): design tables and design comparisons."""

from __future__ import annotations

import csv
import io
from typing import Any


from .hygiene import safe_cell
from .jsontext import strict_json
from .markdown import github_table
from ..planning.sweep import Table


def _csv(headers: list[str], rows: list[list[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(h) for h in headers])
    writer.writerows([[safe_cell(c) for c in r] for r in rows])
    return out.getvalue()


def table_text(table: Table, fmt: str) -> str:
    """A design table as markdown, csv or json."""
    if fmt == "json":
        return strict_json({"columns": table.columns, "rows": table.rows}, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=table.columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: safe_cell(v) for k, v in r.items()} for r in table.rows)
        return out.getvalue()
    rows = [[row[c] for c in table.columns] for row in table.rows]
    return github_table(rows, headers=table.columns, floatfmt=".4g") + "\n"


COMPARE_METRICS = [
    ("throughput_gbps", "throughput (Gbps, compressed)"),
    ("kv_throughput_gbps", "KV into GPU (Gbps)"),
    ("fetch_latency_s", "fetch latency (s)"),
    ("nic_memory_peak_bytes", "NIC memory in flight (B)"),
    ("gpu_staging_bytes", "GPU staging (B)"),
]


def compare_rows(results: list[dict[str, Any]]) -> tuple[list[str], list[list[Any]]]:
    """Metric rows with each design's value and its ratio to the first design."""
    headers = ["metric"] + [r["scenario"] for r in results]
    headers += [f"{r['scenario']} / {results[0]['scenario']}" for r in results[1:]]
    rows: list[list[Any]] = []
    for part in ("nic", "gpu", "network"):
        if any(r.get("hardware", {}).get(part) for r in results):
            rows.append([part] + [r.get("hardware", {}).get(part) or "-" for r in results] + [""] * (len(results) - 1))
    rows.append(["bottleneck"] + [r["bottleneck"] for r in results] + [""] * (len(results) - 1))
    for key, label in COMPARE_METRICS:
        base = results[0][key]
        values = [r[key] for r in results]
        ratios = [f"{v / base:.3f}x" if base else "n/a" for v in values[1:]]
        rows.append([label] + [f"{v:.6g}" for v in values] + ratios)
    return headers, rows


def compare_text(results: list[dict[str, Any]], fmt: str) -> str:
    headers, rows = compare_rows(results)
    if fmt == "json":
        return strict_json({"designs": results}, indent=2) + "\n"
    if fmt == "csv":
        return _csv(headers, rows)
    return github_table(rows, headers=headers) + "\n"


def mib(x: float) -> str:
    if x < 2**20:
        return f"{x / 2**10:,.1f} KiB"
    return f"{x / 2**20:,.1f} MiB" if x < 2**30 else f"{x / 2**30:,.2f} GiB"


def microseconds(x: float) -> str:
    if x >= 1.0:
        return f"{x:,.3f} s"
    return f"{x * 1e6:,.2f} us" if x < 1e-3 else f"{x * 1e3:,.2f} ms"
