"""Where decode streams HBM beside a co-runner at equal priority (Coupling.streamed): the rule by hand,
its bounds under hypothesis, and the thirteenth sealed set, which checks it, as declared."""

from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nicmodel
from nicmodel.engines.plan import compile_scenario
from nicmodel.engines.serving.interference import CoRunner, couple, decode_shapes
from nicmodel.validation.trace import read_trace
from nicmodel.validation.validate import predict_all

from conftest import DEFAULT, ROOT

COPY = (128, 24, 0)  # the 2-byte copy probe's blocks: 128 threads, 24 registers, no shared memory


@cache
def _h200() -> dict:
    return compile_scenario(nicmodel.load(DEFAULT, ["gpu=h200"]))[1]


def _coupling(blocks: float, priority: str):
    p = _h200()
    return couple(p, CoRunner(COPY, blocks, 25.8e-6, 0.54, access_bytes=2.0), priority, decode_shapes(p))


def test_a_many_wave_launch_streams_beside_decode_only_in_its_last_wave():
    """The 2-byte copy probe, 32,768 blocks of 128 threads: 16 resident per SM (the threads), 132 SMs,
    so ceil(32,768 / 2,112) = 16 waves. At equal priority a decode kernel that cannot sit beside its
    blocks (x, here all of decode's time: 1) is dispatched after all of them, so decode streams beside
    it only in its last wave: 1 - 1 x 15/16 = 1/16, and with half of decode's time in kernels that can
    sit beside it 1 - 0.5 x 15/16 = 0.53125, each at most ``run``."""
    c = _coupling(32768.0, "equal")
    assert c.waves == 16
    assert c.streamed(0.62, 1.0) == pytest.approx(1 / 16)
    assert c.streamed(0.62, 0.5) == pytest.approx(0.53125)
    assert c.streamed(0.4, 0.5) == pytest.approx(0.4)


def test_one_wave_and_high_priority_keep_the_run_share():
    """A one-wave launch has no later waves to wait behind; at high priority decode's kernels are
    dispatched first and cut in at its wave boundaries: both stream beside it for ``run``."""
    one = _coupling(132.0, "equal")
    assert one.waves == 1
    assert one.streamed(0.7, 1.0) == pytest.approx(0.7)
    high = _coupling(32768.0, "high")
    assert high.streamed(0.96, 1.0) == pytest.approx(0.96)


@settings(max_examples=60, deadline=None)
@given(blocks=st.integers(1, 60000), run=st.floats(0.0, 1.0), x=st.floats(0.0, 1.0),
       priority=st.sampled_from(["equal", "high"]))
def test_streamed_is_a_share_no_larger_than_run_and_falls_with_waves(blocks, run, x, priority):
    """Whatever the launch: a share between 0 and ``run``; at equal priority, more waves of the same
    blocks never let decode stream beside it longer."""
    c = _coupling(float(blocks), priority)
    s = c.streamed(run, x)
    assert 0.0 <= s <= run + 1e-12
    if priority == "equal":
        more = _coupling(float(blocks) * 2 + 2112.0, priority)
        assert more.waves >= c.waves
        assert more.streamed(run, x) <= s + 1e-12


def test_thirteenth_sealed_set_holds_as_declared():
    """The thirteenth sealed set (h200/probe_points2_random/: the probe units, many-wave launches of
    2-3-us blocks, integer-ALU, 16-byte and 2-byte copies and PyTorch's strided copy, beside 4 x 1.5k
    (GEMVs 89% of the step), 12 x 9k (one attention block per SM), 28 x 7.5k (a fill grid) and 96 x 3k
    (three waves) decode, points the probe never had; declared and measured raw before any of it was
    predicted, 2026-12-04, an eleventh session). It checks where decode streams beside a co-runner at
    equal priority (Coupling.streamed), chosen on the held-out families, the 2-byte copy's
    equal-priority over-prediction first among them. The claims, declared in interference_grid.py
    before the run: each of the four probe families within 15% co-runner MAPE, each priority's points
    of each family within 20%, decode's side within 15% in every family. One claim failed: the 16-byte
    copy, 16.6% (16.0% without the form), carried by its high-priority points (18.6%, which the form
    does not touch; 18.5% without it), recorded and held to it here. Every other claim held: the 2-byte
    copy 10.4% (13.0% without the form; its equal-priority points 11.8%, 17.0%), PyTorch's strided
    copy 9.0% (12.3%; equal 11.1%, 17.5%), the ALU probe 12.5% (11.3%; the refit's high-priority
    coefficients), each priority's points within 18.6%, decode's side 0.3-0.4%."""
    from test_sealed_sets import _assert_probe_claims
    predicted = _assert_probe_claims("validation/traces/h200_probe_points2_interference.csv",
                                     {"probe-copy-16-byte": 16.7})
    for family in ("probe-alu", "probe-copy-16-byte", "probe-copy-2-byte", "probe-torch-strided-copy"):
        for priority in ("equal", "high"):
            errors = [abs(r.error_pct) for r in predicted if r.point.metric == "corunner_time_ratio"
                      and f"family={family}," in r.point.argument and f"priority={priority}," in r.point.argument]
            assert len(errors) >= 16, (family, priority)
            assert sum(errors) / len(errors) <= 20.0, (family, priority)


