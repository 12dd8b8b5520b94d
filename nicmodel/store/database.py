"""The results database: one SQLite file, safe under many writers and under kills.

Tables:
- one per command (``eval``, ``design_table``, ``compare``, ``simulate``, ``serve``): one row per
  point (``point_key`` is the primary key; a re-run of the same point *replaces* its row, so an
  aggregate never counts a point twice); inputs as ``in_*`` columns (quantities also as REAL in SI,
  ``in_network_bandwidth_bps``), outputs in SI with the unit in the column name, and in the column
  with the plain name what the screen printed (the mean over replications; ``_ci90`` beside it);
- ``<command>_seeds``: the replication runs of each point, one row per (point_key, seed);
- ``runs``: every run that wrote here: command line, user, host, pid, version, start, last sign of
  life, end, status, rows written;
- ``points``: the sweep points, claimed by a run before it computes them and finished with their
  result; two sweeps on one database never compute the same point twice, and a killed sweep's
  finished points are kept (its unfinished claims are taken over once its process is gone);
- ``meta``: the schema version.

Every schema change happens with its write in one ``BEGIN IMMEDIATE`` transaction (WAL journal,
busy timeout), so concurrent writers wait for each other instead of failing.
"""

from __future__ import annotations

import getpass
import json
import os
import socket
import sqlite3
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Iterable

from ..errors import SpecError
from ..files import is_sqlite_file
from ..version import __version__
from .columns import cell, column, sql_type, table_rows

SUFFIXES = ("sqlite", "sqlite3", "db")
SCHEMA_VERSION = 2
BUSY_TIMEOUT_S = 120.0  # how long a writer waits for another one's transaction
LEASE_S = 120.0  # a claim of a run on another host without a sign of life for this long is stale
HEARTBEAT_S = 20.0

_BASE = [
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, command TEXT, argv TEXT, user TEXT, host TEXT, "
    "pid INTEGER, version TEXT, started TEXT, heartbeat REAL, finished TEXT, status TEXT, rows INTEGER)",
    "CREATE TABLE IF NOT EXISTS points (key TEXT PRIMARY KEY, command TEXT, scenario TEXT, status TEXT, "
    "run_id TEXT, claimed REAL, result_json TEXT, version TEXT, created TEXT)",
]
_POINTS_V1 = {"key", "command", "scenario", "result_json", "version", "created"}


