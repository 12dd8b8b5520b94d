"""Serving: closed forms, monotonicity, control planes, interference, the qualitative regime."""

import json

import pytest

import nicmodel
from nicmodel.api import simulate
from nicmodel.cli import main
from nicmodel.engines.serving.run import max_rate, serve

from conftest import ROOT

P = ROOT / "pipelines"


def load(name, *overrides):
    return nicmodel.load(P / f"{name}.yaml", list(overrides))


def by_hand(scenario):
    """Decode-step and prefill times from the raw spec numbers (L40S, Llama-3-8B)."""
    g, m = scenario.gpu, scenario.model
    weights = (m.parameters.si - m.vocab.si * m.hidden.si) * 2
    kv = 2 * m.layers.si * m.kv_heads.si * m.head_dim.si * 2
    bw = g.memory.peak_bandwidth.si * g.decode_efficiency.si

    def decode(batch, context):
        return g.step_overhead.si + max((weights + batch * context * kv) / bw,
                                        2 * m.parameters.si * batch / g.bf16_dense.si)

    def prefill(tokens, before):
        flops = 2 * m.parameters.si * tokens + 4 * m.layers.si * m.hidden.si * tokens * (before + tokens / 2)
        return g.step_overhead.si + max(flops / (g.bf16_dense.si * g.prefill_efficiency.si),
                                        (weights + (before + tokens) * kv) / bw)
    return decode, prefill


def test_recompute_single_request_closed_form():
    s = load("recompute")
    decode, prefill = by_hand(s)
    prefix, out = int(s.request.prefix_tokens.si), int(s.serving.output_tokens.si)
    result = serve(s, None, 1)
    assert result["unloaded_ttft_s"] == pytest.approx(prefill(prefix + 1, 0), rel=1e-6)
    steps = [decode(1, prefix + 1 + k) for k in range(1, out)]
    assert result["unloaded_tpot_s"] == pytest.approx(sum(steps) / (out - 1), rel=1e-6)


def test_fetch_single_request_is_fetch_plus_one_token_prefill():
    s = load("shadowserve", "network.bandwidth=10Gbps")
    _, prefill = by_hand(s)
    fetch = simulate(s, 1, record=False)[0]["latency_s"]["max"]
    result = serve(s, None, 1)
    # the KV (scatter included) is in GPU memory after the fetch; then the last token is prefilled
    assert result["unloaded_ttft_s"] == pytest.approx(fetch + prefill(1, s.request.prefix_tokens.si), rel=1e-5)


@pytest.mark.parametrize("design", ["shadowserve", "cachegen-async"])
def test_higher_rate_never_lowers_ttft(design):
    s = load(design)
    p50 = [serve(s, rate, 60, seed=1)["loaded"]["ttft_s"]["p50"] for rate in (0.5, 1, 2, 4, 8)]
    assert all(b >= a * (1 - 1e-9) for a, b in zip(p50, p50[1:])), p50


def test_sync_control_plane_stalls_the_batch():
    s = load("shadowserve")
    asynchronous = serve(s, 4.0, 60, seed=2, control="async")["loaded"]
    synchronous = serve(s, 4.0, 60, seed=2, control="sync")["loaded"]
    assert synchronous["tpot_s"]["p99"] > 1.5 * asynchronous["tpot_s"]["p99"]
    assert synchronous["ttft_s"]["mean"] > asynchronous["ttft_s"]["mean"]


