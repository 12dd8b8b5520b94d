"""The GEMM-tail grids screen (validation/calibration/grid_tail_screen.py): a reading, not a form in the model."""

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "validation/calibration"))
import grid_tail_screen as screen  # noqa: E402

# read against the model of their day, before the ninth tile-tail candidate entered the engine (conftest.py)
pytestmark = pytest.mark.usefixtures("before_ninth")


def test_a_persistent_gemm_runs_its_last_round_on_the_tiles_left():
    """Hand cases: 208 tiles of 512 (a 405B's 106,496-wide gate/up) on 132 CTAs run two rounds, the second on 76; a
    split-K kernel and one with no more tiles than CTAs run one round; 1,664 tiles of 64 on 120 run 14, the last on
    104 (1,664 - 13 x 120)."""
    gate_up = 2 * 53248
    assert screen.segments("nvjet_sm90_tst_512x16_64x3_2x1_v_bz_NNT", 132, 1154.0, gate_up) == [(132, 577.0), (76, 577.0)]
    assert screen.segments("nvjet_sm90_tst_192x16_64x8_2x1_v_bz_splitK_NNT", 132, 202.0, 18432) == [(132, 202.0)]
    assert screen.segments("nvjet_sm90_tst_128x16_64x11_2x1_v_bz_NNT", 128, 174.0, 16384) == [(128, 174.0)]
    assert screen.segments("nvjet_sm90_tst_64x8_64x16_4x1_v_bz_NNT", 120, 1400.0, gate_up) == [
        (120, pytest.approx(1300.0)), (104, pytest.approx(100.0))]


def test_the_tail_layers_as_read():
    """The 405B shape at batch 16 has 0.28 of a layer's GEMM time on 76 CTAs (its gate/up's second round). The tail
    grids on the two traces the tile-tail candidates are checked on (tests/test_tile_tail_form.py): the 405B's scatter
    30.7 -> 23.5%, the 70B's scatter from Python 6.5 -> 18.7%."""
    from test_tile_tail_form import LADDER_70B, SEALED2_405B, corunner_families
    table = screen.tail_layers()
    assert table[("h100-sxm", "Llama-3.1-405B", 16)] == {76: 0.2776, 128: 0.3491, 132: 0.3733}
    with screen.tail_grids():
        assert corunner_families(LADDER_70B) == {"lmcache-dequantization": 7.0, "paged-kv-scatter": 18.7,
                                                 "torch-cat": 16.6}
        assert corunner_families(SEALED2_405B) == {"paged-kv-scatter": 23.5, "short-2-byte": 42.9,
                                                   "short-compute": 36.5}


@pytest.mark.recount
def test_the_screen_as_read():
    """Read 2026-12-06 after both graph-landing sets were opened: with the tail grids and no refit, 42 -> 50 families
    above 15% on every committed trace (50 -> 58 since the tile-tail sealed set was opened, 56 -> 62 since the fourth,
    64 -> 67 since the fifth, 61 -> 65 since the 96 graph rows fitted (2026-12-07), 72 -> 78 since the sixth and
    seventh sealed sets were opened, 79 -> 80 since the eighth, 2026-12-07)."""
    from graph_landing_screen import held_out
    traces = [t for t in sorted((ROOT / "validation/traces").glob("*_interference.csv"))
              if "decoder_sealed9" not in t.name]  # read before the ninth sealed set was opened
    now = sum(v > screen.TARGET for t in traces for v in held_out(t).values())
    with screen.tail_grids():
        then = sum(v > screen.TARGET for t in traces for v in held_out(t).values())
    assert (now, then) == (79, 80)


def test_a_scaled_last_round_takes_the_tiles_left_over_a_round():
    """--scaled (the tile-tail candidates' grids): the last round's time is a full round's x tiles left / CTAs. The
    405B's gate/up: 1 + 76/132 rounds of time, so the 76-CTA round 76/208 of it; the 1,664 tiles of 64 on 120: 13
    rounds and 104/120 of one."""
    gate_up = 2 * 53248
    full, tail = screen.segments("nvjet_sm90_tst_512x16_64x3_2x1_v_bz_NNT", 132, 1040.0, gate_up, scaled=True)
    assert full == (132, pytest.approx(1040.0 * 132 / 208)) and tail == (76, pytest.approx(1040.0 * 76 / 208))
    many = screen.segments("nvjet_sm90_tst_64x8_64x16_4x1_v_bz_NNT", 120, 1400.0, gate_up, scaled=True)
    assert many == [(120, pytest.approx(1400.0 * 13 / (13 + 104 / 120))),
                    (104, pytest.approx(1400.0 * (104 / 120) / (13 + 104 / 120)))]
    assert screen.tail_layers(scaled=True)[("h100-sxm", "Llama-3.1-405B", 16)][76] < 0.2776  # shorter than equal
