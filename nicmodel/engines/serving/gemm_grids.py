"""Decode's weight-GEMM grids at a batch, and the share of a co-runner's launch their free SMs cannot
hold (docs/serving.md, The grid wait). The grids are measured per GPU, model and batch
(gpu.decode_gemm_grids; plan.py puts the scenario's model's into the parameter table), each GEMM as the
rounds its grid runs where the spec gives them (a persistent GEMM's last round runs only the tiles left)."""

from __future__ import annotations

import math
from typing import Any

from .packing import packed_per_sm

Params = dict[str, Any]
Rounds = tuple[tuple[float, float], ...]  # (CTAs busy, share of the GEMM's time), in launch order


class Grids(tuple):
    """A step's weight-GEMM grids, ((blocks, share of the step's weight-GEMM time), ...) by grid, and
    ``gemms``: ((a GEMM's share of the step's weight-GEMM time, its Rounds), ...) where the spec gives the
    rounds, () where it does not (each GEMM then holds its grid for all its time)."""

    gemms: tuple[tuple[float, Rounds], ...]

    def __new__(cls, grids, gemms=()) -> "Grids":
        self = super().__new__(cls, grids)
        self.gemms = tuple(gemms)
        return self


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
    """A step's grids: each layer's grids weighted by the layers, the LM head's by head_over_layer; and
    each GEMM's rounds where the entry gives them (``gemm.<i>.share``, ``gemm.<i>.round.<j>.blocks``, ``.share``)."""
    weights: dict[int, float] = {}
    for key, share in entry.items():
        if key.startswith("layer."):
            weights[int(key[6:])] = weights.get(int(key[6:]), 0.0) + layers * share
    head = int(entry["head"])
    weights[head] = weights.get(head, 0.0) + entry["head_over_layer"]
    total = sum(weights.values())
    gemms, i = [], 0
    while f"gemm.{i}.share" in entry:
        rounds, j = [], 0
        while f"gemm.{i}.round.{j}.blocks" in entry:
            rounds.append((entry[f"gemm.{i}.round.{j}.blocks"], entry[f"gemm.{i}.round.{j}.share"]))
            j += 1
        gemms.append((layers * entry[f"gemm.{i}.share"], tuple(rounds)))
        i += 1
    if gemms:
        gemms.append((entry["head_over_layer"], ((float(head), 1.0),)))
        whole = sum(w for w, _ in gemms)
        gemms = [(w / whole, rounds) for w, rounds in gemms]
    return Grids(tuple(sorted((b, w / total) for b, w in weights.items())), gemms)


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


def first_round_unheld(grids: Grids, sms: float, blocks: float, limit: float, pack_blocks: float) -> float:
    """U, the first round's room (docs/serving.md, The first round's room): the time-weighted share of a one-wave
    launch's ``blocks`` that the SMs decode's weight GEMMs leave free cannot hold at the packing density
    (packing.packed_per_sm: up to ``limit`` a SM, ``pack_blocks`` over its share alone), every round of a GEMM read
    at its first round's CTAs (a persistent GEMM's tail frees its SMs one by one as its CTAs finish, not at the round's
    start: validation/traces/h100/marked_timeline_8b/). 1 where a GEMM holds every SM; over the grids, each GEMM one
    round, where the rounds are not given. Adopted 2026-12-07 with the twelfth candidate (validation/collect/
    declared_runs.md)."""
    if blocks <= 0:
        return 1.0
    return sum(w * u for w, u in first_round_shares(grids, sms, blocks, limit, pack_blocks))


def first_round_shares(grids: Grids, sms: float, blocks: float, limit: float,
                       pack_blocks: float) -> list[tuple[float, float]]:
    """Per weight GEMM: (its share of the step's weight-GEMM time, u_g: the share of a launch's ``blocks`` its first
    round's free SMs cannot hold at once at the packing density), what first_round_unheld weighs."""
    gemms = getattr(grids, "gemms", ()) or tuple((w, ((g, 1.0),)) for g, w in grids)
    out = []
    for w, rounds in gemms:
        free = sms - rounds[0][0]
        held = packed_per_sm(blocks, sms, limit, pack_blocks, free) if free > 0 else 0.0
        out.append((w * sum(share for _, share in rounds), unheld_share(blocks, held, free)))
    return out


def _landing(span: float, after: float, rounds: float) -> float:
    """The mean loss of a launch landing uniformly in a GEMM round of ``span`` s: min(R + ``after``, ``rounds``),
    R the round left, ``after`` what it loses from the next round's start, ``rounds`` its rounds on this round's
    free SMs."""
    if rounds <= after:
        return rounds
    if rounds - after >= span:
        return span / 2.0 + after
    m = rounds - after
    return (m * m / 2.0 + after * m + (span - m) * rounds) / span


def turn_rounds(grids: Grids, sms: float, blocks: float, per_sm: float, tau_s: float, length_s: float,
                pace: float) -> float:
    """The share of its turn wait a stream launch still waits where decode's weight GEMMs leave SMs free
    (docs/serving.md, The turn rounds). A one-wave launch of ``blocks`` (``per_sm`` on an SM alone, each
    living ``tau_s``) that lands in a GEMM round of grid g runs on the g-free SMs in rounds at ``pace`` of its
    pace alone, so it loses a_g = tau u_g / ((1 - u_g) pace), u_g the share of its blocks the free SMs cannot
    hold, unless the GEMM's next round starts first: in a round with R of it left it loses min(R + c, a_g), c
    what it would lose from the next round's start (none after the last). A GEMM of one round gives
    L/2 x (2x - x^2) over R ~ U(0, L), x = min(1, a_g / L), L the GEMM length the turn wait counts: the whole
    turn (x = 1) where the free SMs hold none of it, none where they hold it whole. A persistent GEMM's last,
    partial round frees SMs, so a launch landing in its full rounds waits to that round at most (the tile
    tail; adopted 2026-12-07 with the ninth tile-tail candidate, validation/collect/declared_runs.md). Weighted
    over the GEMMs by their time; over the grids, each GEMM one round, where the rounds are not given. 1 with
    ``pace`` 0."""
    if pace <= 0 or length_s <= 0 or blocks <= 0:
        return 1.0
    gemms = getattr(grids, "gemms", ()) or tuple((w, ((g, 1.0),)) for g, w in grids)
    share = 0.0
    for w, rounds in gemms:
        after, mean = 0.0, 0.0
        for g, s in reversed(rounds):
            u = unheld_share(blocks, per_sm, sms - g)
            a = math.inf if u >= 1.0 else tau_s * u / ((1.0 - u) * pace)
            mean += s * _landing(s * length_s, after, a)
            after = min(s * length_s + after, a)
        share += w * mean / (length_s / 2.0)
    return share
