"""The coverage run read as declared (validation/calibration/coverage_read.py; docs/serving.md, The SMs a
co-runner holds): the GEMV time a grid leaves no room for, by hand from the H100's measured grids, and
the readings the record gives (flat at 1 x 1k, growing at 52 x 3840, the two runs within 0.0052 in sigma
where launched from a graph, 0.010 in every cell)."""

import pytest

from conftest import ROOT, script_module

TRACES = [ROOT / f"validation/traces/h100_coverage{n}_interference.csv" for n in (1, 2)]


@pytest.fixture(scope="module")
def read():
    return script_module("validation/calibration/coverage_read.py", "coverage_read")


def test_the_gemv_time_blocked_by_grid_by_hand(read):
    blocked = read.gemv_blocked(ROOT / "validation/traces/h100/decode_shapes", 132)
    # batch 1: grids of 64, 120, 128 and 132 blocks (8.3, 11.7, 24.5 and 55.5% of the GEMV time); 16 SMs
    # held leave room only beside the 64-block grid (68 free), 100 leave room beside none
    assert blocked[(1, 1024)][16] == pytest.approx(0.117 + 0.245 + 0.555, abs=0.002)
    assert blocked[(1, 1024)][100] == pytest.approx(1.0)
    # batch 8: the 76-block grid, half the GEMV time, leaves 56 free: room beside 16 and 36 SMs held, not 66
    assert blocked[(8, 4096)][36] == pytest.approx(0.242 + 0.064, abs=0.002)
    assert blocked[(8, 4096)][66] == pytest.approx(1.0 - 0.08, abs=0.002)


def test_the_readings_as_recorded(read):
    cells = read.read(TRACES)

    def sigma(key, run=None):
        rows = [r for r in cells[key] if run is None or r[0] == run]
        return sum(r[2] for r in rows) / sum(r[1] for r in rows)

    flat = [sigma((1, 1024, m, "equal", "graph")) for m in (16, 36, 66, 100, 132)]
    assert flat == pytest.approx([0.065, 0.067, 0.072, 0.110, 0.096], abs=0.0015)
    grows = [sigma((52, 3840, m, "equal", "graph")) for m in (16, 132)]
    assert grows == pytest.approx([0.052, 0.133], abs=0.0015)
    for key in cells:
        bound = 0.0055 if key[4] == "graph" else 0.0100
        assert abs(sigma(key, 0) - sigma(key, 1)) < bound, key
