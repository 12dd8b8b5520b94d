"""GitHub-flavoured markdown tables, laid out as tabulate's "github" format lays them out.

Written here instead of importing tabulate: tabulate reads its own version through
importlib.metadata when imported (~40 ms, a tenth of `nicmodel eval`), for one table format.
The layout rules are tabulate's, and tests/test_markdown.py checks the output against tabulate on
generated tables: a column is numeric when every non-empty cell reads as a number (numeric strings
included), numbers are right-aligned on their decimal points and floats formatted with
``floatfmt``, other cells are stripped and left-aligned, a column is at least its header plus two
wide, and a cell with line breaks spans several lines.
"""

from __future__ import annotations

import math
import re
from typing import Any, Iterable, Sequence

_THOUSANDS = re.compile(r"^(([+-]?[0-9]{1,3})(?:,([0-9]{3}))*)?(?(1)\.[0-9]*|\.[0-9]+)?$")
_LINE_BREAK = re.compile("[\r\n]")
_HEADER_BREAK = re.compile(r"\r|\n|\r\n")  # a header keeps its empty lines
_ORDER = {type(None): 0, bool: 1, int: 2, float: 3, bytes: 4, str: 5}


def _converts(kind: type, value: Any) -> bool:
    try:
        kind(value)
        return True
    except (ValueError, TypeError):
        return False


def _with_thousands(value: Any) -> bool:
    return isinstance(value, str) and bool(_THOUSANDS.match(value))


def _is_int(value: Any) -> bool:
    return (type(value) is int
            or (hasattr(value, "is_integer") or hasattr(value, "__array__"))
            and str(type(value)).startswith("<class 'numpy.int")
            or isinstance(value, (bytes, str)) and _converts(int, value))


def _is_number(value: Any) -> bool:
    if type(value) in (float, int):
        return True
    if not _converts(float, value):
        return False
    if not isinstance(value, (str, bytes)):
        return True
    number = float(value)
    return not (math.isinf(number) or math.isnan(number)) or value.lower() in ("inf", "-inf", "nan")


def _cell_type(value: Any) -> type:
    if value is None or isinstance(value, (bytes, str)) and not value:
        return type(None)
    if hasattr(value, "isoformat"):
        return str
    if type(value) is bool or isinstance(value, (bytes, str)) and value in ("True", "False"):
        return bool
    if _is_int(value) or _with_thousands(value) and "." not in value:
        return int
    if _is_number(value) or _with_thousands(value):
        return float
    return bytes if isinstance(value, bytes) else str


def _column_type(values: Iterable[Any]) -> type:
    order = max((_ORDER.get(_cell_type(v), 5) for v in values), default=1)
    return {v: k for k, v in _ORDER.items()}[max(order, 1)]


def _format(value: Any, kind: type, floatfmt: str) -> str:
    if value is None or isinstance(value, (bytes, str)) and not value:
        return ""
    if kind is int:
        return format(value, "") if not isinstance(value, str) else value
    if kind is bytes:
        try:
            return str(value, "ascii")
        except (TypeError, UnicodeDecodeError):
            return str(value)
    if kind is float:
        if isinstance(value, str) and "," in value:
            value = value.replace(",", "")
        try:
            return format(float(value), floatfmt)
        except (ValueError, TypeError):
            return f"{value}"
    return f"{value}"


def _after_point(text: str) -> int:
    """Characters after the decimal point (or exponent), -1 for integers and non-numbers."""
    if not (_is_number(text) or _with_thousands(text)) or _is_int(text):
        return -1
    pos = text.rfind(".")
    pos = text.lower().rfind("e") if pos < 0 else pos
    return len(text) - pos - 1 if pos >= 0 else -1


def _width(text: str) -> int:
    return max(len(line) for line in _LINE_BREAK.split(text))


def _pad(text: str, width: int, right: bool, multiline: bool) -> str:
    if multiline:
        return "\n".join(_pad(line, width, right, False) for line in text.splitlines())
    return f"{text:>{width}}" if right else f"{text:<{width}}"


def _align(cells: list[str], numeric: bool, minwidth: int, multiline: bool) -> list[str]:
    if numeric:
        decimals = [_after_point(c) for c in cells]
        most = max(decimals)
        cells = [c + (most - d) * " " for c, d in zip(cells, decimals)]
    else:
        cells = [c.strip() for c in cells]
    width = max([minwidth] + [_width(c) for c in cells])
    return [_pad(c, width, numeric, multiline) for c in cells]


def _row(cells: Sequence[str]) -> str:
    return "|" + "|".join(f" {c} " for c in cells) + "|"


def github_table(rows: Iterable[Iterable[Any]], headers: Sequence[Any], floatfmt: str = "g") -> str:
    """``rows`` under ``headers`` as a GitHub markdown table (no trailing newline)."""
    body = [list(r) for r in rows]
    heads = [str(h) for h in headers]
    ncols = max([len(r) for r in body] + [len(heads)])
    heads = [""] * (ncols - len(heads)) + heads
    body = [r + [None] * (ncols - len(r)) for r in body]
    columns = [[r[i] for r in body] for i in range(ncols)]
    kinds = [_column_type(c) for c in columns]
    texts = [[_format(v, k, floatfmt) for v in c] for c, k in zip(columns, kinds)]
    multiline = any(_LINE_BREAK.search(t) for t in heads + [t for c in texts for t in c])
    numeric = [k in (int, float) for k in kinds]
    minwidths = [_width(h) + 2 for h in heads]
    texts = [_align(c, n, w, multiline) for c, n, w in zip(texts, numeric, minwidths)]
    widths = [max([w] + [_width(t) for t in c]) for w, c in zip(minwidths, texts)]
    heads = ["\n".join(_pad(line, w, n, False) for line in _HEADER_BREAK.split(h)) if multiline else _pad(h, w, n, False)
             for h, w, n in zip(heads, widths, numeric)]
    lines = _lines(heads, widths, multiline)
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for i in range(len(body)):
        lines += _lines([c[i] for c in texts], widths, multiline)
    return "\n".join(lines)


def _lines(cells: list[str], widths: list[int], multiline: bool) -> list[str]:
    """One table row as lines: a cell of several lines pushes the row down, its neighbours padded."""
    if not multiline:
        return [_row(cells)]
    split = [c.splitlines() for c in cells]
    height = max(map(len, split))
    split = [s + [" " * w] * (height - len(s)) for s, w in zip(split, widths)]
    return [_row([s[i] for s in split]) for i in range(height)]
