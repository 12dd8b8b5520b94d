"""Failure must never look like success: fuzzing of every reader (only SpecError escapes), outputs
that survive SIGKILL, byte-identical reruns, and bounded memory on hostile inputs.

The fuzz tests run a small number of examples in CI; `pytest -m fuzz` runs the long campaign."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nicmodel.errors import SpecError
from nicmodel.spec.loader import Document, load_document, read_yaml, validate
from nicmodel.files import write_atomic
from nicmodel.spec.requests import read_trace_rows
from nicmodel.validation.trace import read_trace

from conftest import DEFAULT, ROOT

SHORT = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
LONG = settings(max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck))
BASE_TEXT = DEFAULT.read_text()
CORPUS = json.loads((ROOT / "tests" / "bad_inputs" / "cases.json").read_text())

# fragments that make YAML interesting: indentation, flow collections, anchors, tags, units, junk
FRAGMENTS = ["\n", "  ", ":", "- ", "{", "}", "[", "]", ",", "&a ", "*a", "!!str ", "!!python/object ", "? ",
             "'", '"', "#", "25 Gbps", "-1", ".nan", "1e308", "naive", "auto", "use: ", "bluefield3", "\t", "\x00",
             "\ufeff", "é", "~", "yes", "0x10", "2024-01-01", "|\n  x", ">\n  y"]


def _mutated(draw_ops: list[tuple[int, int, str]]) -> str:
    text = BASE_TEXT
    for pos, cut, frag in draw_ops:
        pos %= len(text) + 1
        text = text[:pos] + frag + text[pos + cut % 8:]
    return text


mutations = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 7), st.sampled_from(FRAGMENTS)),
                     min_size=1, max_size=6)


def _load_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass") if "\x00" not in text else path.write_bytes(
        text.encode("utf-8", "surrogatepass"))
    try:
        validate(load_document(path), str(path))
    except SpecError as exc:
        assert "\n" not in str(exc)


def _fuzz_loader(tmp_path, ops):
    _load_text(tmp_path, _mutated(ops))


@SHORT
@given(ops=mutations)
def test_fuzz_scenario_loader(tmp_path_factory, ops):
    _fuzz_loader(tmp_path_factory.mktemp("f"), ops)


@pytest.mark.fuzz
@LONG
@given(ops=mutations)
def test_fuzz_scenario_loader_long(tmp_path_factory, ops):
    _fuzz_loader(tmp_path_factory.mktemp("f"), ops)


@SHORT
@given(raw=st.binary(max_size=400))
def test_fuzz_yaml_bytes(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("b") / "x.yaml"
    path.write_bytes(raw)
    try:
        validate(Document(read_yaml(path).data, {}), str(path))
    except SpecError:
        pass


override_paths = st.sampled_from(["network.bandwidth", "design.chunk_tokens", "nic", "gpu", "nic.arm.cores",
                                  "design.stages.fetch.cores", "request.prefix_tokens", "network.transport",
                                  "codec.key.leading.0.bits", "network.bandwith", "design", "", "a.b.c",
                                  "design.stages.nope.kind", "nic.engines.dma.bandwidth"])
override_values = st.one_of(st.sampled_from(["25 Gbps", "0", "-1", "naive", "auto", "bluefield2", "{use: x}",
                                             "[1, 2]", "1e308 Gbps", "nan", "", "h100-sxm", "{", "!!python/none"]),
                            st.text(max_size=20))


def _fuzz_overrides(path, value):
    try:
        validate(load_document(DEFAULT, [f"{path}={value}"]), str(DEFAULT))
    except SpecError as exc:
        assert "\n" not in str(exc)


@SHORT
@given(path=override_paths, value=override_values)
def test_fuzz_overrides(path, value):
    _fuzz_overrides(path, value)


@pytest.mark.fuzz
@LONG
@given(path=override_paths, value=override_values)
def test_fuzz_overrides_long(path, value):
    _fuzz_overrides(path, value)


json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True),
                                     st.text(max_size=8)),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                           max_leaves=8)
request_rows = st.dictionaries(st.sampled_from(["timestamp", "prefix_tokens", "input_length", "hash_ids",
                                                "output_length", "x"]), json_values, max_size=5)


def _fuzz_requests(tmp_path, rows, junk):
    path = tmp_path / "r.jsonl"
    lines = [json.dumps(r) for r in rows] + ([junk] if junk else [])
    path.write_text("\n".join(lines))
    try:
        for r in read_trace_rows(path):
            assert r["prefix_tokens"] >= 1 and r["arrival_s"] >= 0
    except SpecError as exc:
        assert "\n" not in str(exc)


@SHORT
@given(rows=st.lists(request_rows, max_size=6), junk=st.text(max_size=30))
def test_fuzz_request_traces(tmp_path_factory, rows, junk):
    _fuzz_requests(tmp_path_factory.mktemp("r"), rows, junk)


@pytest.mark.fuzz
@LONG
@given(rows=st.lists(request_rows, max_size=6), junk=st.text(max_size=30))
def test_fuzz_request_traces_long(tmp_path_factory, rows, junk):
    _fuzz_requests(tmp_path_factory.mktemp("r"), rows, junk)


HEADER = "scenario,overrides,metric,argument,value,unit,repeat,spread,role,tolerance_pct,machine,source"
cell = st.one_of(st.sampled_from(["../../pipelines/shadowserve.yaml", "throughput", "stage_alone", "fetch", "20.6",
                                  "Gbps", "GB", "fitted", "held-out", "nan", "", "gpu=h100-sxm", "x", '"a,b"', "-1"]),
                 st.text(max_size=10))


def _fuzz_measured(tmp_path, rows, as_json):
    if as_json:
        path = tmp_path / "t.json"
        path.write_text(json.dumps([dict(zip(HEADER.split(","), r)) for r in rows]))
    else:
        path = tmp_path / "t.csv"
        path.write_text(HEADER + "\n" + "\n".join(",".join(r) for r in rows))
    try:
        read_trace(path)
    except SpecError as exc:
        assert "\n" not in str(exc)


@SHORT
@given(rows=st.lists(st.lists(cell, min_size=11, max_size=13), max_size=4), as_json=st.booleans())
def test_fuzz_measured_traces(tmp_path_factory, rows, as_json):
    _fuzz_measured(tmp_path_factory.mktemp("m"), rows, as_json)


@pytest.mark.fuzz
@LONG
@given(rows=st.lists(st.lists(cell, min_size=11, max_size=13), max_size=4), as_json=st.booleans())
def test_fuzz_measured_traces_long(tmp_path_factory, rows, as_json):
    _fuzz_measured(tmp_path_factory.mktemp("m"), rows, as_json)


# --- atomic outputs -----------------------------------------------------------------------------

WRITER = """
import sys
from nicmodel.files import write_atomic
write_atomic(sys.argv[1], "new\\n" * 40_000_000)
"""


@pytest.mark.parametrize("delay", [0.05, 0.15, 0.3, 0.6])
def test_sigkill_mid_write_leaves_old_file_or_new_never_partial(tmp_path, delay):
    target = tmp_path / "table.csv"
    target.write_text("old\n")
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], cwd=ROOT)
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait()
    text = target.read_text()
    assert text == "old\n" or (len(text) == 160_000_000 and text.endswith("new\n"))


def test_write_atomic_replaces_whole_files(tmp_path):
    target = tmp_path / "x.txt"
    write_atomic(target, "one")
    write_atomic(target, b"two")
    assert target.read_text() == "two" and [p.name for p in tmp_path.iterdir()] == ["x.txt"]


# --- determinism --------------------------------------------------------------------------------

COMMANDS = [
    ["eval", "pipelines/shadowserve.yaml", "--format", "json"],
    ["table", "pipelines/shadowserve.yaml", "--vary", "design.chunk_tokens=64,256", "--vary",
     "network.bandwidth=10Gbps,40Gbps", "--format", "json"],
    ["compare", "pipelines/shadowserve.yaml", "pipelines/cachegen-async.yaml", "--format", "json"],
    ["simulate", "pipelines/shadowserve.yaml", "--requests", "20", "--rate", "5", "--seed", "3", "--format", "json"],
    ["serve", "pipelines/shadowserve.yaml", "--requests", "20", "--rate", "2", "--seed", "3", "--format", "json"],
    ["fabric", "optical-8", "--pair", "0", "5", "--format", "json"],
    ["validate", "validation/traces/h100_decode.csv", "--format", "json"],
    ["calibrate", "pipelines/shadowserve.yaml", "validation/traces/h100_copy.csv", "--set", "gpu=h100-sxm",
     "--fit", "gpu.copy_engine.per_job", "--fit", "gpu.copy_engine.bandwidth"],
    ["sensitivity", "pipelines/shadowserve.yaml", "--samples", "64", "--format", "json"],
    ["specs", "list"],
    ["schema"],
    ["size", "pipelines/shadowserve.yaml", "--choose", "nic.arm.cores=4..16", "--choose", "design.chunk_tokens=16,64,256",
     "--target", "kv_throughput>=50Gbps", "--pareto", "fetch_latency,nic_memory", "--format", "json"],
    ["compare", "pipelines/shadowserve.yaml", "pipelines/cachegen-async.yaml", "--break-even",
     "2:codec.lossless_ratio=1..3", "--format", "json"],
    ["eval", "pipelines/shadowserve.yaml", "--uncertainty", "200", "--format", "json"],
    ["serve", "pipelines/shadowserve.yaml", "--vary", "network.bandwidth=10Gbps,20Gbps", "--requests", "10",
     "--rate", "2", "--replications", "2", "--jobs", "2", "--progress", "off", "--format", "json"],
    ["report", "pipelines/shadowserve.yaml", "--uncertainty", "50"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=[f"{c[0]}-{i}" for i, c in enumerate(COMMANDS)])
def test_same_inputs_give_byte_identical_output(tmp_path, argv):
    outputs = []
    for seed in ("1", "2"):  # a different hash seed would expose any dependence on set or dict order
        out = tmp_path / f"out{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        args = argv + ["-o", str(out)] if argv[0] not in ("calibrate", "specs") else argv
        run = subprocess.run([sys.executable, "-m", "nicmodel.cli", *args], cwd=ROOT, env=env,
                             capture_output=True, timeout=300)
        assert run.returncode == 0, run.stderr
        outputs.append(out.read_bytes() if out.exists() else run.stdout)
    assert outputs[0] == outputs[1]


# --- bounded memory on hostile inputs -----------------------------------------------------------

LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
from nicmodel.cli import main
sys.exit(main(sys.argv[1:]))
"""
HOSTILE = ["scenario/alias-bomb", "scenario/deep-nesting", "cli/requests-ten-million", "fabric/thousand-tors",
           "cli/vary-too-many-points", "requests/huge-prefix"]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_inputs_are_refused_within_3_gib(name):
    from test_bad_inputs import expand

    case = next(c for c in CORPUS if c["name"] == name)
    run = subprocess.run([sys.executable, "-c", LIMITED, *[expand(a) for a in case["argv"]]], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == case["code"], run.stderr
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
