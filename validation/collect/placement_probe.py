"""Where a one-wave co-runner's blocks land when it is launched at a random point of a decode step,
and what that does to its time: what the interference model's packing term stands for.

Why (added 2026-12-03): the model's co-runner side, with the crowding term it had then,
under-predicted one-wave compute-bound launches that hold fewer blocks per SM than
they could (the regime grid's 132 blocks of 48 KiB, 20-25% low; the first grid's 128-thread
launches of 33-264 blocks, 15-42% low). The block timeline (h200/timeline/) showed one case at a
step's start: 132 blocks packed 4 per SM onto the 36 SMs a weight GEMV left free, the launch
1.6x its time alone. This probe asks the general question, at a uniformly random launch phase:
how often a launch packs, how tightly (most blocks on one SM), and how long a block takes at m
blocks per SM with the GPU otherwise idle (the issue curve, from which ``issue_warps`` is measured).
What it became: the packing term (docs/serving.md, Packing). ``crowding`` and ``pack_blocks`` are
fitted on its 8 x 4k and 1 x 1k points (declared before the fit); its 8 x 8k and 32 x 8k points
are held out (validation/traces/h200_placement_interference.csv).

Co-runners: the ALU probe of block_timeline.py (the grid's integer-ALU body), calibrated to ~500 us
alone at its grid, in the shapes of the grids' under-predicted launches:
  t128_s0_g33 / g132 / g264   128 threads, no shared memory (16 per SM), 33, 132, 264 blocks
  t1024_s0_g132               1,024 threads, no shared memory (2 per SM), 132 blocks
  t128_s48k_g132              128 threads, 48 KiB (4 per SM), 132 blocks (the regime grid's)
  t128_s100k_g132             128 threads, 100 KiB (2 per SM), 132 blocks
With --body copy the same shapes, and 66 blocks of 200 KiB (1 per SM: they cannot pack), copy
2-byte elements instead (a memory-bound body, ~0.5 ms alone; no issue curve): whether the
memory-bound launches the model spares from packing (by their compute-boundness) pack and slow.
Decode: the Llama-3-8B-shaped CUDA graph at (batch, context) = (8, 4096), (1, 1024), (32, 8192),
(8, 8192), equal and high priority; one co-runner launch per step after a random delay (seeded).

Writes (atomically, after each configuration):
  gpu.json      the device, driver, torch and CUDA versions, and the probe kernel's registers per thread
  curve.csv     alone, m blocks per SM (132 x m blocks, up to the shape's limit): block time p50/max
                and the launch's span, against m = 1
  launches.csv  one row per launch beside decode: point, priority, shape, step, the launch's delay
                into the step, SMs used, most blocks on one SM, blocks per SM (a histogram), block
                time p50/max, span from the first block's start and from the enqueue, the same
                alone, the decode step's time and alone, the body, its HBM bytes a launch, and
                when its last block started (the committed ALU run predates the last three)
With --curve-only the issue curve alone (no decode), for either body, at 1, 2, 3, 4, 6, 8, 12 and
16 blocks per SM up to each shape's limit (2026-12-04: the copy body's curve, which says whether a
packed 2-byte copy is issue-bound or latency-bound on a free SM; the committed ALU curve predates
the 6 and 12 points).
With --sealed (and --body copy) a sealed set, declared 2026-12-04 (an eighth session) before it was
measured and before any form for it was written: the copy body in shapes and beside decode points
the committed runs never used (SEALED_SHAPES, SEALED_POINTS). It is the check for the next form of a
packed streaming launch: the packing term charges the copy probe as issue-bound (its HBM share is
small, so its "compute-boundness" is near 1), while its alone curve and Nsight Compute say it is
latency-bound (docs/serving.md, What a packed launch demands). Nothing is fitted to it.
With --sealed2 (and --body copy) a second sealed set, declared 2026-12-04 (a ninth session) before it
was measured and before the form it checks was written: the copy body in shapes and beside decode
points no committed run used (SEALED2_SHAPES, SEALED2_POINTS). It checks the loaded-latency form (a
latency-bound launch's loads wait behind decode's HBM traffic; loaded_latency.py measures that
wait directly). Nothing is fitted to it.
With --sealed3 (and --body copy) a third sealed set, declared 2026-12-04 (a ninth session, after the
loaded latency was adopted) before it was measured and before any form for it was written: the copy
body in shapes and beside decode points no committed run used (SEALED3_SHAPES, SEALED3_POINTS). It
is the check for a loaded latency that follows the decode step (the second sealed set's misses sat
beside a split attention grid, where the chase reads lowest; loaded_latency.py --points measures
the chase beside these points, sealed with them). Nothing is fitted to it.
With --warps (and --body copy) a designed grid, declared 2026-12-04 (a ninth session, last) as the
fitted set of the next form, before any such form exists: 132 blocks of 1, 2, 4, 8, 16 and 32 warps
and 66 of 2 and of 8, beside four spent decode points (WARPS_SHAPES, WARPS_POINTS). The loaded latency
charges a latency-bound launch by its threads' serial loads, whatever its warps per SM; the spent
sets say launches of more warps per SM lose less (8 warps: 1.2-1.6x against 1.6-1.75x predicted).
This grid measures that at fixed blocks; the third sealed set checks what is fitted to it.
With --carveout (and --body copy) a designed grid, declared 2026-12-04 (a tenth session) as the
fitted set of a form that knows the shared-memory carveout, before any such form exists: the copy
body at 132 blocks of 4 and of 8 warps, 66 and 264 of 4, each launched with the default carveout
preference (as every run before) and with it at its maximum (100), beside three spent decode points
(CARVEOUT_SHAPES, CARVEOUT_POINTS). A fourth element of a shape is its carveout preference; the
shape's name ends _c100 then. The residency probe (h200/residency*/) found decode's GEMVs and
attention kept off any SM holding a default-carveout block, and not off one holding a
maximum-carveout block but for registers; this grid measures what that does to both sides. With
--sealed4 its sealed set, declared with it: 100 blocks of 4 warps, 132 of 6 and of 2, each at both
preferences, beside three decode points no run used (SEALED4_SHAPES, SEALED4_POINTS). Nothing is
fitted to either when measured.
Run: python validation/collect/placement_probe.py $OUT [--quick] [--body alu|copy] [--curve-only]
     [--sealed|--sealed2|--sealed3|--warps|--carveout|--sealed4]
"""

