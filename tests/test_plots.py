"""--plot on table, compare, serve, simulate and size writes the image its name asks for."""

import pytest

from nicmodel.cli import main

from conftest import DEFAULT, ROOT

GPU = str(ROOT / "pipelines" / "cachegen-async.yaml")
MAGIC = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}


@pytest.mark.parametrize("argv", [
    ["table", str(DEFAULT), "--vary", "network.bandwidth=5Gbps,25Gbps,100Gbps", "--vary", "design.chunk_tokens=64,naive"],
    ["table", str(DEFAULT), "--vary", "network.bandwidth=" + ",".join(f"{b}Gbps" for b in range(2, 42, 4)),
     "--vary", "design.chunk_tokens=4,16,64,256,1024,2048,4096", "--format", "csv"],
    ["compare", str(DEFAULT), GPU],
    ["serve", str(DEFAULT), GPU, "--rate", "2", "--requests", "20", "--progress", "off"],
    ["serve", str(DEFAULT), GPU, "--rates", "1,3,6", "--requests", "20", "--progress", "off", "--replications", "1"],
    ["simulate", str(DEFAULT), "--requests", "4", "--rate", "5"],
    ["size", str(DEFAULT), "--choose", "nic.arm.cores=4..16", "--choose", "design.chunk_tokens=16,64,256",
     "--target", "kv_throughput>=50Gbps", "--pareto", "fetch_latency,nic_memory"],
], ids=["table-lines", "table-heatmap", "compare", "serve", "serve-curve", "simulate", "size"])
@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_plot_is_written(argv, fmt, tmp_path, capsys):
    out = tmp_path / f"plot.{fmt}"
    assert main(argv + ["--plot", str(out)]) == 0
    assert out.read_bytes().startswith(MAGIC[fmt])
    capsys.readouterr()


def test_bad_plot_name_is_refused_before_work(tmp_path, capsys):
    assert main(["serve", str(DEFAULT), "--requests", "5", "--plot", str(tmp_path / "x.gif")]) == 2
    assert main(["table", str(DEFAULT), "--vary", "design.chunk_tokens=64,256",
                 "--plot", str(tmp_path / "missing" / "x.png")]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 2
