"""GPU interference, measured on a designed grid of co-runners and on the data-plane kernels the
bundled designs run, beside the decode step of a Llama-3-8B-shaped model.

What it measures (one GPU, one run; every CSV is rewritten atomically after each finished row, so
a run cut short keeps what it finished):

  gpu.json                 the device's properties (SMs, threads/shared memory/registers per SM,
                           L2, clocks, stream priority range) and the software
  kernels.csv              every kernel each measured unit launches, as CUPTI reports it through
                           torch's profiler: grid, block, registers per thread, shared memory,
                           blocks per SM, duration alone (the demand descriptors of the model)
  decode_step.csv          decode step time (CUDA graph) over batch 1..32, context 1k..8k
  copy_bandwidth.csv       pinned host-to-device and device-to-host copies, 4 KiB..256 MiB,
                           back to back (per-copy time in a queue) and one at a time
  synthetic_corunners.csv  the synthetic co-runners: body (streaming HBM or integer ALU), threads
                           and dynamic shared memory per block, grid, iterations, registers,
                           HBM bytes, time alone
  interference_grid.csv    one row per (co-runner, decode point, priority, k kernels every m
                           decode steps): decode step alone and beside, the co-runner's time per
                           launch alone and beside, the offered duty (k x co-runner time alone /
                           (m x decode step alone)) and the realized busy share of the co-runner
                           stream over the decode window, and the declared role (fitted/held-out)

How it measures: the decode step is a CUDA graph captured on its own stream (high or normal
priority; a graph's kernels run at the priority of the stream it is captured and launched on).
For step i the decode stream records an event and replays the graph; the co-runner stream waits
for that event and enqueues k co-runner launches (or none, on steps that are not a multiple of m).
Decode is timed with events on its own stream over the measured steps (after two warm-up steps);
the co-runner with events on its own stream, counting only launches that both started and ended
inside the decode window. Nothing is timed with a device-wide synchronize while the other stream
is queued. A saturating co-runner (offered duty >= 4) keeps its stream busy for the whole window.

The data-plane co-runners run on the legacy default stream, because CacheGen's decoder launches
there (torchac_cuda passes no stream); the synthetic ones use CuPy raw kernels on the same stream.

Kernel descriptors (kernels.csv) are recorded last (2026-12-03): torch's profiler, once run,
changes how concurrent kernels are dispatched for the rest of the process (gpu_common.PROFILED;
validation/traces/h200/collector_timeline/), and every run before that date recorded them first.
The split, declared here before any fit (nicmodel's interference fit reads the column `role`):
  - every data-plane kernel point (CacheGen's decoder, LMCache's dequantization, paged-KV
    scatter, torch.cat, pinned copies, LMCache's per-chunk sequence) is held out;
  - every point of the earlier collector's co-runners (`legacy_*`) is held out;
  - a synthetic point is held out when the SHA-256 of its key, read as a fraction, is below
    grid_measure.HOLDOUT_SHARE (so the split does not depend on run order or on which points finished);
  - on the second GPU (the H100: validation/traces/h100/interference.csv, and every run of this
    collector there, h100/grid/ and h100/regime/) every point is held out: no H100 number is
    used to fit the model;
  - every later section and run is declared in validation/collect/declared_runs.md (its split,
    and a sealed set's claims), committed before it runs.

Run on the device machine:  python validation/collect/interference_grid.py $OUT [--quick] [--budget S]
                            [--phase random] [--points BxL,...] [--model llama-3-70b --layers N]
                            [--regime | --widths | --probe | --paced | --short | --onewave | --drain | --dataplane]
CacheGen's decoder is imported from TORCHAC_PATH if set (see gpu_decode_path.py); without it the
decoder rows are skipped. measure_gpu.sh runs every section another GPU's check needs.

The code, one concept per module: grid_measure.py (one point: decode beside k launches every m
steps, timed with events, and its row with its declared role), grid_kernels.py (the synthetic CuPy
kernels and their calibration), grid_units.py (the data-plane units, the earlier collector's and
the probe's), grid_sections.py (the sections after the first grid); this file, the first grid and
the command line.
"""


