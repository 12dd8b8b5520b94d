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


SEALED9 = [ROOT / f"validation/traces/h100_decoder_sealed9_{m}_interference.csv" for m in ("405b", "yi34b", "qwen14b",
                                                                                            "cover8b")]


def test_the_ninth_sealed_set_as_measured_under_the_fifteenth():
    """validation/sealed/decoder_sealed9.tgz (declared the forty-third session, measured the forty-fourth ahead of any
    form and committed unopened; its SHA-256 checked in tests/test_tail_blockers.py), opened after the fifteenth's
    screen held S4 (44 -> 44 of 1,013). **All four claims hold**: S1 above 15% 1 -> 1 (the coverage launches beside
    the 8B at its new points, 30.1 -> 23.3%), S2 summed co-runner MAPE 76.5 -> 69.8, S3 no family worse (only the
    coverage family moves). By its declaration the fifteenth is adopted. Read against the model of its day."""
    from test_graph_landing import adopted, read_sealed
    with pr.before_fifteenth():
        result, above, summed, committed, candidate = read_sealed(SEALED9, pr.candidate15(), (44, 44))
    assert result == {"S1": True, "S2": True, "S3": True, "S4": True} and adopted(result)
    assert (above, summed) == ((1, 1), (76.5, 69.8))
    key = "h100_decoder_sealed9_cover8b_interference.csv corunner_time_ratio/coverage-compute"
    assert (round(committed[key], 1), round(candidate[key], 1)) == (30.1, 23.3)
    assert [k for k in committed if abs(candidate[k] - committed[k]) > 1e-9] == [key]
    # CacheGen's decoder, read at its measured grid (512 blocks) beside three more shapes: within 7.4% everywhere
    assert max(v for k, v in committed.items() if "cachegen-decoder" in k) == pytest.approx(7.4, abs=0.05)


def test_the_engine_takes_the_fifteenth_as_declared():
    """The engine's packing (interference.Coupling.packed_beside, packing.gemm_pack_slowdown) is the fifteenth
    candidate: every co-runner and decode row of the H100 coverage run, the eighth sealed set's Qwen2.5-14B and the
    ninth's coverage trace reads the same under the engine as under the candidate on the model before it (to 1e-12),
    and the packing moves some of them."""
    from nicmodel.validation.predict import Predictor
    from nicmodel.validation.trace import read_trace
    pts = [p for name in ("h100_coverage1", "h100_tail_sealed8_qwen14b", "h100_decoder_sealed9_cover8b")
           for p in read_trace(ROOT / f"validation/traces/{name}_interference.csv")][::3]
    with pr.candidate15():
        declared = [Predictor().predict(p) for p in pts]
    engine = [Predictor().predict(p, pr.BEFORE_FIFTEENTH) for p in pts]  # at the coefficients before the move
    with pr.before_fifteenth():
        before = [Predictor().predict(p) for p in pts]
    assert len(pts) > 100 and engine == pytest.approx(declared, rel=1e-12)
    assert sum(abs(a - b) > 1e-3 for a, b in zip(engine, before)) > 20


@pytest.mark.recount
def test_the_screens_as_recorded():
    """Screened 2026-12-07 (the forty-fourth session) on every committed trace before the ninth sealed set was opened,
    the fifth's graph fit rows out, against the model of their day: the fourteenth 44 -> 52 of 1,013 (S4 fails), the
    fifteenth 44 -> 44 (S4 holds; the coverage launches 36.5 -> 28.9%)."""
    import tile_tail_form as form
    traces = [t for t in sorted((ROOT / "validation/traces").glob("*_interference.csv")) if "sealed9" not in t.name]
    with pr.before_fifteenth():
        assert form.screen(traces, pr.candidate14(), drop_graph_fit_rows=True) == (
            "above 15%: committed 44, candidate 52 of 1013; summed 5646.0 -> 5807.8")
        assert form.screen(traces, pr.candidate15(), drop_graph_fit_rows=True) == (
            "above 15%: committed 44, candidate 44 of 1013; summed 5646.0 -> 5630.0")
