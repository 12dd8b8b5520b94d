"""Design tables streamed to CSV block by block: a million rows in bounded memory.

The row-dict path (nicmodel.planning.sweep.PreparedTable.rows) holds every row; this one evaluates the
numeric grid of each structural combination in blocks of points, turns each block's result
columns into CSV lines, and yields them. The bytes are the same as csv.DictWriter writes for
the same rows (floats as repr, booleans as True/False, blank cells for None), which
tests/test_speed.py checks.
"""

from __future__ import annotations

import csv
import io
from typing import Iterator

import numpy as np

from .hygiene import safe_cell
from ..engines.analytical import evaluate
from ..planning.sweep import ROW_COLUMNS, PreparedTable, columns, grid_block

BLOCK_POINTS = 1 << 16  # points evaluated at once: ~100 arrays of this many doubles live at a time
FLOAT_COLUMNS = ("throughput_gbps", "kv_throughput_gbps", "fetch_latency_ms", "nic_memory_mib")


def streamable(prepared: PreparedTable) -> bool:
    """Rows come out in table order when every structural axis precedes every numeric axis."""
    return not prepared.structural or not prepared.numeric or max(prepared.structural) < min(prepared.numeric)


def _cell(text: str) -> str:
    """A CSV field as csv.writer quotes it (minimal quoting), formula-safe (output.hygiene)."""
    text = safe_cell(text)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _cells(values: np.ndarray) -> list[str]:
    """CSV fields of a column of strings that takes few distinct values (names, core splits)."""
    quoted: dict[str, str] = {}
    return [quoted.get(v) or quoted.setdefault(v, _cell(v)) for v in values.tolist()]


def csv_chunks(prepared: PreparedTable, block: int = BLOCK_POINTS) -> Iterator[str]:
    """The table as CSV text, header first, in chunks of at most ``block`` rows."""
    axes = prepared.axes
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow([a.label for a in axes] + ROW_COLUMNS)
    yield header.getvalue()
    numeric_axes = [(axes[i], vals) for i, vals in zip(prepared.numeric, prepared.numeric_values)]
    numeric_labels = [np.array([_cell(v) for v in axes[i].values], dtype=object) for i in prepared.numeric]
    blank = ",".join([""] * (len(ROW_COLUMNS) - 2))  # after the bottleneck cell, before the empty cores cell
    for combo in prepared.combos:
        fixed = {i: _cell(axes[i].values[v]) for i, v in combo.key.items()}
        for start in range(0, combo.n, block):
            index = combo.index[:, start:start + block]
            n = index.shape[1]
            label_cols = []
            for i in range(len(axes)):
                if i in fixed:
                    label_cols.append([fixed[i]] * n)
                else:
                    k = prepared.numeric.index(i)
                    label_cols.append(numeric_labels[k][index[k]].tolist())
            labels = list(map(",".join, zip(*label_cols))) if axes else [""] * n
            if combo.compiled is None:
                reason = _cell(f"invalid: {getattr(combo.error, 'message', None) or combo.error}")
                body = [f"{reason},{blank},"] * n
            else:
                plan, params = combo.compiled
                cols = columns(evaluate(plan, grid_block(params, numeric_axes, index)), n)
                fields = [_cells(cols["bottleneck"]), *(list(map(repr, cols[c].tolist())) for c in FLOAT_COLUMNS),
                          np.where(cols["fits_nic_memory"], "True", "False").tolist(), _cells(cols["cores"])]
                body = list(map(",".join, zip(*fields)))
                for i in np.flatnonzero(cols["invalid"] != None):  # noqa: E711 (elementwise)
                    body[i] = f"{_cell(cols['invalid'][i])},{blank},"
            yield "\n".join(map(",".join, zip(labels, body))) + "\n"
