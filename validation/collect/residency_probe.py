"""Which co-runner blocks a decode GEMV's block can sit beside on one SM: the register file split
across the SM's four sub-partitions, against the SM-wide count the occupancy rules use.

Why (added 2026-12-04, a tenth session): the copy probe's launches of one and two warps a block
(h200/placement_copy_warps/, sealed2's t64) slow decode by 23-57% of their busy share, as much as
launches of four warps, while the interference model has them sit beside every decode kernel
(predicted 0.1%). Decode's weight GEMVs (cuBLAS nvjet, 384 threads x 168 registers, 225,652 B of
shared memory; hwspecs/gpus/h200.yaml decode_kernels.weights) take 64,512 of the SM's 65,536
registers: 1,024 are left, room by the SM-wide count for one warp of up to 32 registers a thread,
or two of up to 16. But each of the SM's four sub-partitions holds its own quarter of the register
file (16,384) and its own warps; the GEMV's 12 warps are 3 on each, 16,128 registers, leaving 256
on each: room for warps of at most 8 registers a thread (256 a warp), one per sub-partition. The
copy probe's warps take 14 (512 a warp). Declared before the run, the two rules' predictions
for each variant are columns of the output (fits_sm, fits_subpartition); a third possibility, that
the shared-memory carveout a block was launched with keeps the GEMV out whatever the registers, is
the variant with the carveout preference at its maximum.

Probe: a hold kernel (every thread spins on %globaltimer for HOLD_US, with K live 32-bit
accumulators so its registers a thread vary; thread 0 records start, end and SM), 132 blocks (one
per SM, checked from the records) of 1-8 warps. Launched on one stream; then on another, after a
100 us one-thread delay, (a) the Llama-3-8B gate-up GEMV at batch 1 (x[1, 4096] @ W[4096, 28672],
bf16, cuBLAS) or (b) the decode step at 1 x 1k (the CUDA graph of gpu_common.Model), timed with
events on its stream. A GEMV that fits beside the hold runs as alone; one that cannot waits for
the hold's blocks to retire (HOLD_US later).

Writes (atomically, after each variant):
  gpu.json       the device, driver, torch and CUDA versions
  residency.csv  variant, accumulators, registers_per_thread (the compiled kernel's), warps,
                 registers_per_warp (allocated, units of 256), carveout (the preference, -1 none),
                 target (gemv / step), repeat, alone_us, beside_us, hold_us, hold_sms (distinct
                 SMs of its 132 blocks), fits_sm, fits_subpartition (1/0: the rules' predictions
                 for the GEMV's block beside one hold block)
Found (h200/residency/, residency_synthetic/): every variant kept the GEMV and the step waiting, as
the sub-partition rule said; stand-ins told it from the carveout, which binds too (docs/serving.md,
Sub-partitions and the latency relief). In the committed runs the k0 variant shared its compiled
function with k0_carveout100 through cupy's module cache, so its rows carry the maximum carveout
(fixed since: the carveout variant compiles its own module).
Run: python validation/collect/residency_probe.py $OUT [--quick] [--synthetic | --attention]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpu_common import GTIME_DELAY, Model, capture, event, gpu_properties, write_csv  # noqa: E402

HOLD_US = 3000
ACCUMULATORS = (0, 6, 14, 30)  # live 32-bit values in the hold's loop: its registers a thread
WARPS = (1, 2, 3, 4, 8)
GEMV_THREADS, GEMV_REGISTERS = 384, 168  # decode_kernels.weights (CUPTI, h200/kernels.csv)
SM_REGISTERS, SUBPARTITIONS, GRANULE = 65536, 4, 256


def source(k: int) -> str:
    """The hold kernel with ``k`` live accumulators."""
    decl = "".join(f"unsigned int a{i} = threadIdx.x + {i};\n" for i in range(k))
    step = "".join(f"a{i} = a{i} * 1103515245u + a{(i + 1) % k};\n" for i in range(k)) if k else ""
    fold = " ^ ".join(f"a{i}" for i in range(k)) if k else "0u"
    return GTIME_DELAY + r"""
