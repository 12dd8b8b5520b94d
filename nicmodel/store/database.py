"""A results database: every point of every command in typed SQLite tables, appendable across runs.

`-o results.sqlite` (or `.db`) on eval, table, compare, simulate and serve appends one row per
point to the command's table (`eval`, `design_table`, `compare`, `simulate`, `serve`): the
inputs as columns (scenario, overrides, swept values), the outputs in SI units with the unit in
the column name (`fetch_latency_s`, `kv_throughput_bps`, `nic_memory_bytes`), and the scenario
hash, the tool version and the run's id and time. Nested results are flattened
(`loaded.ttft_s.p99` -> `loaded_ttft_s_p99`); a column that appears later is added to the table.
The `points` table keeps each finished sweep point by its key, which is what makes a sweep
resumable. `nicmodel query DB "SQL"` and `nicmodel.api.query` read it back.

SQLite is in Python's standard library: no new dependency, one file to hand over.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

from ..version import __version__
from ..errors import SpecError

SUFFIXES = ("sqlite", "sqlite3", "db")
# unit suffix in a result key -> (SI suffix, factor)
TO_SI = {"_gbps": ("_bps", 1e9), "_ms": ("_s", 1e-3), "_mib": ("_bytes", 2.0**20)}
_NAME = re.compile(r"[^A-Za-z0-9_]+")


def is_database(path: str | None) -> bool:
    return bool(path) and Path(path).suffix.lstrip(".").lower() in SUFFIXES


def _column(name: str) -> str:
    name = _NAME.sub("_", name).strip("_") or "value"
    return name if not name[0].isdigit() else f"c_{name}"


def flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    """Scalar leaves of a result, keyed by their path joined with '_', converted to SI units
    where the key names a non-SI unit; lists and other values become JSON text."""
    out: dict[str, Any] = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            if str(k).startswith("_"):
                continue
            out.update(flatten(v, f"{prefix}_{k}" if prefix else str(k)))
        return out
    name = _column(prefix)
    for suffix, (si, factor) in TO_SI.items():
        if name.endswith(suffix) and isinstance(obj, (int, float)) and not isinstance(obj, bool):
            return {name[: -len(suffix)] + si: obj * factor}
    if obj is None or isinstance(obj, (str, int, float, bool)):
        out[name] = obj
    else:
        out[name] = json.dumps(obj, sort_keys=True, default=str)
    return out


def _sql_type(value: Any) -> str:
    if isinstance(value, bool) or isinstance(value, int):
        return "INTEGER"
    if isinstance(value, float):
        return "REAL"
    return "TEXT"


class ResultsDB:
    """One SQLite file; each write is one transaction."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        folder = self.path.parent if str(self.path.parent) else Path(".")
        if not folder.is_dir():
            raise SpecError(f"cannot write: folder {str(folder)!r} does not exist", str(path), None, ("--output",))
        try:
            self.conn = sqlite3.connect(str(self.path), timeout=30)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("CREATE TABLE IF NOT EXISTS points (key TEXT PRIMARY KEY, command TEXT, scenario TEXT, "
                              "result_json TEXT, version TEXT, created TEXT)")
            self.conn.commit()
        except sqlite3.DatabaseError as exc:
            raise SpecError(f"not a results database: {exc}", str(path), None, ("--output",)) from None
        self.run_id = uuid.uuid4().hex[:12]
        self.created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())

    def _columns(self, table: str) -> dict[str, str]:
        return {r[1]: r[2] for r in self.conn.execute(f'PRAGMA table_info("{table}")')}

    def write(self, table: str, rows: list[dict[str, Any]], common: dict[str, Any] | None = None) -> int:
        """Append ``rows`` (flattened, SI) with ``common`` inputs to ``table``; returns rows written."""
        table = _column(table)
        flat = [{**flatten(common or {}), **flatten(r), "version": __version__, "run_id": self.run_id,
                 "created": self.created} for r in rows]
        if not flat:
            return 0
        names: list[str] = []
        types: dict[str, str] = {}
        for r in flat:
            for k, v in r.items():
                if k not in types:
                    names.append(k)
                    types[k] = _sql_type(v)
                elif types[k] == "INTEGER" and isinstance(v, float):
                    types[k] = "REAL"
        with self.conn:
            have = self._columns(table)
            if not have:
                cols = ", ".join(f'"{n}" {types[n]}' for n in names)
                self.conn.execute(f'CREATE TABLE "{table}" ({cols})')
            else:
                for n in names:
                    if n not in have:
                        self.conn.execute(f'ALTER TABLE "{table}" ADD COLUMN "{n}" {types[n]}')
            marks = ", ".join("?" for _ in names)
            quoted = ", ".join(f'"{n}"' for n in names)
            self.conn.executemany(f'INSERT INTO "{table}" ({quoted}) VALUES ({marks})',
                                  [[_cell(r.get(n)) for n in names] for r in flat])
        return len(flat)

    # the runner's store: finished sweep points by key
    def get(self, key: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT result_json FROM points WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, point: Any, result: dict[str, Any]) -> None:
        with self.conn:
            self.conn.execute("INSERT OR REPLACE INTO points VALUES (?, ?, ?, ?, ?, ?)",
                              (point.key, point.settings.get("command", ""), point.path,
                               json.dumps(result, sort_keys=True, default=str), __version__, self.created))

    def close(self) -> None:
        self.conn.close()


def _cell(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None  # SQL has no inf/NaN: NULL means "no number"
    return value


def query(path: str | Path, sql: str) -> tuple[list[str], list[tuple]]:
    """(column names, rows) of ``sql`` on the database at ``path`` (read-only)."""
    if not Path(path).is_file():
        raise SpecError("no such results database", str(path), None, ())
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            cur = conn.execute(sql)
            names = [d[0] for d in cur.description or []]
            return names, cur.fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise SpecError(f"SQL error: {exc}", str(path), None, ()) from None
