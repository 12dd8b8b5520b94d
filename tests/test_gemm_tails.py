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

from conftest import ROOT

sys.path.insert(0, str(ROOT / "validation/calibration"))
import gemm_tails as form  # noqa: E402

def test_the_tile_count_segments_cover_every_measured_point():
    """Written before the run: every declared (shape, batch) has the committed grids' kernel trace to compare with."""
    for tag, (_, batches) in form.SHAPES.items():
        assert len(form.tile_count_segments(tag)) == 4 * len(batches)
    (g, share), (g_t, t) = form.tile_count_segments("70b")[(4, 2)]  # the 70B's gate/up: 224 tiles on 132 CTAs
    assert (g, g_t) == (132, 92) and round(share, 3) == 0.589 and round(t, 3) == 0.411


def test_the_instrument_as_measured():
    """Measured 2026-12-06 on an H100 (the thirty-third session, 75 s). Of the 48 GEMMs the tile count gives one round,
    the median SMs sampled is exactly 132 - g on 44 and within 8 on 46; on the Llama-3-8B's and Mistral-7B's QKV at
    batch 4 (120 CTAs, about 26 us a layer) it is 27-28 against 12. **By the declared rule the instrument check fails,
    and nothing below it is used: the fourth candidate is not built on these tails.**"""
    off = {tag: form.off_grid(tag) for tag in form.SHAPES}
    assert off == {**{tag: [] for tag in form.SHAPES}, "8b": [(4, 0, 27, 12)], "mistral7b": [(4, 0, 28, 12)]}


def test_the_tail_shares_as_read():
    """Read after the check failed (not used): the last rounds run 0.08-0.41 of their GEMMs against the count's
    0.06-0.46, the 70B shape's gate/up 0.35-0.38 against 0.41: not the 0.22-0.24 read from the whole step's windows by
    their pattern. The 405B's at batch 64 (a last round on 118 CTAs, 12 free in every round) is no reading (0.97)."""
    t = {tag: {k: round(v[1], 3) for k, v in form.tail_shares(tag).items()} for tag in form.SHAPES}
    assert t["70b"] == {(4, 2): 0.346, (32, 2): 0.377}
    assert t["405b"][(16, 2)] == 0.35 and t["405b"][(64, 2)] > 0.9
    assert t["8b"][(4, 2)] == t["mistral7b"][(4, 2)] == 0.281
    assert all(0.07 < v < 0.42 for tag in t for k, v in t[tag].items() if (tag, k) != ("405b", (64, 2)))
