"""Turn the raw H100 measurements (validation/traces/h100/*.csv) and the H200's copies into nicmodel
traces (interference: make_interference_traces.py).

The split between fitted and held-out points is fixed here, before any fit:
- copies: pinned host-to-device, fitted at 64 KiB, 1 MiB, 16 MiB and 256 MiB; held out at
  4 KiB, 256 KiB, 4 MiB and 64 MiB, plus the independent earlier session in
  docs/sources/hwspecs.md §4c;
- decode: fitted at (batch 1, 1k), (8, 8k), (32, 4k); the other four shapes held out.
Run: python validation/collect/make_traces.py
"""

from __future__ import annotations

import csv
import statistics
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
RAW = HERE.parent / "traces" / "h100"
OUT = HERE.parent / "traces"
COLUMNS = ["scenario", "overrides", "metric", "argument", "value", "unit", "repeat", "spread", "role",
           "tolerance_pct", "machine", "source"]
MACHINE = "H100 80GB HBM3 SXM, PCIe Gen5 x16, 16-vCPU Xeon VM (validation/traces/h100/machine.txt)"
SCENARIO = "../../pipelines/shadowserve.yaml"
H100 = "gpu=h100-sxm"
KIB = 1024


def size_label(nbytes: int) -> str:
    for unit, factor in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if nbytes >= factor:
            return f"{nbytes // factor} {unit}"
    return f"{nbytes} B"


