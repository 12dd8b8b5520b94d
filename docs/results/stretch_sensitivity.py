"""How the serving comparison's verdicts move with the interference model's assumptions: the
data plane's GPU kernels' time beside decode, over the model's, where attention's grid runs more
than one wave (``gpu.interference.multiwave_stretch``) and where it runs one wave that fills some
SMs whole (``fill_stretch``). Both are 1 as fitted; their ranges span what the model leaves on the
H200's held-out data-plane points (docs/serving.md: The spill per launch; The third sealed set).
And whether a co-runner's turn waits cost decode (``wait_charge``, 1 as fitted, range [0, 1]: docs/serving.md,
What a waiting launch costs decode), and how much of the form's turn wait a launch waits (``turn_share``, 1, range
[0.06, 1]: The turn wait along a GEMM-length ladder; The first round's room), on all three GPUs; and how much
longer GPU decoding's many-wave kernels take beside GEMMs past those every fit saw (``many_wave_stretch``, 1, range
[1, 1.1]: The regime beside long GEMMs), on the L40S.

The points of docs/results/serving_comparison.py (Llama-3-8B; the designs whose data plane runs
on the GPU, and ShadowServe, whose paged-KV scatter does) at each stretch's value and the ends of
its range in the GPU spec, on the GPUs where it applies: multi-wave grids on the L40S at the batch
that fits (the H100 and H200 hold the comparison's batch of 32 in one wave), one-wave grids that
fill some SMs on all three (on Hopper batch 17-32, and 1-8 where the context is split; on the L40S
the running batches below its two-wave ones). Same seeds,
requests and search as the comparison; rows appended as they finish (a rerun skips the points
already there).
Run: python docs/results/stretch_sensitivity.py docs/results/stretch_sensitivity.csv [--jobs 2]
Table for the README: python docs/results/stretch_sensitivity.py docs/results/stretch_sensitivity.csv --markdown
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving_comparison import BANDWIDTHS, REQUESTS, SEEDS, interval, out_and_jobs, run_points  # noqa: E402

DESIGNS = ["shadowserve", "cachegen-async", "cachegen-lmcache", "cachegen-lmcache-pipelined"]
# the charge for turn waits (wait_charge, 1 as fitted, range [0, 1] assumed) on every GPU too: its
# uncharged end is where decode's loss beside the designs' stream launches is least; and the share of the
# form's turn wait a launch waits (turn_share, 1, range [0.06, 1]: the GEMM ladder's lowest against the committed form)
GPUS = {"multiwave_stretch": ["l40s"], "fill_stretch": ["l40s", "h100-sxm", "h200"],
        "wait_charge": ["l40s", "h100-sxm", "h200"], "turn_share": ["l40s", "h100-sxm", "h200"],
        "many_wave_stretch": ["l40s"]}  # the only one of the three whose 8B GEMMs run past turn_gemms_to
MODEL = "llama-3-8b"


def values(name: str, gpu: str) -> list[float]:
    """The assumption's value and the ends of its range, as the GPU spec gives them."""
    from nicmodel import api
    stretch = getattr(api.load(f"pipelines/{DESIGNS[0]}.yaml", [f"gpu={gpu}"]).gpu.interference, name)
    return sorted({stretch.value, *(stretch.range or ())})

FIELDS = ["design", "gpu", "bandwidth_gbps", "stretch", "value", "tpot_p50_s", "tpot_p50_ci_s", "max_rate_per_s",
          "max_rate_ci_per_s", "seeds", "validity"]


def key_of(r: dict) -> tuple[str, str, int, str, float]:
    return r["design"], r["gpu"], int(r["bandwidth_gbps"]), r["stretch"], float(r["value"])


def point(key: tuple[str, str, int, str, float]) -> dict:
    from nicmodel import api
    from nicmodel.engines.serving.run import max_rate, serve

    design, gpu, bw, name, stretch = key
    scn = api.load(f"pipelines/{design}.yaml", [f"model={MODEL}", f"gpu={gpu}", f"network.bandwidth={bw}Gbps",
                                                f"gpu.interference.{name}={stretch}"])
    tpot, rates, notes = [], [], []
    for seed in range(SEEDS):
        r = serve(scn, 1.0, REQUESTS, seed)
        notes = r["validity"]
        tpot.append(r["loaded"]["tpot_s"]["p50"])
        rates.append(max_rate(scn, REQUESTS, seed, iterations=8)["max_rate_per_s"])
    labels = [label for label, word in (("multi-wave attention at the batch that fits", "attention at the batch"),
                                        ("decode GEMMs outside the lengths checked", "weight GEMMs here"))
              if any(word in note for note in notes)]
    row = {"design": design, "gpu": gpu, "bandwidth_gbps": bw, "stretch": name, "value": stretch, "seeds": SEEDS,
           "validity": "; ".join(labels)}
    row["tpot_p50_s"], row["tpot_p50_ci_s"] = interval(tpot)
    row["max_rate_per_s"], row["max_rate_ci_per_s"] = interval(rates)
    return row


def markdown(path: Path) -> str:
    """A row per design and stretch value, a cell per link rate: the SLO-bound rate ± its 90% interval."""
    with open(path) as f:
        rows = {key_of(r): r for r in csv.DictReader(f)}
    out = []
    for name, gpus in GPUS.items():
        for gpu in gpus:
            out.append(f"\n{MODEL}, {gpu}: max rate within SLOs, req/s ± 90% over seeds, by {name}\n")
            out.append("| design | value | " + " | ".join(f"{b} Gbps" for b in BANDWIDTHS) + " |")
            out.append("|---|---|" + "---|" * len(BANDWIDTHS))
            for d in DESIGNS:
                for s in values(name, gpu):
                    cells = [f"{float(r['max_rate_per_s']):.2f} ± {float(r['max_rate_ci_per_s']):.2f}"
                             if (r := rows.get((d, gpu, b, name, s))) else "not run" for b in BANDWIDTHS]
                    out.append(f"| {d} | {s:g} | " + " | ".join(cells) + " |")
    return "\n".join(out) + "\n"


def main() -> None:
    out, jobs = out_and_jobs("stretch_sensitivity.py")
    if "--markdown" in sys.argv:
        sys.stdout.write(markdown(out))
        return
    keys = [(d, g, b, name, s) for name, gpus in GPUS.items() for g in gpus for s in values(name, g)
            for b in BANDWIDTHS for d in DESIGNS]
    run_points(out, FIELDS, key_of, keys, point, jobs,
               lambda r: (r["design"], r["gpu"], r["bandwidth_gbps"], r["stretch"], r["value"], r["max_rate_per_s"]))


if __name__ == "__main__":
    main()
