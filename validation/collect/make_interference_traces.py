"""Turn the interference measurements into nicmodel traces (decode_time_ratio, corunner_time_ratio):

  validation/traces/h200/*.csv, h200/regime/, h200/regime_eager/, h200/probe/, h200/widths/
                                     -> validation/traces/h200_interference.csv
  validation/traces/h100/interference.csv -> validation/traces/h100_interference.csv (earlier collector)
  validation/traces/h100/grid/, h100/regime/
                                     -> validation/traces/h100_grid_interference.csv (the same
                                        collector as the H200's, run on an H100: all held out)
  validation/traces/h100/dataplane_random/
                                     -> validation/traces/h100_dataplane_random_interference.csv (the
                                        H100's data-plane units again, profiler never run, at a random
                                        point of the step; all held out)
  validation/traces/h100/coverage_sms_random1/, _random2/
                                     -> validation/traces/h100_coverage1_interference.csv, _coverage2_
                                        (one-wave ALU launches of one block on 16-132 SMs beside decode
                                        at four points, twice: decode's loss against the SMs held; all
                                        held out; read by validation/calibration/coverage_read.py)
  validation/traces/h200/rerun/, h200/rerun2/
                                     -> validation/traces/h200_rerun_interference.csv (the
                                        data-plane and one-wave regime points again, a day later,
                                        twice: the measurement's repeatability; all held out)
  validation/traces/h200/rerun_noprof/ -> validation/traces/h200_noprofiler_interference.csv (the
                                        same points, torch's profiler never started in the
                                        process; all held out)
  validation/traces/h200/phase/      -> validation/traces/h200_phase_interference.csv (co-runners
                                        launched at a decode step's start or at a random point of
                                        it; all held out)
  validation/traces/h200/random/, h200/regime_random/, h200/widths_random/
                                     -> validation/traces/h200_random_interference.csv (the three
                                        grids again, profiler never run first, every co-runner
                                        launched at a random point of the decode step; all held out)
  validation/traces/h200/probe_random/, h200/regime_eager_random/
                                     -> validation/traces/h200_probe_random_interference.csv (the
                                        probe and the eager regime kernels again, profiler never
                                        run first, at a random point of the step; all held out)
  validation/traces/h200/probe_points_random/
                                     -> validation/traces/h200_probe_points_interference.csv (the
                                        tenth sealed set: the probe at four new decode points)
  validation/traces/h200/probe_points2_random/
                                     -> validation/traces/h200_probe_points2_interference.csv (the
                                        thirteenth sealed set: the probe at four more new points)
  validation/traces/h200/probe_points3_random/
                                     -> validation/traces/h200_probe_points3_interference.csv (the
                                        fifteenth sealed set: four more, --window 0.4)
  validation/traces/h200/start_noprof/ -> validation/traces/h200_start_interference.csv (the first
                                        grid again at the step's start, profiler never run first;
                                        all held out)
  validation/traces/h200/short_random/, h200/paced_random/
                                     -> validation/traces/h200_launch_interference.csv (units of
                                        32 short launches from Python and as CUDA graphs, and from
                                        Python at host intervals; the collector's hash split: the
                                        launch waits are fitted on its fitted points)
  validation/traces/h200/onewave_random/ -> validation/traces/h200_onewave_interference.csv
                                        (one-wave kernels of 1, 2 or 4 blocks per SM; hash split)
  validation/traces/h200/short_points_random/ -> validation/traces/h200_launch_points_interference.csv
                                        (the short units at four other decode points, measured
                                        after the launch waits were fitted; all held out)
  validation/traces/h200/short_sweep_random/ -> validation/traces/h200_short_sweep_interference.csv
                                        (one-wave short launches of 1.7-5.7 us at four more decode
                                        points: the short units' co-runner rows fitted, the rest held out)
  validation/traces/h200/short_sealed_random/ -> validation/traces/h200_short_sealed_interference.csv
                                        (the seventeenth sealed set: the check of L2 residency; all held out)
  validation/traces/h200/l2_boundary_random/ -> validation/traces/h200_l2_boundary_interference.csv
                                        (one-wave 16-byte copies of 40-80 MiB a launch around the
                                        H200's 60 MiB L2, and a 2-byte one of 32 MiB; all held out)
  validation/traces/h200/l2_partial_random/  -> validation/traces/h200_l2_partial_interference.csv
                                        (the L2 partial fit's sealed set; all held out)
  validation/traces/h200/coverage_sms_random1/, _random2/
                                     -> validation/traces/h200_coverage1_interference.csv, _coverage2_
                                        (the coverage run on the H200; all held out)
  validation/traces/h200/regime_decode_fit_random/ -> validation/traces/h200_regime_decode_fit_interference.csv
                                        (the regime kernels at four attention-heavy decode points: the
                                        fitted set of a decode-side form not adopted; all held out)
  validation/traces/h200/probe_start_noprof/, h200/regime_start_noprof/
                                     -> validation/traces/h200_start_probe_interference.csv (the first
                                        grid's probe and regime sections again at the step's start,
                                        profiler never run; all held out)
  validation/traces/h200/short_points_repeat_random/
                                     -> validation/traces/h200_launch_points_repeat_interference.csv
                                        (the same again, each point's spread recorded; all held out)
  validation/traces/h200/short_points2_random/ -> validation/traces/h200_short_points2_interference.csv
                                        (the same units and the scatter beside one-block attention
                                        grids: the eighth sealed set, all held out)
  validation/traces/h200/dataplane_points_random/ -> validation/traces/h200_dataplane_points_interference.csv
                                        (the data-plane units at four other decode points; all held out)
  validation/traces/h200/widths_points_random/, regime_points_random/
                                     -> validation/traces/h200_grid_points_interference.csv
                                        (the width and regime grids at the same four points; all held out)
  validation/traces/h200/dataplane_points2_random/ -> validation/traces/h200_dataplane_points2_interference.csv
                                        (the data-plane units at four more points, after the last fit; all held out)
  validation/traces/h200/dataplane_points3_random/ -> validation/traces/h200_dataplane_points3_interference.csv
                                        (the same where the attention grid changes with the batch; all held out)
  validation/traces/h200/dataplane_points4_random/, dataplane_points5_random/
                                     -> validation/traces/h200_dataplane_points4_interference.csv
                                        (eight more points whose attention grids no run had, declared before
                                        the batch-dependent residency; all held out)
  validation/traces/h200/dataplane_points6_random/, dataplane_points7_random/
                                     -> validation/traces/h200_dataplane_points6_interference.csv
                                        (eight more, measured after the residency was refitted; all held out)
  validation/traces/h200/dataplane_points8_random/, dataplane_points9_random/
                                     -> validation/traces/h200_dataplane_points8_interference.csv
                                        (eight long-attention points: 32x8k, 12k-16k tokens, two-wave 8k grids;
                                        its co-runner rows: the grid-wait terms' fitted set)
  validation/traces/h200/dataplane_points10_random/, dataplane_points11_random/
                                     -> validation/traces/h200_dataplane_points10_interference.csv
                                        (seven multi-wave points: the check of multiwave_stretch's range)
  validation/traces/h200/dataplane_points12_random/, dataplane_points13_random/
                                     -> validation/traces/h200_dataplane_points12_interference.csv
                                        (eight points at attention loads no run had: the check of the grid
                                        waits, measured after their fit; all held out)
  validation/traces/h200/widths_points2_random/, regime_points2_random/
                                     -> validation/traces/h200_grid_points2_interference.csv
                                        (the width and regime grids beside multi-wave attention,
                                        after that check; all held out)
  validation/traces/h200/drain_random/ -> validation/traces/h200_drain_interference.csv (many-wave
                                        kernels of short to long block lifetimes; all held out)
  validation/traces/h200/placement/  -> validation/traces/h200_placement_interference.csv (one-wave
                                        launches at a random point of the step, placement_probe.py;
                                        fitted at two decode points, held out at two; a --run folder
                                        holding launches.csv is read as such a run, every point held out)
  validation/traces/h200/placement_copy/ -> validation/traces/h200_placement_copy_interference.csv (the
                                        same launches copying 2-byte elements; held out until
                                        latency_loss was fitted on two of its decode points, 2026-12-04)
  validation/traces/h200/placement_copy_sealed/ -> validation/traces/h200_placement_copy_sealed_interference.csv
                                        (its sealed set: five new shapes, five new decode points)
  validation/traces/h200/placement_copy_sealed2/ -> validation/traces/h200_placement_copy_sealed2_interference.csv
                                        (the loaded-latency form's sealed set, --sealed2: all held out)
  validation/traces/h200/placement_copy_sealed3/ -> validation/traces/h200_placement_copy_sealed3_interference.csv
                                        (the latency relief's sealed set, --sealed3: all held out)
  validation/traces/h200/placement_copy_warps/ -> validation/traces/h200_placement_copy_warps_interference.csv
                                        (the warps grid, --warps: declared fitted before any form
                                        for it; latency_relief and latency_loss are fitted on it
                                        with placement_copy's fitted points, 2026-12-04, a tenth session)

Each row's argument describes what the co-runner demands (see nicmodel/validation/interference.py):
the synthetic co-runners by their launch shape, the data-plane kernels by the GPU spec's kernel
(decompress, dequantize, copy) with their measured GPU time and the HBM bytes their tensors move.
A co-runner given by its shape that streams memory names its access width (width=, bytes per
thread per load or store) from its code: the synthetic "mem" bodies load float4 (16 B), the
access-width grid's 2/4/8, the probe's copies 2 and 16, PyTorch's strided copy and torch.cat
2 (bf16 through the unvectorized elementwise kernel), the earlier collector's dequantization 2
(its broadcast bf16 multiply); ALU bodies stream nothing. Every row names its burst (burst=, the
units enqueued back to back): the collector's k launches at the start of a decode step, or inf for
a co-runner whose stream never drains (saturated rows, and the earlier collector's), and
launch=graph where the collector replayed the unit from a CUDA graph (column `graph`).

The roles are the collector's (fixed before any fit, interference_grid.py: every data-plane and
earlier-collector point held out, 35% of the synthetic points held out by hash, the copy-engine
points of copy_fit.csv fitted), and every H100
point is held out (its decode ratios beside kernels are left out: that collector did not record the
co-runner's busy share, an input of the model; its co-runner ratios and the DMA point remain). Rows the collector could not measure cleanly are left out and counted: a
co-runner time with fewer than 3 launches inside the decode window, and a co-runner fed from
Python too slowly to stay queued (CPU enqueue time above 80% of the decode step), and a synthetic
co-runner whose calibration collapsed: its time alone more than twice what its iterations explain
(iterations x the time per iteration of its longest sibling of the same shape) plus 5 us, i.e. launch overhead measured as
kernel time (six 20-us co-runners on the H100, none on the H200; rule fixed before looking at
their errors, from the calibration table alone); and (2026-12-04, a fifth session) a saturating
co-runner issued launch by launch from Python whose kernel alone is shorter than twice the host's
issue time per launch (HOST_ISSUE_S: 7.3 us, the shortest Python-issued unit of 32 launches alone
over its launches, h200/short_random/), i.e. a host-bound measurement: the thread that issues it also replays decode,
so decode waits for the host (the 7-10 us eager regime kernels: decode 2.0-5.6x slower, the
co-runner at its pace alone, where the same kernels replayed from a CUDA graph slow decode
1.1-1.6x, h200/regime_random/). Any threshold from 1.4x to 2.6x the issue time drops the same rows
(the eager saturating kernels are 7.0-9.8 us or at least 19.4 us); only the H200's eager regime runs
have such rows.
Run: python validation/collect/make_interference_traces.py          (every committed trace, again)
     python validation/collect/make_interference_traces.py --run h100/clean:synthetic --run h100/drain:drain \
         --gpu h100-sxm --out h100_clean_interference.csv         (one GPU's new runs -> one trace, held out)
A run folder is a path under validation/traces/ written by interference_grid.py (measure_gpu.sh runs
the sections a new GPU needs); :PREFIX names its synthetic families (default: synthetic). Every point
of such a trace is held out unless --keep-roles keeps the collector's declared split.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
from collections import defaultdict

# the rows' arguments; HOST_ISSUE_S is read from here too (tests/test_validation.py)
from trace_arguments import (BODY_FAMILIES, BODY_WIDTHS, COLUMNS, FAMILIES, H200_MACHINE, HERE, HOST_ISSUE_S,
                             PROBES, SCENARIO, TRACES, dataplane_argument, footprint, kernel_times, mb, probe_argument,
                             synthetic_argument, us, width)


def calibration_collapsed(syn: dict[str, dict], name: str) -> bool:
    """Whether a synthetic co-runner's time alone is launch overhead rather than its iterations."""
    c = syn[name]
    family = name.rsplit("_", 1)[0] + "_"
    sibling = max((s for n, s in syn.items() if n.startswith(family)), key=lambda s: float(s["target_s"]))
    if sibling is c:
        return False
    explained = int(c["iterations"]) * float(sibling["alone_s"]) / int(sibling["iterations"])
    return float(c["alone_s"]) > 2 * explained + 5e-6


