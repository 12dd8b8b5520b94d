"""The baselines as their implementations work (LMCache @54641ca, docs/sources/lmcache.md): a
thread that walks fetch and decode per chunk takes the sum of their times, two threads take the
max; a blocking client with a lookup pays two round trips per chunk; the codec's side tables
add to every chunk's bytes; and the break-even against cases solved by hand."""

import json

import numpy as np
import pytest

import nicmodel
from nicmodel.api import simulate
from nicmodel.planning.breakeven import break_even, parse_knob
from nicmodel.cli import main
from nicmodel.engines.serving.run import serve

from conftest import ROOT

SERIAL = ROOT / "pipelines" / "cachegen-lmcache.yaml"
PIPELINED = ROOT / "pipelines" / "cachegen-lmcache-pipelined.yaml"
IDEAL = ROOT / "pipelines" / "cachegen-async.yaml"
SMARTNIC = ROOT / "pipelines" / "shadowserve.yaml"

# Llama-3-8B, cachegen-ac-lmcache: quantized bytes per token = 1024 channels x (K 10x5 + 22x4 bits
# + V 2x5 + 30x4 bits) / 8 + 2 x 32 layers x 2 B of scales
QUANTIZED = 1024 * (10 * 5 + 22 * 4 + 2 * 5 + 30 * 4) / 8 + 2 * 32 * 2
TABLE = 70 * 2 * 32 * 1024  # side tables per chunk: 70 B per K/V layer and channel
KV = 2 * 32 * 1024 * 2


def test_serial_thread_takes_the_sum_and_two_threads_the_max():
    over = ["network.bandwidth=20Gbps"]
    serial = nicmodel.evaluate_file(SERIAL, over)
    piped = nicmodel.evaluate_file(PIPELINED, over)
    d = serial["resource_detail"]
    net = nicmodel.load(SERIAL, over).network
    rtt, per_request = net.rtt.si, net.transport.per_request.si
    two_round_trips = 2 * (rtt + per_request)
    fetch = d["host.cpu[fetch]"]["busy_s_per_chunk"]
    deser = d["host.cpu[deserialize]"]["busy_s_per_chunk"]
    decode_and_dequant = (d["gpu.sm"]["busy_s_per_chunk"]
                          - 2 * (5e-6 + 2 * 256 * KV / float(nicmodel.load(SERIAL, over).gpu.memory.sustained_bandwidth.si)))
    walk = fetch + deser + decode_and_dequant
    # one thread: requests, fetch, unpickle, decode and dequantize of a chunk in a row
    assert d["thread:retrieve"]["busy_s_per_chunk"] == pytest.approx(two_round_trips + walk, rel=1e-3)
    # two threads: the period is the slower of (requests + fetch) and (unpickle + decode + dequantize)
    p = piped["resource_detail"]
    assert p["thread:network"]["busy_s_per_chunk"] == pytest.approx(two_round_trips + fetch, rel=1e-6)
    assert p["thread:deserialize"]["busy_s_per_chunk"] == pytest.approx(deser + decode_and_dequant, rel=1e-3)
    slower = max(two_round_trips + fetch, deser + decode_and_dequant)
    assert piped["throughput_gbps"] * 1e9 / 8 == pytest.approx((256 * QUANTIZED / 1.267 + TABLE) / slower, rel=1e-3)
    assert serial["throughput_gbps"] < piped["throughput_gbps"]


def test_side_tables_and_stage_costs_by_hand():
    r = nicmodel.evaluate_file(SERIAL, ["network.bandwidth=20Gbps"])
    comp = 256 * QUANTIZED / 1.267 + TABLE
    assert r["chunk"]["bytes"]["compressed"] == pytest.approx(comp, rel=1e-12)
    d = r["resource_detail"]
    assert d["host.cpu[deserialize]"]["busy_s_per_chunk"] == pytest.approx(314e-6 + comp * 0.826 / 2.0e9, rel=1e-9)
    # the fetch cores: per_chunk + bytes x cycles/byte / clock
    assert d["host.cpu[fetch]"]["busy_s_per_chunk"] == pytest.approx(5e-6 + comp * 1.0 / 2.0e9, rel=1e-9)


def test_simulator_agrees_with_the_threads():
    for path in (SERIAL, PIPELINED):
        scn = nicmodel.load(path, ["network.bandwidth=20Gbps"])
        r = nicmodel.evaluate_scenario(scn)
        sim, _ = simulate(scn, 1, record=False)
        assert sim["latency_s"]["mean"] == pytest.approx(r["fetch_latency_s"], rel=0.03)
        many, _ = simulate(scn, 12, record=False)
        assert many["throughput_gbps"] == pytest.approx(r["throughput_gbps"], rel=0.02)


