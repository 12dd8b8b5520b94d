"""The packed room: a fourteenth candidate, for one-wave launches whose blocks stack on the few SMs a weight GEMM leaves
free, declared with this code before its screen (validation/collect/declared_runs.md, the forty-fourth session); no
coefficient is fitted.

The miss it is for (the ledger's coverage-launches cause): one-block-per-SM ALU launches of 16-132 blocks (128
threads, ~16 us) grow 1.5-4.9x beside decode, rising with their blocks, where the model gives 1.5-2.5x and is flat
in them (H100 36.5% under, H200 19.4-19.6%). The committed block timeline (h100/coverage_timeline/launches.csv, read
before this candidate; docs/serving.md, Where the coverage launches' time goes) reads what a launch's slowest block
does against the most blocks one SM ran for it: max(1, 4m / issue_warps) up to m of about 11 (4 warps a block; m = 4:
1.76x, 8: 2.90x, 11: 3.79x), and the most on one SM reaching the launch's limit (16) where few SMs are free: beside
52 x 3840 decode, whose weight GEMMs run 128-CTA grids (4 SMs free) for 73% of their time, 66-block launches that start
within 8-15 us of being ready put 16-17 blocks on one SM. The committed packing term reads one free count for every
weight GEMM (1 - ``decode_kernels.weights_sm_share`` of the SMs: 43 on the H100) and caps the most-packed SM at the
launch's share alone + ``pack_blocks`` (5.6), so a 66-block launch packs 2 a SM there.

The form: beside decode's weight GEMMs, where their grids are measured, the packing term reads each GEMM's first
round as the first round's room does (gemm_grids.first_round_shares: F_g = S - its first round's CTAs) and packs its
free SMs to the launch's limit L:

    m_g = min(L, max(a, ceil(B / F_g)))     where F_g >= 1,

B the launch's blocks, S the SMs, a = max(1, B / S) its blocks a SM alone; its issue slowdown there is
max(1, m_g w / issue_warps) / max(1, a w / issue_warps) - 1, w its warps a block (packing.pack_slowdown's), and
the weight GEMMs' packing is crowding x compute-boundness x sum_g (w_g x that slowdown) x decode's weight share x r,
in place of the committed crowding x compute-boundness x (its one slowdown) x weight share x r. A GEMM that leaves no
SM free (F_g < 1) keeps the committed count: the launch's blocks land on the SMs its CTAs free as they retire, which no
grid gives. Everything else is committed: the first round's room (its dispatch wait and free run at a + pack_blocks),
the packing beside the other kinds, decode's side, the blocking; where no grids are measured, or the launch does not
pack (packing.packing: a launch filling every SM alone, or one whose blocks wait on memory), nothing moves.

What it leaves out: the landings inside GEMMs holding every SM (half the 8B's weight time at batch 1; the timeline's
launches that wait over 15 us for their first block stack 8-16 a SM and take 5.6x), and the mean over landings is the
engine's time-weighted one, not the per-launch (harmonic) one a back-to-back queue of launches samples.

Screen: every committed trace, the fifth's graph fit rows out (``python validation/calibration/packed_room.py``, the
engine against the candidate); S4 as the sealed sets' claims define it (tests/test_graph_landing.py). Sealed check:
only if S4 holds, the ninth sealed set (validation/sealed/decoder_sealed9.tgz, measured 2026-12-07 and committed
unopened) opened, its traces built as pending_decoder_sealed9.sh says, and S1-S4 read, the engine against the
candidate; adopted only if all four hold.

Screened 2026-12-07 (the forty-fourth session; 47 s): **44 -> 52** of 1,013 families above 15% (summed 5646.0 ->
5807.8): S4 fails, not adopted. The coverage launches came down (H100 36.5 -> 19.8% and 19.6%, the H200's second run
19.4 -> 16.4%), but the short ALU units of 1,024 blocks (7.8 a SM alone) beside Qwen2.5-14B's and Yi-34B's 72-80-CTA
GEMMs, which the committed model already over-charges (the roomy-gemms cause), went up 3-8 points (beside Qwen2.5-14B
on the eighth sealed set 10.3 -> 17.7%), and the scatter beside roomy GEMMs 3-4: packed to the limit (16) on 52-60
free SMs they gain an issue slowdown of 1.06 where the committed count, capped at their share alone + pack_blocks
(13.4), gives 0.72.

A fifteenth candidate, declared with its code after the fourteenth's screen and before its own (``candidate15``,
``--fifteenth``; declared_runs.md, the same session; no fit): the fourteenth with each GEMM's free SMs packed at the
density the first round's room already reads, packing.packed_per_sm (min(L, max(a, min(a + pack_blocks, ceil(B /
F_g))))), in place of the limit: the packing term and the room then read one density. A one-block-per-SM launch
stacks 6.6 a SM on a GEMM's 4 free SMs (the committed count gives it 2 at 43); a launch of 7.8 a SM alone keeps the
committed 13.4 wherever ceil(B / F_g) passes it. Screen and sealed check as the fourteenth's.

    python validation/calibration/packed_room.py [TRACE ...]     the fourteenth's screen (S4), the graph fit rows out
    python validation/calibration/packed_room.py --fifteenth [TRACE ...]     the fifteenth's
"""

