"""How the serving comparison's verdicts move across the interference model's own error: the
factors of gpu.interference.model_error (decode's loss and the kernel's stretch beside each
data-plane kernel class, 1 as fitted) at the four corners of their ranges, every decode-loss factor
low or high crossed with every stretch factor low or high, and as fitted. A larger decode-loss
factor only costs a design more; a larger stretch need not (where TPOT's p99 binds, the same loss
spread over a longer active time can let a higher rate through), so a design's span is the lowest
and highest of its corners (docs/serving.md, The model's own error).

The analytical serving model (milliseconds a point), Llama-3-8B, the designs whose data plane runs
kernels on the GPU beside decode (ShadowServe's paged-KV scatter included), 5-40 Gbps, three GPUs:
the largest Poisson rate meeting the SLOs and TPOT p50 at 1 request/s. A verdict holds within the
model's error where the SmartNIC design's lowest rate still beats the GPU design's highest by more
than the rate search's resolution, or the other way round.
Run: python docs/results/model_error_sensitivity.py docs/results/model_error_sensitivity.csv
Table for the README: python docs/results/model_error_sensitivity.py docs/results/model_error_sensitivity.csv --markdown
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DESIGNS = ["shadowserve", "cachegen-async", "cachegen-lmcache", "cachegen-lmcache-pipelined"]
GPUS = ["l40s", "h100-sxm", "h200"]
BANDWIDTHS = [5, 10, 20, 40]
MODEL = "llama-3-8b"
FIELDS = ["design", "gpu", "bandwidth_gbps", "corner", "max_rate_per_s", "tpot_p50_s", "factors"]
TOLERANCE = 0.005  # the analytical rate search's resolution


def corners(scenario) -> dict[str, list[str]]:
    """--set lines for the model as fitted and each corner of the design's model-error bands
    (analytic.error_corners), so each point is loaded as a planner's --set would load it."""
    from nicmodel.engines.serving.analytic import error_corners
    found = error_corners(scenario) or {}
    return {"model": [], **{name: [f"{k}={v:g}" for k, v in sets.items()] for name, sets in found.items()}}


def rows() -> list[dict]:
    from nicmodel import api
    from nicmodel.engines.serving import analytic

    out = []
    for gpu in GPUS:
        for bw in BANDWIDTHS:
            for design in DESIGNS:
                base = [f"model={MODEL}", f"gpu={gpu}", f"network.bandwidth={bw}Gbps"]
                nominal = api.load(f"pipelines/{design}.yaml", base)
                for corner, sets in corners(nominal).items():
                    scn = api.load(f"pipelines/{design}.yaml", base + sets)
                    rate = analytic.max_rate(scn)["max_rate_per_s"]
                    tpot = analytic.serve(scn, 1.0)["loaded"]["tpot_s"]["p50"]
                    out.append({"design": design, "gpu": gpu, "bandwidth_gbps": bw, "corner": corner,
                                "max_rate_per_s": f"{rate:.6g}", "tpot_p50_s": f"{tpot:.6g}",
                                "factors": " ".join(s.split("model_error.")[1] for s in sets)})
    return out


def verdicts(table: list[dict]) -> list[dict]:
    """Per GPU, bandwidth and GPU design: each design's rate as fitted and its lowest and highest
    over the corners, and whether the lead holds across them."""
    span: dict[tuple, list[float]] = {}
    for r in table:
        key = (r["design"], r["gpu"], int(r["bandwidth_gbps"]))
        rate = float(r["max_rate_per_s"])
        lo, model, hi = span.get(key, [rate, None, rate])
        span[key] = [min(lo, rate), rate if r["corner"] == "model" else model, max(hi, rate)]
    out = []
    for gpu in GPUS:
        for bw in BANDWIDTHS:
            nic = span[(DESIGNS[0], gpu, bw)]
            for design in DESIGNS[1:]:
                other = span[(design, gpu, bw)]
                ahead = "SmartNIC" if nic[1] > other[1] else design
                if nic[0] > other[2] * (1 + TOLERANCE):
                    holds = "SmartNIC ahead across the error"
                elif other[0] > nic[2] * (1 + TOLERANCE):
                    holds = f"{design} ahead across the error"
                else:
                    holds = "flips (or ties) within the error"
                out.append({"gpu": gpu, "bandwidth_gbps": bw, "against": design, "smartnic": nic, "gpu_design": other,
                            "ahead_as_fitted": ahead, "verdict": holds})
    return out


def markdown(table: list[dict]) -> str:
    lines = ["| GPU | Gbps | against | SmartNIC rate (lowest / fitted / highest) | its rate (lowest / fitted / highest) | "
             "as fitted | within the model's error |", "|---|---|---|---|---|---|---|"]
    for v in verdicts(table):
        n, o = v["smartnic"], v["gpu_design"]
        lines.append(f"| {v['gpu']} | {v['bandwidth_gbps']} | {v['against']} | {n[0]:.2f} / {n[1]:.2f} / {n[2]:.2f} | "
                     f"{o[0]:.2f} / {o[1]:.2f} / {o[2]:.2f} | {v['ahead_as_fitted']} | {v['verdict']} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    paths = [a for a in argv if not a.startswith("--")]
    if len(paths) != 1 or any(a not in ("--markdown",) for a in argv if a.startswith("--")):
        print("usage: python docs/results/model_error_sensitivity.py OUT.csv [--markdown]", file=sys.stderr)
        return 2
    path = Path(paths[0])
    if "--markdown" in argv:
        with path.open() as f:
            print(markdown(list(csv.DictReader(f))))
        return 0
    from nicmodel.files import write_atomic

    table = rows()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    text = buffer.getvalue()
    write_atomic(path, text)
    print(markdown(table))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
