"""The BlueField-3 calibration round trip (calibration data, not evidence of accuracy)."""

import importlib.util

import pytest

from nicmodel import evaluate_file, load

from conftest import DEFAULT, ROOT

CALIBRATION_SETUP = ["design.stages.fetch.cores=8", "design.stages.dequantize.cores=8", "network.bandwidth=100Gbps"]


def _fit_module():
    path = ROOT / "validation" / "calibration" / "fit_bf3.py"
    spec = importlib.util.spec_from_file_location("fit_bf3", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_spec_holds_the_values_the_fit_produces():
    fitted = _fit_module().fit()
    nic = load(DEFAULT).nic
    assert nic.arm.costs["network_fetch"].cycles_per_byte.si == pytest.approx(
        fitted["nic.arm.costs.network_fetch.cycles_per_byte"], rel=2e-4)
    assert nic.memory.sustained_bandwidth.si == pytest.approx(fitted["nic.memory.sustained_bandwidth"], rel=2e-4)


def test_network_stage_alone_and_full_pipeline():
    r = evaluate_file(DEFAULT, CALIBRATION_SETUP)
    assert r["stages"]["fetch"]["alone_gbps"] == pytest.approx(37.3, abs=0.02)
    assert r["throughput_gbps"] == pytest.approx(20.6, abs=0.02)
    assert r["bottleneck"] == "nic.memory"
    # the engines are not what binds (ShadowServe: "ample")
    assert r["resources"]["nic.decompress"] < 0.5 and r["resources"]["nic.dma"] < 0.5


@pytest.mark.parametrize("rate", ["25Gbps", "40Gbps", "100Gbps", "200Gbps"])
def test_nic_memory_binds_above_the_ceiling_with_auto_partition(rate):
    r = evaluate_file(DEFAULT, [f"network.bandwidth={rate}"])
    assert r["bottleneck"] == "nic.memory"
    assert r["throughput_gbps"] == pytest.approx(20.6, abs=0.02)


def test_network_binds_at_10gbps():
    r = evaluate_file(DEFAULT, ["network.bandwidth=10Gbps"])
    assert r["bottleneck"] == "network"
    assert r["throughput_gbps"] == pytest.approx(10 * 0.949)