def grid_trace(folders: list[tuple[str, str]], gpu: str, out: str, role: str | None = None,
               fitted_metric: str | None = None, fitted_family: str = "") -> None:
    """One GPU's runs of interference_grid.py (folder, family prefix of its synthetic co-runners)
    as one trace; ``role`` overrides the collector's (the second GPU: every point held out), and
    ``fitted_metric``'s rows whose family starts with ``fitted_family`` are fitted whatever the role
    (a later calibration's declared set)."""
    rows = []
    for folder, prefix in folders:
        rows += grid_rows(folder, gpu, prefix, role)
    for r in rows:
        if r["metric"] == fitted_metric and r["argument"].startswith(f"family={fitted_family}"):
            r["role"] = "fitted"
    write(out, [r for r in rows if "pinned-copies-fit" not in r["argument"]])


def sealed_set(first: int, runs: int = 3) -> None:
    """A sealed set measured as ``runs`` runs of the data-plane units (h200/dataplane_points{first}_random
    onward), turned into one trace named after its first run, every point held out."""
    grid_trace([(f"h200/dataplane_points{n}_random", "regime") for n in range(first, first + runs)], "h200",
               f"h200_dataplane_points{first}_interference.csv", role="held-out")


def grid_rows(folder: str, gpu: str, prefix: str, role: str | None) -> list[dict]:
    raw = TRACES / folder
    props = json.loads((raw / "gpu.json").read_text())
    machine = H200_MACHINE if folder == "h200" else (
        # runs before gpu.json recorded the driver were all on 580.159.04 (both machines' READMEs)
        f"{props['name']}, {props['multi_processor_count']} SMs, driver {props.get('driver') or '580.159.04'}, "
        f"torch {props['torch'][:4]}, "
        f"CUDA {props['cuda']} (validation/traces/{folder}/gpu.json)")
    grid = list(csv.DictReader(open(raw / "interference_grid.csv")))
    syn_path = raw / "synthetic_corunners.csv"
    syn = {r["corunner"]: r for r in csv.DictReader(open(syn_path))} if syn_path.exists() else {}
    launched = {}  # --paced and --short units: 32 launches of one kernel, their time per launch alone
    for table in ("paced_corunners.csv", "short_corunners.csv"):
        if (raw / table).exists():
            launched.update({r["corunner"]: r for r in csv.DictReader(open(raw / table)) if r["body"] in BODY_WIDTHS
                             or r["body"] == "alu"})
    # a run of another decode model (interference_grid.py --model) is predicted with that model's spec
    model_json = raw / "decode_model.json"
    overrides = ";".join([f"gpu={gpu}", *(json.loads(model_json.read_text())["overrides"] if model_json.exists() else [])])
    kernel_rows = list(csv.DictReader(open(raw / "kernels.csv")))
    kernels = kernel_times(kernel_rows)
    shapes = {r["unit"]: r for r in kernel_rows}
    rows, dropped = [], defaultdict(int)
    collapsed = {n for n, c in syn.items() if calibration_collapsed(syn, n)}
    for r in grid:
        name = r["corunner"]
        if name in collapsed:
            dropped["synthetic co-runner whose calibration collapsed (launch overhead timed as kernel)"] += 1
            continue
        fed = r["offered_duty"] == "saturated" or float(r["cpu_per_step_s"]) <= 0.8 * float(r["decode_beside_s"])
        if not fed:
            dropped["co-runner fed too slowly from Python"] += 1
            continue
        if (r["offered_duty"] == "saturated" and r.get("graph") == "0"
                and float(r["corunner_alone_s"]) < 2 * HOST_ISSUE_S):
            dropped["saturating Python-issued kernel shorter than twice the host's issue time (host-bound)"] += 1
            continue
        if r["section"] == "copyfit":
            family = "pinned-copies-fit"
            nbytes = int(name.split("_")[1].removesuffix("MiB")) << 20
            what = f"kernel=dma,rate={nbytes / float(r['corunner_alone_s']) / 1e9:.4g}GB/s,duration={us(float(r['corunner_alone_s']))}"
        elif r["section"] == "probe":
            unit = name.rsplit("_", 1)[0]
            if unit not in PROBES:
                dropped["probe without a launch shape (device-to-device memcpy)"] += 1
                continue
            family, what = probe_argument(unit, shapes[unit], float(r["corunner_alone_s"]))
        elif name in launched:
            c = launched[name]
            per_launch = float(c.get("launch_gpu_s") or c["launch_alone_s"])
            # a paced kernel timed alone from Python (no launch_gpu_s) whose calibration hit its floor
            # of one iteration: its time per launch is the host's launch rate, not the kernel's
            if "launch_gpu_s" not in c and int(c["iterations"]) == 1:
                dropped["paced unit whose time per launch alone is the host's launch rate (1 iteration)"] += 1
                continue
            family = f"{prefix}-{BODY_FAMILIES[c['body']]}"
            n = int(c["launches"])
            what = (f"kernel=shape,threads={c['threads']},regs={c['registers_per_thread']},smem=0,blocks={c['blocks']}"
                    f"{width(BODY_WIDTHS.get(c['body']))},duration={us(n * per_launch)},launches={n},"
                    f"bytes={mb(n * float(c['hbm_bytes']))}{footprint(float(c['hbm_bytes']))}")
        elif name in syn:
            family = f"{prefix}-{BODY_FAMILIES.get((prefix, syn[name]['body']), BODY_FAMILIES[syn[name]['body']])}"
            what = synthetic_argument(syn[name])
        else:
            # --paced runs the scatter at host intervals (paged_scatter_every20us); --short --twins on the
            # synthetic units' stream from Python and as a graph (paged_scatter_syn, paged_scatter_graph)
            unit = name.split("_every")[0].removesuffix("_syn").removesuffix("_graph")
            family = FAMILIES.get(unit, "earlier-collector")
            what = dataplane_argument(unit, kernels[unit])
        unit_time = float(r["corunner_alone_s"])
        burst = "inf" if r["offered_duty"] == "saturated" else r["k"]  # k units at the start of a step
        base = (f"family={family},batch={r['batch']},context={r['context_tokens']},priority={r['decode_priority']},"
                f"busy={float(r['busy_share']):.4f},{what},unit_time={us(unit_time)},burst={burst}"
                f"{',launch=graph' if r.get('graph') == '1' else ''}")
        source = (f"validation/traces/{folder}/interference_grid.csv ({name}, k={r['k']} every {r['m'] or 'step'}"
                  f"{' saturated' if r['offered_duty'] == 'saturated' else ''})")
        common = {"scenario": SCENARIO, "overrides": overrides, "unit": "x", "repeat": r["repeat"], "spread": "",
                  "role": role or ("held-out" if r["section"] == "probe" else r["role"]), "tolerance_pct": "",
                  "machine": machine, "source": source}
        rows.append({**common, "metric": "decode_time_ratio", "argument": base,
                     "value": f"{float(r['decode_beside_s']) / float(r['decode_alone_s']):.5f}"})
        if r["corunner_beside_s"] != "nan" and int(r["inside_launches"]) >= 3 and not what.startswith("kernel=dma"):
            sem = float(r.get("corunner_sem_s") or "nan")  # recorded since 2026-12-04's last session
            rows.append({**common, "metric": "corunner_time_ratio", "argument": base,
                         "value": f"{float(r['corunner_beside_s']) / unit_time:.5f}",
                         **({"stderr": f"{sem / unit_time:.5f}"} if math.isfinite(sem) else {})})
        elif not what.startswith("kernel=dma"):
            dropped["co-runner time: fewer than 3 launches inside the decode window"] += 1
    for why, n in dropped.items():
        print(f"  {folder}: left out {n} {why}")
    return rows


