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

import csv
import gzip
import statistics
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "validation/calibration"))

RUNS = ROOT / "validation/traces/h100"
SHAPES = {"70b": ("llama-3-70b", (4, 32)), "405b": ("llama-3.1-405b", (4, 16, 48, 64)),
          "8b": ("llama-3-8b", (4, 32)), "mistral7b": ("mistral-7b", (4, 32)), "qwen7b": ("qwen2.5-7b", (4, 32)),
          "qwen32b": ("qwen2.5-32b", (4, 16)), "yi34b": ("yi-34b", (16,)), "llama2_7b": ("llama-2-7b", (4,))}
SMS, SLACK = 132, 8
MEASURED = all((RUNS / f"gemm_tails_{t}/windows.csv.gz").exists() for t in SHAPES)


def sampled(tag: str) -> dict[tuple[int, int], list[int]]:
    """{(batch, GEMM 0-3): SMs sampled per window, every step}."""
    out: dict[tuple[int, int], list[int]] = {}
    with gzip.open(RUNS / f"gemm_tails_{tag}/windows.csv.gz", "rt", newline="") as f:
        for r in csv.DictReader(f):
            out.setdefault((int(r["batch"]), int(r["part"][4:])), []).append(int(r["sms_sampled"]))
    return out


def tile_count_segments(tag: str) -> dict[tuple[int, int], list[tuple[int, float]]]:
    """{(batch, GEMM 0-3): the scaled tile-count form's segments [(CTAs busy, share)]} for the measured batches."""
    import gemm_grids
    import grid_tail_screen
    model, batches = SHAPES[tag]
    name = gemm_grids.model_names()[model]
    gemms = grid_tail_screen.layer_gemms(scaled=True)
    return {(b, i): gemms[("h100-sxm", name, b)][i][1] for b in batches for i in range(4)}


def instrument(tag: str) -> list[tuple[int, int, float, int]]:
    """[(batch, GEMM, median S, 132 - g)] of the GEMMs the tile count gives one round, whose median S is off by more
    than SLACK (none: the instrument reads them)."""
    s, segs = sampled(tag), tile_count_segments(tag)
    return [(b, i, statistics.median(s[(b, i)]), SMS - seg[0][0]) for (b, i), seg in segs.items()
            if len(seg) == 1 and abs(statistics.median(s[(b, i)]) - (SMS - seg[0][0])) > SLACK]


def tail_shares(tag: str) -> dict[tuple[int, int], tuple[int, float, float]]:
    """{(batch, GEMM): (g_t, measured t, the scaled form's share)} of the GEMMs the tile count gives a tail."""
    s, segs = sampled(tag), tile_count_segments(tag)
    out = {}
    for (b, i), seg in segs.items():
        if len(seg) == 2:
            g_t = seg[1][0]
            windows = s[(b, i)]
            out[(b, i)] = (g_t, sum(n >= SMS - g_t - SLACK for n in windows) / len(windows), seg[1][1])
    return out


def test_the_tile_count_segments_cover_every_measured_point():
    """Written before the run: every declared (shape, batch) has the committed grids' kernel trace to compare with."""
    for tag in SHAPES:
        segs = tile_count_segments(tag)
        assert len(segs) == 4 * len(SHAPES[tag][1])
    (g, share), (g_t, t) = tile_count_segments("70b")[(4, 2)]  # the 70B's gate/up: 224 tiles on 132 CTAs
    assert (g, g_t) == (132, 92) and round(share, 3) == 0.589 and round(t, 3) == 0.411


@pytest.mark.skipif(not MEASURED, reason="the GEMM tails are not measured yet")
def test_the_instrument_reads_one_round_grids():
    assert {tag: instrument(tag) for tag in SHAPES} == {tag: [] for tag in SHAPES}