from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import torch
import warnings

warnings.filterwarnings("ignore")
sys.path.insert(0, str(Path(__file__).resolve().parent))
# the collector's parts (one concept each); the names other scripts use are re-exported here
from gpu_common import (MODELS, Deadline, Model, decode_model, event, gpu_properties, kernel_descriptors,  # noqa: E402,F401
                        priority_streams, write_csv, write_descriptors, RandomPhase)
from grid_kernels import Synthetic, time_alone  # noqa: E402,F401
from grid_measure import (DUTY_TARGETS, Decode, Grid, beside, eager_batch, guarded, plan_duty,  # noqa: E402,F401
                          run_config)
from grid_sections import (DRAIN, ONEWAVE, WIDTHS, calibrate_all, copy_fit, paced, probe, regime,  # noqa: E402
                           section_copies, section_decode_grid, short)
from grid_units import dataplane, dataplane_point, dataplane_units, legacy_units, unit_descriptors  # noqa: E402,F401

__all__ = ["DECODE_POINTS", "FOOTPRINTS", "Decode", "Grid", "Synthetic", "beside", "dataplane_point", "dataplane_units",
           "eager_batch", "event", "gpu_properties", "guarded", "kernel_descriptors", "main", "run_config", "time_alone"]

SEED = 20261202
DECODE_POINTS = [(8, 4096), (1, 1024), (32, 8192)]  # the first is the main point of the grid
FOOTPRINTS = {  # name -> (threads per block, dynamic shared memory per block)
    "thin": (128, 0),          # up to 16 blocks per SM: co-resides with almost anything
    "wide": (1024, 0),         # 2 blocks per SM fill its 2048 thread slots
    "fat": (1024, 200 << 10),  # 1 block per SM: half the threads, nearly all shared memory
    "smem": (128, 100 << 10),  # 2 blocks per SM of few threads that hold most shared memory
}
GRIDS = [8, 33, 132, 264, 1056]
DURATIONS_S = [20e-6, 200e-6, 2e-3, 20e-3]
BODIES = ["mem", "alu"]


def alone_drift(out: Path, decodes: dict, dl: Deadline) -> None:
    """Decode alone measured again at every point and priority after the run (decode_alone_drift.csv):
    every row's slowdown is over the first measurement, so a point whose step time drifted reads a
    slowdown whatever the co-runner did (beside pinned copies busy 1.5% of the step, decode read 6-9%
    slower at 33 x 6.9k; docs/serving.md, The model's own error, read per decode point). Written last,
    whatever ended the run; a failure here is printed, never raised over the run's own error."""
    try:
        rows = []
        for (batch, context), dec in decodes.items():
            for prio, before in dec.alone.items():
                after = dec.time_alone(prio)
                rows.append([batch, context, prio, f"{before:.7g}", f"{after:.7g}", f"{after / before - 1:.5f}"])
        write_csv(out / "decode_alone_drift.csv",
                  ["batch", "context_tokens", "decode_priority", "alone_before_s", "alone_after_s", "change"], rows)
        worst = max(rows, key=lambda r: abs(float(r[5])))
        print(f"[{dl.elapsed():.0f}s] decode alone again: largest change {float(worst[5]) * 100:+.2f}% "
              f"(b{worst[0]} c{worst[1]} {worst[2]})", flush=True)
    except Exception as exc:  # noqa: BLE001 - a diagnostic must not hide the run's result
        print(f"decode alone again: not measured ({type(exc).__name__}: {exc})", flush=True)


