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

The checks of the interference reference that reuse these probes (a rerun of the collector's
points, without the profiler, at a random launch phase, and this timeline inside the
collector's own loop) are in reference_checks.py.

Writes (atomically, after each configuration):
  launches.csv   one row per co-runner launch: decode point, priority, co-runner, burst, step,
                 launch index, enqueue relative to the step's start, the first block's start and
                 the last block's start relative to the enqueue (or to the previous launch's end,
                 for later launches of a burst), blocks started later than half a block's alone
                 time after the first, block time beside (median, 90th percentile, max) and alone
                 (median), the launch's span (enqueue or previous end to last block end) beside and
                 alone, SMs used, most blocks placed on one SM, and the decode step's time
  blocks.csv     every block of the first three measured steps' first launch for quad512 (start,
                 end relative to the enqueue, SM); for manyN and seqN, every block of every launch of
                 the first two measured steps (start and end relative to the decode step's start marker)
A later run (2026-12-03, the session after; `--points 64x8192,48x8192,40x8192,32x16384,32x8192
--corunners scatter:32,quad132:1`, held out like every point here): the paged-KV scatter misses by
up to 41% beside two-wave attention grids of 8k tokens (validation/traces/h200/dataplane_points9_random/)
and by 18% beside 32 x 16k, while the model is within 11% at 32 x 8k. Whether its launches wait
at dispatch behind attention's pending blocks or its blocks run slower decides the term.

Then (the same session, for the next form: a co-runner model resolved by decode phase; held out):
`--points 10x8192,16x16384,24x12288,44x4096,64x1024,96x4096,36x12288 --corunners quad512:1,quad132:1,scatter:32`,
decode points whose attention grids leave SMs room (80, 128 and 192 blocks), fill them (one wave)
or run two and three waves, each launch's wait and span against its phase in the step.

Then (2026-12-05, a twentieth session, on an H100; declared in validation/collect/declared_runs.md before
the run; held out): `--points 1x1024,8x4096,32x8192,52x3840 --corunners one16:32,one36:32,one66:32,one100:32,
one132:32 --phase random`, the coverage run's launches (N blocks of 128 threads, one per SM alone, ALU body,
~16 us, units of 32 launched back to back, one unit a step at a random point of it): where the growth with
the SMs held comes from (the wait before a launch's first block, blocks started late, or blocks slower).

Then (2026-12-06, a twenty-sixth session; declared in declared_runs.md before the run; a diagnostic, held out):
`--model llama-3.1-405b --layers 3` (and the 70B shape, 12 layers, and Llama-3-8B as the control) with
`--corunners many8192:1,many8192:4,many32768:1,seq8192:2 --phase random`: the long-GEMM regime's many-wave
launches (manyN: N blocks of 128 threads, ALU body, no shared memory, ~--many-us alone at 8,192 blocks) alone and
queued, and the designs' chunk pattern (seqN: a quad512 launch, CacheGen's decoder's shape, then a manyN launch on
the same stream, pairs), every block of the first two measured steps recorded: whether a many-wave launch that
lands in a long GEMM crawls on the SMs the GEMM leaves free, what it and decode's next GEMM do with the SMs the GEMM
frees, and why the same launch queued behind a one-wave launch does not lose so much (docs/serving.md, The regime
beside long GEMMs).

Then (2026-12-06, a thirty-first session; declared in declared_runs.md before the run; a diagnostic, held out):
`--corunners scatter:32,scatter:32:graph,one1024:32,one1024:32:graph --one-iters 64` beside the 405B, 70B, Yi-34B
and 8B shapes: a configuration ending ":graph" replays its launches from a CUDA graph captured ahead of the measured
steps (one graph per record buffer: a capture synchronizes the device), so a graph launch's wait before its first
block and its late blocks are told apart from a launch's from Python (docs/serving.md, The graph crawl).

