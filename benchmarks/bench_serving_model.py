"""The analytical serving model against the simulator: accuracy on the committed random sample of
the design space, and speed against the simulator in the same run.

Run: python benchmarks/bench_serving_model.py [--resimulate N] [--markdown]
Reads validation/reference/serving_model.csv (the simulator's answers at a seeded sample of
design, GPU, model, link rate, prefix, output length, control plane and offered rate; written by
validation/collect/serving_model_reference.py), predicts every point analytically, and prints the
error table (median, 90th percentile and worst relative error per metric; loaded metrics split
at the near-saturation share) and the overload verdicts' agreement; then the loaded percentiles
against 3,000-request runs at the same rates (serving_model_loaded_long.csv) and the SLO-bound rate
against 3,000-request searches (serving_model_long.csv). Speed: the analytical model
over all points against the simulator re-run on N of them (default 4), per point. With
--commands: the wall time, as a user's shell runs them, of the 8-design comparison at one rate
(default options: simulated, 5 replications) against the same with --model analytical, and of a
`size` with a max_rate target over 1,716 candidates (screened analytically, best confirmed by
simulation).
"""

from __future__ import annotations

import argparse
import csv
import math
import subprocess
import sys
import time
from pathlib import Path

from nicmodel.engines.serving import queueing
from nicmodel.validation.serving_model import (compare, long_run_loaded, long_run_max_rates, long_run_points,
                                               max_rate_errors, predict,
                                               seed_offsets, seeds_of, simulate_point)

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "validation" / "reference" / "serving_model.csv"
LONG = ROOT / "validation" / "reference" / "serving_model_long.csv"
LOADED_LONG = ROOT / "validation" / "reference" / "serving_model_loaded_long.csv"
SHOWN = ("unloaded_ttft_s", "ttft_p50_s", "tpot_p50_s", "max_rate_per_s", "ttft_p99_s", "tpot_p99_s")


def rows(path: Path = REFERENCE) -> list[dict]:
    with path.open() as f:
        out = list(csv.DictReader(f))
    for r in out:
        r["point"] = int(r["point"])
        r["load_share"] = float(r["load_share"])
    return sorted(out, key=lambda r: r["point"])


def table(result: dict, markdown: bool) -> str:
    lines = ["| metric | points | region | median error | 90th percentile | worst |", "|---|---|---|---|---|---|"]
    for metric in SHOWN:
        for region in ("all", "below", "near"):
            key = f"{metric}/{region}"
            if key not in result:
                continue
            e = result[key]
            label = {"all": "every point", "below": f"below {queueing.NEAR_SATURATION:.0%} of capacity",
                     "near": "near saturation"}[region]
            lines.append(f"| {metric} | {e['points']} | {label} | {e['median'] * 100:.1f}% | {e['p90'] * 100:.1f}% | "
                         f"{e['worst'] * 100:.0f}% |")
    text = "\n".join(lines)
    return text if markdown else text.replace("|---|---|---|---|---|---|\n", "")


DESIGNS = ["shadowserve", "cachegen-async", "cachegen-lmcache", "cachegen-lmcache-pipelined", "cpu-decode",
           "raw-fetch", "raw-fetch-lmcache", "recompute"]


