"""The graph-landing sealed set: a declared run (validation/collect/declared_runs.md, the thirty-first session's
entry; validation/collect/pending_graph_landing.sh), its claims written here before the run.

The committed model charges a launch replayed from a CUDA graph no turn beside decode's weight GEMMs (graph_wait
only); the stream/graph diagnostic read graph launches beside a 70B's 144-us and a 405B's 560-us GEMMs 22-47% under
it, while beside Qwen2.5-14B's and Yi-34B's 48- and 90-us GEMMs, which leave SMs free, the model gives them about
their time. A form for what a graph launch loses landing in a long GEMM is to be screened on the committed traces
only, and committed (code and values) before this set is opened: the set is its sealed check. Its four shapes put
long GEMMs that hold every SM (Llama-3-70B, Llama-3.1-405B, Qwen2.5-32B at batch 1, Yi-34B at 24) beside long GEMMs
that leave 12 (Qwen2.5-32B at 8 and 24) or 52 SMs free (Yi-34B at 1 and 8), and a streaming unit (2 bytes an
element) beside the ALU units and the scatter, so the two dependences a form needs (free SMs, the kernel) are both
tried where no screen looked.

Claims, over the set's held-out families (validate's fixed metric definitions, per trace), committed model C
against candidate K:
  S1  families above 15%: K no more than C;
  S2  summed held-out MAPE of the co-runner metric: K below C;
  S3  no family more than 2 points worse under K;
  S4  on the committed traces (the screen, before the set is opened) K puts no more families above 15% than C.
The candidate is adopted only if all four hold; otherwise it is not, and the set joins the ledger as held out."""

import pytest

from conftest import ROOT

# read against the model of their day, before the ninth tile-tail candidate entered the engine (conftest.py)
pytestmark = pytest.mark.usefixtures("before_ninth")

SHAPES = ("qwen32b", "70b", "yi34b", "405b")
TRACES = {s: ROOT / f"validation/traces/h100_graph_landing_{s}_interference.csv" for s in SHAPES}
MEASURED = all(path.exists() for path in TRACES.values())
TARGET = 15.0  # % held-out MAPE (issue 18)
WORSE_BY = 2.0  # points


def claims(committed: dict[str, float], candidate: dict[str, float], screened: tuple[int, int]) -> dict[str, bool]:
    """The declared claims over {"trace metric/family": held-out MAPE %} on the set, committed and candidate, and
    ``screened`` = (families above 15% on the committed traces, committed model's, candidate's)."""
    keys = sorted(committed)
    assert keys == sorted(candidate), "both models read the same families"
    above = (sum(committed[k] > TARGET for k in keys), sum(candidate[k] > TARGET for k in keys))
    corunner = [k for k in keys if " corunner_time_ratio/" in k]
    return {"S1": above[1] <= above[0],
            "S2": sum(candidate[k] for k in corunner) < sum(committed[k] for k in corunner),
            "S3": all(candidate[k] <= committed[k] + WORSE_BY for k in keys),
            "S4": screened[1] <= screened[0]}


def adopted(result: dict[str, bool]) -> bool:
    return all(result.values())


def test_the_claims_read_as_declared():
    """The claims on made-up errors: a candidate that mends the graph families and moves nothing else is adopted; one
    that puts a family 2.5 points worse, or more families above 15%, or adds one on the screen, or moves nothing, is
    not."""
    c = {"a corunner_time_ratio/scatter": 30.0, "a corunner_time_ratio/short-compute": 14.0,
         "a decode_time_ratio/scatter": 2.0}
    good = {**c, "a corunner_time_ratio/scatter": 8.0}
    assert adopted(claims(c, good, (27, 27)))
    assert not claims({**c}, {**good, "a decode_time_ratio/scatter": 4.5}, (27, 27))["S3"]
    crossed = claims(c, {**c, "a corunner_time_ratio/scatter": 16.0, "a corunner_time_ratio/short-compute": 15.5},
                     (27, 27))
    assert not crossed["S1"] and crossed["S2"] and crossed["S3"]  # 1 above 15% -> 2, each within 2 points
    assert not claims(c, good, (27, 28))["S4"]
    assert not claims(c, c, (27, 27))["S2"]  # moving nothing is not an improvement


