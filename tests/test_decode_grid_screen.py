"""Decode's side by the GEMVs' grids (validation/calibration/decode_grid_screen.py; docs/serving.md, Where
the coverage launches' time goes): the weights' share charged per grid by hand, no charge for a grid that
leaves the launch room, and the screen's figures."""

from functools import cache

import pytest

import nicmodel
from nicmodel.engines.plan import compile_scenario
from nicmodel.engines.serving import interference as model
from nicmodel.validation.interference import profile as decode_point

from conftest import DEFAULT, ROOT, script_module

COVERAGE = [ROOT / f"validation/traces/h100_coverage{n}_interference.csv" for n in (1, 2)]  # the screens' own check


@pytest.fixture(scope="module")
def screen():
    return script_module("validation/calibration/decode_grid_screen.py", "decode_grid_screen")


@cache
def _params() -> dict:
    return compile_scenario(nicmodel.load(DEFAULT, ["gpu=h100-sxm"]))[1]


def _sigma(screen, blocks: float, point) -> tuple[float, float, model.Coupling, model.DecodeProfile]:
    p = _params()
    profile = decode_point(p, 131072.0, 52.0, 3840.0)  # Llama-3-8B's KV bytes per token
    coupling = model.couple(p, model.CoRunner((128, 12, 0), blocks, 16e-6, 0.0), "equal", profile.shapes)
    screen._point = point
    try:
        return screen.grid_sigma(coupling, profile), screen.COMMITTED(coupling, profile), coupling, profile
    finally:
        screen._point = None


def test_the_weights_share_by_grid_by_hand(screen):
    # a 128-block grid (4 SMs free) for 60 us: a launch on 132 SMs blocks it for T / (T + c x 60 us)
    form, committed, c, profile = _sigma(screen, 132.0, ({128: 1.0}, {128: 60e-6}))
    w, x = profile.shares["weights"], c.exclusive(profile)
    assert form == pytest.approx(committed * (1 - w / x) + w * 16e-6 / (16e-6 + c.grain * 60e-6), rel=1e-12)
    assert form > committed  # one block keeps a GEMV out of its SM: more than s x o^a
    # a 64-block grid leaves 68 SMs: a launch on 16 is not charged for it, only the committed rest
    form, committed, c, profile = _sigma(screen, 16.0, ({64: 1.0}, {64: 14e-6}))
    assert form == pytest.approx(committed * (1 - profile.shares["weights"] / c.exclusive(profile)), rel=1e-12)


@pytest.mark.usefixtures("before_fifteenth")  # read on the model of its day: before the packed room
def test_the_screen_figures(screen, capsys):
    """On the H100 coverage runs, the screen's own check (the full recount: test_the_screen_counts, -m recount)."""
    screen.main(COVERAGE)
    out = capsys.readouterr().out
    assert "the H100 coverage run's 90.9%" in out and "the H100 coverage run's 57.0%" in out
    assert "committed 0, grids, launch alone 0 of 4" in out


@pytest.mark.recount
@pytest.mark.usefixtures("before_fifteenth")  # read on the model of its day: before the packed room
def test_the_screen_counts(screen, capsys):
    """Over every committed interference trace but the fitted set, as read before the ninth sealed set was opened."""
    import glob
    from pathlib import Path
    screen.main([Path(p) for p in sorted(glob.glob(str(ROOT / "validation/traces/h*_interference.csv")))
                 if Path(p) != screen.screen.FITTED_SET and "decoder_sealed9" not in p])
    out = capsys.readouterr().out
    # the held-out cells as of 2026-12-06, a twenty-seventh session (317 before the long-GEMM run and the GEMM
    # ladder, 336 before the regime ladder, 342 before the design-pattern run, 351 before its repeat, 357 before the
    # Qwen rungs, 363 before the pace crawl's sealed check, 369 before the grid wait's first sealed check, 381
    # before the grid crawl's, 393 before the turn rounds' first, 402 before its second, 417 before the stream/graph
    # diagnostic, 425 before the graph-landing sealed set, 437 before the second, 449 before the tile-tail set, 461
    # before the fourth sealed set, 473 before the fifth, 485 before the sixth and seventh, 509 before the eighth);
    # 22 of 521 until the decoder's rows gave its measured grid (2026-12-07, a forty-third session): at 512 blocks, not
    # 48, the form charges decode beside the decoder by the 405B's grids, its two sets 0.9-1.4 -> 17.4-17.6%
    assert "committed 0, grids, launch alone 24 of 521" in out