from __future__ import annotations

import json
import math
import sys
from contextlib import contextmanager
from pathlib import Path

import tile_tail_form as form  # puts the repository on the path

from nicmodel.engines.serving import interference  # noqa: E402
from nicmodel.engines.serving.occupancy import warps  # noqa: E402
from nicmodel.engines.serving.packing import pack_slowdown, packed_per_sm  # noqa: E402

COMMITTED_COUPLE = interference.couple
COMMITTED_GROWTH = interference.Coupling._growth


def _one_count(self, profile) -> float:
    """The packing before the fifteenth: ``packed`` (its slowdown at weights_sm_share's free SMs) by the share of
    decode's time in every kind it packs beside, the weight GEMMs' too."""
    return self.packed * interference._share(profile, self.packing)


BEFORE_FIFTEENTH = {k: v for k, v in json.loads((form.ROOT / "validation/calibration/before_packed_room.json")
                                                 .read_text()).items() if not k.startswith("_")}


@contextmanager
def before_fifteenth(coefficients: bool = True):
    """The model as it stood before the fifteenth entered the engine (2026-12-07, the forty-fourth session), in place
    for the duration: one packing count for every weight GEMM, and (``coefficients``) the coefficients the move refit
    at their values then (BEFORE_FIFTEENTH; a caller's own values override them). The fourteenth's and fifteenth's
    screens and sealed reading were read against it; their contexts nest inside it. roomy_dispatch.before_twelfth
    nests it without its coefficients (its own, older ones hold there)."""
    from nicmodel.validation.predict import Predictor
    before, interference.Coupling.packed_beside = interference.Coupling.packed_beside, _one_count
    engine_predict = Predictor.predict

    def predict(self, point, replace=None):
        return engine_predict(self, point, {**BEFORE_FIFTEENTH, **(replace or {})})
    if coefficients:
        Predictor.predict = predict
    try:
        yield
    finally:
        interference.Coupling.packed_beside, Predictor.predict = before, engine_predict


def stacked(blocks: float, sms: float, limit: float, free: float) -> float:
    """Blocks on the most-packed SM of a one-wave launch of ``blocks`` landing with ``free`` (>= 1) SMs free, packed to
    its ``limit`` a SM: min(limit, max(its share alone, ceil(blocks / free)))."""
    alone = max(1.0, blocks / sms)
    return min(limit, max(alone, math.ceil(blocks / free)))


def issue_slowdown(per_sm: float, alone: float, per_block: float, saturate: float) -> float:
    """The issue slowdown - 1 of an SM holding ``per_sm`` blocks of ``per_block`` warps, against ``alone`` a SM, once
    an SM holds more than ``saturate`` warps (packing.pack_slowdown's curve)."""
    return max(1.0, per_sm * per_block / saturate) / max(1.0, alone * per_block / saturate) - 1.0


