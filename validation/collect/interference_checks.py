"""Two checks of the interference grid's method, run after it on the same GPU:

  placement.csv       where the hardware puts a co-runner's blocks: each block records the SM it
                      runs on (%smid); per (footprint, grid): distinct SMs used and the most
                      blocks on one SM. The model's count of SMs a co-runner holds rests on it.
  method_offset.csv   decode timed through the grid's per-step event path with no co-runner
                      (k = 0) against decode alone: the bias of the method itself.

Run on the device machine:  python validation/collect/interference_checks.py $OUT
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpu_common import Model, write_csv  # noqa: E402
from interference_grid import DECODE_POINTS, FOOTPRINTS, Decode, beside, eager_batch  # noqa: E402

SOURCE = r"""
extern "C" __global__ void where(int* sm, long long iters) {
    extern __shared__ unsigned int pad[];
    unsigned int smid;
    asm volatile("mov.u32 %0, %%smid;" : "=r"(smid));
    unsigned int x = threadIdx.x;
    for (long long k = 0; k < iters; ++k) { x = x * 1103515245u + 12345u; x ^= x >> 13; }
    if (threadIdx.x == 0) sm[blockIdx.x] = (int)smid + (x == 0x9e3779b9u);
    if (iters < 0) pad[threadIdx.x] = x;
}
"""


def placement(out: Path) -> None:
    import cupy as cp

    kern = cp.RawModule(code=SOURCE).get_function("where")
    kern.max_dynamic_shared_size_bytes = 220 << 10
    rows = []
    for fp, (threads, smem) in FOOTPRINTS.items():
        for grid in (8, 33, 66, 132, 264, 528, 1056):
            sm = cp.full(grid, -1, dtype=cp.int32)
            kern((grid,), (threads,), (sm, cp.int64(200000)), shared_mem=smem)  # ~ms-long blocks: one wave stays resident
            cp.cuda.Device().synchronize()
            ids = cp.asnumpy(sm)
            counts = {}
            for s in ids.tolist():
                counts[s] = counts.get(s, 0) + 1
            rows.append([fp, threads, smem, grid, len(counts), max(counts.values()), min(counts.values())])
    write_csv(out / "placement.csv", ["footprint", "threads", "shared_memory_bytes", "blocks", "distinct_sms",
                                      "max_blocks_per_sm", "min_blocks_per_sm"], rows)
    print(f"placement: {len(rows)} rows", flush=True)


def offset(out: Path) -> None:
    model = Model(32, 8192)
    lo, hi = torch.cuda.Stream.priority_range()
    streams = {"equal": torch.cuda.Stream(priority=0), "high": torch.cuda.Stream(priority=hi)}
    side = torch.cuda.default_stream()
    rows = []
    for batch, context in DECODE_POINTS:
        dec = Decode(model, batch, context, streams, 20)
        for prio in ("equal", "high"):
            for rep in range(3):
                steps = max(8, int(0.1 / dec.alone[prio]))
                r = beside(dec, prio, streams[prio], side, eager_batch(lambda: None, 0), 0, 1, steps)
                rows.append([batch, context, prio, rep, f"{dec.alone[prio]:.7g}", f"{r['decode_beside_s']:.7g}",
                             f"{r['decode_beside_s'] / dec.alone[prio] - 1:.5f}"])
        write_csv(out / "method_offset.csv", ["batch", "context_tokens", "decode_priority", "repeat", "decode_alone_s",
                                              "decode_event_path_s", "offset"], rows)
    print(f"offset: {len(rows)} rows", flush=True)


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    placement(target)
    offset(target)