def write(name: str, rows: list[dict]) -> None:
    with open(OUT / name, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {name}: {len(rows)} points")


def copies() -> None:
    samples = defaultdict(list)
    with open(RAW / "copy_bandwidth.csv") as handle:
        for r in csv.DictReader(handle):
            if r["pinned"] == "1" and r["direction"] == "h2d":
                samples[int(r["bytes"])].append(float(r["gb_per_s"]))
    fitted = {64 * KIB, 1 << 20, 16 << 20, 256 << 20}
    rows = []
    for size, values in sorted(samples.items()):
        rows.append({"scenario": SCENARIO, "overrides": H100, "metric": "h2d_copy_bandwidth",
                     "argument": size_label(size), "value": f"{statistics.mean(values):.4f}", "unit": "GB/s",
                     "spread": f"{statistics.stdev(values):.4f}", "role": "fitted" if size in fitted else "held-out",
                     "tolerance_pct": "", "machine": MACHINE,
                     "source": "validation/traces/h100/copy_bandwidth.csv (mean of 5 repeats)"})
    # an independent session on the same kind of machine (docs/sources/hwspecs.md §4c, script 2): never fitted
    earlier = {16 * KIB: 2.42, 64 * KIB: 10.24, 256 * KIB: 31.67, 1 << 20: 42.91, 4 << 20: 45.93,
               16 << 20: 46.55, 256 << 20: 53.91, 1 << 30: 54.96}
    for size, gbps in earlier.items():
        rows.append({"scenario": SCENARIO, "overrides": H100, "metric": "h2d_copy_bandwidth",
                     "argument": size_label(size), "value": f"{gbps}", "unit": "GB/s", "spread": "",
                     "role": "held-out", "tolerance_pct": "", "machine": "H100 SXM, 16-vCPU Xeon VM (earlier session)",
                     "source": "docs/sources/hwspecs.md §4c (M*), single run"})
    write("h100_copy.csv", rows)


def decode() -> None:
    samples = defaultdict(list)
    with open(RAW / "decode_step.csv") as handle:
        for r in csv.DictReader(handle):
            samples[(int(r["batch"]), int(r["context_tokens"]))].append(float(r["seconds_per_step"]) * 1e3)
    fitted = {(1, 1024), (8, 8192), (32, 4096)}
    rows = []
    for (batch, context), values in sorted(samples.items()):
        rows.append({"scenario": SCENARIO, "overrides": H100, "metric": "decode_step_time",
                     "argument": f"batch={batch},context={context}", "value": f"{statistics.mean(values):.5f}",
                     "unit": "ms", "spread": f"{statistics.stdev(values):.5f}",
                     "role": "fitted" if (batch, context) in fitted else "held-out",
                     "tolerance_pct": "", "machine": MACHINE,
                     "source": "validation/traces/h100/decode_step.csv (Llama-3-8B shapes, random bf16 weights, "
                               "CUDA graph; mean of 5 repeats)"})
    write("h100_decode.csv", rows)


def host_contention() -> None:
    """Fitted at 8 busy processes; the other levels held out."""
    samples = defaultdict(list)
    with open(RAW / "decode_cpu_contention.csv") as handle:
        for r in csv.DictReader(handle):
            samples[(int(r["busy_processes"]), int(r["cpus"]))].append(float(r["eager_seconds_per_step"]))
    idle = statistics.mean(samples[min(samples)])
    rows = []
    for (busy, cpus), values in sorted(samples.items()):
        if busy == 0:
            continue
        ratios = [v / idle for v in values]
        rows.append({"scenario": SCENARIO, "overrides": H100, "metric": "engine_step_ratio",
                     "argument": f"busy={busy},cpus={cpus}", "value": f"{statistics.mean(ratios):.5f}", "unit": "x",
                     "spread": f"{statistics.stdev(ratios):.5f}", "role": "fitted" if busy == 8 else "held-out",
                     "tolerance_pct": "", "machine": MACHINE,
                     "source": "validation/traces/h100/decode_cpu_contention.csv (eager decode, batch 8, 1k context, "
                               "over the idle-host mean; 5 repeats)"})
    write("h100_host_contention.csv", rows)


def copies_h200() -> None:
    """The H200's pinned host-to-device copies (validation/traces/h200/copy_bandwidth.csv, queued):
    fitted at the H100's fitted sizes, the rest held out."""
    samples = defaultdict(list)
    with open(RAW.parent / "h200" / "copy_bandwidth.csv") as handle:
        for r in csv.DictReader(handle):
            if r["direction"] == "h2d" and r["mode"] == "queued":
                samples[int(r["bytes"])].append(float(r["gb_per_s"]))
    fitted = {64 * KIB, 1 << 20, 16 << 20, 256 << 20}
    machine = "NVIDIA H200 141GB, PCIe Gen5 x16 (validation/traces/h200/gpu.json)"
    rows = [{"scenario": SCENARIO, "overrides": "gpu=h200", "metric": "h2d_copy_bandwidth", "argument": size_label(size),
             "value": f"{statistics.mean(v):.4f}", "unit": "GB/s", "spread": f"{statistics.stdev(v):.4f}",
             "role": "fitted" if size in fitted else "held-out", "tolerance_pct": "", "machine": machine,
             "source": "validation/traces/h200/copy_bandwidth.csv (back-to-back copies, mean of 3 repeats)"}
            for size, v in sorted(samples.items())]
    write("h200_copy.csv", rows)


def decode_h200() -> None:
    """The H200's decode steps (validation/traces/h200/decode_step.csv), all held out: the H200 spec's
    decode numbers come from the H100 fit, so every point here is a prediction on another GPU."""
    samples = defaultdict(list)
    with open(RAW.parent / "h200" / "decode_step.csv") as handle:
        for r in csv.DictReader(handle):
            samples[(int(r["batch"]), int(r["context_tokens"]))].append(float(r["seconds_per_step"]) * 1e3)
    fitted: set = set()
    machine = "NVIDIA H200 141GB (validation/traces/h200/gpu.json)"
    rows = [{"scenario": SCENARIO, "overrides": "gpu=h200", "metric": "decode_step_time",
             "argument": f"batch={batch},context={context}", "value": f"{statistics.mean(v):.5f}", "unit": "ms",
             "spread": f"{statistics.stdev(v):.5f}", "role": "fitted" if (batch, context) in fitted else "held-out",
             "tolerance_pct": "", "machine": machine,
             "source": "validation/traces/h200/decode_step.csv (Llama-3-8B shapes, random bf16 weights, CUDA graph; "
                       "mean of 3 repeats)"}
            for (batch, context), v in sorted(samples.items())]
    write("h200_decode.csv", rows)


def decode_points_h200() -> None:
    """The H200's decode steps alone as the interference collector measured them before each of its
    configurations (decode_alone_s: the same CUDA graph of the step, on its own stream, timed with
    events), at every decode point of its unprofiled runs (--phase random; not the --part runs, whose
    "decode" is one phase of the step): the median over a point's configurations, every point held out.
    About 150 points against h200_decode.csv's 8, at batch 1-96 and 1k-16k tokens."""
    samples: dict = defaultdict(lambda: defaultdict(list))
    for path in sorted((RAW.parent / "h200").glob("*/interference_grid.csv")):
        if path.parent.name.startswith("short_phase_"):
            continue
        with open(path) as handle:
            for r in csv.DictReader(handle):
                if r.get("phase") in ("random", "queued"):
                    samples[(int(r["batch"]), int(r["context_tokens"]))][path.parent.name].append(
                        float(r["decode_alone_s"]) * 1e3)
    machine = "NVIDIA H200 141GB (validation/traces/h200/gpu.json)"
    rows = []
    for (batch, context), runs in sorted(samples.items()):
        medians = [statistics.median(v) for v in runs.values()]
        everything = [x for v in runs.values() for x in v]
        rows.append({"scenario": SCENARIO, "overrides": "gpu=h200", "metric": "decode_step_time",
                     "argument": f"batch={batch},context={context}", "value": f"{statistics.median(everything):.5f}",
                     "unit": "ms", "spread": f"{statistics.pstdev(medians):.5f}", "role": "held-out",
                     "tolerance_pct": "", "machine": machine,
                     "source": f"validation/traces/h200/{{{','.join(sorted(runs))}}}/interference_grid.csv "
                               f"(decode_alone_s, median of {len(everything)} configurations)"})
    write("h200_decode_points.csv", rows)


def decode_waves_h200() -> None:
    """The sealed set of the H200's decode step alone (validation/traces/h200/decode_waves/, points declared
    in decode_waves.py before the run): mean of 3 repeats of 20 graph replays, every point held out."""
    samples = defaultdict(list)
    with open(RAW.parent / "h200" / "decode_waves" / "decode_step.csv") as handle:
        for r in csv.DictReader(handle):
            samples[(int(r["batch"]), int(r["context_tokens"]))].append(float(r["seconds_per_step"]) * 1e3)
    machine = "NVIDIA H200 141GB (validation/traces/h200/decode_waves/gpu.json)"
    rows = [{"scenario": SCENARIO, "overrides": "gpu=h200", "metric": "decode_step_time",
             "argument": f"batch={batch},context={context}", "value": f"{statistics.mean(v):.5f}", "unit": "ms",
             "spread": f"{statistics.stdev(v):.5f}", "role": "held-out", "tolerance_pct": "", "machine": machine,
             "source": "validation/traces/h200/decode_waves/decode_step.csv (Llama-3-8B shapes, random bf16 weights, "
                       "CUDA graph; mean of 3 repeats of 20 replays)"}
            for (batch, context), v in sorted(samples.items())]
    write("h200_decode_waves.csv", rows)


if __name__ == "__main__":
    copies()
    copies_h200()
    decode()
    decode_h200()
    decode_points_h200()
    decode_waves_h200()
    host_contention()