Then (2026-12-07, a thirty-seventh session; declared in declared_runs.md before the run; a diagnostic, held out):
`--marks` replays a decode step with a marker kernel before and after each weight GEMM (marked_decode.py) and
writes every measured step's markers to marks.csv (and the marked step alone's, step -1): in which decode kernel
each launch became ready, waited and ran, for the tile-tail form that the tail-GEMM diagnostic's "frees" allows.

Run: python validation/collect/block_timeline.py $OUT [--quick] [--target-us US] [--points BxL,...]
                                                      [--corunners kind:launches[:graph],...] [--one-us US]
                                                      [--one-iters N] [--many-us US] [--phase start|random] [--seed N]
                                                      [--model NAME --layers N] [--marks]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpu_common import (MODELS, ALU_LOOP, GTIME_DELAY, Model, RandomPhase, capture, decode_model,  # noqa: E402
                        priority_streams, write_csv)
from marked_decode import MarkedModel, capture_marked, keep, mark_names  # noqa: E402
from timeline_pace import PACE_HEAD, pace_rows  # noqa: E402

SOURCE = GTIME_DELAY + r"""
__device__ __forceinline__ unsigned int smid() {
    unsigned int s; asm volatile("mov.u32 %0, %%smid;" : "=r"(s)); return s;
}
extern "C" __global__ void mark(unsigned long long* rec) { rec[0] = gtime(); }
extern "C" __global__ void alu_probe(unsigned long long* rec, long long iters, unsigned int* out) {
    extern __shared__ unsigned int pad[];
    __shared__ unsigned long long t0;
    if (threadIdx.x == 0) t0 = gtime();
    unsigned int x = blockIdx.x * blockDim.x + threadIdx.x;
    ALU_LOOP
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
""".replace("ALU_LOOP", ALU_LOOP)

POINTS = [(8, 4096), (32, 8192), (1, 1024)]
SCATTER_LAYERS, SCATTER_BLOCKS, SCATTER_ELEMS = 32, 1024, 512
# wcopyN: N blocks of 128 threads each copying this many 2-byte elements, a many-wave memory-bound launch (as LMCache's
# dequantization and torch.cat run: full SMs of short blocks); 8,192 of them use the scatter's buffers whole
WCOPY_ELEMS = 2048


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

    def unit(self, kind: str, iters: int, launches: int, cs, iters_many: int = 0):
        """A function enqueuing one unit (``launches`` launches) that writes block records to ``rec``;
        manyN and the second launch of each seqN pair run ``iters_many`` iterations."""
        cp = self.cp

        def run(rec):
            with cs:
                for j in range(launches):
                    grid = grid_of(kind, j)
                    if kind.startswith(("many", "seq")) and grid != 512:
                        self.alu_k((grid,), (128,), (rec[j], cp.int64(iters_many), self.out), shared_mem=0)
                    elif kind.startswith("seq"):  # the pair's first: CacheGen's decoder's shape
                        self.alu_k((512,), (128,), (rec[j], cp.int64(iters), self.out), shared_mem=48 << 10)
                    elif kind.startswith("wcopy"):
                        self.copy_k((grid,), (128,), (self.src, self.dst, cp.int64(WCOPY_ELEMS), rec[j]))
                    elif kind == "scatter":
                        off = (j % SCATTER_LAYERS) * SCATTER_BLOCKS * SCATTER_ELEMS
                        self.copy_k((SCATTER_BLOCKS,), (128,), (self.src[off:], self.dst[off:],
                                                              cp.int64(SCATTER_ELEMS), rec[j]))
                    else:  # one-wave ALU kernels: quad* hold 48 KiB of shared memory a block, one* none
                        smem = 0 if kind.startswith("one") else 48 << 10
                        self.alu_k((grid,), (128,), (rec[j], cp.int64(iters), self.out), shared_mem=smem)
        return run


