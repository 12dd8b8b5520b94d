"""Decode's kernels beside a co-runner, kernel by kernel: which of decode's kernels lose the time.

Why (added 2026-12-05, a twentieth session, a diagnostic; declared in validation/collect/declared_runs.md
before it ran): beside one-wave launches of one 128-thread block per SM (the coverage run), decode loses
far more than the model charges, and by the phase parts all of it in the GEMV phase (docs/serving.md, Where
the coverage launches' time goes). Two readings give that: a GEMV waits for the launch's blocks for their
whole life, or only where a kernel of a larger grid follows while the launch's blocks still sit on SMs it
needs (a grid transition: the GEMV after attention, or after a smaller GEMV). This records every kernel of a
few decode steps (CUPTI activity records through torch's profiler, decode replayed from its CUDA graph on
one stream) with the launches on a second stream, and the same steps alone, so each decode kernel's time
and its start's delay after the kernel before it can be set against its grid, the grid before it and the
co-runner kernels running at its start. The profiler is active in this process (a profiled process
dispatches at a coarser grain: docs/serving.md, Decode's own blocking), so its figures are read against
each other, alone and beside, not against the unprofiled traces. Nothing is fitted to it.

Co-runner: N blocks of 128 threads, no shared memory, the integer-ALU body (interference_grid.py's), ~16 us
alone, in units of 32 launches back to back; ``--units`` units a step, each step's first unit at a seeded
uniformly random point of the step (gpu_common.RandomPhase). N = 0 is decode alone.

Writes run.json (steps a configuration, units, iterations), kernels.csv (one row per kernel: decode point, N, stream role, name, start and duration in us from
the configuration's first kernel, grid blocks; atomically after each configuration) and gpu.json.
Run: python validation/collect/decode_kernel_trace.py $OUT [--points 1x1024,52x3840] [--blocks 16,132]
                                                          [--units 4] [--steps 3] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpu_common import ALU_LOOP, Model, RandomPhase, capture, gpu_properties, profiled_events, write_csv  # noqa: E402

SOURCE = r"""
extern "C" __global__ void one_alu(long long iters, unsigned int* out) {
    unsigned int x = blockIdx.x * blockDim.x + threadIdx.x;
    ALU_LOOP
    if (x == 0x9e3779b9u) out[0] = x;
}
""".replace("ALU_LOOP", ALU_LOOP)
LAUNCHES = 32  # a unit, as the coverage run's


def trace_kernels(fn) -> list[dict]:
    """Every kernel ``fn`` runs on the GPU, from CUPTI through torch's profiler: name, stream, start, duration, grid."""
    events = profiled_events(fn)
    rows = []
    for ev in events:
        if str(ev.get("cat", "")).lower() != "kernel":
            continue
        a = ev.get("args", {})
        grid = a.get("grid", [0, 0, 0])
        rows.append({"name": str(ev.get("name", ""))[:120], "stream": a.get("stream", ""),
                     "ts_us": float(ev.get("ts", 0.0)), "duration_us": float(ev.get("dur", 0.0)),
                     "blocks": int(grid[0] * grid[1] * grid[2])})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--points", default="1x1024,52x3840", help="decode points as batch x context tokens")
    ap.add_argument("--blocks", default="16,132", help="the co-runner's blocks (one per SM alone), comma-separated")
    ap.add_argument("--units", type=int, default=4, help="co-runner units of 32 launches a decode step")
    ap.add_argument("--steps", type=int, default=3, help="decode steps profiled a configuration")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    import cupy as cp

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "gpu.json").write_text(json.dumps(gpu_properties(), indent=1))
    kernel = cp.RawModule(code=SOURCE, options=("-std=c++17",)).get_function("one_alu")
    sink = cp.zeros(1, dtype=cp.uint32)
    dstream, side = torch.cuda.Stream(priority=0), torch.cuda.Stream(priority=0)  # equal priority
    cs = cp.cuda.ExternalStream(side.cuda_stream)
    phase = RandomPhase(args.seed)

    def unit(blocks: int, iters: int) -> None:
        with cs:
            for _ in range(LAUNCHES):
                kernel((blocks,), (128,), (cp.int64(iters), sink))

    # iterations for ~16 us a launch of 132 blocks alone (events on the side stream)
    iters = 1 << 10
    while True:
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        unit(132, iters)
        start.record(side)
        unit(132, iters)
        end.record(side)
        end.synchronize()
        per = start.elapsed_time(end) * 1e-3 / LAUNCHES
        if per > 8e-6:
            iters = max(1, int(iters * 16e-6 / per))
            break
        iters *= 2
    print(f"iterations for ~16 us: {iters}", flush=True)
    (out / "run.json").write_text(json.dumps({"steps": args.steps, "units": args.units, "launches": LAUNCHES,
                                              "iterations": iters, "seed": args.seed}, indent=1))
    rows: list[list] = []
    head = ["batch", "context", "corunner_blocks", "stream_role", "name", "start_us", "duration_us", "blocks"]
    for batch, context in (tuple(int(v) for v in p.split("x")) for p in args.points.split(",")):
        model = Model(batch, context)
        replay, graph = capture(model, batch, context, dstream)
        torch.cuda.synchronize()
        e0, e1 = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        times = []
        for _ in range(5):
            e0.record(dstream)
            replay()
            e1.record(dstream)
            e1.synchronize()
            times.append(e0.elapsed_time(e1) * 1e-3)
        step_s = statistics.median(times)
        for blocks in [0] + [int(b) for b in args.blocks.split(",")]:
            def steps(n: int) -> None:
                for _ in range(n):
                    ev = torch.cuda.Event()
                    ev.record(dstream)
                    replay()
                    if blocks:
                        side.wait_event(ev)
                        phase(side, step_s)
                        for _ in range(args.units):
                            unit(blocks, iters)

            steps(2)  # warm
            torch.cuda.synchronize()
            found = trace_kernels(lambda: steps(args.steps))
            t0 = min(r["ts_us"] for r in found)
            ids = sorted({str(r["stream"]) for r in found})
            for r in found:
                role = ("corunner" if r["name"] == "one_alu" else "phase" if r["name"] == "delay" else "decode")
                rows.append([batch, context, blocks, role, r["name"], f"{r['ts_us'] - t0:.3f}", f"{r['duration_us']:.3f}",
                             r["blocks"]])
            write_csv(out / "kernels.csv", head, rows)
            n_dec = sum(1 for r in found if r["name"] not in ("one_alu", "delay"))
            print(f"b{batch} c{context} N={blocks}: {len(found)} kernels ({n_dec} decode, streams {ids}), "
                  f"step alone {step_s * 1e3:.2f} ms", flush=True)
        del graph, model
        torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