def test_thread_must_be_a_chain(tmp_path, capsys):
    doc = SERIAL.read_text().replace("      after: [dequantize]\n", "      thread: retrieve\n      after: [dequantize]\n", 1)
    # concat now joins the thread; inject does not, so the chain stays valid ...
    bad = SERIAL.read_text().replace("    inject:\n      kind: scatter", "    inject:\n      thread: retrieve\n      kind: scatter")
    path = tmp_path / "bad.yaml"
    path.write_text(bad.replace("name: cachegen-lmcache", "name: bad"))
    (tmp_path / "ok.yaml").write_text(doc)
    assert main(["eval", str(tmp_path / "ok.yaml")]) == 0
    capsys.readouterr()
    assert main(["eval", str(path)]) == 2
    err = capsys.readouterr().err
    assert "thread" in err and "chain" in err and len(err.strip().splitlines()) == 1


def test_unloaded_ttft_matches_the_serving_model():
    scn = nicmodel.load(PIPELINED, ["network.bandwidth=20Gbps"])
    knob = parse_knob("codec.lossless_ratio=1.2..1.3", [scn, scn])
    r = break_even([scn, scn], [knob], "unloaded_ttft_s", points=3)
    assert r["regions"][0]["winner"] == "tie"
    served = serve(scn, None, 1, 0)["unloaded_ttft_s"]
    from nicmodel.planning.breakeven import _sides
    side = _sides([scn], "unloaded_ttft_s")[0]
    assert float(side.metric("unloaded_ttft_s", {})) == pytest.approx(served, rel=0.03)


def test_break_even_of_a_ratio_solved_by_hand():
    # The same design on both sides, one with its codec ratio swept: they tie exactly where the
    # two ratios are equal, and the better ratio wins on each side of it.
    a = nicmodel.load(IDEAL, ["network.bandwidth=10Gbps"])
    b = nicmodel.load(IDEAL, ["network.bandwidth=10Gbps", "codec.lossless_ratio=1.5"])
    knob = parse_knob("1:codec.lossless_ratio=1.0..3.0", [a, b])
    r = break_even([a, b], [knob], "fetch_latency_s", points=41)
    assert r["break_even"] == [pytest.approx(1.5, rel=1e-6)]
    assert [x["winner"] for x in r["regions"]] == [b.name, a.name]


def test_break_even_on_a_network_bound_pair_by_hand():
    # Both network-bound at 10 Gbps: each chunk's wire bytes decide the period. The idealized GPU
    # decode sends 256 x QUANTIZED / ratio per chunk, the SmartNIC design 256 x QUANTIZED / 1.16;
    # with the period the same per byte, they break even at ratio 1.16 (same chunk count) up to
    # the per-chunk fixed latency, which the refined value must stay close to.
    a = nicmodel.load(SMARTNIC, ["network.bandwidth=10Gbps"])
    b = nicmodel.load(IDEAL, ["network.bandwidth=10Gbps"])
    knob = parse_knob("2:codec.lossless_ratio=1.0..2.0", [a, b])
    r = break_even([a, b], [knob], "kv_throughput_gbps", points=101)
    assert len(r["break_even"]) == 1
    assert r["break_even"][0] == pytest.approx(1.16, rel=0.005)
    assert [x["winner"] for x in r["regions"]] == [a.name, b.name]


def test_two_parameter_map_and_cli(tmp_path, capsys):
    plot = tmp_path / "map.png"
    code = main(["compare", str(SMARTNIC), str(IDEAL), "--break-even", "2:codec.lossless_ratio=1.0..3.0",
                 "--break-even", "2:gpu.kernels.decompress.output_rate=2GB/s..50GB/s", "--metric", "unloaded_ttft_s",
                 "--points", "21", "--plot", str(plot), "--format", "json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    r = out[0]
    grid = np.asarray(r["margin"])
    assert grid.shape == (21, 21) and 0 < r["share_design_1_wins"] < 1
    # more decoder rate or a better ratio never helps the SmartNIC design
    assert (np.diff(grid, axis=0) <= 1e-12).all() and (np.diff(grid, axis=1) <= 1e-12).all()
    assert plot.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("knob", ["codec.lossless_ratio=3..1", "3:codec.lossless_ratio=1..2",
                                  "nic.nonexistent=1..2", "codec.lossless_ratio=1..", "gpu.memory.capacity=1..2"])
def test_bad_break_even_is_one_line_exit_2(knob, capsys):
    assert main(["compare", str(SMARTNIC), str(IDEAL), "--break-even", knob]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