def grid_of(kind: str, launch: int = 0) -> int:
    """Blocks a launch of ``kind``: quad512, quad132, scatter, oneN (N blocks of 128 threads, no
    shared memory: the coverage run's one-block-per-SM launches), manyN (the same blocks, N of them:
    many waves), wcopyN (N copy blocks of 128 threads, WCOPY_ELEMS each: many waves, memory-bound) or seqN (pairs:
    a quad512 launch, then a manyN one; ``launch`` counts within the unit)."""
    if kind.startswith("wcopy"):
        return int(kind[5:])
    if kind.startswith(("one", "many")):
        return int(kind[4:] if kind.startswith("many") else kind[3:])
    if kind.startswith("seq"):
        return 512 if launch % 2 == 0 else int(kind[3:])
    return {"quad512": 512, "quad132": 132, "scatter": SCATTER_BLOCKS}[kind]


def graphed(run, side: torch.cuda.Stream):
    """``run`` (a unit's launches into a record list) replayed from a CUDA graph captured on ``side``, one graph per
    record list (a graph writes the records it was captured with); the enqueue marker stays outside the graph.
    ``replay.prepare(rec)`` captures ahead (a capture synchronizes the device, so never inside a measured step)."""
    graphs = {}

    def prepare(rec) -> None:
        if id(rec) not in graphs:
            g = torch.cuda.CUDAGraph()
            torch.cuda.synchronize()
            with torch.cuda.graph(g, stream=side, capture_error_mode="relaxed"):
                run(rec)
            torch.cuda.synchronize()
            graphs[id(rec)] = (g, rec)  # keep rec alive: its id names the graph

    def replay(rec) -> None:
        prepare(rec)
        with torch.cuda.stream(side):
            graphs[id(rec)][0].replay()
    replay.prepare = prepare
    return replay


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


def label(kind: str, as_graph: bool) -> str:
    """A configuration's co-runner name in launches.csv: its kind, with "-graph" where replayed from a CUDA graph."""
    return f"{kind}-graph" if as_graph else kind


MARKS_HEAD = ["batch", "context", "priority", "corunner", "step", "layer", "segment", "at_us"]


def marks_of(model, batch: int, context: int, prio: str, corunner: str, step: int, marks, start: int,
             stop: int | None = None) -> list[list]:
    """marks.csv rows of one step: each marker (the start of the segment it names) against the step's start
    marker, and the step's stop marker as the segment "stop" where given."""
    rows = [[batch, context, prio, corunner, step, layer, seg, f"{(int(t) - start) / 1e3:.2f}"]
            for (layer, seg), t in zip(mark_names(model.s["layers"]), marks)]
    if stop is not None:
        rows.append([batch, context, prio, corunner, step, model.s["layers"], "stop", f"{(stop - start) / 1e3:.2f}"])
    return rows


def records(rec_host, grid: int):
    return [(int(rec_host[3 * i]), int(rec_host[3 * i + 1]), int(rec_host[3 * i + 2])) for i in range(grid)]


def step_then_side(mark, replay, dstream: torch.cuda.Stream, side: torch.cuda.Stream, start, stop) -> None:
    """Enqueue one decode step bracketed by marker kernels (``mark(rec)`` on decode's stream, into
    ``start`` and ``stop``), and make ``side`` wait for the step's start: what the side stream
    enqueues next lands in the step."""
    ev = torch.cuda.Event()
    mark(start)
    ev.record(dstream)
    replay()
    mark(stop)
    side.wait_event(ev)


def decode_alone_ns(cp, mark, replay, reps: int = 5) -> float:
    """The decode step alone, bracketed by marker kernels as the measured steps are (median, ns);
    ``mark(rec)`` enqueues a marker on decode's stream."""
    m0, m1 = cp.zeros(1, dtype=cp.uint64), cp.zeros(1, dtype=cp.uint64)
    solo = []
    for _ in range(reps):
        torch.cuda.synchronize()
        mark(m0)
        replay()
        mark(m1)
        torch.cuda.synchronize()
        solo.append(int(m1.get()[0]) - int(m0.get()[0]))
    return statistics.median(solo)


