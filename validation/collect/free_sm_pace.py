"""The pace of a co-runner on the SMs a long GEMM leaves free (a diagnostic; declared in
validation/collect/declared_runs.md, the twenty-seventh session, before it ran).

Why: beside a 70B's and a 405B's decode the weight GEMMs hold 120-132 SMs with one block each that
takes the SM's registers and shared memory (h100/dataplane_ladder_*_random/decode_kernels.csv), and a
co-runner launch that lands in one progresses only on what is left until it ends: the crawl
(nicmodel/engines/serving/long_gemm.py), one fitted share ``crawl_share`` for every launch. The
many-wave data-plane units beside 560-us GEMMs (torch.cat's 2-byte copies, the dequantization) take
1.3-1.55x the model's time there while the regime's 16-byte streaming launches of the same grids do
not; a screened form (latency_crawl_screen.py) slows the crawl of launches whose loads wait on memory by
1 + k b (latency_beside_decode - 1), k read off the check sets. This run measures the pace itself,
outside any decode step: each co-runner unit inside one long launch of a blocker that holds all SMs but
F (one block per SM taking its whole shared memory), F = 52, 12 and 4 (the 80-, 120- and 128-block GEMM
grids on 132 SMs), against the same unit alone. Pace = time alone / time inside. Two blockers: ``spin`` (the
clock only, no memory traffic) and ``stream`` (1,024 threads a block streaming 16-byte loads from 2 GiB, as a
weight GEMM streams HBM), so that a launch whose loads wait on memory meets the latency a GEMM's traffic
makes.

Co-runners, each captured as a CUDA graph (the GPU's time, not Python's):
  cat_8_chunks, dequantize_as_written, paged_scatter   the data-plane units (grid_units.dataplane_units)
  mem_<blocks>, alu_<blocks>, mem2_<blocks>            the regime's 16-byte streaming and ALU bodies and
                                                       the 2-byte streaming body, 128 threads, 2,048,
                                                       8,192 and 32,768 blocks, ~50 us alone

Writes (atomically, after each co-runner) into OUT:
  gpu.json   the device and software
  blockers.csv  the stream blocker's HBM read rate on each grid (bytes loaded over its time)
  pace.csv   per (co-runner, blocker, F): its time alone and inside (median, 10th and 90th percentiles over the
             repetitions), the pace (median alone over median inside), the SM share (F / SMs), the
             repetitions, and how many outlasted the blocker (dropped)

Nothing in it is a trace, and nothing is fitted to it.

    python validation/collect/free_sm_pace.py OUT [--reps N] [--budget SECONDS]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpu_common import Deadline, event, gpu_properties, write_csv  # noqa: E402
from grid_kernels import Synthetic, calibrate  # noqa: E402
from grid_units import dataplane_units  # noqa: E402
from residual_wait import Kernels  # noqa: E402

FREE_SMS = (52, 12, 4)
BLOCKERS = ("spin", "stream")
STREAM = r"""
__device__ __forceinline__ unsigned long long gtime() {
    unsigned long long t; asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t)); return t;
}
extern "C" __global__ void hold_stream(long long ns, const float4* __restrict__ src, long long n4,
                                       unsigned long long* loads, float* sink) {
    extern __shared__ float pad[];
    unsigned long long t0 = gtime(), n = 0;
    long long stride = (long long)gridDim.x * blockDim.x;
    long long j = ((long long)blockIdx.x * blockDim.x + threadIdx.x) % n4;
    float acc = 0.f;
    while ((long long)(gtime() - t0) < ns) {
        #pragma unroll
        for (int u = 0; u < 8; ++u) {
            float4 v = src[j];
            acc += v.x + v.y + v.z + v.w;
            j += stride;
            if (j >= n4) j -= n4;
        }
        n += 8;
    }
    atomicAdd(loads, n);
    if (acc == 1234.5f) sink[0] = acc;
    if (ns < 0) pad[threadIdx.x] = acc;
}
"""
BODIES = ("mem", "alu", "mem2")
GRIDS = (2048, 8192, 32768)
TARGET_S = 50e-6
LEAD_NS = 40_000  # the co-runner stream's one-block spin before the unit: the blocker is placed first


def capture(unit, stream: torch.cuda.Stream) -> torch.cuda.CUDAGraph:
    g = torch.cuda.CUDAGraph()
    torch.cuda.synchronize()
    with torch.cuda.graph(g, stream=stream, capture_error_mode="relaxed"):
        unit()
    torch.cuda.synchronize()
    return g


class Streamer:
    """The stream blocker: one 1,024-thread block per SM (the SM's whole shared memory) loading 16 bytes a thread
    an iteration from ``syn``'s 2 GiB source until the clock passes its length."""

    def __init__(self, k: Kernels, syn: Synthetic):
        cp = k.cp
        self.k, self.syn = k, syn
        self.kern = cp.RawModule(code=STREAM, options=("-std=c++17",)).get_function("hold_stream")
        self.kern.max_dynamic_shared_size_bytes = k.smem
        self.loads = cp.zeros(1, dtype=cp.uint64)
        self.sink = cp.zeros(1, dtype=cp.float32)

    def __call__(self, blocks: int, ns: int) -> None:
        cp = self.k.cp
        self.kern((blocks,), (1024,), (cp.int64(ns), self.syn.c_src, cp.int64(self.syn.n4), self.loads, self.sink),
                  shared_mem=self.k.smem)

    def rate(self, stream: torch.cuda.Stream, blocks: int, seconds: float = 2e-3) -> float:
        """Bytes a second the blocker loads on ``blocks`` SMs."""
        self.loads.fill(0)
        torch.cuda.synchronize()
        a, b = event(), event()
        a.record(stream)
        with self.k.cp.cuda.ExternalStream(stream.cuda_stream):
            self(blocks, int(seconds * 1e9))
        b.record(stream)
        torch.cuda.synchronize()
        return int(self.loads.get()[0]) * 16 / (a.elapsed_time(b) / 1e3)


def timed(k: Kernels, graph, bs: torch.cuda.Stream, cs: torch.cuda.Stream, free: int | None, hold_ns: int,
          streamer: Streamer | None = None) -> float:
    """Seconds of one replay of ``graph`` on ``cs``, inside a blocker leaving ``free`` SMs (None: alone): the
    spin blocker, or ``streamer``."""
    cp = k.cp
    torch.cuda.synchronize()
    if free is not None:
        with cp.cuda.ExternalStream(bs.cuda_stream):
            if streamer is not None:
                streamer(k.sms - free, hold_ns)
            else:
                k.hold_smem((k.sms - free,), (384,), (cp.int64(hold_ns), k.out), shared_mem=k.smem)
    with cp.cuda.ExternalStream(cs.cuda_stream):
        k.hold_k((1,), (32,), (cp.int64(LEAD_NS), k.out))
    a, b = event(), event()
    a.record(cs)
    with torch.cuda.stream(cs):
        graph.replay()
    b.record(cs)
    torch.cuda.synchronize()
    return a.elapsed_time(b) / 1e3


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--budget", type=float, default=300.0)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    dl = Deadline(args.budget)
    props = gpu_properties()
    (args.out / "gpu.json").write_text(json.dumps(props, indent=1) + "\n")
    k = Kernels(int(props["multi_processor_count"]))
    bs, cs = torch.cuda.Stream(), torch.cuda.Stream()
    units = {n: u for n, u in dataplane_units(None, cs).items()
             if n in ("cat_8_chunks", "dequantize_as_written", "paged_scatter")}
    syn = Synthetic()
    for body in BODIES:
        for grid in GRIDS:
            iters, _ = calibrate(syn, body, grid, 128, 0, TARGET_S, cs)
            units[f"{body}_{grid}"] = syn.launcher(body, grid, 128, 0, iters, cs)
    streamer = Streamer(k, syn)
    rates = [[free, k.sms - free, f"{streamer.rate(bs, k.sms - free) / 1e9:.1f}"] for free in FREE_SMS]
    write_csv(args.out / "blockers.csv", ["free_sms", "blocks", "stream_read_GBps"], rates)
    print(f"[{dl.elapsed():.0f}s] {props['name']}, {k.sms} SMs; {len(units)} co-runners; stream blocker "
          f"{', '.join(f'{r[2]} GB/s on {r[1]} SMs' for r in rates)}", flush=True)
    header = ["corunner", "blocker", "free_sms", "sm_share", "alone_us", "inside_us", "inside_p10_us", "inside_p90_us", "pace",
              "reps", "outlasted"]
    rows = []
    for name, unit in units.items():
        if dl.left() <= 0:
            print(f"budget spent before {name}", flush=True)
            break
        try:
            graph = capture(unit, cs)
        except RuntimeError as exc:  # a unit that cannot be captured is left out, said so
            print(f"{name}: not captured as a graph ({str(exc).splitlines()[0]}); left out", flush=True)
            continue
        alone = statistics.median(timed(k, graph, bs, cs, None, 0) for _ in range(args.reps))
        for blocker, free in ((b, f) for b in BLOCKERS for f in FREE_SMS):
            # the blocker outlasts a unit that runs on the free SMs at their share, with room to spare
            hold_s = min(0.2, max(2e-3, 3 * alone * k.sms / free)) + LEAD_NS * 1e-9
            inside = [timed(k, graph, bs, cs, free, int(hold_s * 1e9), streamer if blocker == "stream" else None)
                      for _ in range(args.reps)]
            kept = [t for t in inside if t < 0.9 * (hold_s - LEAD_NS * 1e-9)]
            med = statistics.median(kept) if kept else float("nan")
            q = statistics.quantiles(kept, n=10) if len(kept) >= 2 else [med] * 9
            rows.append([name, blocker, free, f"{free / k.sms:.4f}", f"{alone * 1e6:.2f}", f"{med * 1e6:.2f}",
                         f"{q[0] * 1e6:.2f}", f"{q[-1] * 1e6:.2f}", f"{alone / med:.4f}", len(kept),
                         len(inside) - len(kept)])
            print(f"[{dl.elapsed():.0f}s] {name:24s} {blocker:6s} free {free:3d}: alone {alone * 1e6:8.1f} us, inside "
                  f"{med * 1e6:9.1f} us, pace {alone / med:.3f} (SM share {free / k.sms:.3f})", flush=True)
        write_csv(args.out / "pace.csv", header, rows)


if __name__ == "__main__":
    main()
