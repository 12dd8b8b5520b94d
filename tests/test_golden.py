"""Golden design table of the bundled default. A change here is a change in the model's
answers: review it, then regenerate with the command in REGENERATE and commit."""

import csv
import io

import pytest

from nicmodel.cli import main

from conftest import DEFAULT, ROOT

GOLDEN = ROOT / "tests" / "golden" / "shadowserve_table.csv"
AXES = ["--vary", "network.bandwidth=5Gbps,10Gbps,20Gbps,40Gbps,100Gbps",
        "--vary", "design.chunk_tokens=64,256,1024,naive"]
REGENERATE = f"nicmodel table pipelines/shadowserve.yaml {' '.join(AXES)} --format csv -o {GOLDEN.relative_to(ROOT)}"


def test_default_design_table_matches_golden(capsys):
    assert main(["table", str(DEFAULT), *AXES, "--format", "csv"]) == 0
    got = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    want = list(csv.DictReader(GOLDEN.open()))
    assert len(got) == len(want) == 20
    for g, w in zip(got, want):
        assert g.keys() == w.keys()
        for key in w:
            try:
                assert float(g[key]) == pytest.approx(float(w[key]), rel=1e-6), (key, REGENERATE)
            except ValueError:
                assert g[key] == w[key], (key, REGENERATE)


def test_golden_shows_the_regimes():
    rows = list(csv.DictReader(GOLDEN.open()))
    by = {(r["network.bandwidth"], r["design.chunk_tokens"]): r for r in rows}
    assert by[("10Gbps", "256")]["bottleneck"] == "network"
    assert by[("40Gbps", "256")]["bottleneck"] == "nic.memory"
    assert float(by[("100Gbps", "256")]["throughput_gbps"]) == pytest.approx(20.6, abs=0.01)
    for bw in ("5Gbps", "10Gbps", "20Gbps", "40Gbps", "100Gbps"):  # chunking beats naive at every rate
        assert float(by[(bw, "256")]["fetch_latency_ms"]) < float(by[(bw, "naive")]["fetch_latency_ms"])
        assert float(by[(bw, "256")]["nic_memory_mib"]) < float(by[(bw, "naive")]["nic_memory_mib"])
