"""The CLI end to end, as a planner runs it."""

import csv
import io
import json

import pytest

from nicmodel.cli import main

from conftest import COPYING, DEFAULT, NAIVE

ISSUE_AXES = ["--vary", "network.bandwidth=5Gbps,10Gbps,20Gbps,40Gbps,100Gbps",
              "--vary", "design.chunk_tokens=64,256,1024,naive"]


def out(capsys, argv):
    assert main(argv) == 0
    return capsys.readouterr().out


def test_eval_json_has_the_promised_keys(capsys):
    r = json.loads(out(capsys, ["eval", str(DEFAULT), "--set", "network.bandwidth=40Gbps", "--format", "json"]))
    for key in ("bottleneck", "throughput_gbps", "kv_throughput_gbps", "fetch_latency_s",
                "nic_memory_peak_bytes", "resources"):
        assert key in r
    assert r["bottleneck"] == "nic.memory"
    assert set(r["resources"]) >= {"network", "nic.memory", "nic.decompress", "nic.dma", "nic.pcie", "gpu.memory",
                                   "nic.arm[fetch]", "nic.arm[dequantize]"}
    assert sum(r["cores"].values()) == 16
    # kv delivered / compressed arriving = kv bytes per compressed byte
    per_token = r["request"]["bytes_per_token"]
    assert r["kv_throughput_gbps"] / r["throughput_gbps"] == pytest.approx(per_token["kv"] / per_token["compressed"])


def test_eval_text(capsys):
    text = out(capsys, ["eval", str(DEFAULT)])
    assert "bottleneck      nic.memory" in text and "fetch latency" in text and "NIC memory" in text


def test_table_markdown_csv_json_agree(capsys):
    md = out(capsys, ["table", str(DEFAULT), *ISSUE_AXES])
    rows = list(csv.DictReader(io.StringIO(out(capsys, ["table", str(DEFAULT), *ISSUE_AXES, "--format", "csv"]))))
    js = json.loads(out(capsys, ["table", str(DEFAULT), *ISSUE_AXES, "--format", "json"]))
    table_lines = [line for line in md.splitlines() if line.startswith("|")]
    assert len(rows) == 20 == len(js["rows"]) == len(table_lines) - 2
    assert "optimum (fetch_latency_ms, lowest)" in md and js["optima"][0]["column"] == "fetch_latency_ms"
    assert [r["bottleneck"] for r in rows] == [r["bottleneck"] for r in js["rows"]]
    assert rows[0]["network.bandwidth"] == "5Gbps" and rows[0]["design.chunk_tokens"] == "64"


def test_table_rows_equal_single_evaluations(capsys):
    rows = json.loads(out(capsys, ["table", str(DEFAULT), *ISSUE_AXES, "--format", "json"]))["rows"]
    for row in rows[::3]:
        r = json.loads(out(capsys, ["eval", str(DEFAULT), "--format", "json",
                                    "--set", f"network.bandwidth={row['network.bandwidth']}",
                                    "--set", f"design.chunk_tokens={row['design.chunk_tokens']}"]))
        assert row["bottleneck"] == r["bottleneck"]
        assert row["throughput_gbps"] == pytest.approx(r["throughput_gbps"], abs=1e-4)
        assert row["fetch_latency_ms"] == pytest.approx(r["fetch_latency_s"] * 1e3, abs=1e-4)


def test_structural_axis_is_evaluated_per_structure(capsys):
    rows = json.loads(out(capsys, ["table", str(DEFAULT), "--format", "json",
                                   "--vary", "design.copy_strategy=minimal-copy,copying",
                                   "--vary", "network.bandwidth=10Gbps,100Gbps",
                                   "--set", "design.copy_on=nic.arm"]))["rows"]
    by = {(r["design.copy_strategy"], r["network.bandwidth"]): r for r in rows}
    assert by[("copying", "100Gbps")]["throughput_gbps"] == pytest.approx(
        by[("minimal-copy", "100Gbps")]["throughput_gbps"] / 2, rel=1e-6)  # copies double NIC memory traffic
    assert by[("copying", "10Gbps")]["bottleneck"] == "network"


def test_vary_a_whole_nic(capsys):
    rows = json.loads(out(capsys, ["table", str(DEFAULT), "--format", "json",
                                   "--vary", "nic=bluefield3,bluefield2", "--vary", "network.bandwidth=100Gbps"]))["rows"]
    assert rows[0]["throughput_gbps"] > 2 * rows[1]["throughput_gbps"]  # BF2's single DDR4 channel


def test_compare_ratios(capsys):
    js = json.loads(out(capsys, ["compare", str(DEFAULT), str(NAIVE), str(COPYING), "--format", "json"]))
    thr = [d["throughput_gbps"] for d in js["designs"]]
    assert thr[0] > thr[1] and thr[0] > thr[2]
    md = out(capsys, ["compare", str(DEFAULT), str(NAIVE), str(COPYING)])
    assert "shadowserve-naive / shadowserve" in md and "0.500x" in md


