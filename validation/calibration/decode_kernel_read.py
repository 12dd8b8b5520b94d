"""Decode's kernels beside the coverage launches, read as declared (validation/collect/declared_runs.md,
decode_kernel_trace.py): which of decode's kernels lose the time, and after what.

Each decode kernel of a profiled step is matched to the same kernel (its place in the step) of the steps
measured alone in the same process. Its excess beside the launches is split into a longer kernel (its
duration less its mean alone) and a later start (the gap after the kernel before it, less that gap's mean
alone). Per decode point and launch size: decode's time beside over alone (the steps' spans), the excess by
decode kernel kind (weight GEMVs, cuBLAS's nvjet kernels; attention; the rest), and, for the GEMVs, the
excess of those that start while a co-runner kernel runs against those that do not, by the kernel before
them: attention, a kernel of a smaller grid, or one of an equal or larger grid. Every figure is per step, in
microseconds. Nothing is fitted here; every kernel is held out.

    python validation/calibration/decode_kernel_read.py validation/traces/h100/decode_kernel_trace
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from pathlib import Path

Config = tuple[int, int, int]  # batch, context, co-runner blocks (0: alone)


def kind(name: str) -> str:
    if name.startswith("nvjet"):
        return "gemv"
    return "attention" if "sdpa" in name or "flash" in name else "rest"


def read(folder: Path) -> dict[Config, dict[str, list[dict]]]:
    """{(batch, context, blocks): {"decode": [kernels by start], "corunner": [...]}}."""
    out: dict[Config, dict[str, list[dict]]] = defaultdict(lambda: {"decode": [], "corunner": []})
    for r in csv.DictReader(open(folder / "kernels.csv")):
        k = {"name": r["name"], "start": float(r["start_us"]), "dur": float(r["duration_us"]), "blocks": int(r["blocks"])}
        role = r["stream_role"]
        if role in ("decode", "corunner"):
            out[(int(r["batch"]), int(r["context"]), int(r["corunner_blocks"]))][role].append(k)
    for sides in out.values():
        for ks in sides.values():
            ks.sort(key=lambda k: k["start"])
    return out


def steps(kernels: list[dict], per_step: int) -> list[list[dict]]:
    if len(kernels) % per_step:
        raise ValueError(f"{len(kernels)} decode kernels are not whole steps of {per_step}")
    return [kernels[i:i + per_step] for i in range(0, len(kernels), per_step)]


def alone_means(alone: list[list[dict]]) -> tuple[list[float], list[float]]:
    """(mean duration, mean gap after the kernel before) by place in the step."""
    n = len(alone[0])
    dur = [sum(s[i]["dur"] for s in alone) / len(alone) for i in range(n)]
    gap = [0.0] + [sum(s[i]["start"] - s[i - 1]["start"] - s[i - 1]["dur"] for s in alone) / len(alone)
                   for i in range(1, n)]
    return dur, gap


def before(step: list[dict], i: int) -> str:
    """The kernel before a GEMV: attention, a smaller grid, or an equal or larger one."""
    if i == 0:
        return "first"
    prev = step[i - 1]
    if kind(prev["name"]) == "attention":
        return "after attention"
    return "after a smaller grid" if prev["blocks"] < step[i]["blocks"] else "after an equal or larger grid"


def running(corunner: list[dict], t: float) -> bool:
    return any(c["start"] <= t < c["start"] + c["dur"] for c in corunner)


def excess(config: dict[str, list[dict]], per_step: int, dur: list[float], gap: list[float]) -> dict:
    """Per step (us): decode's span, the excess by kind (longer, later), the GEMVs' by (running, before)."""
    beside = steps(config["decode"], per_step)
    by_kind: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    gemv: dict[tuple[bool, str], list[float]] = defaultdict(lambda: [0.0, 0])
    span = 0.0
    for step in beside:
        span += step[-1]["start"] + step[-1]["dur"] - step[0]["start"]
        for i, k in enumerate(step):
            longer = k["dur"] - dur[i]
            later = (k["start"] - step[i - 1]["start"] - step[i - 1]["dur"] - gap[i]) if i else 0.0
            by_kind[kind(k["name"])][0] += longer / len(beside)
            by_kind[kind(k["name"])][1] += later / len(beside)
            if kind(k["name"]) == "gemv":
                cell = gemv[(running(config["corunner"], k["start"]), before(step, i))]
                cell[0] += (longer + later) / len(beside)
                cell[1] += 1 / len(beside)
    busy = sum(c["dur"] for c in config["corunner"]) / span if span > 0 else 0.0
    return {"span": span / len(beside), "kinds": dict(by_kind), "gemv": dict(gemv), "busy": busy}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    args = ap.parse_args(argv)
    data = read(args.folder)
    n_steps = json.loads((args.folder / "run.json").read_text())["steps"]
    for (batch, context, blocks) in sorted(k for k in data if k[2] == 0):
        alone_kernels = data[(batch, context, 0)]["decode"]
        per_step = len(alone_kernels) // n_steps
        alone = steps(alone_kernels, per_step)
        dur, gap = alone_means(alone)
        span_alone = sum(s[-1]["start"] + s[-1]["dur"] - s[0]["start"] for s in alone) / len(alone)
        print(f"{batch} x {context}: {per_step} decode kernels a step, {span_alone:.0f} us alone")
        for b in sorted(k[2] for k in data if k[:2] == (batch, context) and k[2]):
            e = excess(data[(batch, context, b)], per_step, dur, gap)
            sigma = (1 - span_alone / e["span"]) / e["busy"] if e["busy"] > 0 else float("nan")
            print(f"  {b:>3} blocks: decode {e['span'] / span_alone:.3f}x alone ({e['span'] - span_alone:+.0f} us a step), "
                  f"co-runner busy {e['busy']:.2f} of it, decode's loss per unit busy share {sigma:.3f}")
            for name, (longer, later) in sorted(e["kinds"].items()):
                print(f"      {name:9s} longer {longer:+7.0f} us, later {later:+7.0f} us")
            for (run, prev), (us, n) in sorted(e["gemv"].items()):
                print(f"      GEMVs {'starting while it runs' if run else 'starting with none running'}, {prev}: "
                      f"{us:+6.0f} us over {n:.0f} a step")
    return 0


if __name__ == "__main__":
    sys.exit(main())
