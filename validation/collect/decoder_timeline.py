"""Block timelines of CacheGen's decoder itself beside decode: what it loses beside one-wave
attention grids that fill some SMs whole.

Why (added 2026-12-04, a fourth session that day): at one-wave attention grids the model is
within 0.93-1.06 of the decoder below attention load 0.5 and 1.02-1.46 under it at 0.73-0.91
(growing with the context, more at high priority), a loss the synthetic decoder-like kernels of
the same shape do not share (h200/regime_points3_random/), now carried by the assumption
gpu.interference.fill_stretch. Candidates: the decoder's blocks are uneven (their lengths follow
the entropy-coded streams), so its spilled blocks wait longer; or its blocks run slower beside
attention's KV traffic (they read bytestreams from HBM). The block timeline tells waiting from
running: every block's start, end and SM, against when the launch was enqueued.

The decoder is LMCache's torchac_cuda built with per-block timing (torchac_timed.py: the decoding
unchanged); one 256-token Llama-3-8B chunk per launch (512 blocks of 128 threads, 48 KiB of
shared memory), on the legacy default stream as in interference_grid.py. Decode: the
Llama-3-8B-shaped CUDA graph at each point, its stream at equal or high priority; one decoder
launch per decode step, enqueued after a uniformly random delay into the step (seeded), as the
random-phase grids do. Alone: the same launch with the GPU otherwise idle.

Writes (atomically, after each configuration):
  gpu.json      the device, driver, torch and CUDA versions
  launches.csv  one row per launch: point, priority, step, delay into the step, the first and last
                block's start after the enqueue, blocks started later than half the alone block
                time after the first, block time p50 / p90 / max, the span from the enqueue, SMs
                used, most blocks on one SM, the decode step's time, and the same alone
  blocks.csv    every block of the alone launches and of the first three launches per point and
                priority: start and end after the enqueue, SM
With --twin the co-runner is its synthetic twin instead (block_timeline.py's quad512: the same 512
blocks of 128 threads and 48 KiB of shared memory, dynamic, an integer-ALU body calibrated to
~500 us), the same way: whether the full-round spill is the shape's or the decoder's.
Run: TORCHAC_PATH=<LMCache>/third_party/torchac_cuda python validation/collect/decoder_timeline.py $OUT
     [--points BxL,...] [--steps N] [--quick] [--twin]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from block_timeline import Probes, calibrate_iters, decode_alone_ns, records, step_then_side, summarize  # noqa: E402
from gpu_common import Model, capture, gpu_properties, priority_streams, write_csv  # noqa: E402
from grid_units import dataplane_units  # noqa: E402
from torchac_timed import build  # noqa: E402

POINTS = [(16, 8192), (24, 8192), (30, 8192), (24, 14336), (12, 2048)]
BLOCKS = 512
HEAD = ["batch", "context", "priority", "step", "delay_us", "first_start_us", "last_start_us", "late_blocks",
        "block_p50_us", "block_p90_us", "block_max_us", "span_us", "sms_used", "most_on_one_sm",
        "alone_block_p50_us", "alone_span_us", "decode_step_us", "decode_alone_us"]


def blocks_of(rec: np.ndarray, launch: int) -> list[tuple[int, int, int]]:
    r = rec[launch * BLOCKS * 3:(launch + 1) * BLOCKS * 3].reshape(BLOCKS, 3)
    return [(int(a), int(b), int(c)) for a, b, c in r]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--points", default="")
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--twin", action="store_true", help="the decoder's synthetic twin instead of the decoder")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    side = torch.cuda.default_stream()  # the decoder launches on the legacy default stream
    pr = Probes()
    cp = pr.cp
    cs_side = pr.stream(side)
    (out / "gpu.json.tmp").write_text(json.dumps(gpu_properties(), indent=1))
    (out / "gpu.json.tmp").replace(out / "gpu.json")
    points = [tuple(int(v) for v in p.split("x")) for p in args.points.split(",")] if args.points else POINTS
    steps = 4 if args.quick else args.steps
    rng = np.random.default_rng(20261204)
    cap = 16 + steps + 2
    launch, start, fetch = corunner(args.twin, pr, cs_side, side, cap)
    marks = [cp.zeros(1, dtype=cp.uint64) for _ in range(cap)]
    # alone: ten launches, the GPU otherwise idle
    start()
    for i in range(10):
        torch.cuda.synchronize()
        pr.mark(marks[i], cs_side)
        launch(i)
        torch.cuda.synchronize()
    read = fetch()
    alone = [summarize(read(i), int(marks[i].get()[0]), 1.0) for i in range(2, 10)]
    a_block = statistics.median(a["block_p50_us"] for a in alone) * 1e3
    a_span = statistics.median(a["span_us"] for a in alone)
    block_rows = [[0, 0, "alone", i, b, f"{(s - int(marks[i].get()[0])) / 1e3:.2f}",
                   f"{(e - int(marks[i].get()[0])) / 1e3:.2f}", sm]
                  for i in range(2, 5) for b, (s, e, sm) in enumerate(read(i))]
    print(f"[{time.time() - t0:.0f}s] alone: block p50 {a_block / 1e3:.1f} us, p90 "
          f"{statistics.median(a['block_p90_us'] for a in alone):.1f}, max "
          f"{statistics.median(a['block_max_us'] for a in alone):.1f}, span {a_span:.1f} us", flush=True)
    rows = []
    streams = priority_streams()
    for batch, context in (points[:1] if args.quick else points):
        model = Model(batch, context)
        for prio, dstream in streams.items():
            replay, graph = capture(model, batch, context, dstream)
            cs_dec = pr.stream(dstream)
            step_ns = decode_alone_ns(cp, lambda r: pr.mark(r, cs_dec), replay)
            n = steps + 2
            s0 = [cp.zeros(1, dtype=cp.uint64) for _ in range(n)]
            s1 = [cp.zeros(1, dtype=cp.uint64) for _ in range(n)]
            delays = [int(rng.uniform(0.0, step_ns)) for _ in range(n)]
            start()
            torch.cuda.synchronize()
            for i in range(n):
                step_then_side(lambda r: pr.mark(r, cs_dec), replay, dstream, side, s0[i], s1[i])
                with cs_side:
                    pr.delay_k((1,), (1,), (cp.int64(delays[i]),))
                pr.mark(marks[i], cs_side)
                launch(i)
                side.synchronize()  # one launch per step: the next step waits for it
            torch.cuda.synchronize()
            read = fetch()
            for i in range(2, n):
                q = int(marks[i].get()[0])
                blk = read(i)
                s = summarize(blk, q, a_block)
                rows.append([batch, context, prio, i - 2, f"{delays[i] / 1e3:.1f}", f"{s['first_start_us']:.2f}",
                             f"{s['last_start_us']:.2f}", s["late_blocks"], f"{s['block_p50_us']:.2f}",
                             f"{s['block_p90_us']:.2f}", f"{s['block_max_us']:.2f}", f"{s['span_us']:.2f}",
                             s["sms_used"], s["most_on_one_sm"], f"{a_block / 1e3:.2f}", f"{a_span:.2f}",
                             f"{(int(s1[i].get()[0]) - int(s0[i].get()[0])) / 1e3:.1f}", f"{step_ns / 1e3:.1f}"])
                if i < 5:
                    block_rows += [[batch, context, prio, i - 2, b, f"{(st - q) / 1e3:.2f}", f"{(en - q) / 1e3:.2f}", sm]
                                   for b, (st, en, sm) in enumerate(blk)]
            write_csv(out / "launches.csv", HEAD, rows)
            write_csv(out / "blocks.csv", ["batch", "context", "priority", "step", "block", "start_us", "end_us", "sm"],
                      block_rows)
            mine = [r for r in rows if r[:3] == [batch, context, prio]]
            med = {k: statistics.median(float(r[HEAD.index(k)]) for r in mine)
                   for k in ("span_us", "first_start_us", "last_start_us", "late_blocks", "block_p50_us", "block_max_us")}
            print(f"[{time.time() - t0:.0f}s] b{batch} c{context} {prio}: span {med['span_us']:.0f} us (alone "
                  f"{a_span:.0f}), first start {med['first_start_us']:.1f}, last start {med['last_start_us']:.1f}, "
                  f"late {med['late_blocks']:.0f}, block p50 {med['block_p50_us']:.1f} max {med['block_max_us']:.1f} "
                  f"(alone {a_block / 1e3:.1f})", flush=True)
            del graph
        del model
        torch.cuda.empty_cache()


def corunner(twin: bool, pr: Probes, cs, side: torch.cuda.Stream, cap: int):
    """(launch(i), start(), fetch() -> (i -> blocks)) for the decoder built with per-block timing, or
    for its synthetic twin (its records in one buffer per launch)."""
    if twin:
        cp = pr.cp
        run = pr.unit("quad512", calibrate_iters(pr, "quad512", 500e-6, cs, side), 1, cs)
        bufs = [cp.zeros(3 * BLOCKS, dtype=cp.uint64) for _ in range(cap)]
        return (lambda i: run([bufs[i]])), (lambda: None), (lambda: (lambda i: records(bufs[i].get(), BLOCKS)))
    ac = build(os.environ["TORCHAC_PATH"], Path("/tmp/torchac_timed"))
    unit = dataplane_units(ac, side)["ac_decode"]
    rec = torch.zeros(cap * BLOCKS * 3, dtype=torch.int64, device="cuda")

    def fetch():
        host = rec.cpu().numpy()
        return lambda i: blocks_of(host, i)
    return (lambda i: unit()), (lambda: ac.set_block_records(rec, cap)), fetch


if __name__ == "__main__":
    main()
