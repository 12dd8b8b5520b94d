"""The blocking with a grain per decode kernel kind, screened and not adopted
(validation/calibration/decode_blocking_screen.py; docs/serving.md, Decode's own blocking): the form's
rule by hand, its reduction to the committed rule where every kind's kernels last alike, the step's
other kernels' duration, and the fitted set's error it was judged by."""

from dataclasses import replace
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nicmodel
from nicmodel.engines.plan import compile_scenario
from nicmodel.engines.serving.interference import Coupling, step_profile

from conftest import DEFAULT, script_module

SHARES = {"weights": 0.36, "attention": 0.58, "elementwise": 0.06}


@pytest.fixture(scope="module")
def screen():
    return script_module("validation/calibration/decode_blocking_screen.py", "decode_blocking_screen")


@cache
def _profile(attention_s: float = 600e-6, kernel_s: float = 20e-6):
    p = compile_scenario(nicmodel.load(DEFAULT, ["gpu=h200"]))[1]
    return replace(step_profile(p, 131072.0, 8, 4096), shares=dict(SHARES), kernel_s=kernel_s, attention_s=attention_s)


def _coupling(priority: str, waves: int, duration_s: float, tau: float, cover: float = 0.5, grain: float = 2.0,
              low: tuple[str, ...] = ("weights",), high: tuple[str, ...] = ("weights",), frac: float = 1.0) -> Coupling:
    return Coupling(priority, cover=cover, waves=waves, duration_s=duration_s, tau=tau, low=low, high=high, frac=frac,
                    grain=grain, hbm_sharing=0.33, hbm_share=0.2, dispatch_wait=0.0, wave_yield=0.0, memory=0.0,
                    packed=0.0, narrow=0.0)


def test_the_steps_other_kernels_by_hand(screen):
    """A 20-us mean kernel over a step whose attention (58%) runs in 600-us kernels: per unit of step, 1/20
    kernels of which 0.58/600 attention, so the rest last 0.42 / (1/20 - 0.58/600) = 8.566 us."""
    assert screen.other_s(_profile()) * 1e6 == pytest.approx(0.42 / (1 / 20 - 0.58 / 600), rel=1e-12)
    assert screen.other_s(_profile()) * 1e6 == pytest.approx(8.566, abs=5e-4)


def test_the_forms_blocking_by_hand(screen):
    """tau 10 us, grain 2, the GEMVs (36%) excluded, coverage 0.5, the other kernels 8.566 us: a block meets
    a GEMV start 10 / (10 + 2 x 8.566) of the time: 0.5 x 0.36 x 0.36858 = 0.066344. The committed rule
    (one grain on the 20-us mean): 0.5 x 0.36 x 10 / 50 = 0.036."""
    c = _coupling("high", 1, 10e-6, 10e-6)
    rest = 0.42 / (1 / 20 - 0.58 / 600)
    assert screen.per_kind_blocking(c, _profile()) == pytest.approx(0.5 * 0.36 * 10 / (10 + 2 * rest), rel=1e-12)
    assert c.blocking(_profile()) == pytest.approx(0.036, rel=1e-12)


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(["equal", "high"]), st.integers(1, 6), st.floats(1e-6, 5e-3), st.floats(0.0, 1.0),
       st.floats(0.1, 10.0), st.floats(0.0, 1.0))
def test_where_every_kind_lasts_the_mean_it_is_the_committed_rule(screen, priority, waves, duration, cover, grain, frac):
    """Attention's kernels as long as the mean make every kind's as long: the form is then the committed
    rule exactly (the GEMVs excluded whole, attention a share ``frac``), and never above its coverage."""
    prof = _profile(attention_s=20e-6)
    c = _coupling(priority, waves, duration, duration / waves, cover, grain, ("weights",), ("weights", "attention"), frac)
    assert screen.per_kind_blocking(c, prof) == pytest.approx(c.blocking(prof), rel=1e-9, abs=1e-15)
    assert 0.0 <= screen.per_kind_blocking(c, prof) <= cover + 1e-12


@pytest.mark.usefixtures("before_fifteenth")  # read on the model of its day: before the packed room
def test_the_fitted_sets_error_it_was_judged_by(screen):
    """The declared estimator on the declared set: the committed model's loss-share MAPE 32.5%, the form's
    at its fixed point (FORM) 20.8% (fitted on, not evidence; docs/serving.md, Decode's own blocking)."""
    for form, mape in ((False, 32.5), (True, 20.8)):
        rows = [(pt, p) for _, pt, p in screen.predictions([screen.FITTED_SET], form, held_out=False)
                if pt.metric == "decode_time_ratio" and screen.loss(pt.value) >= 0.01]
        assert len(rows) == 692
        errors = [abs(screen.loss(p) / screen.loss(pt.value) - 1) for pt, p in rows]
        assert 100 * sum(errors) / len(errors) == pytest.approx(mape, abs=0.05)
