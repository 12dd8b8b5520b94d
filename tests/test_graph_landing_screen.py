"""The graph landing screen (validation/calibration/graph_landing_screen.py; not declared, not adopted): its recorded
reading on two of the traces it moves most, and the committed model restored after it."""

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "validation/calibration"))
import graph_landing_screen as screen  # noqa: E402

# read against the model of their day, before the ninth tile-tail candidate entered the engine (conftest.py)
pytestmark = pytest.mark.usefixtures("before_ninth")

STREAM_GRAPH = ROOT / "validation/traces/h100_stream_graph_405b_interference.csv"
YI34B = ROOT / "validation/traces/h100_short_rounds_yi34b_interference.csv"
SCATTER, SHORT = "corunner_time_ratio/paged-kv-scatter", "corunner_time_ratio/short-2-byte"


def test_the_reading_as_recorded():
    before = {t: screen.held_out(t) for t in (STREAM_GRAPH, YI34B)}
    with screen.candidate(1.0):
        after = {t: screen.held_out(t) for t in (STREAM_GRAPH, YI34B)}
    # 31.7 -> 6.3% as read (2026-12-06); since 2026-12-07 the diagnostic's graph rows fit graph_turn_share, so the
    # family's held-out rows are its launches from Python alone, which the candidate leaves
    assert (before[STREAM_GRAPH][SCATTER], after[STREAM_GRAPH][SCATTER]) == (pytest.approx(8.4, abs=0.05),
                                                                              pytest.approx(8.4, abs=0.05))
    assert (before[YI34B][SHORT], after[YI34B][SHORT]) == (pytest.approx(16.1, abs=0.05), pytest.approx(29.3, abs=0.05))
    # the committed model is back: nothing moved by the screen having run
    assert screen.held_out(STREAM_GRAPH) == before[STREAM_GRAPH]


def test_nothing_moves_beside_the_gemms_every_fit_saw():
    """The 8B shape's GEMMs (36 us) are within turn_gemms_to: the candidate leaves every family there as it was."""
    trace = ROOT / "validation/traces/h100_stream_graph_8b_interference.csv"
    before = screen.held_out(trace)
    with screen.candidate(1.0):
        assert screen.held_out(trace) == before
