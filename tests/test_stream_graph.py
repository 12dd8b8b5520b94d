"""Stream launches against their graph twins along the GEMM-length ladder: a declared diagnostic
(validation/collect/declared_runs.md, the thirtieth session's entry; validation/collect/pending_stream_graph.sh).
Nothing is fitted to it and nothing is adopted from it alone; its decision rules were committed before the run.

The committed model charges a launch issued from Python a turn at dispatch that grows with decode's weight-GEMM
length (launch_turns of the mean GEMM, past turn_gemms_to as its power turn_growth: the scatter's 3 us beside a
Llama-3.2-1B's 12-us GEMMs, 6-10 us beside the 8B's 36-us, 20 us beside a 70B's 144-us and 33 us beside a 405B's
560-us ones) and a launch replayed from a CUDA graph none (graph_wait, 0.66 us). Read on the committed sets, the
short units' launches from Python beside the 8B, Qwen2.5-14B and Yi-34B shapes take 4-8 us more than their graph
twins whatever the GEMM length (25-90 us), where the model charges 4-16 us. The question: is the stream launch's
extra a turn in GEMM length (D1), or a roughly fixed cost per launch, with what the model puts in that turn beside
long GEMMs lost by graph launches too (D2, then D3)?"""

import statistics

import pytest

from conftest import ROOT, source_unit as _unit

SHAPES = ("1b", "8b", "70b", "405b")
# measured on whichever GPU could be started (declared for either)
GPU = next((g for g in ("h100", "h200") if (ROOT / f"validation/traces/{g}_stream_graph_8b_interference.csv").exists()),
           "h100")
TRACES = {s: ROOT / f"validation/traces/{GPU}_stream_graph_{s}_interference.csv" for s in SHAPES}
MEASURED = all(path.exists() for path in TRACES.values())
NOT_YET = "the stream/graph diagnostic is not measured yet (declared_runs.md)"
# (launch from Python, its graph twin): the scatter on the synthetic units' stream, the 2.7-us ALU unit
PAIRS = {"scatter": ("paged_scatter_syn", "paged_scatter_graph"),
         "alu-2.7us": ("sho_alu_g1024_i64_python", "sho_alu_g1024_i64_graph")}


def _arg(point, key: str) -> str:
    return dict(part.split("=", 1) for part in point.argument.split(","))[key]


def per_launch(point, value: float | None = None) -> float:
    """Seconds a launch of the row's unit takes beside decode (the measured ratio, or ``value``, times its unit's time
    alone over its launches)."""
    from nicmodel.units import parse_quantity
    launches = float(_arg(point, "launches").split("+")[0])
    ratio = point.value if value is None else value
    return ratio * parse_quantity(_arg(point, "unit_time"), "time") / launches


def differences(shape: str, pair: str, predict=None) -> list[float]:
    """Per decode point and priority where both ran: seconds a launch from Python takes beside decode over its graph
    twin, the difference of their mean times per launch (measured, or ``predict``'s)."""
    from nicmodel.validation.trace import read_trace
    python, graph = PAIRS[pair]
    times: dict[tuple, dict[str, list[float]]] = {}
    for pt in read_trace(TRACES[shape]):
        unit = _unit(pt)
        if pt.metric != "corunner_time_ratio" or unit not in (python, graph):
            continue
        key = (_arg(pt, "batch"), _arg(pt, "context"), _arg(pt, "priority"))
        value = per_launch(pt, predict(pt) if predict else None)
        times.setdefault(key, {}).setdefault(unit, []).append(value)
    return [statistics.mean(t[python]) - statistics.mean(t[graph]) for t in times.values() if len(t) == 2]


def extra(shape: str, pair: str, predict=None) -> float:
    """E: the mean of ``differences`` over the decode points and priorities."""
    return statistics.mean(differences(shape, pair, predict))


