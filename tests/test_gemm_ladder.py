"""A GEMM-length ladder on one GPU (validation/collect/declared_runs.md, the twenty-fourth session's entry):
the paged-KV scatter, torch.cat of eight chunks and LMCache's dequantization beside decode steps of four
Llama shapes on one H100 in one session (h100/dataplane_ladder_{1b,8b,70b,405b}_random/), whose weight GEMMs run
from about a quarter of the 8B's to about 13x them. It reads how a launch's turn wait follows decode's GEMM
length, whether the many-wave launches' miss grows with it (the long-GEMM run's finding), and reads the charge
of decode's loss again with twice the leverage. The claims are written here before the run, and read against the
model then (BEFORE_CRAWL: the crawl beside long GEMMs was fitted since, docs/serving.md)."""

import statistics
from pathlib import Path

import pytest

from nicmodel.validation.predict import Predictor
from nicmodel.validation.trace import read_trace
from nicmodel.validation.validate import family

from conftest import ROOT
from sealed_claims import BEFORE_CRAWL, family_mape

RUNGS = ("1b", "8b", "70b", "405b")  # shortest GEMMs first
TRACES = {r: ROOT / f"validation/traces/h100_dataplane_ladder_{r}_interference.csv" for r in RUNGS}
SCATTER, MANY_WAVE = "paged-kv-scatter", ("torch-cat", "lmcache-dequantization")
NO_TURNS = {"gpu.interference.launch_turns": 0.0}
UNCHARGED = {"gpu.interference.wait_charge": 0.0}
MEASURED = all(path.exists() for path in TRACES.values())
# the long-GEMM run's (2026-12-05) scatter turn-wait ratio k beside the 70B-shaped decode (0.661), and the
# power-law candidate it and the 8B's same-session k (0.909) give over the model's mean GEMMs (144.3 and 36.3 us):
# the wait per launch ~ G^0.769 on one GPU (predicted k: 1.18 on the 1B rung, 0.48 on the 405B's, from 0.91)
K_70B_BEFORE, EXPONENT = 0.66, 0.769


def _rows(path: Path, fam: str, metric: str = "corunner_time_ratio") -> list:
    return [pt for pt in read_trace(path) if pt.metric == metric and family(pt.argument) == fam]


def turn_k(path: Path, fam: str = SCATTER, model: dict | None = None) -> float:
    """The measured turn wait over the form's: the median, over the family's co-runner rows whose predicted
    turn part (growth with launch_turns, less without) is at least 0.1, of (measured growth - growth
    without the turn) / the turn part. 1: the form exact; below 1: the launch waits less than it says.
    ``model``: the parameters read against (the model the claims were declared on, BEFORE_CRAWL, unless given)."""
    predictor, pin = Predictor(), BEFORE_CRAWL if model is None else model
    ks = []
    for pt in _rows(path, fam):
        with_turns = predictor.predict(pt, pin) - 1
        without = predictor.predict(pt, {**pin, **NO_TURNS}) - 1
        if with_turns - without >= 0.1:
            ks.append((pt.value - 1 - without) / (with_turns - without))
    assert len(ks) >= 6, (path, fam, len(ks))
    return statistics.median(ks)


def signed_miss(path: Path, fam: str) -> float:
    """Median of predicted / measured - 1 over the family's co-runner rows (negative: under-predicted)."""
    predictor = Predictor()
    return statistics.median(predictor.predict(pt, BEFORE_CRAWL) / pt.value - 1 for pt in _rows(path, fam))


def gemm_s(path: Path) -> float:
    """The model's mean weight GEMM of the rung's decode (its spec and overrides; the first row's point)."""
    from nicmodel.engines.serving.interference import step_profile
    pt = _rows(path, SCATTER)[0]
    params = Predictor().context(pt).params
    a = dict(part.split("=", 1) for part in pt.argument.split(","))
    kv = 2 * float(params["model.layers"]) * float(params["model.kv_heads"]) * float(params["model.head_dim"]) * 2
    return step_profile(params, kv, float(a["batch"]), float(a["context"])).gemm


@pytest.mark.skipif(not MEASURED, reason="the GEMM ladder is not measured yet (declared_runs.md)")
@pytest.mark.usefixtures("before_twelfth")  # read on the model of their day (k's growth without the turn moved since)
def test_turn_wait_along_the_ladder_as_declared():
    """The claims as declared before the run (2026-12-05, a twenty-fourth session), and what they read when
    measured the same day: k 0.289 (1B), 0.873 (8B), 0.654 (70B), 0.263 (405B). The wait is not monotone in
    the GEMMs' length: it peaks near the lengths every fit saw and falls both ways."""
    k = {r: turn_k(TRACES[r]) for r in RUNGS}
    # 1. the scatter's turn wait per GEMM length falls as the GEMMs lengthen, rung by rung: FAILED at the
    #    shortest rung (the 1B's k is the lowest but one); it holds from the 8B up, as recorded here
    assert not k["1b"] > k["8b"] and k["8b"] > k["70b"] > k["405b"], k
    assert [round(k[r], 2) for r in RUNGS] == [0.29, 0.87, 0.65, 0.26], k
    # 2. the 70B-shaped rung repeats the long-GEMM run's k within 0.15: held (0.654 against 0.661)
    assert abs(k["70b"] - K_70B_BEFORE) <= 0.15, k
    # 3. the power-law candidate (fitted on the long-GEMM run and its 8B twin, nothing else) predicts the
    #    two new rungs' k within 20%: FAILED at both (predicted 1.13 and 0.46 from this run's 8B rung:
    #    measured 0.29 and 0.26); no power-law form follows (declared_runs.md)
    for rung, measured in (("1b", 0.29), ("405b", 0.26)):
        predicted = k["8b"] * (gemm_s(TRACES[rung]) / gemm_s(TRACES["8b"])) ** (EXPONENT - 1)
        assert abs(k[rung] / predicted - 1) > 0.2 and round(k[rung], 2) == measured, (rung, k[rung], predicted)


