"""How the serving comparison's verdicts move across the interference model's own error: every
factor of gpu.interference.model_error (decode's loss and the kernel's stretch beside each data-plane
kernel class, 1 as fitted) at the low end of its range, as fitted, and at the high end. Each factor
only ever costs the design more as it grows, so the two ends bound what the held-out error allows
(docs/serving.md, The model's own error).

The analytical serving model (milliseconds a point), Llama-3-8B, the designs whose data plane runs
kernels on the GPU beside decode (ShadowServe's paged-KV scatter included), 5-40 Gbps, three GPUs:
the largest Poisson rate meeting the SLOs and TPOT p50 at 1 request/s. A verdict holds within the
model's error where the SmartNIC design's rate at its worst end (every factor high) still beats the
GPU design's at its best (every factor low), or the other way round.
Run: python docs/results/model_error_sensitivity.py docs/results/model_error_sensitivity.csv
Table for the README: python docs/results/model_error_sensitivity.py docs/results/model_error_sensitivity.csv --markdown
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DESIGNS = ["shadowserve", "cachegen-async", "cachegen-lmcache", "cachegen-lmcache-pipelined"]
GPUS = ["l40s", "h100-sxm", "h200"]
BANDWIDTHS = [5, 10, 20, 40]
MODEL = "llama-3-8b"
ENDS = ("low", "model", "high")
TOLERANCE = 0.005  # the analytical rate search's resolution
FIELDS = ["design", "gpu", "bandwidth_gbps", "end", "max_rate_per_s", "tpot_p50_s", "factors"]


def settings(scenario, end: str) -> list[str]:
    """--set lines putting every model-error factor of the scenario's GPU at this end of its range."""
    if end == "model":
        return []
    out = []
    for cls, e in scenario.gpu.interference.model_error.items():
        for side in ("decode_loss", "stretch"):
            low, high = getattr(e, side).range
            out.append(f"gpu.interference.model_error.{cls}.{side}={low if end == 'low' else high}")
    return out


def rows() -> list[dict]:
    from nicmodel import api
    from nicmodel.engines.serving import analytic

    out = []
    for gpu in GPUS:
        for bw in BANDWIDTHS:
            for design in DESIGNS:
                base = [f"model={MODEL}", f"gpu={gpu}", f"network.bandwidth={bw}Gbps"]
                nominal = api.load(f"pipelines/{design}.yaml", base)
                for end in ENDS:
                    sets = settings(nominal, end)
                    scn = api.load(f"pipelines/{design}.yaml", base + sets)
                    rate = analytic.max_rate(scn)["max_rate_per_s"]
                    tpot = analytic.serve(scn, 1.0)["loaded"]["tpot_s"]["p50"]
                    out.append({"design": design, "gpu": gpu, "bandwidth_gbps": bw, "end": end,
                                "max_rate_per_s": f"{rate:.6g}", "tpot_p50_s": f"{tpot:.6g}",
                                "factors": " ".join(s.split("model_error.")[1] for s in sets)})
    return out


def verdicts(table: list[dict]) -> list[dict]:
    """Per GPU, bandwidth and GPU design: the SmartNIC design's rate against it at the ends."""
    at = {(r["design"], r["gpu"], int(r["bandwidth_gbps"]), r["end"]): float(r["max_rate_per_s"]) for r in table}
    out = []
    for gpu in GPUS:
        for bw in BANDWIDTHS:
            nic = [at[(DESIGNS[0], gpu, bw, e)] for e in ENDS]
            for design in DESIGNS[1:]:
                other = [at[(design, gpu, bw, e)] for e in ENDS]
                ahead = "SmartNIC" if nic[1] > other[1] else design
                # ahead across the error: at its worst end beyond the other's best by more than the
                # rate search's resolution (engines/serving/analytic.SEARCH_TOLERANCE)
                if nic[2] > other[0] * (1 + TOLERANCE):
                    holds = "SmartNIC ahead across the error"
                elif other[2] > nic[0] * (1 + TOLERANCE):
                    holds = f"{design} ahead across the error"
                else:
                    holds = "flips (or ties) within the error"
                out.append({"gpu": gpu, "bandwidth_gbps": bw, "against": design, "smartnic": nic, "gpu_design": other,
                            "ahead_as_fitted": ahead, "verdict": holds})
    return out


def markdown(table: list[dict]) -> str:
    lines = ["| GPU | Gbps | against | SmartNIC rate (high / fitted / low end) | its rate (high / fitted / low) | "
             "as fitted | within the model's error |", "|---|---|---|---|---|---|---|"]
    for v in verdicts(table):
        n, o = v["smartnic"], v["gpu_design"]
        lines.append(f"| {v['gpu']} | {v['bandwidth_gbps']} | {v['against']} | {n[2]:.2f} / {n[1]:.2f} / {n[0]:.2f} | "
                     f"{o[2]:.2f} / {o[1]:.2f} / {o[0]:.2f} | {v['ahead_as_fitted']} | {v['verdict']} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    path = Path(argv[0])
    if "--markdown" in argv:
        with path.open() as f:
            print(markdown(list(csv.DictReader(f))))
        return 0
    from nicmodel.files import write_atomic

    table = rows()
    text = ",".join(FIELDS) + "\n" + "".join(",".join(str(r[k]) for k in FIELDS) + "\n" for r in table)
    write_atomic(path, text)
    print(markdown(table))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
