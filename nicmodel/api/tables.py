"""Design tables: the cross product of swept values, evaluated vectorized; streamed CSV, optima
and their robustness, and intervals over draws of the uncertain numbers."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from ..planning.sweep import Axis, Table, axes_of, check_size, prepare, sweep, table_of
from ..spec.loader import load_document


def design_table(
    path: str | Path, vary: list[str] | list[Axis], overrides: list[str] | tuple[str, ...] = (),
    max_points: int | None = None,
) -> Table:
    """Cross product of ``vary`` axes ('path=v1,v2,...'), evaluated vectorized; refused up front
    when it has more than ``max_points`` points."""
    axes = axes_of(vary)
    if max_points is not None:
        check_size(axes, max_points)
    return sweep(load_document(path, overrides), Path(path), axes)


def design_table_and_optima(path: str | Path, vary: list[str] | list[Axis], overrides: list[str] | tuple[str, ...] = (),
                            columns: list[str] | tuple[str, ...] = ("fetch_latency_ms",), max_points: int | None = None,
                            tolerance: float = 0.01) -> tuple[Table, list[dict[str, Any]]]:
    """``design_table`` and ``table_optimum`` of each of ``columns`` from one preparation of the table (each
    alone prepares it: every combination validated and compiled, the table command's main cost)."""
    axes = axes_of(vary)
    if max_points is not None:
        check_size(axes, max_points)
    doc = load_document(path, overrides)
    prepared = prepare(doc, Path(path), axes)
    return table_of(prepared, doc, Path(path)), [optimum_of(prepared, c, tolerance) for c in columns]


def design_table_csv(path: str | Path, vary: list[str] | list[Axis], overrides: list[str] | tuple[str, ...] = (),
                     max_points: int | None = None):
    """(prepared table, CSV text chunks) for a table that can be streamed in table order with no
    invalid axis value to report; None otherwise (use ``design_table``)."""
    from ..output.table_csv import csv_chunks, streamable

    axes = axes_of(vary)
    if max_points is not None:
        check_size(axes, max_points)
    prepared = prepare(load_document(path, overrides), Path(path), axes)
    if prepared.failures or prepared.scenario is None or not streamable(prepared):
        return None
    return prepared, csv_chunks(prepared)


def optimum_of(prepared, column: str = "fetch_latency_ms", tolerance: float = 0.01) -> dict[str, Any]:
    """Best row of ``column`` of a prepared table (see ``table_optimum``)."""
    from ..planning.robustness import table_optimum as optimum

    if prepared.scenario is None:
        return {"column": column, "best": None, "note": "no valid row"}
    return optimum(prepared, column, prepared.scenario, tolerance)


def table_optimum(path: str | Path, vary: list[str] | list[Axis], overrides: list[str] | tuple[str, ...] = (),
                  column: str = "fetch_latency_ms", tolerance: float = 0.01) -> dict[str, Any]:
    """Best row of a design table's ``column``, the rows within ``tolerance`` of it, and every
    `assumed` number whose range end moves the best row (see nicmodel.planning.robustness)."""
    from ..planning.robustness import table_optimum as optimum

    axes = axes_of(vary)
    prepared = prepare(load_document(path, overrides), Path(path), axes)
    if prepared.scenario is None:
        return {"column": column, "best": None, "note": "no valid row"}
    return optimum(prepared, column, prepared.scenario, tolerance)


def design_table_uncertainty(path: str | Path, vary: list[str] | list[Axis], overrides: list[str] | tuple[str, ...] = (),
                             samples: int = 1000, seed: int = 0, max_points: int | None = None) -> Table:
    """A design table with a 90% interval on each row's fetch latency and KV throughput over
    draws of the assumed and fitted numbers the table does not vary."""
    from ..planning import uncertainty
    from ..planning.sweep import combo_keys, grid_block

    axes = axes_of(vary)
    if max_points is not None:
        check_size(axes, max_points)
    doc = load_document(path, overrides)
    prepared = prepare(doc, Path(path), axes)
    table = table_of(prepared, doc, Path(path))
    varied = tuple(".".join(str(p) for p in a.path) for a in axes)
    extra: dict[tuple, dict[str, Any]] = {}
    numeric_axes = [(axes[i], vals) for i, vals in zip(prepared.numeric, prepared.numeric_values)]
    for combo in prepared.combos:
        if combo.compiled is None or prepared.scenario is None:
            continue
        plan, params = combo.compiled
        numbers = [u for u in uncertainty.uncertain(prepared.scenario)
                   if not any(u.key == v or u.key.startswith(v + ".") for v in varied)]
        grid = grid_block(params, numeric_axes, combo.index)
        stats = uncertainty.table(plan, grid, combo.n, numbers, samples, seed)
        for j, key in enumerate(combo_keys(prepared, combo)):
            extra[key] = {
                "fetch_latency_ms_p5": round(float(stats["fetch_latency_p5"][j]), 4),
                "fetch_latency_ms_p95": round(float(stats["fetch_latency_p95"][j]), 4),
                "kv_throughput_gbps_p5": round(float(stats["kv_throughput_p5"][j]), 4),
                "kv_throughput_gbps_p95": round(float(stats["kv_throughput_p95"][j]), 4),
                "draws_invalid": round(float(stats["invalid_share"][j]), 4),
            }
    columns = list(table.columns) + ["fetch_latency_ms_p5", "fetch_latency_ms_p95", "kv_throughput_gbps_p5",
                                     "kv_throughput_gbps_p95", "draws_invalid"]
    keys = sorted(itertools.product(*(range(len(a.values)) for a in axes)))
    rows = []
    for key, row in zip(keys, table.rows):
        more = extra.get(key) if not row["bottleneck"].startswith("invalid") else None
        rows.append({**row, **(more or {c: None for c in columns[len(table.columns):]})})
    return Table(columns, rows)


def table_robust_optimum(path: str | Path, vary: list[str] | list[Axis], overrides: list[str] | tuple[str, ...] = (),
                         column: str = "fetch_latency_ms", by: str = "p95", samples: int = 1000, seed: int = 0,
                         tolerance: float = 0.01) -> dict[str, Any]:
    """The best row of ``column`` under uncertainty: by a quantile over paired draws of the
    uncertain numbers (``by``: p5, p50, p95), by the probability of being the best row
    (``probability``) or nominal; with the probability that each reported row is the best, and
    continuous axes rounded within ``tolerance`` (nicmodel.planning.robust_optimum)."""
    from .. import limits
    from ..planning.robust_optimum import robust_optimum

    limits.draws(samples, "--uncertainty", 10)
    limits.seed(seed)
    prepared = prepare(load_document(path, overrides), Path(path), axes_of(vary))
    if prepared.scenario is None:
        return {"column": column, "by": by, "best": None, "note": "no valid row"}
    return robust_optimum(prepared, column, by, samples, seed, tolerance)