def test_gpu_decode_interferes_more_than_the_smartnic():
    """On the default GPU (an L40S) at 3 requests/s the SmartNIC design's only GPU kernel, its scatter,
    costs decode 6.5% of its time: its launches wait out the L40S's long weight GEMMs at their turn (5.6x
    the H200's; docs/serving.md, The turn wait in GEMM lengths), 3.7% with the H200's seconds pinned, 3.1%
    with the waits not charged (wait_charge 0, its range's low end: docs/serving.md, What a waiting launch
    costs decode); GPU decoding costs it more, 8.9-10.6%."""
    for bandwidth in ("10Gbps", "40Gbps"):
        smartnic = serve(load("shadowserve", f"network.bandwidth={bandwidth}"), 3.0, 60)["loaded"]
        gpu_decode = serve(load("cachegen-async", f"network.bandwidth={bandwidth}"), 3.0, 60)["loaded"]
        pinned = serve(load("shadowserve", f"network.bandwidth={bandwidth}", "gpu.interference.launch_wait=6.63354us"),
                       3.0, 60)["loaded"]
        uncharged = serve(load("shadowserve", f"network.bandwidth={bandwidth}", "gpu.interference.wait_charge=0"),
                          3.0, 60)["loaded"]
        assert pinned["decode_interference_share"] < 0.04
        assert 0.028 < uncharged["decode_interference_share"] < 0.034
        assert pinned["decode_interference_share"] < smartnic["decode_interference_share"] < 0.07
        assert gpu_decode["decode_interference_share"] > 0.08
        assert gpu_decode["tpot_s"]["p99"] > smartnic["tpot_s"]["p99"]


def test_both_serving_models_charge_the_waits_alike():
    """wait_charge reaches decode's loss in the simulator (its busy cycles carry the stretch) and in the
    analytical model (the stretch it charges the loss with) alike: on the L40S at 40 Gbps and 3 requests/s
    the SmartNIC design's decode-interference share is 5.5% analytically and 4.8-5.4% simulated (200
    requests, seeds 0-1) charged, 3.5% and 3.0-3.3% not (7.1% and 3.4% analytically before the turn wait grew
    sub-linearly with the L40S's long GEMMs, docs/serving.md, The crawl beside long GEMMs); here one seed."""
    from nicmodel.engines.serving import analytic
    for charge, low, high in (("1", 0.045, 0.065), ("0", 0.028, 0.038)):
        s = load("shadowserve", "network.bandwidth=40Gbps", f"gpu.interference.wait_charge={charge}")
        analytical = analytic.serve(s, 3.0)["loaded"]["decode_interference_share"]
        simulated = serve(s, 3.0, 200, seed=0)["loaded"]["decode_interference_share"]
        assert low < analytical < high and low < simulated < high, (charge, analytical, simulated)
        assert simulated == pytest.approx(analytical, rel=0.15)


def test_qualitative_regime_with_equal_compression():
    """With the same lossless ratio for both codecs (the paper's ratios are unknown; see README):
    below the NIC ceiling both are network-bound and tie on TTFT while the SmartNIC keeps the
    lower TPOT; above it GPU decode wins TTFT."""
    ratio = f"codec.lossless_ratio={load('shadowserve').codec.lossless_ratio.si}"
    for bandwidth, gpu_faster in (("10Gbps", False), ("40Gbps", True), ("100Gbps", True)):
        ss = serve(load("shadowserve", f"network.bandwidth={bandwidth}"), 3.0, 60)
        cg = serve(load("cachegen-async", f"network.bandwidth={bandwidth}", ratio), 3.0, 60)
        if gpu_faster:
            assert cg["unloaded_ttft_s"] < 0.8 * ss["unloaded_ttft_s"]
        else:
            assert cg["unloaded_ttft_s"] == pytest.approx(ss["unloaded_ttft_s"], rel=0.05)
        assert ss["loaded"]["tpot_s"]["p99"] < cg["loaded"]["tpot_s"]["p99"]


def test_slo_search_brackets_the_rate():
    s = load("shadowserve")
    found = max_rate(s, 60, seed=0)["max_rate_per_s"]
    assert found > 1
    assert serve(s, found, 60, seed=0)["meets_slo"]
    assert not serve(s, found * 1.5, 60, seed=0)["meets_slo"]


