"""Decode's weight-GEMM grids per model and batch, as measured, into the GPU specs (gpu.decode_gemm_grids).

cuBLAS picks a GEMM's tiles, and so its grid, by the GEMM's shape and the batch: the same model at another batch
can hold every SM or leave half of them free (Llama-3-8B on an H100: 0.92 of its GEMM time in grids of 120 blocks
or more at batch 6, 0.30 at batch 8, 0.80 at batch 9), and the context changes nothing. Every profiled decode step
the project holds is read here: each step's weight GEMMs (cuBLAS's nvjet kernels) in launch order, the last the LM
head, the rest the layers' (four a layer). One entry per model and batch (the first source in SOURCES that has it):
each of a layer's GEMMs with its rounds (``gemms``: a persistent GEMM with more output tiles than CTAs runs a last,
partial round on the tiles left, in the tiles left over a round's CTAs of a round's time; GEMMs with the same rounds
summed), the head's grid, and the head's time over one layer's. Where the model's shape is not known to the
collectors (validation/collect/decode_models.py) the rounds cannot be read, and the entry gives the share of a
layer's GEMM time by grid (``layer``) alone.

    python validation/calibration/gemm_grids.py [--write]

Prints each GPU's entries; --write puts them between the markers in hwspecs/gpus/<gpu>.yaml.
"""

from __future__ import annotations

import collections
import csv
import json
import math
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "validation/collect"))

from decode_models import MODELS  # noqa: E402 (the collectors' decode models, torch-free)
from nicmodel.files import write_atomic  # noqa: E402

TRACES = ROOT / "validation/traces"
PER_LAYER = 4  # the collectors' decode layers launch QKV, O, gate-up and down (validation/collect/gpu_common.py)
# per GPU spec, its profiled runs in order of preference (a run's own points first: the 8B sweeps, every shape)
SOURCES = {
    "h100-sxm": ["h100/decode_shapes*", "h100/dataplane_ladder_*_random", "h100/model_grids", "h100/model_grid_sweep"],
    "h200": ["h200/decode_shapes*", "h200/dataplane_ladder_*_random"],
}
BEGIN, END = "# decode_gemm_grids: begin (validation/calibration/gemm_grids.py --write)", "# decode_gemm_grids: end"


def model_names() -> dict[str, str]:
    """{model file stem: the name its spec gives}."""
    return {p.stem: yaml.safe_load(p.read_text())["name"] for p in sorted((ROOT / "workloads/models").glob("*.yaml"))}


def outputs(shape: dict) -> list[int]:
    """Output features of a layer's four weight GEMMs in launch order: QKV, O, gate/up, down."""
    qkv = (shape["heads"] + 2 * shape["kv_heads"]) * shape["head_dim"]
    return [qkv, shape["hidden"], 2 * shape["inter"], shape["hidden"]]


def segments(name: str, blocks: int, us: float, out: int, scaled: bool = False) -> list[tuple[int, float]]:
    """[(CTAs busy, us)] of one GEMM: split-K ones (a CTA a tile and split) and those with no more tiles than CTAs
    run one round; the rest rounds of every CTA, then the tiles left: in a full round's time (equal tile times), or
    with ``scaled`` in the tiles left over the CTAs of a round (a memory-bound round's bytes at the same bandwidth)."""
    m = re.match(r"nvjet_sm90_tst_(\d+)x(\d+)_", name)
    if not m or "splitK" in name:
        return [(blocks, us)]
    tiles = math.ceil(out / int(m.group(1)))
    if tiles <= blocks:
        return [(blocks, us)]
    rounds = math.ceil(tiles / blocks)
    left = tiles - (rounds - 1) * blocks
    last = left / blocks if scaled else 1.0  # the last round's time over a full round's
    return [(blocks, us * (rounds - 1) / (rounds - 1 + last)), (left, us * last / (rounds - 1 + last))]


