"""Launches across decode's phases (engines/serving/phases.py): the closed forms by hand, their bounds
under hypothesis, and a short launch beside a sparse attention grid through the whole model."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nicmodel.engines.serving import interference as m

from hopper import HOPPER, PROFILE, SHAPES, THIN


def test_launches_across_decode_phases_closed_form():
    """phases.py by hand: growth 3 over the step, attention a share 0.5 of it, terms that apply whichever
    kernel runs 1.0, half the SMs holding an attention block. In attention a launch takes 1 + 0.5 x 1 =
    1.5 its time alone, in the rest 1 + (3 - 0.5) / 0.5 = 6. A queue of launches far shorter than an
    attention kernel: 1 / (0.5 / 1.5 + 0.5 / 6) = 2.4 (growth 1.4); as long as one (h = 1/2): the mean
    of that and the arithmetic 0.5 x 1.5 + 0.5 x 6 = 3.75, 3.075 (growth 2.075)."""
    from nicmodel.engines.serving.phases import across_phases, attention_phase
    t_att = attention_phase(0.6, 0.0, 0.4, 0.5, 0.0)  # launch wait and narrow loads on the held half: 1.5
    assert t_att == pytest.approx(1.5)
    assert across_phases(3.0, 0.5, 1.0, t_att, 100e-6, 0.0) == pytest.approx(1.4)
    assert across_phases(3.0, 0.5, 1.0, t_att, 100e-6, 100e-6) == pytest.approx(2.075)
    # every SM holding an attention block and a launch far longer than a phase: the terms as summed
    assert across_phases(3.0, 0.5, 1.0, attention_phase(0.6, 0.0, 0.4, 1.0, 0.0), 1e-9, 1.0) == pytest.approx(3.0, rel=1e-6)
    assert across_phases(3.0, 0.0, 1.0, t_att, 100e-6, 0.0) == 3.0  # no attention phase: nothing to average


def test_attention_phase_and_issue_loss_closed_form():
    """phases.py by hand. A launch with a launch wait of 0.2 and narrow loads of 0.3 (per unit of its
    time) pays them on the half of the SMs holding an attention block, its HBM term 0.1 in full: 1 +
    0.5 x 0.5 + 0.1 = 1.35; with an issue loss of 0.2 on top, 1.35 x 1.2 = 1.62. Attention's block using
    a quarter of its SM's issue slots leaves a block that saturates them 0.75: 1 / 0.75 - 1 = 1/3 longer,
    for a one-wave launch on 132 SMs whatever share of them holds attention (it lasts as long as its
    slowest SM), for a many-wave one on that share (0.5: 1/6); half compute-bound, half that."""
    from nicmodel.engines.serving.phases import attention_phase, issue_loss
    assert attention_phase(0.2, 0.1, 0.3, 0.5, 0.0) == pytest.approx(1.35)
    assert attention_phase(0.2, 0.1, 0.3, 0.5, 0.2) == pytest.approx(1.62)
    assert issue_loss(1.0, 1.0, 0.25, 0.5, True, 132) == pytest.approx(1 / 3)
    assert issue_loss(1.0, 1.0, 0.25, 0.5, False, 132) == pytest.approx(1 / 6)
    assert issue_loss(1.0, 0.5, 0.25, 0.5, False, 132) == pytest.approx(1 / 12)
    assert issue_loss(1.0, 1.0, 0.25, 0.5, True, 1) == pytest.approx(1 / 6)  # one block: on a held SM half the time
    assert issue_loss(0.75, 1.0, 0.25, 0.5, True, 132) == 0.0  # attention leaves it all the slots it needs
    assert issue_loss(1.0, 1.0, 0.0, 0.5, True, 132) == 0.0  # no issue share measured: none charged
    assert issue_loss(1.0, 1.0, 0.25, 0.0, False, 132) == 0.0  # no SM holds attention


@settings(max_examples=200, deadline=None)
@given(a=st.floats(0.01, 0.99), free=st.floats(0.0, 3.0), extra=st.floats(0.0, 5.0), held=st.floats(0.0, 1.0),
       phase_len=st.floats(1e-6, 1e-3), launch_len=st.floats(1e-7, 1e-2))
def test_launches_across_decode_phases_never_exceed_the_summed_terms(a, free, extra, held, phase_len, launch_len):
    """Where attention's phase costs a launch no more than the terms that apply whichever kernel runs
    (no issue loss), averaging over the phases never makes it slower than the terms summed over the
    step, nor faster than alone; a dearer attention phase or a longer launch never makes it faster."""
    from nicmodel.engines.serving.phases import across_phases
    growth = free + extra
    t_att = 1.0 + held * free
    g = across_phases(growth, a, free, t_att, phase_len, launch_len)
    assert -1e-12 <= g <= growth + 1e-9
    assert across_phases(growth, a, free, t_att + 0.1, phase_len, launch_len) >= g - 1e-9
    assert across_phases(growth, a, free, t_att, phase_len, launch_len * 2) >= g - 1e-9


@settings(max_examples=200, deadline=None)
@given(demand=st.floats(0.0, 1.0), compute=st.floats(0.0, 1.0), used=st.floats(0.0, 0.9), held=st.floats(0.0, 1.0),
       sms=st.floats(1.0, 200.0), one_wave=st.booleans())
def test_issue_loss_grows_with_demand_and_attentions_share(demand, compute, used, held, sms, one_wave):
    """The issue loss is never negative, never more than a saturating compute-bound block loses on every
    SM (1 / (1 - used) - 1), and never shrinks with the co-runner's demand, attention's issue share or
    the share of SMs holding attention."""
    from nicmodel.engines.serving.phases import issue_loss
    g = issue_loss(demand, compute, used, held, one_wave, sms)
    assert 0.0 <= g <= 1.0 / (1.0 - used) - 1.0 + 1e-12
    assert issue_loss(min(1.0, demand + 0.05), compute, used, held, one_wave, sms) >= g - 1e-12
    assert issue_loss(demand, compute, min(0.9, used + 0.05), held, one_wave, sms) >= g - 1e-12
    assert issue_loss(demand, compute, used, min(1.0, held + 0.05), one_wave, sms) >= g - 1e-12


def test_a_short_launch_beside_a_sparse_attention_grid_averages_over_the_phases():
    """Where no SM holds a second attention block, the co-runner's growth is phases.py's average of the
    terms: a 4 us launch beside 100 us attention kernels on 40% of the SMs takes less than the terms
    summed, a 50 ms one nearly the same; decode's side does not move."""
    from nicmodel.engines.serving.phases import across_phases, attention_phase
    p = HOPPER
    c = m.CoRunner(THIN, 1024, 4e-6, 0.3, access_bytes=2.0)
    flat = m.DecodeProfile(14e-6, PROFILE.shares, SHAPES, 0.0, 1, 0.2)  # no phase data: attention_s 0
    sparse = m.DecodeProfile(14e-6, PROFILE.shares, SHAPES, 0.0, 1, 0.2, 0.4, 100e-6)
    cp = m.couple(p, c, "equal", SHAPES)
    b = sparse.beside
    summed = cp._growth(b) - cp.grid * m._share(b, ("attention", "none")) * 0.2 - (
        cp.spill * m._share(b, ("none",)) if "none" in cp.spilling else 0.0)
    launch, run = cp.launch / cp.waves / cp.duration_s, 1 - cp.blocking(b)
    t_att = attention_phase(launch, run * cp.memory, run * cp.narrow, 0.4, 0.0)  # no issue share in the profile
    expected = across_phases(summed, 0.24, launch + run * (cp.memory + cp.narrow), t_att, 100e-6, 4e-6)
    assert m.corunner_slowdown(p, sparse, c) == pytest.approx(expected)
    assert expected < summed - 0.1
    assert m.sigma(p, sparse, c) == pytest.approx(m.sigma(p, flat, c))
    # a 50 ms launch averages the phases within itself: the terms summed, less the launch wait and
    # narrow loads attention's free SMs (60% of them) spare it over attention's share (its HBM term
    # stays: attention streams HBM whichever SMs hold it)
    long = m.CoRunner(THIN, 1024, 50e-3, 0.3, access_bytes=2.0)
    cl = m.couple(p, long, "equal", SHAPES)
    summed = cl._growth(b) - cl.grid * m._share(b, ("attention", "none")) * 0.2 - (
        cl.spill * m._share(b, ("none",)) if "none" in cl.spilling else 0.0)
    spared = cl.launch / cl.waves / cl.duration_s + (1 - cl.blocking(b)) * cl.narrow
    assert m.corunner_slowdown(p, sparse, long) == pytest.approx(summed - 0.24 * 0.6 * spared, rel=0.01)


