"""How the decode metric charges a measured busy share (validation/interference.decode_ratio): by hand,
and the twelfth sealed set, which checks it, as declared."""

from functools import cache

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nicmodel
from nicmodel.engines.analytical import bytes_per_token
from nicmodel.engines.plan import compile_scenario
from nicmodel.engines.serving import interference as model
from nicmodel.validation import interference as metric
from nicmodel.validation.metrics import Context

from conftest import DEFAULT

UNIT = ("family=x,batch=8,context=4096,priority=equal,busy=0.3,kernel=dequantize+copy,"
        "duration=200us+100us,launches=13+32,bytes=300MB+60MB")


@cache
def _ctx() -> Context:
    return Context(*compile_scenario(nicmodel.load(DEFAULT, ["gpu=h200"])))


def _two_kinds(p):
    """UNIT's decode profile, its two co-runners (the dequantization, the copy), their growths and sigmas."""
    ctx = _ctx()
    kv = float(np.asarray(bytes_per_token(ctx.plan, p)["kv"]))
    prof = metric.profile(p, kv, 8.0, 4096.0)
    (_, dq, _), (_, cp, _) = metric._corunners(p, metric._args(UNIT))
    growth = tuple(model.corunner_slowdown(p, prof, c, "equal") for c in (dq, cp))
    sigmas = tuple(model.sigma(p, prof, c, "equal") for c in (dq, cp))
    return prof, (dq, cp), growth, sigmas


def test_each_kind_fills_the_busy_share_for_its_time_beside_decode():
    """Two kinds, 200 and 100 us alone, grown by their own slowdowns g: the dequantization fills
    200 (1 + g_d) / (200 (1 + g_d) + 100 (1 + g_c)) of the busy share, the copy the rest; decode
    takes 1 / (1 - busy x (w_d sigma_d + w_c sigma_c)). The unit's time alone with the host's gaps
    (unit_time) does not enter: beside decode its launches queue."""
    ctx = _ctx()
    _, (dq, cp), (g_d, g_c), (s_d, s_c) = _two_kinds(ctx.params)
    w_d = 200 * (1 + g_d) / (200 * (1 + g_d) + 100 * (1 + g_c))
    expected = 1 / (1 - 0.3 * (w_d * s_d + (1 - w_d) * s_c))
    assert g_d != pytest.approx(g_c, rel=0.05)  # the split is not the alone one
    assert metric.decode_ratio(ctx, UNIT) == pytest.approx(expected, rel=1e-12)
    gapped = metric.decode_ratio(ctx, UNIT + ",unit_time=900us")
    assert gapped == pytest.approx(expected, rel=1e-12)


def test_a_single_kind_unit_fills_the_whole_busy_share():
    """One kind issued from Python, its launches 3x apart alone: the busy share beside decode is all
    its kernels', so decode loses busy x sigma, as the serving engines charge its kernel time."""
    ctx = _ctx()
    p = ctx.params
    unit = "family=x,batch=8,context=4096,priority=high,busy=0.2,kernel=copy,duration=136us,launches=32,unit_time=410us"
    kv = float(np.asarray(bytes_per_token(ctx.plan, p)["kv"]))
    prof = metric.profile(p, kv, 8.0, 4096.0)
    (_, c, _), = metric._corunners(p, metric._args(unit))
    assert metric.decode_ratio(ctx, unit) == pytest.approx(1 / (1 - 0.2 * model.sigma(p, prof, c, "high")))


def test_uncharged_waits_leave_the_busy_share_by_kind():
    """With wait_charge 0 each kind's share of the busy time is charged less its turn wait: the copy's
    32 stream launches wait launch_turns GEMMs each (less what their rounds on the free SMs make up, the turn
    rounds), so its w_c sigma_c becomes w_c x (1 - wait_c / (1 + g_c)) x sigma_c, wait_c its wait over its time
    alone; the dequantization's 13 launches too."""
    ctx = _ctx()
    p = {**ctx.params, "gpu.interference.wait_charge": 0.0}
    prof, (dq, cp), (g_d, g_c), (s_d, s_c) = _two_kinds(p)
    couplings = {c: model.couple(p, c, "equal", prof.shapes) for c in (dq, cp)}
    full = float(p["gpu.interference.launch_turns"]) * prof.gemm
    assert all(k.turn_wait(prof) <= full * (1 + 1e-12) for k in couplings.values())
    waits = {c: k.turn_wait(prof) / k.waves / c.duration_s for c, k in couplings.items()}
    w_d = 200 * (1 + g_d) / (200 * (1 + g_d) + 100 * (1 + g_c))
    charged = w_d * (1 - waits[dq] / (1 + g_d)) * s_d + (1 - w_d) * (1 - waits[cp] / (1 + g_c)) * s_c
    uncharged = metric.decode_ratio(Context(ctx.plan, p), UNIT)
    assert uncharged == pytest.approx(1 / (1 - 0.3 * charged), rel=1e-12)
    assert uncharged < metric.decode_ratio(ctx, UNIT)


def test_twelfth_sealed_set_holds_as_declared():
    """The twelfth sealed set (h200/dataplane_points35_random/, _points36_random/: the data-plane units
    with CacheGen's decoder at 7 x 7.25k, 17 x 6.25k, 31 x 3.25k, 44 x 5.25k, 3 x 12.25k, 12 x 7.75k,
    26 x 9k and 52 x 4.75k tokens; declared and measured raw before any of it was predicted,
    2026-12-04, an eleventh session, for a decode-side form). It checks how the decode metric charges
    the measured busy share (each kind for its time beside decode, the host's gaps left out), chosen on
    the held-out decode-side families; this test was committed before the set was made a trace. The
    claims, declared in interference_grid.py before the run: as the eleventh set's (on each run every
    data-plane family within 15% on both sides; the multi-wave and fill means inside the stretches'
    ranges), and the scatter's, torch.cat's, the dequantization's and the pinned copies' excess
    charged on decode's side between 0.5 and 2 (over the set)."""
    from test_sealed_sets import _assert_charged_between, _assert_declared_claims
    path = "validation/traces/h200_dataplane_points35_interference.csv"
    _assert_declared_claims(path, ("dataplane_points35", "dataplane_points36"))
    _assert_charged_between(path, 0.5, 2.0)


@settings(max_examples=40, deadline=None)
@given(busy=st.floats(0.01, 0.9), more=st.floats(0.0, 0.09), d1=st.floats(5.0, 500.0), d2=st.floats(5.0, 500.0),
       gap=st.floats(1.0, 4.0), priority=st.sampled_from(["equal", "high"]))
def test_more_busy_never_costs_decode_less_and_gaps_never_matter(busy, more, d1, d2, gap, priority):
    """Whatever the unit: decode's ratio is at least 1, never falls as the busy share rises, and does
    not depend on the host's gaps alone (unit_time past the kernels' sum)."""
    unit = (f"family=x,batch=16,context=4096,priority={priority},kernel=dequantize+copy,"
            f"duration={d1:.3f}us+{d2:.3f}us,launches=13+32,bytes=300MB+60MB")
    ctx = _ctx()
    low = metric.decode_ratio(ctx, f"{unit},busy={busy:.4f}")
    high = metric.decode_ratio(ctx, f"{unit},busy={busy + more:.4f}")
    assert 1.0 <= low <= high + 1e-12
    gapped = metric.decode_ratio(ctx, f"{unit},busy={busy:.4f},unit_time={(d1 + d2) * gap:.3f}us")
    assert gapped == pytest.approx(low, rel=1e-9)