__device__ __forceinline__ unsigned int smid() { unsigned int r; asm volatile("mov.u32 %0, %%smid;" : "=r"(r)); return r; }
extern "C" __global__ void hold(long long ns, unsigned long long* rec, unsigned int* sink) {
    unsigned long long t0 = gtime();
    DECL
    while ((long long)(gtime() - t0) < ns) { STEP }
    unsigned int f = FOLD;
    if (f == 0xdeadbeefu) sink[0] = f;
    if (threadIdx.x == 0) { rec[3 * blockIdx.x] = t0; rec[3 * blockIdx.x + 1] = gtime(); rec[3 * blockIdx.x + 2] = smid(); }
}
""".replace("DECL", decl).replace("STEP", step).replace("FOLD", fold)


def big_source(k: int) -> str:
    """A stand-in for the GEMV's block whose registers and shared memory are chosen: 384 threads
    spinning ``ns`` with ``k`` live accumulators (touching its dynamic shared memory once)."""
    return source(k).replace("hold(", "big(").replace(
        "unsigned int f = FOLD;".replace("FOLD", " ^ ".join(f"a{i}" for i in range(k)) if k else "0u"),
        "unsigned int f = " + (" ^ ".join(f"a{i}" for i in range(k)) if k else "0u")
        + "; extern __shared__ unsigned int sm[]; sm[threadIdx.x] = f; __syncthreads(); f = sm[(threadIdx.x + 1) % blockDim.x];")


def per_warp(regs: int) -> int:
    return math.ceil(max(regs, 1) * 32 / GRANULE) * GRANULE


def fits_sm(regs: int, warps: int) -> bool:
    """The SM-wide count: the GEMV's block's registers and the hold block's within the SM's."""
    gemv = per_warp(GEMV_REGISTERS) * math.ceil(GEMV_THREADS / 32)
    return gemv + per_warp(regs) * warps <= SM_REGISTERS


def fits_subpartition(regs: int, warps: int) -> bool:
    """Per sub-partition: the GEMV's warps spread evenly, the hold's too (the fullest one counts)."""
    quarter = SM_REGISTERS // SUBPARTITIONS
    gemv = per_warp(GEMV_REGISTERS) * math.ceil(math.ceil(GEMV_THREADS / 32) / SUBPARTITIONS)
    return gemv + per_warp(regs) * math.ceil(warps / SUBPARTITIONS) <= quarter


def main() -> None:
    import cupy as cp

    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--synthetic", action="store_true",
                    help="targets: stand-ins for the GEMV's block (168 registers with and without 225,652 B of "
                         "shared memory, about 39 with it; their registers as compiled) and a control (an elementwise add), not the GEMV and the step")
    ap.add_argument("--attention", action="store_true",
                    help="target: decode's 32 attention kernels at 8 x 4k (256 blocks of 128 threads, 183 "
                         "registers, 86,336 B each), declared 2026-12-04 (a tenth session) before the run: the "
                         "SM-wide count and the sub-partition rule both say its blocks fit beside one spin block "
                         "of 1-8 warps of 14-39 registers; the carveout says they wait beside the default-carveout "
                         "spin blocks and not beside the maximum-carveout ones")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    props = gpu_properties()
    (out / "gpu.json.tmp").write_text(json.dumps(props, indent=1))
    (out / "gpu.json.tmp").replace(out / "gpu.json")
    a, b = torch.cuda.Stream(priority=0), torch.cuda.Stream(priority=0)
    ca, cb = cp.cuda.ExternalStream(a.cuda_stream), cp.cuda.ExternalStream(b.cuda_stream)
    delay = cp.RawModule(code=GTIME_DELAY).get_function("delay")
    g = torch.Generator(device="cuda").manual_seed(0)
    x = torch.randn(1, 4096, device="cuda", generator=g).to(torch.bfloat16)
    w = (torch.randn(4096, 28672, device="cuda", generator=g) * 0.02).to(torch.bfloat16)
    model = Model(1, 1024)
    replay, _graph = capture(model, 1, 1024, a)

    def gemv():
        with torch.cuda.stream(a):
            x @ w

    sink = cp.zeros(1, dtype=cp.uint32)
    targets = {"gemv": gemv, "step": replay}
    if args.attention:  # decode's attention kernels (cuDNN SDPA, 86,336 B of shared memory a block) at 8 x 4k
        att_model = Model(8, 4096)
        att_model.part = "attention"
        att_replay, _att_graph = capture(att_model, 8, 4096, a)
        targets = {"attention": att_replay}
    if args.synthetic:  # stand-ins for the GEMV's block (registers and shared memory chosen), and a control
        y = torch.zeros(1 << 20, device="cuda")

        def control():
            with torch.cuda.stream(a):
                y.add_(1.0)
        targets = {"control": control}
        for k, cap, smem in ((160, 168, 225652), (160, 168, 0), (30, 64, 225652)):
            fn = cp.RawModule(code=big_source(k), options=("-std=c++17", f"--maxrregcount={cap}")).get_function("big")
            fn.max_dynamic_shared_size_bytes = 225652
            dummy = cp.zeros(3 * 132, dtype=cp.uint64)

            def big(fn=fn, smem=smem):
                with ca:
                    fn((132,), (GEMV_THREADS,), (cp.int64(50_000), dummy, sink), shared_mem=max(smem, 4 * GEMV_THREADS))
            targets[f"big_r{fn.num_regs}_s{max(smem, 4 * GEMV_THREADS)}"] = big
    repeats = 2 if args.quick else 5

    def timed(fn, hold=None):
        """Seconds of ``fn`` on stream a (after a 100 us delay there), with ``hold`` launched first on b."""
        torch.cuda.synchronize()
        if hold is not None:
            hold()
        with ca:
            delay((1,), (1,), (cp.int64(100_000),))
        start, end = event(), event()
        start.record(a)
        fn()
        end.record(a)
        torch.cuda.synchronize()
        return start.elapsed_time(end) * 1e3  # us

    alone = {}
    for name, fn in targets.items():
        for _ in range(3):
            timed(fn)
        alone[name] = sorted(timed(fn) for _ in range(7))[3]
    print(f"alone: {alone}", flush=True)
    rows = []
    variants = []
    for k in (ACCUMULATORS[:2] if args.quick else ACCUMULATORS):
        mod = cp.RawModule(code=source(k), options=("-std=c++17",))
        variants.append((f"k{k}", k, mod.get_function("hold"), -1))
    for cap in (8, 16):  # the fewest registers the compiler will give it (the hold may spill)
        capped = cp.RawModule(code=source(0), options=("-std=c++17", f"--maxrregcount={cap}")).get_function("hold")
        variants.append((f"k0_max{cap}", 0, capped, -1))
    # the placement probe's copy kernel sets its dynamic shared-memory limit to 200 KiB and launches
    # with none: does the driver then pick the carveout from the limit or from the launch? (declared
    # 2026-12-04, a tenth session, before the run: from the launch, so attention waits beside it)
    dyn = cp.RawModule(code=source(0) + "\n// dynamic limit variant\n", options=("-std=c++17",)).get_function("hold")
    dyn.max_dynamic_shared_size_bytes = 200 << 10
    variants.append(("k0_dyn200k", 0, dyn, -1))
    # its own module: cupy caches modules by source and options, and the attribute set below would
    # otherwise reach k0's function too (the committed runs' k0 rows carry the maximum carveout)
    carve = cp.RawModule(code=source(0) + "\n// carveout variant\n", options=("-std=c++17",)).get_function("hold")
    try:
        carve.preferred_shared_memory_carveout = 100
        variants.append(("k0_carveout100", 0, carve, 100))
    except (AttributeError, cp.cuda.driver.CUDADriverError) as exc:  # older cupy: no such attribute
        print(f"carveout variant skipped: {exc}", flush=True)
    head = ["variant", "accumulators", "registers_per_thread", "warps", "registers_per_warp", "carveout", "target",
            "repeat", "alone_us", "beside_us", "hold_us", "hold_sms", "fits_sm", "fits_subpartition"]
    for label, k, fn, carveout in variants:
        regs = int(fn.num_regs)
        for warps in WARPS:
            rec = cp.zeros(3 * 132, dtype=cp.uint64)

            def hold():
                with cb:
                    fn((132,), (32 * warps,), (cp.int64(HOLD_US * 1000), rec, sink))

            for target, tfn in targets.items():
                for r in range(repeats):
                    beside = timed(tfn, hold)
                    blk = rec.get().reshape(-1, 3)
                    rows.append([label, k, regs, warps, per_warp(regs), carveout, target, r, f"{alone[target]:.1f}",
                                 f"{beside:.1f}", f"{(blk[:, 1].max() - blk[:, 0].min()) / 1e3:.1f}",
                                 len(set(int(s) for s in blk[:, 2])), int(fits_sm(regs, warps)),
                                 int(fits_subpartition(regs, warps))])
            write_csv(out / "residency.csv", head, rows)
            last = [r for r in rows if r[0] == label and r[3] == warps]
            print(f"[{time.time() - t0:.0f}s] {label} regs {regs} warps {warps}: "
                  + ", ".join(f"{r[6]} {r[9]}" for r in last), flush=True)


if __name__ == "__main__":
    main()