def steps(folder: Path) -> dict[tuple[str, int], list[tuple[str, int, float]]]:
    """{(model stem, batch): its weight GEMMs (kernel name, blocks, us) in launch order} of one run's first profiled
    step each."""
    path = folder / "decode_kernels.csv"
    if not path.exists():
        return {}
    run_model = "llama-3-8b"
    if (folder / "decode_model.json").exists():
        run_model = json.loads((folder / "decode_model.json").read_text())["model"]
    grouped: dict[tuple, list] = collections.defaultdict(list)
    for r in csv.DictReader(open(path)):
        if not r["name"].startswith("nvjet"):
            continue
        batch = r.get("batch") or re.match(r"decode_b(\d+)_c", r["unit"]).group(1)
        step = (r.get("model") or run_model, int(batch), r.get("context") or r["unit"])
        grouped[step].append((r["name"], int(r["blocks"]), float(r["duration_us"])))
    out: dict[tuple[str, int], list] = {}
    for (model, batch, _), rows in grouped.items():
        out.setdefault((model, batch), rows)
    return out


def entry(rows: list[tuple[str, int, float]], shape: dict | None) -> dict | None:
    """One step's entry: a layer's GEMMs with their rounds (``gemms``; ``layer``, its time shares by grid, where
    ``shape`` is None), the head's grid, the head over one layer's time."""
    layer, (_, head_blocks, head_us) = rows[:-1], rows[-1]
    if not layer or len(layer) % PER_LAYER:
        return None
    total = sum(t for _, _, t in layer)
    tail = {"head": head_blocks, "head_over_layer": round(head_us / (total * PER_LAYER / len(layer)), 4)}
    if shape is None:
        shares: dict[int, float] = collections.defaultdict(float)
        for _, b, t in layer:
            shares[b] += t / total
        return {"layer": {b: round(s, 4) for b, s in sorted(shares.items()) if round(s, 4) > 0}, **tail}
    outs, gemms = outputs(shape), {}
    for i, (name, b, t) in enumerate(layer):  # GEMMs with the same rounds summed, in first-launch order
        rounds = tuple((busy, round(us / t, 5)) for busy, us in segments(name, b, t, outs[i % PER_LAYER], scaled=True))
        gemms[rounds] = gemms.get(rounds, 0.0) + t / total
    return {"gemms": [{"share": round(v, 5), "rounds": [list(r) for r in k]} for k, v in gemms.items()], **tail}


def entries(gpu: str) -> list[dict]:
    names, found = model_names(), {}
    for pattern in SOURCES[gpu]:
        for folder in sorted(TRACES.glob(pattern)):
            for (model, batch), rows in sorted(steps(folder).items()):
                e = entry(rows, MODELS.get(model))
                if e is None or (model, batch) in found or model not in names:
                    continue
                source = f"validation/traces/{folder.relative_to(TRACES)}/decode_kernels.csv"
                if "gemms" in e:  # the rounds follow from each kernel's tiles: arithmetic on the measured kernels
                    source += "; rounds from each kernel's tiles"
                found[(model, batch)] = {"model": names[model], "batch": batch, **e,
                                         "kind": "derived" if "gemms" in e else "measured", "source": source}
    return [found[k] for k in sorted(found)]


def block(gpu: str) -> list[str]:
    def flow(e: dict) -> str:
        if "gemms" in e:
            def rounds(g: dict) -> str:
                return ", ".join(f"[{b}, {s:g}]" for b, s in g["rounds"])
            gemms = ", ".join(f"{{share: {g['share']:g}, rounds: [{rounds(g)}]}}" for g in e["gemms"])
            grids = f"gemms: [{gemms}]"
        else:
            grids = "layer: {%s}" % ", ".join(f"{b}: {s:g}" for b, s in e["layer"].items())
        return (f"  - {{model: {e['model']}, batch: {e['batch']}, {grids}, head: {e['head']}, "
                f"head_over_layer: {e['head_over_layer']:g}, kind: {e['kind']}, source: \"{e['source']}\"}}")
    return [BEGIN, "decode_gemm_grids:", *[flow(e) for e in entries(gpu)], END]


def write(gpu: str) -> Path:
    path = ROOT / f"hwspecs/gpus/{gpu}.yaml"
    lines = path.read_text().rstrip("\n").split("\n")
    if BEGIN in lines:
        start, end = lines.index(BEGIN), lines.index(END)
        lines[start:end + 1] = block(gpu)
    else:
        lines += block(gpu)
    write_atomic(path, "\n".join(lines) + "\n")
    return path


def main(argv: list[str]) -> int:
    for gpu in SOURCES:
        if "--write" in argv:
            print(f"wrote {write(gpu).relative_to(ROOT)}: {len(entries(gpu))} entries")
        else:
            print("\n".join(block(gpu)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
