"""The simulator: closed forms, agreement with the analytical model, policies, outputs."""

import json

import pytest

import nicmodel
from nicmodel.api import simulate
from nicmodel.cli import main
from nicmodel.engines.sim import RequestSpec
from nicmodel.engines.sim.report import chrome_trace, stage_records_csv
from nicmodel.spec.requests import poisson

from conftest import COPYING, DEFAULT, NAIVE, TWO_STAGE


def sim(path, overrides=(), requests=1, policy="fifo", record=False):
    return simulate(nicmodel.load(path, list(overrides)), requests, policy, record=record)


def test_two_stage_closed_form_latency_and_throughput():
    # network-bound: a request's chunks arrive in order every 204.8 us (one connection), and the
    # last then needs its 51.2 us DMA; with 1 fetch core the Arm time equals the network time
    for cores in ("1", "2"):
        summary, _ = sim(TWO_STAGE, [f"design.stages.fetch.cores={cores}"])
        assert summary["latency_s"]["max"] == pytest.approx(10 * 204.8e-6 + 51.2e-6, rel=1e-6)
        assert summary["latency_s"]["max"] == pytest.approx(summary["analytical"]["fetch_latency_s"], rel=1e-6)
    summary, _ = sim(TWO_STAGE, requests=20)
    assert summary["throughput_gbps"] == pytest.approx(8.0, rel=1e-3)
    assert summary["bottleneck"] == "network"
    assert summary["nic_memory_peak_bytes"] <= 8 * 204_800


def test_requests_share_the_network_fairly():
    # two requests at once, round-robin slots: each connection gets half the link, so both finish
    # near twice one request's time; the link is never idle, so the last ends when its 20 chunks
    # have crossed it (20 x 204.8 us) plus one DMA
    summary, run = sim(TWO_STAGE, ["design.buffers_in_flight=4"], requests=2, policy="round-robin")
    finish = [(f - a) / run.clock_hz for f, a in zip(run.finish, run.arrival)]
    assert max(finish) == pytest.approx(20 * 204.8e-6 + 51.2e-6, rel=1e-6)
    assert min(finish) > 0.9 * max(finish)


def test_two_stage_single_buffer_serializes_chunks():
    summary, _ = sim(TWO_STAGE, ["design.buffers_in_flight=1"], requests=5)
    # each chunk alone: fetch 204.8 us (network) then DMA 51.2 us (NIC memory read)
    assert summary["throughput_gbps"] == pytest.approx(204_800 * 8 / 256e-6 / 1e9, rel=1e-3)
    assert summary["bottleneck"] == "buffers"
    assert summary["nic_memory_peak_bytes"] == pytest.approx(204_800)


@pytest.mark.parametrize("path", [DEFAULT, NAIVE, COPYING], ids=lambda p: p.stem)
@pytest.mark.parametrize("rate", ["25Gbps", "100Gbps", "10Gbps"])
def test_bundled_designs_agree_with_analytical(path, rate):
    overrides = [f"network.bandwidth={rate}"]
    one, _ = sim(path, overrides)
    assert one["latency_s"]["max"] == pytest.approx(one["analytical"]["fetch_latency_s"], rel=0.05)
    many, _ = sim(path, overrides, requests=60)
    assert many["throughput_gbps"] == pytest.approx(many["analytical"]["throughput_gbps"], rel=0.02)
    assert many["bottleneck"] == many["analytical"]["bottleneck"]


def test_fifo_and_round_robin():
    def latencies(policy):
        _, run = sim(DEFAULT, requests=2, policy=policy)
        return [(f - a) / run.clock_hz for f, a in zip(run.finish, run.arrival)]

    fifo, rr = latencies("fifo"), latencies("round-robin")
    # FIFO serves request 0's chunks first: it finishes in about one request's time, request 1 in two
    assert fifo[0] < 0.6 * fifo[1]
    # round-robin alternates slots: both requests finish near the end of the pair's makespan
    assert min(rr) > 0.85 * max(rr)
    assert rr[0] > fifo[0] and max(rr) == pytest.approx(max(fifo), rel=0.02)


def test_deterministic_and_seeded():
    scenario = nicmodel.load(DEFAULT)
    a, _ = simulate(scenario, poisson(20, 5.0, 10_000, seed=3))
    b, _ = simulate(scenario, poisson(20, 5.0, 10_000, seed=3))
    c, _ = simulate(scenario, poisson(20, 5.0, 10_000, seed=4))
    assert a["latency_s"] == b["latency_s"] and a["events"] == b["events"]
    assert a["latency_s"] != c["latency_s"]


