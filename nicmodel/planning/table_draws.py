"""Paired draws of the uncertain numbers over every row of a prepared design table, evaluated once.

The uncertainty columns of a table (each row's 90% interval), its optima under uncertainty (one per
column asked for) and sizing under uncertainty all read the same draws: every row evaluated over
the same draws of the assumed, fitted and derived numbers the table does not vary (common random
numbers). Evaluating them once and reading every answer from the result gives the answers each
would give alone (the draws are seeded per number), at the cost of one evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import SpecError
from . import uncertainty
from .sensitivity import Uncertain
from .sweep import PreparedTable, combo_keys, grid_block

MAX_ROWS = 20_000  # rows x draws of each kept output are held at once (8 bytes each: 160 MB an output at 1,000 draws)


@dataclass(frozen=True)
class TableDraws:
    """Every compiled row's answers over the same draws."""

    keys: list[tuple]
    """Each row's axis-value indices, in the order of the prepared table's combinations."""
    stats: dict[str, np.ndarray]
    """Per row: ``<output>_p5/_p50/_p95`` of each uncertainty output and ``invalid_share``."""
    values: dict[str, np.ndarray]
    """For each kept output: rows x draws, NaN where the hardware cannot run the draw."""
    numbers: list[Uncertain]
    """The uncertain numbers drawn (those the table does not vary)."""
    samples: int
    """Draws per row."""
    seed: int
    """Seed of the draws."""


def drawn_numbers(prepared: PreparedTable) -> list[Uncertain]:
    """The uncertain numbers of the table's scenario that no axis varies."""
    varied = tuple(".".join(str(p) for p in a.path) for a in prepared.axes)
    return [u for u in uncertainty.uncertain(prepared.scenario)
            if not any(u.key == v or u.key.startswith(v + ".") for v in varied)]


def table_draws(prepared: PreparedTable, samples: int, seed: int = 0, keep: tuple[str, ...] = (),
                what: str = "an optimum under uncertainty", flag: str = "--by") -> TableDraws:
    """Evaluate every compiled row of ``prepared`` over ``samples`` paired draws; keep every draw of
    the outputs in ``keep`` (names of ``uncertainty.OUTPUTS``). Keeping draws holds rows x draws per
    output, so it is refused above ``MAX_ROWS`` rows (``what`` and ``flag`` name the request)."""
    numbers = drawn_numbers(prepared)
    axes = prepared.axes
    numeric_axes = [(axes[i], vals) for i, vals in zip(prepared.numeric, prepared.numeric_values)]
    total = sum(c.n for c in prepared.combos if c.compiled is not None)
    if keep and total > MAX_ROWS:
        raise SpecError(f"{total:,} rows; {what} takes at most {MAX_ROWS:,}", flag)
    keys: list[tuple] = []
    blocks: list[dict[str, np.ndarray]] = []
    for combo in prepared.combos:
        if combo.compiled is None:
            continue
        plan, params = combo.compiled
        blocks.append(uncertainty.table(plan, grid_block(params, numeric_axes, combo.index), combo.n, numbers,
                                        samples, seed, keep=keep))
        keys += combo_keys(prepared, combo)
    names = [k for k in (blocks[0] if blocks else {}) if k != "values"]
    stats = {k: np.concatenate([b[k] for b in blocks]) for k in names}
    values = {o: (np.vstack([b["values"][o] for b in blocks]) if blocks else np.zeros((0, samples)))
              for o in keep}
    return TableDraws(keys, stats, values, numbers, samples, seed)