def calibrate_iters(pr: Probes, kind: str, target_s: float, cs, side: torch.cuda.Stream) -> int:
    cp = pr.cp
    rec = [cp.zeros(3 * grid_of(kind), dtype=cp.uint64)]

    def t_of(iters: int) -> float:
        run = pr.unit(kind, iters, 1, cs, iters_many=iters)
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--target-us", type=float, default=500.0,
                    help="the ALU co-runners' launch time alone to calibrate to (the slowest block sets it)")
    ap.add_argument("--points", default="",
                    help="decode points as batch x context tokens, comma-separated (default: POINTS)")
    ap.add_argument("--corunners", default="",
                    help="co-runner configurations to run, comma-separated kind:launches (default: all four)")
    ap.add_argument("--one-us", type=float, default=16.0,
                    help="the oneN co-runners' launch time alone to calibrate to (one132 sets it)")
    ap.add_argument("--one-iters", type=int, default=0,
                    help="the oneN co-runners' ALU iterations, in place of calibrating to --one-us (64: the short "
                         "units' ~2.7-us launch of interference_grid.py --short)")
    ap.add_argument("--many-us", type=float, default=50.0,
                    help="the manyN and seqN co-runners' many-wave launch time alone at 8,192 blocks")
    ap.add_argument("--model", choices=tuple(MODELS), default="llama-3-8b", help="the decode model's shapes")
    ap.add_argument("--layers", type=int, default=None, help="with --model: only its first N layers")
    ap.add_argument("--phase", choices=("start", "random"), default="start",
                    help="where in the step a unit lands: at its start, or a seeded uniformly random point")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--pace", action="store_true",
                    help="with --marks: each manyN and wcopyN launch's pace in each of the step's segments into "
                         "pace.csv (timeline_pace.py), in place of their blocks in blocks.csv")
    ap.add_argument("--marks", action="store_true",
                    help="mark each weight GEMM's start and end in the decode step (marked_decode.py; marks.csv)")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t_start = time.time()
    pr = Probes()
    cp = pr.cp
    streams = priority_streams()
    side = torch.cuda.Stream(priority=0)
    cs_side = pr.stream(side)
    steps, warm = (4, 1) if args.quick else (12, 2)
    configs = [("quad512", 1, False), ("quad512", 8, False), ("quad132", 1, False), ("scatter", SCATTER_LAYERS, False)]
    if args.corunners:  # kind:launches[:graph]
        configs = [(c.split(":")[0], int(c.split(":")[1]), c.endswith(":graph")) for c in args.corunners.split(",")]
    iters = calibrate_iters(pr, "quad512", args.target_us * 1e-6, cs_side, side)
    print(f"[{time.time() - t_start:.0f}s] alu iterations for ~{args.target_us:.0f} us: {iters}", flush=True)
    iters_one = args.one_iters or (calibrate_iters(pr, "one132", args.one_us * 1e-6, cs_side, side)
                                   if any(k.startswith("one") for k, _, _ in configs) else iters)
    print(f"[{time.time() - t_start:.0f}s] oneN iterations for ~{args.one_us:.0f} us: {iters_one}", flush=True)
    iters_many = calibrate_iters(pr, "many8192", args.many_us * 1e-6, cs_side, side) \
        if any(k.startswith(("many", "seq")) for k, _, _ in configs) else iters
    print(f"[{time.time() - t_start:.0f}s] manyN iterations for ~{args.many_us:.0f} us at 8192: {iters_many}", flush=True)
    shapes, _ = decode_model(args.model, args.layers)
    phase = RandomPhase(args.seed) if args.phase == "random" else None

    def iters_of(kind: str) -> int:
        return iters_one if kind.startswith("one") else iters
    points = POINTS[:1] if args.quick else POINTS
    if args.points:
        points = [tuple(int(v) for v in pt.split("x")) for pt in args.points.split(",")]
    head = ["batch", "context", "priority", "corunner", "launches_per_step", "step", "launch", "enqueue_after_step_start_us",
            "first_start_us", "last_start_us", "late_blocks", "block_p50_us", "block_p90_us", "block_max_us",
            "alone_block_p50_us", "span_us", "alone_span_us", "sms_used", "most_on_one_sm", "decode_step_us",
            "decode_alone_us"]
    # alone: each co-runner unit on the side stream with the GPU otherwise idle
    alone = {}
    rows, block_rows, mark_rows, pace_out = [], [], [], []
    paced = args.pace and args.marks
    for kind, launches, as_graph in configs:
        recs = [cp.zeros(3 * grid_of(kind, j), dtype=cp.uint64) for j in range(launches)]
        marker = cp.zeros(1, dtype=cp.uint64)
        run = pr.unit(kind, iters_of(kind), launches, cs_side, iters_many)
        run = graphed(run, side) if as_graph else run
        spans, blocks_p50 = [], []
        for _ in range(6):
            torch.cuda.synchronize()
            pr.mark(marker, cs_side)
            run(recs)
            torch.cuda.synchronize()
            enq = int(marker.get()[0])
            prev = enq
            for j in range(launches):
                blk = records(recs[j].get(), grid_of(kind, j))
                blocks_p50.append(statistics.median(b[1] - b[0] for b in blk))
                if kind.startswith("quad") and launches == 1:
                    block_rows += [[0, 0, f"alone-{kind}", len(spans), b, f"{(st - enq) / 1e3:.2f}",
                                    f"{(en - enq) / 1e3:.2f}", sm] for b, (st, en, sm) in enumerate(blk)]
                end = max(b[1] for b in blk)
                spans.append(end - prev)
                prev = end
        alone[kind, launches, as_graph] = (statistics.median(blocks_p50), statistics.median(spans))
        print(f"[{time.time() - t_start:.0f}s] alone {label(kind, as_graph)} x{launches}: block "
              f"{alone[kind, launches, as_graph][0] / 1e3:.1f} us, launch {alone[kind, launches, as_graph][1] / 1e3:.1f} us",
              flush=True)
    for batch, context in points:
        model = (MarkedModel if args.marks else Model)(batch, context, shapes=shapes)  # one point's KV cache at a time (64 x 8k and 32 x 16k do not fit together)
        for prio, dstream in streams.items():
            replay, graph = (capture_marked if args.marks else capture)(model, batch, context, dstream)
            cs_dec = pr.stream(dstream)
            decode_alone = decode_alone_ns(cp, lambda rec: pr.mark(rec, cs_dec), replay) / 1e3
            if args.marks:  # the marked step alone: its last replay's markers against a fresh start marker
                m0 = cp.zeros(1, dtype=cp.uint64)
                torch.cuda.synchronize()
                pr.mark(m0, cs_dec)
                replay()
                torch.cuda.synchronize()
                mark_rows += marks_of(model, batch, context, prio, "alone", -1, model.marks.get(), int(m0.get()[0]))
            for kind, launches, as_graph in configs:
                if args.quick and kind != "quad512":
                    continue
                n = warm + steps
                recs = [[cp.zeros(3 * grid_of(kind, j), dtype=cp.uint64) for j in range(launches)] for _ in range(n)]
                enq = [cp.zeros(1, dtype=cp.uint64) for _ in range(n)]
                s0 = [cp.zeros(1, dtype=cp.uint64) for _ in range(n)]
                s1 = [cp.zeros(1, dtype=cp.uint64) for _ in range(n)]
                run = pr.unit(kind, iters_of(kind), launches, cs_side, iters_many)
                if as_graph:
                    run = graphed(run, side)
                    for r in recs:
                        run.prepare(r)
                torch.cuda.synchronize()
                kept = [cp.zeros(model.marks.size, dtype=cp.uint64) for _ in range(n)] if args.marks else []
                for i in range(n):
                    step_then_side(lambda r: pr.mark(r, cs_dec), replay, dstream, side, s0[i], s1[i])
                    if args.marks:
                        keep(model, kept[i], dstream)
                    if phase is not None:
                        phase(side, decode_alone * 1e-6)
                    pr.mark(enq[i], cs_side)
                    run(recs[i])
                torch.cuda.synchronize()
                a_block, a_span = alone[kind, launches, as_graph]
                for i in range(warm, n):
                    start, stop, q = (int(x.get()[0]) for x in (s0[i], s1[i], enq[i]))
                    if args.marks:
                        mine = marks_of(model, batch, context, prio, label(kind, as_graph), i - warm, kept[i].get(),
                                        start, stop)
                        mark_rows += mine
                        step_marks = [(start + round(float(m[7]) * 1e3), m[5], m[6]) for m in mine if m[6] != "stop"]
                    prev = q
                    for j in range(launches):
                        blk = records(recs[i][j].get(), grid_of(kind, j))
                        s = summarize(blk, prev, a_block)
                        rows.append([batch, context, prio, label(kind, as_graph), launches, i - warm, j, f"{(q - start) / 1e3:.2f}",
                                     *(f"{s[k]:.2f}" if isinstance(s[k], float) else s[k] for k in
                                       ("first_start_us", "last_start_us", "late_blocks", "block_p50_us",
                                        "block_p90_us", "block_max_us")),
                                     f"{a_block / 1e3:.2f}", f"{s['span_us']:.2f}", f"{a_span / 1e3:.2f}", s["sms_used"],
                                     s["most_on_one_sm"], f"{(stop - start) / 1e3:.1f}", f"{decode_alone:.1f}"])
                        prev = max(b[1] for b in blk)
                        if paced and kind.startswith(("many", "wcopy")):
                            per_ns = grid_of(kind, j) / a_span
                            pace_out += [[batch, context, prio, label(kind, as_graph), i - warm, j, layer, seg,
                                          f"{us:.3f}", done, f"{alone:.2f}"]
                                         for layer, seg, us, done, alone in pace_rows(blk, step_marks, stop, per_ns)]
                            continue
                        if kind.startswith("quad") and launches == 1 and i < warm + 3:
                            block_rows += [[batch, context, f"{prio}-{kind}", i - warm, b, f"{(st - q) / 1e3:.2f}",
                                            f"{(en - q) / 1e3:.2f}", sm] for b, (st, en, sm) in enumerate(blk)]
                        elif kind.startswith(("many", "seq")) and i < warm + 2:  # every launch, against the step
                            block_rows += [[batch, context, f"{prio}-{kind}x{launches}-{j}", i - warm, b,
                                            f"{(st - start) / 1e3:.2f}", f"{(en - start) / 1e3:.2f}", sm]
                                           for b, (st, en, sm) in enumerate(blk)]
                write_csv(out / "launches.csv", head, rows)
                write_csv(out / "blocks.csv", ["batch", "context", "priority", "step", "block", "start_us", "end_us",
                                               "sm"], block_rows)
                if args.marks:
                    write_csv(out / "marks.csv", MARKS_HEAD, mark_rows)
                if paced:
                    write_csv(out / "pace.csv", PACE_HEAD, pace_out)
                mine = [r for r in rows if r[:5] == [batch, context, prio, label(kind, as_graph), launches]]
                span = statistics.median(float(r[15]) for r in mine)
                print(f"[{time.time() - t_start:.0f}s] b{batch} c{context} {prio} {label(kind, as_graph)} x{launches}: span "
                      f"{span:.0f} us (alone {a_span / 1e3:.0f}), first start {statistics.median(float(r[8]) for r in mine):.1f} us, "
                      f"last start {statistics.median(float(r[9]) for r in mine):.1f} us, late blocks "
                      f"{statistics.median(int(r[10]) for r in mine)}, block p50 "
                      f"{statistics.median(float(r[11]) for r in mine):.1f} us (alone {a_block / 1e3:.1f}), step "
                      f"{statistics.median(float(r[19]) for r in mine):.0f} us (alone {decode_alone:.0f})", flush=True)
            del graph
        del model
        torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
