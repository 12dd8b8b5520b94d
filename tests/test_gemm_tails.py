"""Each weight GEMM's own free SMs, measured beside the SM sampler (validation/collect/pending_gemm_tails.sh,
sm_sampler.py --gemms; declared in validation/collect/declared_runs.md, the thirty-third session's GEMM-tail entry, with
these checks and this reading written before the run). Nothing is fitted to it.

Why: the three tile-tail candidates took a persistent GEMM's last round from its tile count (grid_tail_screen.py
--scaled: 0.41 of the 70B shape's gate/up), and all three broke the 70B shape, whose tail the whole-step sampler read
as 0.22-0.24 of the GEMM. Here every layer's copy of one GEMM runs back to back, so every window is that GEMM's.

Per (shape, batch, GEMM), S = the SMs sampled in each 5-us window (the SMs it leaves free), over three steps.
  instrument  for every GEMM the tile count gives one round of g CTAs (no tail), the median S is within 8 of 132 - g;
              if not, the sampler does not read a GEMM's grid here and nothing below is used;
  tail share  for every GEMM the tile count gives a tail (a last round on g_t CTAs), t = the share of its windows with
              S >= 132 - g_t - 8, beside the scaled form's share (grid_tail_screen.segments with scaled) and equal
              tile times'. The next tail form (declared with this) takes t in place of the scaled share."""

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "validation/calibration"))
import gemm_tail_form as form  # noqa: E402

MEASURED = form.measured()


def test_the_tile_count_segments_cover_every_measured_point():
    """Written before the run: every declared (shape, batch) has the committed grids' kernel trace to compare with."""
    for tag, (_, batches) in form.SHAPES.items():
        assert len(form.tile_count_segments(tag)) == 4 * len(batches)
    (g, share), (g_t, t) = form.tile_count_segments("70b")[(4, 2)]  # the 70B's gate/up: 224 tiles on 132 CTAs
    assert (g, g_t) == (132, 92) and round(share, 3) == 0.589 and round(t, 3) == 0.411


@pytest.mark.skipif(not MEASURED, reason="the GEMM tails are not measured yet")
def test_the_instrument_reads_one_round_grids():
    assert {tag: form.off_grid(tag) for tag in form.SHAPES} == {tag: [] for tag in form.SHAPES}
