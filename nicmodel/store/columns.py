"""Results as database columns: scalar leaves flattened, every quantity a REAL in SI with its unit
in the column name, swept inputs parsed from their quantity strings, and the column with the plain
name holding what the screen printed (the mean over replications, not one seed)."""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any

from ..units import UNITS, UnitError, parse_quantity
from ..version import __version__

# unit suffix in a result key -> (SI suffix, factor)
TO_SI = {"_gbps": ("_bps", 1e9), "_ms": ("_s", 1e-3), "_mib": ("_bytes", 2.0**20)}
# an input quantity's column: in_PATH_<suffix>, in SI (bandwidth in bits/s, as the outputs)
SI_SUFFIX = {"bandwidth": ("bps", 8.0), "time": ("s", 1.0), "bytes": ("bytes", 1.0), "frequency": ("hz", 1.0),
             "transfer_rate": ("tps", 1.0), "flops": ("flops", 1.0)}
_NAME = re.compile(r"[^A-Za-z0-9_]+")
_QUANTITY = re.compile(r"^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*(\S*)\s*$")


def column(name: str) -> str:
    name = _NAME.sub("_", name).strip("_") or "value"
    return name if not name[0].isdigit() else f"c_{name}"


def flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    """Scalar leaves of a result, keyed by their path joined with '_', converted to SI units
    where the key names a non-SI unit; lists and other values become JSON text. Keys starting
    with '_' are bookkeeping and skipped."""
    out: dict[str, Any] = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            if str(k).startswith("_"):
                continue
            out.update(flatten(v, f"{prefix}_{k}" if prefix else str(k)))
        return out
    name = column(prefix)
    for suffix, (si, factor) in TO_SI.items():
        if name.endswith(suffix) and isinstance(obj, (int, float)) and not isinstance(obj, bool):
            return {name[: -len(suffix)] + si: obj * factor}
    if obj is None or isinstance(obj, (str, int, float, bool)):
        out[name] = obj
    else:
        out[name] = json.dumps(obj, sort_keys=True, default=str)
    return out


def typed_input(path: str, value: Any) -> dict[str, Any]:
    """One input as columns: ``in_PATH`` (the text as given) and, for a quantity, ``in_PATH_<unit>``
    as a REAL in SI; a plain number is itself a REAL in ``in_PATH``."""
    name = "in_" + column(path)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return {name: value if isinstance(value, (bool, type(None))) else json.dumps(value, default=str)}
    if isinstance(value, (int, float)):
        return {name: float(value)}
    m = _QUANTITY.match(value)
    if not m:
        return {name: value}
    unit = m.group(1)
    if unit == "":
        return {name: float(value)}
    if unit == "/s":  # an offered rate, '4/s'
        return {name: value, f"{name}_per_s": float(value.strip()[:-2])}
    dims = [d for d, table in UNITS.items() if unit in table and d in SI_SUFFIX]
    if len(dims) != 1:
        return {name: value}  # not a quantity the tool knows (e.g. a rate '4/s'): text only
    suffix, factor = SI_SUFFIX[dims[0]]
    try:
        return {name: value, f"{name}_{suffix}": parse_quantity(value, dims[0]) * factor}
    except UnitError:
        return {name: value}


def typed_inputs(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, v in values.items():
        out.update(typed_input(path, v))
    return out


def overrides_inputs(overrides: list[str]) -> dict[str, Any]:
    """--set PATH=VALUE overrides as input columns (the last one of a path wins, as when loading)."""
    values = {}
    for o in overrides:
        path, _, value = o.partition("=")
        values[path.strip()] = value.strip()
    return typed_inputs(values)


def summarized(row: dict[str, Any], metrics: dict[str, tuple]) -> dict[str, Any]:
    """A row whose metric leaves hold what the screen prints: the mean over its replications
    (``<col>_ci90`` and ``<col>_n`` beside), the seed's own values going to the seeds table."""
    reps = (row.get("replications") or {}).get("metrics") or {}
    out = {k: v for k, v in row.items() if k not in ("replications", "uncertainty")}
    flat = flatten(out)
    for name, path in metrics.items():
        if name not in reps:
            continue
        col, factor = column("_".join(path)), 1.0
        for suffix, (si, f) in TO_SI.items():  # the metric's column as flatten names it, in SI
            if col.endswith(suffix):
                col, factor = col[: -len(suffix)] + si, f
        flat[col] = reps[name]["mean"] * factor
        flat[f"{col}_ci90"] = reps[name]["ci90"] * factor
        flat[f"{col}_n"] = len(reps[name]["values"])
    if "replications" in row:
        flat["replications"] = row["replications"].get("n")
        if "meets_slo_share" in row["replications"]:
            flat["meets_slo_share"] = row["replications"]["meets_slo_share"]
    for name, m in ((row.get("uncertainty") or {}).get("metrics") or {}).items():
        for q, v in m.items():
            flat[f"uncertainty_{column(name)}_{q}"] = v
    return flat


def point_key(table: str, row: dict[str, Any], common: dict[str, Any]) -> str:
    """What identifies a row's point: its own key (serve/simulate: the resolved scenario and the
    settings) with the replication and draw counts, else its scenario, overrides and inputs."""
    if row.get("key"):
        reps = (row.get("replications") or {}).get("n", 1)
        draws = (row.get("uncertainty") or {}).get("n", 0)
        return f"{row['key']}/r{reps}/u{draws}"
    ident = {"table": table, "common": common, "scenario": row.get("scenario"), "version": __version__,
             "inputs": {k: v for k, v in row.items() if k.startswith("in_")}}
    return hashlib.sha256(json.dumps(ident, sort_keys=True, default=str).encode()).hexdigest()


def table_rows(table: str, rows: list[dict[str, Any]], common: dict[str, Any] | None = None,
               metrics: dict[str, tuple] | None = None, inputs: dict[str, Any] | None = None,
               stamp: dict[str, Any] | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(one flat row per point, one flat row per replication) as a results table holds them."""
    flat, seeds = [], []
    for r in rows:
        key = point_key(table, r, common or {})
        body = summarized(r, metrics or {})
        body.pop("key", None)
        flat.append({"point_key": key, **(inputs or {}), **flatten(common or {}), **body, **(stamp or {})})
        for s in r.get("_seed_rows") or []:
            one = flatten({k: v for k, v in s.items() if k not in ("point", "key")})
            seeds.append({"point_key": key, "seed": s.get("_seed"), **one, **(stamp or {})})
    return flat, seeds


def sql_type(value: Any) -> str:
    if isinstance(value, (bool, int)):
        return "INTEGER"
    if isinstance(value, float):
        return "REAL"
    return "TEXT"


def cell(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None  # SQL has no inf/NaN: NULL means "no number"
    return value
