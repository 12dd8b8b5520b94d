"""Checks of the interference reference itself (added 2026-12-03; every point held out): does
interference_grid.py's measurement repeat, does the profiler it ran first change it, and does the
co-runner's slowdown depend on where in a decode step it is launched.

Modes (each writes into the folder given first):
  --collector-check  interference_grid.py's data-plane points (every unit, k = 1, 2, 4, 8 launches
                     per decode step, three decode points, both priorities) and two one-wave
                     regime points (512 and 132 blocks of 48 KiB, ~0.5 ms), rerun with its own
                     functions and output format (interference_grid.csv, kernels.csv,
                     synthetic_corunners.csv, gpu.json), kernel descriptors recorded first as every
                     collector run did until this date (validation/traces/h200/rerun*/)
  --collector-check --no-profiler
                     the same with torch's profiler (CUPTI) never started in the process; no
                     kernels.csv (validation/traces/h200/rerun_noprof/)
  --collector-timeline [--profile-first]
                     block_timeline.py's decoder-like kernel, whose blocks record their start, end
                     and SM, timed by the collector's own loop, with or without one profiler run
                     first (validation/traces/h200/collector_timeline/)
  --phase            every data-plane unit and the two one-wave kernels at one launch per decode
                     step, at the step's start or at a uniformly random point of it, profiler never
                     started (phase.csv; validation/traces/h200/phase/)
CacheGen's decoder is found through TORCHAC_PATH, as in interference_grid.py.
Run: python validation/collect/reference_checks.py $OUT --collector-check [--no-profiler]
     | --collector-timeline [--profile-first] | --phase
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gpu_common  # noqa: E402
from block_timeline import POINTS, Probes, records  # noqa: E402
from gpu_common import Model, priority_streams, write_csv, write_descriptors  # noqa: E402


def profiled_first(ig, unit, name: str) -> list[dict]:
    """Kernel descriptors recorded before measuring, on purpose: the order of every
    interference_grid.py run before 2026-12-03, reproduced (h200/rerun/; gpu_common.PROFILED)."""
    rows = ig.kernel_descriptors(unit, name)
    gpu_common.PROFILED[0] = False
    return rows


def collector_check(out: Path, model: Model, streams: dict, profile: bool = True) -> None:
    """A rerun, on today's machine and with interference_grid.py's own code and output format, of
    its data-plane points (every unit, k = 1, 2, 4, 8 launches per decode step, every decode point,
    both priorities) and of its one-wave regime points (512 and 132 blocks of 48 KiB, ~0.5 ms, one
    launch per step): how far the same measurement moves between machines and runs
    (validation/collect/make_interference_traces.py turns it into a held-out trace)."""
    import json

    import interference_grid as ig
    from gpu_decode_path import load_torchac

    (out / "gpu.json").write_text(json.dumps(ig.gpu_properties(), indent=1))
    ac = load_torchac(out)
    print(f"torchac_cuda: {'yes' if ac else 'no'}", flush=True)
    decodes = {p: ig.Decode(model, p[0], p[1], streams, 20) for p in POINTS}
    grid = ig.Grid(out)
    side = torch.cuda.default_stream()  # as the collector: CacheGen's decoder launches there
    units = ig.dataplane_units(ac, side)
    kernels = []
    for name, unit in units.items():
        if profile:
            with torch.cuda.stream(side):
                kernels += profiled_first(ig, unit, name)
    syn = ig.Synthetic()
    syn_side = torch.cuda.Stream(priority=0)
    quads = {"reg_alu_quad_g512_500us": (512, 43573), "reg_alu_quad_g132_500us": (132, 66743)}
    syn_rows = []
    for name, (blocks, iters) in quads.items():
        unit = syn.launcher("alu", blocks, 128, 48 << 10, iters, syn_side)
        if profile:
            kernels += profiled_first(ig, unit, name)
        alone = ig.time_alone(unit, syn_side)
        syn_rows.append([name, "alu", "quad", 128, 48 << 10, blocks, iters, syn.registers("alu"), 0, 5e-4,
                         f"{alone:.7g}"])
        for p, dec in decodes.items():
            for prio in streams:
                ig.run_config(grid, "regime", name, dec, prio, streams, syn_side, unit, alone, "low", 0.1)
    write_csv(out / "synthetic_corunners.csv", ["corunner", "body", "footprint", "threads", "shared_memory_bytes",
                                                 "blocks", "iterations", "registers_per_thread", "hbm_bytes",
                                                 "target_s", "alone_s"], syn_rows)
    if kernels:
        write_descriptors(out, kernels)
    for name, unit in units.items():
        t_unit = ig.time_alone(unit, side, 0.03)
        for p, dec in decodes.items():
            for prio in streams:
                for k in (1, 2, 4, 8):
                    ig.guarded(ig.dataplane_point, grid, name, dec, prio, streams, side, unit, t_unit, k, 0.1)
        print(f"{name}: done, {len(grid.rows)} rows", flush=True)


def phase_check(out: Path, model: Model, streams: dict, seed: int = 20261203) -> None:
    """Each data-plane unit and the two one-wave regime kernels beside decode, launched once per
    step either at the step's start (as interference_grid.py launches them) or at a uniformly
    random point of the step (a delay kernel of one thread on the co-runner's stream first):
    whether the co-runner's slowdown depends on where in the step it lands. Timed as the
    collector times it (events around the unit on its stream, over the time alone back to back),
    and over one isolated launch's time alone."""
    import interference_grid as ig
    from gpu_decode_path import load_torchac

    phase_delay = gpu_common.RandomPhase(seed)  # the same draws as interference_grid.py --phase random
    ac = load_torchac(out)
    side = torch.cuda.default_stream()
    units = ig.dataplane_units(ac, side)
    units = {k: (v, side) for k, v in units.items() if not k.startswith("h2d")}
    syn = ig.Synthetic()
    syn_side = torch.cuda.Stream(priority=0)
    for name, (blocks, iters) in {"quad512": (512, 43573), "quad132": (132, 66743)}.items():
        units[name] = (syn.launcher("alu", blocks, 128, 48 << 10, iters, syn_side), syn_side)
    decodes = {p: ig.Decode(model, p[0], p[1], streams, 20) for p in POINTS}
    head = ["unit", "batch", "context", "priority", "phase", "steps", "alone_back_to_back_s", "alone_single_s",
            "beside_s", "ratio_back_to_back", "ratio_single", "decode_slowdown"]
    rows = []
    for name, (unit, stream) in units.items():
        alone = ig.time_alone(unit, stream, 0.03)
        singles = []
        for _ in range(9):
            torch.cuda.synchronize()
            a, b = ig.event(), ig.event()
            a.record(stream)
            with torch.cuda.stream(stream):
                unit()
            b.record(stream)
            b.synchronize()
            singles.append(a.elapsed_time(b) / 1e3)
        single = sorted(singles)[4]
        for (batch, context), dec in decodes.items():
            for prio, dstream in streams.items():
                step = dec.alone[prio]
                for phase in ("start", "random"):
                    n, warm = 24, 2
                    marks = []
                    torch.cuda.synchronize()
                    w0, w1 = ig.event(), ig.event()
                    for i in range(warm + n):
                        if i == warm:
                            w0.record(dstream)
                        s_i = torch.cuda.Event()
                        s_i.record(dstream)
                        dec.replay[prio]()
                        stream.wait_event(s_i)
                        if phase == "random":
                            phase_delay(stream, step)
                        g0, g1 = ig.event(), ig.event()
                        g0.record(stream)
                        with torch.cuda.stream(stream):
                            unit()
                        g1.record(stream)
                        if i >= warm:
                            marks.append((g0, g1))
                    w1.record(dstream)
                    torch.cuda.synchronize()
                    times = sorted(g0.elapsed_time(g1) / 1e3 for g0, g1 in marks)
                    beside = sum(times) / len(times)
                    dslow = w0.elapsed_time(w1) / 1e3 / n / step - 1
                    rows.append([name, batch, context, prio, phase, n, f"{alone:.7g}", f"{single:.7g}", f"{beside:.7g}",
                                 f"{beside / alone:.4f}", f"{beside / single:.4f}", f"{dslow:.4f}"])
                    print("phase:", rows[-1], flush=True)
                write_csv(out / "phase.csv", head, rows)


def collector_timeline(out: Path, model: Model, streams: dict, profile_first: bool = False) -> None:
    """The decoder-like one-wave kernel (512 blocks of 48 KiB, the collector's 43,573 iterations)
    timed by interference_grid.beside, the collector's own loop, with every block recording its
    start, end and SM: where the collector's 1.47x (against this probe's own loop's 1.04x) goes."""
    import interference_grid as ig

    pr = Probes()
    cp = pr.cp
    syn_side = torch.cuda.Stream(priority=0)
    cs = pr.stream(syn_side)
    decodes = {p: ig.Decode(model, p[0], p[1], streams, 20) for p in POINTS}
    head = ["batch", "context", "priority", "launch", "event_beside_us", "alone_back_to_back_us", "first_to_last_start_us",
            "block_p50_us", "block_max_us", "alone_block_p50_us", "blocks_span_us", "sms_used", "most_on_one_sm"]
    rows = []
    recs = [cp.zeros(3 * 512, dtype=cp.uint64) for _ in range(64)]
    used = [0]

    def unit():
        with cs:
            pr.alu_k((512,), (128,), (recs[used[0] % 64], cp.int64(43573), pr.out), shared_mem=48 << 10)
        used[0] += 1
    if profile_first:  # as interference_grid.py did before its grid until 2026-12-03 (on purpose here)
        ig.kernel_descriptors(unit, "quad512")
        gpu_common.PROFILED[0] = False
    alone = ig.time_alone(unit, syn_side)
    used[0] = 0
    for _ in range(8):
        unit()
    torch.cuda.synchronize()
    alone_block = statistics.median(statistics.median(b[1] - b[0] for b in records(recs[i].get(), 512)) for i in range(8))
    for (batch, context), dec in decodes.items():
        for prio in streams:
            used[0] = 0
            r = ig.beside(dec, prio, streams[prio], syn_side, ig.eager_batch(unit, 1), 1, 1, 18)
            for i in range(2, used[0]):
                blk = records(recs[i].get(), 512)
                starts = sorted(b[0] for b in blk)
                durs = sorted(b[1] - b[0] for b in blk)
                per_sm: dict[int, int] = {}
                for b in blk:
                    per_sm[b[2]] = per_sm.get(b[2], 0) + 1
                rows.append([batch, context, prio, i - 2, f"{r['corunner_beside_s'] * 1e6:.1f}", f"{alone * 1e6:.1f}",
                             f"{(starts[-1] - starts[0]) / 1e3:.1f}", f"{statistics.median(durs) / 1e3:.1f}",
                             f"{durs[-1] / 1e3:.1f}", f"{alone_block / 1e3:.1f}",
                             f"{(max(b[1] for b in blk) - starts[0]) / 1e3:.1f}", len(per_sm), max(per_sm.values())])
            mine = rows[-(used[0] - 2):]
            print(f"b{batch} {prio}: event-timed {r['corunner_beside_s'] * 1e6:.0f} us (alone {alone * 1e6:.0f}), blocks' "
                  f"span {statistics.median(float(x[10]) for x in mine):.0f} us, start spread "
                  f"{statistics.median(float(x[6]) for x in mine):.1f} us, block p50 "
                  f"{statistics.median(float(x[7]) for x in mine):.0f} (alone {alone_block / 1e3:.0f}), max "
                  f"{statistics.median(float(x[8]) for x in mine):.0f} us", flush=True)
            write_csv(out / "collector_timeline.csv", head, rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--collector-check", action="store_true",
                      help="rerun interference_grid.py's data-plane and two one-wave regime points with its own code")
    mode.add_argument("--collector-timeline", action="store_true",
                      help="the decoder-like kernel's block timeline inside the collector's own loop")
    mode.add_argument("--phase", action="store_true",
                      help="one launch per decode step at the step's start against a random point of it")
    ap.add_argument("--no-profiler", action="store_true",
                    help="with --collector-check: never start torch's profiler (CUPTI), so no kernels.csv")
    ap.add_argument("--profile-first", action="store_true",
                    help="with --collector-timeline: run torch's profiler once first, as the collector did")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    streams = priority_streams()
    model = Model(32, 8192)
    if args.phase:
        phase_check(out, model, streams)
    elif args.collector_timeline:
        collector_timeline(out, model, streams, args.profile_first)
    else:
        collector_check(out, model, streams, not args.no_profiler)


if __name__ == "__main__":
    main()
