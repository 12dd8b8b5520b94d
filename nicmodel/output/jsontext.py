"""Strict JSON for every --format json: no NaN or Infinity (not JSON), written as null instead,
with a ``warnings`` entry naming where (top-level objects) or a note on stderr (lists)."""

from __future__ import annotations

import json
import math
import sys
from typing import Any


def _clean(obj: Any, path: str, bad: list[str]) -> Any:
    if isinstance(obj, dict):
        return {k: _clean(v, f"{path}.{k}" if path else str(k), bad) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v, f"{path}[{i}]", bad) for i, v in enumerate(obj)]
    if type(obj).__module__ == "numpy" and hasattr(obj, "item"):
        return _clean(obj.item(), path, bad)  # a numpy scalar as its Python number
    if isinstance(obj, float) and not math.isfinite(obj):
        bad.append(path or "<value>")
        return None
    return obj


def strict_json(obj: Any, indent: int = 2, default: Any = str) -> str:
    """``json.dumps`` that never writes NaN or Infinity."""
    bad: list[str] = []
    clean = _clean(obj, "", bad)
    if bad:
        note = f"not finite, written as null: {', '.join(bad[:20])}{' ...' if len(bad) > 20 else ''}"
        if isinstance(clean, dict):
            clean = {**clean, "warnings": [*clean.get("warnings", []), note]}
        else:
            print(f"warning: {note}", file=sys.stderr)
    return json.dumps(clean, indent=indent, default=default, allow_nan=False)
