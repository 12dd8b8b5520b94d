"""Packing over the GEMVs' grids by batch, screened, fitted as declared and not adopted
(validation/calibration/grid_packing_screen.py; docs/serving.md, Packing over the GEMVs' grids): the
measured grids it reads, the per-grid packing by hand, the committed rule where one grid leaves the
mean's free SMs, and the coverage run's figure it was chosen on."""

import math
from functools import cache

import pytest

import nicmodel
from nicmodel.engines.plan import compile_scenario
from nicmodel.engines.serving.interference import CoRunner

from conftest import DEFAULT, ROOT, script_module


@pytest.fixture(scope="module")
def screen():
    return script_module("validation/calibration/grid_packing_screen.py", "grid_packing_screen")


@cache
def _params(gpu: str) -> dict:
    return compile_scenario(nicmodel.load(DEFAULT, [f"gpu={gpu}"]))[1]


def test_the_measured_grids_are_whole_and_change_where_measured(screen):
    for gpu, table in screen.GRIDS.items():
        for batch, grids in table.items():
            assert sum(grids.values()) == pytest.approx(1.0, abs=1e-9), (gpu, batch)
    h100 = screen.GRIDS["h100-sxm"]
    assert sorted(h100) == [1, 8, 32, 52]
    assert h100[8][76] == pytest.approx(0.496, abs=0.001)  # the H100's 76-block GEMV, half the time at batch 8
    h200 = screen.GRIDS["h200"]
    assert set(h200[8]) == {96, 128, 132} and set(h200[32]) == {96, 112, 128, 132}
    # the largest measured batch at or below the point's, as a spec's from_batch entries would apply
    assert screen.grids_at("h100-sxm", 20) is h100[8] and screen.grids_at("h100-sxm", 60) is h100[52]
    assert screen.grids_at("l40s", 8) is None


def test_one_grid_with_the_means_free_sms_is_the_committed_rule(screen):
    p = _params("h200")
    launch = CoRunner((128, 14, 0), 20.0, 16e-6, 0.0)  # 20 blocks over 6 free SMs: 4 on one, below the cap
    kinds, committed = screen.COMMITTED(p, launch, {})
    assert committed > 0.0
    free = float(p["gpu.sms"]) * (1 - float(p["gpu.decode_kernels.weights_sm_share"]))
    screen._at = {round(float(p["gpu.sms"]) - free): 1.0}  # one grid leaving the mean's free SMs (6 of 132)
    try:
        _, form = screen.packing_over_grids(p, launch, {})
    finally:
        screen._at = None
    assert form == pytest.approx(committed, rel=1e-12)


def test_the_packing_over_two_grids_by_hand(screen):
    p = _params("h100-sxm")
    launch = CoRunner((128, 14, 0), 132.0, 16e-6, 0.0)  # one 4-warp block per SM
    limit = 16  # 2,048 threads over 128 a block
    pack, issue = float(p["gpu.interference.pack_blocks"]), float(p["gpu.interference.issue_warps"])

    def slow(free: float) -> float:  # the packed SM's issue slowdown - 1, alone one block of 4 warps
        packed = min(limit, max(1.0, min(1.0 + pack, math.ceil(132 / max(1.0, free)))))
        return max(1.0, packed * 4 / issue) / max(1.0, 4 / issue) - 1

    screen._at = {76: 0.5, 132: 0.5}  # 56 SMs free half the time, none the rest (the floor: one)
    try:
        _, form = screen.packing_over_grids(p, launch, {})
    finally:
        screen._at = None
    assert form == pytest.approx(0.5 * slow(56) + 0.5 * slow(1), rel=1e-12)
    assert slow(1) > slow(56)


@pytest.mark.usefixtures("before_twelfth")  # read on the model of its day: before the first round's room
def test_the_coverage_family_it_was_chosen_on(screen):
    """The H100 coverage run's first repetition, its co-runner family: 26.6% committed, 14.7% with the
    grids and no coefficient moved, 14.4% at the declared fit's fixed point (docs/serving.md); since the turn
    wait in GEMM lengths (a twenty-second session) 26.1% committed and 15.7% with the grids unfitted (the fit's
    values pin the wait as it was, so its figure stands); since the turn rounds (a twenty-ninth session) 25.8% and
    14.6%; since the graph turn and the tile tail's rounds (2026-12-07, a fortieth session) 26.1% and 14.5%."""
    trace = [ROOT / "validation/traces/h100_coverage1_interference.csv"]
    key = ("h100_coverage1_interference.csv", "corunner_time_ratio", "coverage-compute")
    assert screen.cells(trace, False)[key] == pytest.approx(26.1, abs=0.05)
    assert screen.cells(trace, True)[key] == pytest.approx(14.5, abs=0.05)
    assert screen.cells(trace, True, screen.FITTED)[key] == pytest.approx(14.4, abs=0.05)


@pytest.mark.usefixtures("before_twelfth")  # read on the model of its day: before the first round's room
def test_the_second_form_gives_each_kind_its_own_packing(screen):
    """The second form: the grids' slowdown for the GEMVs' share, the committed one for the other kinds
    the launch packs beside, weighted by their shares (by hand), and its coverage figures (18.2% on the
    screen, 18.8% since the turn wait in GEMM lengths, 17.8% since the turn rounds; 18.3% at its declared fit's
    fixed point)."""
    p = _params("h100-sxm")
    shapes = screen.model.decode_shapes(p)
    launch = CoRunner((128, 14, 0), 132.0, 16e-6, 0.0)  # one 4-warp block per SM
    kinds, committed = screen.COMMITTED(p, launch, shapes)
    assert "weights" in kinds and "attention" in kinds  # it packs beside both
    shares = {"weights": 0.3, "attention": 0.6, "elementwise": 0.1, "none": 0.0}
    screen._at, screen._shares, screen.PER_KIND = {76: 0.5, 132: 0.5}, shares, True
    try:
        _, form = screen.packing_over_grids(p, launch, shapes)
    finally:
        screen._at, screen._shares, screen.PER_KIND = None, None, False
    over = 0.5 * screen.model.pack_slowdown(p, launch, 56) + 0.5 * screen.model.pack_slowdown(p, launch, 0)
    packing = sum(shares[k] for k in kinds)
    assert form == pytest.approx((0.3 * over + (packing - 0.3) * committed) / packing, rel=1e-12)
    assert over != pytest.approx(committed)  # the grids do move the GEMVs' share
    trace = [ROOT / "validation/traces/h100_coverage1_interference.csv"]
    key = ("h100_coverage1_interference.csv", "corunner_time_ratio", "coverage-compute")
    screen.PER_KIND = True
    try:
        assert screen.cells(trace, True)[key] == pytest.approx(17.8, abs=0.05)
        assert screen.cells(trace, True, screen.FITTED_PER_KIND)[key] == pytest.approx(18.3, abs=0.05)
    finally:
        screen.PER_KIND = False