@pytest.mark.usefixtures("before_fifteenth")  # read on the model of its day: before the packed room
@pytest.mark.skipif(not MEASURED, reason="the GEMM ladder is not measured yet (declared_runs.md)")
def test_turn_wait_against_the_committed_form():
    """The same k against the committed turn wait (past turn_gemms_to it grows as the GEMM's length to
    turn_growth, with the crawl): the 405B rung 0.26 -> 0.82, the 70B's 0.65 -> 1.09, the others unchanged, the
    long-GEMM run 1.11. turn_share's range (hwspecs/gpus/*.yaml) keeps 0.26, below the lowest (the 1B's 0.29). With
    the turn rounds (2026-12-06, a twenty-ninth session: the turn smaller beside GEMMs that leave SMs free, its full
    length 12% longer after the plan's refit, turn_growth 0.55 -> 0.50): 0.31, 0.91, 1.12 and 1.07, the long-GEMM
    run 1.14."""
    k = {r: turn_k(TRACES[r], model={}) for r in RUNGS}
    # [0.31, 0.91, 1.12, 1.07] before the graph turn and the tile tail's rounds (2026-12-07: the 70B's turn ends at
    # its gate/up's last round, launch_turns 10% longer, turn_growth 0.50 -> 0.47); [0.32, 0.88, 1.37, 1.02] before
    # the first round's room (the forty-second session: the scatter's run on the 1B GEMMs' free SMs at the loaded
    # latency leaves the 1B's turn little room; turn_share's range now runs from 0.06)
    assert [round(k[r], 2) for r in RUNGS] == [0.07, 0.8, 1.33, 1.01], k
    # 1.11 before the grid crawl (the 70B shape's GEMMs leave a few SMs free: the crawl a little less, the turn more),
    # 1.10 before the turn rounds
    # 1.14 before the graph turn and the tile tail's rounds, 1.39 before the first round's room
    assert round(turn_k(ROOT / "validation/traces/h100_dataplane_long_gemm_interference.csv", model={}), 2) == 1.35
    from nicmodel import api
    share = api.load(ROOT / "pipelines/shadowserve.yaml", ["gpu=h100-sxm"]).gpu.interference.turn_share
    assert share.range[0] <= min(k.values()) and share.value == 1


@pytest.mark.skipif(not MEASURED, reason="the GEMM ladder is not measured yet (declared_runs.md)")
def test_many_wave_miss_along_the_ladder_as_declared():
    """4. torch.cat's and the dequantization's co-runner under-prediction deepens rung by rung from the 8B
    up (their signed median miss falls); 5. every family's decode side within 15% on every rung. Both held
    when measured (torch.cat -7.5%, -38%, -60%; the dequantization +1.7%, -31%, -57%; decode sides 0.2-6.4%)."""
    for fam in MANY_WAVE:
        miss = [signed_miss(TRACES[r], fam) for r in ("8b", "70b", "405b")]
        assert miss[0] > miss[1] > miss[2], (fam, miss)
    for rung, path in TRACES.items():
        for fam in (SCATTER, *MANY_WAVE):
            assert family_mape(path, "decode_time_ratio", fam) <= 15.0, (rung, fam)


@pytest.mark.skipif(not MEASURED, reason="the GEMM ladder is not measured yet (declared_runs.md)")
def test_which_charge_on_the_ladder_as_declared():
    """6. Reported, by the long-GEMM run's declared rule, on the 405B-shaped rung over the 8B rung (GEMMs about
    13x, where that run's were 3.7x): the models' R must part (charged above 1.5x uncharged)."""
    from test_long_gemms import charge_reading
    verdict, measured, charged, uncharged = charge_reading(TRACES["405b"], TRACES["8b"])
    assert charged > 1.5 * uncharged, (charged, uncharged)
    # read 2026-12-05: charged (R 0.528 measured, 0.678 charged, 0.109 uncharged: within 22% of the charged R);
    # the 70B rung over the 8B's reads between (0.539 against 0.762 / 0.368)
    assert verdict == "charged" and abs(measured - 0.528) < 0.005
    assert charge_reading(TRACES["70b"], TRACES["8b"])[0] == "between"
