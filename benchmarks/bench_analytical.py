"""Analytical design points per second on one core, for the bundled 4-stage (+scatter) design.

Run: python benchmarks/bench_analytical.py [--points N]
Prints the evaluation rate of the vectorized model (numbers only, no table formatting) and
the end-to-end rate of `nicmodel table` (validation of each axis value + evaluation + rows).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from nicmodel import load  # noqa: E402
from nicmodel.api import design_table  # noqa: E402
from nicmodel.engine.analytical import evaluate  # noqa: E402
from nicmodel.engine.plan import compile_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "pipelines" / "shadowserve.yaml"


def bench_evaluate(points: int, repeats: int = 3) -> float:
    plan, base = compile_scenario(load(SCENARIO))
    rng = np.random.default_rng(0)
    params = dict(base)
    params["network.bandwidth"] = rng.uniform(1e9, 200e9, points) / 8
    params["design.chunk_tokens"] = rng.choice([16.0, 64.0, 256.0, 1024.0, np.inf], points)
    params["nic.memory.sustained_bandwidth"] = rng.uniform(10e9, 89e9, points)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        ev = evaluate(plan, params)
        best = min(best, time.perf_counter() - start)
    assert ev.network_bytes_per_s.shape == (points,)
    return points / best


def bench_table() -> tuple[int, float]:
    bws = ",".join(f"{b}Gbps" for b in range(1, 201))
    chunks = ",".join(str(c) for c in (16, 32, 64, 128, 256, 512, 1024, 2048)) + ",naive"
    start = time.perf_counter()
    table = design_table(SCENARIO, [f"network.bandwidth={bws}", f"design.chunk_tokens={chunks}"])
    return len(table.rows), time.perf_counter() - start


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=1_000_000)
    args = parser.parse_args()
    rate = bench_evaluate(args.points)
    print(f"analytical evaluate: {args.points:,} points of a 5-stage design, {rate:,.0f} points/s (best of 3, 1 core)")
    rows, seconds = bench_table()
    print(f"nicmodel table end to end: {rows:,} rows in {seconds:.2f} s = {rows / seconds:,.0f} rows/s "
          "(includes validating every axis value and building rows)")