def decode_descriptors(out: Path, model: Model, decodes: dict) -> None:
    """decode_kernels.csv: the kernels of one eager decode step at every point (grids by model and batch;
    last, profiled: gpu_common.PROFILED)."""
    rows = []
    for (batch, context) in decodes:
        x = model.inputs(batch)
        for r in kernel_descriptors(lambda: model.step(x, context), f"decode_b{batch}_c{context}"):
            rows.append(r)
    if rows:
        hdr = list(rows[0].keys())
        write_csv(out / "decode_kernels.csv", hdr, [[r[h] for h in hdr] for r in rows])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--quick", action="store_true", help="a few points of every section (a check of the code)")
    ap.add_argument("--budget", type=float, default=480.0, help="seconds; no new point starts after it")
    ap.add_argument("--skip", default="", help="comma-separated sections to skip")
    ap.add_argument("--section", default="", help="run only this section (copyfit)")
    ap.add_argument("--regime", action="store_true",
                    help="only the synthetic co-runners in the data-plane kernels' regime (REGIME)")
    ap.add_argument("--widths", action="store_true",
                    help="only the access-width grid of streaming co-runners (WIDTHS), as CUDA graphs")
    ap.add_argument("--probe", action="store_true",
                    help="only the probe units: PyTorch's copies against CuPy kernels of the same shape (PROBE_*)")
    ap.add_argument("--phase", choices=("start", "random"), default="start",
                    help="launch co-runners at the start of each decode step they wait for, or at a uniformly "
                         "random point of it (seeded; gpu_common.RandomPhase)")
    ap.add_argument("--paced", action="store_true",
                    help="only the host-paced units: 32 launches from Python at fixed host intervals (PACED_*)")
    ap.add_argument("--short", action="store_true",
                    help="only the short-kernel units: 32 launches back to back, from Python and as a graph (SHORT_KERNELS)")
    ap.add_argument("--points", default="",
                    help="decode points as batch x context tokens, comma-separated (default: DECODE_POINTS)")
    ap.add_argument("--kernels", default="",
                    help="with --short: only these kernels, as body:blocks:iterations (body mem2, mem or alu; any grid), comma-separated")
    ap.add_argument("--twins", action="store_true",
                    help="with --short: the paged-KV scatter also from Python on the synthetic units' stream and as a graph")
    ap.add_argument("--onewave", action="store_true",
                    help="only the one-wave kernels of 1, 2 or 4 blocks per SM (ONEWAVE), as CUDA graphs")
    ap.add_argument("--drain", action="store_true",
                    help="only the many-wave kernels of short to long block lifetimes (DRAIN), as CUDA graphs")
    ap.add_argument("--dataplane", action="store_true",
                    help="only the data-plane units, k = 1, 2, 4, 8 per step, at every decode point and priority")
    ap.add_argument("--part", choices=("all", "attention", "rest", "gemv", "elementwise", "gemm0", "gemm1", "gemm2",
                                       "gemm3"), default="all",
                    help="run beside this part of the decode step only (gpu_common.Model.part): its attention "
                         "kernels back to back, the step without them, or that rest's weight GEMMs or its "
                         "elementwise kernels alone, or one of a layer's four weight GEMMs alone (gemm0 QKV to gemm3 "
                         "down); every row is then of that part")
    ap.add_argument("--eager", action="store_true",
                    help="with --regime: launch each co-runner from Python, as the data-plane units are, not as a graph")
    ap.add_argument("--model", choices=tuple(MODELS), default="llama-3-8b",
                    help="the decode model's shapes (decode_model.json records them and the nicmodel overrides)")
    ap.add_argument("--layers", type=int, default=None,
                    help="with --model: only its first N layers (a 70B's GEMMs on one GPU's memory)")
    ap.add_argument("--units", default="",
                    help="with --dataplane: only these data-plane units (comma-separated names)")
    ap.add_argument("--window", type=float, default=0.1,
                    help="with --probe: seconds of decode each point measures (at least 8 steps); a longer "
                         "window averages more launches at random phase (corunner_sem_s)")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    skip = set(filter(None, args.skip.split(",")))
    dl = Deadline(args.budget)
    quick = args.quick
    rng = random.Random(SEED)
    phase = RandomPhase(SEED) if args.phase == "random" else None
    props = gpu_properties()
    (out / "gpu.json").write_text(json.dumps(props, indent=1))
    print(f"[{dl.elapsed():.0f}s] {props.get('name')}, {props.get('multi_processor_count')} SMs", flush=True)

    from gpu_decode_path import load_torchac
    ac = load_torchac(out)
    print(f"torchac_cuda: {'yes' if ac else 'no'}", flush=True)
    side = torch.cuda.default_stream()  # CacheGen's decoder launches on the legacy default stream
    syn_side = torch.cuda.Stream(priority=0)  # synthetic co-runners: capturable (not the legacy stream)
    streams = priority_streams()
    steps = 5 if quick else 20
    points = DECODE_POINTS[:1] if quick else DECODE_POINTS
    if args.points:  # e.g. 32x1024,32x4096: other decode points (batch x context tokens)
        points = [tuple(int(v) for v in pt.split("x")) for pt in args.points.split(",")]
    # The KV cache holds the largest point (a batch above 32 needs it; 32 x 8k keeps earlier runs' layout)
    shapes, overrides = decode_model(args.model, args.layers)
    (out / "decode_model.json").write_text(json.dumps({"model": args.model, "shapes": shapes,
                                                       "overrides": overrides}, indent=1))
    model = Model(max(32, *(b for b, _ in points)), max(8192, *(c for _, c in points)), shapes=shapes)
    model.part = args.part
    decodes = {p: Decode(model, p[0], p[1], streams, steps) for p in points}
    print(f"[{dl.elapsed():.0f}s] decode alone: " + ", ".join(
        f"b{p[0]} c{p[1]} {d.alone['equal'] * 1e3:.2f}/{d.alone['high'] * 1e3:.2f} ms" for p, d in decodes.items()),
        flush=True)

    try:
        if args.section == "copyfit":
            copy_fit(out, decodes, streams, side, dl)
            return
        syn = Synthetic()
        if args.probe:
            probe(out, syn, decodes, streams, dl, quick, phase, args.window)
            return
        tables = {"widths": WIDTHS, "onewave": ONEWAVE, "drain": DRAIN}  # grids run as the regime section is
        chosen = next((name for name in tables if getattr(args, name)), None)
        if chosen:
            regime(out, syn, decodes, points, streams, syn_side, dl, rng, quick, table=tables[chosen], section=chosen,
                   phase=phase)
            return
        if args.dataplane:
            units = dataplane_units(ac, side)
            wanted = set(filter(None, args.units.split(",")))
            if wanted - set(units):
                raise SystemExit(f"--units: no such unit {sorted(wanted - set(units))[0]!r} (have {sorted(units)})")
            units = {n: u for n, u in units.items() if not wanted or n in wanted}
            dataplane(Grid(out), units, decodes, streams, side, dl, quick, phase)
            unit_descriptors(out, units, side)
            decode_descriptors(out, model, decodes)
            return
        if args.short:
            short(out, syn, decodes, points, streams, syn_side, side, dl, rng, quick, phase, args.kernels, args.twins)
            decode_descriptors(out, model, decodes)  # the grids each point ran (the turn rounds read them)
            return
        if args.paced:
            paced(out, syn, decodes, points, streams, syn_side, side, dl, rng, quick, phase)
            return
        if args.regime:
            regime(out, syn, decodes, points, streams, syn_side, dl, rng, quick, graph=not args.eager, phase=phase)
            return
        legacy = legacy_units()
        units = dataplane_units(ac, side)
        if quick:
            units = dict(list(units.items())[:2] + ([("ac_decode", units["ac_decode"])] if "ac_decode" in units else []))

        if "decode" not in skip:
            section_decode_grid(out, model, quick, dl)
        if "copies" not in skip:
            section_copies(out, quick, dl)

        grid = Grid(out)
        window = 0.06 if quick else 0.1
        # legacy co-runners: saturating, at the main point, both priorities
        main_dec = decodes[points[0]]
        for name, unit in legacy.items():
            t_unit = time_alone(unit, side, 0.03)
            for prio in ("equal", "high"):
                if dl.left() > 0:
                    guarded(run_config, grid, "legacy", name, main_dec, prio, streams, side, unit, t_unit, "sat", window)
        print(f"[{dl.elapsed():.0f}s] legacy done", flush=True)

        dataplane(grid, units, decodes, streams, side, dl, quick, phase)

        # synthetic co-runners: calibrate every one, then run the grid in a seeded random order
        defs = [(body, fp, g, d) for body in BODIES for fp in FOOTPRINTS for g in GRIDS for d in DURATIONS_S]
        if quick:
            defs = [("mem", "wide", 264, 200e-6), ("alu", "fat", 33, 2e-3), ("alu", "thin", 1056, 20e-6)]
        corunners = calibrate_all(out, syn, [(body, fp, g, d, *FOOTPRINTS[fp]) for body, fp, g, d in defs], "syn",
                                  syn_side, dl)
        print(f"[{dl.elapsed():.0f}s] calibrated {len(corunners)} synthetic co-runners", flush=True)
        configs = []
        for name in corunners:
            for duty in DUTY_TARGETS:
                configs.append((name, points[0], "equal", duty))
            for duty in DUTY_TARGETS:
                configs.append((name, points[0], "high", duty))
            for p in points[1:]:
                if rng.random() < 0.3:
                    configs += [(name, p, "equal", duty) for duty in DUTY_TARGETS]
        rng.shuffle(configs)
        seen = set()
        for name, p, prio, duty in configs:
            if dl.left() <= 0:
                print(f"budget spent: {len(seen)} of {len(configs)} synthetic configs", flush=True)
                break
            launch, alone = corunners[name]
            dec = decodes[p]
            km = plan_duty(DUTY_TARGETS[duty], alone, dec.alone[prio]) if duty != "sat" else "sat"
            if (name, p, prio, km) in seen:
                continue
            seen.add((name, p, prio, km))
            guarded(run_config, grid, "synthetic", name, dec, prio, streams, syn_side, launch, alone, duty, window,
                    use_graph=True, phase=phase)
        # a second measurement of a random tenth of the points, for the spread of the method itself
        again = rng.sample(sorted(seen, key=str), k=min(len(seen), max(3, len(seen) // 10)))
        for name, p, prio, km in again:
            if dl.left() <= 0:
                break
            launch, alone = corunners[name]
            duty = "sat" if km == "sat" else next(d for d in ("low", "mid") if plan_duty(DUTY_TARGETS[d], alone, decodes[p].alone[prio]) == km)
            guarded(run_config, grid, "synthetic", name, decodes[p], prio, streams, syn_side, launch, alone, duty, window,
                    use_graph=True, repeat=1, phase=phase)
        print(f"[{dl.elapsed():.0f}s] done: {len(grid.rows)} grid rows", flush=True)
        # kernel descriptors, last: the profiler changes how concurrent kernels are dispatched for the rest
        # of the process (gpu_common.PROFILED). Decode at each point (eager), the data-plane and legacy
        # units, one of each synthetic footprint x body (their grids differ only in count)
        kernels = []
        x = {p: model.inputs(p[0]) for p in points}
        for p in points:
            kernels += kernel_descriptors(lambda p=p: model.step(x[p], p[1]), f"decode_b{p[0]}_c{p[1]}")
        for name, unit in {**units, **legacy}.items():
            with torch.cuda.stream(side):
                kernels += kernel_descriptors(unit, name)
        for fp, (threads, smem) in FOOTPRINTS.items():
            for body in BODIES:
                kernels += kernel_descriptors(syn.launcher(body, 132, threads, smem, 64, syn_side), f"synthetic_{body}_{fp}")
        write_descriptors(out, kernels)
        print(f"[{dl.elapsed():.0f}s] kernels: {len(kernels)} rows", flush=True)
    finally:
        alone_drift(out, decodes, dl)


if __name__ == "__main__":
    main()
