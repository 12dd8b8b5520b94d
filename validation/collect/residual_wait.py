"""How long a short launch waits for SMs held by a stream of kernels it cannot sit beside, against
the length L of those kernels: the mechanism behind a data-plane launch's wait beside decode's GEMVs.

Why (declared 2026-12-05, a twenty-second session; validation/collect/declared_runs.md): on the H100
the paged-KV scatter (1,024 blocks of 128 threads, 4.5 us alone on both GPUs) takes 6.8-7.2x per
kernel beside decode's weight GEMMs alone (h100/dataplane_phase_gemv/), where the model gives
4.5-4.7x; the H100's GEMMs are the H200's shapes and grids, about 1.4x longer. The model charges a
launch a wait that does not grow with decode's kernel length (``launch_wait``, seconds, and
``dispatch_wait`` x t_d / (T + t_d), which saturates for T << t_d). If blocks are dispatched in order
of launch and a GEMV's blocks hold their SMs whole until it ends, a launch landing at a random point
waits out the residual life of the kernel running then, which grows with its length.

The blockers (one stream, "decode" in the model's terms), each a CUDA graph of back-to-back launches
of a kernel that spins on the global timer for L (2-160 us), in two shapes:
  full  2 x SMs blocks of 1,024 threads: every SM's 2,048 thread slots, so no other block fits beside
  room  1 x SMs blocks of 256 threads: room beside on every SM (the control: no wait expected)
  most  SMs - 12 blocks of 384 threads, each with the whole of its SM's shared memory: one of the weight
        GEMMs' grids (cuBLAS's nvjet kernels of 120 blocks on both GPUs' 132 SMs, each holding its SM
        whole), so a launch's blocks can run on the 12 SMs left while it waits for the others
  most4 the same on SMs - 4 (the GEMMs' 128-block grids; the repeat only)
  most52, most60  the same on SMs - 52 and SMs - 60 (80- and 72-block grids, a Qwen2.5-14B shape's GEMMs for most
        of their time; --grids only, 2026-12-06: whether the scatter's wait falls with the share of its blocks
        the free SMs cannot hold, 0.19 and 0.06 of its 1,024 blocks there against 0.91 beside most)
  most0, most40  the same on every SM and on SMs - 40 (--tail only)
  stream40  most40's grid streaming a 1 GiB buffer from HBM the while, 16 bytes a load (--tail-memory only, the same
        session, after the tail blockers: whether a launch on the SMs a streaming blocker leaves free loses what one
        beside the 70B shape's decode does, its first block late and a streaming kernel's blocks slow)
  gemm  the real 70B shape's gate/up GEMM (cuBLAS, batch 4: x (4 x 8,192) @ W (8,192 x 57,344), bf16; 224 tiles on 132
        CTAs, its last round on 92 for about 0.35 of it, h100/gemm_tails_70b/), back to back; L its time alone, and
        most0 and most40 at that L beside it (--tail-gemm only, the thirty-third session: whether another stream's
        launch gets the SMs a real GEMM's last round frees, as it gets those of tail40)
  tail40  every SM's block, the last 40 exiting at TAIL_ROUND of L: a persistent GEMM whose last round of tiles runs
        on 92 CTAs (the 70B shape's gate/up, 224 tiles on 132 CTAs; --tail only, 2026-12-06, a thirty-second
        session: whether a launch uses the SMs a blocker's early-exiting blocks free, as it uses those a smaller grid
        leaves, with no HBM traffic on either side)
The co-runners (another stream, normal priority), a 2-byte copy in PyTorch's elementwise_kernel<128, 4>
shape (the scatter's: 128 threads, four elements a thread, one tile a block):
  short  1,024 blocks (about 4 us alone, the scatter's grid)
  long   8,192 blocks (several waves)
  scatter  the paged-KV scatter itself (grid_units.py's, one layer: index_copy_ of a 256-token chunk
         into vLLM's paged layout, 1,024 blocks of 128 threads; the repeat only)
each as a unit of one launch or of 32 back to back (the scatter unit's count), issued after a random
host delay (0 to the larger of 100 us and 2 L, seeded) while the blocker stream is kept queued;
timed with events on the co-runner's own stream (the wait before its first block included), never
with a device-wide synchronize while the blockers run. Blocker priority: equal (normal, as the co-runner's) and high.

Writes (atomically, after each point) into OUT:
  gpu.json    the device and software
  blockers.csv  each blocker shape and L: its launch's time alone (events over a graph replay)
  waits.csv   one row per (blocker shape, L, priority, co-runner, launches a unit): the unit's time
              alone and beside (median and mean over the units measured), the extra per launch
              (beside - alone, over launches), and how many units were measured

A diagnostic: nothing in it is a trace, and nothing is fitted to it.

    python validation/collect/residual_wait.py OUT [--budget SECONDS] [--units N] [--seed S]
        [--rounds | --tail | --tail-memory | --tail-gemm]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpu_common import Deadline, event, gpu_properties, priority_streams, write_csv  # noqa: E402
from grid_measure import graph_batch  # noqa: E402

SOURCE = r"""
__device__ __forceinline__ unsigned long long gtime() {
    unsigned long long t; asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t)); return t;
}
extern "C" __global__ void hold(long long ns, unsigned int* out) {
    unsigned long long t0 = gtime();
    unsigned int x = threadIdx.x;
    while ((long long)(gtime() - t0) < ns) { x = x * 1664525u + 1013904223u; }
    if (x == 0x9e3779b9u) out[0] = x;
}
extern "C" __global__ void hold_tail(long long ns, int from, long long ns_tail, unsigned int* out) {
    unsigned long long t0 = gtime();
    long long until = blockIdx.x >= from ? ns_tail : ns;  // the blocks from ``from`` on exit early: a last round
    unsigned int x = threadIdx.x;
    while ((long long)(gtime() - t0) < until) { x = x * 1664525u + 1013904223u; }
    if (x == 0x9e3779b9u) out[0] = x;
}
extern "C" __global__ void hold_stream(long long ns, const uint4* __restrict__ buf, long long n16,
                                       unsigned long long* loads, unsigned int* out) {
    // holds its SM (launched with the whole shared memory) for ns while streaming buf from HBM, as a weight GEMM does
    unsigned long long t0 = gtime();
    unsigned int acc = 0;
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x, step = (long long)gridDim.x * blockDim.x, n = 0;
    while ((long long)(gtime() - t0) < ns) {
        #pragma unroll
        for (int u = 0; u < 8; ++u) { uint4 v = buf[i]; acc ^= v.x ^ v.w; i += step; if (i >= n16) i -= n16; }
        n += 8;
    }
    atomicAdd(loads, (unsigned long long)n);
    if (acc == 0x9e3779b9u) out[0] = acc;
}
extern "C" __global__ void alu(int iters, unsigned int* out) {
    unsigned int x = threadIdx.x + blockIdx.x;
    for (int i = 0; i < iters; ++i) { x = x * 1664525u + 1013904223u; x ^= x >> 7; }
    if (x == 0x9e3779b9u) out[0] = x;
}
extern "C" __global__ void copy2(const unsigned short* __restrict__ src, unsigned short* __restrict__ dst,
                                 long long n) {
    long long base = (long long)blockIdx.x * blockDim.x * 4 + threadIdx.x;
    #pragma unroll
    for (int u = 0; u < 4; ++u) {
        long long j = base + (long long)u * blockDim.x;
        if (j < n) dst[j] = src[j];
    }
}
"""

LENGTHS_US = (2, 5, 10, 20, 40, 80, 160)
BLOCKERS = {"full": (2, 1024), "room": (1, 256), "most": (1, 384), "most4": (1, 384)}  # per SM, threads
GRIDS_RUN = {"most": (1, 384), "most52": (1, 384), "most60": (1, 384)}  # --grids: the blockers
GRIDS_LENGTHS_US = (20, 40, 80, 160)
# SMs these leave free (the GEMMs' grids on 132)
LEFT_FREE = {"most": 12, "most4": 4, "most52": 52, "most60": 60, "most0": 0, "most40": 40}
ROUNDS_RUN = {"full": (2, 1024), "most": (1, 384), "most52": (1, 384), "most60": (1, 384)}  # --rounds: the blockers
ROUNDS_LENGTHS_US = (40, 80, 160)
ROUNDS_TARGETS_US = {"alu_long": 20.0, "alu_short": 2.5}  # --rounds: the ALU co-runner's time alone a launch
TAIL_RUN = {"most0": (1, 384), "most40": (1, 384), "tail40": (1, 384)}  # --tail: the blockers
TAIL_LENGTHS_US = (80, 160, 320)
TAIL_MEMORY_RUN = {"most40": (1, 384), "stream40": (1, 384)}  # --tail-memory: the blockers
TAIL_GEMM_RUN = {"most0": (1, 384), "most40": (1, 384), "gemm": (1, 384)}  # --tail-gemm: the blockers
TAIL_GEMM_SHAPE = (4, 8192, 57344)  # --tail-gemm: batch, hidden, 2 x intermediate (the 70B shape's gate/up)
STREAM_BYTES = 1 << 30  # stream40's buffer: twenty times the L2
TAIL_ROUND = 132 / 224  # tail40's first round's share of L: the 70B's gate/up, its last round scaled (92/132 of one)
CORUNNERS = {"short": 1024, "long": 8192, "scatter": 1024}  # blocks of 128 threads
UNIT_LAUNCHES = (1, 32)
GRAPH_SPAN_S = 0.02  # one blocker graph replay
MAX_GRAPH_LAUNCHES = 4000


class Kernels:
    def __init__(self, sms: int):
        import cupy as cp

        self.cp, self.sms = cp, sms
        mod = cp.RawModule(code=SOURCE, options=("-std=c++17",))
        self.hold_k, self.copy_k = mod.get_function("hold"), mod.get_function("copy2")
        self.alu_k, self.alu_iters = mod.get_function("alu"), {}  # --rounds: iterations by co-runner name
        self.alu_seconds: dict[int, float] = {}  # its GPU time a launch alone, by iterations
        # the same kernel holding its SM's shared memory whole (its own module: cupy caches by source)
        self.hold_smem = cp.RawModule(code=SOURCE + "\n// whole shared memory\n",
                                      options=("-std=c++17",)).get_function("hold")
        props, attrs = torch.cuda.get_device_properties(0), cp.cuda.Device().attributes
        per_block = int(props.shared_memory_per_block_optin)
        per_sm = int(props.shared_memory_per_multiprocessor)
        reserved = int(attrs.get("ReservedSharedMemoryPerBlock", 1024))  # 1 KiB on sm_80 and sm_90
        self.smem = min(per_block, per_sm - reserved)  # with its reserve, the SM's whole shared memory
        self.hold_smem.max_dynamic_shared_size_bytes = self.smem
        self.hold_smem.preferred_shared_memory_carveout = 100
        self.hold_tail = cp.RawModule(code=SOURCE + "\n// whole shared memory, a last round\n",
                                      options=("-std=c++17",)).get_function("hold_tail")
        self.hold_tail.max_dynamic_shared_size_bytes = self.smem
        self.hold_tail.preferred_shared_memory_carveout = 100
        self.hold_stream = cp.RawModule(code=SOURCE + "\n// whole shared memory, streaming\n",
                                        options=("-std=c++17",)).get_function("hold_stream")
        self.hold_stream.max_dynamic_shared_size_bytes = self.smem
        self.hold_stream.preferred_shared_memory_carveout = 100
        self.stream_buf = None  # allocated by --tail-memory only
        self.gemm_operands = None  # made by --tail-gemm only
        self.loads = cp.zeros(1, dtype=cp.uint64)
        self.out = cp.zeros(1, dtype=cp.uint32)
        n = max(CORUNNERS.values()) * 128 * 4
        self.src, self.dst = cp.ones(n, dtype=cp.uint16), cp.zeros(n, dtype=cp.uint16)
        # the paged-KV scatter of one layer (grid_units.dataplane_units: kv heads 8, head dim 128, 256 tokens)
        g = torch.Generator(device="cuda").manual_seed(0)
        self.paged = torch.zeros(2, 4096 * 16, 8, 128, dtype=torch.bfloat16, device="cuda")
        self.slots = (torch.randperm(4096, device="cuda", generator=g)[:16, None] * 16
                      + torch.arange(16, device="cuda")).flatten()
        self.chunk = torch.randn(2, 256, 8, 128, device="cuda", generator=g).to(torch.bfloat16)

    def gemm(self, stream: torch.cuda.Stream) -> None:
        """One launch of the real GEMM (--tail-gemm), its operands made at the first."""
        if self.gemm_operands is None:
            b, k, n = TAIL_GEMM_SHAPE
            g = torch.Generator(device="cuda").manual_seed(0)
            self.gemm_operands = tuple((torch.randn(*shape, generator=g, device="cuda") * 0.02).to(torch.bfloat16)
                                       for shape in ((b, k), (k, n))) + (
                torch.empty(b, n, device="cuda", dtype=torch.bfloat16),)
        x, w, y = self.gemm_operands
        with torch.cuda.stream(stream):
            torch.matmul(x, w, out=y)

    def hold(self, stream: torch.cuda.Stream, shape: str, ns: int) -> None:
        per_sm, threads = BLOCKERS[shape]
        if shape == "gemm":  # its own length, whatever ns says
            self.gemm(stream)
            return
        with self.cp.cuda.ExternalStream(stream.cuda_stream):
            if shape == "stream40":
                if self.stream_buf is None:
                    self.stream_buf = self.cp.ones(STREAM_BYTES // 4, dtype=self.cp.uint32)
                self.hold_stream((self.sms - 40,), (threads,), (self.cp.int64(ns), self.stream_buf,
                                                                self.cp.int64(STREAM_BYTES // 16), self.loads,
                                                                self.out), shared_mem=self.smem)
                return
            if shape == "tail40":
                self.hold_tail((self.sms,), (threads,), (self.cp.int64(ns), self.cp.int32(self.sms - 40),
                                                         self.cp.int64(round(ns * TAIL_ROUND)), self.out),
                               shared_mem=self.smem)
                return
            if shape in LEFT_FREE:
                self.hold_smem((self.sms - LEFT_FREE[shape],), (threads,), (self.cp.int64(ns), self.out),
                               shared_mem=self.smem)
                return
            self.hold_k((per_sm * self.sms,), (threads,), (self.cp.int64(ns), self.out))

    def alu(self, stream: torch.cuda.Stream, blocks: int, iters: int) -> None:
        with self.cp.cuda.ExternalStream(stream.cuda_stream):
            self.alu_k((blocks,), (128,), (self.cp.int32(iters), self.out))

    def copy(self, stream: torch.cuda.Stream, blocks: int, scatter: bool = False, name: str = "") -> None:
        if name in self.alu_iters:
            self.alu(stream, blocks, self.alu_iters[name])
            return
        if scatter:
            with torch.cuda.stream(stream):
                self.paged.index_copy_(1, self.slots, self.chunk)
            return
        with self.cp.cuda.ExternalStream(stream.cuda_stream):
            self.copy_k((blocks,), (128,), (self.src, self.dst, self.cp.int64(blocks * 128 * 4)))


def blocker_graph(k: Kernels, stream: torch.cuda.Stream, shape: str, length_us: int):
    """(graph, launches) of back-to-back blocker launches spanning about GRAPH_SPAN_S."""
    n = max(8, min(MAX_GRAPH_LAUNCHES, int(GRAPH_SPAN_S / (length_us * 1e-6))))
    return graph_batch(lambda: k.hold(stream, shape, length_us * 1000), n, stream).graph, n


def replay_time(g, n: int, stream: torch.cuda.Stream, replays: int = 2) -> float:
    """Seconds per launch of a graph of ``n`` alone (events around ``replays`` replays, after one)."""
    with torch.cuda.stream(stream):
        g.replay()
        a, b = event(), event()
        a.record(stream)
        for _ in range(replays):
            g.replay()
        b.record(stream)
    b.synchronize()
    return a.elapsed_time(b) / 1e3 / (replays * n)


# the ALU calibration's launches queue behind this (blocks, iterations) of the same kernel, a few ms, so that
# their events time the GPU's back-to-back launches, not the host's issue rate: the tail-GEMM run (2026-12-07)
# calibrated on a host issuing a launch every ~8 us, and its ~18.7-us unit came out at 143 iterations (~3 us)
CALIBRATION_QUEUE = (8192, 20_000)


def calibrate_alu(k: Kernels, stream: torch.cuda.Stream, blocks: int, target_s: float) -> int:
    """Iterations of the ALU kernel for ``target_s`` a launch alone (events over 20 launches queued behind a busy
    launch, doubling then scaling)."""
    def per_launch(iters: int) -> float:
        k.alu(stream, blocks, iters)
        k.alu(stream, *CALIBRATION_QUEUE)
        a, b = event(), event()
        a.record(stream)
        for _ in range(20):
            k.alu(stream, blocks, iters)
        b.record(stream)
        b.synchronize()
        return a.elapsed_time(b) / 1e3 / 20
    iters = 64
    while per_launch(iters) < target_s / 2 and iters < 1 << 24:
        iters *= 2
    iters = max(1, round(iters * target_s / per_launch(iters)))
    k.alu_seconds[iters] = per_launch(iters)
    return iters


CAPTURED: dict = {}  # (co-runner, launches) -> its unit captured as a CUDA graph (--graph-units)


def capture_units(k: Kernels, cs: torch.cuda.Stream) -> None:
    """Each co-runner's units captured as CUDA graphs on ``cs``."""
    for name in CORUNNERS:
        for launches in UNIT_LAUNCHES:
            g = torch.cuda.CUDAGraph()
            torch.cuda.synchronize()
            with torch.cuda.graph(g, stream=cs, capture_error_mode="relaxed"):
                for _ in range(launches):
                    k.copy(cs, CORUNNERS[name], name == "scatter", name)
            torch.cuda.synchronize()
            CAPTURED[(name, launches)] = g


