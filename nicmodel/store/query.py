"""Read-only, bounded SQL on a results database.

The file is opened read-only through a correctly escaped ``file:`` URI (any character in the path
works), and an authorizer allows reading only: no ATTACH, no VACUUM INTO, no writes, no pragma
but the schema-reading ones, no function that touches files or loads code. A progress handler
stops a query after ``timeout_s`` seconds; rows come in pages (``limit`` of them at most) and a
value is at most ``MAX_VALUE_BYTES`` long, so no query can take the machine's memory.
"""

from __future__ import annotations

import math
import sqlite3
import time
from pathlib import Path
from typing import Any, Iterator

from ..errors import SpecError

MAX_VALUE_BYTES = 1_000_000
DEFAULT_TIMEOUT_S = 5.0
DEFAULT_LIMIT = 10_000
PAGE = 500

_READ_PRAGMAS = {"table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
                 "foreign_key_list", "data_version", "schema_version", "user_version"}
_FORBIDDEN_FUNCTIONS = {"load_extension", "readfile", "writefile", "edit", "fts3_tokenizer"}


def _authorizer(action: int, arg1: Any, arg2: Any, db: Any, source: Any) -> int:
    if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE):
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_FUNCTION:
        return sqlite3.SQLITE_DENY if str(arg2).lower() in _FORBIDDEN_FUNCTIONS else sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and str(arg1).lower() in _READ_PRAGMAS and arg2 is None:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def _value(v: Any) -> Any:
    if isinstance(v, bytes):
        return f"<blob, {len(v)} bytes>"
    return v


class Query:
    """An open, read-only query: ``names`` and ``pages()`` of rows; close it when done."""

    def __init__(self, path: str | Path, sql: str, timeout_s: float = DEFAULT_TIMEOUT_S,
                 limit: int = DEFAULT_LIMIT):
        if not (isinstance(timeout_s, (int, float)) and math.isfinite(timeout_s) and timeout_s > 0):
            raise SpecError(f"expected a positive number of seconds, got {timeout_s!r}", "--timeout")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise SpecError(f"expected a positive number of rows, got {limit!r}", "--limit")
        p = Path(path)
        if not p.is_file():
            raise SpecError("no such results database", str(path), None, ())
        self.path, self.limit, self.truncated = str(path), limit, False
        self._deadline = time.monotonic() + timeout_s
        self._timeout = timeout_s
        try:
            self.conn = sqlite3.connect(p.resolve().as_uri() + "?mode=ro", uri=True, check_same_thread=False)
            self.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
            self.conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
            self.conn.set_authorizer(_authorizer)
            self.conn.set_progress_handler(self._over, 10_000)
            self.cur = self.conn.execute(sql)
        except sqlite3.Error as exc:
            self._fail(exc)
        self.names = [d[0] for d in self.cur.description or []]

    def _over(self) -> int:
        return 1 if time.monotonic() > self._deadline else 0

    def _fail(self, exc: Exception) -> None:
        conn = getattr(self, "conn", None)
        if conn is not None:
            conn.close()
        text = str(exc)
        if "interrupted" in text:
            text = f"the query ran past its --timeout of {self._timeout:g} s"
        elif "not authorized" in text or "prohibited" in text or "authorization denied" in text:
            text = "not authorized: query reads only (no ATTACH, VACUUM, writes, write pragmas or file functions)"
        elif "readonly" in text:
            text = "the database is opened read-only; query reads only"
        raise SpecError(f"SQL error: {text}", self.path, None, ()) from None

    def pages(self) -> Iterator[list[tuple]]:
        """Rows in pages, ``limit`` of them at most (``truncated`` says whether more were left)."""
        left = self.limit
        try:
            while left > 0:
                rows = self.cur.fetchmany(min(PAGE, left))
                if not rows:
                    return
                left -= len(rows)
                yield [tuple(_value(v) for v in r) for r in rows]
            self.truncated = self.cur.fetchone() is not None
        except sqlite3.Error as exc:
            self._fail(exc)

    def close(self) -> None:
        self.conn.close()


def query(path: str | Path, sql: str, timeout_s: float = DEFAULT_TIMEOUT_S,
          limit: int = DEFAULT_LIMIT) -> tuple[list[str], list[tuple]]:
    """(column names, rows) of ``sql`` on the database at ``path``: read-only, bounded."""
    q = Query(path, sql, timeout_s, limit)
    try:
        rows = [r for page in q.pages() for r in page]
    finally:
        q.close()
    return q.names, rows