def h200_dma() -> None:
    """The fitted copy-engine points (dma_factor), in a trace of their own so that their fit and
    its confidence interval rest on them alone."""
    raw = TRACES / "h200"
    machine = H200_MACHINE
    rows = []
    for r in csv.DictReader(open(raw / "copy_fit.csv")):
        nbytes = int(r["corunner"].split("_")[1].removesuffix("MiB")) << 20
        alone = float(r["corunner_alone_s"])
        arg = (f"family=pinned-copies-fit,batch={r['batch']},context={r['context_tokens']},priority=equal,"
               f"busy={float(r['busy_share']):.4f},kernel=dma,rate={nbytes / alone / 1e9:.4g}GB/s,duration={us(alone)}")
        rows.append({"scenario": SCENARIO, "overrides": "gpu=h200", "metric": "decode_time_ratio", "argument": arg,
                     "value": f"{float(r['decode_beside_s']) / float(r['decode_alone_s']):.5f}", "unit": "x",
                     "repeat": 0, "spread": "", "role": r["role"], "tolerance_pct": "", "machine": machine,
                     "source": f"validation/traces/h200/copy_fit.csv ({r['corunner']}, k={r['k']})"})
    write("h200_dma_interference.csv", rows)


def h100_legacy() -> None:
    rows = []
    machine = "H100 80GB HBM3 SXM, PCIe Gen5 x16, 16-vCPU Xeon VM (validation/traces/h100/machine.txt)"
    units = {"dequant_memory_bound": ("kernel=shape,threads=128,regs=18,smem=0,blocks=524288,width=2B,duration=1370us,"
                                      f"launches=2,bytes={mb(7 * (256 << 20))}"),
             "integer_compute_bound": ("kernel=shape,threads=128,regs=18,smem=0,blocks=4096,duration=1105us,"
                                       f"bytes={mb(8 * (1 << 22))}"),
             "h2d_dma": "kernel=dma,rate=54.9GB/s,duration=4890us"}
    for r in csv.DictReader(open(TRACES / "h100" / "interference.csv")):
        # the H100 collector captured decode's CUDA graph on a normal-priority stream, so its
        # kernels ran at normal priority on the "high" stream too: both rows are equal priority
        base = (f"family=h100-{r['corunner'].replace('_', '-')},batch=8,context=4096,priority=equal,busy=1,"
                f"{units[r['corunner']]},burst=inf")
        common = {"scenario": SCENARIO, "overrides": "gpu=h100-sxm", "unit": "x", "repeat": r["repeat"], "spread": "",
                  "role": "held-out", "tolerance_pct": "", "machine": machine,
                  "source": f"validation/traces/h100/interference.csv (decode stream '{r['decode_priority']}', graph "
                            "captured at normal priority)"}
        # decode beside a kernel co-runner depends on how much of the window the co-runner's stream
        # was busy, which this collector did not record: only the DMA point (no SMs) is predictable
        if r["corunner"] == "h2d_dma":
            rows.append({**common, "metric": "decode_time_ratio", "argument": base,
                         "value": f"{1 + float(r['decode_slowdown']):.5f}"})
        else:
            rows.append({**common, "metric": "corunner_time_ratio", "argument": base,
                         "value": f"{1 + float(r['corunner_slowdown']):.5f}"})
    write("h100_interference.csv", rows)


