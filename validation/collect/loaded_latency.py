"""HBM latency under load: how long one dependent load takes while other kernels stream HBM, and
while a decode step runs. What a latency-bound co-runner's loads wait for beside decode.

Why (added 2026-12-04, a ninth session): the interference model's co-runner side under-predicts
packed latency-bound launches, the copy probe's 66-block and 24-KiB launches by 18-23% on average
(h200/placement_copy_sealed/), and the 2-byte copy probe beside batch-1 decode by 16-41%
(h200/placement_copy/: 1.4-1.8x measured at every shape, against 1.04-1.27x predicted). Those
launches hold a few warps per SM and wait on every load; decode streams HBM at most of its peak
through almost all of its step, so each of their loads queues behind decode's. Their slowdown should
follow the loaded latency over the idle one, a property of the GPU's memory system that can be
measured directly, not fitted. Nothing here is fitted to a co-runner's time.

Probe: a pointer chase (one thread per block, CHASERS blocks, each walking its own place in one
random cycle over CHASE_BYTES of 4-byte indices, far beyond L2, from random starts drawn afresh for
every launch): each load depends on the last, so the time per step is the load's latency.
  curve        the chase alone, then beside a read-only streaming kernel of G blocks x 256 threads
               (16-byte loads, a grid-stride loop until a deadline) for G in STREAM_GRIDS: latency
               against the streaming kernel's HBM bandwidth (measured while the chase runs)
  decode       the chase beside the Llama-3-8B-shaped decode graph (gpu_common.Model) replayed
               back to back, at every point the placement probes used (their sealed sets'
               too): the whole step, its 32 attention kernels back to back, and the step without
               them (``part``), the loaded latency of each phase of the step
Each measurement REPEATS times; the chase's window is checked to lie inside the streaming kernel's
or the decode replays' (``inside``).

Writes (atomically, after each configuration):
  gpu.json     the device, driver, torch and CUDA versions
  curve.csv    stream_blocks, stream_gbps (read bandwidth while the chase ran), repeat,
               latency_ns (median over chasers), latency_max_ns, inside (1/0)
  decode.csv   batch, context, part, repeat, latency_ns, latency_max_ns, alone_latency_ns (the same
               repeat's chase with the GPU idle), decode_step_us (alone), steps_covered, inside
With --points BxC,... (and --parts, --decode-only) the chase beside decode at other points, each
group of points served by one Model whose KV cache stays within KV_TOKENS_MAX. A second run, the
same session (h200/loaded_latency_grid/): 34 points, batch 1-64 x context 1k-16k, every part, no
streaming curve: how the loaded latency follows the step, the input a step-dependent form would
need (the first run's 13 points read 1.70-2.60x, lowest beside split attention grids). Nothing is
fitted to it.
Run: python validation/collect/loaded_latency.py $OUT [--quick] [--points BxC,...] [--parts all,attention,rest]
     [--decode-only]
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpu_common import GTIME_DELAY, Model, capture, gpu_properties, write_csv  # noqa: E402
from placement_probe import POINTS, SEALED2_POINTS, SEALED_POINTS  # noqa: E402

SOURCE = GTIME_DELAY + r"""
extern "C" __global__ void chase(const unsigned int* __restrict__ next, const unsigned int* __restrict__ starts,
                                 long long steps, unsigned long long* rec) {
    if (threadIdx.x != 0) return;
    unsigned int p = starts[blockIdx.x];
    unsigned long long t0 = gtime();
    for (long long k = 0; k < steps; ++k) p = next[p];
    unsigned long long t1 = gtime();
    rec[3 * blockIdx.x] = t0; rec[3 * blockIdx.x + 1] = t1; rec[3 * blockIdx.x + 2] = p;
}
extern "C" __global__ void stream_read(const float4* __restrict__ src, long long n, long long ns,
                                       unsigned long long* rec, float* sink) {
    __shared__ unsigned long long t0;
    if (threadIdx.x == 0) t0 = gtime();
    __syncthreads();
    float acc = 0.f;
    long long loads = 0;
    long long stride = (long long)gridDim.x * blockDim.x;
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    while (true) {
        for (int u = 0; u < 64; ++u) {
            float4 v = src[i];
            acc += v.x + v.y + v.z + v.w;
            i += stride; if (i >= n) i -= n;
        }
        loads += 64;
        if ((long long)(gtime() - t0) >= ns) break;
    }
    if (acc == 12345.678f) sink[0] = acc;
    __syncthreads();
    if (threadIdx.x == 0) {
        rec[3 * blockIdx.x] = t0; rec[3 * blockIdx.x + 1] = gtime();
        rec[3 * blockIdx.x + 2] = (unsigned long long)loads * blockDim.x * 16ull;
    }
}
"""
CHASE_BYTES = 1 << 30  # 2^28 four-byte indices: 20x the H200's L2
CHASERS = 8
CHASE_STEPS = 12000  # ~8 ms at 700 ns
STREAM_GRIDS = [0, 1, 2, 4, 8, 16, 33, 66, 132, 264, 528]
STREAM_THREADS = 256
STREAM_BYTES = 4 << 30
REPEATS = 3
PARTS = ("all", "attention", "rest")  # gpu_common.Model.part: the step, its attention kernels alone, the rest


def decode_points() -> list[tuple[int, int]]:
    seen, out = set(), []
    for p in POINTS + SEALED_POINTS + SEALED2_POINTS:
        if p not in seen:
            seen.add(p)
            out.append(p)
    return out


class Chase:
    def __init__(self):
        import cupy as cp

        self.cp = cp
        mod = cp.RawModule(code=SOURCE, options=("-std=c++17",))
        self.chase_k, self.stream_k = mod.get_function("chase"), mod.get_function("stream_read")
        n = CHASE_BYTES // 4
        g = torch.Generator(device="cuda").manual_seed(20261204)
        perm = torch.randperm(n, generator=g, device="cuda", dtype=torch.int64)
        nxt = torch.empty(n, device="cuda", dtype=torch.int64)
        nxt[perm] = torch.roll(perm, -1)  # one cycle through every index, in random order
        # torch owns the memory; cupy views it (kept alive beside the view)
        self._next = nxt.to(torch.int32)
        self.next = cp.asarray(self._next).view(cp.uint32)
        del perm, nxt
        # every launch's starts made here, once: an upload between launches would go through the
        # default stream, which waits for every other stream's work
        self.starts = cp.asarray(np.random.default_rng(20261204).integers(0, n, (4096, CHASERS), dtype=np.uint32))
        self.launches = 0
        self.src = cp.ones(STREAM_BYTES // 4, dtype=cp.float32)
        self.sink = cp.zeros(1, dtype=cp.float32)

    def launch_chase(self, cs, rec) -> None:
        # fresh random starts every launch (every index lies on the one cycle): no chase finds the
        # last one's lines in L2 (a first run that reused them read 148 ns a load, L2's latency)
        starts = self.starts[self.launches % len(self.starts)]
        self.launches += 1
        with cs:
            self.chase_k((CHASERS,), (32,), (self.next, starts, self.cp.int64(CHASE_STEPS), rec))

    def launch_stream(self, cs, grid: int, ns: int, rec) -> None:
        with cs:
            self.stream_k((grid,), (STREAM_THREADS,), (self.src, self.cp.int64(self.src.size // 4),
                                                       self.cp.int64(ns), rec, self.sink))

    @staticmethod
    def latency(rec_host) -> tuple[float, float, int, int]:
        """(median, max) ns per load over chasers, and the chase window's (start, end)."""
        lat = [(int(rec_host[3 * i + 1]) - int(rec_host[3 * i])) / CHASE_STEPS for i in range(CHASERS)]
        start = min(int(rec_host[3 * i]) for i in range(CHASERS))
        end = max(int(rec_host[3 * i + 1]) for i in range(CHASERS))
        return statistics.median(lat), max(lat), start, end

    def alone(self, cs) -> float:
        rec = self.cp.zeros(3 * CHASERS, dtype=self.cp.uint64)
        torch.cuda.synchronize()
        self.launch_chase(cs, rec)
        torch.cuda.synchronize()
        return self.latency(rec.get())[0]


