"""Design tables: the cross product of swept values, evaluated vectorized; streamed CSV, optima
and their robustness, and intervals over draws of the uncertain numbers."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..planning.sweep import Axis, Table, axes_of, check_size, prepare, sweep, table_of
from ..errors import SpecError
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


UNCERTAINTY_COLUMNS = ("fetch_latency_ms_p5", "fetch_latency_ms_p95", "kv_throughput_gbps_p5", "kv_throughput_gbps_p95",
                       "draws_invalid")


def _with_intervals(table: Table, drawn, axes: list[Axis]) -> Table:
    """``table`` with each valid row's 90% interval of fetch latency and KV throughput and the share
    of draws the hardware cannot run, from the table's draws (``table_draws``)."""
    s = drawn.stats
    extra = {key: {"fetch_latency_ms_p5": round(float(s["fetch_latency_p5"][j]), 4),
                   "fetch_latency_ms_p95": round(float(s["fetch_latency_p95"][j]), 4),
                   "kv_throughput_gbps_p5": round(float(s["kv_throughput_p5"][j]), 4),
                   "kv_throughput_gbps_p95": round(float(s["kv_throughput_p95"][j]), 4),
                   "draws_invalid": round(float(s["invalid_share"][j]), 4)}
             for j, key in enumerate(drawn.keys)}
    # table rows are in axis-index order: the sorted product of the axes' value indices
    keys = sorted(itertools.product(*(range(len(a.values)) for a in axes)))
    rows = []
    for key, row in zip(keys, table.rows):
        more = extra.get(key) if not row["bottleneck"].startswith("invalid") else None
        rows.append({**row, **(more or {c: None for c in UNCERTAINTY_COLUMNS})})
    return Table(list(table.columns) + list(UNCERTAINTY_COLUMNS), rows)


@dataclass(frozen=True)
class TableReport:
    """A design table with everything asked of it, from one preparation of the table (every axis
    value validated, every structural combination compiled) and one evaluation of its draws."""

    table: Table
    """The rows; with each row's 90% interval when uncertainty was asked for."""
    optima: list[dict[str, Any]]
    """Per column asked for: the nominal best row, the rows near it, the assumptions that move it."""
    robust: list[dict[str, Any]]
    """Per column asked for: the best row under uncertainty (empty when chosen nominally)."""


def design_table_report(path: str | Path, vary: list[str] | list[Axis], overrides: list[str] | tuple[str, ...] = (),
                        columns: list[str] | tuple[str, ...] = ("fetch_latency_ms",), max_points: int | None = None,
                        tolerance: float = 0.01, uncertainty: int | None = None, by: str = "nominal",
                        seed: int = 0) -> TableReport:
    """``design_table`` with the optimum of each of ``columns``; with ``uncertainty`` draws, each row's
    90% interval too; with ``by`` (p5, p50, p95, probability) each column's optimum under uncertainty
    (over ``uncertainty`` draws, 1000 when not given). Each answer equals the one its own function gives
    (``design_table_uncertainty``, ``table_optimum``, ``table_robust_optimum``); the table is prepared and
    its draws evaluated once for all of them."""
    from .. import limits
    from ..planning.robust_optimum import BY, COLUMN_OUTPUT, robust_optimum
    from ..planning.table_draws import table_draws

    if by not in BY:
        raise SpecError(f"expected one of {', '.join(BY)}", "--by")
    robust_columns = list(columns) if by != "nominal" else []
    for c in robust_columns:
        if c not in COLUMN_OUTPUT:
            raise SpecError(f"expected one of {', '.join(COLUMN_OUTPUT)}", "--optimum")
    samples = uncertainty or (1000 if robust_columns else None)
    if samples is not None:
        limits.draws(samples, "--uncertainty", 10)
        limits.seed(seed)
    axes = axes_of(vary)
    if max_points is not None:
        check_size(axes, max_points)
    doc = load_document(path, overrides)
    prepared = prepare(doc, Path(path), axes)
    table = table_of(prepared, doc, Path(path))
    optima = [optimum_of(prepared, c, tolerance) for c in columns]
    if samples is None or prepared.scenario is None:
        robust = [{"column": c, "by": by, "best": None, "note": "no valid row"} for c in robust_columns]
        if uncertainty:
            table = Table(list(table.columns) + list(UNCERTAINTY_COLUMNS),
                          [{**r, **{c: None for c in UNCERTAINTY_COLUMNS}} for r in table.rows])
        return TableReport(table, optima, robust)
    drawn = table_draws(prepared, samples, seed, keep=tuple(dict.fromkeys(COLUMN_OUTPUT[c][0] for c in robust_columns)))
    robust = [robust_optimum(prepared, c, by, samples, seed, tolerance, drawn=drawn) for c in robust_columns]
    return TableReport(_with_intervals(table, drawn, axes) if uncertainty else table, optima, robust)


def design_table_uncertainty(path: str | Path, vary: list[str] | list[Axis], overrides: list[str] | tuple[str, ...] = (),
                             samples: int = 1000, seed: int = 0, max_points: int | None = None) -> Table:
    """A design table with a 90% interval on each row's fetch latency and KV throughput over
    draws of the assumed and fitted numbers the table does not vary."""
    return design_table_report(path, vary, overrides, (), max_points, uncertainty=samples, seed=seed).table


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