def test_compute_bound_launches_lose_the_issue_slots_attention_takes():
    """Beside a one-wave attention grid on 40% of the SMs (no SM holding two), a one-wave launch of
    2,048 integer-ALU blocks (16 per SM: it saturates its SMs' issue slots) takes longer in attention's
    phase by exactly 1 / (1 - 0.25) when attention's block uses a quarter of its SM's issue slots:
    attention's phase time, recomputed by hand, is what the model averages over the phases. A launch
    that streams HBM at its peak (memory-bound: compute-boundness 0) does not move; nor does decode."""
    from nicmodel.engines.serving.phases import across_phases, attention_phase
    from dataclasses import replace
    p = HOPPER
    sparse = m.DecodeProfile(14e-6, PROFILE.shares, SHAPES, 0.0, 1, 0.2, 0.4, 100e-6)
    issued = replace(sparse, attention_issue=0.25)
    alu = m.CoRunner(THIN, 2048, 10e-6, 0.0)
    cp = m.couple(p, alu, "equal", SHAPES)
    assert cp.issue == 1.0 and cp.compute == 1.0 and cp.waves == 1
    b = sparse.beside
    summed = cp._growth(b) - cp.grid * m._share(b, ("attention", "none")) * 0.2 - (
        cp.spill * m._share(b, ("none",)) if "none" in cp.spilling else 0.0)
    launch, run = cp.launch / cp.waves / cp.duration_s, 1 - cp.blocking(b)
    free = launch + run * (cp.memory + cp.narrow)
    t_att = attention_phase(launch, run * cp.memory, run * cp.narrow, 0.4, 1.0 / 0.75 - 1.0)
    assert m.corunner_slowdown(p, issued, alu) == pytest.approx(across_phases(summed, 0.24, free, t_att, 100e-6, 10e-6))
    assert m.corunner_slowdown(p, issued, alu) > m.corunner_slowdown(p, sparse, alu) + 0.05
    streaming = m.CoRunner(THIN, 2048, 10e-6, 1.0, access_bytes=16.0)
    assert m.corunner_slowdown(p, issued, streaming) == pytest.approx(m.corunner_slowdown(p, sparse, streaming))
    assert m.sigma(p, issued, alu) == pytest.approx(m.sigma(p, sparse, alu))
