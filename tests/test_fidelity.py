"""Physical fidelity where planners decide: per-chunk requests and their window, refusing setups
the hardware cannot run (cores, NIC memory, GPU memory), overload made visible, and verdicts that
say which assumption flips them. Closed forms are computed by hand from the spec numbers."""

import json

import pytest

import nicmodel
from nicmodel.api import simulate
from nicmodel.cli import main
from nicmodel.engines.overload import load_verdict
from nicmodel.engines.serving.run import serve

from conftest import DEFAULT, ROOT

FETCH_ONLY = ROOT / "validation" / "reference" / "scenarios" / "arm-fetch-only.yaml"


def test_request_window_closed_form():
    # BF3, raw KV fetched by the Arm cores (all 16 on the one Arm stage), 2-token chunks, a window
    # of one outstanding GET and a 200 us round trip: every chunk waits for the previous one.
    over = ["nic=bluefield3", "design.chunk_tokens=2", "network.rtt=200us",
            "network.transport.request_window=1", "network.transport.per_request=0us"]
    r = nicmodel.evaluate_file(FETCH_ONLY, over)
    chunk = 2 * 131072  # bytes of raw Llama-3-8B KV
    executor = 10e-6 + chunk * 3.4106 / (2.0e9 * 16)  # per_chunk + bytes x cycles/byte / (clock x cores)
    network = chunk / (100e9 / 8 * 0.949)
    memory = chunk / 33.8652e9
    fetch = max(executor, network, memory)
    period = 200e-6 + fetch  # round trip, then the chunk arrives; one request open at a time
    assert r["bottleneck"] == "network.requests"
    assert r["resource_detail"]["network.requests"]["busy_s_per_chunk"] == pytest.approx(period, rel=1e-9)
    assert r["throughput_gbps"] == pytest.approx(chunk / period * 8e-9, rel=1e-9)
    dma = max(0.784e-6 + chunk / 30.26e9, chunk / 33.8652e9)  # per_job + bytes / bandwidth, or reading NIC memory
    chunks = 10000 / 2
    latency = 200e-6 + fetch + dma + (chunks - 1) * period  # first byte, first chunk through, then periods
    assert r["fetch_latency_s"] == pytest.approx(latency, rel=1e-6)
    # the simulator runs the same window chunk by chunk
    sim, _ = simulate(nicmodel.load(FETCH_ONLY, over), 1, record=False)
    assert sim["latency_s"]["max"] == pytest.approx(r["fetch_latency_s"], rel=0.01)


@pytest.mark.parametrize("window", [1, 2, 4, 32])
def test_wider_window_never_slower(window):
    over = ["design.chunk_tokens=4", "network.rtt=200us", f"network.transport.request_window={window}"]
    narrow = nicmodel.evaluate_file(DEFAULT, over)
    wide = nicmodel.evaluate_file(DEFAULT, over[:-1] + [f"network.transport.request_window={window * 2}"])
    assert wide["throughput_gbps"] >= narrow["throughput_gbps"] - 1e-9
    assert wide["fetch_latency_s"] <= narrow["fetch_latency_s"] + 1e-12


def test_chunk_size_optimum_is_interior_and_moves_with_assumptions():
    axes = ["design.chunk_tokens=1,2,4,8,16,32,64,128,256,512,1024,4096,16384"]
    over = ["request.prefix_tokens=16384"]
    o = nicmodel.api.table_optimum(DEFAULT, axes, over)
    best = int(o["best"]["design.chunk_tokens"])
    assert 1 < best < 16384
    assert len(o["near_best"]) >= 2  # the optimum is flat, and the report says how flat
    flipped = {f["parameter"]: f for f in o["flips"]}
    # a 50 us per-chunk transport cost makes tiny chunks pay: the best chunk grows
    assert int(flipped["nic.arm.costs.network_fetch.per_chunk"]["best"]["design.chunk_tokens"]) > best
    # one outstanding GET at a time: the round trip per chunk needs larger chunks
    assert int(flipped["network.transport.request_window"]["best"]["design.chunk_tokens"]) > best
    # the patched re-evaluation agrees with an explicit override
    again = nicmodel.api.table_optimum(DEFAULT, axes, over + ["nic.arm.costs.network_fetch.per_chunk=50us"])
    assert again["best"] == flipped["nic.arm.costs.network_fetch.per_chunk"]["best"]


