"""Decode waiting out a co-runner's blocks for their lifetime beside decode (validation/calibration/
grown_lifetime_screen.py; docs/serving.md, Where the coverage launches' time goes): the variant reduces to
the committed sigma where the co-runner does not grow, charges more where it does, and its figures."""

import dataclasses
from functools import cache

import pytest

import nicmodel
from nicmodel.engines.plan import compile_scenario
from nicmodel.engines.serving import interference as model
from nicmodel.validation.interference import profile as decode_point

from conftest import DEFAULT, ROOT, script_module

# read against the model of their day, before the ninth tile-tail candidate entered the engine (conftest.py)
pytestmark = pytest.mark.usefixtures("before_ninth")

COVERAGE = [ROOT / f"validation/traces/h100_coverage{n}_interference.csv" for n in (1, 2)]  # the screens' own check


@pytest.fixture(scope="module")
def screen():
    return script_module("validation/calibration/grown_lifetime_screen.py", "grown_lifetime_screen")


@cache
def _params() -> dict:
    return compile_scenario(nicmodel.load(DEFAULT, ["gpu=h100-sxm"]))[1]


def test_the_variant_charges_the_grown_lifetime(screen):
    p = _params()
    profile = decode_point(p, 131072.0, 52.0, 3840.0)  # Llama-3-8B's KV bytes per token, 52 x 3840
    c = model.CoRunner((128, 12, 0), 132.0, 16e-6, 0.0)
    coupling = model.couple(p, c, "equal", profile.shapes)
    g = coupling.slowdown(profile)
    assert g > 0.5  # a one-block-per-SM launch grows beside decode
    grown = dataclasses.replace(coupling, duration_s=16e-6 * (1 + g), tau=coupling.tau * (1 + g))
    blk = model.Coupling.blocking(grown, profile)
    assert screen.grown_sigma(coupling, profile) == pytest.approx(blk + (1 - blk) * coupling.hbm_sharing * 0.0)
    assert screen.grown_sigma(coupling, profile) > screen.COMMITTED(coupling, profile)


def test_the_screen_figures(screen, capsys):
    """On the H100 coverage runs, the screen's own check (the full recount: test_the_screen_counts, -m recount)."""
    screen.main(COVERAGE)
    out = capsys.readouterr().out
    # 84.1% before the turn wait in GEMM lengths (2026-12-05, a twenty-second session)
    assert "the H100 coverage run's 90.9%" in out and "the H100 coverage run's 83.9%" in out
    assert "committed 2, grown lifetime 2 of 8" in out


@pytest.mark.recount
@pytest.mark.usefixtures("before_fifteenth")  # read on the model of its day: before the packed room
def test_the_screen_counts(screen, capsys):
    """Over every committed interference trace but the fitted set, as read before the ninth sealed set was opened."""
    import glob
    from pathlib import Path
    screen.main([Path(p) for p in sorted(glob.glob(str(ROOT / "validation/traces/h*_interference.csv")))
                 if Path(p) != screen.screen.FITTED_SET and "decoder_sealed9" not in p])
    out = capsys.readouterr().out
    # the held-out cells as of the twenty-sixth session (606 before the long-GEMM run and the GEMM ladder, 643
    # before the regime ladder, 655 before the design-pattern run, 673 before the crawl's fit took the regime
    # ladder's four long-GEMM co-runner cells and the design-pattern repeat added twelve; 27 above, both, then;
    # 681 and 17 and 18 before the Qwen rungs added twelve, the 14B shape's scatter above; 693, 18 and 19 before the
    # pace crawl's sealed check added twelve, two above; 705, 20 and 21 before the grid wait's first sealed check
    # added twenty-four, two above, Yi-34B's scatter and dequantization; 729, 22 and 23 before the grid crawl's sealed
    # check added twenty-four, two above, the Yi-34B and Qwen2.5-14B scatters; 753, 24 and 25 before the turn rounds'
    # sealed check added eighteen, six above, the short units and the scatter beside Qwen2.5-14B and Yi-34B; 771, 30 and
    # 31 before its second added thirty, six above, five scatters and Yi-34B's dequantization; 36 and 37 before its
    # adoption took fourteen below 15%; 801, 22 and 23 before the stream/graph diagnostic added sixteen, five above,
    # the graph twins beside long GEMMs and the 1B's scatter; 817, 27 and 28 before the graph-landing sealed set added
    # twenty-four, seven above, its graph launches beside the 70B and 405B and the ALU units beside Yi-34B; 841, 34 and
    # 35 before the second graph-landing set added twenty-four, eight above; 865, 42 and 43 before the tile-tail sealed
    # set added twenty-four, eight above; 889, 50 and 51 before the fourth sealed set added twenty-four, six above;
    # 913, 56 and 57 before the fifth added twenty-four, eight above; 64 and 65 before the 96 graph rows were fitted,
    # 2026-12-07; 937, 61 and 62 before the sixth and seventh sealed sets added forty-eight, eleven above; 985, 72 and
    # 73 before the eighth added twenty-four, seven above)
    assert "committed 79, grown lifetime 80 of 1009" in out