def unit_times(k: Kernels, cs: torch.cuda.Stream, name: str, launches: int, units: int, rng: random.Random,
               keep_busy=None, span_s: float = 100e-6) -> list[float]:
    """Seconds per unit (``launches`` copies back to back), each after a random host delay of up to
    ``span_s``, one at a time; ``keep_busy`` (if given) is called before each unit to keep the blocker
    stream queued."""
    out = []
    for _ in range(units):
        if keep_busy is not None:
            keep_busy()
        until = time.perf_counter() + rng.uniform(0.0, span_s)
        while time.perf_counter() < until:
            pass
        a, b = event(), event()
        a.record(cs)
        if (name, launches) in CAPTURED:  # --graph-units: the unit as one CUDA graph, no host gap between launches
            with torch.cuda.stream(cs):
                CAPTURED[(name, launches)].replay()
        else:
            for _ in range(launches):
                k.copy(cs, CORUNNERS[name], name == "scatter", name)
        b.record(cs)
        b.synchronize()
        out.append(a.elapsed_time(b) / 1e3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--budget", type=float, default=240.0, help="seconds of measurement at most")
    ap.add_argument("--units", type=int, default=150, help="units measured a point")
    ap.add_argument("--first", action="store_true",
                    help="the first run's grid (no most4 blocker, no scatter co-runner)")
    ap.add_argument("--grids", action="store_true",
                    help="the grids run (2026-12-06): the most, most52 and most60 blockers, L 20-160 us, the scatter")
    ap.add_argument("--grids-short", action="store_true", help="the same with the short co-runner (the scatter's grid)")
    ap.add_argument("--graph-units", action="store_true",
                    help="each co-runner unit captured as a CUDA graph (the GPU's time, not the host's issue)")
    ap.add_argument("--rounds", action="store_true",
                    help="the turn rounds' diagnostic (2026-12-06): an ALU co-runner of 1,024 blocks, ~20 and ~2.5 us "
                         "a launch, one launch a unit, beside the full, most, most52 and most60 blockers, L 40-160 us")
    ap.add_argument("--tail", action="store_true",
                    help="the tile tail's diagnostic (2026-12-06): the rounds' two ALU co-runners and the 2-byte copy "
                         "(1,024 blocks), one launch a unit, beside the most0, most40 and tail40 blockers, L 80-320 us")
    ap.add_argument("--tail-memory", action="store_true",
                    help="the tail's memory diagnostic (2026-12-06): --tail's co-runners beside most40 and stream40 "
                         "(the same grid streaming HBM), L 80-320 us; writes stream40's bandwidth alone")
    ap.add_argument("--tail-gemm", action="store_true",
                    help="the real GEMM's tail (2026-12-06, a thirty-third session): --tail's co-runners beside the "
                         "70B shape's gate/up GEMM back to back and beside most0 and most40 at its length")
    ap.add_argument("--seed", type=int, default=22)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    dl = Deadline(args.budget)
    props = gpu_properties()
    (args.out / "gpu.json").write_text(json.dumps(props, indent=1) + "\n")
    sms = int(props["multi_processor_count"])
    k = Kernels(sms)
    streams = priority_streams()
    cs = torch.cuda.Stream(priority=0)
    rng = random.Random(args.seed)
    if args.first:
        for name, table in (("most4", BLOCKERS), ("scatter", CORUNNERS)):
            table.pop(name)
    global LENGTHS_US, UNIT_LAUNCHES
    if args.grids or args.grids_short:
        BLOCKERS.clear()
        BLOCKERS.update(GRIDS_RUN)
        # --grids: the scatter itself, whose Python issue (about 32 us a launch) hid the waits in the first run;
        # --grids-short: its grid as the CuPy copy (``short``), as the confirmed run read it
        for name in ("long", "short") if args.grids else ("long", "scatter"):
            CORUNNERS.pop(name)
        LENGTHS_US = GRIDS_LENGTHS_US

    tails = args.tail or args.tail_memory or args.tail_gemm
    if args.rounds or tails:
        BLOCKERS.clear()
        BLOCKERS.update(TAIL_RUN if args.tail else TAIL_MEMORY_RUN if args.tail_memory else
                        TAIL_GEMM_RUN if args.tail_gemm else ROUNDS_RUN)
        CORUNNERS.clear()
        if tails:
            CORUNNERS["short"] = 1024
        if args.tail_gemm:  # the GPU busy ~0.1 s first: the tail-memory diagnostic's first run calibrated cold
            for _ in range(100):
                k.alu(cs, 8192, 100_000)
            cs.synchronize()
        for name, target_us in ROUNDS_TARGETS_US.items():
            CORUNNERS[name] = 1024
            k.alu_iters[name] = calibrate_alu(k, cs, 1024, target_us * 1e-6)
        LENGTHS_US = TAIL_LENGTHS_US if tails else ROUNDS_LENGTHS_US
        UNIT_LAUNCHES = (1,)
        (args.out / "rounds_corunners.json").write_text(json.dumps(
            {"iterations": k.alu_iters, "launch_alone_us": {n: round(k.alu_seconds[i] * 1e6, 3)
                                                            for n, i in k.alu_iters.items()}}, indent=1) + "\n")
    if args.tail_memory:  # stream40's bandwidth alone: its loads over 20 launches of 320 us
        k.hold(cs, "stream40", 10_000)  # its buffer allocated and filled outside the timed launches
        cs.synchronize()
        k.loads.fill(0)
        a, b = event(), event()
        a.record(cs)
        for _ in range(20):
            k.hold(cs, "stream40", 320_000)
        b.record(cs)
        b.synchronize()
        seconds = a.elapsed_time(b) / 1e3
        (args.out / "stream40.json").write_text(json.dumps(
            {"bytes": int(k.loads.get()[0]) * 16, "seconds": seconds,
             "gb_per_s": round(int(k.loads.get()[0]) * 16 / seconds / 1e9, 1)}, indent=1) + "\n")
    if args.tail_gemm:  # the GEMM's time alone (events over 50 launches, after 5): every blocker's L
        for _ in range(5):
            k.gemm(cs)
        a, b = event(), event()
        a.record(cs)
        for _ in range(50):
            k.gemm(cs)
        b.record(cs)
        b.synchronize()
        gemm_us = a.elapsed_time(b) * 1e3 / 50
        LENGTHS_US = (max(1, round(gemm_us)),)
        (args.out / "gemm.json").write_text(json.dumps(
            {"batch_hidden_out": TAIL_GEMM_SHAPE, "launch_alone_us": round(gemm_us, 3)}, indent=1) + "\n")
    if args.graph_units:
        capture_units(k, cs)
    alone = {}
    for cname in CORUNNERS:
        for launches in UNIT_LAUNCHES:
            unit_times(k, cs, cname, launches, 10, rng)  # warm
            alone[(cname, launches)] = unit_times(k, cs, cname, launches, args.units, rng)
    blockers, waits = [], []
    hdr_b = ["blocker", "length_us", "priority", "launches_a_graph", "launch_alone_us"]
    hdr_w = ["blocker", "length_us", "priority", "corunner", "corunner_blocks", "launches_a_unit", "units",
             "alone_median_us", "alone_mean_us", "beside_median_us", "beside_mean_us", "extra_per_launch_us",
             "blocker_queue_ok"]
    for shape in BLOCKERS:
        for length in LENGTHS_US:
            for prio, bs in streams.items():
                if dl.left() < 5:
                    print("budget spent", flush=True)
                    return
                g, n = blocker_graph(k, bs, shape, length)
                t_launch = replay_time(g, n, bs)
                blockers.append([shape, length, prio, n, round(t_launch * 1e6, 3)])
                write_csv(args.out / "blockers.csv", hdr_b, blockers)
                pending: list = []

                def keep_busy():
                    while pending and pending[0].query():
                        pending.pop(0)
                    while len(pending) < 3:
                        with torch.cuda.stream(bs):
                            g.replay()
                            e = event()
                            e.record(bs)
                        pending.append(e)

                for cname, blocks in CORUNNERS.items():
                    for launches in UNIT_LAUNCHES:
                        keep_busy()
                        time.sleep(0.002)  # let the blockers start
                        # a delay over two blocker launches at least: a random phase of the blocker's kernel
                        beside = unit_times(k, cs, cname, launches, args.units, rng, keep_busy,
                                            max(100e-6, 2 * length * 1e-6))
                        ok = all(not e.query() for e in pending[:1])  # still queued when the last unit ended
                        al = alone[(cname, launches)]
                        extra = (statistics.mean(beside) - statistics.mean(al)) / launches
                        waits.append([shape, length, prio, cname, blocks, launches, len(beside),
                                      round(statistics.median(al) * 1e6, 3), round(statistics.mean(al) * 1e6, 3),
                                      round(statistics.median(beside) * 1e6, 3), round(statistics.mean(beside) * 1e6, 3),
                                      round(extra * 1e6, 3), int(ok)])
                        write_csv(args.out / "waits.csv", hdr_w, waits)
                        print(f"{shape} L={length}us {prio} {cname} x{launches}: extra {extra * 1e6:.2f} us/launch "
                              f"(alone {statistics.mean(al) * 1e6 / launches:.2f}) [{dl.elapsed():.0f}s]", flush=True)
                torch.cuda.synchronize()
    print("done", flush=True)


if __name__ == "__main__":
    main()
