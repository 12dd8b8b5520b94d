"""Block timelines of co-runners beside decode: when each block of a co-runner launch starts and
ends, and on which SM, against when the launch was enqueued and when the decode step ran.

Why (added 2026-12-03, a diagnostic): the interference model's co-runner side misses one-wave
kernels of several blocks per SM (CacheGen's decoder and its synthetic twin, 512 blocks of 128
threads with 48 KiB of shared memory, ~0.5 ms, slow 1.7-2.3x at one launch per decode step; the
model says 1.3-1.5x) and short many-block launches (the paged-KV scatter: 1.06-1.26x beside
weight-bound decode, 1.5-1.9x beside attention-bound decode; the model says the reverse). A
launch's extra time beside decode is one of: waiting before its first block is dispatched, blocks
dispatched late (a second wave, behind decode's blocks or its own), or blocks running slower.
Each probe block records %globaltimer at its start and end and its %smid, so the three are told
apart. Every point is held out: no fit uses this file.

Co-runners (CuPy kernels, the integer-ALU and streaming bodies of interference_grid.py):
  quad512   512 blocks x 128 threads, 48 KiB shared memory each (4 per SM: CacheGen's decoder's
            shape), ALU body, ~500 us alone; 1 and 8 launches per decode step
  quad132   132 blocks of the same shape (1 per SM), ~500 us; 1 launch per decode step
  scatter   32 launches of 1,024 blocks x 128 threads, each block copying 512 2-byte elements
            (the paged-KV scatter's grid and traffic per layer), one unit per decode step
Decode: the Llama-3-8B-shaped CUDA graph of interference_grid.py at (batch, context) = (1, 1024),
(8, 4096), (32, 8192), its stream at equal or high priority. The co-runner stream waits for the
step's start and enqueues a marker kernel (the launch's enqueue time) and then the unit; the
decode stream brackets each replay with marker kernels.

Modes (each writes into the folder given first):
  (default)          the block timelines below
  --collector-check  interference_grid.py's data-plane points (every unit, k = 1, 2, 4, 8) and two
                     one-wave regime points, rerun with its own functions and output format
                     (interference_grid.csv, kernels.csv, synthetic_corunners.csv, gpu.json): how far
                     the same measurement moves between sessions (validation/traces/h200/rerun*/)
  --no-profiler      with --collector-check: never start torch's profiler (CUPTI) in the process
                     (every interference_grid.py run profiles its kernels first, which changes how
                     concurrent kernels' blocks are dispatched afterwards); no kernels.csv
  --collector-timeline  the decoder-like kernel with per-block records, timed by the collector's
                     own loop (collector_timeline.csv); --profile-first runs the profiler once
                     before, as the collector does
  --phase            the same units at one launch per decode step, at the step's start or at a
                     uniformly random point of it (phase.csv): whether the slowdown depends on
                     where in the step a launch lands (validation/traces/h200/phase/)
CacheGen's decoder is found through TORCHAC_PATH, as in interference_grid.py.

Writes (atomically, after each configuration):
  launches.csv   one row per co-runner launch: decode point, priority, co-runner, burst, step,
                 launch index, enqueue relative to the step's start, the first block's start and
                 the last block's start relative to the enqueue (or to the previous launch's end,
                 for later launches of a burst), blocks started later than half a block's alone
                 time after the first, block time beside (median, 90th percentile, max) and alone
                 (median), the launch's span (enqueue or previous end to last block end) beside and
                 alone, SMs used, most blocks placed on one SM, and the decode step's time
  blocks.csv     every block of the first three measured steps' first launch for quad512 (start,
                 end relative to the enqueue, SM)
Run: python validation/collect/block_timeline.py $OUT [--quick] [--target-us US] [--collector-check | --phase]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gpu_common  # noqa: E402
from gpu_common import Model, capture, write_csv  # noqa: E402

SOURCE = r"""
__device__ __forceinline__ unsigned long long gtime() {
    unsigned long long t; asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t)); return t;
}
__device__ __forceinline__ unsigned int smid() {
    unsigned int s; asm volatile("mov.u32 %0, %%smid;" : "=r"(s)); return s;
}
extern "C" __global__ void mark(unsigned long long* rec) { rec[0] = gtime(); }
extern "C" __global__ void delay(long long ns) {
    unsigned long long t0 = gtime();
    while ((long long)(gtime() - t0) < ns) { }
}
extern "C" __global__ void alu_probe(unsigned long long* rec, long long iters, unsigned int* out) {
    extern __shared__ unsigned int pad[];
    __shared__ unsigned long long t0;
    if (threadIdx.x == 0) t0 = gtime();
    unsigned int x = blockIdx.x * blockDim.x + threadIdx.x;
    for (long long k = 0; k < iters; ++k) {
        x = x * 1103515245u + 12345u;
        x ^= x >> 13;
    }
    if (x == 0x9e3779b9u) out[0] = x;
    if (iters < 0) pad[threadIdx.x] = x;
    __syncthreads();
    if (threadIdx.x == 0) {
        long long b = (long long)blockIdx.x * 3;
        rec[b] = t0; rec[b + 1] = gtime(); rec[b + 2] = smid();
    }
}
extern "C" __global__ void copy_probe(const unsigned short* __restrict__ src, unsigned short* __restrict__ dst,
                                      long long per_block, unsigned long long* rec) {
    __shared__ unsigned long long t0;
    if (threadIdx.x == 0) t0 = gtime();
    long long base = (long long)blockIdx.x * per_block;
    for (long long j = threadIdx.x; j < per_block; j += blockDim.x) dst[base + j] = src[base + j] + 1;
    __syncthreads();
    if (threadIdx.x == 0) {
        long long b = (long long)blockIdx.x * 3;
        rec[b] = t0; rec[b + 1] = gtime(); rec[b + 2] = smid();
    }
}
"""

POINTS = [(8, 4096), (32, 8192), (1, 1024)]
SCATTER_LAYERS, SCATTER_BLOCKS, SCATTER_ELEMS = 32, 1024, 512


class Probes:
    def __init__(self):
        import cupy as cp

        self.cp = cp
        mod = cp.RawModule(code=SOURCE, options=("-std=c++17",))
        self.mark_k, self.alu_k, self.copy_k, self.delay_k = (mod.get_function(n) for n in
                                                              ("mark", "alu_probe", "copy_probe", "delay"))
        self.alu_k.max_dynamic_shared_size_bytes = 64 << 10
        self.out = cp.zeros(1, dtype=cp.uint32)
        n = SCATTER_LAYERS * SCATTER_BLOCKS * SCATTER_ELEMS
        self.src = cp.ones(n, dtype=cp.uint16)
        self.dst = cp.zeros(n, dtype=cp.uint16)

    def stream(self, s: torch.cuda.Stream):
        return self.cp.cuda.ExternalStream(s.cuda_stream)

    def mark(self, rec, cs) -> None:
        with cs:
            self.mark_k((1,), (1,), (rec,))

    def unit(self, kind: str, iters: int, launches: int, cs):
        """A function enqueuing one unit (``launches`` launches) that writes block records to ``rec``."""
        cp = self.cp

        def run(rec):
            with cs:
                for j in range(launches):
                    if kind == "scatter":
                        off = (j % SCATTER_LAYERS) * SCATTER_BLOCKS * SCATTER_ELEMS
                        self.copy_k((SCATTER_BLOCKS,), (128,), (self.src[off:], self.dst[off:],
                                                              cp.int64(SCATTER_ELEMS), rec[j]))
                    else:
                        grid = 512 if kind == "quad512" else 132
                        self.alu_k((grid,), (128,), (rec[j], cp.int64(iters), self.out), shared_mem=48 << 10)
        return run


def grid_of(kind: str) -> int:
    return {"quad512": 512, "quad132": 132, "scatter": SCATTER_BLOCKS}[kind]


def summarize(blocks, enq: float, alone_block: float) -> dict:
    """blocks: [(start, end, sm)] in ns; enq: the time the launch could start (ns)."""
    starts = sorted(b[0] for b in blocks)
    durs = sorted(b[1] - b[0] for b in blocks)
    first = starts[0]
    per_sm: dict[int, int] = {}
    for b in blocks:
        per_sm[b[2]] = per_sm.get(b[2], 0) + 1
    late = sum(1 for s in starts if s - first > 0.5 * alone_block)
    return {"first_start_us": (first - enq) / 1e3, "last_start_us": (starts[-1] - enq) / 1e3, "late_blocks": late,
            "block_p50_us": statistics.median(durs) / 1e3, "block_p90_us": durs[int(0.9 * (len(durs) - 1))] / 1e3,
            "block_max_us": durs[-1] / 1e3, "span_us": (max(b[1] for b in blocks) - enq) / 1e3,
            "sms_used": len(per_sm), "most_on_one_sm": max(per_sm.values())}


def records(rec_host, grid: int):
    return [(int(rec_host[3 * i]), int(rec_host[3 * i + 1]), int(rec_host[3 * i + 2])) for i in range(grid)]


def calibrate_iters(pr: Probes, kind: str, target_s: float, cs, side: torch.cuda.Stream) -> int:
    cp = pr.cp
    rec = [cp.zeros(3 * grid_of(kind), dtype=cp.uint64)]

    def t_of(iters: int) -> float:
        run = pr.unit(kind, iters, 1, cs)
        run(rec)
        torch.cuda.synchronize()
        a = time.perf_counter()
        for _ in range(5):
            run(rec)
        torch.cuda.synchronize()
        return (time.perf_counter() - a) / 5

    i = 1 << 12
    t = t_of(i)
    while t < 50e-6:
        i *= 4
        t = t_of(i)
    return max(1, int(i * target_s / t))


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
        hdr = list(kernels[0].keys())
        write_csv(out / "kernels.csv", hdr, [[r[h] for h in hdr] for r in kernels])
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
    import random

    import interference_grid as ig
    from gpu_decode_path import load_torchac

    rng = random.Random(seed)
    pr = Probes()
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
        cs = pr.stream(stream)
        for (batch, context), dec in decodes.items():
            for prio, dstream in streams.items():
                step = dec.alone[prio]
                for phase in ("start", "random"):
                    n, warm = 24, 2
                    times, marks = [], []
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
                            with cs:
                                pr_delay = int(rng.uniform(0, step) * 1e9)
                                pr.delay_k((1,), (1,), (pr.cp.int64(pr_delay),))
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
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--collector-timeline", action="store_true",
                    help="only the decoder-like kernel's block timeline inside the collector's own loop")
    ap.add_argument("--no-profiler", action="store_true",
                    help="with --collector-check: never start torch's profiler (CUPTI), so no kernels.csv")
    ap.add_argument("--profile-first", action="store_true",
                    help="with --collector-timeline: run torch's profiler once first, as the collector does")
    ap.add_argument("--phase", action="store_true",
                    help="only the launch-phase check: step start against a random point of the step")
    ap.add_argument("--collector-check", action="store_true",
                    help="only rerun two of interference_grid.py's regime points with its own timing")
    ap.add_argument("--target-us", type=float, default=500.0,
                    help="the ALU co-runners' launch time alone to calibrate to (the slowest block sets it)")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t_start = time.time()
    pr = Probes()
    cp = pr.cp
    lo, hi = torch.cuda.Stream.priority_range() if hasattr(torch.cuda.Stream, "priority_range") else (0, -1)
    streams = {"equal": torch.cuda.Stream(priority=0), "high": torch.cuda.Stream(priority=hi)}
    if args.phase:
        phase_check(out, Model(32, 8192), streams)
        return
    if args.collector_timeline:
        collector_timeline(out, Model(32, 8192), streams, args.profile_first)
        return
    if args.collector_check:
        collector_check(out, Model(32, 8192), streams, not args.no_profiler)
        return
    side = torch.cuda.Stream(priority=0)
    cs_side = pr.stream(side)
    iters = calibrate_iters(pr, "quad512", args.target_us * 1e-6, cs_side, side)
    print(f"[{time.time() - t_start:.0f}s] alu iterations for ~{args.target_us:.0f} us: {iters}", flush=True)
    model = Model(32, 8192)
    steps, warm = (4, 1) if args.quick else (12, 2)
    configs = [("quad512", 1), ("quad512", 8), ("quad132", 1), ("scatter", SCATTER_LAYERS)]
    head = ["batch", "context", "priority", "corunner", "launches_per_step", "step", "launch", "enqueue_after_step_start_us",
            "first_start_us", "last_start_us", "late_blocks", "block_p50_us", "block_p90_us", "block_max_us",
            "alone_block_p50_us", "span_us", "alone_span_us", "sms_used", "most_on_one_sm", "decode_step_us",
            "decode_alone_us"]
    # alone: each co-runner unit on the side stream with the GPU otherwise idle
    alone = {}
    rows, block_rows = [], []
    for kind, launches in configs:
        recs = [cp.zeros(3 * grid_of(kind), dtype=cp.uint64) for _ in range(launches)]
        marker = cp.zeros(1, dtype=cp.uint64)
        run = pr.unit(kind, iters, launches, cs_side)
        spans, blocks_p50 = [], []
        for _ in range(6):
            torch.cuda.synchronize()
            pr.mark(marker, cs_side)
            run(recs)
            torch.cuda.synchronize()
            enq = int(marker.get()[0])
            prev = enq
            for j in range(launches):
                blk = records(recs[j].get(), grid_of(kind))
                blocks_p50.append(statistics.median(b[1] - b[0] for b in blk))
                if kind.startswith("quad") and launches == 1:
                    block_rows += [[0, 0, f"alone-{kind}", len(spans), b, f"{(st - enq) / 1e3:.2f}",
                                    f"{(en - enq) / 1e3:.2f}", sm] for b, (st, en, sm) in enumerate(blk)]
                end = max(b[1] for b in blk)
                spans.append(end - prev)
                prev = end
        alone[kind, launches] = (statistics.median(blocks_p50), statistics.median(spans))
        print(f"[{time.time() - t_start:.0f}s] alone {kind} x{launches}: block {alone[kind, launches][0] / 1e3:.1f} us, "
              f"launch {alone[kind, launches][1] / 1e3:.1f} us", flush=True)
    for batch, context in (POINTS[:1] if args.quick else POINTS):
        for prio, dstream in streams.items():
            replay, graph = capture(model, batch, context, dstream)
            cs_dec = pr.stream(dstream)
            # decode alone, bracketed by markers like the measured steps
            m0, m1 = cp.zeros(1, dtype=cp.uint64), cp.zeros(1, dtype=cp.uint64)
            solo = []
            for _ in range(5):
                torch.cuda.synchronize()
                pr.mark(m0, cs_dec)
                replay()
                pr.mark(m1, cs_dec)
                torch.cuda.synchronize()
                solo.append((int(m1.get()[0]) - int(m0.get()[0])) / 1e3)
            decode_alone = statistics.median(solo)
            for kind, launches in configs:
                if args.quick and kind != "quad512":
                    continue
                n = warm + steps
                recs = [[cp.zeros(3 * grid_of(kind), dtype=cp.uint64) for _ in range(launches)] for _ in range(n)]
                enq = [cp.zeros(1, dtype=cp.uint64) for _ in range(n)]
                s0 = [cp.zeros(1, dtype=cp.uint64) for _ in range(n)]
                s1 = [cp.zeros(1, dtype=cp.uint64) for _ in range(n)]
                run = pr.unit(kind, iters, launches, cs_side)
                torch.cuda.synchronize()
                for i in range(n):
                    ev = torch.cuda.Event()
                    pr.mark(s0[i], cs_dec)
                    ev.record(dstream)
                    replay()
                    pr.mark(s1[i], cs_dec)
                    side.wait_event(ev)
                    pr.mark(enq[i], cs_side)
                    run(recs[i])
                torch.cuda.synchronize()
                a_block, a_span = alone[kind, launches]
                for i in range(warm, n):
                    start, stop, q = (int(x.get()[0]) for x in (s0[i], s1[i], enq[i]))
                    prev = q
                    for j in range(launches):
                        blk = records(recs[i][j].get(), grid_of(kind))
                        s = summarize(blk, prev, a_block)
                        rows.append([batch, context, prio, kind, launches, i - warm, j, f"{(q - start) / 1e3:.2f}",
                                     *(f"{s[k]:.2f}" if isinstance(s[k], float) else s[k] for k in
                                       ("first_start_us", "last_start_us", "late_blocks", "block_p50_us",
                                        "block_p90_us", "block_max_us")),
                                     f"{a_block / 1e3:.2f}", f"{s['span_us']:.2f}", f"{a_span / 1e3:.2f}", s["sms_used"],
                                     s["most_on_one_sm"], f"{(stop - start) / 1e3:.1f}", f"{decode_alone:.1f}"])
                        prev = max(b[1] for b in blk)
                        if kind.startswith("quad") and launches == 1 and i < warm + 3:
                            block_rows += [[batch, context, f"{prio}-{kind}", i - warm, b, f"{(st - q) / 1e3:.2f}",
                                            f"{(en - q) / 1e3:.2f}", sm] for b, (st, en, sm) in enumerate(blk)]
                write_csv(out / "launches.csv", head, rows)
                write_csv(out / "blocks.csv", ["batch", "context", "priority", "step", "block", "start_us", "end_us",
                                               "sm"], block_rows)
                mine = [r for r in rows if r[:5] == [batch, context, prio, kind, launches]]
                span = statistics.median(float(r[15]) for r in mine)
                print(f"[{time.time() - t_start:.0f}s] b{batch} c{context} {prio} {kind} x{launches}: span "
                      f"{span:.0f} us (alone {a_span / 1e3:.0f}), first start {statistics.median(float(r[8]) for r in mine):.1f} us, "
                      f"last start {statistics.median(float(r[9]) for r in mine):.1f} us, late blocks "
                      f"{statistics.median(int(r[10]) for r in mine)}, block p50 "
                      f"{statistics.median(float(r[11]) for r in mine):.1f} us (alone {a_block / 1e3:.1f}), step "
                      f"{statistics.median(float(r[19]) for r in mine):.0f} us (alone {decode_alone:.0f})", flush=True)
            del graph


if __name__ == "__main__":
    main()
