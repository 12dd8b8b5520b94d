"""HTML pieces of `nicmodel report` (one self-contained file to hand to a colleague; the API's
report() decides what goes in it).

Sections: the design (hardware and stages), its evaluation (headline numbers, every resource's
utilization), the uncertainty of those numbers, a design table over `--vary` axes with its
bottleneck map, the sensitivity tornado, a comparison with other designs (`--compare`), and the
validation overlay of measured traces (`--trace`). Images are embedded as base64 PNG, the
style sheet is inline, and the page has no script, so it renders the same offline and anywhere.
"""

from __future__ import annotations

import base64
import html
import tempfile
from pathlib import Path
from typing import Any

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1100px;color:#222}
h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0;font-size:.85em}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}img{max-width:100%;border:1px solid #eee}
pre{white-space:pre-wrap;font-size:.8em}.note{color:#555;font-size:.9em}.bad{color:#a00;font-weight:bold}code{background:#f6f6f6;padding:0 .2em}
"""


def table(headers: list[str], rows: list[list[Any]], limit: int = 400) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_fmt(c))}</td>" for c in r) + "</tr>" for r in rows[:limit])
    more = f'<p class="note">{len(rows) - limit:,} more rows not shown.</p>' if len(rows) > limit else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def image(draw, alt: str) -> str:
    """Render a plot through ``draw(path)`` and embed it."""
    from ..files import unstaged
    with tempfile.TemporaryDirectory() as tmp, unstaged():
        path = Path(tmp) / "figure.png"
        draw(str(path))
        data = base64.b64encode(path.read_bytes()).decode()
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def page(title: str, parts: list[str]) -> str:
    """A whole self-contained page: inline style sheet, no script; control characters and
    bidirectional overrides a spec carries are shown escaped (output.hygiene)."""
    from .hygiene import terminal_safe
    return terminal_safe("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>nicmodel report: "
            f"{html.escape(title)}</title><style>{STYLE}</style></head><body>"
            + "\n".join(parts) + "</body></html>\n")