@pytest.mark.skipif(not MEASURED, reason="the graph-landing set is not opened yet (declared_runs.md)")
def test_every_shape_ran_both_launch_paths():
    """Each trace holds graph and Python launches of the scatter and the short units at its three points."""
    from conftest import source_unit
    from nicmodel.validation.trace import read_trace
    for s in SHAPES:
        units = {source_unit(pt) for pt in read_trace(TRACES[s])}
        assert {"paged_scatter_graph", "paged_scatter_syn", "sho_alu_g1024_i64_graph"} <= units, s


def families(paths) -> dict[str, float]:
    """{"trace metric/family": held-out MAPE %} of the traces under the model in place (validate's definitions)."""
    from nicmodel.validation.predict import Predictor
    from nicmodel.validation.trace import read_trace
    from nicmodel.validation.validate import predict_all, summary
    predictor = Predictor()
    return {f"{path.name} {s['metric']}/{s['family']}": s["mape_pct"] for path in paths
            for s in summary(predict_all(read_trace(path), predictor)) if s["role"] == "held-out" and "family" in s}


def read_sealed(paths, context, screened: tuple[int, int]):
    """A sealed set's reading: (claims, families above 15% committed and under ``context``, their summed co-runner
    MAPE, the committed families, the candidate's), ``screened`` the candidate's screen (S4)."""
    committed = families(paths)
    with context:
        candidate = families(paths)
    corunner = [k for k in committed if "corunner" in k]
    return (claims(committed, candidate, screened),
            (sum(v > 15 for v in committed.values()), sum(v > 15 for v in candidate.values())),
            (round(sum(committed[k] for k in corunner), 1), round(sum(candidate[k] for k in corunner), 1)),
            committed, candidate)


def _screen():
    import sys
    sys.path.insert(0, str(ROOT / "validation/calibration"))
    import graph_crawl_screen
    return graph_crawl_screen


@pytest.mark.skipif(not MEASURED, reason="the graph-landing set is not opened yet (declared_runs.md)")
def test_the_set_as_measured():
    """Measured 2026-12-06 on an H100 as declared (h100/graph_landing_*_random/, 108 configurations a shape, 19-22 s
    each); opened after the graph crawl's first candidate was committed (graph_crawl_fall 0.3811, fitted on the
    stream/graph diagnostic's 70B and 405B graph twins; validation/calibration/graph_crawl_screen.py). S1 (above 15%
    7 -> 6), S2 (summed co-runner MAPE 273.5 -> 176.4) and S4 (24 -> 24 on the committed traces) held; S3 failed:
    Yi-34B's short-compute 23.0 -> 28.4%, beside GEMMs that leave 52 SMs free at batches 1 and 8, where the committed
    model over-predicts the ALU units from Python and as graphs alike. Not adopted."""
    screen = _screen()
    committed = families(TRACES.values())
    with screen.candidate(**screen.FIRST):
        candidate = families(TRACES.values())
    result = claims(committed, candidate, (24, 24))
    assert result == {"S1": True, "S2": True, "S3": False, "S4": True} and not adopted(result)
    key = "h100_graph_landing_yi34b_interference.csv corunner_time_ratio/short-compute"
    assert (committed[key], candidate[key]) == (pytest.approx(23.0, abs=0.05), pytest.approx(28.4, abs=0.05))


