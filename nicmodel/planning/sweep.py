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
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..engines.analytical import Evaluation, evaluate, problems
from ..engines.plan import Params, Plan, compile_scenario
from ..errors import InfeasibleError, SpecError, format_path
from ..spec.loader import Document, _scalar, parse_override, validate, with_overrides
from ..engines.result import GBPS
from ..spec.scenario import Scenario, param_at


MAX_AXIS_VALUES = 10_000
ROWS_PER_S = 200_000  # end-to-end CSV rows per second of a numeric table (benchmarks/bench_analytical.py)
FAST_AXIS_VALUES = 16  # from this many values a numeric axis is validated at its ends only


@dataclass
class Axis:
    """One --vary axis: a field path and the values it takes."""

    path: tuple
    values: list[str]

    @property
    def label(self) -> str:
        return format_path(self.path)


_RANGE = re.compile(r"^\s*([+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)\s*(\S*?)\s*\.\.\s*"
                    r"([+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)\s*(\S*?)\s*(?::\s*([+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)"
                    r"\s*(\S*?))?\s*$")


def range_values(raw: str, where: str = "--vary") -> list[str] | None:
    """'LO..HI' (whole numbers, step 1) or 'LO..HI:STEP' ('10Gbps..40Gbps:10Gbps', one unit for
    all three) as the list of values; None when ``raw`` is not a range."""
    m = _RANGE.match(raw)
    if not m:
        return None
    lo, lo_unit, hi, hi_unit, step, step_unit = m.groups()
    units = {u for u in (lo_unit, hi_unit, step_unit if step else lo_unit) if u is not None}
    if len(units) > 1:
        raise SpecError(f"a range takes one unit for LO, HI and STEP, got {raw!r}", where)
    unit = units.pop() if units else ""
    if step is None:
        if unit or not (lo.lstrip("+-").isdigit() and hi.lstrip("+-").isdigit()):
            raise SpecError(f"a range without a step takes whole numbers (e.g. 16..64); give LO..HI:STEP, got {raw!r}",
                            where)
        step = "1"
    a, b, d = float(lo), float(hi), float(step)
    if not d > 0 or not b >= a:
        raise SpecError(f"expected LO <= HI and a positive STEP, got {raw!r}", where)
    count = int(math.floor((b - a) / d + 1e-9)) + 1
    if count > MAX_AXIS_VALUES:
        raise SpecError(f"{raw!r} has {count:,} values; an axis takes at most {MAX_AXIS_VALUES:,}", where)
    values = [a + i * d for i in range(count)]
    return [(str(int(round(v))) if float(v).is_integer() else f"{v:.10g}") + unit for v in values]


def parse_axis(text: str) -> Axis:
    """'network.bandwidth=5Gbps,10Gbps' -> Axis; 'PATH=LO..HI' and 'PATH=LO..HI:STEP' give ranges."""
    path, raw = parse_override(text)
    if "," not in raw and ".." in raw:
        values = range_values(raw, "--vary")
        if values is not None:
            return Axis(path, values)
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


def columns(ev: Evaluation, n: int) -> dict[str, Any]:
    """Per-point result columns of a vectorized evaluation of n points, as arrays (numbers
    rounded as the rows show them) plus ``invalid``: the reason a point cannot run, or None."""
    flat = lambda x: np.broadcast_to(np.asarray(x, dtype=float), (n,))  # noqa: E731
    bottleneck = np.broadcast_to(np.asarray(ev.bottleneck), (n,))
    names = np.array([*ev.resources, "infeasible"], dtype=object)
    nic = flat(ev.footprint.get("nic.memory", 0.0))
    cap = flat(ev.capacity.get("nic.memory", np.inf))
    cols: dict[str, Any] = {
        "bottleneck": names[np.where(bottleneck >= 0, bottleneck, len(ev.resources))],
        "throughput_gbps": np.round(flat(ev.network_bytes_per_s * GBPS), 4),
        "kv_throughput_gbps": np.round(flat(ev.kv_bytes_per_s * GBPS), 4),
        "fetch_latency_ms": np.round(flat(ev.latency_s * 1e3), 4),
        "nic_memory_mib": np.round(nic / 2**20, 2),
        "fits_nic_memory": nic <= cap,
    }
    cores = [(s, flat(c).astype(np.int64)) for s, c in ev.cores.items() if not s.startswith(("copy:", "register"))]
    if cores:
        # one string per distinct core assignment, not per point
        code = np.zeros(n, dtype=np.int64)  # the assignment as one number (at most 1,024 cores per pool)
        for _, c in cores:
            code = code * 1025 + c
        unique, inverse = np.unique(code, return_inverse=True)
        text = []
        for u in unique.tolist():
            parts = []
            for s, _ in reversed(cores):
                u, k = divmod(u, 1025)
                parts.append(f"{s}={k}")
            text.append(" ".join(reversed(parts)))
        cols["cores"] = np.array(text, dtype=object)[inverse.reshape(-1)]
    else:
        cols["cores"] = np.full(n, "", dtype=object)
    # points the hardware cannot run: say why, and never show impossible numbers
    bad = np.zeros(n, dtype=bool)
    for total, needed in ev.pool_cores.values():
        bad |= flat(needed) > flat(total)
    for memory, held in ev.footprint.items():
        bad |= flat(held) > flat(ev.capacity[memory])
    invalid = np.full(n, None, dtype=object)
    for i in np.flatnonzero(bad):
        invalid[i] = "invalid: " + "; ".join(problems(ev, int(i)))
    cols["invalid"] = invalid
    return cols


