"""Decode's weight-GEMM grids per model and batch, as measured, into the GPU specs (gpu.decode_gemm_grids).

cuBLAS picks a GEMM's tiles, and so its grid, by the GEMM's shape and the batch: the same model at another batch
can hold every SM or leave half of them free (Llama-3-8B on an H100: 0.92 of its GEMM time in grids of 120 blocks
or more at batch 6, 0.30 at batch 8, 0.80 at batch 9), and the context changes nothing. Every profiled decode step
the project holds is read here: each step's weight GEMMs (cuBLAS's nvjet kernels) in launch order, the last the LM
head, the rest the layers' (four a layer). One entry per model and batch (the first source in SOURCES that has it):
the share of one layer's GEMM time by grid, the head's grid, and the head's time over one layer's.

    python validation/calibration/gemm_grids.py [--write]

Prints each GPU's entries; --write puts them between the markers in hwspecs/gpus/<gpu>.yaml.
"""

from __future__ import annotations

import collections
import csv
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

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


def steps(folder: Path) -> dict[tuple[str, int], list[tuple[int, float]]]:
    """{(model stem, batch): its weight GEMMs (blocks, us) in launch order} of one run's first profiled step each."""
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
        grouped[step].append((int(r["blocks"]), float(r["duration_us"])))
    out: dict[tuple[str, int], list] = {}
    for (model, batch, _), rows in grouped.items():
        out.setdefault((model, batch), rows)
    return out


def entry(rows: list[tuple[int, float]]) -> dict | None:
    """One step's entry: one layer's time shares by grid, the head's grid, the head over one layer's time."""
    layer, (head_blocks, head_us) = rows[:-1], rows[-1]
    if not layer or len(layer) % PER_LAYER:
        return None
    total = sum(t for _, t in layer)
    shares: dict[int, float] = collections.defaultdict(float)
    for b, t in layer:
        shares[b] += t / total
    return {"layer": {b: round(s, 4) for b, s in sorted(shares.items()) if round(s, 4) > 0},
            "head": head_blocks, "head_over_layer": round(head_us / (total * PER_LAYER / len(layer)), 4)}


def entries(gpu: str) -> list[dict]:
    names, found = model_names(), {}
    for pattern in SOURCES[gpu]:
        for folder in sorted(TRACES.glob(pattern)):
            for (model, batch), rows in sorted(steps(folder).items()):
                e = entry(rows)
                if e is None or (model, batch) in found or model not in names:
                    continue
                found[(model, batch)] = {"model": names[model], "batch": batch, **e, "kind": "measured",
                                         "source": f"validation/traces/{folder.relative_to(TRACES)}/decode_kernels.csv"}
    return [found[k] for k in sorted(found)]


def block(gpu: str) -> list[str]:
    def flow(e: dict) -> str:
        layer = ", ".join(f"{b}: {s:g}" for b, s in e["layer"].items())
        return (f"  - {{model: {e['model']}, batch: {e['batch']}, layer: {{{layer}}}, head: {e['head']}, "
                f"head_over_layer: {e['head_over_layer']:g}, kind: measured, source: \"{e['source']}\"}}")
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
