"""Hand-computed cases on tests/fixtures/two_stage.yaml.

kv bytes/token = 2 x 1 layer x 1 head x 512 x 2 B = 2048 B; chunk = 100 tokens = 204,800 B;
prefix 1000 tokens = 10 chunks. Per chunk: network 204800 B at 1 GB/s = 204.8 us; Arm 2 cores
at 1 GHz and 1 cycle/B = 102.4 us; NIC memory write + read 2 x 204800 B at 4 GB/s = 102.4 us
(51.2 us each); DMA engine 204800 B at 5 GB/s = 40.96 us; PCIe 8 GT/s x 8 = 8 GB/s -> 25.6 us.
"""

import pytest

from nicmodel import evaluate_file

from conftest import TWO_STAGE

C = 204_800


def test_network_bound():
    r = evaluate_file(TWO_STAGE)
    assert r["bottleneck"] == "network"
    assert r["throughput_gbps"] == pytest.approx(8.0)
    assert r["kv_throughput_gbps"] == pytest.approx(8.0)
    # fill: fetch alone 204.8 us (network) + dma alone 51.2 us (NIC memory read); then 9 periods
    assert r["fetch_latency_s"] == pytest.approx(204.8e-6 + 51.2e-6 + 9 * 204.8e-6)
    assert r["resources"]["nic.memory"] == pytest.approx(102.4 / 204.8)
    assert r["resources"]["nic.arm[fetch]"] == pytest.approx(0.5)
    assert r["resources"]["nic.dma"] == pytest.approx(40.96 / 204.8)
    assert r["resources"]["nic.pcie"] == pytest.approx(25.6 / 204.8)
    assert r["nic_memory_peak_bytes"] == pytest.approx(8 * C)  # 8 slots x the fetch buffer
    assert r["gpu_staging_bytes"] == 0  # the DMA writes the final destination


def test_dram_bound():
    r = evaluate_file(TWO_STAGE, ["network.bandwidth=80Gbps", "design.stages.fetch.cores=4"])
    assert r["bottleneck"] == "nic.memory"
    # 2 x 204800 B per chunk at 4 GB/s -> 102.4 us per chunk -> 2 GB/s of data = 16 Gbps
    assert r["throughput_gbps"] == pytest.approx(16.0)
    assert r["resources"]["nic.arm[fetch]"] == pytest.approx(51.2 / 102.4)
    assert r["resources"]["network"] == pytest.approx(20.48 / 102.4)


def test_arm_bound_with_per_chunk_cost():
    r = evaluate_file(TWO_STAGE, ["network.bandwidth=80Gbps", "nic.arm.costs.network_fetch.per_chunk=50us"])
    # Arm: 50 us + 102.4 us = 152.4 us per chunk beats NIC memory's 102.4 us
    assert r["bottleneck"] == "nic.arm[fetch]"
    assert r["throughput_gbps"] == pytest.approx(C * 8 / 152.4e-6 / 1e9)


def test_naive_is_sum_of_whole_object_stage_times():
    r = evaluate_file(TWO_STAGE, ["design.chunk_tokens=naive"])
    obj = 10 * C
    t_fetch = obj / 1e9  # network-bound
    t_dma = obj / 4e9  # NIC memory read
    assert r["fetch_latency_s"] == pytest.approx(t_fetch + t_dma)
    assert r["bottleneck"] == "buffers"  # one object in flight: rate = object / latency
    assert r["throughput_gbps"] == pytest.approx(obj * 8 / (t_fetch + t_dma) / 1e9)
    assert r["nic_memory_peak_bytes"] == pytest.approx(obj)


def test_too_few_buffers_stall_the_pipeline():
    r = evaluate_file(TWO_STAGE, ["design.buffers_in_flight=1"])
    # one slot: each chunk must traverse both stages (256 us) before the next can start
    assert r["bottleneck"] == "buffers"
    assert r["throughput_gbps"] == pytest.approx(C * 8 / 256e-6 / 1e9)


def test_rtt_adds_once():
    base = evaluate_file(TWO_STAGE)["fetch_latency_s"]
    assert evaluate_file(TWO_STAGE, ["network.rtt=100us"])["fetch_latency_s"] == pytest.approx(base + 100e-6)
