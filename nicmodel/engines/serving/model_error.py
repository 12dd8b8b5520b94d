"""The interference model's own error, as both serving models apply it (docs/serving.md, The
model's own error).

A GPU spec's ``gpu.interference.model_error`` gives, per class of data-plane kernel, two factors
on what the model predicts: decode's loss and the kernel's stretch, 1 as fitted. Their ranges are
the held-out points' spread (validation/calibration/model_error.py), so --uncertainty draws them
and a verdict's flips are checked over them; at 1 every answer is the model's own.

The decode factor was measured on the loss with the kernel stretched as it really was, so the loss
it multiplies includes the stretch: where a draw stretches the kernel apart from it, the loss per
second of the kernel's busy time is taken back by as much, and decode loses ``decode_loss`` x the
model's loss whatever the stretch drawn.
"""

from __future__ import annotations

from ..plan import Params

PREFIX = "gpu.interference.model_error."


def factors(p: Params, kind: str) -> tuple[float, float]:
    """(decode_loss, stretch) for a GPU kernel class; (1, 1) where the spec gives none."""
    q = f"{PREFIX}{kind}."
    return float(p.get(q + "decode_loss", 1.0)), float(p.get(q + "stretch", 1.0))


def corrected(factor: tuple[float, float], sigma: float, slowdown: float) -> tuple[float, float]:
    """Decode's loss per busy second of the kernel (``sigma``) and the kernel's growth beside decode
    (``slowdown``), with the factors applied: the growth x stretch; sigma x decode_loss, over the
    busy time the drawn stretch adds (1 + slowdown) / (1 + stretch x slowdown)."""
    decode_loss, stretch = factor
    if decode_loss == 1.0 and stretch == 1.0:
        return sigma, slowdown
    grown = stretch * slowdown
    return decode_loss * sigma * (1.0 + slowdown) / (1.0 + grown), grown
