"""`nicmodel table` with its optimum: the table and each column's optimum from one preparation of the table.

Baseline (in the same run): `design_table` then `table_optimum`, each preparing the table (every axis value
validated, every structural combination compiled), as the command did before. The case: the optical fabric's
27-point table of docs/fabrics.md (routing x slice x sync error; every axis structural, fastest-path routing's
earliest-arrival analysis per combination).

Second figure, the same table with `--uncertainty 200 --by p95` (intervals and the optimum under uncertainty):
`design_table_report` (one preparation, one evaluation of the draws) against the three calls the command made
before, each preparing the table (`design_table_uncertainty`, `table_optimum`, `table_robust_optimum`).
Run: python benchmarks/bench_table_optimum.py
"""

from __future__ import annotations

import time
from pathlib import Path

from nicmodel import api

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = str(ROOT / "pipelines" / "shadowserve-optical.yaml")
VARY = ["network.fabric.routing=direct,vlb,fastest_path", "network.fabric.slice=2us,10us,50us",
        "network.fabric.sync_error=28ns,250ns,1us"]


def main() -> None:
    t0 = time.perf_counter()
    before = api.design_table(SCENARIO, VARY), api.table_optimum(SCENARIO, VARY)
    base = time.perf_counter() - t0
    t0 = time.perf_counter()
    table, optima = api.design_table_and_optima(SCENARIO, VARY)
    now = time.perf_counter() - t0
    assert table.rows == before[0].rows and optima == [before[1]]  # the same answer
    print(f"table of {len(table.rows)} points with its optimum: {now:.1f} s from one preparation, {base:.1f} s "
          f"preparing twice (baseline): {base / now:.2f}x faster")

    t0 = time.perf_counter()
    before = (api.design_table_uncertainty(SCENARIO, VARY, samples=200), api.table_optimum(SCENARIO, VARY),
              api.table_robust_optimum(SCENARIO, VARY, by="p95", samples=200))
    base = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = api.design_table_report(SCENARIO, VARY, uncertainty=200, by="p95")
    now = time.perf_counter() - t0
    assert (report.table.rows, report.optima, report.robust) == (before[0].rows, [before[1]], [before[2]])
    print(f"the same with 200 draws' intervals and the p95 optimum: {now:.1f} s from one preparation, {base:.1f} s "
          f"preparing three times (baseline): {base / now:.2f}x faster")


if __name__ == "__main__":
    main()
