"""Screen a candidate form, not adopted: the turn wait in proportion to the share of a launch's blocks that the
free SMs of decode's weight GEMMs cannot hold (docs/serving.md, The crawl beside long GEMMs: the Qwen rungs).

The committed turn wait (launch_turns of decode's mean weight GEMM, its length growing past turn_gemms_to) treats
every GEMM as holding every SM. The Qwen2.5-14B shape's GEMMs spend most of their time in 72- and 80-block grids
(52-60 of 132 SMs free), and there the scatter waited 0.47 of the form's turn wait; read after that run, the
scatter's measured turn wait over the form's on each H100 rung follows the share of its 1,024 blocks the GEMMs'
free SMs cannot hold (0.38 on the 14B shape, 0.70 on the 8B's, 0.79-0.90 on the 32B, 70B and 405B shapes). The
candidate multiplies a launch's turns by s(shape) / s(8B), s the length-weighted share over the shape's profiled
weight GEMMs of max(0, B - F_g L) / B (B the launch's blocks, L its blocks per SM, F_g the SMs grid g leaves free),
the 8B's grids (h100/dataplane_ladder_8b_random/) the reference the form was fitted at: no coefficient is fitted.
It applies to the traces whose run folder holds its decode step's profiled kernels (decode_kernels.csv; the regime
ladder's rungs take the data-plane ladder's of the same shape) and is not an 8B run; elsewhere the committed wait
stands. With --refit, crawl_share, crawl_high and turn_growth are refit with it on the crawl's declared fit set
(long_gemm_fit.py's objective) first.

Read 2026-12-06 (a twenty-seventh session), after the Qwen rungs, so not a sealed reading: as committed, the 14B
shape's scatter 25.6 -> 7.0%, but the 405B shape's 13.2 -> 34.5%, the 70B's 5.4 -> 10.2%, the chunk sequence
4.0-5.1 -> 5.8-12.4%. Refit (0.2427, 1.688, 0.5073; fit set 12.42% against 12.28%): the 14B scatter 7.0%, the 405B
scatter 23.1% and the 70B repeat's decoder 15.1% cross up: one family down, two up. Not adopted; no run declared.
With --by-point (each point's own profiled step, not its run's steps pooled; the 8B reference pooled), refit: the
14B scatter 4.9%, the 405B's 23.2%, the 70B repeat's decoder 15.1%: the same.

    python validation/calibration/grid_turn_screen.py [--refit] [--by-point] [TRACE ...]

Prints, per trace and co-runner family, the committed model's MAPE and the candidate's (held-out rows).
"""

from __future__ import annotations

import csv
import dataclasses
import re
import statistics
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nicmodel.engines.serving import interference as model  # noqa: E402
from nicmodel.engines.serving.gemm_grids import unheld_share  # noqa: E402
from nicmodel.validation.predict import Predictor  # noqa: E402
from nicmodel.validation.trace import read_trace  # noqa: E402
from nicmodel.validation.validate import family  # noqa: E402

REFERENCE = "h100/dataplane_ladder_8b_random"
TRACES = [f"validation/traces/h100_{name}_interference.csv" for name in
          ("dataplane_ladder_1b", "dataplane_ladder_8b", "dataplane_ladder_qwen14b", "dataplane_ladder_qwen32b",
           "dataplane_ladder_70b", "dataplane_ladder_405b", "dataplane_long_gemm", "dataplane_long_gemm_8b",
           "design_pattern_8b", "design_pattern_70b", "design_pattern_405b", "design_pattern_70b_repeat",
           "design_pattern_405b_repeat")]
COMMITTED = model.couple
_folder: list[str | None] = [None]  # the run folder of the point being predicted
_point: list[str | None] = [None]  # its decode step, as the collector names it ("decode_b8_c8192")
BY_POINT = [False]  # --by-point: each point's own profiled step, not the run's steps pooled


def gemm_kernels(path: Path) -> list[dict[str, str]]:
    """The weight GEMMs (cuBLAS's nvjet kernels) a decode_kernels.csv records, in the order they ran."""
    return [r for r in csv.DictReader(open(path)) if r["name"].startswith("nvjet")]


@cache
def grids(folder: str, point: str | None = None) -> tuple[tuple[int, float], ...]:
    """(blocks, share of the weight GEMMs' time) of a run's profiled decode steps: the step at ``point``
    ("decode_b<batch>_c<context>", the collector's unit) where the run profiled it, else every step it profiled."""
    rows = [(r["unit"], int(r["blocks"]), float(r["duration_us"]))
            for r in gemm_kernels(ROOT / "validation/traces" / folder / "decode_kernels.csv")]
    if point is not None and any(u == point for u, _, _ in rows):
        rows = [r for r in rows if r[0] == point]
    total = sum(t for _, _, t in rows)
    return tuple((b, t / total) for _, b, t in rows)


