"""What a co-runner's waiting launches cost the stream they wait on: the blocking stream's own loss
beside bursts of short launches, against the co-runner's run time and against its busy time.

Why (declared 2026-12-05, a twenty-second session; validation/collect/declared_runs.md): a launch's
turn wait (launch_turns, docs/serving.md, The turn wait in GEMM lengths) counts in the co-runner's busy
time, and decode's loss is charged per unit of busy time (the measurements define busy so). In the
alternation residual_wait.py measured, a waiting launch holds no SM: decode would lose about each
launch's run time, not its wait. On a GPU with long GEMMs (the L40S) most of a short launch's busy
time is waiting, so the two readings part.

The blocker (decode's stand-in, residual_wait.py's kernels): a CUDA graph of back-to-back launches of
length L (10-160 us), `full` (no block fits beside) or `most` (12 SMs free), at normal priority. The
co-runner: the scatter-grid copy (1,024 blocks of 128 threads) in units of 32 launches, issued back to
back from Python for the whole window, timed with events on its own stream. The copy's GPU time a
launch alone is read from a graph of 32 (no host in it).

Writes (atomically, after each point) into OUT:
  gpu.json        the device and software
  waiting.csv     one row per (blocker, L): the blocker's launch alone and beside (events around
                  its graph replays over the window), its loss share (1 - alone / beside), the
                  co-runner's launches in the window, its busy share (its units' event time over
                  the window) and run share (launches x the copy's GPU time alone over the window)

A diagnostic: nothing in it is a trace, and nothing is fitted to it.

    python validation/collect/waiting_cost.py OUT [--replays N]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpu_common import event, gpu_properties, priority_streams, write_csv  # noqa: E402
from grid_measure import graph_batch  # noqa: E402
from residual_wait import Kernels, blocker_graph, replay_time  # noqa: E402

LENGTHS_US = (10, 20, 40, 80, 160)
SHAPES = ("full", "most")
BURST = 32


def copy_gpu_time(k: Kernels, cs: torch.cuda.Stream) -> float:
    """Seconds of GPU time per copy launch alone: a graph of BURST launches, replayed ten times."""
    return replay_time(graph_batch(lambda: k.copy(cs, 1024), BURST, cs).graph, BURST, cs, replays=10)


def point(k: Kernels, bs, cs, shape: str, length: int, replays: int) -> dict:
    g, n = blocker_graph(k, bs, shape, length)
    alone = replay_time(g, n, bs)
    marks = []
    with torch.cuda.stream(bs):
        for _ in range(replays):
            a, b = event(), event()
            a.record(bs)
            g.replay()
            b.record(bs)
            marks.append((a, b))
    units = []  # (start, end) events of each co-runner unit, issued until the blocker's last replay ends
    while not marks[-1][1].query():
        a, b = event(), event()
        a.record(cs)
        for _ in range(BURST):
            k.copy(cs, 1024)
        b.record(cs)
        b.synchronize()
        units.append((a, b))
    torch.cuda.synchronize()
    start, end = marks[0][0], marks[-1][1]
    window = start.elapsed_time(end) / 1e3
    beside = window / (replays * n)
    # only units wholly inside the blocker's window count
    inside = [(a, b) for a, b in units if start.elapsed_time(a) >= 0 and b.elapsed_time(end) >= 0]
    busy = sum(a.elapsed_time(b) for a, b in inside) / 1e3
    return {"alone": alone, "beside": beside, "window": window, "launches": len(inside) * BURST, "busy": busy}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--replays", type=int, default=4, help="blocker graph replays a point (each about 20 ms)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    props = gpu_properties()
    (args.out / "gpu.json").write_text(json.dumps(props, indent=1) + "\n")
    k = Kernels(int(props["multi_processor_count"]))
    bs = priority_streams()["equal"]
    cs = torch.cuda.Stream(priority=0)
    t_copy = copy_gpu_time(k, cs)
    print(f"copy alone: {t_copy * 1e6:.2f} us a launch (GPU time)", flush=True)
    hdr = ["blocker", "length_us", "blocker_alone_us", "blocker_beside_us", "loss_share", "window_ms",
           "corunner_launches", "copy_gpu_us", "busy_share", "run_share"]
    rows = []
    for shape in SHAPES:
        for length in LENGTHS_US:
            r = point(k, bs, cs, shape, length, args.replays)
            loss = 1.0 - r["alone"] / r["beside"]
            busy, run = r["busy"] / r["window"], r["launches"] * t_copy / r["window"]
            rows.append([shape, length, round(r["alone"] * 1e6, 3), round(r["beside"] * 1e6, 3), round(loss, 5),
                         round(r["window"] * 1e3, 3), r["launches"], round(t_copy * 1e6, 3), round(busy, 5),
                         round(run, 5)])
            write_csv(args.out / "waiting.csv", hdr, rows)
            print(f"{shape} L={length}us: loss {loss:.4f}, busy {busy:.3f}, run {run:.4f} "
                  f"({r['launches']} launches)", flush=True)
    print("done", flush=True)


if __name__ == "__main__":
    main()