def _rows(ev: Evaluation, n: int) -> list[dict[str, Any]]:
    """Per-point rows from a vectorized evaluation of n points."""
    cols = columns(ev, n)
    lists = {c: cols[c].tolist() for c in ROW_COLUMNS}
    invalid = cols["invalid"]
    rows = []
    for i in range(n):
        if invalid[i] is not None:
            rows.append(_invalid_row(invalid[i][len("invalid: "):]))
            continue
        rows.append({c: lists[c][i] for c in ROW_COLUMNS})
    return rows


def grid_params(plan_params: Params, numeric: list[tuple[Axis, list[Params]]]) -> tuple[Params, int]:
    """Parameter table with one array entry per key the numeric axes own, over their product."""
    sizes = [len(axis.values) for axis, _ in numeric]
    n = int(np.prod(sizes)) if sizes else 1
    index = np.indices(sizes).reshape(len(sizes), -1) if sizes else np.zeros((0, 1), dtype=int)
    return grid_block(plan_params, numeric, index), n


def grid_block(plan_params: Params, numeric: list[tuple[Axis, list[Params]]], index: np.ndarray) -> Params:
    """Parameter table of the points whose value indices (one row per numeric axis) are ``index``."""
    params = dict(plan_params)
    for k, (axis, compiled) in enumerate(numeric):
        for key in _owned(compiled[0], axis.path):
            column = np.array([c.get(key, np.nan) for c in compiled], dtype=float)
            params[key] = column[index[k]]
    return params


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

    @property
    def points(self) -> int:
        return sum(c.n for c in self.combos)

    def values(self, column: str, patch: dict[str, float] | None = None,
               block: int = 1 << 16) -> tuple[np.ndarray, np.ndarray]:
        """One result column over the whole table, in table order (see ``matrix``)."""
        keys, cols = self.matrix([column], patch, block)
        return keys, cols[column]

    def matrix(self, names: list[str], patch: dict[str, float] | None = None,
               block: int = 1 << 16) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Result columns over the whole table, in table order, evaluated in blocks of points:
        (value index of each axis for each point, shape [axes, points]; each named column, NaN
        where the point is invalid). ``cores_used`` is the cores given to stages on core pools."""
        axes = self.axes
        numeric_axes = [(axes[i], vals) for i, vals in zip(self.numeric, self.numeric_values)]
        keys: list[np.ndarray] = []
        out: dict[str, list[np.ndarray]] = {c: [] for c in names}
        for combo in self.combos:
            key = np.zeros((len(axes), combo.n), dtype=np.int64)
            for i, v in combo.key.items():
                key[i] = v
            for k, i in enumerate(self.numeric):
                key[i] = combo.index[k]
            keys.append(key)
            if combo.compiled is None:
                for c in names:
                    out[c].append(np.full(combo.n, np.nan))
                continue
            plan, params = combo.compiled
            base = {**params, **{k: v for k, v in (patch or {}).items() if k in params}}
            for start in range(0, combo.n, block):
                index = combo.index[:, start:start + block]
                n = index.shape[1]
                ev = evaluate(plan, grid_block(base, numeric_axes, index))
                cols = columns(ev, n)
                if "cores_used" in names:
                    cols["cores_used"] = sum((np.broadcast_to(np.asarray(c, dtype=float), (n,))
                                              for st, c in ev.cores.items()), np.zeros(n))
                bad = cols["invalid"] != None  # noqa: E711 (elementwise)
                for c in names:
                    x = np.asarray(cols[c], dtype=float).copy()
                    x[bad] = np.nan
                    out[c].append(x)
        key = np.concatenate(keys, axis=1) if keys else np.zeros((len(axes), 0), dtype=np.int64)
        order = np.lexsort(key[::-1]) if len(axes) else np.arange(key.shape[1])
        return key[:, order], {c: (np.concatenate(v) if v else np.zeros(0))[order] for c, v in out.items()}

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


def _number_parser(scenario: Scenario, key: str):
    """How to read one value of the number at ``key`` into its parameter-table value: a spec
    number through its type's checks, a design integer as a positive int ('naive' chunks as
    infinity); None for anything else (references, strings, structure)."""
    param = param_at(scenario, key)
    if param is not None:
        return type(param)._check
    obj: Any = scenario
    for part in key.split("."):
        obj = getattr(obj, part, None) if not isinstance(obj, dict) else obj.get(part)
    if not key.startswith("design.") or isinstance(obj, bool) or not isinstance(obj, int):
        return None

    def integer(raw: Any) -> float:
        if raw == "naive" and key == "design.chunk_tokens":
            return float("inf")
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
            raise ValueError(f"expected a positive whole number, got {raw!r}")
        return float(raw)

    return integer


def _fast_axis(doc: Document, doc_file: Path, axis: Axis, base_scenario: Scenario | None,
               base: Plan | None) -> list[tuple[Plan, Params] | None] | None:
    """The compiled parameter table of each value of a long axis over one spec number, without
    validating every value as a whole scenario: each value is parsed as that number's type (unit,
    sign, magnitude limits), and only the lowest and the highest are validated as scenarios.
    Cross-field checks on one number are thresholds, so a value between two valid ones is
    valid. None when the axis does not qualify (then every value is validated)."""
    if base_scenario is None or len(axis.values) < FAST_AXIS_VALUES:
        return None
    key = ".".join(str(p) for p in axis.path)
    if ".fabric." in f".{key}.":  # fabric numbers are structural
        return None
    parse = _number_parser(base_scenario, key)
    if parse is None:
        return None
    try:
        values = [parse(_scalar(v)) for v in axis.values]
    except ValueError:
        return None  # a bad value: the full path reports it with its location
    ends = sorted({int(np.argmin(values)), int(np.argmax(values))})
    compiled: dict[int, tuple[Plan, Params]] = {}
    for v in ends:
        try:
            scenario = validate(with_overrides(doc, {axis.path: axis.values[v]}, doc_file, "--vary"), str(doc_file))
            compiled[v] = compile_scenario(scenario)
        except (SpecError, InfeasibleError):
            return None
    if any(c[0] != base or key not in c[1] for c in compiled.values()):
        return None
    plan, template = compiled[ends[0]]
    out: list[tuple[Plan, Params] | None] = []
    for x in values:
        params = dict(template)
        params[key] = x
        out.append((plan, params))
    return out


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
        fast = _fast_axis(doc, doc_file, axis, base_scenario, base)
        if fast is not None:
            per_axis.append(fast)
            continue
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
    return table_of(prepare(doc, doc_file, axes), doc, doc_file)


def table_of(prepared: PreparedTable, doc: Document, doc_file: Path) -> Table:
    """The rows of a prepared table (``sweep`` after ``prepare``: a caller that also wants the optimum
    of the same table prepares it once)."""
    axes = prepared.axes
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


def unique_axes(axes: list[Axis], flag: str = "--vary") -> list[Axis]:
    """``axes``, refusing a path varied twice (the later would silently replace the earlier)."""
    labels = [a.label for a in axes]
    twice = sorted({x for x in labels if labels.count(x) > 1})
    if twice:
        raise SpecError(f"each path may be varied once; {', '.join(twice)} is given twice (put all its values in "
                        "one list; --bandwidths is --vary network.bandwidth=...)", flag)
    return axes


def axes_of(vary: list, flag: str = "--vary") -> list[Axis]:
    """``--vary`` texts (or ready Axis objects) as axes; a path varied twice is refused."""
    return unique_axes([a if isinstance(a, Axis) else parse_axis(a) for a in vary], flag)


def sweep_axes(vary: list[str]) -> list[Axis]:
    """The ``--vary`` axes of a stochastic sweep; a path varied twice is refused."""
    return axes_of(vary)


def combo_keys(prepared: "PreparedTable", combo) -> list[tuple]:
    """The axis-index key of each row of ``combo`` (its structural values, then its numeric ones)."""
    out = []
    for j in range(combo.n):
        key = [0] * len(prepared.axes)
        for i, v in combo.key.items():
            key[i] = v
        for k, i in enumerate(prepared.numeric):
            key[i] = int(combo.index[k][j])
        out.append(tuple(key))
    return out
