"""Startup time: commands as a user's shell runs them, each in a fresh interpreter.

Run: python benchmarks/bench_startup.py
Prints the best of 5 wall times of: `nicmodel --help`, `nicmodel eval` on the default scenario
(validated scenario cached from the warm-up run, as every run after a scenario's first; and with
the cache off, as a scenario's first run or an edited file's),
`nicmodel simulate --requests 1000` with the loop compiled ahead of time (built first in a
temporary folder if missing, ~40 s) and with numba's JIT loop loaded from its cache, and, as baselines in
the same run, a bare interpreter and one that only imports numpy, pydantic and PyYAML (the floor
any spec command pays). Children run with bytecode caching on (PYTHONDONTWRITEBYTECODE unset, one
warm-up run first), as an installed package runs; the heavy libraries are imported by the
commands that need them, not by --help.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["NICMODEL_SPEC_CACHE_DIR"] = tempfile.mkdtemp(prefix="nicmodel-bench-specs-")  # spec/cache.py


def best(argv: list[str], runs: int = 5, env: dict[str, str] | None = None) -> float:
    env = {**ENV, **(env or {})}
    subprocess.run(argv, cwd=ROOT, capture_output=True, check=True, env=env)  # writes bytecode, warms caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, capture_output=True, check=True, env=env)
        times.append(time.perf_counter() - start)
    return min(times)


def nicmodel(*args: str) -> list[str]:
    return [sys.executable, "-m", "nicmodel", *args]


def ahead_of_time_folder() -> str:
    """A folder holding the ahead-of-time event loop (engines/sim/aot.py), built here if missing:
    a simulate and a serve run the JIT loop, and the serve builds the extension (~40 s, once)."""
    folder = os.environ.get("NICMODEL_AOT_DIR") or os.path.join(tempfile.gettempdir(), "nicmodel-bench-aot")
    env = {**ENV, "NICMODEL_AOT_DIR": folder, "NICMODEL_AOT": "1"}
    for argv in (nicmodel("simulate", "pipelines/shadowserve.yaml", "--requests", "30"),
                 nicmodel("serve", "pipelines/shadowserve.yaml", "--rate", "2", "--requests", "20", "--replications", "1")):
        subprocess.run(argv, cwd=ROOT, capture_output=True, check=True, env=env)
    return folder


if __name__ == "__main__":
    aot = ahead_of_time_folder()
    bare = best([sys.executable, "-c", "pass"])
    floor = best([sys.executable, "-c", "import numpy, pydantic, yaml; from pydantic import BaseModel"])
    sim = nicmodel("simulate", "pipelines/shadowserve.yaml", "--requests", "1000")
    rows = [("bare python3 -c pass (baseline)", bare),
            ("import numpy, pydantic, yaml (floor of a spec command)", floor),
            ("nicmodel --help", best(nicmodel("--help"))),
            ("nicmodel eval pipelines/shadowserve.yaml", best(nicmodel("eval", "pipelines/shadowserve.yaml"))),
            ("nicmodel eval, spec cache off (a scenario's first run)",
             best(nicmodel("eval", "pipelines/shadowserve.yaml"), env={"NICMODEL_SPEC_CACHE": "0"})),
            ("simulate --requests 1000, ahead-of-time loop", best(sim, env={"NICMODEL_AOT_DIR": aot})),
            ("simulate --requests 1000, JIT loop (NICMODEL_AOT=0)", best(sim, env={"NICMODEL_AOT": "0"}))]
    for name, seconds in rows:
        print(f"{name:62s} {seconds:6.3f} s  {seconds / floor:5.2f}x the floor")
    print(f"simulate --requests 1000 minus eval: {rows[5][1] - rows[3][1]:.3f} s ahead of time, "
          f"{rows[6][1] - rows[3][1]:.3f} s with the JIT loop")