KV_TOKENS_MAX = 600_000  # one Model's KV cache (batch x context): 75 GiB of bf16 Llama-3-8B K and V


def parse_points(text: str) -> list[tuple[int, int]]:
    """'BxC,BxC,...' -> [(B, C), ...]"""
    return [(int(b), int(c)) for b, c in (item.split("x") for item in text.split(","))]


def model_groups(points: list[tuple[int, int]], kv_tokens: int = KV_TOKENS_MAX) -> list[list[tuple[int, int]]]:
    """The points in groups, each served by one Model whose KV cache (its largest batch x its largest
    context) stays within ``kv_tokens``, in order of batch."""
    groups: list[list[tuple[int, int]]] = []
    for pt in sorted(points):
        g = groups[-1] if groups else None
        if g and max(b for b, _ in g + [pt]) * max(c for _, c in g + [pt]) <= kv_tokens:
            g.append(pt)
        else:
            groups.append([pt])
    return groups


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--points", help="decode points BxC,... (default: every placement probe's)")
    ap.add_argument("--parts", default=",".join(PARTS), help="parts of the step beside which to chase")
    ap.add_argument("--decode-only", action="store_true", help="skip the streaming-kernel curve")
    ap.add_argument("--kv-tokens", type=int, default=KV_TOKENS_MAX,
                    help="most KV tokens (batch x context) one Model holds: 600,000 (75 GiB) fits an H200; "
                         "300,000 (37.5 GiB) beside the weights an 80 GB GPU")
    args = ap.parse_args()
    parts = args.parts.split(",")
    if not set(parts) <= set(PARTS):
        raise SystemExit(f"--parts: each of {', '.join(PARTS)}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    (out / "gpu.json.tmp").write_text(json.dumps(gpu_properties(), indent=1))
    (out / "gpu.json.tmp").replace(out / "gpu.json")
    ch = Chase()
    cp = ch.cp
    s_chase, s_load = torch.cuda.Stream(priority=0), torch.cuda.Stream(priority=0)
    cs_chase, cs_load = cp.cuda.ExternalStream(s_chase.cuda_stream), cp.cuda.ExternalStream(s_load.cuda_stream)
    ch.alone(cs_chase)  # warm-up
    rows = []
    for grid in ([] if args.decode_only else STREAM_GRIDS[:4] if args.quick else STREAM_GRIDS):
        for r in range(REPEATS):
            rec = cp.zeros(3 * CHASERS, dtype=cp.uint64)
            srec = cp.zeros(3 * max(grid, 1), dtype=cp.uint64)
            torch.cuda.synchronize()
            if grid:
                ch.launch_stream(cs_load, grid, 40_000_000, srec)  # 40 ms; the chase starts inside it
            ch.launch_chase(cs_chase, rec)
            torch.cuda.synchronize()
            med, mx, a, b = ch.latency(rec.get())
            gbps, inside = 0.0, 1
            if grid:
                sh = srec.get()
                s0 = min(int(sh[3 * i]) for i in range(grid))
                s1 = max(int(sh[3 * i + 1]) for i in range(grid))
                gbps = sum(int(sh[3 * i + 2]) for i in range(grid)) / (s1 - s0)  # bytes/ns = GB/s
                inside = int(s0 <= a and b <= s1)
            rows.append([grid, f"{gbps:.1f}", r, f"{med:.1f}", f"{mx:.1f}", inside])
        write_csv(out / "curve.csv", ["stream_blocks", "stream_gbps", "repeat", "latency_ns", "latency_max_ns",
                                      "inside"], rows)
        print(f"[{time.time() - t0:.0f}s] stream {grid} blocks: {rows[-1]}", flush=True)
    points = parse_points(args.points) if args.points else decode_points()
    points = points[:2] if args.quick else points
    drows = []
    for group in model_groups(points, args.kv_tokens):
        model = Model(max(b for b, _ in group), max(c for _, c in group))
        for (batch, context), part in itertools.product(group, parts):
            decode_point(ch, model, batch, context, part, s_load, cs_chase, drows, out, t0)
        del model
        torch.cuda.empty_cache()


def decode_point(ch: Chase, model: Model, batch: int, context: int, part: str, s_load, cs_chase, drows: list,
                 out: Path, t0: float) -> None:
    """The chase beside one part of the decode step at one point, REPEATS times (rows into ``drows``,
    decode.csv rewritten)."""
    cp = ch.cp
    model.part = part
    replay, graph = capture(model, batch, context, s_load)
    e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    torch.cuda.synchronize()
    e0.record(s_load)
    for _ in range(5):
        replay()
    e1.record(s_load)
    torch.cuda.synchronize()
    step_us = e0.elapsed_time(e1) * 1e3 / 5
    chase_ns = CHASE_STEPS * 800  # a loaded chase is slower than 800 ns a load rarely; cover it twice
    n_steps = max(3, int(2 * chase_ns / (step_us * 1e3)) + 2)
    for r in range(REPEATS):
        alone = ch.alone(cs_chase)
        rec = cp.zeros(3 * CHASERS, dtype=cp.uint64)
        m0, m1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        torch.cuda.synchronize()
        m0.record(s_load)
        replay()  # the chase starts during the first replay and ends before the last
        for _ in range(n_steps - 1):
            replay()
        m1.record(s_load)
        ch.launch_chase(cs_chase, rec)
        torch.cuda.synchronize()
        med, mx, a, b = ch.latency(rec.get())
        covered = (b - a) / (step_us * 1e3)
        # inside: the replays (n_steps x step) outlast the chase's window from its start
        inside = int(m0.elapsed_time(m1) * 1e6 >= (b - a) + step_us * 1e3)
        drows.append([batch, context, part, r, f"{med:.1f}", f"{mx:.1f}", f"{alone:.1f}", f"{step_us:.1f}",
                      f"{covered:.2f}", inside])
    write_csv(out / "decode.csv", ["batch", "context", "part", "repeat", "latency_ns", "latency_max_ns",
                                   "alone_latency_ns", "decode_step_us", "steps_covered", "inside"], drows)
    print(f"[{time.time() - t0:.0f}s] decode {batch}x{context} {part}: {drows[-1]}", flush=True)
    del graph


if __name__ == "__main__":
    main()
