"""How the serving comparison's verdicts move with gpu.interference.multiwave_stretch: the data
plane's GPU kernels' time beside decode whose attention grid runs more than one wave, over the
interference model's (1: the model as fitted; its range spans what the grid waits leave on the
H200, 0.91-1.16 by kernel family: docs/serving.md, Attention's load).

The points of docs/results/serving_comparison.py (Llama-3-8B; the designs whose data plane runs
on the GPU, and ShadowServe, whose paged-KV scatter does) at the stretch's value and the ends of
its range in the GPU spec, on the GPUs whose attention grid runs more than one wave at the batch
that fits (the L40S; the H100 and H200 hold the comparison's batch of 32 in one wave, so nothing
moves there). Same seeds, requests and search as the comparison; rows appended as they finish (a
rerun skips the points already there).
Run: python docs/results/multiwave_sensitivity.py docs/results/multiwave_sensitivity.csv [--jobs 2]
Table for the README: python docs/results/multiwave_sensitivity.py docs/results/multiwave_sensitivity.csv --markdown
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving_comparison import BANDWIDTHS, REQUESTS, SEEDS, interval, run_points  # noqa: E402

DESIGNS = ["shadowserve", "cachegen-async", "cachegen-lmcache", "cachegen-lmcache-pipelined"]
GPUS = ["l40s"]
MODEL = "llama-3-8b"


def stretches(gpu: str) -> list[float]:
    """multiwave_stretch's value and the ends of its range, as the GPU spec gives them."""
    from nicmodel import api
    stretch = api.load(f"pipelines/{DESIGNS[0]}.yaml", [f"gpu={gpu}"]).gpu.interference.multiwave_stretch
    return sorted({stretch.value, *(stretch.range or ())})

FIELDS = ["design", "gpu", "bandwidth_gbps", "multiwave_stretch", "tpot_p50_s", "tpot_p50_ci_s", "max_rate_per_s",
          "max_rate_ci_per_s", "seeds", "validity"]


def point(key: tuple[str, str, int, float]) -> dict:
    from nicmodel import api
    from nicmodel.engines.serving.run import max_rate, serve

    design, gpu, bw, stretch = key
    scn = api.load(f"pipelines/{design}.yaml", [f"model={MODEL}", f"gpu={gpu}", f"network.bandwidth={bw}Gbps",
                                                f"gpu.interference.multiwave_stretch={stretch}"])
    tpot, rates, notes = [], [], []
    for seed in range(SEEDS):
        r = serve(scn, 1.0, REQUESTS, seed)
        notes = r["validity"]
        tpot.append(r["loaded"]["tpot_s"]["p50"])
        rates.append(max_rate(scn, REQUESTS, seed, iterations=8)["max_rate_per_s"])
    row = {"design": design, "gpu": gpu, "bandwidth_gbps": bw, "multiwave_stretch": stretch, "seeds": SEEDS,
           "validity": "multi-wave attention at the batch that fits" if notes else ""}
    row["tpot_p50_s"], row["tpot_p50_ci_s"] = interval(tpot)
    row["max_rate_per_s"], row["max_rate_ci_per_s"] = interval(rates)
    return row


def markdown(path: Path) -> str:
    """A row per design and stretch, a cell per link rate: the SLO-bound rate ± its 90% interval."""
    with open(path) as f:
        rows = {(r["design"], r["gpu"], int(r["bandwidth_gbps"]), float(r["multiwave_stretch"])): r
                for r in csv.DictReader(f)}
    out = []
    for gpu in GPUS:
        out.append(f"\n{MODEL}, {gpu}: max rate within SLOs, req/s ± 90% over seeds, by multiwave_stretch\n")
        out.append("| design | stretch | " + " | ".join(f"{b} Gbps" for b in BANDWIDTHS) + " |")
        out.append("|---|---|" + "---|" * len(BANDWIDTHS))
        for d in DESIGNS:
            for s in stretches(gpu):
                cells = [f"{float(r['max_rate_per_s']):.2f} ± {float(r['max_rate_ci_per_s']):.2f}"
                         if (r := rows.get((d, gpu, b, s))) else "not run" for b in BANDWIDTHS]
                out.append(f"| {d} | {s:g} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def main() -> None:
    if "--markdown" in sys.argv:
        sys.stdout.write(markdown(Path(sys.argv[1])))
        return
    jobs = int(sys.argv[sys.argv.index("--jobs") + 1]) if "--jobs" in sys.argv else 1
    run_points(Path(sys.argv[1]), FIELDS,
               lambda r: (r["design"], r["gpu"], int(r["bandwidth_gbps"]), float(r["multiwave_stretch"])),
               [(d, g, b, s) for g in GPUS for s in stretches(g) for b in BANDWIDTHS for d in DESIGNS], point, jobs,
               lambda r: (r["design"], r["gpu"], r["bandwidth_gbps"], r["multiwave_stretch"], r["max_rate_per_s"]))


if __name__ == "__main__":
    main()