def wall(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nicmodel.cli", *argv], cwd=ROOT, capture_output=True, check=False)
    return time.perf_counter() - start


def commands() -> None:
    designs = [f"pipelines/{d}.yaml" for d in DESIGNS]
    sim = wall(["serve", *designs, "--rate", "2"])
    ana = wall(["serve", *designs, "--rate", "2", "--model", "analytical"])
    print(f"8-design comparison at 2 requests/s: default (simulated, 5 replications) {sim:.1f} s; "
          f"--model analytical {ana:.1f} s ({sim / ana:.1f}x)")
    size = wall(["size", "pipelines/shadowserve.yaml", "--target", "max_rate>=6/s", "--choose",
                 "network.bandwidth=10Gbps..100Gbps", "--choose", "design.chunk_tokens=32,64,128,256",
                 "--choose", "nic.arm.cores=4..16", "--minimize", "cores"])
    print(f"size with max_rate>=6/s over 1,716 candidates: {size:.1f} s (target: under 60 s)")


def _seeds(data: list[dict]) -> str:
    seeds = [str(s) for s in seeds_of(data)]
    return ", ".join(seeds[:-1]) + " and " + seeds[-1] if len(seeds) > 1 else seeds[0]


def control_groups(kept: list[dict], predicted: list[dict], truth: dict[int, float]) -> dict[str, dict]:
    """The SLO-bound rate's errors by how the design fetches: async fetch designs, a sync control
    plane, recompute (the README's split; the last two are flagged as CAVEATs)."""
    def group(r: dict) -> str:
        if r["design"] == "recompute":
            return "recompute"
        return "sync control plane" if r["control"] == "sync" else "async fetch designs"
    of = {r["point"]: group(r) for r in kept}
    names = ("async fetch designs", "sync control plane", "recompute")
    return {g: max_rate_errors([p for p in predicted if of[p["point"]] == g], truth) for g in names}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--resimulate", type=int, default=4, help="re-run the simulator on this many points")
    ap.add_argument("--markdown", action="store_true")
    ap.add_argument("--commands", action="store_true", help="also time the 8-design comparison and a size")
    a = ap.parse_args()
    if a.commands:
        commands()
    data = rows()
    kept = [r for r in data if not r["refused"]]
    start = time.perf_counter()
    predicted = predict(kept)
    analytical_s = time.perf_counter() - start
    result = compare(kept, predicted)
    print(f"{len(data)} sampled points, {len(kept)} run ({len(data) - len(kept)} refused: the model does not fit "
          "the GPU, or the like)")
    print(table(result, a.markdown))
    print(f"overload verdicts agree on {result['overload_verdict_agreement'] * 100:.1f}% of points")
    if LOADED_LONG.exists():  # the loaded percentiles against long runs at the same rates
        loaded = rows(LOADED_LONG)
        long = long_run_loaded(loaded)
        steady = compare(long, predict(long))
        print(f"against 3,000-request runs at the same rates (mean of seeds {_seeds(loaded)}; {len(long)} points), the steady "
              "state the model describes:")
        print(table({k: v for k, v in steady.items() if not k.startswith(("max_rate", "unloaded"))}, a.markdown))
        print(f"overload verdicts agree on {steady['overload_verdict_agreement'] * 100:.1f}% of points")
    if LONG.exists():  # the SLO-bound rate against long runs (3,000 requests, several seeds)
        runs = rows(LONG)
        truth = long_run_max_rates(runs)
        seed0 = {r["point"]: float(r["max_rate_per_s"]) for r in kept}
        on = predict(long_run_points(runs))  # at the long runs' own inputs (their sets pin the coefficients)
        short = [p for p in predicted if p["point"] in truth]  # the sample's own inputs, against its own runs
        e_long, e_short = max_rate_errors(on, truth), max_rate_errors(short, seed0)
        if e_long["points"]:
            print(f"SLO-bound rate on the {e_long['points']} points with long runs (3,000 requests, mean of seeds {_seeds(runs)}): "
                  f"median error {e_long['median'] * 100:.1f}%, 90th percentile {e_long['p90'] * 100:.1f}%, worst "
                  f"{e_long['worst'] * 100:.0f}%; against the 600-request seed-0 search on the same points: median "
                  f"{e_short['median'] * 100:.1f}%, 90th percentile {e_short['p90'] * 100:.1f}%")
            for group, e in control_groups(kept, on, truth).items():
                print(f"  {group}: {e['points']} points, median {e['median'] * 100:.1f}%, 90th percentile "
                      f"{e['p90'] * 100:.1f}%")
            offsets = ", ".join(f"seed {s} {v * 100:+.1f}%" for s, v in seed_offsets(runs).items())
            print(f"  each seed's SLO-bound rate against the mean of the seeds, common to every point: {offsets}")
    sim_s, same = 0.0, 0
    for r in kept[:a.resimulate]:
        t = time.perf_counter()
        again = simulate_point({k: r[k] for k in ("point", "design", "sets", "control", "load_share")},
                               int(r["requests"]))
        sim_s += time.perf_counter() - t
        same += all(math.isclose(float(again[m]), float(r[m]), rel_tol=1e-9) for m in SHOWN)
    if a.resimulate:
        per_sim = sim_s / a.resimulate
        per_an = analytical_s / len(kept)
        print(f"speed: analytical {per_an * 1e3:.1f} ms per point (all {len(kept)} with their SLO-rate search, one "
              f"pass) against the simulator {per_sim:.2f} s per point (its run and SLO-rate search, {a.resimulate} "
              f"points): {per_sim / per_an:,.0f}x; the re-simulated points match the reference: {same}/{a.resimulate}")


if __name__ == "__main__":
    main()
