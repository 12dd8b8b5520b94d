"""A query's rows as text, page by page (markdown, CSV or strict JSON), never held whole."""

from __future__ import annotations

import csv
import io
import json
import math
from typing import Any, Iterator


def _json_value(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None  # strict JSON has no inf/NaN
    return v


def query_chunks(q: Any, fmt: str) -> Iterator[str]:
    """Text of an open store.query.Query: a header, then one chunk per page of rows."""
    if fmt == "json":
        first = True
        yield "["
        for page in q.pages():
            for r in page:
                doc = json.dumps({n: _json_value(v) for n, v in zip(q.names, r)}, allow_nan=False, default=str)
                yield ("\n  " if first else ",\n  ") + doc
                first = False
        yield "\n]\n" if not first else "]\n"
    elif fmt == "csv":
        from .hygiene import safe_cell
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([safe_cell(n) for n in q.names])
        yield buf.getvalue()
        for page in q.pages():
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerows([[safe_cell(v) for v in r] for r in page])
            yield buf.getvalue()
    else:
        from .hygiene import terminal_safe
        from .markdown import github_table
        rows = [[terminal_safe(v) if isinstance(v, str) else v for v in r] for page in q.pages() for r in page]
        yield github_table(rows, headers=[terminal_safe(n) for n in q.names]) + "\n"
