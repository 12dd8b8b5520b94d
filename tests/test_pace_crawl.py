"""The sealed check of the crawl share by each launch's pace on a GEMM's free SMs (a candidate form,
validation/calibration/pace_crawl_screen.py; validation/collect/declared_runs.md, the twenty-seventh session's last
entry): the ladder's three data-plane units beside the 70B and 405B shapes at three decode points no run had, on an
H100. The candidate's four coefficients were fitted on the crawl's declared fit set before the run; the claims are
written here before it, and read against the committed model and the candidate as screened."""

import sys
from pathlib import Path

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "validation/calibration"))

SHAPES = ("70b", "405b")
TRACES = {s: ROOT / f"validation/traces/h100_dataplane_pace_{s}_interference.csv" for s in SHAPES}
MEASURED = all(path.exists() for path in TRACES.values())
UNITS = ("paged-kv-scatter", "torch-cat", "lmcache-dequantization")


def _both(path: Path) -> tuple[dict[str, float], dict[str, float]]:
    import pace_crawl_screen as candidate
    import latency_crawl_screen as screen
    candidate._power[0] = candidate.FITTED[3]
    screen._couple, screen._slowdown = candidate._couple, screen.COMMITTED_SLOWDOWN
    screen.REFIT = candidate.replace_of(candidate.FITTED)
    return screen.mapes(str(path), False), screen.mapes(str(path), True)


@pytest.mark.skipif(not MEASURED, reason="the pace crawl's sealed check is not measured yet (declared_runs.md)")
@pytest.mark.xfail(strict=True, reason="claim 2 failed as measured: beside the 70B shape the scatter 7.6 -> 12.5% "
                   "and the dequantization 7.1 -> 12.6% with the candidate; not adopted, as declared")
def test_the_claims_as_declared():
    committed, form = {}, {}
    for shape in SHAPES:
        committed[shape], form[shape] = _both(TRACES[shape])
    # 1. torch.cat and the dequantization beside the 405B shape: the candidate at least 5 points nearer
    for fam in ("torch-cat", "lmcache-dequantization"):
        assert form["405b"][fam] <= committed["405b"][fam] - 5.0, (fam, committed["405b"][fam], form["405b"][fam])
    # 2. no co-runner family on either shape more than 2 points worse with the candidate
    for shape in SHAPES:
        for fam in UNITS:
            assert form[shape][fam] <= committed[shape][fam] + 2.0, (shape, fam, committed[shape][fam], form[shape][fam])
    # 3. every co-runner family beside the 70B shape within 15% with the candidate
    for fam in UNITS:
        assert form["70b"][fam] <= 15.0, (fam, form["70b"][fam])


@pytest.mark.usefixtures("before_twelfth")  # read on the model of its day: before the first round's room
@pytest.mark.skipif(not MEASURED, reason="the pace crawl's sealed check is not measured yet (declared_runs.md)")
def test_the_readings_as_recorded():
    """Measured the same session on an H100 (52 s). Claim 1 held (beside the 405B shape torch.cat 27.7 -> 14.2%, the
    dequantization 20.5 -> 13.1%), claim 3 held (beside the 70B shape every family within 15% with the candidate,
    12.5-12.6%), claim 2 failed (the 70B shape's scatter 7.6 -> 12.5%, its dequantization 7.1 -> 12.6%). With the
    candidate every family on both shapes is within 15% (the committed model: two above); by the declared rule it is
    not adopted."""
    got = {shape: _both(TRACES[shape]) for shape in SHAPES}
    rounded = {shape: tuple({f: round(v, 1) for f, v in side.items()} for side in pair) for shape, pair in got.items()}
    assert rounded["405b"] == ({"lmcache-dequantization": 20.5, "paged-kv-scatter": 12.1, "torch-cat": 27.7},
                               {"lmcache-dequantization": 13.1, "paged-kv-scatter": 7.4, "torch-cat": 14.2})
    assert rounded["70b"] == ({"lmcache-dequantization": 7.1, "paged-kv-scatter": 7.6, "torch-cat": 14.2},
                              {"lmcache-dequantization": 12.6, "paged-kv-scatter": 12.5, "torch-cat": 12.6})
