"""The coverage run, read as declared (validation/collect/declared_runs.md, coverage_sms_random*):
what decode's GEMVs lose to the SMs a co-runner holds.

One-wave ALU launches of one 128-thread block on 16, 36, 66, 100 and 132 SMs beside decode at batch 1,
8, 32 and 52, the whole set measured twice. Read at each decode point: decode's loss per unit of the
co-runner's busy share (sigma = (1 - alone / beside) / busy), pooled over a (point, SMs held) cell's rows
as summed loss over summed busy, against the SMs held, and its spread between the two runs; beside it,
the committed model's sigma for the same rows, and the share of the step's GEMV time whose grid leaves
fewer SMs free than the co-runner holds (decode's kernels' grids as measured at that point, read from
decode_kernels.csv; data, not a fit): the two shapes the declaration names (growth in proportion to the
SMs held, or a step where a grid has no SM left for its last block).

    python validation/calibration/coverage_read.py TRACE1 TRACE2 --shapes DECODE_SHAPES_DIR [--sms 132]

Nothing is fitted here; every row read is held out.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nicmodel.validation.interference import _args  # noqa: E402
from nicmodel.validation.predict import Predictor  # noqa: E402
from nicmodel.validation.trace import read_trace  # noqa: E402


def gemv_blocked(shapes: Path, sms: int) -> dict[tuple[int, int], dict[int, float]]:
    """{(batch, context): {SMs held: share of the step's weight-GEMV time (cuBLAS nvjet kernels) whose
    grid leaves fewer SMs free than that}} from decode_shapes.py's decode_kernels.csv."""
    time_by: dict[tuple[int, int], dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for r in csv.DictReader(open(shapes / "decode_kernels.csv")):
        if r["name"].startswith("nvjet"):
            time_by[(int(r["batch"]), int(r["context"]))][int(r["blocks"])] += float(r["duration_us"])
    out = {}
    for point, grids in time_by.items():
        total = sum(grids.values())
        out[point] = {held: sum(t for g, t in grids.items() if held > sms - g) / total
                      for held in (16, 36, 66, 100, 132)}
    return out


def read(paths: list[Path]) -> dict[tuple, list[tuple[int, float, float, float]]]:
    """{(batch, context, SMs held, priority, launch path): [(run, busy, measured loss, predicted loss)]}."""
    predictor, cells = Predictor(), defaultdict(list)
    for run, path in enumerate(paths):
        for pt in read_trace(path):
            if pt.metric != "decode_time_ratio":
                continue
            f = _args(pt.argument)
            if not f.get("family", "").endswith("compute"):
                continue
            key = (int(f["batch"]), int(f["context"]), int(f["blocks"]), f["priority"],
                   "graph" if f.get("launch") == "graph" else "python")
            cells[key].append((run, float(f["busy"]), 1 - 1 / pt.value, 1 - 1 / predictor.predict(pt)))
    return cells


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("traces", nargs="+", type=Path, help="the run's traces, one per repetition")
    ap.add_argument("--shapes", type=Path, required=True, help="decode_shapes.py's folder for this GPU")
    ap.add_argument("--sms", type=int, default=132)
    args = ap.parse_args()
    cells = read(args.traces)
    blocked = gemv_blocked(args.shapes, args.sms)
    print("batch x ctx  SMs  prio  path    sigma (runs)              model   GEMV time blocked by grid")
    for key in sorted(cells):
        batch, ctx, held, prio, path = key
        rows = cells[key]
        per_run = []
        for run in sorted({r for r, *_ in rows}):
            sel = [r for r in rows if r[0] == run]
            per_run.append(sum(r[2] for r in sel) / sum(r[1] for r in sel))
        pooled = sum(r[2] for r in rows) / sum(r[1] for r in rows)
        model = sum(r[3] for r in rows) / sum(r[1] for r in rows)
        grid = blocked.get((batch, ctx), {}).get(held, float("nan"))
        print(f"{batch:>3} x {ctx:<6} {held:>4}  {prio:<5} {path:<6}  {pooled:6.3f} ("
              + " ".join(f"{v:.3f}" for v in per_run) + f")  {model:6.3f}  {grid:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
