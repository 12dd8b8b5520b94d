"""Text that is safe where it lands: control characters and bidirectional overrides from specs
escaped before they reach a terminal or a report, and CSV cells a spreadsheet would run as
formulas neutralised."""

from __future__ import annotations

import re
from typing import Any

# C0/C1 controls except tab and newline, DEL, and the Unicode bidirectional controls
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escape(m: re.Match) -> str:
    c = ord(m.group(0))
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def terminal_safe(text: str) -> str:
    """``text`` with every control character (but tab and newline) and bidirectional override
    shown as an escape (\\x1b, \\u202e), so a spec cannot drive the terminal or reorder a line."""
    return _UNSAFE.sub(_escape, text)


def safe_cell(value: Any) -> Any:
    """A CSV cell: text a spreadsheet would evaluate (=, +, -, @ first) gets a leading quote
    mark; numbers (also negative ones written as text) are left alone."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return terminal_safe(value) if isinstance(value, str) else value
    try:
        float(value)
        return value
    except ValueError:
        return "'" + terminal_safe(value)
