"""The measurement's own noise: the collector's standard error of a co-runner's mean time per
launch (grid_measure.launch_sem, window), carried by the trace's ``stderr`` column into
``nicmodel validate``'s noise floor per family, by hand and end to end from a raw run."""

import csv
import importlib
import math
import shutil
import sys
import types
from dataclasses import replace

import pytest

from nicmodel.errors import SpecError
from nicmodel.validation.predict import Prediction
from nicmodel.validation.trace import read_trace
from nicmodel.validation.validate import NORMAL_MAD, predict_all, summary

from conftest import DEFAULT, ROOT

COLLECT = ROOT / "validation/collect"


@pytest.fixture
def collect(monkeypatch):
    """The collector's modules without a GPU: torch stubbed (window() only synchronizes and reads
    events), validation/collect on the path."""
    torch = types.ModuleType("torch")
    torch.cuda = types.SimpleNamespace(synchronize=lambda: None, Stream=object)
    nn = types.ModuleType("torch.nn")
    nn.functional = types.ModuleType("torch.nn.functional")
    torch.nn = nn
    for name, module in {"torch": torch, "torch.nn": nn, "torch.nn.functional": nn.functional}.items():
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.syspath_prepend(str(COLLECT))
    for name in ("gpu_common", "grid_measure", "make_interference_traces"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    return importlib.import_module


class _Event:
    def __init__(self, ms: float):
        self.ms = ms


class _Ref:
    def elapsed_time(self, e: _Event) -> float:
        return e.ms


def test_launch_sem_by_hand(collect):
    """Groups of 2 launches taking 1.0, 1.2, 0.8 and 1.0 ms: standard deviation
    sqrt((0 + 0.04 + 0.04 + 0) / 3) = 0.16330 ms, over sqrt(4) groups, per launch (/2): 40.82 us.
    One group gives no spread (NaN)."""
    gm = collect("grid_measure")
    assert gm.launch_sem([1.0, 1.2, 0.8, 1.0], 2) == pytest.approx(math.sqrt(0.08 / 3) / 2 / 2 / 1e3, rel=1e-12)
    assert gm.launch_sem([1.0, 1.2, 0.8, 1.0], 2) == pytest.approx(40.82e-6, rel=1e-3)
    assert math.isnan(gm.launch_sem([1.0], 1)) and math.isnan(gm.launch_sem([], 1))


def test_window_reports_the_spread_of_the_groups_inside_it(collect):
    """A decode window from 10 to 30 ms over 4 steps (5 ms a step); groups of 3 launches at 5-8
    (before the window: left out of the mean and the spread, 0 ms of it busy), 12-15.3, 20-22.7 and
    28-32 (ends after it: left out; 2 ms of it busy). Mean per launch (3.3 + 2.7) / 6 = 1.0 ms; spread
    of 3.3 and 2.7 ms: 0.42426 ms / sqrt(2) / 3 = 0.1 ms; busy (3.3 + 2.7 + 2) / 20 = 0.4."""
    gm = collect("grid_measure")
    groups = [(_Event(s), _Event(e)) for s, e in ((5, 8), (12, 15.3), (20, 22.7), (28, 32))]
    r = gm.window(_Ref(), _Event(10), _Event(30), groups, 3, 4, 0.002)
    assert r["decode_beside_s"] == pytest.approx(5e-3)
    assert r["corunner_beside_s"] == pytest.approx(1.0e-3)
    assert r["corunner_sem_s"] == pytest.approx(0.1e-3, rel=1e-9)
    assert r["busy_share"] == pytest.approx(0.4)
    assert r["inside_launches"] == 6


def _probe_run_with_sem(tmp_path, sems: dict[int, float]):
    """The thirteenth sealed set's first raw rows, copied with a corunner_sem_s column (seconds)."""
    src = ROOT / "validation/traces/h200/probe_points2_random"
    dst = tmp_path / "h200/probe_sem"
    dst.mkdir(parents=True)
    for name in ("gpu.json", "kernels.csv"):
        shutil.copy(src / name, dst / name)
    rows = list(csv.DictReader(open(src / "interference_grid.csv")))[:len(sems)]
    with open(dst / "interference_grid.csv", "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*rows[0], "corunner_sem_s"], lineterminator="\n")
        writer.writeheader()
        writer.writerows({**r, "corunner_sem_s": f"{sems[i]:.4g}"} for i, r in enumerate(rows))
    return rows


def test_a_raw_run_with_spread_reaches_validate(collect, tmp_path, monkeypatch):
    """End to end: a run's corunner_sem_s becomes the co-runner ratio's stderr (sem / its time
    alone), a trace column only where recorded, and validate's noise floor; earlier runs' traces keep
    their columns (no stderr)."""
    mit = collect("make_interference_traces")
    monkeypatch.setattr(mit, "TRACES", tmp_path)
    raw = _probe_run_with_sem(tmp_path, {0: 4e-6, 1: float("nan"), 2: 2e-6, 3: 3e-6})
    rows = mit.grid_rows("h200/probe_sem", "h200", "probe", "held-out")
    ratios = [r for r in rows if r["metric"] == "corunner_time_ratio"]
    assert len(ratios) == 4 and all("stderr" not in r for r in rows if r["metric"] == "decode_time_ratio")
    assert float(ratios[0]["stderr"]) == pytest.approx(4e-6 / float(raw[0]["corunner_alone_s"]), rel=1e-3)
    assert "stderr" not in ratios[1]  # NaN: fewer than two groups inside the window
    for r in rows:  # the scenario by its absolute path: the trace is not under validation/traces/
        r["scenario"] = str(DEFAULT)
    mit.write(str(tmp_path / "sem.csv"), rows)
    assert open(tmp_path / "sem.csv").readline().rstrip().endswith(",source,stderr")
    points = read_trace(tmp_path / "sem.csv")
    carried = [p for p in points if p.stderr is not None]
    assert len(carried) == 3 and all(p.metric == "corunner_time_ratio" for p in carried)
    (row,) = [s for s in summary(predict_all(carried))]
    expected = NORMAL_MAD * 100 * sum(p.stderr / p.value for p in carried) / 3
    assert row["noise_pct"] == pytest.approx(expected) and row["noise_points"] == 3
    mit.write(str(tmp_path / "old.csv"), [{**rows[0], "scenario": str(DEFAULT)}])
    assert open(tmp_path / "old.csv").readline().rstrip().endswith(",source")


def test_noise_floor_by_hand():
    """Two ratios, 2.0 with a standard error of 0.1 and 1.25 with 0.05 (5% and 4%): a model exact
    at their expected values is off by sqrt(2/pi) x 4.5% = 3.590% on average; a point without one
    counts in the MAPE, not in the floor."""
    points = read_trace(ROOT / "validation/traces/h200_probe_points2_interference.csv")
    ratio = next(p for p in points if p.metric == "corunner_time_ratio")
    preds = [Prediction(replace(ratio, value=2.0, stderr=0.1), 2.0), Prediction(replace(ratio, value=1.25, stderr=0.05), 1.0),
             Prediction(replace(ratio, value=1.5), 1.5)]
    (row,) = summary(preds)
    assert row["noise_pct"] == pytest.approx(math.sqrt(2 / math.pi) * 4.5) and row["noise_points"] == 2
    assert row["mape_pct"] == pytest.approx(20.0 / 3)
    assert "noise_pct" not in summary(preds[2:])[0]


def test_a_bad_stderr_is_refused(tmp_path):
    """A negative or non-numeric standard error: the file, the row and the column, never a traceback."""
    row = next(csv.DictReader(open(ROOT / "validation/traces/h200_copy.csv")))
    for bad in ("-0.5", "fast", "inf"):
        path = tmp_path / "t.csv"
        with open(path, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=[*row, "stderr"])
            writer.writeheader()
            writer.writerow({**row, "scenario": str(DEFAULT), "stderr": bad})
        with pytest.raises(SpecError) as err:
            read_trace(path)
        assert err.value.line == 2 and err.value.path == ("stderr",), str(err.value)
        assert f"expected a non-negative finite standard error in GB/s, got '{bad}'" in str(err.value)


def test_validate_prints_the_floor_only_where_a_point_carries_a_standard_error():
    """The family table gains a noise-floor column (value and points) only when some point has a
    standard error; a trace without one prints as before."""
    from nicmodel.output.explain import report_text
    ratio = next(p for p in read_trace(ROOT / "validation/traces/h200_probe_points2_interference.csv")
                 if p.metric == "corunner_time_ratio")
    plain = [Prediction(replace(ratio, value=2.0), 2.2)]
    noisy = [Prediction(replace(ratio, value=2.0, stderr=0.1), 2.2)]
    assert "noise floor" not in report_text(plain, [])
    text = report_text(noisy, [])
    assert "| noise floor" in text and f"{NORMAL_MAD * 5:.2f}% (1)" in text and "sqrt(2/pi)" in text