def test_queueing_raises_the_tail():
    light, _ = simulate(nicmodel.load(DEFAULT), poisson(40, 1.0, 10_000, seed=0))
    heavy, _ = simulate(nicmodel.load(DEFAULT), poisson(40, 20.0, 10_000, seed=0))
    assert light["latency_s"]["p50"] == pytest.approx(light["analytical"]["fetch_latency_s"], rel=0.05)
    assert heavy["latency_s"]["p99"] > 3 * light["latency_s"]["p99"]


def test_stage_csv_and_chrome_trace():
    summary, run = sim(DEFAULT, requests=2, record=True)
    lines = stage_records_csv(run).splitlines()
    assert lines[0] == "request,chunk,stage,resource,ready_s,start_s,exec_end_s,end_s"
    assert len(lines) - 1 == summary["chunks"] * 5
    for line in lines[1:]:
        ready, start, exec_end, end = map(float, line.split(",")[4:])
        assert ready <= start <= exec_end <= end
    trace = chrome_trace(run)
    json.dumps(trace)
    names = {e["args"]["name"] for e in trace["traceEvents"] if e["ph"] == "M" and e["name"] == "thread_name"}
    assert {"nic.arm[fetch]", "nic.decompress", "nic.arm[dequantize]", "nic.dma", "gpu.sm"} <= {
        n.split(" #")[0] for n in names}
    slices = [e for e in trace["traceEvents"] if e["ph"] == "X"]
    assert len(slices) == summary["chunks"] * 5
    # slices on one track never overlap (Perfetto needs nested or disjoint slices)
    by_track = {}
    for e in slices:
        by_track.setdefault((e["pid"], e["tid"]), []).append((e["ts"], e["ts"] + e["dur"]))
    for spans in by_track.values():
        spans.sort()
        assert all(b[0] >= a[1] - 1e-9 for a, b in zip(spans, spans[1:]))
    assert any(e["ph"] == "C" and e["name"] == "nic.memory transfers" for e in trace["traceEvents"])


def test_cli_simulate(tmp_path, capsys):
    csv_out, trace_out = tmp_path / "stages.csv", tmp_path / "run.json"
    code = main(["simulate", str(DEFAULT), "--requests", "3", "--rate", "5", "--seed", "1", "--format", "json",
                 "--stages-csv", str(csv_out), "--trace-out", str(trace_out)])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert set(summary["latency_s"]) == {"mean", "p50", "p99", "max"}
    assert summary["requests"] == 3 and csv_out.exists() and json.loads(trace_out.read_text())["traceEvents"]
    trace = tmp_path / "t.jsonl"
    trace.write_text('{"timestamp": 0, "input_length": 3000, "hash_ids": [1, 2, 3, 4]}\n'
                     '{"timestamp": 5.5, "prefix_tokens": 700}\n')
    assert main(["simulate", str(DEFAULT), "--trace", str(trace), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    # 4 blocks x 512 = 2048 tokens (under input_length 3000) = 8 chunks; 700 tokens = 256 + 256 + 188
    assert summary["requests"] == 2 and summary["chunks"] == 8 + 3


@pytest.mark.parametrize(
    "content, words",
    [
        ('{"timestamp": "x", "input_length": 5}\n', ":1: timestamp: expected a non-negative number"),
        ('{"timestamp": 1}\n', ":1: a request needs prefix_tokens, hash_ids or input_length"),
        ('{"timestamp": 1, "input_length": 5}\nnot json\n', ":2: not valid JSON"),
        ('{"timestamp": 1, "prefix_tokens": -3}\n', ":1: prefix_tokens: expected a positive whole number"),
    ],
)
def test_trace_errors(tmp_path, capsys, content, words):
    trace = tmp_path / "bad.jsonl"
    trace.write_text(content)
    assert main(["simulate", str(DEFAULT), "--trace", str(trace)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"{trace}{words}" in err


def test_cli_simulate_bad_arguments(capsys):
    assert main(["simulate", str(DEFAULT), "--requests", "0"]) == 2
    assert "--requests: expected 1..10,000,000, got 0" in capsys.readouterr().err
    assert main(["simulate", str(DEFAULT), "--requests", "2", "--rate", "0"]) == 2
    assert "--rate: expected requests per second between 1e-06 and 1e+09" in capsys.readouterr().err
    # the Python API applies the same rules (nicmodel.limits)
    from nicmodel.errors import SpecError
    with pytest.raises(SpecError, match="--rate"):
        nicmodel.api.simulate_file(DEFAULT, requests=2, rate=0.0)


def test_request_spec_partial_chunks():
    _, run = sim(DEFAULT, requests=[RequestSpec(0.0, 1000)])
    assert len(run.chunk_done) == 4  # 3 x 256 + 232
