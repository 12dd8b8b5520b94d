"""The calibrate and sensitivity commands: a fitted spec written with its cross-validation, several
traces fitted together, unidentifiable parameters reported, large residuals refused, bad input, and
the parameter that matters found."""

import json

import pytest
import yaml

import nicmodel
from nicmodel.cli import main

from conftest import DEFAULT, ROOT


def test_calibrate_writes_a_fitted_spec_and_cross_validates(capsys, tmp_path):
    out = tmp_path / "fitted.yaml"
    trace = ROOT / "validation/traces/h100_copy.csv"
    argv = ["calibrate", str(DEFAULT), str(trace), "--set", "gpu=h100-sxm", "--fit", "gpu.copy_engine.bandwidth",
            "--fit", "gpu.copy_engine.per_job", "--cv", "loo", "-o", str(out)]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "identified" in text and "cross-validation" in text and "held-out points" in text
    fitted = nicmodel.load(out)
    bandwidth = fitted.gpu.copy_engine.bandwidth
    assert bandwidth.kind == "fitted" and "h100_copy.csv" in bandwidth.source and "rows" in bandwidth.fitted_to
    assert bandwidth.si == pytest.approx(55.3554e9, rel=1e-3)
    assert yaml.safe_load(out.read_text())["gpu"]["copy_engine"]["per_job"]["kind"] == "fitted"


def test_calibrate_fits_several_traces_together(capsys, tmp_path):
    """Points split across two traces fit as they do in one, and the written spec names both files
    and each one's rows (wave_spill is fitted on two traces' points: hwspecs/gpus/h200.yaml)."""
    lines = (ROOT / "validation/traces/h100_copy.csv").read_text().splitlines()
    header, rows = lines[0], [r.replace("../../pipelines/shadowserve.yaml", str(DEFAULT)) for r in lines[1:]]
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    fitted, held = [r for r in rows if ",fitted," in r], [r for r in rows if ",fitted," not in r]
    a.write_text("\n".join([header] + fitted[::2] + held) + "\n")
    b.write_text("\n".join([header] + fitted[1::2]) + "\n")
    keys = ["--fit", "gpu.copy_engine.bandwidth", "--fit", "gpu.copy_engine.per_job"]
    out = tmp_path / "fitted.yaml"
    assert main(["calibrate", str(DEFAULT), str(a), str(b), "--set", "gpu=h100-sxm", *keys, "-o", str(out)]) == 0
    bandwidth = nicmodel.load(out).gpu.copy_engine.bandwidth
    assert bandwidth.si == pytest.approx(55.3554e9, rel=1e-3)  # as from the one trace, above
    assert "a.csv" in bandwidth.source and "b.csv" in bandwidth.source
    assert "of a.csv" in bandwidth.fitted_to and "of b.csv" in bandwidth.fitted_to
    capsys.readouterr()
    empty = tmp_path / "none.csv"
    empty.write_text(header + "\n" + rows[0].replace(",fitted,", ",held-out,") + "\n")
    assert main(["calibrate", str(DEFAULT), str(empty), "--set", "gpu=h100-sxm", *keys]) == 2
    assert "no points with role fitted" in capsys.readouterr().err


def test_calibrate_reports_parameters_the_data_cannot_identify(capsys):
    trace = ROOT / "validation/traces/h100_copy.csv"
    # no copy metric depends on the NIC's DRAM: the fit must say so instead of inventing a value
    out = ROOT / "never-written.yaml"
    assert main(["calibrate", str(DEFAULT), str(trace), "--set", "gpu=h100-sxm", "--fit", "gpu.copy_engine.bandwidth",
                 "--fit", "nic.memory.sustained_bandwidth", "-o", str(out)]) == 1  # a fit that cannot be trusted
    text = capsys.readouterr().out
    assert "not identifiable: no fitted point depends on it" in text and "FIT REJECTED" in text
    assert "nothing written" in text and not out.exists()


def test_calibrate_rejects_a_fit_that_leaves_large_residuals(capsys, tmp_path):
    # one parameter (the per-copy cost) cannot explain copy bandwidth from 64 KiB to 256 MiB with the
    # bandwidth held at a wrong value: the residuals stay large and the spec is not written
    trace = ROOT / "validation/traces/h100_copy.csv"
    out = tmp_path / "fitted.yaml"
    argv = ["calibrate", str(DEFAULT), str(trace), "--set", "gpu=h100-sxm", "--set",
            "gpu.copy_engine.bandwidth=40GB/s", "--fit", "gpu.copy_engine.per_job", "-o", str(out)]
    assert main(argv) == 1
    text = capsys.readouterr().out
    assert "FIT REJECTED: row" in text and "beyond its 10% tolerance" in text and not out.exists()
    assert main(argv + ["--force"]) == 1 and out.exists()
    assert "anyway (--force)" in capsys.readouterr().out
    assert main(argv + ["--max-residual", "60"]) == 0


def test_calibrate_errors(capsys):
    trace = str(ROOT / "validation/traces/h100_copy.csv")
    assert main(["calibrate", str(DEFAULT), trace, "--set", "gpu=h100-sxm", "--fit", "gpu.sms"]) == 2
    assert "has no range" in capsys.readouterr().err
    assert main(["calibrate", str(DEFAULT), trace, "--fit", "gpu.nonsense"]) == 2
    assert "no parameter 'gpu.nonsense'" in capsys.readouterr().err


def test_sensitivity_finds_the_parameter_that_matters(capsys, tmp_path):
    plot = tmp_path / "tornado.png"
    assert main(["sensitivity", str(DEFAULT), "--samples", "256", "--format", "json", "--plot", str(plot)]) == 0
    report = json.loads(capsys.readouterr().out)
    oat, sobol = report["one_at_a_time"], report["sobol"]
    # NIC memory binds at the default: its fitted bandwidth leads, then a dearer dequantization (the
    # one assumption that can take the bottleneck away); the workload is never among them
    assert [r["parameter"] for r in oat[:2]] == ["nic.memory.sustained_bandwidth",
                                                 "nic.arm.costs.dequantize.cycles_per_byte"]
    assert oat[0]["kind"] == "fitted" and oat[0]["swing"] > 10 and oat[1]["swing"] > 5
    # the total index is an estimate from 256 samples, which shifts by a few hundredths whenever a ranged
    # parameter is added to the specs (the Saltelli sequence's dimension): 0.50 before latency_beside_attention
    assert {r["parameter"] for r in sobol[:2]} == {r["parameter"] for r in oat[:2]} and sobol[0]["total"] > 0.45
    assert not any(r["parameter"].startswith(("request.", "serving.")) for r in oat)
    assert "never varied" in report["note"]
    assert all(r["swing"] == 0 for r in oat if r["parameter"].startswith("host."))  # unused by this design
    assert plot.stat().st_size > 5_000
    assert main(["sensitivity", str(DEFAULT), "--set", "network.bandwidth=10Gbps", "--metric", "fetch_latency_s",
                 "--method", "oat"]) == 0
    assert "network.rtt" in capsys.readouterr().out