def test_specs_list_and_schema(capsys, tmp_path):
    text = out(capsys, ["specs", "list"])
    for name in ("bluefield3", "bluefield2", "l40s", "h100-sxm", "llama-3-70b", "qwen2.5-32b", "gen3-x8",
                 "shadowserve-naive.yaml"):
        assert name in text
    schema = json.loads(out(capsys, ["schema"]))
    assert schema["properties"]["design"] and "SmartNic" in schema["$defs"]
    assert schema["$defs"]["SmartNic"]["properties"]["memory"]["description"].startswith("On-board DRAM")


def test_output_file_is_written_whole(capsys, tmp_path):
    target = tmp_path / "table.csv"
    assert main(["table", str(DEFAULT), *ISSUE_AXES, "--format", "csv", "-o", str(target)]) == 0
    assert target.read_text().count("\n") == 21
    assert not list(tmp_path.glob(".*tmp"))


def test_design_that_overflows_nic_memory_is_refused(capsys):
    # Llama-3-70B, 128k-token prefix, naive: the whole object at every NIC boundary (~54 GiB)
    argv = ["eval", str(NAIVE), "--set", "model=llama-3-70b", "--set", "request.prefix_tokens=128000"]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "infeasible: nic.memory: in-flight buffers need" in err and "GiB is usable" in err
    assert main(["simulate", *argv[1:]]) == 1 and "nic.memory" in capsys.readouterr().err
    chunked = json.loads(out(capsys, ["eval", str(DEFAULT), "--format", "json", "--set", "model=llama-3-70b",
                                      "--set", "request.prefix_tokens=128000"]))
    assert chunked["fits_nic_memory"] and chunked["warnings"] == []
    rows = json.loads(out(capsys, ["table", str(NAIVE), "--set", "model=llama-3-70b", "--format", "json",
                                   "--vary", "request.prefix_tokens=8000,128000"]))["rows"]
    assert rows[0]["bottleneck"] == "buffers" and rows[1]["bottleneck"].startswith("invalid: nic.memory")
    assert rows[1]["throughput_gbps"] is None


def test_help_imports_no_heavy_library():
    # `nicmodel --help` must not pay for numpy, pydantic, scipy or matplotlib (see bench_startup.py)
    import subprocess
    import sys

    code = ("import sys; from nicmodel.cli import build_parser; build_parser(); "
            "print(sorted(m for m in ('numpy', 'pydantic', 'scipy', 'matplotlib', 'tabulate') if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_eval_imports_only_what_it_uses():
    # `nicmodel eval` pays for the spec, the plan and the analytical model, not for the serving
    # simulator, the results store or the validation machinery (see bench_startup.py)
    import subprocess
    import sys

    code = ("import sys, contextlib, io; from nicmodel.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()): main(['eval', {str(DEFAULT)!r}])\n"
            "print(sorted(m for m in ('nicmodel.engines.serving.engine', 'nicmodel.engines.sim.dataplane', "
            "'nicmodel.store.database', 'nicmodel.validation.predict', 'networkx', 'scipy', 'tabulate') "
            "if m in sys.modules))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]", run.stdout


def test_eval_of_a_cached_scenario_neither_parses_nor_validates(tmp_path):
    # the second `eval` of a scenario reads it from the validated-spec cache (spec/cache.py):
    # no YAML parser, no pydantic validator built, no plugin discovery (importlib.metadata)
    import os
    import subprocess
    import sys

    env = {**os.environ, "NICMODEL_SPEC_CACHE_DIR": str(tmp_path / "specs")}
    code = ("import sys, contextlib, io; from nicmodel.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()): main(['eval', {str(DEFAULT)!r}])\n"
            "from nicmodel.spec.scenario import Scenario\n"
            "print(sorted(m for m in ('yaml', 'importlib.metadata') if m in sys.modules), "
            "type(Scenario.__pydantic_validator__).__name__)")
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert first.stdout.strip() == "['importlib.metadata', 'yaml'] SchemaValidator", first.stdout
    assert second.stdout.strip() == "[] MockValSer", second.stdout


TEXT_COMMANDS = [
    ["eval", str(DEFAULT)],
    ["table", str(DEFAULT), "--vary", "design.chunk_tokens=64,256"],
    ["table", str(DEFAULT), "--vary", "design.chunk_tokens=64,256", "--format", "csv"],
    ["compare", str(DEFAULT), str(NAIVE)],
    ["compare", str(DEFAULT), str(NAIVE), "--format", "csv"],
    ["simulate", str(DEFAULT), "--requests", "3", "--rate", "2"],
    ["serve", str(DEFAULT), "--requests", "5", "--rate", "1"],
    ["fabric", "optical-8"],
    ["fabric", "optical-8", "--pair", "0", "5", "--bytes", "1 MB"],
    ["validate", str(DEFAULT.parent.parent / "validation" / "traces" / "h100_decode.csv")],
    ["sensitivity", str(DEFAULT), "--samples", "32"],
    ["specs", "list"],
]


@pytest.mark.parametrize("argv", TEXT_COMMANDS, ids=[" ".join(a[:1] + a[2:3]) for a in TEXT_COMMANDS])
def test_every_command_renders_its_text_output(capsys, argv):
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() and "error" not in captured.err