def phase_trace() -> None:
    """reference_checks.py --phase: each data-plane unit and two one-wave regime kernels, one launch
    per decode step, at the step's start or at a uniformly random point of it (h200/phase/).
    The co-runner ratios only, every point held out; a row's argument is the rerun's (h200/rerun/:
    same day, same machine, its kernel times; its busy share per launch per step, which the
    co-runner ratio does not use) with this run's time alone."""
    raw = TRACES / "h200" / "phase"
    rerun = TRACES / "h200" / "rerun"
    props = json.loads((rerun / "gpu.json").read_text())
    machine = (f"{props['name']}, {props['multi_processor_count']} SMs, driver 580.159.04, torch {props['torch'][:4]}, "
               f"CUDA {props['cuda']} (validation/traces/h200/rerun/gpu.json)")
    kernels = kernel_times(list(csv.DictReader(open(rerun / "kernels.csv"))))
    syn = {r["corunner"]: r for r in csv.DictReader(open(rerun / "synthetic_corunners.csv"))}
    busy: dict[tuple, float] = {}  # one launch per step: the rerun's fewest launches per step, scaled
    for r in sorted(csv.DictReader(open(rerun / "interference_grid.csv")), key=lambda r: -int(r["k"])):
        busy[r["corunner"], r["batch"], r["decode_priority"]] = float(r["busy_share"]) / int(r["k"])
    quads = {"quad512": "reg_alu_quad_g512_500us", "quad132": "reg_alu_quad_g132_500us"}
    rows = []
    for r in csv.DictReader(open(raw / "phase.csv")):
        name = quads.get(r["unit"], r["unit"])
        family = ("regime-compute" if name in syn else FAMILIES[name]) + ("-random-phase" if r["phase"] == "random" else
                                                                         "-step-start")
        what = synthetic_argument(syn[name]) if name in syn else dataplane_argument(name, kernels[name])
        arg = (f"family={family},batch={r['batch']},context={r['context']},priority={r['priority']},"
               f"busy={busy[name, r['batch'], r['priority']]:.4f},{what},"
               f"unit_time={us(float(r['alone_back_to_back_s']))},burst=1")
        rows.append({"scenario": SCENARIO, "overrides": "gpu=h200", "metric": "corunner_time_ratio", "argument": arg,
                     "value": r["ratio_back_to_back"], "unit": "x", "repeat": 0, "spread": "", "role": "held-out",
                     "tolerance_pct": "", "machine": machine,
                     "source": f"validation/traces/h200/phase/phase.csv ({r['unit']}, {r['phase']} of the step)"})
    write("h200_phase_interference.csv", rows)


