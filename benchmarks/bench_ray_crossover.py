"""When does a Ray cluster pay off for a serve sweep? Sweeps of growing size on the local pool and
on Ray, with the plan line's prediction beside each.

Run: python benchmarks/bench_ray_crossover.py [--points 4,16,48]
Each sweep: shadowserve over link rates 5-100 Gbps at 2 requests/s, 200 requests, one seed. Local:
a pool of `--jobs` workers (default: all cores). Ray: a local cluster of the same size started for
the run, or the cluster at RAY_ADDRESS when set (then its scaling is what is measured). Prints
each wall time, their ratio, and the crossover point count (the first size where Ray is faster).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import time
from pathlib import Path

from nicmodel.cli import main
from nicmodel.planning import budget
from nicmodel.planning.runner import default_jobs

ROOT = Path(__file__).resolve().parent.parent


def sweep(points: int, jobs: int, backend: str) -> float:
    rates = ",".join(f"{5 + 95 * i / max(points - 1, 1):.2f}Gbps" for i in range(points))
    argv = ["serve", str(ROOT / "pipelines" / "shadowserve.yaml"), "--vary", f"network.bandwidth={rates}",
            "--rate", "2", "--requests", "200", "--replications", "1", "--progress", "off", "--jobs", str(jobs),
            "--backend", backend]
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        main(argv)
    return time.perf_counter() - start


def main_() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--points", default="4,16,48")
    ap.add_argument("--jobs", type=int, default=default_jobs())
    a = ap.parse_args()
    where = os.environ.get("RAY_ADDRESS") or f"a local cluster of {a.jobs} workers started per run"
    print(f"serve sweeps, {a.jobs} local workers against Ray ({where}):")
    crossover = None
    for n in (int(x) for x in a.points.split(",")):
        local = sweep(n, a.jobs, "local")
        try:
            ray = sweep(n, a.jobs, "ray")
        except Exception as exc:  # Ray missing or unreachable: the local figure still stands
            print(f"  {n:4d} points: local {local:.1f} s; Ray not measured ({exc})")
            continue
        per_run = local * a.jobs / n  # measured seconds per run, for the plan line's formula
        plan = budget.plan_line(n, n, per_run * n * budget.EVENTS_PER_S["compiled"], a.jobs, "local", "compiled")
        print(f"  {n:4d} points: local {local:.1f} s, Ray {ray:.1f} s ({local / ray:.2f}x); plan line says: "
              f"{plan.split('; ', 1)[-1]}")
        if crossover is None and ray < local:
            crossover = n
    print(f"crossover: {'none up to the largest sweep' if crossover is None else f'{crossover} points'}")


if __name__ == "__main__":
    main_()