def test_comparison_winner_and_its_flips():
    w = nicmodel.api.compare_winner([DEFAULT, ROOT / "pipelines" / "shadowserve-naive.yaml"], [], "fetch_latency_s")
    assert w["winner"] == "shadowserve" and w["flips"] == [] and w["assumptions_checked"] > 10
    # at 10 Gbps the chunked design wins unless the prefix is short enough; flips name their parameter
    w2 = nicmodel.api.compare_winner([DEFAULT, ROOT / "pipelines" / "cpu-decode.yaml"], ["network.bandwidth=5Gbps"],
                                     "throughput_gbps")
    for f in w2["flips"]:
        assert f["end"] in ("low", "high") and f["winner"] != w2["winner"]


def test_oversubscribed_cores_are_refused(capsys):
    argv = ["eval", str(DEFAULT), "--set", "nic.arm.cores=8", "--set", "design.stages.dequantize.cores=8"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nic.arm has 8 cores but its stages need at least 9" in err
    assert main(["table", str(DEFAULT), "--set", "nic.arm.cores=8", "--format", "json", "--optimum", "none",
                 "--vary", "design.stages.dequantize.cores=7,8"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert rows[0]["cores"] == "dequantize=7 fetch=1"
    assert rows[1]["bottleneck"].startswith("invalid: nic.arm has 8 cores") and rows[1]["cores"] == ""
    assert rows[1]["throughput_gbps"] is None


def test_gpu_memory_plan_by_hand():
    s = nicmodel.load(DEFAULT)
    r = serve(s, None, 2)
    m = r["gpu_memory"]
    usable = 48e9 * 0.9
    weights = 8030261248 * 2
    per_request = (10000 + 1 + 32) * 131072
    assert m["usable_bytes"] == pytest.approx(usable)
    assert m["weight_bytes"] == pytest.approx(weights)
    assert m["kv_bytes_per_request"] == pytest.approx(per_request)
    assert m["batch_that_fits"] == min(32, int((usable - weights - m["staging_bytes"]) // per_request)) == 20


def test_model_that_does_not_fit_is_refused(capsys):
    assert main(["serve", str(DEFAULT), "--set", "model=llama-3-70b", "--requests", "3"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Llama-3-70B does not fit NVIDIA L40S" in err and "141.1 GB" in err
    # 141 GB of bf16 weights exceed even an H200's 127 GB usable; fp8 weights (70.6 GB) fit
    assert main(["serve", str(DEFAULT), "--set", "model=llama-3-70b", "--set", "gpu=h200", "--requests", "3"]) == 1
    capsys.readouterr()
    assert main(["serve", str(DEFAULT), "--set", "model=llama-3-70b", "--set", "gpu=h200",
                 "--set", "model.weight_dtype=fp8", "--requests", "3"]) == 0


def test_overload_verdict_by_hand():
    # 9 requests 1 s apart, served in 0.5 s each: offered 1/s, no growth
    v = load_verdict([float(i) for i in range(9)], [0.5] * 9, 2.0, "test")
    assert v["offered_rate_per_s"] == pytest.approx(1.0) and not v["overloaded"]
    assert v["served_rate_per_s"] == pytest.approx(9 / 8.5)
    # the same arrivals with latencies growing by 1 s per request: the queue grows
    v = load_verdict([float(i) for i in range(9)], [0.5 + i for i in range(9)], 2.0, "test")
    assert v["overloaded"] and "queue grows" in v["overload_reasons"][0]
    # offered above a capacity known up front
    v = load_verdict([i * 0.1 for i in range(9)], [0.5] * 9, 2.0, "analytical")
    assert v["overloaded"] and "exceeds the capacity 2/s" in v["overload_reasons"][0]
    assert load_verdict([0.0] * 5, [1.0] * 5, 2.0)["offered_rate_per_s"] is None  # arriving together


def test_simulate_flags_overload(capsys):
    assert main(["simulate", str(DEFAULT), "--requests", "120", "--rate", "15", "--seed", "1", "--format", "json"]) == 0
    load = json.loads(capsys.readouterr().out)["load"]
    assert load["overloaded"] and load["capacity_per_s"] == pytest.approx(8.68, rel=0.01)
    assert load["served_rate_per_s"] < load["offered_rate_per_s"]
    assert main(["simulate", str(DEFAULT), "--requests", "120", "--rate", "4", "--seed", "1"]) == 0
    text = capsys.readouterr().out
    assert "rates           offered" in text and "OVERLOADED" not in text


def test_serve_table_has_rates_and_slo_columns(capsys):
    assert main(["serve", str(DEFAULT), "--bandwidths", "5Gbps,100Gbps", "--rate", "4", "--requests", "40",
                 "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    header = lines[0].split(",")
    for column in ("offered (req/s)", "served (req/s)", "capacity (req/s)", "meets SLO"):
        assert column in header
    at5 = dict(zip(header, lines[1].split(",")))
    assert at5["meets SLO"] == "OVERLOADED"  # 5 Gbps fetches ~1.6 requests/s, far below 4/s


@pytest.mark.parametrize("size", [4096, 65536, 1 << 20, 256 << 20])
def test_copy_engine_efficiency_curve_by_hand(size):
    # fixed cost + bytes at bandwidth: efficiency s / (s + per_job x bandwidth) (H100 fit)
    from nicmodel.validation.metrics import METRICS, Context
    from nicmodel.engines.plan import compile_scenario

    plan, params = compile_scenario(nicmodel.load(DEFAULT, ["gpu=h100-sxm"]))
    got = METRICS["h2d_copy_bandwidth"].fn(Context(plan, params), f"{size} B")
    want = size / (3.93589e-6 + size / 55.3554e9)
    assert got == pytest.approx(want, rel=1e-6)
    assert got / 55.3554e9 == pytest.approx(size / (size + 3.93589e-6 * 55.3554e9), rel=1e-6)


def test_nic_engine_jobs_pay_fixed_cost_per_chunk():
    # the DMA engine: per_job (0.784 us) overlaps over 8 channels; a 1-token chunk is 128 KiB of KV
    # (BF3's DMA numbers derived from BF2's measured curve: hwspecs/nics/bluefield3.yaml)
    r = nicmodel.evaluate_file(FETCH_ONLY, ["nic=bluefield3", "design.chunk_tokens=1"])
    kv = 131072
    busy = r["resource_detail"]["nic.dma"]["busy_s_per_chunk"]
    assert busy == pytest.approx(max((0.784e-6 + kv / 30.26e9) / 8, kv / 30.26e9), rel=1e-9)
    assert r["stages"]["dma"]["time_alone_s_per_chunk"] >= 0.784e-6 + kv / 30.26e9
    # a tiny chunk rides the request-rate ceiling, 8 / 0.784 us = 10.2 M jobs/s
    tiny = nicmodel.evaluate_file(FETCH_ONLY, ["nic=bluefield3", "design.chunk_tokens=1", "model.head_dim=2"])
    small = 2 * 32 * 8 * 2 * 2  # K and V, 32 layers, 8 KV heads, 2 dims, bf16: 2 KiB
    assert tiny["resource_detail"]["nic.dma"]["busy_s_per_chunk"] == pytest.approx(
        (0.784e-6 + small / 30.26e9) / 8, rel=1e-6)
