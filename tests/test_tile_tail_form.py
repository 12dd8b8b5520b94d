"""The tile tail's three candidates (validation/calibration/tile_tail_form.py, declared in
validation/collect/declared_runs.md, the thirty-second and thirty-third sessions) and the timeline reading that followed the first
(validation/calibration/timeline_free_read.py): screens, not forms in the model. Their recorded results, so a change
to the model or the traces that moves them is seen."""

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "validation/calibration"))
import tile_tail_form as form  # noqa: E402
import timeline_free_read as read  # noqa: E402

# read against the model of their day, before the ninth tile-tail candidate entered the engine (conftest.py)
pytestmark = pytest.mark.usefixtures("before_ninth")


def test_the_timeline_read_by_the_sms_each_launch_ran_on():
    """On 36-60 SMs the scatter probe's blocks take 2.84x their time alone (median over 8 points, the pointer chase
    beside decode 2.82x on this GPU), the ALU unit's 1.12x; the first block waits 8.0 us more than on a free GPU from
    Python, 2.2-3.7 us more as graphs."""
    pooled = {}
    for shape in ("8b", "yi34b", "70b", "405b"):
        for (unit, _), by in read.cells(read.launches(shape)).items():
            part, whole = by["36-60"], by["126+"]
            p = pooled.setdefault(unit, {"wait": [], "slow": []})
            p["wait"].append(read.med(part, "first_start_us") - read.med(whole, "first_start_us"))
            p["slow"].append(read.med(part, "block_p50_us") / float(part[0]["alone_block_p50_us"]))
    median = {u: (sorted(p["wait"])[3:5], sorted(p["slow"])[3:5]) for u, p in pooled.items()}
    assert all(len(p["wait"]) == 8 for p in pooled.values())
    assert round(sum(median["scatter"][1]) / 2, 2) == 2.84 and round(sum(median["one1024"][1]) / 2, 2) == 1.12
    assert round(sum(median["scatter"][0]) / 2, 1) == 8.0
    assert 2.0 < sum(median["scatter-graph"][0]) / 2 < sum(median["one1024-graph"][0]) / 2 < 4.0


def test_the_candidates_leave_the_engine_as_committed():
    """All live in the screen: leaving their contexts puts the committed coupling, turn wait and grids back (the
    fourth candidate: tests/test_tile_tail_form4.py)."""
    import nicmodel.engines.plan as plan
    from nicmodel.engines.serving import gemm_grids, interference
    couple, wait, step, grids = interference.couple, interference.Coupling.turn_wait, gemm_grids._step, plan._decode_grids
    with form.candidate():
        assert interference.couple is not couple
    with form.candidate2():
        assert interference.Coupling.turn_wait is not wait
    with form.candidate3():  # its step is the engine's since the ninth's move (2026-12-07); its grids its own
        assert gemm_grids._step is step and plan._decode_grids is not grids
    assert interference.couple is couple and interference.Coupling.turn_wait is wait
    assert gemm_grids._step is step and plan._decode_grids is grids
    assert form.FITTED["free_memory"] < 1e-4  # the declared fit took it to 0


LADDER_70B = ROOT / "validation/traces/h100_dataplane_ladder_70b_interference.csv"
SEALED2_405B = ROOT / "validation/traces/h100_graph_sealed2_405b_interference.csv"


def corunner_families(trace) -> dict[str, float]:
    """{family: held-out co-runner MAPE %, one decimal} of one trace under the model in place."""
    from graph_landing_screen import held_out
    return {k.split("/")[1]: round(v, 1) for k, v in held_out(trace).items() if k.startswith("corunner_time_ratio/")}


