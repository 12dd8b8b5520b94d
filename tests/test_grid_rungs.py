"""Four more decode shapes, a sealed check of the grid wait (validation/collect/declared_runs.md, the twenty-eighth
session's entry; validation/collect/pending_grid_rungs.sh): the ladder's data-plane units beside Llama-2-7B-,
Qwen2.5-7B-, Yi-34B- (16 of 60 layers) and Mistral-7B-shaped decode on an H100. The first three's weight GEMMs
leave a one-wave launch much of its room at some batch, Mistral-7B's hold nearly every SM. The candidate
(validation/calibration/grid_wait_screen.py, its values in grid_wait_candidate.json) and the claims were committed
before the run; nothing is fitted to it."""

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "validation/calibration"))
import grid_wait_screen as screen  # noqa: E402

SHAPES = ("llama2_7b", "qwen7b", "yi34b", "mistral7b")
TRACES = {s: ROOT / f"validation/traces/h100_dataplane_ladder_{s}_interference.csv" for s in SHAPES}
MEASURED = all(path.exists() for path in TRACES.values())
H200_SHAPES = ("yi34b", "qwen7b", "qwen14b", "llama2_7b", "mistral7b")
H200_TRACES = {s: ROOT / f"validation/traces/h200_dataplane_ladder_{s}_interference.csv" for s in H200_SHAPES}
H200_MEASURED = all(path.exists() for path in H200_TRACES.values())
SCATTER = "paged-kv-scatter"


def _both(shape, traces=TRACES):
    import json
    values = json.loads(screen.CANDIDATE.read_text())
    return screen.mapes(traces[shape], None), screen.mapes(traces[shape], values)


def _mean_u(shape) -> float:
    """The scatter rows' mean u (the share of its blocks the GEMMs' free SMs cannot hold), from the run's profile."""
    from nicmodel.validation.trace import read_trace
    from nicmodel.validation.validate import family
    us = [screen.point_u(pt) for pt in read_trace(TRACES[shape])
          if pt.metric == "corunner_time_ratio" and family(pt.argument) == SCATTER]
    return sum(us) / len(us)


@pytest.mark.skipif(not MEASURED, reason="the grid rungs are not measured yet (declared_runs.md)")
@pytest.mark.xfail(strict=True, reason="claims 2 and 3 failed beside Llama-2-7B (8 of 32 layers): its scatter 5.3% "
                   "under the committed model, 10.3% under the candidate (mean u 0.72); claims 1 and 4 held")
def test_the_claims_as_declared():
    both = {s: _both(s) for s in SHAPES}
    # 1. the candidate's scatter within 15% beside every shape
    assert all(both[s][1][SCATTER] <= 15.0 for s in SHAPES), {s: both[s][1][SCATTER] for s in SHAPES}
    # 2. beside every shape whose scatter rows' mean u is below 0.75, the candidate's scatter below the committed's
    for s in SHAPES:
        if _mean_u(s) < 0.75:
            assert both[s][1][SCATTER] < both[s][0][SCATTER], s
    # 3. no family of the four traces more than 2 points worse under the candidate
    for s in SHAPES:
        for fam, now in both[s][0].items():
            assert both[s][1][fam] <= now + 2.0, (s, fam)
    # 4. families above 15% across the four traces: the candidate's no more than the committed model's
    above = [sum(v > 15.0 for s in SHAPES for v in both[s][i].values()) for i in (0, 1)]
    assert above[1] <= above[0], above


@pytest.mark.usefixtures("before_twelfth")  # read on the model of its day: before the first round's room
@pytest.mark.skipif(not MEASURED, reason="the grid rungs are not measured yet (declared_runs.md)")
def test_the_first_check_as_recorded():
    """Measured the same session on an H100 (Llama-2-7B at 8 of 32 layers: at every layer its KV cache at 12 x 8k
    did not fit; 90 s and 25 s): the scatter's error, committed -> candidate, 5.3 -> 10.3% (Llama-2-7B), 14.9 -> 2.5%
    (Qwen2.5-7B), 37.1 -> 9.1% (Yi-34B), 10.7 -> 5.3% (Mistral-7B); Yi-34B's dequantization 24.1% under both."""
    both = {s: _both(s) for s in SHAPES}
    assert [(round(both[s][0][SCATTER], 1), round(both[s][1][SCATTER], 1)) for s in SHAPES] == [
        (5.3, 10.3), (14.9, 2.5), (37.1, 9.1), (10.7, 5.3)]
    assert round(both["yi34b"][0]["lmcache-dequantization"], 1) == 24.1
    assert [round(_mean_u(s), 2) for s in SHAPES] == [0.72, 0.65, 0.53, 0.69]


@pytest.mark.skipif(not H200_MEASURED, reason="the H200 grid rungs are not measured yet (declared_runs.md)")
def test_the_second_check_as_declared():
    """The second sealed check (declared after the first, before its run): the unchanged candidate on an H200."""
    both = {s: _both(s, H200_TRACES) for s in H200_SHAPES}
    # 1. no family of the five traces crosses 15% upward under the candidate
    for s in H200_SHAPES:
        for fam, now in both[s][0].items():
            assert not (now <= 15.0 < both[s][1][fam]), (s, fam)
    # 2. families above 15% across the five: the candidate's no more than the committed model's
    above = [sum(v > 15.0 for s in H200_SHAPES for v in both[s][i].values()) for i in (0, 1)]
    assert above[1] <= above[0], above
    # 3. the candidate's scatter error, averaged over the five shapes, below the committed model's
    assert sum(both[s][1][SCATTER] for s in H200_SHAPES) < sum(both[s][0][SCATTER] for s in H200_SHAPES)
    # 4. beside Yi-34B and Qwen2.5-14B the candidate's scatter error below the committed model's
    for s in ("yi34b", "qwen14b"):
        assert both[s][1][SCATTER] < both[s][0][SCATTER], s
