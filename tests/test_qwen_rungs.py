"""Two more GEMM-length rungs, on another model family (validation/collect/declared_runs.md, the twenty-seventh
session's entry; validation/collect/pending_qwen_rungs.sh): the ladder's data-plane units beside Qwen2.5-14B- and
Qwen2.5-32B-shaped decode on an H100, whose weight GEMMs (the model's mean 47.6 and 82.5 us) fall between the
lengths every earlier fit was checked at (up to 37 us) and those the crawl was fitted beside (144 and 560 us). A
sealed check of the committed model there: nothing is fitted to it. The claims are written here before the run."""

import sys
from pathlib import Path

import pytest

from conftest import ROOT
from sealed_claims import family_mape
from test_gemm_ladder import turn_k

sys.path.insert(0, str(ROOT / "validation/calibration"))
from grid_wait_screen import BEFORE_GRID_CRAWL as BEFORE  # noqa: E402

RUNGS = ("qwen14b", "qwen32b")
TRACES = {r: ROOT / f"validation/traces/h100_dataplane_ladder_{r}_interference.csv" for r in RUNGS}
MEASURED = all(path.exists() for path in TRACES.values())
UNITS = ("paged-kv-scatter", "torch-cat", "lmcache-dequantization")


def _mape(path: Path, metric: str, fam: str) -> float:
    """Against the model the rungs were declared and read on (before the grid crawl, adopted since)."""
    return family_mape(path, metric, fam, BEFORE)


@pytest.mark.skipif(not MEASURED, reason="the Qwen rungs are not measured yet (declared_runs.md)")
@pytest.mark.parametrize("rung", ["qwen32b",
                                  pytest.param("qwen14b", marks=pytest.mark.xfail(strict=True, reason=(
                                      "claim 2 failed as measured (the scatter 25.6%) and claim 4 (turn_k 0.47): "
                                      "its GEMMs leave 52-60 SMs free for most of their time")))])
def test_the_claims_as_declared(rung):
    """Measured the same session on an H100 (55 s): every claim held beside the 32B shape; beside the 14B's the
    scatter failed (claims 2 and 4), the rest held (test_the_readings_as_recorded)."""
    path = TRACES[rung]
    # 1. every data-plane decode side within 15%
    for fam in UNITS:
        assert _mape(path, "decode_time_ratio", fam) <= 15.0, (rung, fam)
    # 2. the scatter's co-runner family within 15%
    assert _mape(path, "corunner_time_ratio", "paged-kv-scatter") <= 15.0, rung
    # 3. torch.cat's and the dequantization's co-runner families within 15%
    for fam in ("torch-cat", "lmcache-dequantization"):
        assert _mape(path, "corunner_time_ratio", fam) <= 15.0, (rung, fam)
    # 4. the scatter's turn wait against the committed form's (turn_k) within [0.7, 1.3]
    assert 0.7 <= turn_k(path, model=BEFORE) <= 1.3, rung


@pytest.mark.usefixtures("before_twelfth")  # read on the model of its day: before the first round's room
@pytest.mark.skipif(not MEASURED, reason="the Qwen rungs are not measured yet (declared_runs.md)")
def test_the_readings_as_recorded():
    """What the run read, against the committed model: the 32B shape within 15% for every family (the scatter 3.9%,
    torch.cat 12.2%, the dequantization 7.4%; 20.0%, 23.8% and 17.4% before the crawl), turn_k 0.92; the 14B's
    torch.cat 3.2% and dequantization 7.8%, its scatter 25.6% (turn_k 0.47), its decode sides 0.7-2.0%."""
    def co(rung, fam):
        return _mape(TRACES[rung], "corunner_time_ratio", fam)
    assert [round(co("qwen32b", f), 1) for f in UNITS] == [3.9, 12.2, 7.4]
    assert [round(co("qwen14b", f), 1) for f in UNITS] == [25.6, 3.2, 7.8]
    assert round(turn_k(TRACES["qwen32b"], model=BEFORE), 2) == 0.92
    assert round(turn_k(TRACES["qwen14b"], model=BEFORE), 2) == 0.47
    assert all(_mape(TRACES["qwen14b"], "decode_time_ratio", f) <= 2.05 for f in UNITS)


@pytest.mark.skipif(not MEASURED, reason="the Qwen rungs are not measured yet (declared_runs.md)")
def test_the_share_of_the_scatter_its_gemms_cannot_hold():
    """grid_turn_screen.py's reading (a screen, not adopted): the length-weighted share of the scatter's 1,024 blocks
    (16 a SM) that the free SMs of each rung's profiled weight GEMMs cannot hold, by hand for one grid, and per rung:
    0.38 beside the 14B shape, 0.70 beside the 8B's, 0.79 and 0.90 beside the 32B and 70B shapes; the scatter's
    turn_k over it is 1.16-1.24 on those four."""
    import sys
    sys.path.insert(0, str(ROOT / "validation/calibration"))
    import grid_turn_screen as screen
    from nicmodel.engines.serving.interference import CoRunner
    from test_l2_residency import COPY, _params
    p = _params("h100-sxm")
    scatter = CoRunner(COPY, 1024.0, 4.4e-6, 0.1)
    # a 72-block grid leaves 60 SMs: 960 of the 1,024 blocks fit, 64 wait
    assert max(0.0, 1024 - 60 * 16) / 1024 == pytest.approx(0.0625)
    shares = {r: screen.unheld(p, scatter, f"h100/dataplane_ladder_{r}_random") for r in ("qwen14b", "8b", "qwen32b", "70b")}
    assert {r: round(v, 2) for r, v in shares.items()} == {"qwen14b": 0.38, "8b": 0.70, "qwen32b": 0.79, "70b": 0.90}


def test_the_bundled_shapes_grids_as_declared():
    """decode_shapes.py --model for the ten bundled models (h100/model_grids/; declared the same session):
    the share of the scatter's blocks their GEMMs' free SMs cannot hold, each layer GEMM weighted by the model's
    whole depth (two layers were profiled) and the LM head once. (1) Llama-3-8B's at 12 x 2k against the ladder's 8B
    rung: declared against 0.70, which was that rung's three points pooled (a slip in the declaration); against its
    own 12 x 2k step, 0.84, it repeats (0.84); Qwen2.5-14B's 0.40 against its rung's 0.42 at 12 x 2k. (2) held:
    Qwen2.5-7B at batch 12 (0.41) and Yi-34B at batch 1 (0.39) read below 0.5 too."""
    import sys
    sys.path.insert(0, str(ROOT / "validation/calibration"))
    import grid_turn_screen as screen
    layers = {"llama-3-8b": 32, "qwen2.5-14b": 48, "qwen2.5-7b": 28, "yi-34b": 60}
    share = screen.unheld_by_point(ROOT / "validation/traces/h100/model_grids/decode_kernels.csv",
                                   depth={m: n / 2 for m, n in layers.items()})  # two layers were profiled
    assert round(share[("llama-3-8b", 12, 2048)], 2) == 0.84 and round(share[("qwen2.5-14b", 12, 2048)], 2) == 0.40
    assert round(share[("qwen2.5-7b", 12, 2048)], 2) == 0.41 and round(share[("yi-34b", 1, 1024)], 2) == 0.39
