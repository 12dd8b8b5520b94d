"""Startup time: commands as a user's shell runs them, each in a fresh interpreter.

Run: python benchmarks/bench_startup.py
Prints the best of 5 wall times of: `nicmodel --help`, `nicmodel eval` on the default scenario,
`nicmodel simulate --requests 1000` (the compiled loop loaded from its cache), and, as baselines in
the same run, a bare interpreter and one that only imports numpy, pydantic and PyYAML (the floor
any spec command pays). Children run with bytecode caching on (PYTHONDONTWRITEBYTECODE unset, one
warm-up run first), as an installed package runs; the heavy libraries are imported by the
commands that need them, not by --help.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def best(argv: list[str], runs: int = 5) -> float:
    subprocess.run(argv, cwd=ROOT, capture_output=True, check=True, env=ENV)  # writes bytecode, warms caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, capture_output=True, check=True, env=ENV)
        times.append(time.perf_counter() - start)
    return min(times)


def nicmodel(*args: str) -> list[str]:
    return [sys.executable, "-m", "nicmodel", *args]


if __name__ == "__main__":
    bare = best([sys.executable, "-c", "pass"])
    floor = best([sys.executable, "-c", "import numpy, pydantic, yaml; from pydantic import BaseModel"])
    rows = [("bare python3 -c pass (baseline)", bare),
            ("import numpy, pydantic, yaml (floor of a spec command)", floor),
            ("nicmodel --help", best(nicmodel("--help"))),
            ("nicmodel eval pipelines/shadowserve.yaml", best(nicmodel("eval", "pipelines/shadowserve.yaml"))),
            ("nicmodel simulate pipelines/shadowserve.yaml --requests 1000",
             best(nicmodel("simulate", "pipelines/shadowserve.yaml", "--requests", "1000")))]
    for name, seconds in rows:
        print(f"{name:62s} {seconds:6.3f} s  {seconds / floor:5.2f}x the floor")
    print(f"simulate --requests 1000 minus eval: {rows[4][1] - rows[3][1]:.3f} s")