from __future__ import annotations

import argparse
import collections
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from block_timeline import SOURCE, decode_alone_ns, records, step_then_side  # noqa: E402
from gpu_common import Model, capture, gpu_properties, priority_streams, write_csv  # noqa: E402

SHAPES = [(128, 0, 33), (128, 0, 132), (128, 0, 264), (1024, 0, 132), (128, 48 << 10, 132), (128, 100 << 10, 132)]
COPY_SHAPES = SHAPES + [(128, 200 << 10, 66)]  # --body copy: and 66 blocks of 1 per SM (they cannot pack)
POINTS = [(8, 4096), (1, 1024), (32, 8192), (8, 8192)]
# --sealed: 66 and 198 blocks of 4 warps, 132 of 8 and of 16 warps, 132 of 24 KiB (9 per SM), beside
# 96-384-block attention grids (one block per SM or fewer, 192 and 256 blocks, two waves)
SEALED_SHAPES = [(128, 0, 66), (128, 0, 198), (256, 0, 132), (512, 0, 132), (128, 24 << 10, 132)]
SEALED_POINTS = [(12, 12288), (16, 4096), (24, 2048), (4, 8192), (48, 4096)]  # KV for 48 x 12k: 77 GB
# --sealed2: 132 blocks of 2 warps, 100 of 4 (part of the SMs), 66 of 8, 132 of 6 warps with 64 KiB
# (3 per SM), 400 of 4 (3-4 per SM, one wave), beside decode points of 2-40 sequences, 2k-14k tokens
SEALED2_SHAPES = [(64, 0, 132), (128, 0, 100), (256, 0, 66), (192, 64 << 10, 132), (128, 0, 400)]
SEALED2_POINTS = [(2, 2048), (40, 3072), (10, 14336), (6, 6144)]  # KV for 40 x 14k: 75 GB
# --sealed3: 120 blocks of 4 warps, 66 of 2, 132 of 3, 132 of 4 with 32 KiB (6 per SM), 100 of 8,
# beside split attention grids (10 x 12k, 14 x 10k), long attention kernels of many blocks (48 x 8k,
# 24 x 14k) and weight-bound steps (3 x 3k, 20 x 6k)
SEALED3_SHAPES = [(128, 0, 120), (64, 0, 66), (96, 0, 132), (128, 32 << 10, 132), (256, 0, 100)]
SEALED3_POINTS = [(10, 12288), (14, 10240), (48, 8192), (24, 14336), (3, 3072), (20, 6144)]  # KV for 48 x 14k: 90 GB
# --warps: 132 blocks of 1-32 warps, 66 of 2 and 8, beside spent decode points (fitted, declared)
WARPS_SHAPES = [(32, 0, 132), (64, 0, 132), (128, 0, 132), (256, 0, 132), (512, 0, 132), (1024, 0, 132),
                (64, 0, 66), (256, 0, 66)]