def gemm_slowdown(grids, sms: float, blocks: float, limit: float, per_block: float, saturate: float,
                  committed: float, pack_blocks: float | None = None) -> float:
    """Sum over the weight GEMMs of (share of the weight-GEMM time x the issue slowdown - 1 of the launch's most-packed
    SM on the GEMM's first round's free SMs, packed to the limit, or with ``pack_blocks`` at the first round's room's
    density, packing.packed_per_sm); ``committed`` for a GEMM that leaves none free."""
    gemms = getattr(grids, "gemms", ()) or tuple((w, ((g, 1.0),)) for g, w in grids)
    alone = max(1.0, blocks / sms)
    total = 0.0
    for w, rounds in gemms:
        free = sms - rounds[0][0]
        if free < 1:
            slow = committed
        else:
            per_sm = (stacked(blocks, sms, limit, free) if pack_blocks is None
                      else packed_per_sm(blocks, sms, limit, pack_blocks, free))
            slow = issue_slowdown(per_sm, alone, per_block, saturate)
        total += w * sum(share for _, share in rounds) * slow
    return total


def _couple(p, c, priority, shapes):
    """The committed coupling, carrying what the candidate's packing reads: crowding x compute-boundness, the
    committed slowdown (at weights_sm_share's free SMs), warps a block and issue_warps."""
    cp = COMMITTED_COUPLE(p, c, priority, shapes)
    if "weights" in cp.packing:
        sms = float(p["gpu.sms"])
        free = sms * (1 - float(p["gpu.decode_kernels.weights_sm_share"]))
        object.__setattr__(cp, "pack_scale", float(p["gpu.interference.crowding"]) * cp.compute)
        object.__setattr__(cp, "pack_slow", pack_slowdown(p, c, free))
        object.__setattr__(cp, "per_block", float(warps(c.shape[0])))
        object.__setattr__(cp, "saturate", float(p["gpu.interference.issue_warps"]))
    return cp


def _growth(self, profile, pack_blocks: float | None = None) -> float:
    """The committed growth, its weight GEMMs' packing read per GEMM (gemm_slowdown) where their grids are measured."""
    growth = COMMITTED_GROWTH(self, profile)
    if "weights" not in self.packing or profile.grids is None or "weights" not in profile.shares:
        return growth
    run = 1.0 - self.blocking(profile, self.exclusive(profile))
    slow = gemm_slowdown(profile.grids, profile.sms, self.blocks, self.limit, self.per_block, self.saturate,
                         self.pack_slow, pack_blocks)
    return growth + run * profile.shares["weights"] * self.pack_scale * (slow - self.pack_slow)


def _growth15(self, profile) -> float:
    """The fifteenth's: the fourteenth's at the first round's room's density (the coupling's pack_blocks)."""
    return _growth(self, profile, self.pack_blocks)


@contextmanager
def in_place(couple, growth):
    """``couple`` and ``growth`` in place of the committed ones for the duration (roomy_dispatch's candidates too)."""
    interference.couple, interference.Coupling._growth = couple, growth
    try:
        yield
    finally:
        interference.couple, interference.Coupling._growth = COMMITTED_COUPLE, COMMITTED_GROWTH


@contextmanager
def _on_its_day(growth):
    """``growth``, with the candidates' coupling, on the model before the fifteenth (before_fifteenth)."""
    with before_fifteenth(), in_place(_couple, growth):
        yield


def candidate14():
    """Candidate 14 in place for the duration (a context manager)."""
    return _on_its_day(_growth)


def candidate15():
    """Candidate 15 in place for the duration (a context manager)."""
    return _on_its_day(_growth15)


def main(argv: list[str]) -> int:
    which = candidate15 if argv[:1] == ["--fifteenth"] else candidate14
    argv = argv[1:] if argv[:1] == ["--fifteenth"] else argv
    traces = [Path(a) for a in argv] or sorted((form.ROOT / "validation/traces").glob("*_interference.csv"))
    with before_fifteenth():  # the committed model of the screens' day
        form.screen(traces, which(), drop_graph_fit_rows=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
