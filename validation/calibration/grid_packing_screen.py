"""Where a one-wave launch packs, read from the GEMVs' grids at the decode point (a screen, not adopted:
docs/serving.md, The SMs a co-runner holds).

The committed packing term puts a one-wave launch's blocks on the SMs decode's weight GEMVs leave
free, one number per GPU: 1 - ``decode_kernels.weights_sm_share`` of the SMs, the GEMVs' mean grid
at one decode point (the H200's 125.7 blocks at batch 8; the H100's 88.7). The GEMVs' grids are
measured per decode point (``decode_shapes.py``; h200/decode_shapes*/, h100/decode_shapes/), and
they differ by batch and by GPU: on the H100, half the GEMV time at batch 8 is in a 76-block grid
(56 SMs free), while at batch 1 and 52 nearly all of it leaves 0-4 free. The form screened here
averages the packed SM's issue slowdown over those grids, each grid's free SMs in place of the one
mean. No coefficient moves: ``crowding``, ``pack_blocks`` and ``issue_warps`` keep their committed
values (a fit would come after a declaration, on a declared set).

The measured grids are looked up by the decode point's batch: the same batch where measured, else
the nearest measured batch on that GPU (the H200's grids change only at batch 32; the H100's are
measured at the four batches of its coverage run, the batches of every H100 trace). A GPU with no
grids measured keeps the committed mean.

It prints every held-out (trace, metric, family) cell whose MAPE crosses the issue's 15% either
way, the count above 15% under each, and the H100 coverage run's families. The sealed sets are not
read.

    python validation/calibration/grid_packing_screen.py
"""

from __future__ import annotations

import csv
import glob
import math
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nicmodel.engines.serving import interference as model  # noqa: E402
from nicmodel.engines.serving.issue import waits_on_memory  # noqa: E402
from nicmodel.engines.serving.occupancy import blocks_per_sm, warps  # noqa: E402
from nicmodel.validation.predict import Predictor  # noqa: E402
from nicmodel.validation.trace import read_trace  # noqa: E402
from nicmodel.validation.validate import family  # noqa: E402

TARGET = 15.0
SHAPES = {"h200": "validation/traces/h200/decode_shapes*/decode_kernels.csv",
          "h100-sxm": "validation/traces/h100/decode_shapes/decode_kernels.csv"}


def measured_grids() -> dict[str, dict[int, dict[int, float]]]:
    """{gpu: {batch: {GEMV grid in blocks: share of the step's GEMV time}}} from decode_shapes.py."""
    out: dict[str, dict[int, dict[int, float]]] = {}
    for gpu, pattern in SHAPES.items():
        time: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        for path in sorted(glob.glob(str(ROOT / pattern))):
            for r in csv.DictReader(open(path)):
                if r["name"].startswith("nvjet"):  # cuBLAS's GEMV kernels (the weights)
                    time[int(r["batch"])][int(r["blocks"])] += float(r["duration_us"])
        out[gpu] = {b: {g: t / sum(grids.values()) for g, t in grids.items()} for b, grids in time.items()}
    return out


GRIDS = measured_grids()
_at: dict[int, float] | None = None  # the grids at the point being predicted (set by predict())


def grids_at(gpu: str, batch: int) -> dict[int, float] | None:
    table = GRIDS.get(gpu)
    if not table:
        return None
    nearest = min(table, key=lambda b: (abs(b - batch), b))
    return table[nearest]


def packing_over_grids(p, c, shapes):
    """The committed ``_packing`` with the packed SM's slowdown averaged over the measured grids."""
    kinds, slow = COMMITTED(p, c, shapes)
    if _at is None or slow == 0.0 and not kinds:
        return kinds, slow
    sms = float(p["gpu.sms"])
    limit = blocks_per_sm(p, c.shape)
    if c.blocks >= sms * limit or waits_on_memory(c):
        return kinds, slow
    alone = max(1.0, c.blocks / sms)
    per_block, saturate = float(warps(c.shape[0])), float(p["gpu.interference.issue_warps"])
    mean = 0.0
    for grid, share in _at.items():
        free = max(1.0, sms - grid)
        packed = min(limit, max(alone, min(alone + float(p["gpu.interference.pack_blocks"]),
                                           math.ceil(c.blocks / free))))
        mean += share * (max(1.0, packed * per_block / saturate) / max(1.0, alone * per_block / saturate) - 1)
    return kinds, mean


COMMITTED = model._packing


def predictions(paths: list[Path], form: bool) -> list[tuple[str, object, float]]:
    global _at
    predictor, out = Predictor(), []
    if form:
        model._packing = packing_over_grids
    try:
        for path in paths:
            for pt in read_trace(path):
                if pt.metric not in ("decode_time_ratio", "corunner_time_ratio") or pt.role != "held-out":
                    continue
                gpu = next((o.split("=", 1)[1] for o in pt.overrides if o.startswith("gpu=")), "")
                batch = int(dict(i.split("=", 1) for i in pt.argument.split(",") if "=" in i).get("batch", 0))
                _at = grids_at(gpu, batch) if form else None
                out.append((path.name, pt, predictor.predict(pt)))
    finally:
        model._packing = COMMITTED
        _at = None
    return out


def main() -> int:
    traces = [Path(p) for p in sorted(glob.glob(str(ROOT / "validation/traces/h*_interference.csv")))]
    mape = {}
    for form in (False, True):
        errors: dict[tuple[str, str, str], list[float]] = defaultdict(list)
        for name, pt, p in predictions(traces, form):
            errors[(name, pt.metric, family(pt.argument) or "")].append(abs(p / pt.value - 1) * 100)
        mape[form] = {k: sum(v) / len(v) for k, v in errors.items()}
    above = {f: sum(v > TARGET for v in mape[f].values()) for f in mape}
    print(f"held-out families above {TARGET:g}%: committed {above[False]}, grids {above[True]} of {len(mape[False])}")
    for key in sorted(mape[False]):
        before, after = mape[False][key], mape[True][key]
        if (before > TARGET) != (after > TARGET) or key[0].startswith("h100_coverage"):
            print(f"  {key[0]} {key[1]}/{key[2]}: {before:.1f} -> {after:.1f}%")
    moved = sorted(((mape[True][k] - mape[False][k], k) for k in mape[False]), reverse=True)
    print("largest moves:", "; ".join(f"{k[0]} {k[1]}/{k[2]} {d:+.1f}" for d, k in moved[:6] + moved[-6:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
