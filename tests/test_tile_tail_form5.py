"""The tile tail's fifth candidate (validation/calibration/tile_tail_form.py --fit5, --screen --fifth; declared in
validation/collect/declared_runs.md, the thirty-seventh session, before any fit, for a later session): its form and
fit set as declared. Nothing here fits it or screens it."""

import sys

import pytest
from types import SimpleNamespace

from conftest import ROOT

sys.path.insert(0, str(ROOT / "validation/calibration"))
import tile_tail_form as form  # noqa: E402

# read against the model of their day, before the ninth tile-tail candidate entered the engine (conftest.py)
pytestmark = pytest.mark.usefixtures("before_ninth")


def test_the_fit_set_is_the_declared_one():
    """The crawl's 936 fitted rows from Python, and the stream/graph diagnostic's 96 co-runner rows of graph-replayed
    units beside the 70B and 405B shapes (72 of the short ALU units, 24 of the scatter)."""
    ours, graphs = form.fit5_sets()
    assert len(ours) == 936 and all(p.role == "fitted" for p in ours)
    assert len(graphs) == 96 and all("launch=graph" in p.argument and p.metric == "corunner_time_ratio" for p in graphs)
    assert sum("family=short-compute" in p.argument for p in graphs) == 72
    assert {p.file.split("/")[-1] for p in graphs} == {"h100_stream_graph_70b_interference.csv",
                                                       "h100_stream_graph_405b_interference.csv"}


def test_its_graph_turn_is_the_fourths_scaled(monkeypatch):
    """A graph launch's turns past turn_gemms_to: the fourth candidate's x graph_turn_share (1 where not given)."""
    monkeypatch.setattr(form, "_couple4", lambda *a: SimpleNamespace(graph_turns=0.4))
    assert form._couple5({form.KEY5: 0.5}, None, "equal", None).graph_turns == 0.2
    assert form._couple5({}, None, "equal", None).graph_turns == 0.4


def test_the_fifth_candidate_leaves_the_engine_as_committed():
    from nicmodel.engines.serving import gemm_grids, interference
    from nicmodel.validation.predict import Predictor
    kept = (interference.couple, interference.Coupling.turn_wait, gemm_grids._step, Predictor.predict)
    with form.candidate5({"graph_turn_share": 0.5}):
        assert interference.couple is form._couple5 and Predictor.predict is not kept[3]
    assert (interference.couple, interference.Coupling.turn_wait, gemm_grids._step, Predictor.predict) == kept


def test_the_screen_leaves_its_fit_rows_out():
    """graph_landing_screen.held_out with the fit rows dropped: nothing dropped is every held-out family as the screens
    read it; the graph rows dropped from the 70B's stream/graph trace leave its families with their launches from
    Python only (since 2026-12-07 those rows are fitted, graph_turn_share's, so no held-out family reads them and
    dropping them moves nothing)."""
    from graph_landing_screen import held_out
    trace = ROOT / "validation/traces/h100_stream_graph_70b_interference.csv"
    every = held_out(trace)
    assert held_out(trace, frozenset()) == every
    drop = frozenset((p.file, p.row) for p in form.fit5_sets()[1])
    fewer = held_out(trace, drop)
    assert fewer == every


def run_fit_stood_in(monkeypatch, flag: str) -> dict:
    """Run ``tile_tail_form.main([flag])`` with the fit set three rows of ours and one graph row, and the fit and its
    errors stood in (nothing is fitted): what the fit was given (rows, weights, start, names, bounds)."""
    import numpy as np
    seen = {}

    def fit(predictor, rows, start, weights, names, bounds, options):
        seen.update(rows=len(rows), weights=weights, start=start, names=names, bounds=bounds)
        return np.array(start)
    monkeypatch.setattr(form, "fit5_sets", lambda: (["a"] * 3, ["g"]))
    monkeypatch.setattr(form.long_gemm_fit, "fit", fit)
    monkeypatch.setattr(form.long_gemm_fit, "errors", lambda predictor, part, x, names: np.zeros(len(part)))
    assert form.main([flag]) == 0
    return seen


def test_the_fit_command_runs_its_declared_steps(monkeypatch, capsys):
    """--fit5's wiring, with the fit and its errors stood in (nothing is fitted here): the two sets weighted equally,
    the fit from FIT5_START inside FIT5_BOUNDS, each set's error before and after printed."""
    import numpy as np
    seen = run_fit_stood_in(monkeypatch, "--fit5")
    assert seen["rows"] == 4 and np.allclose(seen["weights"], [1 / 6] * 3 + [0.5])
    assert (seen["start"], seen["names"], seen["bounds"]) == (form.FIT5_START, form.FIT5_NAMES, form.FIT5_BOUNDS)
    out = capsys.readouterr().out
    assert "the crawl's rows (3): mean |error| 0.0% -> 0.0%" in out and "graph_turn_share 1" in out


FITTED5 = {"crawl_share": 0.06549, "crawl_high": 0.9993, "turn_growth": 0.1953, "graph_turn_share": 0.2744}


def test_the_fifth_screen_as_recorded():
    """Fitted 2026-12-07 (the thirty-eighth session; 6.9 min) on its declared set: the crawl's rows 12.2 -> 14.4% mean
    |error| (worse), the graph rows 33.9 -> 7.8%, at FITTED5. Screened on every committed trace with the graph fit rows
    out: **39 -> 49** of 869 families above 15% (summed 5038.4 -> 4923.7): S4 fails, not adopted, the sealed
    tail_sealed3*.tgz stay sealed. Two of the families that moved most, checked here on their own traces: the 70B's
    scatter from Python crosses up (6.5 -> 20.2%; under-predicted, as under the fourth), the 405B's graph-replayed
    short ALU unit comes down (40.0 -> 4.9%)."""
    from test_tile_tail_form import LADDER_70B, SEALED2_405B, corunner_families
    assert (corunner_families(LADDER_70B)["paged-kv-scatter"], corunner_families(SEALED2_405B)["short-compute"]) \
        == (6.5, 40.0)
    with form.candidate5(FITTED5):
        assert corunner_families(LADDER_70B) == {"lmcache-dequantization": 16.3, "paged-kv-scatter": 20.2,
                                                 "torch-cat": 18.5}
        assert corunner_families(SEALED2_405B) == {"paged-kv-scatter": 16.9, "short-2-byte": 18.9,
                                                   "short-compute": 4.9}