def unheld(p, c, folder: str, point: str | None = None) -> float:
    """The length-weighted share of the launch's blocks the free SMs of the run's GEMMs cannot hold."""
    sms, per_sm = float(p["gpu.sms"]), model.blocks_per_sm(p, c.shape)
    return sum(w * unheld_share(c.blocks, per_sm, sms - b) for b, w in grids(folder, point))


def unheld_by_point(path: Path, blocks: int = 1024, per_sm: int = 16, sms: int = 132,
                    depth: dict[str, float] | None = None) -> dict[tuple, float]:
    """{(model, batch, context): the length-weighted share of a launch of ``blocks`` (``per_sm`` a SM) that the free
    SMs of the point's profiled weight GEMMs cannot hold} from a decode_shapes.py run (its --model column; the
    scatter's grid by default). ``depth``: per model, the weight of each layer GEMM against the step's last, its LM
    head (the model's layers over those profiled; 1 where not given)."""
    steps: dict[tuple, list[tuple[int, float]]] = {}
    for r in gemm_kernels(path):
        key = (r.get("model") or "llama-3-8b", int(r["batch"]), int(r["context"]))
        steps.setdefault(key, []).append((int(r["blocks"]), float(r["duration_us"])))
    out = {}
    for key, rows in steps.items():
        scale = (depth or {}).get(key[0], 1.0)
        weights = [t * (scale if i < len(rows) - 1 else 1.0) for i, (_, t) in enumerate(rows)]
        out[key] = sum(w * unheld_share(blocks, per_sm, sms - b) for w, (b, _) in zip(weights, rows)) / sum(weights)
    return out


def _couple(p, c, priority, shapes):
    coupling = COMMITTED(p, c, priority, shapes)
    folder = _folder[0]
    if folder is None or coupling.turns <= 0 or c.blocks <= 0:
        return coupling
    point = _point[0] if BY_POINT[0] else None
    reference = unheld(p, c, REFERENCE)  # the 8B rung's steps pooled: the form's fit spans its batches
    scale = unheld(p, c, folder, point) / reference if reference > 0 else 1.0
    return dataclasses.replace(coupling, turns=coupling.turns * scale)


def folder_of(point) -> str | None:
    """The run folder whose profiled decode step stands for a point's (its own; the regime ladder's rungs take the
    data-plane ladder's of the same shape, GPU and layers), unless it is the reference's shape."""
    m = re.match(r"validation/traces/(h100/[^/]+)/interference_grid\.csv", point.source)
    if not m or "_8b_" in m.group(1):
        return None
    folder = m.group(1).replace("/regime_ladder_", "/dataplane_ladder_")
    return folder if (ROOT / "validation/traces" / folder / "decode_kernels.csv").exists() else None


class GridPredictor(Predictor):
    """Predicts with the candidate, each point with its own run's grids."""

    def predict(self, point, replace=None):
        _folder[0] = folder_of(point)
        a = dict(kv.split("=", 1) for kv in (point.argument or "").split(",") if "=" in kv)
        _point[0] = f"decode_b{a.get('batch')}_c{a.get('context')}"
        model.couple = _couple
        try:
            return super().predict(point, replace)
        finally:
            model.couple, _folder[0] = COMMITTED, None


def mapes(trace: str, candidate: bool, refit: dict | None = None) -> dict[str, float]:
    predictor, errors = (GridPredictor() if candidate else Predictor()), {}
    for pt in read_trace(ROOT / trace):
        if pt.metric == "corunner_time_ratio" and pt.role == "held-out":
            value = predictor.predict(pt, refit if candidate else None)
            errors.setdefault(family(pt.argument), []).append(abs(value / pt.value - 1) * 100)
    return {fam: statistics.mean(v) for fam, v in errors.items()}


def refit() -> dict[str, float]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import long_gemm_fit as fitting
    predictor, rows = GridPredictor(), fitting.fitted_rows()
    best = fitting.fit(predictor, rows)
    print(", ".join(f"{n} {v:.4g}" for n, v in zip(fitting.NAMES, best))
          + f"; fit set {100 * fitting.errors(predictor, rows, best).mean():.2f}%")
    return {f"gpu.interference.{n}": float(v) for n, v in zip(fitting.NAMES, best)}


def main(argv: list[str]) -> int:
    BY_POINT[0] = "--by-point" in argv
    coefficients = refit() if "--refit" in argv else None
    for trace in [a for a in argv if not a.startswith("--")] or TRACES:
        now, then = mapes(trace, False), mapes(trace, True, coefficients)
        for fam in sorted(now):
            print(f"{Path(trace).name:50s} {fam:26s} committed {now[fam]:5.1f}%  candidate {then[fam]:5.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