@pytest.mark.recount
def test_the_graph_crawl_fits_as_recorded():
    """The candidates' fits on their declared fit sets (the stream/graph diagnostic's 96 graph co-runner rows beside
    the 70B and 405B shapes): the fall alone 0.3811 (mean |error| 35.8 -> 8.0%); with the unheld share and the
    memory term 0.3759 and 3.287 (-> 5.3%); the same past 96 us, on those rows and the first graph-landing set's 70B
    and 405B graph rows, 0.5876 and 1.182 (37.8 -> 15.4%)."""
    screen = _screen()
    rows = screen.fit_rows()
    assert len(rows) == 96
    best, before, after = screen.fit(1, rows)
    assert (best[0], before, after) == (pytest.approx(0.3811, abs=2e-4), pytest.approx(0.358, abs=5e-4),
                                        pytest.approx(0.080, abs=5e-4))
    best, _, after = screen.fit(2, rows)
    assert (best[0], best[1], after) == (pytest.approx(0.3759, abs=2e-3), pytest.approx(3.287, abs=0.02),
                                         pytest.approx(0.053, abs=5e-4))
    best, before, after = screen.fit(3, screen.fit_rows(screen.FIT_SET_3))
    assert (best[0], best[1], before, after) == (pytest.approx(screen.THIRD[0], abs=2e-3),
                                                 pytest.approx(screen.THIRD[1], abs=0.02),
                                                 pytest.approx(0.378, abs=5e-4), pytest.approx(0.154, abs=5e-4))


def test_the_graph_crawl_moves_only_graph_launches_past_the_8b():
    """The candidates' form without their fits (those, 80 s: test_the_graph_crawl_fits_as_recorded, -m recount): a
    candidate gives a graph launch beside 37-us GEMMs nothing more, and beside the 70B's and 405B's it charges every
    graph launch of the fit set more."""
    from nicmodel.validation.predict import Predictor
    from nicmodel.validation.trace import read_trace
    screen = _screen()
    rows = screen.fit_rows()
    assert len(rows) == 96
    beside_8b = [p for p in read_trace(ROOT / "validation/traces/h100_stream_graph_8b_interference.csv")
                 if p.metric == "corunner_time_ratio" and "launch=graph" in p.argument.split(",")]
    before = [Predictor().predict(p) for p in beside_8b]
    with screen.candidate(**screen.SECOND):
        assert [Predictor().predict(p) for p in beside_8b] == before
    committed = [Predictor().predict(p) for p in rows]
    with screen.candidate(**screen.FIRST):  # and beside the 70B's and 405B's it charges every graph launch more
        assert all(Predictor().predict(p) > c for p, c in zip(rows, committed))


SEALED2 = ROOT / "validation/sealed/graph_sealed2.tgz"
SEALED2_SHA256 = "54f0b0a48474bce86c65db552b6ec1b4ffccacf705b06edfcc33d20e6a9f11fb"


SEALED2_TRACES = {s: ROOT / f"validation/traces/h100_graph_sealed2_{s}_interference.csv"
                  for s in ("qwen14b", "70b", "yi34b", "405b")}


def test_the_second_set_as_measured():
    """The second graph-landing set (declared_runs.md; measured 2026-12-06 on an H100 ahead of any form, its archive
    committed unopened and still the one the run wrote), opened after the graph crawl's third candidate was committed
    (past 96-us mean GEMMs, fall 0.5876 x (1 + 1.182 x memory-boundness), over the unheld share; fitted on the 70B and
    405B graph rows of the stream/graph diagnostic and the first set). S1 (above 15% 8 -> 7), S2 (summed co-runner
    MAPE 283.4 -> 252.7) and S4 (27 -> 27) held; S3 failed: the 405B's short-compute 40.0 -> 43.0% (its graph launches
    at batches 16 and 32 from 27-41% under to 53-71% over). Not adopted."""
    import hashlib
    assert hashlib.sha256(SEALED2.read_bytes()).hexdigest() == SEALED2_SHA256
    screen = _screen()
    committed = families(SEALED2_TRACES.values())
    with screen.candidate(**screen.kwargs(3, screen.THIRD)):
        candidate = families(SEALED2_TRACES.values())
    result = claims(committed, candidate, (27, 27))
    assert result == {"S1": True, "S2": True, "S3": False, "S4": True} and not adopted(result)
    key = "h100_graph_sealed2_405b_interference.csv corunner_time_ratio/short-compute"
    assert (committed[key], candidate[key]) == (pytest.approx(40.0, abs=0.05), pytest.approx(43.0, abs=0.05))
