"""The screened, not adopted, latency-bound crawl (validation/calibration/latency_crawl_screen.py): its figures
on the ladder's 405B rung, as docs/serving.md reports them, and the committed model untouched after it ran."""

import pytest

from conftest import script_module


@pytest.fixture(scope="module")
def screen():
    return script_module("validation/calibration/latency_crawl_screen.py", "latency_crawl_screen")


@pytest.mark.usefixtures("before_twelfth")  # read on the model of its day: before the first round's room
def test_the_screen_figures_on_the_405b_rung(screen):
    trace = "validation/traces/h100_dataplane_ladder_405b_interference.csv"
    before = screen.mapes(trace, False)
    after = screen.mapes(trace, True)
    assert round(before["torch-cat"], 1) == 32.2 and round(after["torch-cat"], 1) == 22.8
    assert round(before["lmcache-dequantization"], 1) == 26.7 and round(after["lmcache-dequantization"], 1) == 19.5
    assert round(after["paged-kv-scatter"], 1) == 16.9  # worse: the candidate is mixed
    assert screen.mapes(trace, False) == before  # the model is restored
