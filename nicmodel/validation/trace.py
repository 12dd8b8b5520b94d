"""The measured-trace format (CSV or JSON) and its reader.

One row per measured point:

| column | required | meaning |
|---|---|---|
| scenario | yes | scenario file, relative to the trace file (or the repository) |
| overrides | no | `PATH=VALUE` settings that define the point, separated by `;` |
| metric | yes | a metric name (`nicmodel validate --list-metrics`) |
| argument | for some metrics | e.g. a stage name, a transfer size, `batch=8,context=4096` |
| value | yes | the measured number |
| unit | yes | its unit, of the metric's dimension (`Gbps`, `ms`, `GiB`...) |
| repeat | no | repeat index, when a point was measured several times |
| spread | no | standard deviation over repeats, same unit |
| stderr | no | standard error of the value where it is a mean of samples (their standard deviation over the square root of their count), same unit: what the measurement alone leaves uncertain |
| role | yes | `fitted` (used to fit a parameter) or `held-out` (only ever predicted) |
| tolerance_pct | no | largest acceptable absolute error in percent (for CI) |
| machine | no | where it was measured |
| source | yes | where the number comes from |

JSON: a list of objects with the same keys, or {"points": [...]}.
"""

from __future__ import annotations

from functools import lru_cache

import csv
import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import SpecError
from ..spec.loader import confined
from ..spec.textio import read_text
from ..spec.loader import package_root
from ..units import UnitError, parse_quantity
from .metrics import METRICS

COLUMNS = ["scenario", "overrides", "metric", "argument", "value", "unit", "repeat", "spread", "role",
           "tolerance_pct", "machine", "source", "stderr"]
REQUIRED = ["scenario", "metric", "value", "unit", "role", "source"]


@dataclass(frozen=True)
class Point:
    """One measured point."""

    file: str
    row: int
    scenario: Path
    overrides: tuple[str, ...]
    metric: str
    argument: str | None
    value: float  # SI units of the metric's dimension
    unit: str
    spread: float | None
    role: str
    tolerance_pct: float | None
    machine: str
    source: str
    stderr: float | None = None  # SI, where the trace gives one

    @property
    def label(self) -> str:
        parts = [self.metric + (f"[{self.argument}]" if self.argument else "")]
        parts += [o.split(".")[-1] for o in self.overrides]
        return " ".join(parts)


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    text = read_text(path)
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SpecError(f"not valid JSON: {exc.msg}", str(path), exc.lineno) from None
        except RecursionError:
            raise SpecError("JSON nested too deeply", str(path)) from None
        items = data.get("points") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise SpecError("expected a list of points or {\"points\": [...]}", str(path))
        rows = []
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise SpecError("expected a point: an object of column -> value", str(path), i + 1)
            rows.append((i + 1, {str(k): "" if v is None else str(v) for k, v in item.items()}))
        return rows
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    skipped = sum(1 for line in text.splitlines() if line.startswith("#"))
    try:
        reader = csv.DictReader(lines)
        unknown = [c for c in reader.fieldnames or [] if c not in COLUMNS]
        if unknown:
            raise SpecError(f"unknown column {unknown[0]!r}; expected: {', '.join(COLUMNS)}", str(path), 1)
        rows = []
        for i, row in enumerate(reader):
            if None in row:
                raise SpecError(f"{len(reader.fieldnames) + len(row[None])} cells where the header has "
                                f"{len(reader.fieldnames)}", str(path), i + 2 + skipped)
            rows.append((i + 2 + skipped, row))
        return rows
    except csv.Error as exc:
        raise SpecError(f"not valid CSV: {exc}", str(path)) from None