WARPS_POINTS = [(1, 1024), (8, 4096), (32, 8192), (12, 12288)]
# --carveout: 132 blocks of 4 and 8 warps, 66 and 264 of 4, at the default carveout preference and at
# its maximum (a fourth element: the preference), beside spent decode points (fitted, declared)
CARVEOUT_SHAPES = [s + (c,) for s in ((128, 0, 132), (256, 0, 132), (128, 0, 66), (128, 0, 264)) for c in (-1, 100)]
CARVEOUT_POINTS = [(1, 1024), (8, 4096), (32, 8192)]
# --sealed4: 100 blocks of 4 warps, 132 of 6 and of 2, both preferences, beside new decode points
SEALED4_SHAPES = [s + (c,) for s in ((128, 0, 100), (192, 0, 132), (64, 0, 132)) for c in (-1, 100)]
SEALED4_POINTS = [(6, 10240), (16, 6144), (2, 12288)]
SMS_PER_LIMIT = {(128, 0): 16, (1024, 0): 2, (128, 48 << 10): 4, (128, 100 << 10): 2,
                 (128, 200 << 10): 1, (256, 0): 8, (512, 0): 4,
                 (128, 24 << 10): 9, (64, 0): 32, (192, 64 << 10): 3,
                 (96, 0): 21, (128, 32 << 10): 6, (32, 0): 32, (192, 0): 10}  # blocks per SM on Hopper (occupancy rules)
TARGET_S = 500e-6


def name(shape) -> str:
    threads, smem, grid = shape[:3]
    base = f"t{threads}_s{smem >> 10}k_g{grid}" if smem else f"t{threads}_s0_g{grid}"
    return base + (f"_c{shape[3]}" if len(shape) > 3 and shape[3] != -1 else "")


def carveout(shape) -> int:
    """A shape's carveout preference (-1: none, the driver's default)."""
    return shape[3] if len(shape) > 3 else -1


class Probe:
    """The probe kernel: ``alu`` (integer ALU work, ``iters`` iterations a thread) or ``copy`` (each
    block copies ``iters`` 2-byte elements, a memory-bound body; shared memory only reserved)."""

    def __init__(self, body: str = "alu"):
        import cupy as cp

        self.cp, self.body = cp, body
        mod = cp.RawModule(code=SOURCE, options=("-std=c++17",))
        self.mark_k, self.alu_k, self.copy_k, self.delay_k = (mod.get_function(n) for n in
                                                              ("mark", "alu_probe", "copy_probe", "delay"))
        self.alu_k.max_dynamic_shared_size_bytes = 200 << 10
        self.copy_k.max_dynamic_shared_size_bytes = 200 << 10
        self.out = cp.zeros(1, dtype=cp.uint32)
        self.src = self.dst = cp.zeros(0, dtype=cp.uint16)
        self.default_k, self.by_carveout = self.copy_k, {}

    def set_carveout(self, preference: int) -> None:
        """Launch the copy body with this carveout preference from now on (-1: the default). Each
        preference compiles its own module: cupy caches modules by source, and an attribute set on a
        cached function would reach every launch of it."""
        if preference == -1:
            self.copy_k = self.default_k
            return
        if preference not in self.by_carveout:
            mod = self.cp.RawModule(code=SOURCE + f"\n// carveout {preference}\n", options=("-std=c++17",))
            k = mod.get_function("copy_probe")
            k.max_dynamic_shared_size_bytes = 200 << 10
            k.preferred_shared_memory_carveout = preference
            self.by_carveout[preference] = k
        self.copy_k = self.by_carveout[preference]

    @property
    def kernel(self):
        return self.alu_k if self.body == "alu" else self.copy_k

    def launch(self, cs, threads: int, smem: int, grid: int, iters: int, rec) -> None:
        cp = self.cp
        with cs:
            if self.body == "alu":
                self.alu_k((grid,), (threads,), (rec, cp.int64(iters), self.out), shared_mem=smem)
                return
            if self.src.size < grid * iters:  # grown, never shrunk: one pair for every launch
                self.src, self.dst = cp.ones(grid * iters, dtype=cp.uint16), cp.zeros(grid * iters, dtype=cp.uint16)
            self.copy_k((grid,), (threads,), (self.src, self.dst, cp.int64(iters), rec), shared_mem=smem)

    def mark(self, cs, rec) -> None:
        with cs:
            self.mark_k((1,), (1,), (rec,))

    def delay(self, cs, ns: int) -> None:
        with cs:
            self.delay_k((1,), (1,), (self.cp.int64(ns),))

    def alone(self, cs, threads, smem, grid, iters, reps=5):
        """(block p50, block max, span from first start) in ns, medians over ``reps`` launches."""
        cp = self.cp
        rec = cp.zeros(3 * grid, dtype=cp.uint64)
        out = []
        for _ in range(reps + 1):
            torch.cuda.synchronize()
            self.launch(cs, threads, smem, grid, iters, rec)
            torch.cuda.synchronize()
            blk = records(rec.get(), grid)
            d = [b[1] - b[0] for b in blk]
            out.append((statistics.median(d), max(d), max(b[1] for b in blk) - min(b[0] for b in blk)))
        out = out[1:]
        return tuple(statistics.median(o[i] for o in out) for i in range(3))

    def calibrate(self, cs, threads, smem, grid) -> int:
        i = 1 << 10
        while True:
            span = self.alone(cs, threads, smem, grid, i, reps=2)[2]
            if span > 50e3:
                return max(1, int(i * TARGET_S * 1e9 / span))
            i *= 4


