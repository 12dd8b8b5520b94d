"""Decode's weight-GEMM grids at a batch, and the share of a co-runner's launch their free SMs cannot
hold (docs/serving.md, The grid wait). The grids are measured per GPU, model and batch
(gpu.decode_gemm_grids; plan.py puts the scenario's model's into the parameter table)."""

from __future__ import annotations

from typing import Any

Params = dict[str, Any]
Grids = tuple[tuple[int, float], ...]  # (blocks, share of the step's weight-GEMM time)


# the table last read, its index and the steps found in it: an engine asks of one table step after step
_last: list = [None, None, {}]


def _measured(p: Params) -> dict[int, dict[str, float]]:
    """{batch: {key under decode_grids.<batch>.: value}} of the parameter table."""
    if _last[0] is not p:
        index: dict[int, dict[str, float]] = {}
        for key, value in p.items():
            if key.startswith("decode_grids."):
                _, batch, rest = key.split(".", 2)
                index.setdefault(int(batch), {})[rest] = float(value)
        _last[:] = [p, index, {}]
    return _last[1]


def _step(entry: dict[str, float], layers: float) -> Grids:
    """A step's grids: each layer's grids weighted by the layers, the LM head's by head_over_layer."""
    weights: dict[int, float] = {}
    for key, share in entry.items():
        if key.startswith("layer."):
            weights[int(key[6:])] = weights.get(int(key[6:]), 0.0) + layers * share
    head = int(entry["head"])
    weights[head] = weights.get(head, 0.0) + entry["head_over_layer"]
    total = sum(weights.values())
    return tuple(sorted((b, w / total) for b, w in weights.items()))


def step_grids(p: Params, batch: float) -> Grids | None:
    """The weight GEMMs' grids of a decode step at ``batch`` (_find, remembered for the table last read)."""
    measured = _measured(p)
    key = (float(batch), float(p.get("model.layers", 0.0)))
    if key not in _last[2]:
        _last[2][key] = _find(measured, p, batch)
    return _last[2][key]


def _find(measured: dict, p: Params, batch: float) -> Grids | None:
    """The weight GEMMs' grids of a decode step at ``batch``: measured at that batch, else at the
    nearest measured batches on either side where both ran the same grids (cuBLAS changes tiles at
    thresholds of the batch); None where not measured."""
    if not measured:
        return None
    layers = float(p["model.layers"])
    if float(batch).is_integer() and int(batch) in measured:
        return _step(measured[int(batch)], layers)
    below = [b for b in measured if b < batch]
    above = [b for b in measured if b > batch]
    if not below or not above:
        return None
    low, high = measured[max(below)], measured[min(above)]
    same = ({k for k in low if k.startswith("layer.")} == {k for k in high if k.startswith("layer.")}
            and low["head"] == high["head"])
    return _step(low, layers) if same else None


def free_share(grids: Grids, sms: float) -> float:
    """The share of the SMs decode's weight GEMMs leave free, weighted by their time."""
    return sum(w * max(0.0, sms - g) / sms for g, w in grids)


def unheld_share(blocks: float, per_sm: float, free_sms: float) -> float:
    """The share of a launch of ``blocks`` (``per_sm`` on an SM) that ``free_sms`` SMs cannot hold at once."""
    return max(0.0, blocks - max(0.0, free_sms) * per_sm) / blocks if blocks > 0 else 0.0


def unheld(grids: Grids, sms: float, blocks: float, per_sm: float) -> float:
    """u: the time-weighted share of a launch's blocks that the SMs decode's GEMMs leave free cannot hold."""
    return sum(w * unheld_share(blocks, per_sm, sms - g) for g, w in grids)


def turn_rounds(grids: Grids, sms: float, blocks: float, per_sm: float, tau_s: float, length_s: float,
                pace: float) -> float:
    """The share of its turn wait a stream launch still waits where decode's weight GEMMs leave SMs free
    (docs/serving.md, The turn rounds). A one-wave launch of ``blocks`` (``per_sm`` on an SM alone, each
    living ``tau_s``) that lands in a GEMM of grid g with R of it left runs on the g-free SMs in rounds at
    ``pace`` of its pace alone: its last block starts when the GEMM ends unless those rounds finish it
    first, so it loses min(R, a_g), a_g = tau u_g / ((1 - u_g) pace), u_g the share of its blocks the free
    SMs cannot hold. Over R ~ U(0, L), L the GEMM length the turn wait counts, that is L/2 x (2x - x^2),
    x = min(1, a_g / L): the whole turn (x = 1) where the free SMs hold none of it or the rounds outlast
    the GEMM, none where they hold it whole; weighted over the grids by their time. 1 with ``pace`` 0."""
    if pace <= 0 or length_s <= 0 or blocks <= 0:
        return 1.0
    share = 0.0
    for g, w in grids:
        u = unheld_share(blocks, per_sm, sms - g)
        x = 1.0 if u >= 1.0 else min(1.0, tau_s * u / ((1.0 - u) * pace) / length_s)
        share += w * x * (2.0 - x)
    return share
