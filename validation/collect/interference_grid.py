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
    HOLDOUT_SHARE (so the split does not depend on run order or on which points finished);
  - on the second GPU (the H100: validation/traces/h100/interference.csv, and every run of this
    collector there, h100/grid/ and h100/regime/) every point is held out: no H100 number is
    used to fit the model;
  - `--regime` (added 2026-12-02, before any fit of its points): synthetic co-runners in the regime
    of the data-plane kernels, which the first grid did not reach: many-wave elementwise kernels
    of thin blocks (2,048-32,768 blocks, memory- and compute-bound bodies, ~10-250 us) and
    decoder-like one-wave kernels of 4 blocks per SM (132 and 512 blocks of 128 threads with 48 KiB
    of shared memory, 0.1-2 ms), at every decode point, both priorities and three duties. They
    are split like the synthetic points (section "regime", same hash rule). `--regime --eager`
    launches them from Python one by one, as the data-plane units are launched, instead of as a
    CUDA graph (same split);
  - `--probe` (added 2026-12-02, before any fit of its points): why PyTorch's elementwise kernels
    slow more beside decode than synthetic kernels of the same grid and duration. One-kernel units
    of ~40 us over 8,192-32,768 blocks of 128 threads, each at k = 1 and 8 launches per decode
    step, every decode point, both priorities, launched on the legacy default stream (as the
    data-plane units are) and on a created stream: PyTorch's strided copy (one of torch.cat's
    kernels), PyTorch's contiguous (vectorized) copy, and CuPy kernels that copy 2-byte scalars
    (as PyTorch's strided copy does), 16-byte vectors, or run integer ALU work. Every PyTorch
    probe point is held out (they are the data-plane kernels' own code). The CuPy probe points
    were first declared split by the synthetic hash rule; before any fit of them was written to a
    spec, the whole probe was made held out (the conservative direction: it is a diagnostic, and
    no spec number rests on it);
  - `--widths` (added 2026-12-02, after the probe, before any fit of its points): streaming
    co-runners that load and store 2, 4, 8 or 16 bytes per thread per iteration (grid-stride loops
    over 2 GiB), 8,192 and 32,768 blocks of 128 threads, ~10, 50 and 250 us, at every decode point,
    both priorities and three duties, launched as CUDA graphs: the designed grid a model with an
    access-width input would be fitted on. Split by the synthetic hash rule (section "widths");
    first written to a trace of its own; after the trial of a width term on it, merged into
    validation/traces/h200_interference.csv with the same roles for the fit of narrow_high and
    narrow_equal;
  - the copy-engine points of `--section copyfit` (pinned host-to-device copies of 1, 4, 64 and
    128 MiB, none of the data-plane chunk sizes) are fitted: they set dma_factor, which no
    synthetic kernel point can (added 2026-12-02, after the first run, before any fit of it).

  - `--phase random` (added 2026-12-03, before any fit of its points): every co-runner launch that
    waits for a decode step waits a further uniformly random part of that step (a one-thread spin
    kernel on its stream, seeded: gpu_common.RandomPhase), as a serving system's co-runner, which
    is not aligned with decode steps, lands; saturating co-runners are always queued (phase
    "queued"). Column `phase` says which. The split is the same rule (the key leaves out the
    phase): the data-plane points held out, the synthetic, regime and widths points by the hash.

  - `--paced` (added 2026-12-03, before any fit of its points): units of 32 launches issued from
    Python with the host holding a fixed interval between launches (none, 20 us, 60 us; a spin on
    the CPU clock), as LMCache issues its per-layer paged-KV scatter. Synthetic kernels of the
    scatter's launch shape (1,024 blocks of 128 threads; a 2-byte streaming body and an integer
    ALU body, ~5, 15 and 40 us per launch), every decode point, both priorities, duties low and
    mid, at random phase: the grid a host-paced launch term would be fitted on. Split by the
    synthetic hash rule (section "paced"). The paged-KV scatter itself at the same intervals (on
    the legacy default stream, as in the data-plane rows) is held out. (Found in its run: beside
    decode the launches queue while the stream waits its turn, so the host's interval shows in the
    unit's time alone and not beside decode; it became the evidence for that, and `--short` the
    grid the per-launch wait is fitted on);
  - `--short` (added 2026-12-03, after the paced run showed that a unit's launches queue beside
    decode whatever its launch gaps alone, before any fit of its points): units of 32 short
    kernels (fixed iteration counts: 2-byte and 16-byte streaming bodies and an integer ALU body,
    1,024 and 4,096 blocks of 128 threads, ~2-40 us each), launched from Python back to back and
    as a CUDA graph, every decode point, both priorities, duties low and mid, at random phase; each
    kernel's time alone per launch is timed as a CUDA graph of 32 launches (no host in the way) and
    recorded in short_corunners.csv. The grid a per-launch wait term for short kernels would be
    fitted on. Split by the synthetic hash rule (section "short"). The paged-KV scatter again
    beside it, with its time alone as a graph as well, is held out. `--short --points 32x1024,...
    --kernels mem2:1024:1,...` (added later the same day, before any fit of its points): the same
    units at other decode points (batch x context), to separate the wait's growth with decode's
    kernel length from batch; split the same way;
  - `--onewave` (added 2026-12-03, before any fit of its points): one-wave kernels whose blocks
    cannot all spread one per SM beside decode's weight GEMVs: 128-thread blocks holding 200, 100
    or 48 KiB of shared memory (1, 2 or 4 per SM), 66-528 blocks, ALU and streaming bodies,
    0.1-2 ms, every decode point, both priorities, three duties, CUDA graphs, at random phase.
    Split by the synthetic hash rule (section "onewave");
  - `--drain` (added 2026-12-03, in a later session, after every coefficient was fitted): many-wave
    kernels of 128-thread blocks (8,448 and 33,792 blocks: 4 and 16 waves of 16 per SM) calibrated
    to ~50 us, 0.5 ms and 5 ms, so their blocks live ~3 us to ~1 ms; 2-byte and 16-byte streaming
    and ALU bodies; every decode point, both priorities, three duties, CUDA graphs, at random
    phase: how decode's kernels cut in at a many-wave kernel's block boundaries. Every point held
    out (section "drain");
  - `--dataplane --points ...` (the same session): only the data-plane units (k = 1, 2, 4, 8 per
    step, both priorities) at the given decode points; held out, as every data-plane point is.

Run on the device machine:  python validation/collect/interference_grid.py $OUT [--quick] [--budget S]
                            [--phase random] [--points BxL,...]
                            [--regime | --widths | --probe | --paced | --short | --onewave | --drain | --dataplane]
CacheGen's decoder is imported from TORCHAC_PATH if set (see gpu_decode_path.py); without it the
decoder rows are skipped.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import sys
import time
from pathlib import Path

import torch
import warnings

warnings.filterwarnings("ignore")
sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpu_common import (Deadline, Model, capture, event, gpu_properties, kernel_descriptors,  # noqa: E402
                        not_profiled, priority_streams, time_on, write_csv, ALU_LOOP, RandomPhase)

HOLDOUT_SHARE = 0.35
SEED = 20261202
DECODE_POINTS = [(8, 4096), (1, 1024), (32, 8192)]  # the first is the main point of the grid
DECODE_GRID = [(1, 1024), (1, 8192), (8, 1024), (8, 4096), (8, 8192), (32, 1024), (32, 4096), (32, 8192)]
FOOTPRINTS = {  # name -> (threads per block, dynamic shared memory per block)
    "thin": (128, 0),          # up to 16 blocks per SM: co-resides with almost anything
    "wide": (1024, 0),         # 2 blocks per SM fill its 2048 thread slots
    "fat": (1024, 200 << 10),  # 1 block per SM: half the threads, nearly all shared memory
    "smem": (128, 100 << 10),  # 2 blocks per SM of few threads that hold most shared memory
}
GRIDS = [8, 33, 132, 264, 1056]
DURATIONS_S = [20e-6, 200e-6, 2e-3, 20e-3]
BODIES = ["mem", "alu"]
DUTY_TARGETS = {"low": 0.1, "mid": 0.4, "sat": 4.0}
# --widths: the access width of a streaming co-runner (bytes each thread loads and stores per
# iteration), 2/4/8 bytes and the 16-byte "mem" body, at the data-plane kernels' grids and durations
WIDTH_BYTES = {"mem2": 2, "mem4": 4, "mem8": 8}
WIDTHS = {"ew": (128, 0, [8192, 32768], [10e-6, 50e-6, 250e-6], ["mem2", "mem4", "mem8", "mem"])}
CHUNK_TOKENS = 256
# --regime: the data-plane kernels' regime (name -> threads, shared memory, grids, durations, bodies)
REGIME = {
    "ew": (128, 0, [2048, 8192, 32768], [10e-6, 50e-6, 250e-6], ["mem", "alu"]),
    "quad": (128, 48 << 10, [132, 512], [100e-6, 500e-6, 2e-3], ["alu", "mem"]),
}

# --onewave: one-wave kernels of 1, 2 or 4 blocks per SM (shared memory), 66-528 blocks
ONEWAVE = {
    "one": (128, 200 << 10, [66, 132], [100e-6, 500e-6, 2e-3], ["alu", "mem"]),
    "two": (128, 100 << 10, [132, 264], [100e-6, 500e-6, 2e-3], ["alu", "mem"]),
    "quad": (128, 48 << 10, [264, 528], [100e-6, 500e-6, 2e-3], ["alu", "mem"]),
}
# --drain: many-wave thin kernels whose blocks live ~3 us to ~1 ms (4 and 16 waves of 16 blocks per
# SM; 2-byte and 16-byte streaming and ALU bodies), for how decode's kernels cut in at their block
# boundaries (added 2026-12-03 after the drain form was chosen on the other grids' fitted points:
# every point held out)
DRAIN = {"drain": (128, 0, [8448, 33792], [50e-6, 500e-6, 5e-3], ["mem2", "mem", "alu"])}
# --paced: launches per unit, host intervals between launches, and the kernels (body, blocks, target per launch)
PACED_LAUNCHES = 32
PACED_INTERVALS_S = [0.0, 20e-6, 60e-6]
# --short: (body, blocks, iterations) of each short kernel
SHORT_KERNELS = [(body, blocks, iters) for blocks in (1024, 4096)
                 for body, iters_list in (("mem2", (1, 4, 16)), ("mem", (1, 4, 16)), ("alu", (64, 256, 1024)))
                 for iters in iters_list]
PACED_KERNELS = [("mem2", 1024, 5e-6), ("mem2", 1024, 15e-6), ("mem2", 1024, 40e-6),
                 ("alu", 1024, 5e-6), ("alu", 1024, 15e-6), ("alu", 1024, 40e-6)]

SOURCE = r"""
extern "C" __global__ void mem_body(const float4* __restrict__ src, float4* __restrict__ dst,
                                    long long n4, long long iters) {
    extern __shared__ float4 pad[];
    long long stride = (long long)gridDim.x * blockDim.x;
    long long j = ((long long)blockIdx.x * blockDim.x + threadIdx.x) % n4;
    for (long long k = 0; k < iters; ++k) {
        float4 v = src[j];
        v.x = v.x * 0.5f + 1.0f;
        dst[j] = v;
        j += stride;
        if (j >= n4) j -= n4;
    }
    if (iters < 0) pad[threadIdx.x] = make_float4(0.f, 0.f, 0.f, 0.f);
}
#define NARROW(NAME, T) \
extern "C" __global__ void NAME(const T* __restrict__ src, T* __restrict__ dst, long long n, long long iters) { \
    long long stride = (long long)gridDim.x * blockDim.x; \
    long long j = ((long long)blockIdx.x * blockDim.x + threadIdx.x) % n; \
    for (long long k = 0; k < iters; ++k) { \
        dst[j] = src[j] + (T)1; \
        j += stride; \
        if (j >= n) j -= n; \
    } \
}
NARROW(mem2_body, unsigned short)
NARROW(mem4_body, unsigned int)
NARROW(mem8_body, unsigned long long)
extern "C" __global__ void copy2_body(const unsigned short* __restrict__ src, unsigned short* __restrict__ dst,
                                      long long n) {
    // PyTorch's elementwise_kernel<128, 4> shape: 4 scalars per thread, one tile per block, no loop
    long long base = (long long)blockIdx.x * blockDim.x * 4 + threadIdx.x;
    #pragma unroll
    for (int u = 0; u < 4; ++u) {
        long long j = base + (long long)u * blockDim.x;
        if (j < n) dst[j] = src[j];
    }
}
extern "C" __global__ void copy16_body(const float4* __restrict__ src, float4* __restrict__ dst, long long n4) {
    long long j = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (j < n4) dst[j] = src[j];
}
extern "C" __global__ void alu_body(unsigned int* out, long long iters) {
    extern __shared__ unsigned int pad2[];
    unsigned int x = blockIdx.x * blockDim.x + threadIdx.x;
    ALU_LOOP
    if (x == 0x9e3779b9u) out[0] = x;
    if (iters < 0) pad2[threadIdx.x] = x;
}
""".replace("ALU_LOOP", ALU_LOOP)


def role_of(key: str, section: str) -> str:
    if section == "copyfit":
        return "fitted"
    if section not in ("synthetic", "regime", "widths", "paced", "short", "onewave"):
        return "held-out"
    h = int(hashlib.sha256(key.encode()).hexdigest()[:12], 16) / float(1 << 48)
    return "held-out" if h < HOLDOUT_SHARE else "fitted"


class Synthetic:
    """The synthetic co-runner kernels, compiled at run time with CuPy (NVRTC)."""

    def __init__(self):
        import cupy as cp

        self.cp = cp
        module = cp.RawModule(code=SOURCE, options=("-std=c++17",))
        self.module = module
        self.kern = {"mem": module.get_function("mem_body"), "alu": module.get_function("alu_body"),
                     **{f"mem{w}": module.get_function(f"mem{w}_body") for w in (2, 4, 8)}}
        for k in self.kern.values():
            k.max_dynamic_shared_size_bytes = 220 << 10
        n4 = (2 << 30) // 16  # 2 GiB each way: far beyond the L2, so the traffic reaches HBM
        self.src = torch.ones(n4 * 4, dtype=torch.float32, device="cuda")
        self.dst = torch.empty_like(self.src)
        self.sink = torch.zeros(1, dtype=torch.int32, device="cuda")
        self.n4 = n4
        self.c_src, self.c_dst, self.c_sink = cp.asarray(self.src), cp.asarray(self.dst), cp.asarray(self.sink)

    def registers(self, body: str) -> int:
        return int(self.kern[body].attributes.get("num_regs", 0))

    def launcher(self, body: str, grid: int, threads: int, smem: int, iters: int, stream: torch.cuda.Stream):
        cp = self.cp
        cs = cp.cuda.ExternalStream(stream.cuda_stream)
        kern = self.kern[body]
        if body == "mem":
            args = (self.c_src, self.c_dst, cp.int64(self.n4), cp.int64(iters))
        elif body in WIDTH_BYTES:  # the same 2 GiB buffers, read as elements of that width
            args = (self.c_src, self.c_dst, cp.int64(self.n4 * 16 // WIDTH_BYTES[body]), cp.int64(iters))
        else:
            args = (self.c_sink, cp.int64(iters))

        def launch():
            with cs:
                kern((grid,), (threads,), args, shared_mem=smem)
        return launch

    @staticmethod
    def hbm_bytes(body: str, grid: int, threads: int, iters: int) -> int:
        if body == "mem":
            return grid * threads * iters * 32
        return grid * threads * iters * 2 * WIDTH_BYTES.get(body, 0)


def time_alone(launch, stream, window_s: float = 0.03) -> float:
    """Seconds per launch alone: one timed launch sizes a back-to-back run of about window_s."""
    one = time_on(launch, 1, stream)
    return time_on(launch, int(min(400, max(3, window_s / max(one, 1e-6)))), stream)


def calibrate(syn: Synthetic, body: str, grid: int, threads: int, smem: int, target_s: float, stream) -> tuple[int, float]:
    """Iterations that make one launch last about target_s alone: grow until the time is well
    above the fixed launch cost, fit time = a + b x iterations, then one correction step."""
    def t_of(iters: int) -> float:
        return time_alone(syn.launcher(body, grid, threads, smem, iters, stream), stream, 0.01)

    i_a = 16
    t_a = t_of(i_a)
    i_b, t_b = i_a * 4, t_of(i_a * 4)
    while t_b < max(3 * t_a, min(target_s, 2e-3)) and i_b < (1 << 34):
        i_b *= 4
        t_b = t_of(i_b)
    slope = max((t_b - t_a) / (i_b - i_a), 1e-15)
    iters = max(1, int(round(i_a + (target_s - t_a) / slope)))
    t = t_of(iters)
    if abs(t / target_s - 1) > 0.15 and t > t_a:
        iters = max(1, int(round(i_a + (iters - i_a) * (target_s - t_a) / (t - t_a))))
    iters = min(iters, 1 << 34)
    return iters, time_alone(syn.launcher(body, grid, threads, smem, iters, stream), stream, 0.03)


class Decode:
    """One decode point: a graph per priority, and the step time alone."""

    def __init__(self, model: Model, batch: int, context: int, streams: dict[str, torch.cuda.Stream], steps: int):
        self.batch, self.context = batch, context
        self.replay, self.graphs, self.alone = {}, {}, {}
        for prio, stream in streams.items():
            self.replay[prio], self.graphs[prio] = capture(model, batch, context, stream)
            self.alone[prio] = sorted(time_on(self.replay[prio], steps, stream) for _ in range(3))[1]


def beside(decode: Decode, prio: str, dstream, side, batch, k: int, m: int, steps: int, phase=None) -> dict:
    """Decode replayed for `steps` measured steps (after 2 warm-up ones); at the start of every
    m-th step the side stream waits for that step to start and runs `batch` (k launches), or,
    with `phase` (gpu_common.RandomPhase), waits a further random part of the step first.
    Returns decode's per-step time, the co-runner's time per launch over the batches wholly
    inside the decode window, its busy share of that window, and the CPU time per enqueued step."""
    not_profiled("beside")
    warm = 2
    torch.cuda.synchronize()
    ref = event()
    ref.record(dstream)
    w0, w1 = event(), event()
    groups = []
    t0 = time.perf_counter()
    for i in range(warm + steps):
        if i == warm:
            w0.record(dstream)
        s_i = event()
        s_i.record(dstream)
        decode.replay[prio]()
        if k and i % m == 0:
            side.wait_event(s_i)
            if phase is not None:
                phase(side, decode.alone[prio])
            with torch.cuda.stream(side):
                g0, g1 = event(), event()
                g0.record(side)
                batch()
                g1.record(side)
                groups.append((g0, g1))
    w1.record(dstream)
    cpu = (time.perf_counter() - t0) / (warm + steps)
    torch.cuda.synchronize()
    a, b = ref.elapsed_time(w0), ref.elapsed_time(w1)
    inside_t, inside_n, busy = 0.0, 0, 0.0
    for g0, g1 in groups:
        s, e = ref.elapsed_time(g0), ref.elapsed_time(g1)
        busy += max(0.0, min(e, b) - max(s, a))
        if s >= a and e <= b:
            inside_t += e - s
            inside_n += k
    return {"decode_beside_s": (b - a) / 1e3 / steps,
            "corunner_beside_s": inside_t / 1e3 / inside_n if inside_n else float("nan"),
            "busy_share": busy / (b - a) if b > a else float("nan"), "inside_launches": inside_n,
            "cpu_per_step_s": cpu}


def saturated(decode: Decode, prio: str, dstream, side, group, per_group: int, t_group: float, steps: int) -> dict:
    """Decode beside a co-runner that never lets its stream idle: groups of `per_group` launches
    (about one decode step of work alone each) are topped up before every decode step so that
    about four decode steps of co-runner work stay queued, and the CPU stays at most two decode
    steps ahead of the GPU, so neither queue starves and the backlog left after the window is
    bounded. Same returns as `beside`."""
    not_profiled("saturated")
    warm = 2
    depth = max(2, int(round(4 * decode.alone[prio] / max(t_group, 1e-9))))
    torch.cuda.synchronize()
    ref = event()
    ref.record(dstream)
    w0, w1 = event(), event()
    done_steps, groups, pending = [], [], []
    t0 = time.perf_counter()
    for i in range(warm + steps):
        if i >= 2:
            done_steps[i - 2].synchronize()
        pending = [g for g in pending if not g[1].query()]
        with torch.cuda.stream(side):
            while len(pending) < depth:
                g0, g1 = event(), event()
                g0.record(side)
                group()
                g1.record(side)
                pending.append((g0, g1))
                groups.append((g0, g1))
        if i == warm:
            w0.record(dstream)
        decode.replay[prio]()
        e = event()
        e.record(dstream)
        done_steps.append(e)
    w1.record(dstream)
    cpu = (time.perf_counter() - t0) / (warm + steps)
    torch.cuda.synchronize()
    a, b = ref.elapsed_time(w0), ref.elapsed_time(w1)
    inside_t, inside_n, busy = 0.0, 0, 0.0
    for g0, g1 in groups:
        s, e = ref.elapsed_time(g0), ref.elapsed_time(g1)
        busy += max(0.0, min(e, b) - max(s, a))
        if s >= a and e <= b:
            inside_t += e - s
            inside_n += per_group
    return {"decode_beside_s": (b - a) / 1e3 / steps,
            "corunner_beside_s": inside_t / 1e3 / inside_n if inside_n else float("nan"),
            "busy_share": busy / (b - a) if b > a else float("nan"), "inside_launches": inside_n,
            "cpu_per_step_s": cpu}


def plan_duty(target: float, t_unit: float, t_step: float) -> tuple[int, int]:
    """k launches every m steps giving about `target` of the decode step's time alone."""
    per_step = target * t_step / t_unit
    if per_step >= 0.75:
        return max(1, int(round(per_step))), 1
    return 1, max(2, int(round(1.0 / per_step)))


def window_steps(m: int, t_step: float, window_s: float) -> int:
    return min(max(8, 2 * m, int(window_s / t_step)), max(8, 2 * m, int(0.8 / t_step)))


class Grid:
    HEADER = ["section", "corunner", "batch", "context_tokens", "decode_priority", "k", "m", "steps",
              "decode_alone_s", "decode_beside_s", "decode_slowdown", "corunner_alone_s", "corunner_beside_s",
              "corunner_slowdown", "offered_duty", "busy_share", "inside_launches", "cpu_per_step_s", "graph",
              "repeat", "role", "phase"]

    def __init__(self, out: Path):
        self.path, self.rows = out / "interference_grid.csv", []

    def add(self, section: str, name: str, dec: Decode, prio: str, k: int, m: int, steps: int, t_unit: float,
            r: dict, graph: bool, repeat: int = 0, phase: str = "start") -> None:
        alone = dec.alone[prio]
        key = f"{name}|b{dec.batch}|c{dec.context}|{prio}|k{k}|m{m}"
        self.rows.append([section, name, dec.batch, dec.context, prio, k, m, steps, f"{alone:.7g}",
                          f"{r['decode_beside_s']:.7g}", f"{r['decode_beside_s'] / alone - 1:.5f}", f"{t_unit:.7g}",
                          f"{r['corunner_beside_s']:.7g}", f"{r['corunner_beside_s'] / t_unit - 1:.5f}",
                          f"{k * t_unit / (m * alone):.5f}" if m else "saturated", f"{r['busy_share']:.5f}", r["inside_launches"],
                          f"{r['cpu_per_step_s']:.4g}", int(graph), repeat, role_of(key, section), phase])
        write_csv(self.path, self.HEADER, self.rows)


def eager_batch(unit, k: int):
    def batch():
        for _ in range(k):
            unit()
    return batch


def graph_batch(unit, k: int, stream: torch.cuda.Stream):
    """k launches of `unit` captured once as a CUDA graph on `stream` (one CPU launch per batch,
    so a short co-runner's queue is never limited by Python's launch rate)."""
    g = torch.cuda.CUDAGraph()
    torch.cuda.synchronize()
    with torch.cuda.graph(g, stream=stream, capture_error_mode="relaxed"):
        for _ in range(k):
            unit()
    torch.cuda.synchronize()

    def batch():
        g.replay()
    batch.graph = g
    return batch


def run_config(grid: Grid, section: str, name: str, dec: Decode, prio: str, streams, side, unit, t_unit: float,
               duty: str, window_s: float, use_graph: bool = False, repeat: int = 0, phase=None) -> None:
    """One grid point: `duty` names a target share of the decode step ("low", "mid") or "sat"
    (a co-runner that is always queued, whatever `phase`). Launches are captured as CUDA graphs
    when use_graph; `phase` as in `beside`."""
    t_step = dec.alone[prio]
    if duty == "sat":
        per_group = max(1, int(round(t_step / t_unit)))
        k, m = per_group, 0
    else:
        k, m = plan_duty(DUTY_TARGETS[duty], t_unit, t_step)
        per_group = k
    batch, graph = None, False
    if use_graph and (per_group > 1 or use_graph == "always"):
        try:
            batch, graph = graph_batch(unit, per_group, side), True
        except Exception as exc:  # noqa: BLE001 - fall back to launching from Python
            print(f"graph capture failed for {name}: {exc}", flush=True)
    if batch is None:
        batch = eager_batch(unit, per_group)
    if duty == "sat":
        steps = max(8, int(0.6 * window_s / t_step))
        r = saturated(dec, prio, streams[prio], side, batch, per_group, per_group * t_unit, steps)
    else:
        steps = window_steps(m, t_step, window_s)
        r = beside(dec, prio, streams[prio], side, batch, k, m, steps, phase)
    grid.add(section, name, dec, prio, k, m, steps, t_unit, r, graph, repeat,
             "queued" if duty == "sat" else phase_label(phase))


def phase_label(phase) -> str:
    return "start" if phase is None else phase.label


def dataplane_point(grid: Grid, name: str, dec: Decode, prio: str, streams, side, unit, t_unit: float, k: int,
                    window_s: float, phase=None) -> None:
    """k launches of a data-plane unit every decode step (at its start, or `phase`)."""
    section_point(grid, "dataplane", name, dec, prio, streams, side, eager_batch(unit, k), t_unit, k, window_s,
                  phase=phase)


def dataplane(grid: Grid, units: dict, decodes: dict, streams, side, dl, quick: bool, phase=None) -> None:
    """Every data-plane unit at k = 1, 2, 4, 8 launches per decode step, every point, both priorities."""
    ks = [1, 4] if quick else [1, 2, 4, 8]
    window = 0.06 if quick else 0.1
    for name, unit in units.items():
        t_unit = time_alone(unit, side, 0.03)
        for dec in decodes.values():
            for prio in ("equal", "high"):
                for kk in ks:
                    if dl.left() <= 0:
                        break
                    guarded(dataplane_point, grid, name, dec, prio, streams, side, unit, t_unit, kk, window,
                            phase=phase)
    print(f"[{dl.elapsed():.0f}s] data-plane done: {len(grid.rows)} rows", flush=True)


def unit_descriptors(out: Path, units: dict, side) -> None:
    """kernels.csv of the data-plane units (last: see gpu_common.PROFILED)."""
    rows = []
    for name, unit in units.items():
        with torch.cuda.stream(side):
            rows += kernel_descriptors(unit, name)
    hdr = list(rows[0].keys())
    write_csv(out / "kernels.csv", hdr, [[r[h] for h in hdr] for r in rows])


def guarded(fn, *args, **kwargs) -> None:
    """One point failing (a capture, an out-of-memory) loses that point, not the run."""
    try:
        fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001
        print(f"point failed: {args[1:3]}: {type(exc).__name__}: {exc}", flush=True)
        torch.cuda.synchronize()


# ---------------------------------------------------------------- data-plane units
def dataplane_units(ac, side) -> dict:
    """Per-chunk GPU work of the bundled designs, Llama-3-8B, 256-token chunks."""
    from gpu_decode_path import CHANNELS, HEADS, HEAD_DIM, KEY_BINS, LAYERS, VALUE_BINS, dequantize_as_written, quantize

    dev, units = "cuda", {}
    torch.manual_seed(0)
    key_bins = torch.tensor(KEY_BINS, device=dev, dtype=torch.float32)
    value_bins = torch.tensor(VALUE_BINS, device=dev, dtype=torch.float32)
    channel_scale = torch.rand(CHANNELS, device=dev) * 3 + 0.1
    t = CHUNK_TOKENS
    k = (torch.randn(LAYERS, t, CHANNELS, device=dev) * channel_scale).to(torch.bfloat16)
    v = (torch.randn(LAYERS, t, CHANNELS, device=dev) * channel_scale).to(torch.bfloat16)
    qk, sk = quantize(k.float(), key_bins)
    qv, _ = quantize(v.float(), value_bins)
    symbols = torch.cat([qk, qv]).contiguous()
    symbols_u8 = symbols.view(torch.uint8)
    units["dequantize_as_written"] = lambda: dequantize_as_written(symbols_u8, key_bins, sk)
    # paged KV (vLLM layout per layer: [2, blocks, 16, kv_heads, head_dim]); one copy kernel per layer
    blocks = 4096
    paged = [torch.zeros(2, blocks * 16, HEADS, HEAD_DIM, dtype=torch.bfloat16, device=dev) for _ in range(LAYERS)]
    slots = (torch.randperm(blocks, device=dev)[: t // 16, None] * 16 + torch.arange(16, device=dev)).flatten()
    chunk = torch.randn(LAYERS, 2, t, HEADS, HEAD_DIM, device=dev).to(torch.bfloat16)

    def scatter():
        for layer in range(LAYERS):
            paged[layer].index_copy_(1, slots, chunk[layer])
    scatter.layers = [lambda layer=layer: paged[layer].index_copy_(1, slots, chunk[layer]) for layer in range(LAYERS)]
    units["paged_scatter"] = scatter
    eight = [torch.randn(LAYERS, 2, t, HEADS, HEAD_DIM, device=dev).to(torch.bfloat16) for _ in range(8)]
    units["cat_8_chunks"] = lambda: torch.cat(eight, dim=2)
    for name, nbytes in (("h2d_compressed_chunk", 10_000_000), ("h2d_raw_chunk", t * 128 * 1024)):
        host = torch.ones(nbytes, dtype=torch.uint8).pin_memory()
        devbuf = torch.empty(nbytes, dtype=torch.uint8, device=dev)
        units[name] = (lambda d=devbuf, h=host: d.copy_(h, non_blocking=True))
    if ac is not None:
        cdf = torch.cat([ac.calculate_cdf(qk, 32), ac.calculate_cdf(qv, 32)])
        buf = torch.zeros((2 * LAYERS, CHANNELS, 256), dtype=torch.uint8, device=dev)
        lengths = torch.zeros((2 * LAYERS, CHANNELS), dtype=torch.int32, device=dev)
        ac.encode_fast_new(cdf, symbols, buf, lengths)
        mask = torch.arange(256, device=dev)[None, None, :] < lengths[:, :, None]
        stream = buf[mask].contiguous()
        prefsum = lengths.flatten().to(torch.int64).cumsum(0).reshape(lengths.shape)
        target = torch.zeros((2 * LAYERS, t, CHANNELS), dtype=torch.uint8, device=dev)
        units["ac_decode"] = lambda: ac.decode_fast_prefsum(cdf, stream, prefsum, target)

        def lmcache_chunk():
            ac.decode_fast_prefsum(cdf, stream, prefsum, target)
            dequantize_as_written(target, key_bins, sk)
            scatter()
        units["lmcache_chunk"] = lmcache_chunk
    torch.cuda.synchronize()
    return units


def legacy_units() -> dict:
    """The earlier collector's co-runners (h100_measure.py), for the second GPU's points. Full size
    even with --quick: make_interference_traces.py describes them at this size."""
    n = 256 << 20
    q = torch.randint(-127, 127, (n,), device="cuda", dtype=torch.int8)
    scale = torch.rand(n // 128, 1, device="cuda", dtype=torch.bfloat16)
    out = torch.empty(n // 128, 128, device="cuda", dtype=torch.bfloat16)
    units = {"legacy_dequant_memory_bound": lambda: torch.mul(q.view(-1, 128).to(torch.bfloat16), scale, out=out)}
    host = torch.ones(n, dtype=torch.uint8).pin_memory()
    dev = torch.empty(n, dtype=torch.uint8, device="cuda")
    units["legacy_h2d_dma"] = lambda: dev.copy_(host, non_blocking=True)
    try:
        import triton
        import triton.language as tl

        @triton.jit
        def spin(x_ptr, n_elem, rounds, BLOCK: tl.constexpr):
            pid = tl.program_id(0)
            offs = pid * BLOCK + tl.arange(0, BLOCK)
            mask = offs < n_elem
            x = tl.load(x_ptr + offs, mask=mask)
            for _ in range(rounds):
                x = x * 1103515245 + 12345
                x = x ^ (x >> 13)
            tl.store(x_ptr + offs, x, mask=mask)

        words = torch.randint(0, 1 << 30, (1 << 22,), device="cuda", dtype=torch.int32)
        units["legacy_integer_compute_bound"] = lambda: spin[(triton.cdiv(words.numel(), 1024),)](
            words, words.numel(), 2000, BLOCK=1024)
    except Exception as exc:  # noqa: BLE001 - the rest still runs
        print(f"triton co-runner skipped: {exc}", flush=True)
    return units


# ---------------------------------------------------------------- sections
def section_decode_grid(out: Path, model: Model, quick: bool, dl: Deadline) -> None:
    rows, stream = [], torch.cuda.Stream()
    for batch, context in (DECODE_GRID[:2] if quick else DECODE_GRID):
        replay, graph = capture(model, batch, context, stream)
        for rep in range(3):
            rows.append([batch, context, rep, f"{time_on(replay, 5 if quick else 20, stream):.7g}"])
        del graph
        write_csv(out / "decode_step.csv", ["batch", "context_tokens", "repeat", "seconds_per_step"], rows)
    print(f"[{dl.elapsed():.0f}s] decode grid: {len(rows)} rows", flush=True)


def section_copies(out: Path, quick: bool, dl: Deadline) -> None:
    sizes = [4 << 10, 8 << 10, 16 << 10, 32 << 10, 64 << 10, 128 << 10, 256 << 10, 512 << 10, 1 << 20, 2 << 20,
             4 << 20, 16 << 20, 64 << 20, 256 << 20]
    if quick:
        sizes = sizes[:3]
    rows, stream = [], torch.cuda.Stream()
    for size in sizes:
        dev = torch.empty(size, dtype=torch.uint8, device="cuda")
        host = torch.ones(size, dtype=torch.uint8).pin_memory()
        n = int(min(2000, max(20, (256 << 20) // size)))
        for rep in range(3):
            h2d = time_on(lambda: dev.copy_(host, non_blocking=True), n, stream)
            d2h = time_on(lambda: host.copy_(dev, non_blocking=True), n, stream)
            # one at a time: each copy waited for before the next is issued (GPU and wall time)
            gpu, wall = [], []
            for _ in range(min(n, 50)):
                e0, e1 = event(), event()
                t0 = time.perf_counter()
                with torch.cuda.stream(stream):
                    e0.record(stream)
                    dev.copy_(host, non_blocking=True)
                    e1.record(stream)
                e1.synchronize()
                wall.append(time.perf_counter() - t0)
                gpu.append(e0.elapsed_time(e1) / 1e3)
            gpu.sort()
            wall.sort()
            for direction, mode, sec in (("h2d", "queued", h2d), ("d2h", "queued", d2h),
                                         ("h2d", "single_gpu", gpu[len(gpu) // 2]),
                                         ("h2d", "single_wall", wall[len(wall) // 2])):
                rows.append([size, direction, mode, rep, f"{sec:.7g}", f"{size / sec / 1e9:.5g}"])
        write_csv(out / "copy_bandwidth.csv", ["bytes", "direction", "mode", "repeat", "seconds_per_copy",
                                                "gb_per_s"], rows)
    print(f"[{dl.elapsed():.0f}s] copies: {len(rows)} rows", flush=True)


def copy_fit(out: Path, decodes: dict, streams, side, dl: Deadline) -> None:
    """Pinned host-to-device copies beside decode at 1 to 8 per step and saturated (fitted points)."""
    grid = Grid(out)
    grid.path = out / "copy_fit.csv"
    for size in (1 << 20, 4 << 20, 64 << 20, 128 << 20):
        host = torch.ones(size, dtype=torch.uint8).pin_memory()
        dev = torch.empty(size, dtype=torch.uint8, device="cuda")
        unit = (lambda d=dev, h=host: d.copy_(h, non_blocking=True))
        t_unit = time_alone(unit, side, 0.03)
        name = f"h2d_{size >> 20}MiB"
        for dec in decodes.values():
            for kk in (1, 4, 8):
                if dl.left() > 0:
                    guarded(dataplane_point, grid, name, dec, "equal", streams, side, unit, t_unit, kk, 0.06)
            if dl.left() > 0:
                guarded(run_config, grid, "copyfit", name, dec, "equal", streams, side, unit, t_unit, "sat", 0.06)
    for row in grid.rows:
        row[0] = "copyfit"
        row[-1] = "fitted"
    write_csv(grid.path, Grid.HEADER, grid.rows)
    print(f"[{dl.elapsed():.0f}s] copy fit: {len(grid.rows)} rows", flush=True)


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
                    help="with --short: only these of SHORT_KERNELS, as body:blocks:iterations, comma-separated")
    ap.add_argument("--onewave", action="store_true",
                    help="only the one-wave kernels of 1, 2 or 4 blocks per SM (ONEWAVE), as CUDA graphs")
    ap.add_argument("--drain", action="store_true",
                    help="only the many-wave kernels of short to long block lifetimes (DRAIN), as CUDA graphs")
    ap.add_argument("--dataplane", action="store_true",
                    help="only the data-plane units, k = 1, 2, 4, 8 per step, at every decode point and priority")
    ap.add_argument("--eager", action="store_true",
                    help="with --regime: launch each co-runner from Python, as the data-plane units are, not as a graph")
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
    model = Model(32, 8192)
    side = torch.cuda.default_stream()  # CacheGen's decoder launches on the legacy default stream
    syn_side = torch.cuda.Stream(priority=0)  # synthetic co-runners: capturable (not the legacy stream)
    streams = priority_streams()
    steps = 5 if quick else 20
    points = DECODE_POINTS[:1] if quick else DECODE_POINTS
    if args.points:  # e.g. 32x1024,32x4096: other decode points (batch x context tokens)
        points = [tuple(int(v) for v in pt.split("x")) for pt in args.points.split(",")]
    decodes = {p: Decode(model, p[0], p[1], streams, steps) for p in points}
    print(f"[{dl.elapsed():.0f}s] decode alone: " + ", ".join(
        f"b{p[0]} c{p[1]} {d.alone['equal'] * 1e3:.2f}/{d.alone['high'] * 1e3:.2f} ms" for p, d in decodes.items()),
        flush=True)

    if args.section == "copyfit":
        copy_fit(out, decodes, streams, side, dl)
        return
    syn = Synthetic()
    if args.probe:
        probe(out, syn, decodes, streams, dl, quick)
        return
    if args.widths:
        regime(out, syn, decodes, points, streams, syn_side, dl, rng, quick, table=WIDTHS, section="widths",
               phase=phase)
        return
    if args.onewave:
        regime(out, syn, decodes, points, streams, syn_side, dl, rng, quick, table=ONEWAVE, section="onewave",
               phase=phase)
        return
    if args.drain:
        regime(out, syn, decodes, points, streams, syn_side, dl, rng, quick, table=DRAIN, section="drain",
               phase=phase)
        return
    if args.dataplane:
        units = dataplane_units(ac, side)
        dataplane(Grid(out), units, decodes, streams, side, dl, quick, phase)
        unit_descriptors(out, units, side)
        return
    if args.short:
        short(out, syn, decodes, points, streams, syn_side, side, dl, rng, quick, phase, args.kernels)
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
    hdr = list(kernels[0].keys()) if kernels else ["unit"]
    write_csv(out / "kernels.csv", hdr, [[r[h] for h in hdr] for r in kernels])
    print(f"[{dl.elapsed():.0f}s] kernels: {len(kernels)} rows", flush=True)


PROBE_CHUNK = (32, 2, 256, 8, 128)  # one 256-token Llama-3-8B chunk of K and V (bf16): one of torch.cat's copies
PROBE_KS = [1, 2, 4, 8]


def probe_units(syn: "Synthetic", stream: torch.cuda.Stream) -> dict:
    """One-kernel probe units launching on ``stream``: name -> launch (see the module docstring)."""
    cp = syn.cp
    cs = cp.cuda.ExternalStream(stream.cuda_stream)
    n = math.prod(PROBE_CHUNK)
    chunk = torch.randn(PROBE_CHUNK, device="cuda").to(torch.bfloat16)
    wide = torch.empty(PROBE_CHUNK[:2] + (8 * PROBE_CHUNK[2],) + PROBE_CHUNK[3:], dtype=torch.bfloat16, device="cuda")
    flat = chunk.flatten()
    dst = torch.empty_like(flat)
    c_src, c_dst = cp.asarray(flat.view(torch.int16)), cp.asarray(dst.view(torch.int16))
    copy2, copy16 = syn.module.get_function("copy2_body"), syn.module.get_function("copy16_body")

    def on(fn):
        def launch():
            with torch.cuda.stream(stream):
                fn()
        return launch

    def raw(kern, grid, args):
        def launch():
            with cs:
                kern((grid,), (128,), args)
        return launch

    units = {
        "torch_copy_strided": on(lambda: wide[:, :, : PROBE_CHUNK[2]].copy_(chunk)),
        "torch_copy_contig": on(lambda: dst.copy_(flat)),
        "cupy_copy2": raw(copy2, n // 512, (c_src, c_dst, cp.int64(n))),
        "cupy_copy16": raw(copy16, n * 2 // 16 // 128, (c_src, c_dst, cp.int64(n * 2 // 16))),
    }
    target = time_alone(units["torch_copy_strided"], stream, 0.02)
    iters, _ = calibrate(syn, "alu", 32768, 128, 0, target, stream)
    units["cupy_alu"] = syn.launcher("alu", 32768, 128, 0, iters, stream)
    return units


def probe(out: Path, syn: "Synthetic", decodes: dict, streams, dl, quick: bool) -> None:
    """The probe units (module docstring, --probe) on the legacy default stream and on a created
    one, beside every decode point, both priorities, k launches at the start of every step."""
    created = torch.cuda.Stream(priority=0)
    on_stream = {"legacy": torch.cuda.default_stream(), "created": created}
    units = {}
    for where, stream in on_stream.items():
        for name, unit in probe_units(syn, stream).items():
            units[f"{name}_{where}"] = (unit, stream)
    grid = Grid(out)
    ks = [1, 8] if quick else PROBE_KS
    for name, (unit, stream) in units.items():
        t_unit = time_alone(unit, stream, 0.03)
        for p, dec in decodes.items():
            for prio in ("equal", "high"):
                for k in ks:
                    if dl.left() <= 0:
                        break
                    guarded(section_point, grid, "probe", name, dec, prio, streams, stream, eager_batch(unit, k),
                            t_unit, k, 0.1)
                if name.startswith(("torch_copy_strided_created", "cupy_copy2_created")) and dl.left() > 0:
                    guarded(section_point, grid, "probe", name.replace("_created", "_graph"), dec, prio, streams, stream,
                            graph_batch(unit, 8, stream), t_unit, 8, 0.1, True)
    print(f"[{dl.elapsed():.0f}s] probe done: {len(grid.rows)} rows", flush=True)
    kernels = [row for name, (unit, stream) in units.items() if name.endswith("_created")  # last: PROFILED
               for row in kernel_descriptors(unit, name.removesuffix("_created"))]
    hdr = list(kernels[0].keys())
    write_csv(out / "kernels.csv", hdr, [[r[h] for h in hdr] for r in kernels])


def section_point(grid: Grid, section: str, name: str, dec: Decode, prio: str, streams, side, batch, t_unit: float,
                  k: int, window_s: float, graph: bool = False, phase=None) -> None:
    """k launches (``batch``) every decode step (at its start, or `phase`), recorded under ``section``."""
    n = window_steps(1, dec.alone[prio], window_s)
    r = beside(dec, prio, streams[prio], side, batch, k, 1, n, phase)
    grid.add(section, name, dec, prio, k, 1, n, t_unit, r, graph, phase=phase_label(phase))


def calibrate_all(out: Path, syn: "Synthetic", defs: list, prefix: str, stream, dl) -> dict:
    """Calibrate each (body, footprint, grid, target duration, threads, shared memory) to its target
    time alone; name -> (launcher, time alone), with synthetic_corunners.csv rewritten after each."""
    corunners, crow = {}, []
    for body, fp, g, d, threads, smem in defs:
        if dl.left() <= 60:
            break
        iters, alone = calibrate(syn, body, g, threads, smem, d, stream)
        name = f"{prefix}_{body}_{fp}_g{g}_{d * 1e6:.0f}us"
        corunners[name] = (syn.launcher(body, g, threads, smem, iters, stream), alone)
        crow.append([name, body, fp, threads, smem, g, iters, syn.registers(body), syn.hbm_bytes(body, g, threads, iters),
                     f"{d:.7g}", f"{alone:.7g}"])
        write_csv(out / "synthetic_corunners.csv", ["corunner", "body", "footprint", "threads", "shared_memory_bytes",
                                                     "blocks", "iterations", "registers_per_thread", "hbm_bytes",
                                                     "target_s", "alone_s"], crow)
    return corunners


def regime(out: Path, syn: "Synthetic", decodes: dict, points: list, streams, syn_side, dl, rng, quick: bool,
           graph: bool = True, table: dict | None = None, section: str = "regime", phase=None) -> None:
    """The REGIME co-runners: descriptors, calibration, then every decode point x priority x duty
    in a seeded random order (section "regime")."""
    table = table or REGIME
    defs = [(body, fp, g, d) for fp, (_, _, grids, durations, bodies) in table.items()
            for body in bodies for g in grids for d in durations]
    if quick:
        defs = defs[:2]
    corunners = calibrate_all(out, syn, [(body, fp, g, d, *table[fp][:2]) for body, fp, g, d in defs],
                              {"regime": "reg", "onewave": "one"}.get(section, section[:3]), syn_side, dl)
    print(f"[{dl.elapsed():.0f}s] calibrated {len(corunners)} regime co-runners", flush=True)
    configs = [(name, p, prio, duty) for name in corunners for p in points for prio in ("equal", "high")
               for duty in DUTY_TARGETS]
    rng.shuffle(configs)
    grid = Grid(out)
    for i, (name, p, prio, duty) in enumerate(configs):
        if dl.left() <= 0:
            print(f"budget spent: {i} of {len(configs)} regime configs", flush=True)
            break
        launch, alone = corunners[name]
        guarded(run_config, grid, section, name, decodes[p], prio, streams, syn_side, launch, alone, duty, 0.1,
                use_graph=graph, phase=phase)
    print(f"[{dl.elapsed():.0f}s] done: {len(grid.rows)} regime rows", flush=True)
    kernels = []  # last: see gpu_common.PROFILED
    for fp, (threads, smem, _, _, bodies) in table.items():
        for body in bodies:
            kernels += kernel_descriptors(syn.launcher(body, 512, threads, smem, 64, syn_side), f"{section}_{body}_{fp}")
    hdr = list(kernels[0].keys())
    write_csv(out / "kernels.csv", hdr, [[r[h] for h in hdr] for r in kernels])


def unit_grid(out: Path, units: dict, decodes: dict, points: list, streams, dl, rng, phase=None) -> None:
    """Every unit (name -> launch, time alone, stream, replayed as a graph, section) at every decode
    point x priority x duty (low, mid), in a seeded random order, until the budget is spent."""
    configs = [(name, p, prio, duty) for name in units for p in points for prio in ("equal", "high")
               for duty in ("low", "mid")]
    rng.shuffle(configs)
    grid = Grid(out)
    for i, (name, p, prio, duty) in enumerate(configs):
        if dl.left() <= 0:
            print(f"budget spent: {i} of {len(configs)} configs", flush=True)
            break
        unit, unit_s, stream, graph, section = units[name]
        guarded(run_config, grid, section, name, decodes[p], prio, streams, stream, unit, unit_s, duty, 0.1,
                use_graph="always" if graph else False, phase=phase)
    print(f"[{dl.elapsed():.0f}s] done: {len(grid.rows)} rows", flush=True)


def paced_unit(launches: list, interval_s: float):
    """One unit: the launches issued in order, the host waiting until `interval_s` after the
    previous launch was issued (a spin on the CPU clock) before the next."""
    def unit():
        t = time.perf_counter()
        for launch in launches:
            while time.perf_counter() < t:
                pass
            t = time.perf_counter() + interval_s
            launch()
    return unit


def paced(out: Path, syn: "Synthetic", decodes: dict, points: list, streams, syn_side, side, dl, rng,
          quick: bool, phase=None) -> None:
    """The host-paced units (module docstring, --paced): calibrate each kernel, build its units at
    every interval, then every decode point x priority x duty (low, mid) in a seeded random order."""
    kernels = PACED_KERNELS[:2] if quick else PACED_KERNELS
    units, crow = {}, []
    for body, blocks, target in kernels:
        iters, launch_s = calibrate(syn, body, blocks, 128, 0, target, syn_side)
        launch = syn.launcher(body, blocks, 128, 0, iters, syn_side)
        for interval in PACED_INTERVALS_S:
            name = f"pac_{body}_g{blocks}_{target * 1e6:.0f}us_every{interval * 1e6:.0f}us"
            unit = paced_unit([launch] * PACED_LAUNCHES, interval)
            unit_s = time_alone(unit, syn_side, 0.03)
            units[name] = (unit, unit_s, syn_side)
            crow.append([name, body, "paced", 128, 0, blocks, iters, syn.registers(body),
                         syn.hbm_bytes(body, blocks, 128, iters), f"{target:.7g}", f"{launch_s:.7g}",
                         PACED_LAUNCHES, f"{interval:.7g}", f"{unit_s:.7g}"])
            write_csv(out / "paced_corunners.csv", ["corunner", "body", "footprint", "threads", "shared_memory_bytes",
                                                     "blocks", "iterations", "registers_per_thread", "hbm_bytes",
                                                     "target_s", "launch_alone_s", "launches", "interval_s",
                                                     "unit_alone_s"], crow)
    layers = dataplane_units(None, side)["paged_scatter"].layers
    for interval in PACED_INTERVALS_S[1:]:
        unit = paced_unit(layers, interval)
        units[f"paged_scatter_every{interval * 1e6:.0f}us"] = (unit, time_alone(unit, side, 0.03), side)
    print(f"[{dl.elapsed():.0f}s] {len(units)} paced units: " + ", ".join(
        f"{n} {u[1] * 1e6:.0f}us" for n, u in units.items()), flush=True)
    unit_grid(out, {n: (*u, False, "paced" if n.startswith("pac_") else "paced-dataplane") for n, u in units.items()},
              decodes, points, streams, dl, rng, phase)
    rows = []  # last: see gpu_common.PROFILED
    for body, blocks, target in kernels[::3] if not quick else kernels[:1]:
        rows += kernel_descriptors(syn.launcher(body, blocks, 128, 0, 64, syn_side), f"paced_{body}")
    with torch.cuda.stream(side):
        rows += kernel_descriptors(paced_unit(layers, 0.0), "paged_scatter")
    hdr = list(rows[0].keys())
    write_csv(out / "kernels.csv", hdr, [[r[h] for h in hdr] for r in rows])


def time_graph(launch, stream: torch.cuda.Stream, n: int = 32) -> float:
    """Seconds per launch of ``launch`` on the GPU alone: a CUDA graph of n launches, replayed."""
    g = graph_batch(launch, n, stream)
    return time_on(g, 20, stream) / n


def short(out: Path, syn: "Synthetic", decodes: dict, points: list, streams, syn_side, side, dl, rng,
          quick: bool, phase=None, only: str = "") -> None:
    """The short-kernel units (module docstring, --short): 32 launches of each kernel, from Python
    and as a graph, every decode point x priority x duty (low, mid), in a seeded random order."""
    kernels = SHORT_KERNELS[:2] if quick else SHORT_KERNELS
    if only:
        kernels = [k for k in kernels if f"{k[0]}:{k[1]}:{k[2]}" in only.split(",")]
    units, crow = {}, []
    header = ["corunner", "body", "footprint", "threads", "shared_memory_bytes", "blocks", "iterations",
              "registers_per_thread", "hbm_bytes", "launch_gpu_s", "launches", "graph", "unit_alone_s"]
    for body, blocks, iters in kernels:
        launch = syn.launcher(body, blocks, 128, 0, iters, syn_side)
        gpu_s = time_graph(launch, syn_side)
        for graph in (False, True):
            name = f"sho_{body}_g{blocks}_i{iters}_{'graph' if graph else 'python'}"
            unit = paced_unit([launch] * PACED_LAUNCHES, 0.0)
            unit_s = time_graph(unit, syn_side, 1) if graph else time_alone(unit, syn_side, 0.03)
            units[name] = (unit, unit_s, syn_side, graph)
            crow.append([name, body, "short", 128, 0, blocks, iters, syn.registers(body),
                         syn.hbm_bytes(body, blocks, 128, iters), f"{gpu_s:.7g}", PACED_LAUNCHES, int(graph),
                         f"{unit_s:.7g}"])
            write_csv(out / "short_corunners.csv", header, crow)
    scatter = dataplane_units(None, side)["paged_scatter"]
    scatter_gpu = time_graph(scatter, syn_side, 1) / PACED_LAUNCHES  # a graph cannot be captured on the legacy stream
    units["paged_scatter"] = (scatter, time_alone(scatter, side, 0.03), side, False)
    crow.append(["paged_scatter", "index_copy", "dataplane", 128, 0, 1024, 1, 0, 2 << 20,  # per launch: 1 MiB each way
                 f"{scatter_gpu:.7g}", PACED_LAUNCHES, 0, f"{units['paged_scatter'][1]:.7g}"])
    write_csv(out / "short_corunners.csv", header, crow)
    print(f"[{dl.elapsed():.0f}s] {len(units)} short units: " + ", ".join(
        f"{r[0]} {float(r[9]) * 1e6:.1f}/{float(r[12]) * 1e6:.0f}us" for r in crow), flush=True)
    unit_grid(out, {n: (*u, "short" if n.startswith("sho_") else "short-dataplane") for n, u in units.items()},
              decodes, points, streams, dl, rng, phase)
    rows = []  # last: see gpu_common.PROFILED
    with torch.cuda.stream(side):
        rows += kernel_descriptors(scatter, "paged_scatter")
    hdr = list(rows[0].keys())
    write_csv(out / "kernels.csv", hdr, [[r[h] for h in hdr] for r in rows])


if __name__ == "__main__":
    main()
