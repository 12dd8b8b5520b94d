"""Decode's kernels at each decode point: the launch shape of every kernel one decode step runs.

Why (added 2026-12-03, a later session, a diagnostic): the GPU spec gives decode's kernels one
block shape per kind (`gpu.decode_kernels`: weight GEMVs, attention, elementwise), whatever the
batch and context. Measured after the last fit, every data-plane kernel beside batch-16, 8k-context
decode slows less than beside batch 4 or 32 (validation/traces/h200/dataplane_points2_random/), which
a change of kernel (PyTorch picks attention and GEMM kernels by shape) would explain. This records,
for one step of the collector's decode model (gpu_common.Model, Llama-3-8B-shaped) at each point,
every kernel's name, grid, block, registers, shared memory and duration, through torch's profiler,
in a process that measures nothing else. Nothing is fitted to it.

Later (2026-12-06, a twenty-seventh session): ``--model NAME [--layers N]`` profiles another model's shapes (its
first N layers: each layer runs the same GEMMs), for the grids cuBLAS picks for each bundled model's weight GEMMs
(a Qwen2.5-14B shape's leave 52-60 SMs free most of their time, the Llama shapes' long ones 0-12); a ``model``
column names it.

Writes decode_kernels.csv (one row per kernel per decode point; atomically) and gpu.json.
Run: python validation/collect/decode_shapes.py $OUT [--points 1x1024,8x4096,...] [--model NAME --layers N ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpu_common import MODELS, Model, decode_model, gpu_properties, kernel_descriptors, write_csv  # noqa: E402

POINTS = "1x1024,8x4096,32x8192,32x1024,32x4096,8x8192,1x8192,16x8192,32x6144,24x2048,4x8192,16x4096,16x2048"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--points", default=POINTS, help="decode points as batch x context tokens, comma-separated")
    ap.add_argument("--model", action="append", choices=tuple(MODELS),
                    help="a model's shapes (repeatable; default Llama-3-8B, and no model column)")
    ap.add_argument("--layers", type=int, default=None, help="with --model: only its first N layers")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "gpu.json").write_text(json.dumps(gpu_properties(), indent=1))
    points = [tuple(int(v) for v in p.split("x")) for p in args.points.split(",")]
    rows = []
    for name in args.model or [None]:
        shapes = decode_model(name, args.layers)[0] if name else None
        model = Model(max(b for b, _ in points), max(c for _, c in points), **({"shapes": shapes} if shapes else {}))
        for batch, context in points:
            x = model.inputs(batch)
            with torch.no_grad():
                found = kernel_descriptors(lambda: model.step(x, context), f"{batch}x{context}", warmup=2)
            tag = {"model": name} if name else {}
            rows += [{**tag, "batch": batch, "context": context, **r} for r in found if r["kind"] == "kernel"]
            print(f"{name or 'llama-3-8b'} {batch}x{context}: {len(found)} kernels", flush=True)
            head = list(rows[0].keys())
            write_csv(out / "decode_kernels.csv", head, [[r.get(h, "") for h in head] for r in rows])


if __name__ == "__main__":
    main()
