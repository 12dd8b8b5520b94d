"""`nicmodel validate` on long traces: the bundled H100 copy trace repeated to 20,000 and 200,000 rows.

Run: python benchmarks/bench_validate.py
Prints the wall time of each (a fresh process, as a user runs it) and the per-row cost of the
long one against the short one (1.0 means linear). Scenario files are resolved once per trace
(not per row), and the text lists the 200 largest errors with the summary over every point.
"""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def trace(rows: list[dict], n: int, folder: Path) -> Path:
    path = folder / f"trace_{n}.csv"
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, list(rows[0]))
        w.writeheader()
        for i in range(n):
            w.writerow(rows[i % len(rows)])
    return path


def wall(path: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nicmodel.cli", "validate", str(path)], cwd=ROOT, capture_output=True,
                   check=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    src = ROOT / "validation" / "traces" / "h100_copy.csv"
    with src.open() as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["scenario"] = str((src.parent / r["scenario"]).resolve())
    with tempfile.TemporaryDirectory() as tmp:
        short, long = wall(trace(rows, 20_000, Path(tmp))), wall(trace(rows, 200_000, Path(tmp)))
    print(f"validate: 20,000 rows {short:.1f} s, 200,000 rows {long:.1f} s "
          f"(per row {long / 200_000 / (short / 20_000):.2f}x the short trace's)")
