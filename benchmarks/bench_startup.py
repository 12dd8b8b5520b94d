"""Startup time: `nicmodel --help` and a full `nicmodel eval`, as a user's shell runs them.

Run: python benchmarks/bench_startup.py
Prints the best of 5 wall times of each command in a fresh interpreter; the heavy libraries
(numpy, pydantic, networkx, scipy) are imported by the commands that need them, not by --help.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def best(argv: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nicmodel.cli", *argv], cwd=ROOT, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return min(times)


if __name__ == "__main__":
    base = best(["--help"])
    print(f"nicmodel --help: {base:.3f} s (best of 5, fresh interpreter)")
    print(f"nicmodel eval pipelines/shadowserve.yaml: {best(['eval', 'pipelines/shadowserve.yaml']):.3f} s")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    print(f"bare python3 -c pass, for reference: {time.perf_counter() - start:.3f} s")
