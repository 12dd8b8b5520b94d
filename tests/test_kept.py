"""What a co-runner keeps beside decode's resident blocks at high priority (engines/serving/kept.py):
the rule by hand, and the tenth sealed set, which checks it, as declared."""

from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nicmodel
from nicmodel.engines.plan import compile_scenario
from nicmodel.engines.serving.interference import CoRunner, decode_residency, decode_shapes
from nicmodel.engines.serving.kept import lost_beside, sm_sensitivity

from conftest import DEFAULT

PROBE = (128, 16, 0)  # the probe's blocks: 128 threads, 16 registers, no shared memory (16 per SM)


@cache
def _h200() -> dict:
    return compile_scenario(nicmodel.load(DEFAULT, ["gpu=h200"]))[1]


def _lost(c: CoRunner) -> dict[str, float]:
    """Its losses on the H200 as a many-wave launch (16 resident blocks per SM, 15 waves)."""
    p = _h200()
    return dict(lost_beside(p, c, decode_shapes(p), decode_residency(p), 16.0, 15))


def test_an_issue_bound_kernel_keeps_its_throughput_beside_attention():
    """Beside two attention blocks (128 threads, 183 registers: 5,888 a warp, two warps on each of
    the four sub-partitions, 11,776 of their 16,384) nine probe blocks fit (a warp each per
    sub-partition at 512 registers: (16,384 - 11,776) / 512 = 9); beside two elementwise blocks (20
    registers: 768 a warp) fourteen (the threads: (2,048 - 256) / 128); beside a GEMV block none.
    The integer-ALU probe's 9 blocks of 4 warps still saturate the issue slots (36 warps past
    issue_warps, 11.47), so it loses nothing beside attention or the elementwise kernels and all of it
    beside a GEMV; a kernel whose blocks wait on memory loses the blocks that do not fit: 7/16 and
    2/16."""
    alu = _lost(CoRunner(PROBE, 32768.0, 40e-6, 0.0))
    assert alu == pytest.approx({"weights": 1.0, "attention": 0.0, "elementwise": 0.0})
    copy = _lost(CoRunner(PROBE, 16384.0, 16e-6, 0.8, access_bytes=16.0))
    assert copy == pytest.approx({"weights": 1.0, "attention": 7 / 16, "elementwise": 2 / 16})


def test_few_warps_keep_less_than_their_share_of_issue():
    """A launch of two 1-warp blocks per SM is far below saturation (2 x 1 / 11.47 = 0.174 of the
    issue slots): beside attention both fit, so it keeps all; its throughput counts its warps."""
    alu = _lost(CoRunner((32, 16, 0), 264.0, 40e-6, 0.0))
    assert alu["attention"] == pytest.approx(0.0)
    assert alu["weights"] == pytest.approx(1.0)


def test_sm_sensitivity_by_hand():
    """Compute-bound: all of the lost SM time; HBM-bound: wave_memory of it; between, in proportion."""
    assert sm_sensitivity(1.0, 0.6) == 1.0
    assert sm_sensitivity(0.0, 0.6) == pytest.approx(0.6)
    assert sm_sensitivity(0.25, 0.6) == pytest.approx(0.25 + 0.75 * 0.6)


def test_tenth_sealed_set_holds_as_declared():
    """The tenth sealed set (h200/probe_points_random/: the probe units, many-wave launches of 2-3-us
    blocks of 128 threads, integer-ALU, 16-byte and 2-byte copies and PyTorch's strided copy, beside
    2 x 2k, 16 x 3k, 24 x 10k and 64 x 5k decode, points the probe never had; declared and measured raw
    before any of it was predicted). It checks the co-runner's view at high priority (kept.py), chosen
    on the probe beside each part of the step (h200/probe_phase_*/) and on the held-out probe
    families. The claims, declared in interference_grid.py before the run: each of the four probe
    families within 15% co-runner MAPE, the ALU probe's high-priority points within 15%, decode's side
    within 15% in every family. One claim failed: the 2-byte copy, 15.2% (its equal-priority points,
    which the form does not touch, 19.0%; the model before the form 14.1%), recorded and held to it
    here. Every other claim held: the ALU probe 9.5% (13.9% before the form), its high-priority points
    6.9%, the 16-byte copy 12.9% (13.9%), PyTorch's strided copy 12.2% (12.1%), decode's side 0.6-0.7%."""
    from test_sealed_sets import _assert_probe_claims
    predicted = _assert_probe_claims("validation/traces/h200_probe_points_interference.csv", {"probe-copy-2-byte": 15.3})
    high = [abs(r.predicted - r.point.value) / r.point.value * 100 for r in predicted
            if r.point.metric == "corunner_time_ratio" and "family=probe-alu," in r.point.argument
            and "priority=high" in r.point.argument]
    assert len(high) >= 16
    assert sum(high) / len(high) <= 15.0


@settings(max_examples=60, deadline=None)
@given(threads=st.sampled_from([32, 64, 128, 256, 512, 1024]), regs=st.integers(9, 255),
       smem=st.sampled_from([0, 8 << 10, 48 << 10, 100 << 10]), blocks=st.integers(1, 40000),
       access=st.sampled_from([None, 2.0, 16.0]))
def test_what_is_lost_is_a_share_and_all_of_it_beside_a_gemv(threads, regs, smem, blocks, access):
    """Whatever the launch, the throughput it loses beside each decode kind is a share (0 to 1), and
    all of it beside a GEMV block, whose warps leave each sub-partition 256 registers: one warp of 8
    registers a thread, no more (validation/traces/h200/residency/)."""
    c = CoRunner((threads, regs, smem), float(blocks), 40e-6, 0.3, access_bytes=access)
    lost = _lost(c)
    assert all(0.0 <= v <= 1.0 for v in lost.values())
    assert lost["weights"] == pytest.approx(1.0)
