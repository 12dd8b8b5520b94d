"""The decode step alone where attention's grid leaves SMs idle: a sealed set for the step's time.

Why (added 2026-12-04, an eighth session): the step's model reads the KV cache at one share of peak
HBM whatever attention's grid. cuDNN's decode attention launches one block per sequence and KV head
(times a few context splits at small batches), two blocks per SM at most; the profiled kernels
(h200/decode_shapes*/) stream at 46-49 GB/s per block where there are fewer blocks than SMs, and drop
to 3.7-3.8 TB/s just past one wave (a small last wave streams at that per-block rate while the rest of
the GPU idles). A per-block cap and wave scheduling were designed from those kernels. These points
were declared here, before this set was measured and before the form was written, to test it where
it bites hardest and where it was never looked at: fewer blocks than SMs at other contexts, just past
one wave at other batches, and just past two and three waves (528 and 792 slots on 132 SMs), which no
earlier set reached. Nothing is fitted to them.

Per point: the whole step as a CUDA graph, timed with events on its own stream (3 repeats of 20
replays), then, after every point is timed (the profiler changes later dispatch in the process), the
kernels of one step through torch's profiler. KV is allocated per point (batch x context tokens).
Writes decode_step.csv and decode_kernels.csv (atomically, after each point) and gpu.json.
Run: python validation/collect/decode_waves.py $OUT [--points 9x2048,...] [--replays 20]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpu_common import Model, capture, gpu_properties, kernel_descriptors, time_on, write_csv  # noqa: E402

# batch x context tokens; Llama-3-8B: 80, 88 blocks below the SMs; 272-400 just past one wave (264
# slots); 536-640 just past two (528); 800-1024 past three (792); batch <= 8: the split grids.
POINTS = ("9x2048,9x12288,10x16384,11x6144,11x14336,"
          "13x12288,20x4096,25x10240,30x16384,"
          "34x3072,34x12288,35x8192,37x16384,42x6144,45x14336,50x10240,"
          "56x8192,60x4096,66x2048,66x10240,"
          "67x4096,67x10240,70x8192,75x3072,80x6144,"
          "99x4096,100x4096,100x6144,120x2048,128x4096,"
          "3x16384,5x12288,7x6144,7x16384")
MAX_TOKENS = 700_000  # batch x context: KV of 92 GB beside 16 GB of weights on a 141 GB GPU


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--points", default=POINTS, help="decode points as batch x context tokens, comma-separated")
    ap.add_argument("--replays", type=int, default=20, help="graph replays per timed repeat")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "gpu.json").write_text(json.dumps(gpu_properties(), indent=1))
    points = [tuple(int(v) for v in p.split("x")) for p in args.points.split(",")]
    if any(b * c > MAX_TOKENS for b, c in points):
        raise SystemExit(f"--points: batch x context above {MAX_TOKENS} tokens")
    order = points[:]
    random.Random(0).shuffle(order)  # no drift lines up with batch or context
    model = Model(1, 1)
    stream = torch.cuda.Stream()
    steps, replay, graph = [], None, None
    for batch, context in order:
        replay = graph = model.k = model.v = None  # free the last point's KV before allocating this one's
        torch.cuda.empty_cache()
        shape = (model.s["layers"], batch, model.s["kv_heads"], context, model.s["head_dim"])
        model.k = torch.zeros(shape, device="cuda", dtype=torch.bfloat16)
        model.v = torch.zeros_like(model.k)
        replay, graph = capture(model, batch, context, stream)
        for rep in range(3):
            steps.append([batch, context, rep, f"{time_on(replay, args.replays, stream):.7g}"])
        write_csv(out / "decode_step.csv", ["batch", "context_tokens", "repeat", "seconds_per_step"], steps)
        print(f"{batch}x{context}: {float(steps[-1][3]) * 1e3:.3f} ms", flush=True)
    rows = []
    for batch, context in order:  # after every timing: the profiler changes dispatch for the process
        model.k = model.v = None
        torch.cuda.empty_cache()
        shape = (model.s["layers"], batch, model.s["kv_heads"], context, model.s["head_dim"])
        model.k = torch.zeros(shape, device="cuda", dtype=torch.bfloat16)
        model.v = torch.zeros_like(model.k)
        x = model.inputs(batch)
        with torch.no_grad():
            found = kernel_descriptors(lambda: model.step(x, context), f"{batch}x{context}", warmup=2)
        rows += [{"batch": batch, "context": context, **r} for r in found if r["kind"] == "kernel"]
        head = list(rows[0].keys())
        write_csv(out / "decode_kernels.csv", head, [[r[h] for h in head] for r in rows])
    print(f"{len(steps)} step rows, {len(rows)} kernel rows", flush=True)


if __name__ == "__main__":
    main()
