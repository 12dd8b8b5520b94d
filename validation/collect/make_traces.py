"""Turn the raw H100 measurements (validation/traces/h100/*.csv) into nicmodel traces.

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


def interference() -> None:
    """Fitted: equal stream priority, memory- and compute-bound co-runners. Held out: the same at
    high decode priority (the model has no priority term), and DMA (predicted from bandwidth)."""
    samples = defaultdict(list)
    with open(RAW / "interference.csv") as handle:
        for r in csv.DictReader(handle):
            samples[(r["corunner"], r["decode_priority"])].append(r)
    classes = {"dequant_memory_bound": "memory_bound", "integer_compute_bound": "compute_bound", "h2d_dma": "dma"}
    rows = []
    for (corunner, priority), reps in sorted(samples.items()):
        cls = classes[corunner]
        argument = f"class={cls},priority={priority}"
        if cls == "dma":  # 256 MiB copies back to back: the DMA rate into GPU memory
            rate = statistics.mean((256 << 20) / float(r["corunner_alone_s"]) for r in reps)
            argument = f"class=dma,rate={rate / 1e9:.2f} GB/s,priority={priority}"
        fitted = cls != "dma" and priority == "equal"
        for metric, column in (("decode_time_ratio", "decode_slowdown"), ("corunner_time_ratio", "corunner_slowdown")):
            if cls == "dma" and metric == "corunner_time_ratio":
                continue
            values = [1.0 + float(r[column]) for r in reps]
            rows.append({"scenario": SCENARIO, "overrides": H100, "metric": metric, "argument": argument,
                         "value": f"{statistics.mean(values):.5f}", "unit": "x", "spread": f"{statistics.stdev(values):.5f}",
                         "role": "fitted" if fitted else "held-out", "tolerance_pct": "", "machine": MACHINE,
                         "source": "validation/traces/h100/interference.csv (decode batch 8, 4k context, CUDA graph; "
                                   "mean of 5 repeats)"})
    write("h100_interference.csv", rows)


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


if __name__ == "__main__":
    copies()
    decode()
    interference()
    host_contention()