# the previous fixed point (hwspecs/gpus/h200.yaml at f6deb0a, before the form): with Coupling.streamed
# returning ``run``, the model before it
BEFORE_FORM = tuple(f"gpu.interference.{kv}" for kv in (
    "occupancy_exponent=0.806987", "dispatch_grain=4.50662", "hbm_sharing=0.322433", "dispatch_wait=1.95375",
    "wave_yield_high=0.352223", "cut_in_gain=6.44828", "wave_memory=0.606429", "hbm_loss=3.21279",
    "crowding=0.965398", "pack_blocks=5.6665", "narrow_high=0.768506", "narrow_attention=1.57537",
    "latency_loss=0.968062", "latency_relief=0.627956", "launch_wait=7.64315us", "graph_wait=1.76731us",
    "wave_spill=0.557793", "grid_wait_equal=5.1795us", "grid_wait_high=2.2156", "memory_exponent=2.45757",
    "headroom_exponent=0.701598"))


def _corunner_mape(path: str, before: bool, monkeypatch) -> dict[tuple[str, str], float]:
    """(run folder, family) -> co-runner MAPE on a data-plane sealed set, with the model as it is or as
    it was before the form (BEFORE_FORM, streamed = run)."""
    from collections import defaultdict
    from dataclasses import replace
    from nicmodel.engines.serving.interference import Coupling
    points = read_trace(ROOT / path)
    if before:
        monkeypatch.setattr(Coupling, "streamed", lambda self, run, x: run)
        monkeypatch.setattr(Coupling, "unheld", lambda self, profile: 1.0)  # nor the first round's room (2026-12-07)
        points = [replace(p, overrides=tuple(p.overrides) + BEFORE_FORM) for p in points]
    errors = defaultdict(list)
    for pr in predict_all(points):
        if pr.point.metric == "corunner_time_ratio":
            run = pr.point.source.split("/h200/", 1)[1].split("/", 1)[0]
            errors[run, pr.point.argument.split(",", 1)[0][len("family="):]].append(abs(pr.error_pct))
    return {k: sum(e) / len(e) for k, e in errors.items()}


def test_the_model_before_the_form_is_reconstructed(monkeypatch):
    """BEFORE_FORM with streamed = run gives the previous fixed point's figures: the eleventh sealed
    set's torch.cat and dequantization co-runner MAPE as its claims' test recorded them before this
    form (docs/serving.md, What a co-runner keeps: 8.7% and 10.0% over both runs)."""
    path = "validation/traces/h200_dataplane_points33_interference.csv"
    mape = _corunner_mape(path, True, monkeypatch)
    assert {r for r, _ in mape} == {"dataplane_points33_random", "dataplane_points34_random"}
    for family, whole in (("torch-cat", 8.7), ("lmcache-dequantization", 10.0)):
        runs = [m for (r, f), m in mape.items() if f == family]
        assert sum(runs) / len(runs) == pytest.approx(whole, abs=0.06), family


def test_fourteenth_sealed_set_holds_as_declared(monkeypatch):
    """The fourteenth sealed set (h200/dataplane_points37_random/, _points38_random/: the data-plane
    units with CacheGen's decoder at 5 x 11k, 14 x 4.5k, 21 x 8.5k, 38 x 6k, 2 x 6.75k, 10 x 10.5k,
    29 x 5.75k and 48 x 3.75k tokens, attention loads 0.30-0.97 one-wave and 1.15 and 1.45 two-wave;
    declared and measured raw before any of it was predicted, 2026-12-04, a twelfth session, with the
    form's offline screen written but not fitted). It checks where decode streams at equal priority on
    the kernels the designs run; this test was committed before the set was made a trace. The claims,
    declared in interference_grid.py before the run: as the eleventh set's (on each run every
    data-plane family within 15% on both sides; the multi-wave and fill means inside the stretches'
    ranges), and torch.cat's and the dequantization's co-runner MAPE on each run no worse than the
    model before the form by more than one point."""
    from test_sealed_sets import _assert_declared_claims
    path = "validation/traces/h200_dataplane_points37_interference.csv"
    runs = ("dataplane_points37", "dataplane_points38")
    _assert_declared_claims(path, runs)
    now = _corunner_mape(path, False, monkeypatch)
    before = _corunner_mape(path, True, monkeypatch)
    for run in runs:
        for family in ("torch-cat", "lmcache-dequantization"):
            key = (f"{run}_random", family)
            assert now[key] <= before[key] + 1.0, key
