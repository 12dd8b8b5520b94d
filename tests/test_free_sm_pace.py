"""The free-SM pace run (validation/collect/free_sm_pace.py, h100/free_sm_pace/; declared_runs.md, the
twenty-seventh session), read by its declared claims, and the form it was declared to lead to, screened and
refuted on the crawl's declared fit set (validation/calibration/free_sm_pace_screen.py)."""

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "validation/calibration"))
import free_sm_pace_read as read  # noqa: E402

RUN = ROOT / "validation/traces/h100/free_sm_pace"


def test_the_claims_as_declared():
    assert read.claims(RUN) == {"(1) probe": True, "(2) mechanism": True, "(3) the GEMM's traffic": False}


def test_the_readings_as_recorded():
    p, s = read.paces(RUN), read.share(RUN)
    # torch.cat and the dequantization against the 16-byte bodies at F = 12: beside the spinning blocker and the
    # streaming one alike (claim 3 failed: the bodies differ on the SMs alone, not by the GEMM's traffic)
    assert read.ratio(p, "cat_8_chunks", "spin") == pytest.approx(0.311, abs=0.002)
    assert read.ratio(p, "cat_8_chunks", "stream") == pytest.approx(0.293, abs=0.002)
    assert read.ratio(p, "dequantize_as_written", "stream") == pytest.approx(0.392, abs=0.002)
    # on 12 free SMs beside the stream: the ALU body at its share, the 16-byte body at 2,048 blocks 2.9x it,
    # torch.cat below it
    assert p[("alu_8192", "stream", 12)] / s[12] == pytest.approx(1.07, abs=0.01)
    assert p[("mem_2048", "stream", 12)] / s[12] == pytest.approx(2.89, abs=0.01)
    assert p[("cat_8_chunks", "stream", 12)] / s[12] == pytest.approx(0.79, abs=0.01)


def test_k_taken_from_the_run_not_a_trace():
    import free_sm_pace_screen as screen
    assert screen.k_from_pace(RUN) == pytest.approx(8.72, abs=0.01)
