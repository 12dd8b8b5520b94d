"""The serving comparison of the README: every design at 5-40 Gbps, two models, two GPUs.

For each point: unloaded TTFT (one request alone; deterministic), loaded TPOT p50 at 1
request/s, and the largest Poisson rate whose p99 TTFT and TPOT meet the scenario's SLOs
without overload, each over seeds 0..SEEDS-1 (mean and a 90% Student-t interval).
Rows are appended to the output CSV as they finish (a killed run keeps them; a rerun skips
the points already there).
Run: python docs/results/serving_comparison.py docs/results/serving_comparison.csv [--jobs 2]
Tables for the README: python docs/results/serving_comparison.py docs/results/serving_comparison.csv --markdown
"""

from __future__ import annotations

import csv
import multiprocessing as mp
import os
import statistics
import sys
from pathlib import Path

DESIGNS = ["shadowserve", "cachegen-async", "cachegen-lmcache", "cachegen-lmcache-pipelined", "cpu-decode",
           "raw-fetch-lmcache", "recompute"]
BANDWIDTHS = [5, 10, 20, 40]
MODELS = ["llama-3-8b", "mistral-7b"]
GPUS = ["l40s", "h100-sxm", "h200"]
SEEDS = 3
REQUESTS = 100
FIELDS = ["design", "model", "gpu", "bandwidth_gbps", "unloaded_ttft_s", "tpot_p50_s", "tpot_p50_ci_s",
          "max_rate_per_s", "max_rate_ci_per_s", "seeds", "note"]


def interval(values: list[float]) -> tuple[float, float]:
    mean = statistics.fmean(values)
    if len(values) < 2:
        return mean, 0.0
    from nicmodel.planning.replications import t90
    return mean, t90(len(values) - 1) * statistics.stdev(values) / len(values) ** 0.5


def point(key: tuple[str, str, str, int]) -> dict:
    from nicmodel import api
    from nicmodel.errors import InfeasibleError, SpecError
    from nicmodel.engines.serving.run import max_rate, serve

    design, model, gpu, bw = key
    row = {"design": design, "model": model, "gpu": gpu, "bandwidth_gbps": bw, "seeds": SEEDS, "note": ""}
    try:
        scn = api.load(f"pipelines/{design}.yaml", [f"model={model}", f"gpu={gpu}", f"network.bandwidth={bw}Gbps"])
        tpot, rates = [], []
        for seed in range(SEEDS):
            r = serve(scn, 1.0, REQUESTS, seed)
            row["unloaded_ttft_s"] = r["unloaded_ttft_s"]
            tpot.append(r["loaded"]["tpot_s"]["p50"])
            rates.append(max_rate(scn, REQUESTS, seed, iterations=8)["max_rate_per_s"])
        row["tpot_p50_s"], row["tpot_p50_ci_s"] = interval(tpot)
        row["max_rate_per_s"], row["max_rate_ci_per_s"] = interval(rates)
    except (SpecError, InfeasibleError) as exc:
        row["note"] = f"invalid: {exc}".replace("\n", " ")[:200]
    return row


def markdown(path: Path) -> str:
    """One table per (model, GPU): a row per design, a cell per link rate with unloaded TTFT (ms),
    TPOT p50 (ms) and the SLO-bound rate (requests/s, 90% interval over seeds)."""
    with open(path) as f:
        rows = list(csv.DictReader(f))
    out = []
    for model in MODELS:
        for gpu in GPUS:
            out.append(f"\n{model}, {gpu} (unloaded TTFT ms / TPOT p50 at 1 req/s, ms / max rate within SLOs, req/s ± 90%)\n")
            out.append("| design | " + " | ".join(f"{b} Gbps" for b in BANDWIDTHS) + " |")
            out.append("|---|" + "---|" * len(BANDWIDTHS))
            for d in DESIGNS:
                cells = []
                for b in BANDWIDTHS:
                    r = next((r for r in rows if (r["design"], r["model"], r["gpu"], int(r["bandwidth_gbps"])) == (d, model, gpu, b)), None)
                    if r is None:
                        cells.append("not run")
                    elif r["note"]:
                        cells.append("invalid")
                    else:
                        cells.append(f"{1e3 * float(r['unloaded_ttft_s']):.0f} / {1e3 * float(r['tpot_p50_s']):.1f} / "
                                     f"{float(r['max_rate_per_s']):.2f} ± {float(r['max_rate_ci_per_s']):.2f}")
                out.append(f"| {d} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def run_points(out: Path, fields: list[str], key_of, keys: list, point, jobs: int, show) -> None:
    """Run ``point`` on every key not in ``out`` yet (``key_of`` reads a row's key), appending each
    row as it finishes: a killed run keeps them, a rerun skips them."""
    done = set()
    if out.exists():
        with open(out) as f:
            done = {key_of(r) for r in csv.DictReader(f)}
    else:
        with open(out, "w", newline="") as f:
            csv.DictWriter(f, fieldnames=fields).writeheader()
    with mp.Pool(jobs) as pool:
        for row in pool.imap(point, [k for k in keys if k not in done]):
            with open(out, "a", newline="") as f:  # one complete line per finished point
                csv.DictWriter(f, fieldnames=fields).writerow(row)
                f.flush()
                os.fsync(f.fileno())
            print(*show(row), flush=True)


def out_and_jobs(script: str) -> tuple[Path, int]:
    """The CSV path and --jobs N of a results script's command line; a usage line and exit 2 otherwise."""
    args, jobs = sys.argv[1:], "1"
    if "--jobs" in args:
        i = args.index("--jobs")
        jobs = args[i + 1] if i + 1 < len(args) else ""
        args = args[:i] + args[i + 2:]
    paths = [a for a in args if a != "--markdown"]
    if len(paths) != 1 or paths[0].startswith("--") or not jobs.isdigit() or int(jobs) < 1:
        print(f"usage: python docs/results/{script} OUT.csv [--jobs N (1 or more)] [--markdown]", file=sys.stderr)
        sys.exit(2)
    return Path(paths[0]), int(jobs)


def main() -> None:
    out, jobs = out_and_jobs("serving_comparison.py")
    if "--markdown" in sys.argv:
        sys.stdout.write(markdown(out))
        return
    run_points(out, FIELDS, lambda r: (r["design"], r["model"], r["gpu"], int(r["bandwidth_gbps"])),
               [(d, m, g, b) for m in MODELS for g in GPUS for b in BANDWIDTHS for d in DESIGNS], point, jobs,
               lambda r: (r["design"], r["model"], r["gpu"], r["bandwidth_gbps"], r.get("max_rate_per_s")))


if __name__ == "__main__":
    main()