PLACEMENT_FITTED = {("8", "4096"), ("1", "1024")}  # decode points declared fitted before the fit; the rest held


def placement_rows(folder: str, gpu: str, role: str | None = None) -> list[dict]:
    """placement_probe.py's run in ``folder``: one-wave ALU launches of six shapes, one per decode
    step at a random point of it. Per configuration, the mean of the launch's span (enqueue to its
    last block's end) over its span alone (corunner_time_ratio), and the mean decode step beside it
    over the step alone with the launch's busy share (decode_time_ratio). ``role`` overrides the
    split (H200: crowding and pack_blocks fitted on the decode points of PLACEMENT_FITTED)."""
    raw = TRACES / folder
    props = json.loads((raw / "gpu.json").read_text())
    machine = (f"{props['name']}, {props['multi_processor_count']} SMs, driver {props['driver']}, torch "
               f"{props['torch'][:4]}, CUDA {props['cuda']} (validation/traces/{folder}/gpu.json)")
    regs = props.get("probe_registers_per_thread", props["alu_probe_registers_per_thread"])
    launches = defaultdict(list)
    for r in csv.DictReader(open(raw / "launches.csv")):
        launches[r["batch"], r["context"], r["priority"], r["shape"]].append(r)
    rows = []
    for (batch, context, priority, shape), rs in launches.items():
        first = rs[0]
        alone = float(first["alone_span_us"])
        step = float(first["decode_alone_us"])
        copy = first.get("body", "alu") == "copy"  # 2-byte copies: HBM bytes and access width
        family = ("placement-copy-" if copy else "placement-") + shape.replace("_", "-")
        moved = f"bytes={mb(float(first['bytes_per_launch']))},width=2B" if copy else "bytes=0.0000MB"
        arg = (f"family={family},batch={batch},context={context},priority={priority},busy={alone / step:.4f},"
               f"kernel=shape,threads={first['threads']},regs={regs},smem={first['smem']}B,blocks={first['blocks']},"
               f"duration={alone:.2f}us,{moved},unit_time={alone:.2f}us,burst=1")
        common = {"scenario": SCENARIO, "overrides": f"gpu={gpu}", "argument": arg, "unit": "x", "repeat": 0,
                  "spread": "", "tolerance_pct": "", "machine": machine,
                  "role": role or ("fitted" if (batch, context) in PLACEMENT_FITTED else "held-out"),
                  "source": f"validation/traces/{folder}/launches.csv ({shape}, {len(rs)} launches)"}
        span = sum(float(r["span_from_enqueue_us"]) for r in rs) / len(rs) / alone
        decode = sum(float(r["decode_step_us"]) for r in rs) / len(rs) / step
        rows.append({**common, "metric": "corunner_time_ratio", "value": f"{span:.5f}"})
        rows.append({**common, "metric": "decode_time_ratio", "value": f"{decode:.5f}"})
    return rows


