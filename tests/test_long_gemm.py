"""The crawl beside long GEMMs (nicmodel/engines/serving/long_gemm.py; docs/serving.md, The crawl beside long
GEMMs): closed forms by hand, and what must hold whatever the numbers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nicmodel.engines.serving.long_gemm import crawl_growth, crawl_loss, turn_gemm

US = 1e-6


def test_a_launch_that_finishes_inside_some_gemms_by_hand():
    # G 100 us, T 10 us at a quarter's pace: it loses 30 us if it finishes inside, 0.75 R if it outlasts R;
    # it outlasts the GEMM left for R < 40 us: (0.75 x 40^2 / 2 + 30 x 60) / 100 = 24 us
    assert crawl_loss(100 * US, 10 * US, 0.25) == pytest.approx(24 * US)


def test_a_launch_that_outlasts_every_gemm_by_hand():
    # T 50 us would lose 150 us inside; it always outlasts the GEMM: 0.75 x 100 / 2 = 37.5 us
    assert crawl_loss(100 * US, 50 * US, 0.25) == pytest.approx(37.5 * US)


def test_the_turn_wait_past_the_checked_gemms_by_hand():
    assert turn_gemm(30 * US, 37 * US, 0.5) == pytest.approx(30 * US)  # inside: the GEMM's own length
    assert turn_gemm(144 * US, 37 * US, 0.5) == pytest.approx((144 * 37) ** 0.5 * US)  # 72.99 us
    assert turn_gemm(144 * US, 37 * US, 1.0) == pytest.approx(144 * US)  # the form as first fitted


def test_the_growth_added_past_the_checked_gemms_by_hand():
    # beside 40-us GEMMs the 10-us launch loses 0.75 x 40 / 2 = 15 us (30 >= 30: it always outlasts); beside
    # 100-us ones 24 us: 9 us more, on 0.8 of decode's time, twice at high priority: 2 x 0.8 x 9 / 10
    assert crawl_growth(100 * US, 40 * US, 10 * US, 0.25, 0.8, 2.0) == pytest.approx(1.44)
    assert crawl_growth(40 * US, 40 * US, 10 * US, 0.25, 0.8) == 0.0  # none inside the checked lengths
    assert crawl_growth(100 * US, 40 * US, 10 * US, 0.0, 0.8) == 0.0  # crawl_share 0: the form off


lengths = st.floats(1e-6, 5e-3)
shares = st.floats(0.01, 0.99)


@given(lengths, lengths, lengths, shares)
def test_the_loss_grows_with_the_gemm_and_the_launch_and_stays_under_both_caps(g, t, more, f):
    loss = crawl_loss(g, t, f)
    assert 0.0 <= loss <= min(t * (1 / f - 1), (1 - f) * g / 2) * (1 + 1e-9)
    assert crawl_loss(g + more, t, f) >= loss * (1 - 1e-9)
    assert crawl_loss(g, t + more, f) >= loss * (1 - 1e-9)


@given(lengths, lengths, lengths, shares, st.floats(0.0, 1.0))
def test_more_gemm_length_never_lowers_the_growth(checked, g, more, f, w):
    assert crawl_growth(g + more, checked, 20e-6, f, w) >= crawl_growth(g, checked, 20e-6, f, w) - 1e-12


def test_the_coupling_adds_the_crawl_past_the_checked_gemms_by_hand():
    """Through the interference model: a 50-us launch of 2,048 thin blocks beside a step of 144-us GEMMs (70% of
    its time) grows by 0.7 x (54 - 13.875) / 50 = 0.56175 more with crawl_share 0.25 than with the crawl off:
    it outlasts any GEMM left (150 us lost inside against 0.75 x 144 = 108), so it loses 0.75 x 144 / 2 = 54 us,
    and beside the checked 37-us GEMMs 0.75 x 37 / 2 = 13.875 us; beside GEMMs within the checked lengths,
    nothing."""
    from dataclasses import replace

    from hopper import HOPPER, PROFILE, THIN

    from nicmodel.engines.serving.interference import CoRunner, corunner_slowdown

    launch = CoRunner(THIN, 2048.0, 50e-6, 0.1)
    long = replace(PROFILE, gemm_s=144e-6)
    crawl = {**HOPPER, "gpu.interference.crawl_share": 0.25}
    assert corunner_slowdown(crawl, long, launch) - corunner_slowdown(HOPPER, long, launch) == pytest.approx(0.56175)
    inside = replace(PROFILE, gemm_s=30e-6)
    assert corunner_slowdown(crawl, inside, launch) == corunner_slowdown(HOPPER, inside, launch)
    # at high priority a launch of many waves crawls crawl_high times as much; one of one wave does not
    high = {**crawl, "gpu.interference.crawl_high": 2.0}
    many = CoRunner(THIN, 8 * 2048.0, 50e-6, 0.1)
    assert (corunner_slowdown(high, long, many, "high") - corunner_slowdown(HOPPER, long, many, "high")
            == pytest.approx(2 * 0.56175))
    assert (corunner_slowdown(high, long, launch, "high") - corunner_slowdown(HOPPER, long, launch, "high")
            == pytest.approx(0.56175))


def test_the_grid_crawl_keeps_the_pace_on_the_sms_a_gemm_leaves_free_by_hand():
    """The same 50-us launch beside 144-us GEMMs half of whose time runs 66 blocks on 132 SMs (half the SMs free) and
    half 132: it keeps crawl_share 0.25 on the held SMs and its whole pace on the free ones, a quarter of the SMs
    over the GEMMs' time, so its share is 0.25 + 0.75 x 0.25 = 0.4375. It loses min(T (1/f - 1), R (1 - f)): T (1/f -
    1) = 64.29 us against 0.5625 x 144 = 81 us, so beside the 144-us GEMMs (0.5625 x 114.29^2 / 2 + 64.29 x (144 -
    114.29)) / 144 = 38.776 us, beside the checked 37 us 0.5625 x 37 / 2 = 10.406 us: it grows 0.7 x (38.776 -
    10.406) / 50 = 0.39717 past the crawl off. With crawl_free_pace 0 the grids change nothing (0.56175 as above)."""
    from dataclasses import replace

    from hopper import HOPPER, PROFILE, THIN

    from nicmodel.engines.serving.interference import CoRunner, corunner_slowdown

    launch = CoRunner(THIN, 2048.0, 50e-6, 0.1)
    gridded = replace(PROFILE, gemm_s=144e-6, grids=((66, 0.5), (132, 0.5)), sms=132.0)
    crawl = {**HOPPER, "gpu.interference.crawl_share": 0.25}
    assert (corunner_slowdown(crawl, gridded, launch) - corunner_slowdown(HOPPER, gridded, launch)
            == pytest.approx(0.7 * (38.775510204 - 10.40625) / 50, rel=1e-6))
    off = {**crawl, "gpu.interference.crawl_free_pace": 0.0}
    assert corunner_slowdown(off, gridded, launch) - corunner_slowdown(HOPPER, gridded, launch) == pytest.approx(0.56175)
