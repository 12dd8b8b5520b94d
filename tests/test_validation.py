"""Validation workflow: trace format errors, validate, calibrate, cross-validation, sensitivity,
and the CI guard on held-out accuracy."""

import json

import pytest
import yaml

import nicmodel
from nicmodel.cli import main
from nicmodel.validation.trace import read_trace
from nicmodel.validation.validate import predict_all, summary

from conftest import DEFAULT, ROOT

# Recorded held-out accuracy (MAPE %, worst |error| %) per reference set. CI fails when the model
# regresses past these; improve the model, then lower them.
HELD_OUT = {
    "validation/reference/public_figures.csv": {"kv_bytes_per_token": (0.01, 0.01),
                                                 "pcie_payload_bandwidth": (0.1, 0.1)},
    "validation/traces/h100_copy.csv": {"h2d_copy_bandwidth": (15.0, 61.0)},
    "validation/reference/bluefield_components.csv": {"network_goodput": (2.0, 3.0), "stage_alone": (26.0, 26.0)},
    "validation/traces/h100_decode.csv": {"decode_step_time": (2.0, 3.0)},
    "validation/traces/h100_interference.csv": {"decode_time_ratio": (3.0, 3.5), "corunner_time_ratio": (2.5, 5.0)},
    "validation/traces/h100_host_contention.csv": {"engine_step_ratio": (27.0, 65.0)},
}


@pytest.mark.parametrize("trace", sorted(HELD_OUT))
def test_held_out_accuracy_does_not_regress(trace):
    stats = {s["metric"]: s for s in summary(predict_all(read_trace(ROOT / trace))) if s["role"] == "held-out"}
    assert set(stats) == set(HELD_OUT[trace])
    for metric, (mape, worst) in HELD_OUT[trace].items():
        assert stats[metric]["mape_pct"] <= mape, (trace, metric, stats[metric])
        assert abs(stats[metric]["worst_pct"]) <= worst, (trace, metric, stats[metric])


def test_bluefield_reference_set_passes_its_tolerances(capsys):
    # the CI gate on the NIC side: every held-out BlueField point within its stated tolerance
    assert main(["validate", str(ROOT / "validation/reference/bluefield_components.csv")]) == 0
    assert "held-out" in capsys.readouterr().out


def test_validate_cli_reports_and_gates(capsys, tmp_path):
    trace = str(ROOT / "validation/traces/h100_decode.csv")
    plot = tmp_path / "decode.png"
    assert main(["validate", trace, "--plot", str(plot)]) == 0
    text = capsys.readouterr().out
    assert "held-out" in text and "fitted" in text and "MAPE" in text and plot.stat().st_size > 10_000
    assert main(["validate", trace, "--tolerance", "0.1"]) == 1  # every held-out point is off by more
    assert "FAILED" in capsys.readouterr().out
    assert main(["validate", trace, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {p["role"] for p in report["points"]} == {"fitted", "held-out"}


def _trace(tmp_path, body, header="scenario,overrides,metric,argument,value,unit,role,source"):
    path = tmp_path / "t.csv"
    path.write_text(header + "\n" + body + "\n")
    return path


@pytest.mark.parametrize(
    "body, words",
    [
        (f"{DEFAULT},,throughput,,20.6,Gbsp,fitted,x", ":2: unit: unknown unit 'Gbsp'"),
        (f"{DEFAULT},,throughput,,20.6,GB,fitted,x", ":2: unit: '20.6 GB' is a size, expected a bandwidth"),
        (f"{DEFAULT},,goodput,,20.6,Gbps,fitted,x", ":2: metric: unknown metric 'goodput'"),
        ("nope.yaml,,throughput,,20.6,Gbps,fitted,x", ":2: scenario: no scenario file 'nope.yaml'"),
        (f"{DEFAULT},,throughput,,20.6,Gbps,maybe,x", ":2: role: expected fitted or held-out"),
        (f"{DEFAULT},,stage_alone,,20.6,Gbps,fitted,x", ":2: argument: metric stage_alone needs an argument"),
        (f"{DEFAULT},,throughput,,,Gbps,fitted,x", ":2: value: required"),
    ],
)
def test_trace_errors_name_file_row_column(capsys, tmp_path, body, words):
    path = _trace(tmp_path, body)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"{path}{words}" in err, err


def test_json_trace_and_unknown_column(capsys, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"points": [{"scenario": str(DEFAULT), "metric": "kv_bytes_per_token",
                                            "value": 131072, "unit": "B", "role": "held-out", "source": "config"}]}))
    assert main(["validate", str(path)]) == 0
    bad = _trace(tmp_path, f"{DEFAULT},throughput,1,Gbps,fitted,x,y", "scenario,metric,value,unit,role,source,colour")
    assert main(["validate", str(bad)]) == 2
    assert ":1: unknown column 'colour'" in capsys.readouterr().err


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
    # NIC memory binds at the default; only a dearer dequantization can take the bottleneck away
    assert oat[0]["parameter"] == "nic.arm.costs.dequantize.cycles_per_byte" and oat[0]["swing"] > 5
    assert sobol[0]["parameter"] == "nic.arm.costs.dequantize.cycles_per_byte" and sobol[0]["total"] > 0.5
    assert all(r["swing"] == 0 for r in oat if r["parameter"].startswith("host."))  # unused by this design
    assert plot.stat().st_size > 5_000
    assert main(["sensitivity", str(DEFAULT), "--set", "network.bandwidth=10Gbps", "--metric", "fetch_latency_s",
                 "--method", "oat"]) == 0
    assert "network.rtt" in capsys.readouterr().out
