"""Write the bad-input corpus: malformed files of every kind nicmodel reads, and the command lines
that feed them (or bad values) to every command, with what each error must say.

    python tests/bad_inputs/make_corpus.py     # rewrites tests/bad_inputs/files/ and cases.json

Each case is run by tests/test_bad_inputs.py through the CLI: one line on stderr naming the file
(and line where known), the field and the expectation; the exit code given (2 unless said); no
traceback; nothing on stdout; within a bounded time. Scenario cases are mutations of the bundled
default scenario, made by text replacement so that line numbers stay meaningful. In an argument,
{D} is this folder's files/, {ROOT} the repository, {RANGE:a:b} the numbers a..b joined by commas.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
FILES = HERE / "files"
BASE = (ROOT / "pipelines" / "shadowserve.yaml").read_text()
OPTICAL = (ROOT / "pipelines" / "shadowserve-optical.yaml").read_text()
FABRIC = (ROOT / "hwspecs" / "fabrics" / "optical-8.yaml").read_text()
NIC = (ROOT / "hwspecs" / "nics" / "bluefield3.yaml").read_text()
TRACE_HEADER = "scenario,overrides,metric,argument,value,unit,repeat,spread,role,tolerance_pct,machine,source\n"
GOOD_POINT = "../../../../pipelines/shadowserve.yaml,,throughput,,20.6,Gbps,,,held-out,,m,s"

cases: list[dict] = []


def write(name: str, content: str | bytes) -> str:
    path = FILES / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return f"{{D}}/{name}"


def case(name: str, argv: list[str], expect: list[str], code: int = 2) -> None:
    cases.append({"name": name, "argv": argv, "expect": expect, "code": code})


def mutate(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def scenario(name: str, old: str, new: str, expect: list[str], code: int = 2, base: str = BASE,
             where: str | None = None) -> None:
    """A scenario with one change, evaluated; the error names the scenario file, or ``where`` (the
    referenced spec file that holds the bad field)."""
    path = write(f"scenario/{name}.yaml", mutate(base, old, new))
    case(f"scenario/{name}", ["eval", path], [where or f"{name}.yaml"] + expect, code)


# --- scenario files ------------------------------------------------------------------------
FETCH = "    fetch:\n      kind: network_fetch\n"
scenario("unknown-top-key", "name: shadowserve\n", "name: shadowserve\ncolour: red\n",
         [":6:", "colour", "unknown key 'colour'; expected one of"])
scenario("unknown-stage-key", FETCH, FETCH + "      colour: red\n",
         ["design.stages.fetch.colour", "unknown key"])
scenario("misspelled-stage-kind", "kind: network_fetch", "kind: network_fetc", ["design.stages.fetch.kind", "network_fetch"])
scenario("misspelled-resource", "resource: nic.arm\n      cores: auto              # the model",
         "resource: nic.armm\n      cores: auto              # the model", ["design.stages.fetch", "nic.armm"])
scenario("misspelled-copy-strategy", "copy_strategy: minimal-copy", "copy_strategy: minimal-copies",
         ["design.copy_strategy", "minimal-copy"])
scenario("bad-unit", "network: ethernet-25g ", "network: {use: ethernet-25g, bandwidth: 25 Gbsp} ",
         ["network.bandwidth", "unknown unit 'Gbsp'"])
scenario("bare-number-bandwidth", "network: ethernet-25g ", "network: {use: ethernet-25g, bandwidth: 25} ",
         ["network.bandwidth", "ambiguous"])
scenario("wrong-dimension", "network: ethernet-25g ", "network: {use: ethernet-25g, bandwidth: 25 GB} ",
         ["network.bandwidth", "is a size, expected a bandwidth"])
scenario("unit-case", "network: ethernet-25g ", "network: {use: ethernet-25g, bandwidth: 25 gbps} ",
         ["network.bandwidth", "case-sensitive"])
scenario("zero-bandwidth", "network: ethernet-25g ", "network: {use: ethernet-25g, bandwidth: 0 Gbps} ",
         ["network.bandwidth", "greater than 0"])
scenario("negative-bandwidth", "network: ethernet-25g ", "network: {use: ethernet-25g, bandwidth: -5 Gbps} ",
         ["network.bandwidth", "greater than 0"])
scenario("huge-bandwidth", "network: ethernet-25g ", "network: {use: ethernet-25g, bandwidth: 1e308 Gbps} ",
         ["network.bandwidth", "not a finite number"])
scenario("nan-ratio", "codec: cachegen-deflate",
         "codec: {use: cachegen-deflate, lossless_ratio: {value: .nan, kind: assumed, source: x}}",
         ["codec.lossless_ratio", "not a finite number"])
scenario("inf-ratio", "codec: cachegen-deflate",
         "codec: {use: cachegen-deflate, lossless_ratio: {value: .inf, kind: assumed, source: x}}",
         ["codec.lossless_ratio", "not a finite number"])
scenario("junk-quantity", "network: ethernet-25g ", "network: {use: ethernet-25g, bandwidth: 25 Gbps per second} ",
         ["network.bandwidth", "cannot read"])
scenario("string-for-int", "buffers_in_flight: 8 ", "buffers_in_flight: eight ",
         ["design.buffers_in_flight", "integer"])
scenario("bool-chunk", "chunk_tokens: 256 ", "chunk_tokens: yes ", ["design.chunk_tokens", "whole number or 'naive'"])
scenario("zero-chunk", "chunk_tokens: 256 ", "chunk_tokens: 0 ", ["design.chunk_tokens", "positive number of tokens"])
scenario("negative-chunk", "chunk_tokens: 256 ", "chunk_tokens: -4 ", ["design.chunk_tokens", "positive"])
scenario("zero-buffers", "buffers_in_flight: 8 ", "buffers_in_flight: 0 ", ["design.buffers_in_flight", "greater than or equal to 1"])
scenario("zero-prefix", "prefix_tokens: {value: 10000,", "prefix_tokens: {value: 0,", ["request.prefix_tokens", "greater than 0"])
scenario("huge-prefix", "prefix_tokens: {value: 10000,", "prefix_tokens: {value: 100000000,",
         ["request.prefix_tokens", "at most 10,000,000"])
scenario("fractional-prefix", "prefix_tokens: {value: 10000,", "prefix_tokens: {value: 10000.5,",
         ["request.prefix_tokens", "whole number"])
scenario("zero-cores", "nic: bluefield3", "nic: {use: bluefield3, arm: {cores: 0}}", ["nic.arm.cores", "greater than 0"])
scenario("too-many-cores", "nic: bluefield3", "nic: {use: bluefield3, arm: {cores: 100000}}", ["nic.arm.cores", "at most 1,024"])
scenario("pinned-cores-word", "cores: auto              # the model", "cores: many              # the model",
         ["design.stages.fetch.cores", "auto"])
scenario("pinned-beyond-pool", "cores: auto              # the model", "cores: 40              # the model",
         ["design.stages", "pin 40 cores of nic.arm, which has 16"])
scenario("missing-design", "design:\n  description", "designs:\n  description", [":1:", "design", "required field is missing"])
scenario("null-design", "design:\n  description: chunked four-stage NIC pipeline + GPU scatter, occupancy-based buffer reuse\n",
         "design: ~\nx:\n  description: chunked\n", ["design", "expected a valid dictionary"])
scenario("no-provenance", "nic: bluefield3", "nic: {use: bluefield3, port_rate: {value: 100 Gbps}}",
         ["nic.port_rate", "number without provenance"])
scenario("fitted-without-target", "nic: bluefield3",
         "nic: {use: bluefield3, port_rate: {value: 100 Gbps, kind: fitted, source: x}}",
         ["nic.port_rate", "fitted_to"])
scenario("misspelled-provenance-kind", "nic: bluefield3",
         "nic: {use: bluefield3, port_rate: {value: 100 Gbps, kind: measureed, source: x}}",
         ["nic.port_rate.kind", "measured"])
scenario("range-inverted", "range: [1000, 128000]", "range: [128000, 1000]", ["request.prefix_tokens", "range low"])
scenario("empty-source", "nic: bluefield3", "nic: {use: bluefield3, port_rate: {value: 100 Gbps, kind: assumed, source: ''}}",
         ["nic.port_rate", "source must not be empty"])
scenario("cyclic-dag", "      reads: network\n      writes: nic.memory\n",
         "      reads: network\n      writes: nic.memory\n      after: [scatter]\n", ["cycle"])
scenario("dangling-after", "after: [fetch]", "after: [fetchh]", ["design.stages.decompress.after", "fetchh"])
scenario("engine-cannot-run", "resource: nic.decompress", "resource: nic.dma", ["design.stages.decompress", "nic.dma"])
scenario("codec-engine-mismatch", "codec: cachegen-deflate", "codec: {use: cachegen-deflate, algorithm: zstd}",
         ["zstd"])
scenario("unknown-spec-name", "nic: bluefield3", "nic: bluefield9", ["nic", "no nic spec named 'bluefield9'", "bluefield3"])
scenario("use-not-a-name", "nic: bluefield3", "nic: {use: 42}", ["nic.use", "expected the name of a spec file"])
scenario("unknown-protocol", "network: ethernet-25g ", "network: {use: ethernet-25g, protocol: quic} ",
         ["network.protocol", "tcp"])
scenario("efficiency-above-one", "network: ethernet-25g ",
         "network: {use: ethernet-25g, efficiency: {tcp: {value: 1.5, kind: assumed, source: x}}} ",
         ["network.efficiency.tcp", "at most 1"])
scenario("zero-window", "network: ethernet-25g ",
         "network: {use: ethernet-25g, transport: {request_window: {value: 0, kind: assumed, source: x}, "
         "per_request: {value: 1 us, kind: assumed, source: x}}} ", ["network.transport.request_window", "greater than 0"])
scenario("datetime-value", "chunk_tokens: 256 ", "chunk_tokens: 2024-01-01 ", ["design.chunk_tokens"])
scenario("zero-max-batch", "max_batch: {value: 32,", "max_batch: {value: 0,", ["serving.max_batch", "greater than 0"])
scenario("sustained-above-peak", "nic: bluefield3",
         "nic: {use: bluefield3, memory: {sustained_bandwidth: {value: 100 GB/s, kind: assumed, source: x}}}",
         ["nic.memory", "sustained_bandwidth exceeds peak_bandwidth"])
scenario("python-tag", "name: shadowserve\n", "name: !!python/object/apply:os.system [\"echo pwned\"]\n",
         [":5:", "name", "YAML tag", "not allowed"])
scenario("python-name-tag", "chunk_tokens: 256 ", "chunk_tokens: !!python/name:os.system ",
         ["design.chunk_tokens", "YAML tag", "not allowed"])
scenario("custom-tag", "buffers_in_flight: 8 ", "buffers_in_flight: !custom 8 ", ["design.buffers_in_flight", "YAML tag"])
scenario("code-in-value", "network: ethernet-25g ",
         "network: {use: ethernet-25g, bandwidth: \"__import__('os').system('touch /tmp/pwned')\"} ",
         ["network.bandwidth", "cannot read"])
scenario("code-in-name", "nic: bluefield3", "nic: \"$(touch /tmp/pwned)\"", ["nic", "no nic spec named"])
scenario("duplicate-key", "gpu: l40s ", "gpu: l40s\ngpu: h100-sxm ", [":12:", "duplicate key 'gpu'"])
scenario("list-key", "name: shadowserve\n", "name: shadowserve\n? [a, b]\n: 1\n", ["keys must be plain names"])
scenario("bool-key", "name: shadowserve\n", "name: shadowserve\nyes: 1\n", ["key 'yes' must be a name"])
scenario("tab-indent", "  chunk_tokens: 256 ", "\tchunk_tokens: 256 ", ["YAML syntax"])
scenario("unclosed-bracket", "nic: bluefield3", "nic: {use: bluefield3", ["YAML syntax"])
scenario("escaping-reference", "nic: bluefield3", "nic: ../../../../../../etc/passwd.yaml",
         ["nic", "outside the spec search path"])
scenario("absolute-reference", "nic: bluefield3", "nic: /etc/hosts.yaml", ["nic", "absolute path"])
scenario("optical-guard", "fabric: optical-108", "fabric: {use: optical-108, sync_error: {value: 2 us, kind: assumed, "
         "source: x}}", ["network.fabric", "guard"], base=OPTICAL, where="optical-108.yaml")
scenario("optical-tor-range", "dest_tor: 57", "dest_tor: 500", ["network", "dest_tor must be a ToR index"], base=OPTICAL,
         where="ethernet-100g.yaml")

# whole-file problems
case("scenario/empty", ["eval", write("scenario/empty.yaml", "")], ["empty.yaml", "required field is missing"])
case("scenario/comment-only", ["eval", write("scenario/comment-only.yaml", "# nothing\n")],
     ["comment-only.yaml", "required field is missing"])
case("scenario/top-level-list", ["eval", write("scenario/top-level-list.yaml", "- a\n- b\n")],
     ["top-level-list.yaml:1", "expected a mapping"])
case("scenario/scalar", ["eval", write("scenario/scalar.yaml", "42\n")], ["scalar.yaml:1", "expected a mapping"])
case("scenario/binary", ["eval", write("scenario/binary.yaml", bytes(range(256)) * 4)],
     ["binary.yaml", "not a text file"])
case("scenario/latin1", ["eval", write("scenario/latin1.yaml", mutate(BASE, "name: shadowserve", "name: caf\u00e9").encode("latin-1"))],
     ["latin1.yaml:5", "not UTF-8 text: byte 0xe9"])
case("scenario/bom-crlf-unknown-key",
     ["eval", write("scenario/bom-crlf-unknown-key.yaml",
                    ("\ufeff" + mutate(BASE, "name: shadowserve\n", "name: shadowserve\ncolour: red\n")).replace("\n", "\r\n").encode())],
     ["bom-crlf-unknown-key.yaml:6", "colour", "unknown key"])
case("scenario/missing-file", ["eval", "{D}/scenario/does-not-exist.yaml"], ["does-not-exist.yaml", "cannot read file"])
case("scenario/folder", ["eval", "{D}/scenario"], ["scenario", "is a folder"])
bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
case("scenario/alias-bomb", ["eval", write("scenario/alias-bomb.yaml", bomb)], ["alias-bomb.yaml", "YAML aliases"])
case("scenario/deep-nesting", ["eval", write("scenario/deep-nesting.yaml", "a: " + "[" * 3000 + "]" * 3000 + "\n")],
     ["deep-nesting.yaml", "nested more than 40 levels"])
case("scenario/deep-mapping", ["eval", write("scenario/deep-mapping.yaml", "".join(f"{'  ' * i}k{i}:\n" for i in range(60)) + "  " * 60 + "v\n")],
     ["deep-mapping.yaml", "nested more than 40 levels"])

# referenced spec files: bad hardware and workload specs, reference cycles, symlinks
write("specs/nic-unknown-key.yaml", mutate(NIC, "ports: 2\n", "ports: 2\nportz: 4\n"))
scenario("nic-spec-unknown-key", "nic: bluefield3", "nic: ../specs/nic-unknown-key.yaml",
         [f":{NIC[:NIC.index('ports: 2')].count(chr(10)) + 2}:", "nic.portz", "unknown key"],
         where="nic-unknown-key.yaml")
write("specs/nic-zero-channels.yaml", mutate(NIC, "channels: {value: 4,", "channels: {value: 0,"))
scenario("nic-spec-zero-channels", "nic: bluefield3", "nic: ../specs/nic-zero-channels.yaml",
         [":52:", "nic.engines.decompress.channels", "greater than 0"], where="nic-zero-channels.yaml")
write("specs/self-cycle.yaml", mutate(NIC, "pcie: gen5-x16", "pcie: self-cycle.yaml"))
scenario("reference-cycle", "nic: bluefield3", "nic: ../specs/self-cycle.yaml",
         ["pcie", "cyclic reference: self-cycle.yaml -> self-cycle.yaml"], where="self-cycle.yaml")
write("specs/cycle-a.yaml", mutate(NIC, "pcie: gen5-x16", "pcie: cycle-b.yaml"))
write("specs/cycle-b.yaml", "name: b\nprovenance: {kind: assumed, source: x}\nnic: cycle-a.yaml\n")
scenario("reference-cycle-two-files", "nic: bluefield3", "nic: ../specs/cycle-a.yaml",
         ["cyclic reference: cycle-a.yaml -> cycle-b.yaml -> cycle-a.yaml"], where="cycle-b.yaml")
model = (ROOT / "workloads" / "models" / "llama-3-8b.yaml").read_text()
write("specs/model-zero-heads.yaml", mutate(model, "kv_heads: 8", "kv_heads: 0"))
scenario("model-zero-heads", "model: llama-3-8b", "model: ../specs/model-zero-heads.yaml", ["model.kv_heads", "greater than 0"])
write("specs/model-bad-dtype.yaml", mutate(model, "dtype: bf16", "dtype: bf17"))
scenario("model-bad-dtype", "model: llama-3-8b", "model: ../specs/model-bad-dtype.yaml", ["model.dtype", "bf16"])
codec = (ROOT / "workloads" / "codecs" / "cachegen-deflate.yaml").read_text()
write("specs/codec-bad-algorithm.yaml", mutate(codec, "algorithm: deflate", "algorithm: deflat"))
scenario("codec-bad-algorithm", "codec: cachegen-deflate", "codec: ../specs/codec-bad-algorithm.yaml", ["codec.algorithm", "deflate"])
pcie = (ROOT / "hwspecs" / "pcie" / "gen5-x16.yaml").read_text()
write("specs/pcie-efficiency.yaml", pcie.replace("encoding_efficiency:", "encoding_efficiency_old:").replace(
    "encoding_efficiency_old:", "encoding_efficiency: {value: 2.0, kind: assumed, source: x}\nxx:", 1))
scenario("pcie-bad", "nic: bluefield3", "nic: {use: bluefield3, pcie: ../specs/pcie-efficiency.yaml}",
         ["nic.pcie.encoding_efficiency", "at most 1"], where="pcie-efficiency.yaml")
links = FILES / "specs" / "link-outside.yaml"
links.parent.mkdir(parents=True, exist_ok=True)
if links.is_symlink() or links.exists():
    links.unlink()
os.symlink("/etc/hostname", links)
loop = FILES / "specs" / "link-loop.yaml"
if loop.is_symlink() or loop.exists():
    loop.unlink()
os.symlink("link-loop.yaml", loop)
scenario("symlink-loop", "nic: bluefield3", "nic: ../specs/link-loop.yaml", ["nic", "cannot be resolved"])
scenario("symlink-outside", "nic: bluefield3", "nic: ../specs/link-outside.yaml", ["nic", "outside the spec search path"])

# --- fabric specs (nicmodel fabric FILE) ------------------------------------------------------


def fabric(name: str, old: str, new: str, expect: list[str], where: str | None = None) -> None:
    path = write(f"fabric/{name}.yaml", mutate(FABRIC, old, new))
    case(f"fabric/{name}", ["fabric", path], [where or f"{name}.yaml"] + expect)


fabric("one-tor", "tors: 8", "tors: 1", ["a fabric needs at least 2 ToRs"])
fabric("uplinks-ge-tors", "uplinks_per_tor: 2", "uplinks_per_tor: 8", ["uplinks_per_tor (8) must be below tors (8)"])
fabric("opera-not-divisible", "schedule: {kind: round_robin}", "schedule: {kind: opera}\nuplinks_per_tor_note: x",
       ["uplinks_per_tor_note", "unknown key"])
fabric("thousand-tors", "tors: 8", "tors: 1000", ["2,000,000 circuit entries", "limited to 350,000"])
fabric("guard-ge-slice", "sync_error: 28 ns", "sync_error: 1 us", ["guard", "not shorter than the slice"])
fabric("misspelled-schedule", "schedule: {kind: round_robin}", "schedule: {kind: round_robbin}", ["schedule.kind", "round_robin"])
fabric("misspelled-routing", "routing: direct", "routing: directt", ["routing", "direct"])
fabric("bad-slice-unit", "slice: 2 us", "slice: 2 uss", ["slice", "unknown unit"])
fabric("table-not-list", "schedule: {kind: round_robin}", "schedule: {kind: explicit, table: x}", ["schedule.table"])
for name, rows, expect in [
    ("table-words", "slice,tor,port,dest\n0,0,0,one\n", [":2", "expected four integers"]),
    ("table-empty", "", ["time-flow table is empty"]),
    ("table-negative", "slice,tor,port,dest\n0,0,-1,1\n", [":2", "must be >= 0"]),
]:
    write(f"fabric/{name}.csv", rows)
    fabric(name, "schedule: {kind: round_robin}", f"schedule: {{kind: explicit, table_file: {name}.csv}}", expect,
           where=f"{name}.csv")
fabric("table-escaping", "schedule: {kind: round_robin}", "schedule: {kind: explicit, table_file: ../../../../../etc/passwd}",
       ["schedule.table_file", "outside the spec search path"])
fabric("table-absolute", "schedule: {kind: round_robin}", "schedule: {kind: explicit, table_file: /etc/passwd}",
       ["schedule.table_file", "absolute path"])
case("fabric/pair-out-of-range", ["fabric", "optical-8", "--pair", "0", "99"], ["pair", "99"])
case("fabric/bytes-unit", ["fabric", "optical-8", "--pair", "0", "1", "--bytes", "2 GBB"], ["--bytes", "unknown unit"])
case("fabric/unknown-name", ["fabric", "optical-9"], ["optical-9", "no fabric spec named"])

# --- request traces (JSONL: simulate --trace, serve --trace) ------------------------------------
for name, text, expect in [
    ("not-json", '{"timestamp": 0, "input_length": 100}\nnot json\n', [":2", "not valid JSON"]),
    ("array-line", "[1, 2, 3]\n", [":1", "expected a JSON object per line"]),
    ("no-timestamp", '{"input_length": 100}\n', [":1", "timestamp", "non-negative number of milliseconds"]),
    ("negative-timestamp", '{"timestamp": -5, "input_length": 100}\n', [":1", "timestamp"]),
    ("nan-timestamp", '{"timestamp": NaN, "input_length": 100}\n', [":1", "timestamp"]),
    ("string-timestamp", '{"timestamp": "0", "input_length": 100}\n', [":1", "timestamp"]),
    ("unsorted", '{"timestamp": 10, "input_length": 100}\n{"timestamp": 5, "input_length": 100}\n',
     [":2", "timestamps must not decrease"]),
    ("zero-prefix", '{"timestamp": 0, "prefix_tokens": 0}\n', [":1", "prefix_tokens", "positive whole number"]),
    ("huge-prefix", '{"timestamp": 0, "prefix_tokens": 100000000}\n', [":1", "prefix_tokens", "beyond any model"]),
    ("string-prefix", '{"timestamp": 0, "prefix_tokens": "many"}\n', [":1", "prefix_tokens"]),
    ("float-prefix", '{"timestamp": 0, "prefix_tokens": 10.5}\n', [":1", "prefix_tokens"]),
    ("empty-hash-ids", '{"timestamp": 0, "hash_ids": []}\n', [":1", "hash_ids", "non-empty list"]),
    ("no-prefix", '{"timestamp": 0}\n', [":1", "needs prefix_tokens, hash_ids or input_length"]),
    ("empty", "", ["trace has no requests"]),
    ("blank-lines", "\n\n\n", ["trace has no requests"]),
]:
    case(f"requests/{name}", ["simulate", "{ROOT}/pipelines/shadowserve.yaml", "--trace",
                              write(f"requests/{name}.jsonl", text)], [f"{name}.jsonl"] + expect)
case("requests/binary", ["simulate", "{ROOT}/pipelines/shadowserve.yaml", "--trace",
                         write("requests/binary.jsonl", b"\x00\x01\x02" * 100)], ["binary.jsonl", "not a text file"])
case("requests/latin1", ["simulate", "{ROOT}/pipelines/shadowserve.yaml", "--trace",
                         write("requests/latin1.jsonl", '{"timestamp": 0, "input_length": 100, "x": "caf\u00e9"}\n'.encode("latin-1"))],
     ["latin1.jsonl:1", "not UTF-8"])
case("requests/serve-output-length", ["serve", "{ROOT}/pipelines/shadowserve.yaml", "--trace",
                                      write("requests/bad-output.jsonl", '{"timestamp": 0, "input_length": 100, "output_length": -1}\n')],
     ["bad-output.jsonl:1", "output_length", "positive whole number"])
case("requests/serve-unsorted", ["serve", "{ROOT}/pipelines/shadowserve.yaml", "--trace", "{D}/requests/unsorted.jsonl"],
     ["unsorted.jsonl:2", "timestamps must not decrease"])

# --- measured traces (CSV / JSON: validate, calibrate) -------------------------------------------


def measured(name: str, text: str | bytes, expect: list[str], suffix: str = "csv") -> None:
    path = write(f"measured/{name}.{suffix}", text)
    case(f"measured/{name}", ["validate", path], [f"{name}.{suffix}"] + expect)


measured("unknown-column", TRACE_HEADER.replace("machine", "colour") + GOOD_POINT + "\n", [":1", "unknown column 'colour'"])
measured("unknown-metric", TRACE_HEADER + GOOD_POINT.replace("throughput", "thruput") + "\n", [":2", "metric", "unknown metric"])
measured("bad-unit", TRACE_HEADER + GOOD_POINT.replace("Gbps", "Gbsp") + "\n", [":2", "unit", "unknown unit"])
measured("wrong-dimension", TRACE_HEADER + GOOD_POINT.replace("Gbps", "GB") + "\n", [":2", "unit", "is a size"])
measured("bad-role", TRACE_HEADER + GOOD_POINT.replace("held-out", "maybe") + "\n", [":2", "role", "fitted or held-out"])
measured("nan-value", TRACE_HEADER + GOOD_POINT.replace("20.6", "nan") + "\n", [":2", "unit"])
measured("nan-tolerance", TRACE_HEADER + GOOD_POINT.replace("held-out,,", "held-out,nan,") + "\n",
         [":2", "tolerance_pct", "finite percentage"])
measured("missing-scenario", TRACE_HEADER + GOOD_POINT.replace("shadowserve.yaml", "nope.yaml") + "\n",
         [":2", "scenario", "no scenario file"])
measured("escaping-scenario", TRACE_HEADER + GOOD_POINT.replace("../../../../pipelines/shadowserve.yaml",
                                                                "../../../../../../../etc/passwd") + "\n",
         [":2", "scenario", "outside the spec search path"])
measured("extra-cells", TRACE_HEADER + GOOD_POINT + ",extra\n", [":2", "13 cells where the header has 12"])
measured("missing-required", TRACE_HEADER + GOOD_POINT.replace(",s", ",") + "\n", [":2", "source", "required"])
measured("missing-argument", TRACE_HEADER + GOOD_POINT.replace("throughput,,", "stage_alone,,") + "\n",
         [":2", "argument", "needs an argument"])
INTERFERENCE_POINT = ('../../../../pipelines/shadowserve.yaml,gpu=h200,corunner_time_ratio,"family=x,batch=8,context=4096,'
                      'priority=high,busy=0.5,bussy=0.5,kernel=copy,duration=140us,launches=32",1.2,x,,,held-out,,m,s')
measured("interference-unknown-key", TRACE_HEADER + INTERFERENCE_POINT + "\n",
         [":2", "corunner_time_ratio", "unknown key bussy="])
measured("negative-stderr", TRACE_HEADER.rstrip("\n") + ",stderr\n" + GOOD_POINT + ",-0.2\n",
         [":2", "stderr", "non-negative finite standard error in Gbps"])
measured("empty", "", ["trace has no points"])
measured("header-only", TRACE_HEADER, ["trace has no points"])
measured("latin1", (TRACE_HEADER + GOOD_POINT.replace(",m,", ",caf\u00e9,") + "\n").encode("latin-1"), [":2", "not UTF-8"])
measured("binary", bytes(range(256)), ["not a text file"])
measured("bom-crlf-bad-unit", ("\ufeff" + TRACE_HEADER + GOOD_POINT + "\n" + GOOD_POINT.replace("Gbps", "Gbsp") + "\n")
         .replace("\n", "\r\n").encode(), [":3", "unit", "unknown unit"])
measured("json-invalid", "{not json", ["not valid JSON"], "json")
measured("json-not-list", '{"points": 5}', ["expected a list of points"], "json")
measured("json-item-not-object", "[1, 2]", [":1", "expected a point"], "json")
case("calibrate/no-range", ["calibrate", "{ROOT}/pipelines/shadowserve.yaml", "{ROOT}/validation/traces/h100_copy.csv",
                            "--set", "gpu=h100-sxm", "--fit", "gpu.sms"], ["--fit", "has no range"])
case("calibrate/unknown-parameter", ["calibrate", "{ROOT}/pipelines/shadowserve.yaml",
                                     "{ROOT}/validation/traces/h100_copy.csv", "--fit", "gpu.nonsense"],
     ["--fit", "no parameter 'gpu.nonsense'"])
case("calibrate/bad-folds", ["calibrate", "{ROOT}/pipelines/shadowserve.yaml", "{ROOT}/validation/traces/h100_copy.csv",
                             "--set", "gpu=h100-sxm", "--fit", "gpu.copy_engine.per_job", "--cv", "99"], ["--cv", "folds"])

# --- command-line values --------------------------------------------------------------------------
S = "{ROOT}/pipelines/shadowserve.yaml"
cli = [
    ("set-no-equals", ["eval", S, "--set", "network.bandwidth"], ["--set", "expected PATH=VALUE"]),
    ("set-unknown-path", ["eval", S, "--set", "network.bandwith=10Gbps"], ["--set", "network.bandwith", "no such field"]),
    ("set-bad-unit", ["eval", S, "--set", "network.bandwidth=10 Gbsp"], ["network.bandwidth", "unknown unit"]),
    ("set-ambiguous", ["eval", S, "--set", "network.bandwidth=10"], ["network.bandwidth", "ambiguous"]),
    ("set-nan", ["eval", S, "--set", "network.bandwidth=nan Gbps"], ["network.bandwidth", "cannot read"]),
    ("set-unknown-spec", ["eval", S, "--set", "gpu=l41s"], ["gpu", "no gpu spec named 'l41s'"]),
    ("set-empty-path", ["eval", S, "--set", "=5"], ["--set", "dotted field path"]),
    ("set-control-characters", ["eval", S, "--set", "nic=\x01\\x"], ["nic", "is not a spec name or file path"]),
    ("set-into-value", ["eval", S, "--set", "network.bandwidth.x=1"], ["is a value"]),
    ("vary-empty-value", ["table", S, "--vary", "design.chunk_tokens=64,,256"], ["--vary", "no empty value"]),
    ("vary-bad-value", ["table", S, "--vary", "design.chunk_tokens=64,lots"], ["design.chunk_tokens"]),
    ("vary-million-values", ["table", S, "--vary", "design.chunk_tokens={RANGE:1:1000000}"],
     ["--vary", "1,000,000 values", "at most 10,000"]),
    ("vary-too-many-points", ["table", S, "--vary", "design.chunk_tokens=" + ",".join(str(i) for i in range(1, 1001)),
                              "--vary", "network.bandwidth=" + ",".join(f"{i}Gbps" for i in range(1, 301))],
     ["--vary", "300,000 points", "--max-points"]),
    ("table-no-vary", ["table", S], ["--vary", "give at least one"]),
    ("requests-zero", ["simulate", S, "--requests", "0"], ["--requests", "1..10,000,000"]),
    ("requests-word", ["simulate", S, "--requests", "many"], ["--requests", "expected a number"]),
    ("requests-ten-million", ["simulate", S, "--requests", "10000000"], ["--requests", "simulator events", "--max-events"]),
    ("rate-negative", ["simulate", S, "--requests", "3", "--rate", "-1"], ["--rate", "between 1e-06 and 1e+09"]),
    ("rate-nan", ["simulate", S, "--requests", "3", "--rate", "nan"], ["--rate", "finite"]),
    ("rate-inf", ["serve", S, "--requests", "3", "--rate", "inf"], ["--rate", "finite"]),
    ("serve-requests-huge", ["serve", S, "--requests", "1000000", "--search"], ["--requests", "simulator events"]),
    ("bandwidths-bad", ["serve", S, "--bandwidths", "10Gbps,ten"], ["--bandwidths", "cannot read"]),
    ("unknown-policy", ["simulate", S, "--policy", "lifo"], ["--policy", "invalid choice"]),
    ("unknown-command", ["evaluate", S], ["invalid choice"]),
    ("unknown-format", ["eval", S, "--format", "xml"], ["--format", "invalid choice"]),
    ("output-missing-folder", ["eval", S, "-o", "{D}/no-such-folder/out.txt"], ["--output", "does not exist"]),
    ("output-read-only", ["eval", S, "-o", "/sys/kernel/nicmodel-out.txt"], ["--output", "cannot write"]),
    ("output-is-folder", ["eval", S, "-o", "{D}"], ["--output", "is a folder"]),
    ("plot-format", ["validate", "{ROOT}/validation/traces/h100_decode.csv", "--plot", "{D}/x.bmp"], ["--plot", "unknown plot format"]),
    ("validate-no-trace", ["validate"], ["give a trace file"]),
    ("sensitivity-metric", ["sensitivity", S, "--metric", "speed"], ["--metric", "invalid choice"]),
    ("optimum-column", ["table", S, "--vary", "design.chunk_tokens=64,256", "--optimum", "speed"], ["--optimum", "invalid choice"]),
    ("recompute-eval", ["eval", "{ROOT}/pipelines/recompute.yaml"], ["design.mode", "use `nicmodel serve`"]),
    ("size-cost", ["size", S, "--choose", "gpu=l4,l40s", "--minimize", "cost"], ["hourly_price", "no hourly_price"]),
    ("size-no-choose", ["size", S, "--target", "kv_throughput>=10Gbps"], ["--choose", "at least one"]),
    ("size-bad-target", ["size", S, "--choose", "nic.arm.cores=4..8", "--target", "kv_throughput=>10Gbps"],
     ["--target", "expected METRIC<=VALUE"]),
    ("size-target-unit", ["size", S, "--choose", "nic.arm.cores=4..8", "--target", "fetch_latency<=3 parsecs"],
     ["--target", "fetch_latency", "unknown unit"]),
    ("size-unknown-field", ["size", S, "--choose", "nic.arm.corez=4..8"], ["nic.arm.corez", "no such field"]),
    ("size-shrinking-range", ["size", S, "--choose", "nic.arm.cores=8..4"], ["--choose", "must grow"]),
    ("size-rate-unit", ["size", S, "--choose", "nic.arm.cores=4..8", "--target", "max_rate>=8 Gbps"],
     ["--target", "max_rate", "requests per second"]),
    ("break-even-three-designs", ["compare", S, S, S, "--break-even", "codec.lossless_ratio=1..2"],
     ["break-even compares two designs"]),
    ("break-even-no-range", ["compare", S, S, "--break-even", "codec.lossless_ratio=1.5"], ["--break-even", "LOW..HIGH"]),
    ("break-even-unknown-number", ["compare", S, S, "--break-even", "nic.arm.speed=1..2"],
     ["--break-even", "nic.arm.speed", "is not a number"]),
    ("break-even-points", ["compare", S, S, "--break-even", "codec.lossless_ratio=1..2", "--points", "1"],
     ["--points", "3..2,001"]),
    ("query-missing-database", ["query", "{D}/no-such.sqlite", "SELECT 1"], ["no such results database"]),
    ("query-bad-sql", ["query", "{D}/empty.sqlite", "SELEC 1"], ["SQL error", "syntax error"]),
    ("query-writes-refused", ["query", "{D}/empty.sqlite", "CREATE TABLE t (x)"], ["SQL error", "not authorized"]),
    ("output-not-a-database", ["eval", S, "-o", "{D}/junk.sqlite"], ["--output", "is not a SQLite database"]),
    ("report-no-output", ["report", S], ["--output", "-o report.html"]),
    ("serve-rates-and-rate", ["serve", S, "--rates", "1,2", "--rate", "3", "--requests", "3"], ["--rates", "not both"]),
    ("serve-rates-bad", ["serve", S, "--rates", "1,fast", "--requests", "3"], ["--rates", "expected rates"]),
    ("serve-jobs-zero", ["serve", S, "--vary", "design.chunk_tokens=64,256", "--requests", "3", "--jobs", "0"],
     ["--jobs", "1..1,024"]),
    ("serve-backend", ["serve", S, "--backend", "spark"], ["--backend", "invalid choice"]),
    ("uncertainty-too-few", ["eval", S, "--uncertainty", "3"], ["--uncertainty", "10..1,000,000"]),
    ("simulate-vary-with-trace-out", ["simulate", S, "--vary", "design.chunk_tokens=64,256", "--trace-out", "{D}/t.json"],
     ["--vary", "take one run"]),
]
# issue 19: every numeric option validated the same way; extreme magnitudes; outputs that would destroy
cli += [
    ("simulate-tiny-bandwidth", ["simulate", S, "--set", "network.bandwidth=1e-300Gbps"],
     ["network.bandwidth", "below any plausible"]),
    ("serve-tiny-rate", ["serve", S, "--rate", "1e-300", "--requests", "3"], ["--rate", "between 1e-06 and 1e+09"]),
    ("simulate-negative-seed", ["simulate", S, "--seed", "-1"], ["--seed", "0..4,294,967,295"]),
    ("serve-negative-seed", ["serve", S, "--seed", "-1", "--requests", "3"], ["--seed", "0..4,294,967,295"]),
    ("serve-negative-uncertainty", ["serve", S, "--uncertainty", "-2", "--requests", "3"], ["--uncertainty", "2.."]),
    ("serve-zero-replications", ["serve", S, "--replications", "0", "--requests", "3"], ["--replications", "1..1,000"]),
    ("simulate-million-replications", ["simulate", S, "--replications", "1000000"], ["--replications", "1..1,000"]),
    ("simulate-nan-max-events", ["simulate", S, "--max-events", "nan"], ["--max-events", "finite"]),
    ("simulate-clock-range", ["simulate", S, "--requests", "100000", "--rate", "1e-6", "--max-events", "1e12"],
     ["--requests", "simulator's clock"]),
    ("serve-huge-uncertainty", ["serve", S, "--uncertainty", "1000000", "--requests", "5"], ["--requests", "--max-events"]),
    ("table-path-twice", ["table", S, "--vary", "design.chunk_tokens=64,256", "--vary", "design.chunk_tokens=128"],
     ["--vary", "design.chunk_tokens is given twice"]),
    ("boolean-count", ["eval", S, "--set", "request.prefix_tokens=true"], ["request.prefix_tokens", "boolean"]),
    ("boolean-seed", ["eval", S, "--seed", "true"], ["--seed", "expected a number"]),
    ("schema-over-database", ["schema", "-o", "{D}/empty.sqlite"], ["--output", "writes no results rows"]),
    ("size-over-database", ["size", S, "--choose", "nic.arm.cores=4..8", "-o", "{D}/r.sqlite"],
     ["--output", "writes no results rows"]),
    ("eval-over-its-input", ["eval", "{D}/copy-of-default.yaml", "-o", "{D}/copy-of-default.yaml"],
     ["--output", "is an input of this command"]),
    ("one-file-two-outputs", ["simulate", S, "--stages-csv", "{D}/same.out", "-o", "{D}/same.out"],
     ["--stages-csv", "is also the --output output"]),
    ("query-attach", ["query", "{D}/empty.sqlite", "ATTACH DATABASE '/tmp/x.db' AS x"], ["SQL error", "not authorized"]),
    ("query-vacuum-into", ["query", "{D}/empty.sqlite", "VACUUM INTO '/tmp/x.db'"], ["SQL error", "not authorized"]),
    ("query-timeout", ["query", "{D}/empty.sqlite", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                       "SELECT COUNT(*) FROM c", "--timeout", "0.2"], ["SQL error", "--timeout"]),
    ("query-huge-blob", ["query", "{D}/empty.sqlite", "SELECT zeroblob(900000000)"], ["SQL error", "too big"]),
    ("nul-in-output-path", ["schema", "-o", "out\x00.json"], ["--output", "NUL character"]),
    ("nul-in-set-value", ["eval", S, "--set", "network.bandwidth=1\x00Gbps"], ["--set", "NUL character"]),
]
write("copy-of-default.yaml", BASE)
write("empty.sqlite", b"")
write("junk.sqlite", b"this is not a database at all, just text\n" * 40)
for name, argv, expect in cli:
    case(f"cli/{name}", argv, expect)

# --- boundaries: valid ones run cleanly (exit 0, nothing on stderr), the rest are refused for a
# stated reason (a design the hardware cannot run exits 1) -------------------------------------------
case("boundary/chunk-1", ["eval", S, "--set", "design.chunk_tokens=1"], [], code=0)
case("boundary/chunk-1e9", ["eval", S, "--set", "design.chunk_tokens=1000000000"], [], code=0)
case("boundary/prefix-1e7", ["eval", S, "--set", "request.prefix_tokens=10000000"], [], code=0)
case("boundary/one-core", ["eval", S, "--set", "nic.arm.cores=1"], ["infeasible", "nic.arm has 1 cores"], code=1)
case("boundary/model-too-big", ["serve", S, "--set", "model=llama-3-70b", "--requests", "2"], ["does not fit"], code=1)
case("boundary/naive-overflow", ["eval", "{ROOT}/pipelines/shadowserve-naive.yaml", "--set", "model=llama-3-70b",
                                 "--set", "request.prefix_tokens=128000"], ["infeasible", "nic.memory"], code=1)

(HERE / "cases.json").write_text(json.dumps(cases, indent=1) + "\n")
print(f"{len(cases)} cases, {sum(1 for _ in FILES.rglob('*') if _.is_file() or _.is_symlink())} files")