def test_serve_cli(capsys):
    assert main(["serve", str(P / "shadowserve.yaml"), "--rate", "2", "--requests", "30", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result["loaded"]["ttft_s"]) == {"mean", "p50", "p99", "max"} and result["unloaded_ttft_s"] > 0
    assert main(["serve", str(P / "shadowserve.yaml"), str(P / "recompute.yaml"), "--bandwidths", "5Gbps,100Gbps",
                 "--requests", "20", "--rate", "1", "--format", "csv"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    assert len(rows) == 5 and rows[0].startswith("design,link,unloaded TTFT")
    assert main(["serve", str(P / "shadowserve.yaml"), "--bandwidths", "5Gbsp"]) == 2
    assert "unknown unit 'Gbsp'" in capsys.readouterr().err
    assert main(["serve", str(P / "shadowserve-naive.yaml")]) == 2
    assert "no `serving:` section" in capsys.readouterr().err


def test_recompute_has_no_data_plane(capsys):
    assert main(["eval", str(P / "recompute.yaml")]) == 2
    assert "recompute" in capsys.readouterr().err


def test_serve_from_a_mooncake_shaped_trace(capsys, tmp_path):
    trace = tmp_path / "t.jsonl"
    trace.write_text('{"timestamp": 0, "input_length": 9000, "output_length": 8, "hash_ids": [1, 2, 3, 4]}\n'
                     '{"timestamp": 250, "input_length": 3000, "output_length": 16, "hash_ids": [5, 6]}\n')
    assert main(["serve", str(P / "shadowserve.yaml"), "--trace", str(trace), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["loaded"]["requests"] == 2
    # request 1: 4 blocks x 512 = 2048-token prefix fetched, then 6952 new tokens prefilled on the
    # GPU; the same trace with no new tokens beyond the prefix must have a shorter first token
    short = tmp_path / "s.jsonl"
    short.write_text('{"timestamp": 0, "input_length": 2048, "output_length": 8, "hash_ids": [1, 2, 3, 4]}\n'
                     '{"timestamp": 250, "input_length": 1024, "output_length": 16, "hash_ids": [5, 6]}\n')
    assert main(["serve", str(P / "shadowserve.yaml"), "--trace", str(short), "--format", "json"]) == 0
    baseline = json.loads(capsys.readouterr().out)
    s = load("shadowserve")
    _, prefill = by_hand(s)
    extra = prefill(6952, 2048) - prefill(1, 2048)
    assert result["loaded"]["ttft_s"]["max"] - baseline["loaded"]["ttft_s"]["max"] == pytest.approx(extra, rel=0.05)
    trace.write_text('{"timestamp": 0, "input_length": 9000, "output_length": 0}\n')
    assert main(["serve", str(P / "shadowserve.yaml"), "--trace", str(trace)]) == 2
    assert ":1: output_length: expected a positive whole number" in capsys.readouterr().err


def test_gemms_outside_the_checked_lengths_are_flagged_unvalidated():
    """The turn wait's form and the data-plane co-runners were checked beside decode's weight GEMMs of
    25-37 us (an 8B's on the H200 and H100: 25.4 and 36.3 us by the model); an 8B's on the A100 (60 us) or
    the L40S (141 us) is outside, where the GEMM ladder measured launches waiting 0.26-0.65 of the wait: both
    models say so. Within it nothing is said, nor for a design with no GPU kernel."""
    from nicmodel.engines.serving import analytic
    assert analytic.serve(load("cachegen-async", "gpu=h100-sxm"), 1.0)["validity"] == []
    long = analytic.serve(load("cachegen-async", "gpu=a100-80g"), 1.0)["validity"]
    assert len(long) == 1 and "GEMMs here average 60 us" in long[0] and "outside the 25-37 us" in long[0]
    assert serve(load("cachegen-async", "gpu=a100-80g"), 1.0, 5)["validity"] == long
    assert "average 141 us" in analytic.serve(load("shadowserve", "gpu=l40s"), 1.0)["validity"][0]
    assert "extrapolated" not in analytic.serve(load("shadowserve", "gpu=l40s"), 1.0)["validity"][0]
    # and what the graph turn and the tile tail's rounds (2026-12-07) leave there: a graph launch's fitted share, the
    # short units from Python over-charged beside the 405B shape, the 70B's scatter under, roomy GEMMs over
    assert "waits a fitted share of the turn there (graph_turn_share" in long[0]
    assert "up to 66% over the model beside 560-us GEMMs" in long[0] and "the scatter 13-23% under" in long[0]
    assert "over-charged by 15-39%" in long[0]
    # past the longest GEMMs the crawl was fitted beside (many_wave_gemms, 560 us) the note says so: an L4 whose
    # HBM streams 100 GB/s puts an 8B's GEMMs at about 1.2 ms
    slow = ("gpu=l4", "gpu.memory.peak_bandwidth=100GB/s", "gpu.memory.sustained_bandwidth=90GB/s")
    assert "(past the longest, 560 us: the crawl is extrapolated)" in analytic.serve(
        load("cachegen-async", *slow), 0.01)["validity"][0]
    assert analytic.serve(load("recompute", "gpu=l40s"), 1.0)["validity"] == []  # no data-plane kernel


def test_attention_loads_past_the_measured_are_flagged_unvalidated():
    """The grid waits grow with attention's load (its blocks over the SMs' attention slots), fitted
    and checked on the H200 up to gpu.interference.grid_load_measured (2.91, 96 x 4k); both models'
    answers say when the batch that fits puts attention past it. Within it (two waves included), or
    with no data-plane kernel on the GPU, nothing is said."""
    from nicmodel.engines.serving import analytic
    # 64 sequences x 8 KV heads = 512 attention blocks (no context split past 64 sequence-heads) over
    # an H200's 132 SMs x 2 slots: a load of 1.94, two waves, measured (points8: 64 x 8k)
    within = analytic.serve(load("cachegen-async", "gpu=h200", "serving.max_batch=64"), 1.0)
    assert within["gpu_memory"]["batch_that_fits"] == 64 and within["validity"] == []
    # the largest load measured, 96 x 8 = 768 blocks (2.909), is within it too
    edge = analytic.serve(load("cachegen-async", "gpu=h200", "serving.max_batch=96", "request.prefix_tokens=4000"), 1.0)
    assert edge["gpu_memory"]["batch_that_fits"] == 96 and edge["validity"] == []
    # the same answer had the co-runners been measured only up to a load of 1.5
    past = ("cachegen-async", "gpu=h200", "serving.max_batch=64", "gpu.interference.grid_load_measured=1.5")
    two = analytic.serve(load(*past), 1.0)
    assert len(two["validity"]) == 1 and "2 waves" in two["validity"][0] and "512 blocks" in two["validity"][0]
    assert "1.94x, past the 1.5x" in two["validity"][0]
    assert serve(load(*past), 1.0, 5)["validity"] == two["validity"]
    # the analytical model's co-runner stretch by running batch: at 1.2 the data-plane kernels' time
    # beside decode is 1.2x wherever the grid runs two waves (batch 33-64 at this context), as before elsewhere
    base = analytic.points_of(load("cachegen-async", "gpu=h200", "serving.max_batch=64"))
    more = analytic.points_of(load("cachegen-async", "gpu=h200", "serving.max_batch=64",
                                   "gpu.interference.multiwave_stretch=1.2"))
    chunk = base.gpu_chunk_s
    assert chunk > 0 and more.gpu_stretch_s[63] > base.gpu_stretch_s[63]
    assert more.gpu_stretch_s[63] == pytest.approx(1.2 * (chunk + base.gpu_stretch_s[63]) - chunk)
    assert more.gpu_stretch_s[31] == pytest.approx(base.gpu_stretch_s[31])
    # 32 x 8 = 256 blocks: one wave
    assert analytic.serve(load("cachegen-async", "gpu=h200"), 1.0)["validity"] == []
    assert analytic.serve(load("recompute", "gpu=h200", "serving.max_batch=64"), 1.0)["validity"] == []
