"""The calibration plan's fixed-point tool (validation/calibration/fixed_point.py): the committed specs
are its fixed point, it writes what it found where the specs hold it, and a bad plan is refused."""

import shutil

import pytest
import yaml

from nicmodel.errors import SpecError

from conftest import ROOT, script_module


@pytest.fixture(scope="module")
def fp():
    return script_module("validation/calibration/fixed_point.py", "fixed_point")


NINE = ["synthetic grid", "cut-ins", "packing", "loaded latency", "launch waits", "l2 residency", "l2 partial fit",
        "spill", "grid waits"]


def test_the_suite_refits_every_calibration_of_the_plan(fp):
    """The suite's guard of the fixed point: test_calibration refits each of the plan's nine calibrations with the
    others at the specs' values and holds the spec to 5e-4 of it, tighter than the plan's tolerance (0.003), so a
    pass from the specs' values cannot move a coefficient past it; the whole pass (80 s) is -m recount."""
    from test_calibration import INTERFERENCE
    plan = fp.load_plan(fp.PLAN)
    assert [c.name for c in plan.calibrations] == NINE and plan.tolerance == 0.003
    assert [p.id for p in INTERFERENCE] == NINE
    assert {k for p in INTERFERENCE for k in p.values[1]} == {plan.prefix + k for k in plan.coefficients()}


@pytest.mark.recount
def test_the_committed_specs_are_the_plans_fixed_point(fp):
    """One pass of all nine calibrations from the specs' values moves no coefficient by more than the
    plan's tolerance (each calibration's own reproduction: test_calibration)."""
    plan = fp.load_plan(fp.PLAN)
    assert [c.name for c in plan.calibrations] == NINE
    lines = []
    state, before, settled = fp.iterate(plan, 1, log=lines.append)
    assert settled and lines[-1].startswith("pass 1: largest move")
    assert len(before) == 23 and set(state.variables) == {"wave_yield_before_cut_in"}
    for key, value in state.values.items():
        assert value == pytest.approx(before[key], rel=plan.tolerance), key
        lo, hi = state.ci[key]
        assert lo <= value <= hi, key


def test_write_puts_values_and_intervals_where_the_specs_hold_them(fp, tmp_path):
    """Every coefficient 1% up, its interval +-10%: the H200's spec and every spec taking the H200 fit
    carry the new value in the line's own unit (graph_wait in us), the interval as its range and in
    the H200's text; the variable quoted in the first calibration's command follows it."""
    plan = fp.load_plan(fp.PLAN)
    folder = tmp_path / "gpus"
    shutil.copytree(ROOT / "hwspecs/gpus", folder)
    values = fp.spec_values(plan)
    state = fp.State({k: v * 1.01 for k, v in values.items()}, {"wave_yield_before_cut_in": 1.2},
                     {k: (v * 0.9, v * 1.1) for k, v in values.items()})
    written = fp.write_specs(plan, state, folder)
    assert {p.stem for p in written} == {"h200", "h100-sxm", "h100-pcie", "a100-80g", "l4", "l40s"}
    h200 = yaml.safe_load((folder / "h200.yaml").read_text())["interference"]
    g6 = lambda x: f"{float(f'{x:.6g}'):g}"  # six significant digits, as the specs write values
    g4 = lambda x: f"{float(f'{x:.4g}'):g}"  # four, as they write intervals
    wait, loss = values["graph_wait"] * 1e6, values["hbm_loss"]
    assert h200["graph_wait"]["value"] == f"{g6(wait * 1.01)} us"
    assert h200["graph_wait"]["range"] == [f"{g4(wait * 0.9)} us", f"{g4(wait * 1.1)} us"]
    assert h200["hbm_loss"]["value"] == pytest.approx(loss * 1.01, rel=1e-5)
    assert h200["hbm_loss"]["fitted_to"].endswith(f"95% CI {g4(loss * 0.9)}-{g4(loss * 1.1)}")
    assert "gpu.interference.wave_yield_high=1.2 " in h200["occupancy_exponent"]["source"] + " "
    for gpu in ("l40s", "h100-sxm"):
        other = yaml.safe_load((folder / f"{gpu}.yaml").read_text())["interference"]
        for key in plan.coefficients():
            assert (other[key]["value"], other[key]["range"]) == (h200[key]["value"], h200[key]["range"]), (gpu, key)
        assert other["issue_warps"] == yaml.safe_load((ROOT / f"hwspecs/gpus/{gpu}.yaml").read_text())[
            "interference"]["issue_warps"]  # not the plan's: untouched


@pytest.mark.parametrize("mutate, says", [
    (lambda d: d.pop("calibrations"), "not a calibration plan: KeyError"),
    (lambda d: d["calibrations"][1].update(fitt=["x"]), "unknown key 'fitt'"),
    (lambda d: d["calibrations"][0]["hold"].update(wave_yield_high="$nope"), "no variable 'nope'"),
    (lambda d: d["calibrations"][2].update(traces=["validation/traces/missing.csv"]),
     "no trace validation/traces/missing.csv"),
])
def test_a_bad_plan_is_refused_with_its_file(fp, tmp_path, mutate, says):
    data = yaml.safe_load(fp.PLAN.read_text())
    mutate(data)
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(SpecError) as err:
        fp.load_plan(path)
    assert says in str(err.value) and str(path) in str(err.value)
    assert fp.main([str(path)]) == 2


def test_an_interval_reaching_zero_keeps_the_search_floor(fp):
    """A coefficient of 1.09 whose interval is -0.03 to 2.21 gets 1.09 / 30 to 2.21 (a spec refuses a
    positive coefficient's range from 0; cut_in_gain's reached 0 in a fixed point screened 2026-12-05); one
    within its plan bounds keeps them; a positive interval is left as it is."""
    assert fp.interval(1.09, -0.03, 2.21) == (pytest.approx(1.09 / 30), 2.21)
    assert fp.interval(0.3, -0.1, 1.4, (1e-4, 1.0)) == (1e-4, 1.0)
    assert fp.interval(1.09, 0.01, 2.21) == (0.01, 2.21)