def per_sm(blk) -> collections.Counter:
    return collections.Counter(b[2] for b in blk)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--body", choices=["alu", "copy"], default="alu",
                    help="the launches' body: integer ALU work, or 2-byte copies (memory-bound)")
    ap.add_argument("--curve-only", action="store_true", help="the alone curve only, for either body")
    ap.add_argument("--sealed", action="store_true", help="the sealed set (SEALED_SHAPES beside SEALED_POINTS)")
    ap.add_argument("--sealed2", action="store_true", help="the second sealed set (SEALED2_SHAPES beside SEALED2_POINTS)")
    ap.add_argument("--sealed3", action="store_true", help="the third sealed set (SEALED3_SHAPES beside SEALED3_POINTS)")
    ap.add_argument("--warps", action="store_true", help="the warps grid (WARPS_SHAPES beside WARPS_POINTS)")
    ap.add_argument("--carveout", action="store_true", help="the carveout grid (CARVEOUT_SHAPES beside CARVEOUT_POINTS)")
    ap.add_argument("--sealed4", action="store_true", help="the fourth sealed set (SEALED4_SHAPES beside SEALED4_POINTS)")
    args = ap.parse_args()
    chosen = [n for n, on in ((1, args.sealed), (2, args.sealed2), (3, args.sealed3), ("warps", args.warps),
                              ("carveout", args.carveout), (4, args.sealed4)) if on]
    if chosen and (args.body != "copy" or args.curve_only or len(chosen) > 1):
        raise SystemExit("--sealed, --sealed2, --sealed3, --warps, --carveout, --sealed4: one set, the copy body's, beside decode "
                         "(--body copy, no --curve-only)")
    sealed = {1: (SEALED_SHAPES, SEALED_POINTS), 2: (SEALED2_SHAPES, SEALED2_POINTS),
              3: (SEALED3_SHAPES, SEALED3_POINTS), "warps": (WARPS_SHAPES, WARPS_POINTS),
              "carveout": (CARVEOUT_SHAPES, CARVEOUT_POINTS), 4: (SEALED4_SHAPES, SEALED4_POINTS)}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    pr = Probe(args.body)
    shapes, points = sealed[chosen[0]] if chosen else (SHAPES if args.body == "alu" else COPY_SHAPES, POINTS)
    cp = pr.cp
    rng = np.random.default_rng(20261203)
    props = gpu_properties()
    props["alu_probe_registers_per_thread"] = int(pr.alu_k.num_regs)
    props["probe_body"] = args.body
    props["probe_registers_per_thread"] = int(pr.kernel.num_regs)
    (out / "gpu.json.tmp").write_text(json.dumps(props, indent=1))
    (out / "gpu.json.tmp").replace(out / "gpu.json")
    side = torch.cuda.Stream(priority=0)
    cs_side = cp.cuda.ExternalStream(side.cuda_stream)
    iters, alone, curve = {}, {}, []
    for shape in shapes:
        threads, smem, grid = shape[:3]
        pr.set_carveout(carveout(shape))
        iters[shape] = pr.calibrate(cs_side, threads, smem, grid)
        alone[shape] = pr.alone(cs_side, threads, smem, grid, iters[shape])
        limit = SMS_PER_LIMIT[threads, smem]
        if grid == 132 and (args.body == "alu" or args.curve_only):  # the issue curve: m per SM, GPU otherwise idle
            per_sm_counts = {1, 2, 3, 4, 6, 8, 12, 16} if args.curve_only else {1, 2, 3, 4, 8, 16}
            for m in sorted(per_sm_counts & set(range(1, limit + 1))):
                b50, bmax, span = pr.alone(cs_side, threads, smem, 132 * m, iters[shape], reps=3)
                curve.append([threads, smem, m, 132 * m, f"{b50 / 1e3:.2f}", f"{bmax / 1e3:.2f}", f"{span / 1e3:.2f}"])
            write_csv(out / "curve.csv", ["threads", "smem", "blocks_per_sm", "blocks", "block_p50_us", "block_max_us",
                                          "span_us"], curve)
        print(f"[{time.time() - t0:.0f}s] {name(shape)}: iters {iters[shape]}, alone block "
              f"{alone[shape][0] / 1e3:.0f} us, span {alone[shape][2] / 1e3:.0f} us", flush=True)
    if args.curve_only:
        return
    head = ["batch", "context", "priority", "shape", "threads", "smem", "blocks", "step", "delay_us",
            "enqueue_after_step_start_us", "first_start_after_enqueue_us", "sms_used", "most_on_one_sm",
            "per_sm_histogram", "block_p50_us", "block_max_us", "span_us", "span_from_enqueue_us",
            "alone_block_p50_us", "alone_span_us", "decode_step_us", "decode_alone_us", "body", "bytes_per_launch",
            "last_start_after_enqueue_us", "carveout"]
    rows = []
    model = Model(max(b for b, _ in points), max(c for _, c in points))
    steps = 6 if args.quick else 60
    for batch, context in (points[:1] if args.quick else points):
        for prio, dstream in priority_streams().items():
            replay, graph = capture(model, batch, context, dstream)
            cs_dec = cp.cuda.ExternalStream(dstream.cuda_stream)
            step_ns = decode_alone_ns(cp, lambda rec: pr.mark(cs_dec, rec), replay)
            for shape in shapes:
                threads, smem, grid = shape[:3]
                pr.set_carveout(carveout(shape))
                n = steps + 2
                recs = [cp.zeros(3 * grid, dtype=cp.uint64) for _ in range(n)]
                marks = [[cp.zeros(1, dtype=cp.uint64) for _ in range(3)] for _ in range(n)]
                delays = [int(rng.uniform(0.0, step_ns)) for _ in range(n)]
                torch.cuda.synchronize()
                for i in range(n):
                    step_then_side(lambda r: pr.mark(cs_dec, r), replay, dstream, side, marks[i][0], marks[i][1])
                    pr.delay(cs_side, delays[i])
                    pr.mark(cs_side, marks[i][2])
                    pr.launch(cs_side, threads, smem, grid, iters[shape], recs[i])
                    side.synchronize()  # one launch per step: the next step waits for it
                torch.cuda.synchronize()
                for i in range(2, n):
                    s, e, q = (int(m.get()[0]) for m in marks[i])
                    blk = records(recs[i].get(), grid)
                    counts = per_sm(blk)
                    hist = collections.Counter(counts.values())
                    d = sorted(b[1] - b[0] for b in blk)
                    first = min(b[0] for b in blk)
                    end = max(b[1] for b in blk)
                    rows.append([batch, context, prio, name(shape), threads, smem, grid, i - 2, f"{delays[i] / 1e3:.1f}",
                                 f"{(q - s) / 1e3:.2f}", f"{(first - q) / 1e3:.2f}", len(counts), max(counts.values()),
                                 " ".join(f"{k}:{v}" for k, v in sorted(hist.items())), f"{statistics.median(d) / 1e3:.2f}",
                                 f"{d[-1] / 1e3:.2f}", f"{(end - first) / 1e3:.2f}", f"{(end - q) / 1e3:.2f}",
                                 f"{alone[shape][0] / 1e3:.2f}", f"{alone[shape][2] / 1e3:.2f}", f"{(e - s) / 1e3:.1f}",
                                 f"{step_ns / 1e3:.1f}", args.body,
                                 4 * grid * iters[shape] if args.body == "copy" else 0,  # copy: read + write 2 B
                                 f"{(max(b[0] for b in blk) - q) / 1e3:.2f}", carveout(shape)])
                write_csv(out / "launches.csv", head, rows)
                mine = [r for r in rows if r[:4] == [batch, context, prio, name(shape)]]
                packed = sum(1 for r in mine if r[12] > -(-grid // 132))
                print(f"[{time.time() - t0:.0f}s] b{batch} c{context} {prio} {name(shape)}: packed {packed}/{len(mine)}, "
                      f"span/alone median {statistics.median(float(r[17]) for r in mine) / (alone[shape][2] / 1e3):.2f}",
                      flush=True)
            del graph


if __name__ == "__main__":
    main()
