"""The data plane's stretch beside decode by running batch, for the analytical serving model.

The co-runners' stretch (their growth beside decode) follows attention's grid, which changes the
room they find with every sequence the batch adds (docs/serving.md, Attention's grid), so a point
carries it as a table by running batch (``Points.gpu_stretch_s``, built by analytic.py) or, where
no table was built, as one number.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import gammaln


def stretch_at(pt: Any, mean: Any, table: Any = None) -> Any:
    """The data-plane kernels' stretch per chunk beside decode, given decode runs, at a running
    batch of this time-average ``mean``: the batch is Poisson about it (capped at the batch that
    fits), and the stretch at each batch from the per-point table (it is not monotone: attention's
    grid, and the room it leaves the co-runners, change with every sequence the batch adds;
    docs/serving.md, Attention's grid). ``table``: another such table of the point's (the stretch
    decode's loss is charged with, Points.loss_stretch_s), else gpu_stretch_s."""
    table = np.asarray(pt.gpu_stretch_s if table is None else table, dtype=float)
    if table.ndim == np.ndim(pt.batch):
        return table
    m = np.maximum(np.asarray(mean, dtype=float), 1e-9)[..., None]
    k = np.arange(1, table.shape[-1] + 1, dtype=float)
    pmf = np.exp(k * np.log(m) - m - gammaln(k + 1.0))
    running = -np.expm1(-m)  # P(batch >= 1)
    tail = np.maximum(running - pmf.sum(axis=-1, keepdims=True), 0.0)  # batches past the table
    total = (pmf * table).sum(axis=-1) + tail[..., 0] * table[..., -1]
    return total / running[..., 0]


def stretch_full(pt: Any, table: Any = None) -> Any:
    """The data-plane kernels' stretch per chunk beside a full batch (the table's entry there;
    ``table`` as stretch_at's)."""
    table = np.asarray(pt.gpu_stretch_s if table is None else table, dtype=float)
    if table.ndim == np.ndim(pt.batch):
        return table
    at = np.clip(np.asarray(pt.batch, dtype=int), 1, table.shape[-1]) - 1
    return np.take_along_axis(table, at[..., None], -1)[..., 0]
