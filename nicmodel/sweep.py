"""Design tables: the cross product of --vary axes, evaluated as numpy arrays.

Each axis value is validated once on its own (so a bad value is reported like a bad --set).
An axis whose values leave the Plan unchanged is *numeric*: it only changes entries of the
parameter table, and all its points are evaluated in one vectorized call. An axis that
changes the Plan (copy strategy, a stage's resource) is *structural*: the product of the
structural axes is looped over in Python, each combination evaluated vectorized over the
numeric axes.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .engine.analytical import Evaluation, evaluate, problems
from .engine.plan import Params, Plan, compile_scenario
from .errors import InfeasibleError, SpecError, format_path
from .loader import Document, parse_override, validate, with_overrides
from .results import GBPS
from .spec.scenario import Scenario


MAX_AXIS_VALUES = 10_000
ROWS_PER_S = 3_000  # end-to-end table rows per second (benchmarks/bench_analytical.py), for estimates


@dataclass
class Axis:
    """One --vary axis: a field path and the values it takes."""

    path: tuple
    values: list[str]

    @property
    def label(self) -> str:
        return format_path(self.path)


def parse_axis(text: str) -> Axis:
    """'network.bandwidth=5Gbps,10Gbps' -> Axis."""
    path, raw = parse_override(text)
    if raw.count(",") >= MAX_AXIS_VALUES:
        raise SpecError(f"{raw.count(',') + 1:,} values; an axis takes at most {MAX_AXIS_VALUES:,} (each value is "
                        "validated as a spec, ~5 ms each)", "--vary", None, path)
    values = [v.strip() for v in raw.split(",")]
    if not values or any(v == "" for v in values):
        raise SpecError(f"expected PATH=V1,V2,... with no empty value, got {text[:80]!r}", "--vary")
    return Axis(path, values)


def check_size(axes: list[Axis], max_points: int) -> int:
    """Points of the cross product; refused up front above ``max_points``."""
    points = 1
    for axis in axes:
        points *= len(axis.values)
    if points > max_points:
        raise SpecError(f"the axes' cross product has {points:,} points, more than --max-points {max_points:,} "
                        f"(~{points / ROWS_PER_S:,.0f} s at ~{ROWS_PER_S:,} rows/s); vary fewer values or raise "
                        "--max-points", "--vary")
    return points


def _owned(params: Params, path: tuple) -> list[str]:
    prefix = ".".join(str(p) for p in path)
    return [k for k in params if k == prefix or k.startswith(prefix + ".")]


@dataclass
class Table:
    """A design table: one row per point, columns named with units."""

    columns: list[str]
    rows: list[dict[str, Any]]


ROW_COLUMNS = [
    "bottleneck",
    "throughput_gbps",
    "kv_throughput_gbps",
    "fetch_latency_ms",
    "nic_memory_mib",
    "fits_nic_memory",
    "cores",
]


def _rows(ev: Evaluation, n: int) -> list[dict[str, Any]]:
    """Per-point rows from a vectorized evaluation of n points."""
    flat = lambda x: np.broadcast_to(np.asarray(x, dtype=float), (n,))  # noqa: E731
    bottleneck = np.broadcast_to(ev.bottleneck, (n,))
    thr = flat(ev.network_bytes_per_s * GBPS)
    kv = flat(ev.kv_bytes_per_s * GBPS)
    lat = flat(ev.latency_s * 1e3)
    nic = flat(ev.footprint.get("nic.memory", 0.0))
    cap = flat(ev.capacity.get("nic.memory", np.inf))
    cores = {s: flat(c) for s, c in ev.cores.items() if not s.startswith(("copy:", "register"))}
    rows = []
    for i in range(n):
        found = problems(ev, i)
        if found:  # a point the hardware cannot run: say why, never show impossible numbers
            rows.append(_invalid_row("; ".join(found)))
            continue
        b = int(bottleneck[i])
        rows.append({
            "bottleneck": ev.resources[b] if b >= 0 else "infeasible",
            "throughput_gbps": round(float(thr[i]), 4),
            "kv_throughput_gbps": round(float(kv[i]), 4),
            "fetch_latency_ms": round(float(lat[i]), 4),
            "nic_memory_mib": round(float(nic[i]) / 2**20, 2),
            "fits_nic_memory": bool(nic[i] <= cap[i]),
            "cores": " ".join(f"{s}={int(c[i])}" for s, c in cores.items()),
        })
    return rows


def grid_params(plan_params: Params, numeric: list[tuple[Axis, list[Params]]]) -> tuple[Params, int]:
    """Parameter table with one array entry per key the numeric axes own, over their product."""
    sizes = [len(axis.values) for axis, _ in numeric]
    n = int(np.prod(sizes)) if sizes else 1
    index = np.indices(sizes).reshape(len(sizes), -1) if sizes else np.zeros((0, 1), dtype=int)
    params = dict(plan_params)
    for k, (axis, compiled) in enumerate(numeric):
        for key in _owned(compiled[0], axis.path):
            column = np.array([c.get(key, np.nan) for c in compiled], dtype=float)
            params[key] = column[index[k]]
    return params, n


@dataclass
class _Combo:
    """One combination of the structural axes: its compiled Plan and the numeric grid."""

    key: dict[int, int]  # structural axis index -> value index
    compiled: tuple[Plan, Params] | None
    error: Exception | None
    n: int
    index: np.ndarray  # numeric axis k -> value index of each point


@dataclass
class PreparedTable:
    """A design table with every axis value validated and every structural combination compiled;
    ``rows`` evaluates it, optionally with spec numbers patched (SI values), in one vectorized
    call per combination. Robustness checks re-evaluate it many times at the cost of numpy only."""

    axes: list[Axis]
    structural: list[int]
    numeric: list[int]
    combos: list[_Combo]
    numeric_values: list[list[Params]]  # per numeric axis: the compiled params of each value
    failures: list[tuple[int, int, SpecError]]
    scenario: Scenario | None = None  # the base scenario, or the first valid combination's

    def rows(self, patch: dict[str, float] | None = None) -> list[dict[str, Any]]:
        axes = self.axes
        results: list[tuple[tuple, dict[str, Any]]] = []
        for combo in self.combos:
            if combo.compiled is None:
                rows = [_invalid_row(combo.error)] * combo.n
            else:
                plan, params = combo.compiled
                base = {**params, **{k: v for k, v in (patch or {}).items() if k in params}}
                numeric_axes = [(axes[i], vals) for i, vals in zip(self.numeric, self.numeric_values)]
                grid, n = grid_params(base, numeric_axes)
                rows = _rows(evaluate(plan, grid), n)
            for j, row in enumerate(rows):
                key = [0] * len(axes)
                for i, v in combo.key.items():
                    key[i] = v
                for k, i in enumerate(self.numeric):
                    key[i] = int(combo.index[k][j])
                labels = {axes[i].label: axes[i].values[key[i]] for i in range(len(axes))}
                results.append((tuple(key), {**labels, **row}))
        results.sort(key=lambda kr: kr[0])
        return [row for _, row in results]


def prepare(doc: Document, doc_file: Path, axes: list[Axis]) -> PreparedTable:
    """Validate every axis value and compile every structural combination of ``axes``."""
    file = str(doc_file)
    try:
        base_scenario = validate(doc, file)
    except SpecError:
        # --set values may only make sense together with an axis value (e.g. pinned cores that fit
        # only the larger pools an axis gives): judge the combinations, not the base alone
        if not axes:
            raise
        base_scenario = None
    if base_scenario is not None and base_scenario.design.mode == "recompute":
        raise SpecError("a recompute design has no data plane to tabulate; use `nicmodel serve`", file, None,
                        ("design", "mode"))
    base = compile_scenario(base_scenario)[0] if base_scenario is not None else None
    per_axis: list[list[tuple[Plan, Params] | None]] = []
    failures: list[tuple[int, int, SpecError]] = []
    for i, axis in enumerate(axes):
        compiled: list[tuple[Plan, Params] | None] = []
        for v, value in enumerate(axis.values):
            try:
                scenario = validate(with_overrides(doc, {axis.path: value}, doc_file, "--vary"), file)
                compiled.append(compile_scenario(scenario))
            except SpecError as exc:  # judged after all combinations: bad value or bad combination?
                failures.append((i, v, exc))
                compiled.append(None)
            except InfeasibleError:
                compiled.append(None)
        per_axis.append(compiled)
    # without a valid base every axis is looped over, so each combination is validated as a whole
    structural = [i for i, c in enumerate(per_axis) if base is None or any(pc is None or pc[0] != base for pc in c)]
    numeric = [i for i in range(len(axes)) if i not in structural]
    sizes = [len(axes[i].values) for i in numeric]
    index = np.indices(sizes).reshape(len(sizes), -1) if sizes else np.zeros((0, 1), dtype=int)
    combos = []
    first = base_scenario
    for combo in itertools.product(*(range(len(axes[i].values)) for i in structural)):
        fixed = {axes[i].path: axes[i].values[v] for i, v in zip(structural, combo)}
        try:
            combo_scenario = validate(with_overrides(doc, fixed, doc_file, "--vary"), file)
            compiled_combo = compile_scenario(combo_scenario)
            first = first or combo_scenario
            error = None
        except (SpecError, InfeasibleError) as exc:
            compiled_combo, error = None, exc
        combos.append(_Combo(dict(zip(structural, combo)), compiled_combo, error, index.shape[1], index))
    return PreparedTable(axes, structural, numeric, combos, [[pc[1] for pc in per_axis[i]] for i in numeric],
                         failures, first)


def sweep(doc: Document, doc_file: Path, axes: list[Axis]) -> Table:
    """Evaluate the cross product of ``axes`` over a resolved scenario document.

    A combination that fails validation (e.g. a guard longer than the slice) becomes a row
    marked invalid with the reason; a value that is invalid in every combination is an error."""
    prepared = prepare(doc, doc_file, axes)
    rows = prepared.rows()
    if all(row["bottleneck"].startswith("invalid") for row in rows):
        validate(doc, str(doc_file))  # a base that is invalid on its own and in every combination
    for i, v, exc in prepared.failures:
        # an error at the axis's own field (a bad unit, an unknown path) is a bad value; an error
        # elsewhere (guard longer than the slice) is a combination the table reports as invalid
        own = exc.path[: len(axes[i].path)] == tuple(axes[i].path) or exc.file in ("--vary", "--set")
        if own and all(row["bottleneck"].startswith("invalid") for row in rows if row[axes[i].label] == axes[i].values[v]):
            raise exc
    return Table([a.label for a in axes] + ROW_COLUMNS, rows)


def _invalid_row(exc: Exception | str) -> dict[str, Any]:
    row: dict[str, Any] = {c: None for c in ROW_COLUMNS}
    row["bottleneck"] = f"invalid: {getattr(exc, 'message', None) or exc}"
    row["fits_nic_memory"] = None
    row["cores"] = ""
    return row
