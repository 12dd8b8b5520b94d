"""Memory of a long serving run: peak RSS of a loaded run at N and 8N requests, each in a fresh
process, and the events per second of both.

Run: python benchmarks/bench_serving_memory.py [--requests N]   (default 5,000; about a minute)
Prints the peak RSS of each run, the bytes each extra request costs (the slope between the two),
the projection to a million requests, and the events/s of the long run over the short one (the
baseline in the same run). docs/simulator.md (Memory of long serving runs) has the figures.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHILD = """
import json, resource, sys, time
from nicmodel import load
from nicmodel.engines.serving.run import arrivals, compiled, serve_requests
scenario = load("pipelines/shadowserve.yaml")
plan, params = compiled(scenario)
serve_requests(scenario, plan, params, arrivals(scenario, 5.0, 50, 0))  # loads the compiled loop
start = time.perf_counter()
run = serve_requests(scenario, plan, params, arrivals(scenario, 5.0, int(sys.argv[1]), 0))
seconds = time.perf_counter() - start
print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "events": run.events, "seconds": seconds}))
"""


def measure(requests: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(requests)], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=5000)
    n = ap.parse_args().requests
    short, long = measure(n), measure(8 * n)
    per_request = (long["rss_mb"] - short["rss_mb"]) * 2**20 / (7 * n)
    for label, r, count in (("short", short, n), ("long", long, 8 * n)):
        print(f"{label:5s} {count:>9,} requests: peak RSS {r['rss_mb']:7.1f} MB, {r['events'] / r['seconds'] / 1e6:.2f} M events/s")
    print(f"each extra request: {per_request:.0f} bytes; a million requests: ~{short['rss_mb'] + per_request * 1e6 / 2**20:.0f} MB")
    print(f"events/s of the long run over the short one: {long['events'] / long['seconds'] / (short['events'] / short['seconds']):.2f}x")