def read_trace(path: str | Path) -> list[Point]:
    """All points of a trace; errors name the file, the row and the column."""
    path = Path(path)
    file = str(path)
    try:
        rows = _rows(path)
    except OSError as exc:
        raise SpecError(f"cannot read file: {exc.strerror}", file) from None
    points = []
    resolved = path.resolve()
    scenarios: dict[str, Path | SpecError | None] = {}  # a trace names few scenario files: find each once
    for line, row in rows:
        def fail(column: str, message: str) -> SpecError:
            return SpecError(message, file, line, (column,))

        for column in row:
            if column not in COLUMNS:
                raise fail(column, f"unknown column; expected: {', '.join(COLUMNS)}")
        for column in REQUIRED:
            if not (row.get(column) or "").strip():
                raise fail(column, "required")
        metric = row["metric"].strip()
        if metric not in METRICS:
            raise fail("metric", f"unknown metric {metric!r}; expected one of: {', '.join(METRICS)}")
        spec = METRICS[metric]
        argument = (row.get("argument") or "").strip() or None
        if spec.argument and argument is None:
            raise fail("argument", f"metric {metric} needs an argument: {spec.argument}")
        name = row["scenario"].strip()
        if name not in scenarios:
            try:
                scenarios[name] = _find_scenario(name, resolved)
            except SpecError as exc:
                scenarios[name] = exc
        scenario = scenarios[name]
        if isinstance(scenario, SpecError):
            raise fail("scenario", scenario.message)
        if scenario is None:
            raise fail("scenario", f"no scenario file {name!r} (relative to the trace or repository)")
        unit = row["unit"].strip()
        try:
            value = parse_quantity(f"{row['value'].strip()} {unit}".strip(), spec.dimension)
            spread = (parse_quantity(f"{row['spread'].strip()} {unit}".strip(), spec.dimension)
                      if (row.get("spread") or "").strip() else None)
        except UnitError as exc:
            raise fail("unit", f"{exc} (metric {metric} is a {spec.dimension.replace('_', ' ')})") from None
        stderr = _stderr((row.get("stderr") or "").strip(), unit, spec.dimension, fail)
        role = row["role"].strip()
        if role not in ("fitted", "held-out"):
            raise fail("role", f"expected fitted or held-out, got {role!r}")
        tolerance = (row.get("tolerance_pct") or "").strip()
        try:
            tol = float(tolerance) if tolerance else None
        except ValueError:
            raise fail("tolerance_pct", f"expected a number of percent, got {tolerance!r}") from None
        if tol is not None and not (math.isfinite(tol) and tol >= 0):
            raise fail("tolerance_pct", f"expected a non-negative finite percentage, got {tolerance!r}")
        overrides = tuple(o.strip() for o in (row.get("overrides") or "").split(";") if o.strip())
        points.append(Point(file, line, scenario, overrides, metric, argument, value, unit, spread, role, tol,
                            (row.get("machine") or "").strip(), row["source"].strip(), stderr))
    if not points:
        raise SpecError("trace has no points", file)
    return points


def _stderr(text: str, unit: str, dimension: str, fail) -> float | None:
    """The stderr column in SI (None where empty): a non-negative finite number in the row's unit."""
    if not text:
        return None
    try:
        stderr = parse_quantity(f"{text} {unit}".strip(), dimension)
    except UnitError:
        stderr = math.nan
    if not (math.isfinite(stderr) and stderr >= 0):
        raise fail("stderr", f"expected a non-negative finite standard error in {unit or 'the unit'}, got {text!r}")
    return stderr


@lru_cache(maxsize=256)  # a trace names a few scenarios over thousands of rows: resolve each once
def _find_scenario(name: str, trace: Path) -> Path | None:
    """The trace's scenario file, relative to the trace or the repository, inside the spec
    search path (see nicmodel.spec.loader.confined)."""
    for base in (trace.parent, package_root()):
        candidate = (base / name).resolve()
        if candidate.is_file():
            return confined(base / name, trace, "scenario")
    return None


def read_trace_for(path: str | Path, scenario: str | None = None) -> list[Point]:
    """A trace's points, all predicted with ``scenario`` when one is given (else each row's)."""
    points = read_trace(path)
    if scenario:
        target = Path(scenario).resolve()
        if not target.is_file():
            raise SpecError("cannot read file", scenario)
        points = [replace(p, scenario=target) for p in points]
    return points