def is_database(path: str | None) -> bool:
    return bool(path) and path != "-" and Path(path).suffix.lstrip(".").lower() in SUFFIXES


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class ResultsDB:
    """One results file, opened for one run of one command."""

    def __init__(self, path: str | Path, command: str = "", argv: list[str] | None = None):
        self.path = Path(path)
        folder = self.path.parent if str(self.path.parent) else Path(".")
        if not folder.is_dir():
            raise SpecError(f"cannot write: folder {str(folder)!r} does not exist", str(path), None, ("--output",))
        if self.path.exists() and not self.path.is_file():
            raise SpecError("not a regular file; a results database must be one", str(path), None, ("--output",))
        if self.path.is_file() and self.path.stat().st_size and not is_sqlite_file(self.path):
            raise SpecError("exists and is not a SQLite database; refusing to overwrite it", str(path), None,
                            ("--output",))
        self.run_id = uuid.uuid4().hex[:12]
        self.created = _now()
        self.rows = 0
        self._lock = threading.Lock()
        try:
            self.conn = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                        check_same_thread=False)
            self.conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
            self._wal()
            with self._transaction():
                self._schema()
                self.conn.execute("INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, 'running', 0)",
                                  (self.run_id, command, json.dumps(argv or []), _user(), socket.gethostname(),
                                   os.getpid(), __version__, self.created, time.time()))
        except sqlite3.DatabaseError as exc:
            raise SpecError(f"not a usable results database: {exc}", str(path), None, ("--output",)) from None
        self._stop = threading.Event()
        self._beat = threading.Thread(target=self._heartbeat, daemon=True)
        self._beat.start()

    # --- transactions and schema ---------------------------------------------------------------
    def _transaction(self):
        db = self

        class _Tx:
            def __enter__(self):
                db._lock.acquire()
                try:
                    db.conn.execute("BEGIN IMMEDIATE")
                except BaseException:
                    db._lock.release()
                    raise

            def __exit__(self, kind, exc, tb):
                try:
                    db.conn.execute("COMMIT" if kind is None else "ROLLBACK")
                finally:
                    db._lock.release()
                return False

        return _Tx()

    def _schema(self) -> None:
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "points" in tables:
            cols = set(self._columns("points"))
            if cols == _POINTS_V1:  # version 1: every stored point was finished
                for name, kind in (("status", "TEXT DEFAULT 'done'"), ("run_id", "TEXT"), ("claimed", "REAL")):
                    self.conn.execute(f"ALTER TABLE points ADD COLUMN {name} {kind}")
                for t in tables & {"eval", "design_table", "compare", "simulate", "serve"}:
                    if "point_key" not in self._columns(t):  # v1 results rows: kept, out of the way
                        self.conn.execute(f'ALTER TABLE "{t}" RENAME TO "{t}_v1"')
            elif not {"key", "status", "run_id", "claimed", "result_json"} <= cols:
                raise SpecError("has a table 'points' that is not a nicmodel results table", str(self.path), None,
                                ("--output",))
        for sql in _BASE:
            self.conn.execute(sql)
        if not {"run_id", "heartbeat", "status"} <= set(self._columns("runs")):
            raise SpecError("has a table 'runs' that is not a nicmodel results table", str(self.path), None,
                            ("--output",))
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def _columns(self, table: str) -> dict[str, str]:
        return {r[1]: r[2] for r in self.conn.execute(f'PRAGMA table_info("{table}")')}

    def _ensure(self, table: str, types: dict[str, str], key: tuple[str, ...]) -> None:
        """The table with these columns (inside the caller's transaction)."""
        have = self._columns(table)
        if not have:
            cols = ", ".join(f'"{n}" {t}' for n, t in types.items())
            self.conn.execute(f'CREATE TABLE "{table}" ({cols}, PRIMARY KEY ({", ".join(key)}))')
            return
        if not set(key) <= set(have):
            raise SpecError(f"has a table {table!r} without the column(s) {', '.join(key)}: not a nicmodel results "
                            "table", str(self.path), None, ("--output",))
        for n, t in types.items():
            if n not in have:
                self.conn.execute(f'ALTER TABLE "{table}" ADD COLUMN "{n}" {t}')

    def _insert(self, table: str, flat: list[dict[str, Any]], key: tuple[str, ...]) -> None:
        types: dict[str, str] = {}
        for r in flat:
            for k, v in r.items():
                if k not in types or (types[k] == "INTEGER" and isinstance(v, float)):
                    types[k] = sql_type(v)
        self._ensure(table, types, key)
        names = list(types)
        quoted = ", ".join(f'"{n}"' for n in names)
        marks = ", ".join("?" for _ in names)
        self.conn.executemany(f'INSERT OR REPLACE INTO "{table}" ({quoted}) VALUES ({marks})',
                              [[cell(r.get(n)) for n in names] for r in flat])

    # --- results rows --------------------------------------------------------------------------
    def write(self, table: str, rows: list[dict[str, Any]], common: dict[str, Any] | None = None,
              metrics: dict[str, tuple] | None = None, inputs: dict[str, Any] | None = None) -> int:
        """One row per point into ``table`` (replacing the point's earlier row), the replication
        runs of each into ``<table>_seeds``; returns the rows written. ``common``: bookkeeping
        columns of every row; ``inputs``: typed input columns of every row (overrides)."""
        table = column(table)
        stamp = {"version": __version__, "run_id": self.run_id, "created": self.created}
        flat, seeds = table_rows(table, rows, common, metrics, inputs, stamp)
        if not flat:
            return 0
        with self._transaction():
            self._insert(table, flat, ("point_key",))
            if seeds:
                self._insert(f"{table}_seeds", seeds, ("point_key", "seed"))
            self.rows += len(flat)
            self.conn.execute("UPDATE runs SET rows = ?, heartbeat = ? WHERE run_id = ?",
                              (self.rows, time.time(), self.run_id))
        return len(flat)

    # --- the runner's store: sweep points claimed, then finished --------------------------------
    def get(self, key: str) -> dict[str, Any] | None:
        row = self.conn.execute("SELECT result_json FROM points WHERE key = ? AND status = 'done'", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def claim(self, keys: Iterable[str]) -> set[str]:
        """Of ``keys``, those this run may compute now: unclaimed, or claimed by a run that is gone.
        Keys that are finished or claimed by a live run are left out."""
        mine: set[str] = set()
        with self._transaction():
            for key in dict.fromkeys(keys):
                row = self.conn.execute("SELECT status, run_id FROM points WHERE key = ?", (key,)).fetchone()
                if row is not None and (row[0] == "done" or (row[1] != self.run_id and self._alive(row[1]))):
                    continue
                self.conn.execute("INSERT OR REPLACE INTO points (key, status, run_id, claimed, version, created) "
                                  "VALUES (?, 'claimed', ?, ?, ?, ?)", (key, self.run_id, time.time(), __version__,
                                                                       self.created))
                mine.add(key)
        return mine

    def _alive(self, run_id: str | None) -> bool:
        row = self.conn.execute("SELECT host, pid, heartbeat, status FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        if row is None or row[3] != "running":
            return False
        host, pid, beat, _ = row
        if host == socket.gethostname():
            return _pid_alive(pid)
        return time.time() - (beat or 0.0) < LEASE_S

    def put(self, point: Any, result: dict[str, Any]) -> None:
        with self._transaction():
            self.conn.execute("INSERT OR REPLACE INTO points (key, command, scenario, status, run_id, claimed, "
                              "result_json, version, created) VALUES (?, ?, ?, 'done', ?, ?, ?, ?, ?)",
                              (point.key, point.settings.get("command", ""), point.path, self.run_id, time.time(),
                               json.dumps(result, sort_keys=True, default=str), __version__, self.created))

    def unclaim(self, key: str) -> None:
        with self._transaction():
            self.conn.execute("DELETE FROM points WHERE key = ? AND run_id = ? AND status = 'claimed'",
                              (key, self.run_id))

    def release(self) -> None:
        """Give back this run's unfinished claims (an interrupted sweep)."""
        with self._transaction():
            self.conn.execute("DELETE FROM points WHERE run_id = ? AND status = 'claimed'", (self.run_id,))

    # --- life of the run -----------------------------------------------------------------------
    def _wal(self) -> None:
        """Switch to write-ahead logging. Switching takes an exclusive lock and SQLite does not
        always wait for it under its busy timeout (several writers creating one database at once
        see "database is locked" at once), so it is retried here within the same timeout."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self.conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _heartbeat(self) -> None:
        while not self._stop.wait(HEARTBEAT_S):
            try:
                with self._transaction():
                    self.conn.execute("UPDATE runs SET heartbeat = ? WHERE run_id = ?", (time.time(), self.run_id))
            except sqlite3.Error:
                pass  # a busy database: the next beat will do

    def close(self, status: str = "ok") -> None:
        self._stop.set()
        self._beat.join(timeout=5)
        try:
            self.release()
            with self._transaction():
                self.conn.execute("UPDATE runs SET finished = ?, status = ?, heartbeat = ? WHERE run_id = ?",
                                  (_now(), status, time.time(), self.run_id))
        except sqlite3.Error:
            pass
        self.conn.close()


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a killed process its parent has not reaped yet (a zombie) is gone too
        with open(f"/proc/{int(pid)}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in a container: the uid says enough
        return str(os.getuid()) if hasattr(os, "getuid") else ""
