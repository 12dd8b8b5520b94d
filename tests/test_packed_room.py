"""The packed room, a fourteenth candidate (validation/calibration/packed_room.py; declared_runs.md, the forty-fourth
session): hand values of its stacking and its per-GEMM packing, and that in place it reads the committed packing where
a launch does not pack."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "validation/calibration"))

import packed_room as pr  # noqa: E402
from nicmodel.engines.serving.gemm_grids import Grids  # noqa: E402


def test_a_few_free_sms_take_the_launch_to_its_limit():
    assert pr.stacked(66, 132, 16, 4) == 16  # ceil(66 / 4) = 17, capped at the limit
    assert pr.stacked(16, 132, 16, 12) == 2
    assert pr.stacked(16, 132, 16, 68) == 1
    assert pr.stacked(300, 132, 16, 100) == 3  # ceil(3.0) over a share alone of 2.27


def test_the_issue_curve_is_the_committed_packing_curve():
    assert pr.issue_slowdown(16, 1, 4, 11.4625) == pytest.approx(64 / 11.4625 - 1)  # 4.5834
    assert pr.issue_slowdown(2, 1, 4, 11.4625) == 0.0  # 8 warps: below saturation
    assert pr.issue_slowdown(8, 4, 4, 11.4625) == pytest.approx(32 / 16 - 1)  # against 16 warps alone


def test_each_gemm_reads_its_first_rounds_free_sms_and_a_full_one_keeps_the_committed_count():
    grids = Grids(((128.0, 0.5), (132.0, 0.5)), ((0.5, ((128.0, 1.0),)), (0.5, ((132.0, 0.6), (40.0, 0.4)))))
    slow = pr.gemm_slowdown(grids, 132, 66, 16, 4, 11.4625, committed=0.1)
    assert slow == pytest.approx(0.5 * (64 / 11.4625 - 1) + 0.5 * 0.1)  # 2.3417


def test_in_place_the_coupling_carries_the_committed_packing_whole():
    from nicmodel.engines.serving import interference
    from nicmodel.validation.predict import Predictor
    from nicmodel.validation.trace import read_trace
    point = next(p for p in read_trace(ROOT / "validation/traces/h100_coverage1_interference.csv")
                 if p.metric == "corunner_time_ratio")
    seen = []
    committed = pr.COMMITTED_COUPLE

    def spy(p, c, priority, shapes):
        cp = pr._couple(p, c, priority, shapes)
        seen.append((cp, committed(p, c, priority, shapes)))
        return cp
    with pr.candidate14():
        interference.couple = spy
        Predictor().predict(point)
    assert any("weights" in cp.packing for cp, _ in seen)
    for cp, base in seen:
        if "weights" in cp.packing:
            assert cp.pack_scale * cp.pack_slow == pytest.approx(base.packed)


def test_the_fifteenth_packs_at_the_rooms_density():
    """A one-block-per-SM launch of 66 on a GEMM's 4 free SMs: 1 + 5.63 = 6.63 a SM (the fourteenth: the limit, 16);
    a 1,024-block launch (7.76 a SM alone) on 56: min(13.39, ceil(18.3)) = 13.39, the committed count at 43 too."""
    grids = Grids(((128.0, 1.0),), ((1.0, ((128.0, 1.0),)),))
    assert pr.gemm_slowdown(grids, 132, 66, 16, 4, 11.4625, 0.0, 5.63147) == pytest.approx(
        6.63147 * 4 / 11.4625 - 1)  # 1.3142
    roomy = Grids(((76.0, 1.0),), ((1.0, ((76.0, 1.0),)),))
    alone = 1024 / 132
    assert pr.gemm_slowdown(roomy, 132, 1024, 16, 4, 11.4625, 0.0, 5.63147) == pytest.approx(
        (alone + 5.63147) / alone - 1)
