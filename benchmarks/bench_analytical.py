"""Analytical design points per second on one core, and design tables end to end into CSV.

Run: python benchmarks/bench_analytical.py [--points N] [--rows N]
Prints, each against a baseline run in this process:
- the vectorized model over a design grid (bandwidth x chunk size, as `nicmodel table` sweeps)
  and over independent random points (every input an array of N), points/s;
- the bytes the model touches per point (every array read and written by a numpy operation,
  counted by tracing them) and the fraction of this machine's streaming copy bandwidth that
  this reaches;
- `nicmodel table` into a CSV file for a table of ~N rows (validation, evaluation in blocks,
  formatting, the atomic write), rows/s, against the row-by-row path on a smaller table.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from nicmodel import load  # noqa: E402
from nicmodel.api import design_table, design_table_csv, design_table_uncertainty  # noqa: E402
from nicmodel.engines.analytical import evaluate  # noqa: E402
from nicmodel.engines.plan import compile_scenario  # noqa: E402
from nicmodel.files import write_atomic
from nicmodel.output.tables import table_text  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "pipelines" / "shadowserve.yaml"


def best_of(fn, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def grid_params(points: int) -> dict:
    plan, base = compile_scenario(load(SCENARIO))
    side = int(round(points ** 0.5))
    params = dict(base)
    params["network.bandwidth"] = (np.linspace(1e9, 200e9, side) / 8).reshape(-1, 1)
    params["design.chunk_tokens"] = np.arange(1, side + 1, dtype=float).reshape(1, -1) * 4
    return plan, params, side * side


def random_params(points: int) -> dict:
    plan, base = compile_scenario(load(SCENARIO))
    rng = np.random.default_rng(0)
    params = dict(base)
    params["network.bandwidth"] = rng.uniform(1e9, 200e9, points) / 8
    params["design.chunk_tokens"] = rng.choice([16.0, 64.0, 256.0, 1024.0, np.inf], points)
    params["nic.memory.sustained_bandwidth"] = rng.uniform(10e9, 89e9, points)
    return plan, params, points


class _Counted(np.ndarray):
    """An array that adds the bytes of every array a numpy operation reads or writes to TOUCHED."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        args = [np.asarray(x) if isinstance(x, _Counted) else x for x in inputs]
        out = getattr(ufunc, method)(*args, **kwargs)
        _touch(args, out)
        return _wrap(out)

    def __array_function__(self, func, types, args, kwargs):
        plain = [np.asarray(x) if isinstance(x, _Counted) else x for x in args]
        out = func(*plain, **kwargs)
        _touch(plain, out)
        return _wrap(out)


TOUCHED = [0]


def _touch(inputs, out) -> None:
    for x in (*inputs, *(out if isinstance(out, tuple) else (out,))):
        if isinstance(x, np.ndarray) and x.ndim and x.base is None:  # views (broadcasts) move nothing
            TOUCHED[0] += x.nbytes


def _wrap(out):
    if isinstance(out, tuple):
        return tuple(_wrap(o) for o in out)
    return out.view(_Counted) if isinstance(out, np.ndarray) and type(out) is np.ndarray else out


def bytes_per_point(plan, params, n: int) -> float:
    traced = {k: (v.view(_Counted) if isinstance(v, np.ndarray) else v) for k, v in params.items()}
    TOUCHED[0] = 0
    evaluate(plan, traced)
    return TOUCHED[0] / n


def copy_bandwidth() -> float:
    """Streaming copy of 256 MiB, bytes read + written per second."""
    a = np.ones(32 * 2**20)
    b = np.empty_like(a)
    return 2 * a.nbytes / best_of(lambda: np.copyto(b, a), 5)


def table_vary(rows: int) -> list[str]:
    side = int(round(rows ** 0.5))
    bws = ",".join(f"{0.1 * (i + 1):.4g}Gbps" for i in range(side))
    chunks = ",".join(str(4 * (i + 1)) for i in range(side))
    return [f"network.bandwidth={bws}", f"design.chunk_tokens={chunks}"]


def bench_table_csv(rows: int) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        prepared, chunks = design_table_csv(SCENARIO, table_vary(rows), max_points=10 * rows)
        write_atomic(Path(tmp) / "table.csv", chunks)
        seconds = time.perf_counter() - start
        written = sum(1 for _ in open(Path(tmp) / "table.csv")) - 1
    return written, seconds


def bench_table_rows(rows: int) -> tuple[int, float]:
    """The row-by-row path (dict rows, csv.DictWriter), as `nicmodel table` ran before."""
    start = time.perf_counter()
    table = design_table(SCENARIO, table_vary(rows), max_points=10 * rows)
    text = table_text(table, "csv")
    return len(table.rows) if text else 0, time.perf_counter() - start


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    plan, params, n = grid_params(args.points)
    grid = n / best_of(lambda: evaluate(plan, params))
    touched_grid = bytes_per_point(plan, params, n)
    rplan, rparams, rn = random_params(args.points)
    rand = rn / best_of(lambda: evaluate(rplan, rparams))
    touched_random = bytes_per_point(rplan, rparams, rn)
    bandwidth = copy_bandwidth()
    print(f"analytical evaluate, 5-stage design, 1 core (best of 3), copy bandwidth here {bandwidth / 1e9:.1f} GB/s:")
    print(f"  grid of {n:,} points (bandwidth x chunk size): {grid:,.0f} points/s, "
          f"{touched_grid:,.0f} B touched per point = {grid * touched_grid / bandwidth:.0%} of copy bandwidth")
    print(f"  {rn:,} independent random points:            {rand:,.0f} points/s, "
          f"{touched_random:,.0f} B touched per point = {rand * touched_random / bandwidth:.0%} of copy bandwidth")
    print(f"  grid / random: {grid / rand:.1f}x (values that vary along one axis are computed at that axis's size)")
    vary = ["network.bandwidth=" + ",".join(f"{b}Gbps" for b in range(1, 41)),
            "design.chunk_tokens=" + ",".join(str(c) for c in range(8, 208, 8))]
    start = time.perf_counter()
    plain = design_table(SCENARIO, vary)
    t_plain = time.perf_counter() - start
    start = time.perf_counter()
    drawn = design_table_uncertainty(SCENARIO, vary, samples=1000)
    t_drawn = time.perf_counter() - start
    print(f"table with --uncertainty: {len(drawn.rows):,} points x 1,000 draws in {t_drawn:.2f} s "
          f"({len(drawn.rows) * 1000 / t_drawn:,.0f} point-draws/s); the same table without: {t_plain:.2f} s")
    del plain
    small = 50_000
    base_rows, base_s = bench_table_rows(small)
    rows, seconds = bench_table_csv(args.rows)
    print(f"nicmodel table into CSV, end to end: {rows:,} rows in {seconds:.2f} s = {rows / seconds:,.0f} rows/s; "
          f"row-by-row path on {base_rows:,} rows: {base_rows / base_s:,.0f} rows/s "
          f"({rows / seconds / (base_rows / base_s):.1f}x)")
