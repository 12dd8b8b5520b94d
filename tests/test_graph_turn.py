"""The graph turn in the engine (docs/serving.md, The graph turn): a launch replayed from a CUDA graph waits
graph_turn_share of a stream launch's turn beside GEMMs past turn_gemms_to, ramped in to graph_turn_gemms; its fit
rows are marked fitted, and nothing beside shorter GEMMs or launched from Python moves with it."""

from __future__ import annotations

import pytest

from nicmodel.validation.predict import Predictor
from nicmodel.validation.trace import read_trace

from conftest import ROOT

SHARE = "gpu.interference.graph_turn_share"


def _rows(name: str) -> list:
    return [p for p in read_trace(ROOT / f"validation/traces/{name}") if p.metric == "corunner_time_ratio"]


def test_the_fit_rows_are_the_graph_rows_beside_the_70b_and_405b():
    """The 96 co-runner rows of units replayed from a graph in the stream/graph diagnostic fit graph_turn_share
    (graph_turn_ramp.py --fit): fitted, so no held-out gate reads them; the rest of those traces stays held out."""
    for shape in ("70b", "405b"):
        rows = _rows(f"h100_stream_graph_{shape}_interference.csv")
        graph = [p for p in rows if "launch=graph" in p.argument]
        assert len(graph) == 48 and {p.role for p in graph} == {"fitted"}
        assert {p.role for p in rows if p not in graph} == {"held-out"}


def test_only_graph_launches_beside_long_gemms_move_with_the_share():
    predictor = Predictor()
    graph = [p for p in _rows("h100_stream_graph_70b_interference.csv") if "launch=graph" in p.argument][:4]
    stream = [p for p in _rows("h100_stream_graph_70b_interference.csv") if "launch=graph" not in p.argument][:4]
    short = [p for p in _rows("h100_stream_graph_8b_interference.csv") if "launch=graph" in p.argument][:4]
    for p in graph:  # beside the 70B shape's 144-us GEMMs the ramp is whole: more share, more time
        assert predictor.predict(p, {SHARE: 0.0}) < predictor.predict(p) < predictor.predict(p, {SHARE: 0.8})
    for p in stream + short:  # from Python, or beside the 8B's GEMMs (within turn_gemms_to): unmoved
        assert predictor.predict(p, {SHARE: 0.0}) == pytest.approx(predictor.predict(p, {SHARE: 0.8}), rel=1e-12)
