"""Per-launch summary of block timelines (block_timeline.py's blocks.csv, manyN and seqN rows): how many
SMs a launch holds over its life, for the long-GEMM timeline run (declared_runs.md, 2026-12-06).

For each launch: its first block's start and last block's end (relative to the decode step's start
marker), its span, the SMs holding any of its blocks in each ``BIN_US`` bin, and from those the time it
holds at most ``FEW_SMS`` SMs (a crawl on the SMs a GEMM leaves free), the time until it first holds
at least half the SMs, and the most it holds at once. Pure reading: no fit uses it.

Run: python validation/collect/timeline_summary.py BLOCKS_CSV... --out SUMMARY_CSV
"""

from __future__ import annotations

import argparse
import csv
import io
import statistics
from collections import defaultdict
from pathlib import Path

from nicmodel.files import write_atomic

BIN_US = 2.0
FEW_SMS = 12  # the SMs a 120-block GEMM leaves free on a 132-SM H100


def held_per_bin(blocks: list[tuple[float, float, int]], t0: float, t1: float) -> list[int]:
    """Distinct SMs holding any of ``blocks`` (start_us, end_us, sm) in each bin from t0 to t1."""
    n = max(1, int((t1 - t0) / BIN_US) + 1)
    sms: list[set[int]] = [set() for _ in range(n)]
    for st, en, sm in blocks:
        for b in range(int((st - t0) / BIN_US), min(n, int((en - t0) / BIN_US) + 1)):
            sms[b].add(sm)
    return [len(s) for s in sms]


def summarize(blocks: list[tuple[float, float, int]], n_sms: int) -> dict:
    t0, t1 = min(b[0] for b in blocks), max(b[1] for b in blocks)
    held = held_per_bin(blocks, t0, t1)
    half = next((i for i, h in enumerate(held) if h >= n_sms / 2), len(held))
    return {"first_start_us": t0, "last_end_us": t1, "span_us": t1 - t0,
            "few_sms_us": BIN_US * sum(1 for h in held if 0 < h <= FEW_SMS),
            "until_half_us": BIN_US * half, "most_sms": max(held),
            "median_sms": statistics.median(held)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("blocks", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--sms", type=int, default=132, help="the GPU's SM count")
    args = ap.parse_args()
    rows = []
    for path in args.blocks:
        launches = defaultdict(list)
        with path.open() as f:
            for r in csv.DictReader(f):
                label = r["priority"]
                if "-many" not in label and "-seq" not in label:
                    continue
                launches[(r["batch"], r["context"], label, r["step"])].append(
                    (float(r["start_us"]), float(r["end_us"]), int(r["sm"])))
        for (batch, context, label, step), blocks in sorted(launches.items()):
            prio, kind, launch = label.split("-")
            s = summarize(blocks, args.sms)
            rows.append([path.parent.name, batch, context, prio, kind, launch, step, len(blocks),
                         *(f"{s[k]:.1f}" for k in ("first_start_us", "last_end_us", "span_us", "few_sms_us",
                                                   "until_half_us")), s["most_sms"], f"{s['median_sms']:.0f}"])
    text = io.StringIO()
    w = csv.writer(text, lineterminator="\n")
    w.writerow(["run", "batch", "context", "priority", "corunner", "launch", "step", "blocks", "first_start_us",
                "last_end_us", "span_us", "few_sms_us", "until_half_us", "most_sms", "median_sms"])
    w.writerows(rows)
    write_atomic(args.out, text.getvalue())


if __name__ == "__main__":
    main()