def test_the_candidates_on_two_traces():
    """Each candidate on the two traces whose families they move most (the full recount: test_the_screens_as_recorded,
    pytest -m recount). Beside the 70B the scatter from Python (committed 6.5%) goes up under each (14.7, 12.0, 16.1%);
    beside the 405B at batches 2-32 the scatter (30.7%) comes down under each, none to 15%."""
    assert corunner_families(LADDER_70B) == {"lmcache-dequantization": 9.0, "paged-kv-scatter": 6.5, "torch-cat": 15.4}
    assert corunner_families(SEALED2_405B) == {"paged-kv-scatter": 30.7, "short-2-byte": 49.4, "short-compute": 40.0}
    read = {}
    for name, which in (("first", form.candidate), ("second", form.candidate2), ("third", form.candidate3)):
        with which():
            read[name] = (corunner_families(LADDER_70B), corunner_families(SEALED2_405B))
    assert read["first"] == ({"lmcache-dequantization": 6.7, "paged-kv-scatter": 14.7, "torch-cat": 16.1},
                             {"paged-kv-scatter": 27.4, "short-2-byte": 47.2, "short-compute": 39.9})
    assert read["second"] == ({"lmcache-dequantization": 7.0, "paged-kv-scatter": 12.0, "torch-cat": 16.4},
                              {"paged-kv-scatter": 25.8, "short-2-byte": 51.9, "short-compute": 38.7})
    assert read["third"] == ({"lmcache-dequantization": 7.0, "paged-kv-scatter": 16.1, "torch-cat": 16.4},
                             {"paged-kv-scatter": 23.1, "short-2-byte": 43.1, "short-compute": 36.4})


@pytest.mark.recount
def test_the_screens_as_recorded():
    """On every committed trace, families above 15%: 47 under the first candidate, 56 under the second, 49 under the
    third, against the committed model's 42 (gated in tests/test_held_out_gates.py, not counted again here); claim S4
    fails for all three (declared_runs.md). Since the tile-tail sealed set was opened (2026-12-07): 55, 67 and 57
    against 50; since the fourth sealed set was, 60, 75 and 62 against 56; since the fifth, 66, 84 and 68 against 64;
    since the 96 graph rows were fitted (2026-12-07), 64, 81 and 66 against 61; since the sixth and seventh sealed sets
    were opened (2026-12-07), 76, 96 and 78 against 72; since the eighth, 78, 105 and 84 against 79."""
    from graph_landing_screen import held_out
    traces = [t for t in sorted((ROOT / "validation/traces").glob("*_interference.csv"))
              if "decoder_sealed9" not in t.name]  # read before the ninth sealed set was opened
    counts = []
    for which in (form.candidate, form.candidate2, form.candidate3):
        with which():
            counts.append(sum(v > 15.0 for t in traces for v in held_out(t).values()))
    assert counts == [78, 105, 84]


def test_the_tail_aware_turn_by_hand(monkeypatch):
    """rounds3: with no wait d, a GEMM of one segment gives the committed turn rounds. A launch the free SMs cannot
    hold beside a GEMM whose first 0.6 runs on every SM and its last 0.4 on 92 CTAs loses to the last round's start at
    most: with its rounds there near nothing (tau 0.1 ps), 0.6^2 of the whole turn plus what d gives (declared d =
    3.74 us, L = 100 us: 0.6 x 2 d / L from the first round's landers, 0.4 x 0.4 x (2x - x^2), x = d / 40 us)."""
    from nicmodel.engines.serving import gemm_grids
    two = form._GemmGrids(((132, 0.6), (92, 0.4)))
    two.gemms = ((1.0, [(132, 0.6), (92, 0.4)]),)
    x = form.TAIL_WAIT_S / 40e-6
    expected = 0.6 * 0.6 + 0.6 * 2 * form.TAIL_WAIT_S / 100e-6 + 0.4 * 0.4 * x * (2 - x)
    assert abs(form.rounds3(two, 132, 1024, 8, 1e-13, 100e-6, 1.0) - expected) < 1e-8
    monkeypatch.setattr(form, "TAIL_WAIT_S", 0.0)
    one = form._GemmGrids(((100, 1.0),))
    one.gemms = ((1.0, [(100, 1.0)]),)
    for tau in (1e-6, 1e-5, 1e-4):
        assert abs(form.rounds3(one, 132, 64, 1, tau, 3e-5, 1.0) - gemm_grids.turn_rounds(one, 132, 64, 1, tau, 3e-5,
                                                                                          1.0)) < 1e-12
    assert abs(form.rounds3(two, 132, 1024, 8, 1e-13, 100e-6, 1.0) - 0.36) < 1e-8
