"""Decode's side by the GEMVs' grids: screened, no coefficient moved, not declared (docs/serving.md,
Where the coverage launches' time goes).

The committed blocking charges decode cover x x x T / (T + c x t_d): cover = s x o^a (the SMs a launch
touches, times its share of each SM's block slots to the power a), x the share of decode's time in kernels
that cannot sit beside it, t_d the step's mean kernel. The phase parts put the coverage run's decode loss at
attention-heavy points in the GEMV phase (attention's kernels lose nothing beside those launches), and a GEMV
block needs its whole SM: one co-runner block keeps it out. The variant screened here charges the weight
GEMVs' share by their measured grids (decode_shapes.py, per GPU, looked up by batch as grid_packing_screen.py
does): a GEMV grid g is blocked by a one-wave launch that touches more SMs than g leaves free, for
T_b / (T_b + c x t_g), t_g that grid's mean duration and T_b the launch's duration (alone, or beside decode:
two readings); every other exclusive kind, many-wave launches, and GPUs without grids keep the committed
charge. Prints the declared decode-side fitted set's loss-share MAPE (fitted on, not evidence), the H100
coverage run's decode loss-share MAPE, the count of held-out cells above 15%, and each decode cell that moves
by more than 2 points or crosses 15%. The sealed sets are not read.

    python validation/calibration/decode_grid_screen.py        (about 16 s)
"""

from __future__ import annotations

import csv
import glob
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import decode_blocking_screen as screen  # noqa: E402
import grid_packing_screen as grids  # noqa: E402
from nicmodel.engines.serving import interference as model  # noqa: E402
from nicmodel.validation.interference import _args  # noqa: E402
from nicmodel.validation.predict import Predictor  # noqa: E402

COMMITTED = model.Coupling.sigma
TARGET = 15.0
SMS = 132  # both GPUs with grids measured (the H200 and the H100 SXM)


def grid_durations() -> dict[str, dict[int, dict[int, float]]]:
    """{gpu: {batch: {GEMV grid: mean duration in seconds}}} from decode_shapes.py's records."""
    out: dict[str, dict[int, dict[int, float]]] = {}
    for gpu, pattern in grids.SHAPES.items():
        sums: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
        for path in sorted(glob.glob(str(ROOT / pattern))):
            for r in csv.DictReader(open(path)):
                if r["name"].startswith("nvjet"):
                    sums[int(r["batch"])][int(r["blocks"])].append(float(r["duration_us"]) * 1e-6)
        out[gpu] = {b: {g: sum(v) / len(v) for g, v in by.items()} for b, by in sums.items()}
    return out


DURATIONS = grid_durations()
_point: tuple[dict[int, float], dict[int, float]] | None = None  # (time share, mean duration) by grid
GROWN = False  # T_b: the launch's duration beside decode (True) or alone


def at(gpu: str, batch: int) -> tuple[dict[int, float], dict[int, float]] | None:
    shares = grids.grids_at(gpu, batch)
    table = DURATIONS.get(gpu)
    if shares is None or not table:
        return None
    below = [b for b in table if b <= batch]
    return shares, table[max(below) if below else min(table)]


def grid_sigma(self: model.Coupling, profile: model.DecodeProfile) -> float:
    """Decode's loss per unit busy share with the GEMVs' share charged by their grids."""
    if _point is None or self.waves > 1 or "weights" not in self.low:
        return COMMITTED(self, profile)
    shares, durations = _point
    grown = 1 + self.slowdown(profile) if GROWN else 1.0
    life = (self.duration_s if self.priority != "high" else self.tau) * grown  # as the committed blocking reads
    weights = profile.shares.get("weights", 0.0)
    gemv = sum(share * (life / (life + self.grain * durations[g])) for g, share in shares.items()
               if self.sms > SMS - g)  # it touches more SMs than the grid leaves free
    committed = COMMITTED(self, profile)
    # the committed sigma less its weights part (its HBM-sharing part scaled down with it: a screen's
    # approximation), plus the grids' charge of the weights' share
    x = self.exclusive(profile)
    other = committed * (1 - weights / x) if x > 0 else committed
    return other + weights * gemv


def predictions(paths: list[Path], form: bool, held_out: bool = True) -> list[tuple[str, object, float]]:
    global _point
    predictor, out = Predictor(), []
    model.Coupling.sigma = grid_sigma if form else COMMITTED
    try:
        for path in paths:
            for pt in screen.read_trace(path):
                if pt.metric != "decode_time_ratio" or (held_out and pt.role != "held-out"):
                    continue
                gpu = next((o.split("=", 1)[1] for o in pt.overrides if o.startswith("gpu=")), "")
                _point = at(gpu, int(float(_args(pt.argument)["batch"]))) if form else None
                out.append((path.name, pt, predictor.predict(pt)))
    finally:
        model.Coupling.sigma = COMMITTED
        _point = None
    return out


def report(label: str, form: bool, traces: list[Path], base: dict | None) -> dict:
    held = predictions(traces, form)
    fitted = predictions([screen.FITTED_SET], form, held_out=False)
    cover = [(pt, p) for n, pt, p in held if n.startswith("h100_coverage") and "family=coverage" in pt.argument]
    print(f"{label}: the fitted set's decode loss-share MAPE {screen.loss_mape([(pt, p) for _, pt, p in fitted]):.1f}% "
          f"(fitted on), the H100 coverage run's {screen.loss_mape(cover):.1f}%")
    errors: dict[tuple[str, str], list[float]] = defaultdict(list)
    for name, pt, p in held:
        errors[(name, screen.family(pt.argument) or "")].append(abs(p / pt.value - 1) * 100)
    cells = {k: sum(v) / len(v) for k, v in errors.items()}
    if base is not None:
        print(f"  decode cells above {TARGET:g}%: committed {sum(v > TARGET for v in base.values())}, "
              f"{label} {sum(v > TARGET for v in cells.values())} of {len(cells)}")
        for key in sorted(base):
            b, a = base[key], cells[key]
            if (b > TARGET) != (a > TARGET) or abs(a - b) > 2:
                print(f"    {key[0]} {key[1]}: {b:.1f} -> {a:.1f}%")
    return cells


def main(traces: list[Path] | None = None) -> int:
    """Print the screen over ``traces`` (every committed interference trace but the fitted set where None)."""
    global GROWN
    traces = traces or [Path(p) for p in sorted(glob.glob(str(ROOT / "validation/traces/h*_interference.csv")))
                        if Path(p) != screen.FITTED_SET]
    base = report("committed", False, traces, None)
    report("grids, launch alone", True, traces, base)
    GROWN = True
    try:
        report("grids, launch beside decode", True, traces, base)
    finally:
        GROWN = False
    return 0


if __name__ == "__main__":
    sys.exit(main())
