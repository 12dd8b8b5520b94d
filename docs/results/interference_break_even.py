"""The interference break-even of the README: how much decode slowdown per unit of GPU-decoder
duty would make the SmartNIC design's loaded TPOT half of GPU decoding's at 20 Gbps, and whether
any measured kernel comes near it.

For each GPU: loaded TPOT p50 at 1 request/s of shadowserve and cachegen-async (seeds 0..2), the
GPU decoder's duty b at that load (data-plane GPU busy time per request x rate, from the same
demand the serving simulator charges), and the share of decode time the model says is lost to
interference. Without interference GPU decoding would run at TPOT_gpu x (1 - lost); a 2x gap
needs a decode-time ratio R = 2 TPOT_nic / (TPOT_gpu (1 - lost)), i.e. a slowdown per unit of
duty k = (R - 1) / b in the linear form of the old model (1 + duty x k). A kernel that stops
decode entirely whenever it runs gives R = 1 / (1 - b), the physical ceiling.
Measured per-unit-duty slowdowns come from validation/traces/h200_interference.csv: (r - 1) / busy
over each family's points.
Run: python docs/results/interference_break_even.py
"""

from __future__ import annotations

import csv
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GPUS = ["l40s", "h100-sxm", "h200"]
RATE, SEEDS, REQUESTS, LINK = 1.0, 3, 100, "20Gbps"


def tpot_and_loss(design: str, gpu: str) -> tuple[float, float, object]:
    from nicmodel import api
    from nicmodel.engines.serving.run import serve

    scn = api.load(str(ROOT / f"pipelines/{design}.yaml"), [f"gpu={gpu}", f"network.bandwidth={LINK}"])
    runs = [serve(scn, RATE, REQUESTS, seed) for seed in range(SEEDS)]
    tpot = statistics.fmean(r["loaded"]["tpot_s"]["p50"] for r in runs)
    lost = statistics.fmean(r["loaded"]["decode_interference_share"] for r in runs)
    return tpot, lost, scn


def decoder_duty(scn) -> float:
    """GPU data-plane busy seconds per request (every chunk of the prefix, each kernel alone) x rate."""
    from nicmodel.engines.plan import compile_scenario
    from nicmodel.engines.sim.dataplane import DataPlane

    plan, params = compile_scenario(scn)
    dp = DataPlane(plan, params, record=False)
    busy = 0.0
    for tokens in dp.chunks_of(int(scn.request.prefix_tokens.si)):
        for st in plan.stages:
            if dp._gpu_class(st) not in (None, "copy"):
                d = dp.demand(st, tokens)
                busy += float(d.fixed + d.work)
    return min(1.0, busy * RATE)


def measured() -> dict[str, tuple[float, float]]:
    per: dict[str, list[float]] = {}
    with open(ROOT / "validation/traces/h200_interference.csv") as f:
        for r in csv.DictReader(f):
            a = dict(x.split("=", 1) for x in r["argument"].split(","))
            if r["metric"] == "decode_time_ratio" and float(a["busy"]) > 0:
                per.setdefault(a["family"], []).append((float(r["value"]) - 1) / float(a["busy"]))
    return {k: (statistics.median(v), max(v)) for k, v in sorted(per.items())}


def main() -> None:
    print(f"at {LINK}, {RATE:g} request/s, llama-3-8b, seeds 0..{SEEDS - 1}")
    print("| GPU | TPOT SmartNIC ms | TPOT GPU decode ms | lost to interference | decoder duty b "
          "| ratio needed for 2x | slowdown per unit duty needed | ceiling 1/(1-b) - 1 per duty |")
    print("|---|---|---|---|---|---|---|---|")
    for gpu in GPUS:
        nic, _, _ = tpot_and_loss("shadowserve", gpu)
        dec, lost, scn = tpot_and_loss("cachegen-async", gpu)
        b = decoder_duty(scn)
        need = 2 * nic / (dec * (1 - lost))
        ceiling = (1 / (1 - b) - 1) / b if b < 1 else float("inf")
        print(f"| {gpu} | {1e3 * nic:.2f} | {1e3 * dec:.2f} | {100 * lost:.1f}% | {b:.3f} | {need:.2f} "
              f"| {(need - 1) / b:.1f} | {ceiling:.2f} |")
    print("\nmeasured on the H200, decode slowdown per unit of co-runner busy share (r - 1) / busy:")
    print("| family | median | max |\n|---|---|---|")
    for fam, (med, top) in measured().items():
        print(f"| {fam} | {med:.2f} | {top:.2f} |")


if __name__ == "__main__":
    main()