def outcome(e: dict[tuple[str, str], float]) -> str:
    """The declared decision over E by (shape, pair): "D1" (the stream turn grows with GEMM length: beside the 405B
    at least 3x the 8B's, for both pairs), "D2" (a roughly fixed cost: beside the 70B and the 405B at most 1.5x the
    8B's plus 2 us, for both pairs), else "uninformative"."""
    if all(e[("405b", p)] >= 3 * e[("8b", p)] for p in PAIRS):
        return "D1"
    if all(e[(s, p)] <= 1.5 * e[("8b", p)] + 2e-6 for s in ("70b", "405b") for p in PAIRS):
        return "D2"
    return "uninformative"


def graph_bias(shape: str, predict) -> float:
    """D3's reading: the signed median of model / measured - 1 over the graph twins' co-runner rows of a shape."""
    from nicmodel.validation.trace import read_trace
    return statistics.median(predict(pt) / pt.value - 1 for pt in read_trace(TRACES[shape])
                             if pt.metric == "corunner_time_ratio" and _unit(pt).endswith("_graph"))


def test_the_decision_rules_read_as_declared():
    """The rules on made-up extras (seconds): a turn growing as the committed model's, and a fixed one."""
    grows = {(s, p): t for p in PAIRS for s, t in zip(SHAPES, (3e-6, 8e-6, 20e-6, 33e-6))}
    fixed = {(s, p): t for p in PAIRS for s, t in zip(SHAPES, (4e-6, 5e-6, 6e-6, 7e-6))}
    assert outcome(grows) == "D1" and outcome(fixed) == "D2"
    assert outcome({**fixed, ("405b", "scatter"): 12e-6}) == "uninformative"


@pytest.mark.skipif(not MEASURED, reason=NOT_YET)
def test_every_pair_ran_beside_every_shape():
    """E rests on both launch paths at most of the six point x priority cells a shape ran (rows fed too slowly from
    Python are left out of the traces)."""
    for s in SHAPES:
        for p in PAIRS:
            assert len(differences(s, p)) >= 4, (s, p)


@pytest.mark.usefixtures("before_twelfth")  # read on the model of its day: before the first round's room
@pytest.mark.skipif(not MEASURED, reason=NOT_YET)
def test_the_diagnostic_as_recorded():
    """Measured 2026-12-06 on an H100 as declared (h100/stream_graph_*_random/, 108 configurations a shape, 16-22 s
    each; 156-208 rows kept a shape, the rest fed too slowly from Python). E, measured (the committed model's): the
    scatter 3.0 (2.4), 5.0 (7.7), 9.8 (19.1), 14.8 us (32.5) beside the 1B, 8B, 70B, 405B shapes; the 2.7-us ALU unit
    3.3 (2.4), 4.7 (7.3), 9.0 (19.0), 9.5 us (26.7). Beside the 405B 3.0x and 2.0x the 8B's, beside the 70B 2.0x and
    1.9x: neither D1 nor D2, so uninformative as declared. Read after the run (not a claim): E grows about as the GEMM
    length to the power 0.4, half the committed turn beside long GEMMs; the graph twins, which the model charges no
    turn, are under-predicted beside the 70B (signed median -22%) and the 405B (-47%): the scatter's graph launch takes
    30.8 and 41.7 us there against the model's 17.5 and 18.7. The legacy stream and the synthetic units' stream give
    the scatter the same time from Python (within 1 us a launch beside every shape)."""
    from nicmodel.validation.predict import Predictor
    e = {(s, p): extra(s, p) for s in SHAPES for p in PAIRS}
    assert outcome(e) == "uninformative"
    assert e[("405b", "scatter")] == pytest.approx(14.8e-6, abs=0.1e-6)
    assert e[("8b", "scatter")] == pytest.approx(5.0e-6, abs=0.1e-6)
    assert e[("405b", "alu-2.7us")] == pytest.approx(9.5e-6, abs=0.1e-6)
    predict = Predictor().predict
    # -0.466 and -0.224 before the graph turn entered the engine (2026-12-07); these graph rows fit its share since
    assert graph_bias("405b", predict) == pytest.approx(-0.181, abs=0.002)
    assert graph_bias("70b", predict) == pytest.approx(-0.033, abs=0.002)
