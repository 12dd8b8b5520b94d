"""Issue-slot demand of the co-runner kernels, measured with Nsight Compute: how much of an SM's
instruction issue each resident warp of a kernel uses alone.

Why (added 2026-12-04, a fourth session that day): the interference model's packing term charges a
one-wave launch packed onto the SMs decode leaves free by the issue slowdown of its most-packed SM,
as if every body were the integer-ALU probe's (validation/traces/h200/placement/curve.csv: 16
blocks of 4 warps on an SM take 5.18x one block's time). The copy body's own curve
(h200/placement_copy_curve/: 1.36x at 16 blocks) shows a 2-byte copy is latency-bound, and the
model over-predicts those launches by 33-95%. But a kernel's access width does not say how much it
issues: PyTorch's index kernels compute offsets per element, the copy probe does not. The packing
term needs each kernel's issue demand, which this measures.

For each kernel: Nsight Compute's issue-slot utilization (sm__issue_active, share of the SM's
issue slots used while it is active), resident warps per SM (sm__warps_active), instructions per
cycle, DRAM throughput (share of peak) and duration, per launch (median over the launches of the
unit's measured call). Issue demand per warp = issue-slot utilization / resident warps.

Units, each profiled in its own process (only the kernels inside its NVTX range ``measure``):
  ac_decode, dequantize_as_written, paged_scatter_layer, cat_8_chunks   the data-plane kernels as
        built (grid_units.dataplane_units; one layer's scatter); CacheGen's decoder from TORCHAC_PATH
  syn_<body>_g<grid>   the synthetic bodies of grid_kernels.py (alu; mem: 16-byte; mem2/4/8) at 132
        and 528 blocks of 128 threads, calibrated to ~200 us alone
  probe_<body>         the placement probe's bodies (placement_probe.py: alu, copy), 132 blocks of
        128 threads, ~200 us alone
  attention_b<B>_c<L>  (--units only; added 2026-12-04, a seventh session) decode's 32 attention
        kernels (cuDNN's SDPA, gpu_common.Model part "attention") at batch B and context L: how much
        of its SMs' issue attention's blocks take where each holds one, the issue a co-runner's blocks
        beside them lose (h200/short_phase_attention/ measured them beside the attention kernels alone)

Writes (atomically, after each unit): gpu.json and issue.csv (unit, kernel, grid, block, registers,
launches, duration_us, issue_active_pct, warps_active, ipc, dram_pct, issue_per_warp).
Run: python validation/collect/issue_profile.py $OUT [--ncu PATH]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

METRICS = {"sm__issue_active.avg.pct_of_peak_sustained_active": "issue_active_pct",
           "sm__warps_active.avg.per_cycle_active": "warps_active",
           "sm__inst_executed.avg.per_cycle_active": "ipc",
           "dram__throughput.avg.pct_of_peak_sustained_elapsed": "dram_pct",
           "gpu__time_duration.sum": "duration_ns"}
SYNTHETIC = [(body, grid) for body in ("alu", "mem", "mem2", "mem4", "mem8") for grid in (132, 528)]
HEAD = ["unit", "kernel", "grid", "block", "registers", "launches", "duration_us", "issue_active_pct",
        "warps_active", "ipc", "dram_pct", "issue_per_warp"]


def unit_names() -> list[str]:
    return (["ac_decode", "dequantize_as_written", "paged_scatter_layer", "cat_8_chunks"]
            + [f"syn_{b}_g{g}" for b, g in SYNTHETIC] + ["probe_alu", "probe_copy"])


def build(name: str):
    """The callable of one unit (built outside the measured range)."""
    import torch

    side = torch.cuda.Stream()
    if name.startswith("syn_"):
        from grid_kernels import Synthetic, calibrate
        _, body, grid = name.split("_")
        syn = Synthetic()
        iters, _ = calibrate(syn, body, int(grid[1:]), 128, 0, 200e-6, side)
        return syn.launcher(body, int(grid[1:]), 128, 0, iters, side), side
    if name.startswith("probe_"):
        import cupy as cp
        from placement_probe import Probe
        pr = Probe(name.split("_")[1])
        cs = cp.cuda.ExternalStream(side.cuda_stream)
        iters = pr.calibrate(cs, 128, 0, 132)
        rec = cp.zeros(3 * 132, dtype=cp.uint64)
        return (lambda: pr.launch(cs, 128, 0, 132, max(1, iters * 2 // 5), rec)), side  # ~200 us
    if name.startswith("attention_"):  # decode's attention kernels alone (gpu_common.Model, part "attention")
        from gpu_common import Model
        _, b, c = name.split("_")
        model = Model(int(b[1:]), int(c[1:]))
        model.part = "attention"
        x = model.inputs(int(b[1:]))
        return (lambda: model.step(x, int(c[1:]))), side
    from gpu_decode_path import load_torchac
    from grid_units import dataplane_units
    units = dataplane_units(load_torchac() if name == "ac_decode" else None, side)
    if name == "paged_scatter_layer":
        return units["paged_scatter"].layers[0], side
    return units[name], side


def run_unit(name: str) -> None:
    import torch

    fn, side = build(name)
    with torch.cuda.stream(side):
        fn()  # warm-up, outside the range
        torch.cuda.synchronize()
        torch.cuda.nvtx.range_push("measure")
        fn()
        torch.cuda.synchronize()
        torch.cuda.nvtx.range_pop()


def profile(ncu: str, name: str) -> list[list]:
    """Run one unit under Nsight Compute; its kernels' metrics, aggregated per kernel and shape."""
    cmd = [ncu, "--csv", "--page", "raw", "--nvtx", "--nvtx-include", "measure/", "--metrics",
           ",".join(list(METRICS) + ["launch__grid_size", "launch__block_size", "launch__registers_per_thread"]),
           sys.executable, __file__, "--run", name]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith('"')]
    if len(lines) < 3:
        print(f"{name}: no kernels profiled (rc {done.returncode}): {done.stderr[-400:]}", flush=True)
        return []
    rows = list(csv.DictReader(io.StringIO("\n".join([lines[0]] + lines[2:]))))  # skip the units row
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        key = (r["Kernel Name"][:120], r["launch__grid_size"], r["launch__block_size"], r["launch__registers_per_thread"])
        groups.setdefault(key, []).append(r)
    out = []
    for (kernel, grid, block, regs), rs in groups.items():
        med = {v: statistics.median(float(r[k].replace(",", "")) for r in rs) for k, v in METRICS.items()}
        per_warp = med["issue_active_pct"] / 100 / med["warps_active"] if med["warps_active"] > 0 else 0.0
        out.append([name, kernel, grid, block, regs, len(rs), f"{med['duration_ns'] / 1e3:.2f}",
                    f"{med['issue_active_pct']:.2f}", f"{med['warps_active']:.2f}", f"{med['ipc']:.3f}",
                    f"{med['dram_pct']:.2f}", f"{per_warp:.5f}"])
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?")
    ap.add_argument("--run", help=argparse.SUPPRESS)
    ap.add_argument("--ncu", default=os.environ.get("NCU", "/usr/local/cuda/bin/ncu"))
    ap.add_argument("--units", default="", help="only these units, comma-separated (attention_b<B>_c<L>: decode's "
                                                "attention kernels at batch B and context L)")
    args = ap.parse_args()
    if args.run:
        run_unit(args.run)
        return
    from gpu_common import gpu_properties, write_csv
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    props = gpu_properties()
    props["ncu"] = subprocess.run([args.ncu, "--version"], capture_output=True, text=True).stdout.strip().splitlines()[-1:]
    (out / "gpu.json.tmp").write_text(json.dumps(props, indent=1))
    (out / "gpu.json.tmp").replace(out / "gpu.json")
    rows: list[list] = []
    for name in (args.units.split(",") if args.units else unit_names()):
        got = profile(args.ncu, name)
        rows += got
        write_csv(out / "issue.csv", HEAD, rows)
        for r in got:
            print(f"{name}: {r[1][:50]} grid {r[2]} block {r[3]} x{r[5]}: {r[6]} us, issue {r[7]}%, warps {r[8]}, "
                  f"per warp {r[11]}, dram {r[10]}%", flush=True)


if __name__ == "__main__":
    main()
