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

    python validation/calibration/packed_room.py [TRACE ...]
"""

from __future__ import annotations

import math
import sys
from contextlib import contextmanager
from pathlib import Path

import tile_tail_form as form  # puts the repository on the path

from nicmodel.engines.serving import interference  # noqa: E402
from nicmodel.engines.serving.occupancy import warps  # noqa: E402
from nicmodel.engines.serving.packing import pack_slowdown  # noqa: E402

COMMITTED_COUPLE = interference.couple
COMMITTED_GROWTH = interference.Coupling._growth


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
                  committed: float) -> float:
    """Sum over the weight GEMMs of (share of the weight-GEMM time x the issue slowdown - 1 of the launch's most-packed
    SM on the GEMM's first round's free SMs, packed to the limit); ``committed`` for a GEMM that leaves none free."""
    gemms = getattr(grids, "gemms", ()) or tuple((w, ((g, 1.0),)) for g, w in grids)
    alone = max(1.0, blocks / sms)
    total = 0.0
    for w, rounds in gemms:
        free = sms - rounds[0][0]
        slow = (issue_slowdown(stacked(blocks, sms, limit, free), alone, per_block, saturate) if free >= 1
                else committed)
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


def _growth(self, profile) -> float:
    """The committed growth, its weight GEMMs' packing read per GEMM (gemm_slowdown) where their grids are measured."""
    growth = COMMITTED_GROWTH(self, profile)
    if "weights" not in self.packing or profile.grids is None or "weights" not in profile.shares:
        return growth
    run = 1.0 - self.blocking(profile, self.exclusive(profile))
    slow = gemm_slowdown(profile.grids, profile.sms, self.blocks, self.limit, self.per_block, self.saturate,
                         self.pack_slow)
    return growth + run * profile.shares["weights"] * self.pack_scale * (slow - self.pack_slow)


@contextmanager
def candidate14():
    """Candidate 14 in place for the duration."""
    interference.couple, interference.Coupling._growth = _couple, _growth
    try:
        yield
    finally:
        interference.couple, interference.Coupling._growth = COMMITTED_COUPLE, COMMITTED_GROWTH


def main(argv: list[str]) -> int:
    traces = [Path(a) for a in argv] or sorted((form.ROOT / "validation/traces").glob("*_interference.csv"))
    form.screen(traces, candidate14(), drop_graph_fit_rows=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