def write(name: str, rows: list[dict]) -> None:
    """Write the trace ``name`` (under validation/traces/, or a path) atomically: a reader sees the
    old file or the new one, never half of one."""
    path = TRACES / name
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="") as handle:
        # stderr only where a run recorded one (corunner_sem_s): earlier traces keep their bytes
        stderr = ["stderr"] if any(r.get("stderr") for r in rows) else []
        writer = csv.DictWriter(handle, fieldnames=COLUMNS + stderr, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    os.replace(tmp, path)
    roles = defaultdict(int)
    for r in rows:
        roles[r["role"]] += 1
    print(f"wrote {name}: {len(rows)} points ({', '.join(f'{n} {k}' for k, n in sorted(roles.items()))})")


def one_gpu(argv: list[str]) -> int:
    """``--run FOLDER[:PREFIX] ... --gpu NAME --out FILE``: one GPU's collector runs as one trace."""
    ap = argparse.ArgumentParser(description="collector runs of interference_grid.py -> one trace")
    ap.add_argument("--run", action="append", required=True, metavar="FOLDER[:PREFIX]",
                    help="a run folder under validation/traces/ (repeatable); PREFIX names its synthetic "
                         "families (default: synthetic)")
    ap.add_argument("--gpu", required=True, help="the GPU spec its rows are predicted with (hwspecs/gpus/NAME.yaml)")
    ap.add_argument("--out", required=True, help="the trace to write, under validation/traces/ (or a path)")
    ap.add_argument("--keep-roles", action="store_true",
                    help="keep the collector's declared fitted/held-out split (default: every point held out)")
    args = ap.parse_args(argv)
    runs = [(r.split(":", 1) + ["synthetic"])[:2] for r in args.run]
    # placement_probe.py's runs (either body: the copy body writes no curve.csv) hold launches.csv
    placement = [f for f, _ in runs if (TRACES / f / "launches.csv").exists()
                 and not (TRACES / f / "interference_grid.csv").exists()]
    runs = [(f, prefix) for f, prefix in runs if f not in placement]
    for folder in placement:
        missing = [f for f in ("gpu.json", "launches.csv") if not (TRACES / folder / f).exists()]
        if missing:
            print(f"error: validation/traces/{folder}: no {missing[0]} (expected a run of placement_probe.py)",
                  file=sys.stderr)
            return 2
    for folder, _ in runs:
        missing = [f for f in ("gpu.json", "interference_grid.csv", "kernels.csv") if not (TRACES / folder / f).exists()]
        if missing:
            print(f"error: validation/traces/{folder}: no {missing[0]} (expected a run of interference_grid.py)",
                  file=sys.stderr)
            return 2
    if not (HERE.parents[1] / "hwspecs" / "gpus" / f"{args.gpu}.yaml").exists():
        print(f"error: --gpu {args.gpu}: no hwspecs/gpus/{args.gpu}.yaml", file=sys.stderr)
        return 2
    role = None if args.keep_roles else "held-out"
    rows = [r for f, prefix in runs for r in grid_rows(f, args.gpu, prefix, role)]
    rows += [r for f in placement for r in placement_rows(f, args.gpu, role or "held-out")]
    write(args.out, [r for r in rows if "pinned-copies-fit" not in r["argument"]])
    return 0


if __name__ == "__main__" and len(sys.argv) > 1:
    sys.exit(one_gpu(sys.argv[1:]))
if __name__ == "__main__":
    grid_trace([("h200", "synthetic"), ("h200/regime", "regime"), ("h200/regime_eager", "regime-eager"),
                ("h200/probe", "probe"), ("h200/widths", "widths")], "h200", "h200_interference.csv")
    grid_trace([("h100/grid", "synthetic"), ("h100/regime", "regime")], "h100-sxm", "h100_grid_interference.csv",
               role="held-out")
    # the H100's data-plane units again, unprofiled, at a random point of the step (declared 2026-12-05, an
    # eighteenth session, before the run): whether the profiled grid's decoder miss is the profiler's; all held out
    grid_trace([("h100/dataplane_random", "regime")], "h100-sxm", "h100_dataplane_random_interference.csv",
               role="held-out")
    # the sealed check of narrow_attention through the GPU's loaded latency beside attention (declared
    # 2026-12-05, a twenty-first session, before the form was screened): the H100's data-plane units at four
    # decode points no H100 run had; all held out (tests/test_attention_latency.py holds its claims)
    grid_trace([("h100/dataplane_sealed_random", "regime")], "h100-sxm", "h100_dataplane_sealed_interference.csv",
               role="held-out")
    # the sealed check of the turn wait in GEMM lengths (declared 2026-12-05, a twenty-second session, after the
    # form's screen and before the run): the H100's data-plane units at four more decode points no H100 run had;
    # all held out (tests/test_turn_wait.py holds its claims)
    grid_trace([("h100/dataplane_sealed2_random", "regime")], "h100-sxm", "h100_dataplane_sealed2_interference.csv",
               role="held-out")
    # the ladder's data-plane units beside Qwen2.5-14B- and -32B-shaped decode (declared 2026-12-06, a twenty-seventh
    # session, before the run): the committed model between the GEMM lengths checked and those the crawl was fitted
    # beside; all held out (tests/test_qwen_rungs.py holds its claims)
    # and the sealed check of a candidate crawl share by pace (declared the same session; tests/test_pace_crawl.py)
    for run in ("ladder_qwen14b", "ladder_qwen32b", "pace_70b", "pace_405b"):
        if (TRACES / f"h100/dataplane_{run}_random").exists():
            grid_trace([(f"h100/dataplane_{run}_random", "regime")], "h100-sxm",
                       f"h100_dataplane_{run}_interference.csv", role="held-out")
    # decode's loss against the SMs a co-runner holds (declared 2026-12-05, an eighteenth session; measured on
    # an H100 as amended in a nineteenth): one trace per repetition, so their spread reads as two runs; the
    # 52 x 3840 point ran in a process of its own (the KV cache of 52 x 8k did not fit); all held out
    for n in (1, 2):
        grid_trace([(f"h100/coverage_sms_random{n}/three", "coverage"), (f"h100/coverage_sms_random{n}/b52", "coverage")],
                   "h100-sxm", f"h100_coverage{n}_interference.csv", role="held-out")
    # the data-plane and one-wave regime points again, on 2026-12-03's H200 with the same code, twice
    # (reference_checks.py --collector-check): how far the measurement itself moves; all held out
    grid_trace([("h200/rerun", "regime"), ("h200/rerun2", "regime")], "h200", "h200_rerun_interference.csv",
               role="held-out")
    # the same points with torch's profiler (CUPTI) never started in the process: every collector
    # run above profiled its kernels first (kernels.csv), which changes how concurrent kernels'
    # blocks are dispatched (validation/traces/h200/collector_timeline/); its kernels.csv is the
    # rerun's (same units, same machine, same day)
    grid_trace([("h200/rerun_noprof", "regime")], "h200", "h200_noprofiler_interference.csv", role="held-out")
    phase_trace()
    # the grids again with the fixed collector (2026-12-03: descriptors recorded last, the profiler
    # never ran before a measurement), every co-runner launched at a random point of the decode step
    # it waits for (--phase random); and the main grid at the step's start, unprofiled, without
    # CacheGen's decoder (its data-plane points are h200/rerun_noprof/'s). Every point is held out:
    # no spec number is fitted to them (the coefficients stay those fitted on h200_interference.csv;
    # docs/serving.md says why). The collector's declared split stays in the raw CSVs' role column
    # for a refit on them.
    grid_trace([("h200/random", "synthetic"), ("h200/regime_random", "regime"), ("h200/widths_random", "widths")],
               "h200", "h200_random_interference.csv", role="held-out")
    grid_trace([("h200/start_noprof", "synthetic")], "h200", "h200_start_interference.csv", role="held-out")
    # 2026-12-03, the fixed collector at random phase, split by the collector's hash rule: units of 32
    # short launches (--short: from Python and as CUDA graphs; --paced: from Python at host intervals),
    # the scatter beside them held out; and one-wave kernels of 1, 2 or 4 blocks per SM (--onewave)
    grid_trace([("h200/short_random", "short"), ("h200/paced_random", "paced")], "h200",
               "h200_launch_interference.csv")
    grid_trace([("h200/onewave_random", "onewave")], "h200", "h200_onewave_interference.csv")
    # the same short units at four other decode points (batch x context: 32x1k, 32x4k, 8x8k, 1x8k),
    # measured after the launch waits were fitted: every point held out
    grid_trace([("h200/short_points_random", "short")], "h200", "h200_launch_points_interference.csv",
               role="held-out")
    # the same units at the same points again, each point's spread recorded (declared 2026-12-04, a
    # thirteenth session; measured 2026-12-05, a fifteenth): their repeatability and noise floor beside
    # the model's misses there; all held out
    grid_trace([("h200/short_points_repeat_random", "short")], "h200", "h200_launch_points_repeat_interference.csv",
               role="held-out")
    # the short launches' sweep (declared 2026-12-05, a fifteenth session, before its run and before any
    # form was written for it): the next short-launch form's fitted set, its short units' co-runner rows;
    # the scatter beside them (a data-plane kernel) and every decode row held out
    grid_trace([("h200/short_sweep_random", "short")], "h200", "h200_short_sweep_interference.csv",
               role="held-out", fitted_metric="corunner_time_ratio", fitted_family="short-")
    # the seventeenth sealed set (declared with the sweep, before either ran; its claims' test committed
    # with L2 residency, before this trace): the short launches at four decode points no run had, all held out
    grid_trace([("h200/short_sealed_random", "short")], "h200", "h200_short_sealed_interference.csv",
               role="held-out")
    # the L2 boundary (declared 2026-12-05, a fifteenth session, after L2 residency was adopted; measured
    # a sixteenth): one-wave copies whose footprint is around the L2's capacity. Its short-memory co-runner
    # rows are the partial fit's fitted set (l2_resident_share; declared a sixteenth session, before the
    # form was written); the 2-byte copy, the scatter and every decode row held out
    grid_trace([("h200/l2_boundary_random", "short")], "h200", "h200_l2_boundary_interference.csv",
               role="held-out", fitted_metric="corunner_time_ratio", fitted_family="short-memory")
    # the L2 partial fit's sealed set (declared 2026-12-05, a sixteenth session, before the run and before any
    # form; measured a twentieth, when an H200 was lent): every point held out
    grid_trace([("h200/l2_partial_random", "short")], "h200", "h200_l2_partial_interference.csv", role="held-out")
    # the coverage run on the H200 (declared 2026-12-05, an eighteenth session; measured a twentieth), one trace
    # per repetition as on the H100; all held out
    for n in (1, 2):
        grid_trace([(f"h200/coverage_sms_random{n}", "coverage")], "h200", f"h200_coverage{n}_interference.csv",
                   role="held-out")
    # the decode-side form's fitted set (declared 2026-12-05, a sixteenth session, before its run and before
    # any form): the regime kernels at four attention-heavy decode points. Fitted on its decode rows, the
    # form's coefficient went to 0, so no form was adopted: every point held out until a later form
    # declares its rows fitted again (docs/serving.md, Decode's side beside compute-bound co-runners)
    grid_trace([("h200/regime_decode_fit_random", "regime")], "h200", "h200_regime_decode_fit_interference.csv",
               role="held-out")
    # the first grid's probe and regime sections at the step's start, unprofiled (declared and measured
    # 2026-12-05, a sixteenth session): whether the profiled grid's misses are the profiler's or the
    # phase's; all held out
    grid_trace([("h200/probe_start_noprof", "probe"), ("h200/regime_start_noprof", "regime")], "h200",
               "h200_start_probe_interference.csv", role="held-out")
    # the eighth sealed set (declared and committed raw before its run, 2026-12-04, a sixth session; its
    # claims' test committed before it was turned into a trace): the same short units and the scatter
    # beside one-block attention grids (9 x 9.75k, 11 x 13.25k, 13 x 11.25k, 15 x 15.5k), all held out
    grid_trace([("h200/short_points2_random", "short")], "h200", "h200_short_points2_interference.csv",
               role="held-out")
    # the quantization screen (declared and committed raw before its run, 2026-12-04, a seventh session):
    # ALU launches of 1,984-4,224 blocks beside 72, 96 and 128 attention blocks, all held out; spent by
    # the form it screened
    grid_trace([("h200/short_points3_random", "short")], "h200", "h200_short_points3_interference.csv",
               role="held-out")
    # the ninth sealed set (declared and committed raw with the screen; its claims' test committed with
    # attention's issue slots, before this trace): ALU launches of 2,000-4,160 blocks, the 3.5-us 2-byte
    # units and the scatter beside 80, 112 and 88 attention blocks, all held out
    grid_trace([("h200/short_points4_random", "short")], "h200", "h200_short_points4_interference.csv",
               role="held-out")
    # 2026-12-03 (a later session): the data-plane units at the same four decode points, and the
    # many-wave kernels of block lifetimes from ~3 us to ~1 ms (--drain); measured after every
    # coefficient was fitted, so every point is held out
    grid_trace([("h200/dataplane_points_random", "regime")], "h200", "h200_dataplane_points_interference.csv",
               role="held-out")
    grid_trace([("h200/drain_random", "drain")], "h200", "h200_drain_interference.csv", role="held-out")
    # the access-width and regime grids at the same four decode points (a later session, before the
    # attention term's form was chosen): how a co-runner's loss grows with decode's attention share.
    # 2026-12-04 (a later session): the regime kernels' co-runner rows, here and in grid_points2, are
    # wave_spill's fitted set (the spill per launch; declared before its calibrate command was run);
    # the width families and every decode row stay held out
    grid_trace([("h200/widths_points_random", "widths"), ("h200/regime_points_random", "regime")], "h200",
               "h200_grid_points_interference.csv", role="held-out", fitted_metric="corunner_time_ratio",
               fitted_family="regime-")
    # the data-plane units at four decode points no run had used (16x8k, 32x6k, 24x2k, 4x8k), measured
    # after narrow_attention was fitted and every coefficient iterated: a check after the fit
    grid_trace([("h200/dataplane_points2_random", "regime")], "h200", "h200_dataplane_points2_interference.csv",
               role="held-out")
    # and where cuDNN's attention grid changes with the batch (12x8k, 20x8k, 16x4k, 16x2k), for the next
    # form of attention's residency (h200/decode_shapes2/ has those points' decode kernels)
    grid_trace([("h200/dataplane_points3_random", "regime")], "h200", "h200_dataplane_points3_interference.csv",
               role="held-out")
    # eight decode points whose attention grids no run had (112-384 blocks, 80 at batch 10), declared
    # before the batch-dependent attention residency was written: the check of its form
    sealed_set(4, 2)
    # eight more, measured after the adopted residency was refitted with every coefficient: its check
    sealed_set(6, 2)
    # the long-attention regime (32x8k, the H100's point; 12k-16k tokens; two-wave 8k grids), declared
    # and committed before the run, nothing refitted: is the H100's miss at 32x8k the GPU or the regime?
    # 2026-12-04 (a later session): its co-runner rows are the grid-wait terms' fitted set (attention
    # loads 0.48-1.94; declared before their calibrate command was run); its decode rows stay held out
    grid_trace([("h200/dataplane_points8_random", "regime"), ("h200/dataplane_points9_random", "regime")], "h200",
               "h200_dataplane_points8_interference.csv", role="held-out", fitted_metric="corunner_time_ratio")
    # the check of multiwave_stretch's range (1.0-1.45, set from points8's two-wave points), declared and
    # committed before the run: multi-wave grids no run had (128 x 2k did not fit the collector's cache)
    sealed_set(10, 2)
    # the check of the grid waits and of multiwave_stretch's new range (0.91-1.16), declared and committed
    # before the run, measured after every calibration's fixed point: attention loads no run had
    sealed_set(12, 2)
    # the synthetic grids beside multi-wave attention, declared before the run, after that check
    grid_trace([("h200/widths_points2_random", "widths"), ("h200/regime_points2_random", "regime")], "h200",
               "h200_grid_points2_interference.csv", role="held-out", fitted_metric="corunner_time_ratio",
               fitted_family="regime-")
    # the sealed set (declared and committed raw before its run, 2026-12-04; not predicted until the
    # next form was chosen: the spill per launch and the equal-priority grid wait once per launch,
    # every calibration at its fixed point): eight decode points no run had, all held out
    sealed_set(14, 2)
    # the second sealed set (declared and committed raw before its run, 2026-12-04, a later session; not
    # predicted until the spill beside half-full SMs and every calibration's fixed point were committed)
    sealed_set(16, 2)
    # the third sealed set (declared and committed raw before its run, 2026-12-04, a later session); the
    # form after it was screened and not adopted (docs/serving.md, What a packed launch demands), so it
    # checks the model as committed, its claims declared before it was predicted
    sealed_set(18)
    # the fourth sealed set (declared and committed raw before its run, 2026-12-04, a fourth session; its
    # claims declared before it was predicted, after the spill's make-up factor and fill_stretch were
    # adopted, which it checks): twelve decode points no run had, all held out
    sealed_set(21)
    # the regime grid beside one-wave attention grids that fill some SMs (declared before its run,
    # 2026-12-04, a fourth session): all held out
    grid_trace([("h200/regime_points3_random", "regime")], "h200", "h200_grid_points3_interference.csv",
               role="held-out")
    # the fifth sealed set (declared and committed raw before its run, 2026-12-04, a fifth session; its
    # claims' test committed before it was turned into a trace): the check of the model refitted without
    # the host-bound points; twelve decode points no run had, five below batch 13, all held out
    sealed_set(24)
    # the sixth sealed set (declared and committed raw before its run, 2026-12-04, a fifth session, last; its
    # claims' test committed before it was turned into a trace): the check of the grid waits stopped where
    # no SM holds a second attention block; twelve decode points no run had, all held out
    sealed_set(27)
    # the seventh sealed set (declared and committed raw before its run, 2026-12-04, a sixth session; its
    # claims' test committed before it was turned into a trace): the check of launches averaged across
    # decode's phases where no SM holds a second attention block; twelve decode points no run had, all
    # held out
    sealed_set(30)
    # the eleventh sealed set (declared and committed raw before its run, 2026-12-04, an eleventh session; its
    # claims' test committed before this trace): the check of the co-runner's view at high priority on the
    # data-plane units, CacheGen's decoder included; eight decode points no run had, all held out
    sealed_set(33, 2)
    # the fourteenth sealed set (declared and committed raw before its run, 2026-12-04, a twelfth session;
    # its claims' test committed before this trace): the check of where decode streams at equal priority
    # on the data-plane units, CacheGen's decoder included; eight decode points no run had, all held out
    sealed_set(37, 2)
    # the twelfth sealed set (declared and committed raw before its run, 2026-12-04, an eleventh session;
    # its claims' test committed with the decode metric's busy-share accounting, a twelfth, before this
    # trace): the check of decode's side on the data-plane units; eight decode points no run had
    sealed_set(35, 2)
    # the sixteenth sealed set (declared 2026-12-04, a twelfth session; measured 2026-12-05, a fifteenth,
    # its claims' test committed before this trace): the data-plane units at eight decode points no run
    # had, for whatever form comes next on either side; all held out
    sealed_set(39, 2)
    # the probe and the eager regime kernels again, unprofiled, at a random point of the step (declared
    # before the run, 2026-12-04, a fifth session): all held out, whatever the collector's hash says
    grid_trace([("h200/probe_random", "probe"), ("h200/regime_eager_random", "regime-eager")], "h200",
               "h200_probe_random_interference.csv", role="held-out")
    # the tenth sealed set (declared and committed raw before its run, 2026-12-04, an eleventh session; its
    # claims' test committed with the co-runner's view at high priority, before this trace): the probe at
    # four decode points it never had, all held out
    grid_trace([("h200/probe_points_random", "probe")], "h200", "h200_probe_points_interference.csv",
               role="held-out")
    # the thirteenth sealed set (declared and committed raw before its run, 2026-12-04, an eleventh
    # session; its claims' test committed with where decode streams at equal priority, a twelfth, before
    # this trace): the probe at four more decode points it never had, all held out
    grid_trace([("h200/probe_points2_random", "probe")], "h200", "h200_probe_points2_interference.csv",
               role="held-out")
    # the fifteenth sealed set (declared 2026-12-04, a twelfth session, amended to --window 0.4 before its
    # run; measured 2026-12-05, a fifteenth, its claims' test committed before this trace): the probe at
    # four more decode points it never had, each point's spread recorded, all held out
    grid_trace([("h200/probe_points3_random", "probe")], "h200", "h200_probe_points3_interference.csv",
               role="held-out")
    # 2026-12-03 (a later session): one-wave launches at a random point of the step, where their
    # blocks land (placement_probe.py): the packing term's two coefficients are fitted on two of its
    # decode points, the other two held out
    write("h200_placement_interference.csv", placement_rows("h200/placement", "h200"))
    # the same probe with a memory-bound body (2-byte copies), measured after every fit and held out
    # until 2026-12-04 (a ninth session): latency_loss is fitted on its decode points of
    # PLACEMENT_FITTED (declared before that fit, as the ALU set's were), the other two held out
    write("h200_placement_copy_interference.csv", placement_rows("h200/placement_copy", "h200"))
    # its sealed set (placement_probe.py --sealed, declared before the run, 2026-12-04, an eighth session;
    # the claims' test committed before this trace): all held out
    write("h200_placement_copy_sealed_interference.csv",
          placement_rows("h200/placement_copy_sealed", "h200", "held-out"))
    # the second sealed set (placement_probe.py --sealed2, declared before the run, 2026-12-04, a ninth
    # session; its claims' test committed before this trace): all held out
    write("h200_placement_copy_sealed2_interference.csv",
          placement_rows("h200/placement_copy_sealed2", "h200", "held-out"))
    # the third sealed set (placement_probe.py --sealed3, declared before the run, 2026-12-04, a ninth
    # session; its claims' test committed with the latency relief, before this trace): all held out
    write("h200_placement_copy_sealed3_interference.csv",
          placement_rows("h200/placement_copy_sealed3", "h200", "held-out"))
    # the warps grid (placement_probe.py --warps, declared the next form's fitted set before any such
    # form existed, 2026-12-04, a ninth session): every point fitted (latency_relief with latency_loss)
    write("h200_placement_copy_warps_interference.csv",
          placement_rows("h200/placement_copy_warps", "h200", "fitted"))
    h200_dma()
    h100_legacy()
