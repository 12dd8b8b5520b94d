"""Every kind of bad input: one line naming file, line, field path and expectation; exit 2."""

import re

import pytest

from nicmodel.cli import main

from conftest import DEFAULT

TEXT = DEFAULT.read_text()


def run(capsys, argv):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.err.strip()


def write(tmp_path, text):
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    return str(path)


def line_of(text, needle):
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


FILE_CASES = [
    # (name, replace this, with this, field path, words the message must contain)
    ("unknown key", "network: ethernet-25g", "network: {use: ethernet-25g, bandwith: 40Gbps}",
     "network.bandwith", "unknown key 'bandwith'; expected one of: provenance, name, bandwidth"),
    ("misspelled stage kind", "kind: dequantize", "kind: dequantise",
     "design.stages.dequantize.kind", "expected 'network_fetch'"),
    ("bad unit", "nic: bluefield3", "nic: {use: bluefield3, port_rate: 25 Gbsp}",
     "nic.port_rate", "unknown unit 'Gbsp'"),
    ("zero capacity", "nic: bluefield3", "nic: {use: bluefield3, memory: {capacity: 0 GB}}",
     "nic.memory.capacity", "must be greater than 0"),
    ("negative capacity", "nic: bluefield3", "nic: {use: bluefield3, memory: {sustained_bandwidth: -1 GB/s}}",
     "nic.memory.sustained_bandwidth", "must be greater than 0"),
    ("missing resource", "resource: nic.decompress", "resource: nic.regex",
     "design.stages.decompress.resource", "resource 'nic.regex' does not exist"),
    ("resource cannot run stage", "resource: nic.decompress", "resource: nic.dma",
     "design.stages.decompress.resource", "runs ['dma'], not decompress"),
    ("dangling edge", "after: [dma]", "after: [dmaa]",
     "design.stages.scatter.after", "refers to stage 'dmaa', which does not exist"),
    ("forms do not chain", "      input: quantized\n", "      input: compressed\n",
     "design.stages.dequantize.output", "turns quantized into kv"),
    ("codec not supported by engine", "codec: cachegen-deflate", "codec: {use: cachegen-deflate, algorithm: zstd}",
     "design.stages.decompress.resource", "not the codec's 'zstd'"),
    ("number without provenance", "  prefix_tokens: {value: 10000", "  prefix_tokens: 10000\n  x: {value: 1",
     "request", ""),
    ("unknown named spec", "gpu: l40s", "gpu: l41s", "gpu", "no gpu spec named 'l41s'; available: a100-80g"),
    ("ambiguous bare number", "nic: bluefield3", "nic: {use: bluefield3, port_rate: 200}",
     "nic.port_rate", "ambiguous: write it with a unit"),
    ("bits per second where bytes expected", "nic: bluefield3", "nic: {use: bluefield3, memory: {capacity: 32 Gbps}}",
     "nic.memory.capacity", "is a bandwidth, expected a size"),
]


@pytest.mark.parametrize("name, old, new, path, words", FILE_CASES, ids=[c[0] for c in FILE_CASES])
def test_file_errors(capsys, tmp_path, name, old, new, path, words):
    assert old in TEXT
    text = TEXT.replace(old, new, 1)
    file = write(tmp_path, text)
    code, err = run(capsys, ["eval", file])
    assert code == 2
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"error: {file}:")
    assert re.match(rf"error: {re.escape(file)}:\d+: ", err)
    assert f": {path}" in err and words in err


def test_cycle(capsys, tmp_path):
    text = TEXT.replace("      reads: network\n", "      reads: network\n      after: [scatter]\n", 1)
    file = write(tmp_path, text)
    code, err = run(capsys, ["eval", file])
    assert code == 2
    assert f"{file}:{line_of(text, '  stages:')}: design.stages: stage graph has a cycle" in err


def test_unknown_key_points_at_its_line(capsys, tmp_path):
    text = TEXT.replace("  buffers_in_flight: 8", "  buffers_in_flight: 8\n  bufers: 4")
    file = write(tmp_path, text)
    code, err = run(capsys, ["eval", file])
    assert code == 2
    assert err.startswith(f"error: {file}:{line_of(text, 'bufers')}: design.bufers: unknown key")


def test_nested_file_error_names_the_hwspec_file(capsys, tmp_path):
    nic = tmp_path / "mynic.yaml"
    nic.write_text((DEFAULT.parent.parent / "hwspecs/nics/bluefield3.yaml").read_text().replace("cores: 16", "cores: -4"))
    file = write(tmp_path, TEXT.replace("nic: bluefield3", "nic: ./mynic.yaml"))
    code, err = run(capsys, ["eval", file])
    assert code == 2
    assert f"{nic}:" in err and "nic.arm.cores: must be greater than 0" in err


@pytest.mark.parametrize(
    "override, words",
    [
        ("network.bandwidth=25Gbsp", "--set: network.bandwidth: unknown unit 'Gbsp'"),
        ("network.bandwidthh=40Gbps", "--set: network.bandwidthh: no such field; expected one of: provenance, name, bandwidth"),
        ("design.stages.fetchh.cores=2", "--set: design.stages.fetchh.cores: no entry 'fetchh'"),
        ("design.chunk_tokens=big", "--set: design.chunk_tokens: expected a whole number or 'naive', got 'big'"),
        ("design.chunk_tokens=0", "design.chunk_tokens: must be a positive number of tokens or 'naive'"),
        ("network.bandwidth.value.x=1", "network.bandwidth is a value, it has no field 'value'"),
        ("nic=bluefield9", "--set: nic: no nic spec named 'bluefield9'"),
        ("networkbandwidth", "--set: expected PATH=VALUE"),
        ("design.stages.fetch.cores=20", "stages pin 20 cores of nic.arm, which has 16"),
    ],
)
def test_override_errors(capsys, override, words):
    code, err = run(capsys, ["eval", str(DEFAULT), "--set", override])
    assert code == 2
    assert len(err.splitlines()) == 1 and words in err, err


def test_vary_errors(capsys):
    code, err = run(capsys, ["table", str(DEFAULT), "--vary", "network.bandwidth=10Gbps,2Gbsp"])
    assert code == 2 and "--vary: network.bandwidth: unknown unit 'Gbsp'" in err
    code, err = run(capsys, ["table", str(DEFAULT), "--vary", "network.bandwidth="])
    assert code == 2 and "no empty value" in err


def test_missing_file_and_yaml_syntax(capsys, tmp_path):
    code, err = run(capsys, ["eval", str(tmp_path / "nope.yaml")])
    assert code == 2 and "nope.yaml: cannot read file" in err
    file = write(tmp_path, "name: x\n  bad: [\n")
    code, err = run(capsys, ["eval", file])
    assert code == 2 and f"{file}:2: YAML syntax" in err
    file = write(tmp_path, "name: a\nname: b\n")
    code, err = run(capsys, ["eval", file])
    assert code == 2 and f"{file}:2: duplicate key 'name'" in err
