"""Two more GEMM-length rungs, on another model family (validation/collect/declared_runs.md, the twenty-seventh
session's entry; validation/collect/pending_qwen_rungs.sh): the ladder's data-plane units beside Qwen2.5-14B- and
Qwen2.5-32B-shaped decode on an H100, whose weight GEMMs (the model's mean 47.6 and 82.5 us) fall between the
lengths every earlier fit was checked at (up to 37 us) and those the crawl was fitted beside (144 and 560 us). A
sealed check of the committed model there: nothing is fitted to it. The claims are written here before the run."""

from pathlib import Path

import pytest

from conftest import ROOT
from sealed_claims import family_mape
from test_gemm_ladder import turn_k

RUNGS = ("qwen14b", "qwen32b")
TRACES = {r: ROOT / f"validation/traces/h100_dataplane_ladder_{r}_interference.csv" for r in RUNGS}
MEASURED = all(path.exists() for path in TRACES.values())
UNITS = ("paged-kv-scatter", "torch-cat", "lmcache-dequantization")


def _mape(path: Path, metric: str, fam: str) -> float:
    return family_mape(path, metric, fam)


@pytest.mark.skipif(not MEASURED, reason="the Qwen rungs are not measured yet (declared_runs.md)")
@pytest.mark.parametrize("rung", RUNGS)
def test_the_claims_as_declared(rung):
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
    assert 0.7 <= turn_k(path, model={}) <= 1.3, rung
