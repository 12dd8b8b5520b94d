"""--uncertainty: seeded draws over provenance ranges, quantiles that follow the model exactly
where it is linear, paired comparisons, and intervals on every table row."""

import json

import numpy as np
import pytest

from nicmodel import load
from nicmodel.api import design_table_uncertainty, uncertainty_of
from nicmodel.cli import main
from nicmodel.engines.analytical import evaluate
from nicmodel.engines.plan import compile_scenario
from nicmodel.planning.uncertainty import draws, paired_win, point
from nicmodel.planning.sensitivity import Uncertain

from conftest import DEFAULT


def test_same_seed_same_answer_and_shared_numbers_share_draws():
    s = load(DEFAULT)
    a, b = uncertainty_of(s, 200, seed=3), uncertainty_of(s, 200, seed=3)
    assert a["outputs"] == b["outputs"]
    u = [Uncertain("network.rtt", "assumed", 10e-6, 200e-6, False)]
    assert np.array_equal(draws(u, 50, 1)["network.rtt"], draws(u, 50, 1)["network.rtt"])
    assert not np.array_equal(draws(u, 50, 1)["network.rtt"], draws(u, 50, 2)["network.rtt"])


def test_quantiles_follow_a_linear_model_exactly():
    # BF3 on a 100 Gbps link is NIC-memory-bound for DRAM bandwidths of 20-30 GB/s: throughput is
    # proportional to that bandwidth, so its quantiles are the model at the draws' quantiles
    s = load(DEFAULT, ["network.bandwidth=100Gbps"])
    plan, params = compile_scenario(s)
    numbers = [Uncertain("nic.memory.sustained_bandwidth", "fitted", 20e9, 30e9, False)]
    u = point(plan, params, numbers, 400, seed=0)
    bw = draws(numbers, 400, 0)["nic.memory.sustained_bandwidth"]
    for q, name in ((5, "p5"), (50, "p50"), (95, "p95")):
        at = evaluate(plan, {**params, "nic.memory.sustained_bandwidth": np.percentile(bw, q)})
        assert u["outputs"]["throughput"][name] == pytest.approx(float(at.network_bytes_per_s) * 8e-9, rel=1e-9)
    assert u["bottleneck_shares"] == {"nic.memory": 1.0}
    assert u["outputs"]["throughput"]["drivers"][0] == {"parameter": "nic.memory.sustained_bandwidth",
                                                         "rank_correlation": 1.0}


def test_paired_wins():
    s = load(DEFAULT, ["network.bandwidth=5Gbps"])
    fast = load(DEFAULT, ["network.bandwidth=100Gbps"])
    a, b = uncertainty_of(s, 300), uncertainty_of(fast, 300)
    assert paired_win(a, a, "fetch_latency", True) == 0.0  # never strictly better than itself
    assert paired_win(b, a, "fetch_latency", True) == 1.0  # 20x the link of a link-bound design: always faster


def test_table_rows_get_intervals():
    t = design_table_uncertainty(DEFAULT, ["network.bandwidth=5Gbps,100Gbps", "design.chunk_tokens=64,naive"],
                                 samples=200)
    assert t.columns[-5:] == ["fetch_latency_ms_p5", "fetch_latency_ms_p95", "kv_throughput_gbps_p5",
                              "kv_throughput_gbps_p95", "draws_invalid"]
    for r in t.rows:
        assert r["fetch_latency_ms_p5"] <= r["fetch_latency_ms_p95"]
        assert r["kv_throughput_gbps_p5"] <= r["kv_throughput_gbps_p95"]
    # a network-bound point is pinned by the link: no spread in throughput
    slow = next(r for r in t.rows if r["network.bandwidth"] == "5Gbps" and r["design.chunk_tokens"] == "64")
    assert slow["kv_throughput_gbps_p5"] == slow["kv_throughput_gbps_p95"] == slow["kv_throughput_gbps"]


def test_cli(capsys):
    assert main(["eval", str(DEFAULT), "--uncertainty", "100", "--format", "json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert r["uncertainty"]["samples"] == 100 and "fetch_latency" in r["uncertainty"]["outputs"]
    assert main(["compare", str(DEFAULT), str(DEFAULT), "--uncertainty", "50", "--winner", "none"]) == 0
    assert "paired draws" in capsys.readouterr().out
    assert main(["eval", str(DEFAULT), "--uncertainty", "5"]) == 2  # refused by the argument parser
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
