"""Which SMs decode's kernels leave free, over a step: a sampler of short one-SM blocks beside decode.

Why (added 2026-12-06, a thirty-first session; a declared diagnostic, validation/collect/declared_runs.md): cuBLAS's
persistent GEMMs may run their last round of output tiles on fewer CTAs than SMs (the 405B shape's gate/up GEMM at
batch 16: 208 tiles of 512 on 132 CTAs, so its second half on 76 SMs), which the grids the model reads (132 blocks:
every SM held) do not show. The sampler tells: a side stream at normal priority keeps a queue of launches of 132
blocks of 128 threads, each block spinning about ``--block-us`` and recording its start, end and SM, while decode's
CUDA graph replays on a high-priority stream (its blocks are dispatched first; a GEMM's CTAs wait at most one sampler
block for an SM). A sampler block runs only on an SM decode's kernels leave room on, so the SMs running sampler blocks
in a window of the step are the SMs decode leaves free there.

Writes (atomically, after each point):
  windows.csv  per decode point, step and window (``--window-us``) from the step's start to its end: the SMs that ran a
               sampler block during the window (distinct), and the sampler's block-microseconds in it
  summary.csv  per point: the share of the step's windows with at least 40 SMs sampled (at least 40 free), with at
               most 8, the mean SMs sampled, the step's time beside the sampler and alone
  alone.csv    the sampler alone: its SMs per window (132 when nothing else runs)

With --gemms (added 2026-12-06, a thirty-third session): in place of the step, each of a layer's four weight GEMMs
alone (QKV, O, gate/up, down: part gemm0-gemm3), every layer's back to back in one graph, so the windows are that GEMM's
own: how many SMs it leaves free and for what share of its time, its last round of tiles included, as measured rather
than from its tile count (the three tile-tail candidates took the tail from the tile count: docs/serving.md).

Run: python validation/collect/sm_sampler.py OUT --model NAME [--layers N] --points BxL,... [--steps 3] [--gemms]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from decode_models import MODELS  # noqa: E402 (torch and CuPy are imported in main: windows() is pure)

KERNELS = r"""
__device__ __forceinline__ unsigned int smid() {
    unsigned int s; asm volatile("mov.u32 %0, %%smid;" : "=r"(s)); return s;
}
extern "C" __global__ void mark(unsigned long long* rec) { rec[0] = gtime(); }
extern "C" __global__ void sample(unsigned long long* rec, long long iters, unsigned int* out) {
    __shared__ unsigned long long t0;
    if (threadIdx.x == 0) t0 = gtime();
    unsigned int x = blockIdx.x * blockDim.x + threadIdx.x;
    ALU_LOOP
    if (x == 0x9e3779b9u) out[0] = x;
    __syncthreads();
    if (threadIdx.x == 0) {
        long long b = (long long)blockIdx.x * 3;
        rec[b] = t0; rec[b + 1] = gtime(); rec[b + 2] = smid();
    }
}
"""
SMS = 132
FREE, HELD = 40, 8  # SMs sampled: a window with at least FREE free, or at most HELD


def windows(blocks, start: int, stop: int, width_ns: int) -> list[tuple[int, float]]:
    """[(distinct SMs, block-us)] per window of ``width_ns`` from ``start`` to ``stop`` (ns) of sampler blocks
    [(start, end, sm)] (ns)."""
    n = max(1, (stop - start) // width_ns)
    sms = [set() for _ in range(n)]
    busy = [0.0] * n
    for b0, b1, sm in blocks:
        if b1 <= start or b0 >= stop:
            continue
        first, last = max(0, (b0 - start) // width_ns), min(n - 1, (b1 - start) // width_ns)
        for w in range(first, last + 1):
            lo, hi = start + w * width_ns, start + (w + 1) * width_ns
            sms[w].add(sm)
            busy[w] += (min(b1, hi) - max(b0, lo)) / 1e3
    return [(len(s), b) for s, b in zip(sms, busy)]


def main() -> None:
    import cupy as cp
    import torch
    from gpu_common import ALU_LOOP, GTIME_DELAY, Model, capture, decode_model, priority_streams, write_csv
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--model", choices=tuple(MODELS), default="llama-3-8b")
    ap.add_argument("--layers", type=int, default=None)
    ap.add_argument("--points", default="2x2048,16x4096")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--block-us", type=float, default=2.0, help="a sampler block's time alone, about")
    ap.add_argument("--window-us", type=float, default=5.0)
    ap.add_argument("--gemms", action="store_true",
                    help="each of a layer's four weight GEMMs alone, every layer's, in place of the step")
    args = ap.parse_args()
    parts = ["gemm0", "gemm1", "gemm2", "gemm3"] if args.gemms else ["all"]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t_start = time.time()
    mod = cp.RawModule(code=(GTIME_DELAY + KERNELS).replace("ALU_LOOP", ALU_LOOP), options=("-std=c++17",))
    mark_k, sample_k = mod.get_function("mark"), mod.get_function("sample")
    sink = cp.zeros(1, dtype=cp.uint32)
    streams = priority_streams()
    dstream, side = streams["high"], torch.cuda.Stream(priority=0)
    cs_side, cs_dec = cp.cuda.ExternalStream(side.cuda_stream), cp.cuda.ExternalStream(dstream.cuda_stream)

    def calibrate() -> int:
        rec = cp.zeros(3 * SMS, dtype=cp.uint64)
        iters = 16
        while True:
            with cs_side:
                sample_k((SMS,), (128,), (rec, cp.int64(iters), sink))
            torch.cuda.synchronize()
            h = rec.get()
            per = statistics.median(int(h[3 * i + 1]) - int(h[3 * i]) for i in range(SMS)) / 1e3
            if per >= args.block_us or iters > 1 << 20:
                return iters
            iters *= 2
    iters = calibrate()
    shapes, _ = decode_model(args.model, args.layers)
    width = int(args.window_us * 1e3)
    win_rows, sum_rows, alone_rows = [], [], []
    head_w = ["batch", "context", "part", "step", "window", "start_us", "sms_sampled", "sampler_block_us"]
    head_s = ["batch", "context", "part", "steps", "windows", "share_free_ge40", "share_free_le8", "mean_sms_sampled",
              "decode_step_us", "decode_alone_us", "sampler_block_us", "launches"]
    for point, part in [(pt, part) for pt in args.points.split(",") for part in parts]:
        batch, context = (int(v) for v in point.split("x"))
        if part == parts[0]:
            model = Model(batch, context, shapes=shapes)
        model.part = part
        replay, graph = capture(model, batch, context, dstream)
        m0, m1 = cp.zeros(1, dtype=cp.uint64), cp.zeros(1, dtype=cp.uint64)
        solo = []
        for _ in range(5):
            torch.cuda.synchronize()
            with cs_dec:
                mark_k((1,), (1,), (m0,))
            replay()
            with cs_dec:
                mark_k((1,), (1,), (m1,))
            torch.cuda.synchronize()
            solo.append((int(m1.get()[0]) - int(m0.get()[0])) / 1e3)
        alone_us = statistics.median(solo)
        launches = int(1.5 * alone_us / args.block_us) + 64  # the queue outlasts the step
        rec = cp.zeros(3 * SMS * launches, dtype=cp.uint64)
        g = torch.cuda.CUDAGraph()
        torch.cuda.synchronize()
        with torch.cuda.graph(g, stream=side, capture_error_mode="relaxed"):
            with cs_side:
                for j in range(launches):
                    sample_k((SMS,), (128,), (rec[3 * SMS * j:], cp.int64(iters), sink))
        torch.cuda.synchronize()
        if not alone_rows:  # the sampler alone: every SM, every window
            with torch.cuda.stream(side):
                g.replay()
            torch.cuda.synchronize()
            h = rec.get().reshape(-1, 3)
            blocks = [(int(a), int(b), int(c)) for a, b, c in h]
            t0 = min(b[0] for b in blocks)
            for w, (n, busy) in enumerate(windows(blocks, t0, t0 + int(alone_us * 1e3), width)):
                alone_rows.append([w, f"{w * args.window_us:.1f}", n, f"{busy:.1f}"])
            write_csv(out / "alone.csv", ["window", "start_us", "sms_sampled", "sampler_block_us"], alone_rows)
        mine, steps_us = [], []
        for step in range(args.steps + 1):  # the first warms up
            rec.fill(0)
            torch.cuda.synchronize()
            ev = torch.cuda.Event()
            with cs_dec:
                mark_k((1,), (1,), (m0,))
            ev.record(dstream)
            side.wait_event(ev)
            with torch.cuda.stream(side):
                g.replay()
            replay()
            with cs_dec:
                mark_k((1,), (1,), (m1,))
            torch.cuda.synchronize()
            if step == 0:
                continue
            start, stop = int(m0.get()[0]), int(m1.get()[0])
            steps_us.append((stop - start) / 1e3)
            h = rec.get().reshape(-1, 3)
            blocks = [(int(a), int(b), int(c)) for a, b, c in h if a]
            for w, (n, busy) in enumerate(windows(blocks, start, stop, width)):
                win_rows.append([batch, context, part, step, w, f"{w * args.window_us:.1f}", n, f"{busy:.1f}"])
                mine.append(n)
        sum_rows.append([batch, context, part, args.steps, len(mine), f"{sum(n >= FREE for n in mine) / len(mine):.4f}",
                         f"{sum(n <= HELD for n in mine) / len(mine):.4f}", f"{statistics.mean(mine):.2f}",
                         f"{statistics.median(steps_us):.1f}", f"{alone_us:.1f}", f"{args.block_us:g}", launches])
        write_csv(out / "windows.csv", head_w, win_rows)
        write_csv(out / "summary.csv", head_s, sum_rows)
        print(f"[{time.time() - t_start:.0f}s] b{batch} c{context} {part}: {sum_rows[-1][5]} of windows >= {FREE} SMs "
              f"free, {sum_rows[-1][6]} <= {HELD}; mean {sum_rows[-1][7]} SMs sampled; step {sum_rows[-1][8]} us "
              f"(alone {alone_us:.0f})", flush=True)
        del replay, graph, g, rec
        if part == parts[-1]:
            del model
            torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
