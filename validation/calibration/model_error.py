"""The interference model's held-out error beside each data-plane kernel class, per GPU
(validation/calibration/model_error.yaml; docs/serving.md, The model's own error).

For every held-out decode point of a class's families in a GPU's traces (one trace, family, batch,
context, priority and launch path: the bursts of launches per step measured there, pooled), two
factors. Decode's loss: how decode's measured loss share (1 - 1/ratio) grows with the kernel's busy
share across the bursts, over how the model's does (their covariances with the busy share), where
the model's loss spans at least the plan's threshold across them: a decode point's own baseline,
which can move decode's measured time by several percent whatever the busy share, cancels, and a
kernel that costs decode little per launch (the paged-KV scatter; one point's loss share is noisy to
about 0.0014, h200_launch_points against its repeat) enters. The kernel's stretch: its measured
growth beside decode over the model's, summed over the bursts, where the model's sum reaches the
plan's threshold (a co-runner's time repeats to 2-4% between runs). The range a spec gets spans the plan's quantiles of those factors, and 1 (the
model as fitted, the value); a GPU with no co-runner measured gets the widest of the measured GPUs'
ranges, as an assumption. Fitted points never enter.

    python validation/calibration/model_error.py [PLAN] [--write]

Prints each GPU's and class's factors; --write puts them into hwspecs/gpus/*.yaml as the block
`model_error:` at the end of `interference:`. Exits 2 on a bad plan.
"""

from __future__ import annotations

import argparse
import glob
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nicmodel.errors import SpecError  # noqa: E402
from nicmodel.files import write_atomic  # noqa: E402
from nicmodel.validation.trace import read_trace  # noqa: E402
from nicmodel.validation.validate import predict_all  # noqa: E402

PLAN = ROOT / "validation/calibration/model_error.yaml"
PLAN_KEYS = {"threshold", "quantiles", "classes", "measured", "outside", "unmeasured", "caveats"}
SIDES = {"decode_loss": "decode_time_ratio", "stretch": "corunner_time_ratio"}
TOOL = "validation/calibration/model_error.py"


@dataclass(frozen=True)
class Band:
    """One factor's spread at one GPU and class."""

    low: float  # the plan's low quantile
    high: float  # ... and high one
    median: float
    points: int  # held-out decode points counted (each its bursts pooled)
    skipped: int  # ... and left out, their summed prediction below the threshold
    pooled: int  # held-out trace points in the decode points counted


def load_plan(path: Path) -> dict:
    where = str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    try:
        plan = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"cannot read the plan: {exc}", where) from None
    required = PLAN_KEYS - {"caveats", "outside"}
    if not isinstance(plan, dict) or not required <= set(plan) <= PLAN_KEYS:
        raise SpecError(f"a plan has the keys {', '.join(sorted(PLAN_KEYS))} (caveats optional)", where)
    plan.setdefault("caveats", {})
    if not isinstance(plan["threshold"], dict) or set(plan["threshold"]) != set(SIDES) or not all(
            isinstance(v, (int, float)) and v > 0 for v in plan["threshold"].values()):
        raise SpecError(f"threshold: expected a positive number for each of {', '.join(SIDES)}", where)
    low, high = plan["quantiles"]
    if not 0 <= low < high <= 1:
        raise SpecError(f"quantiles: expected two numbers 0 <= low < high <= 1, got {plan['quantiles']}", where)
    if not isinstance(plan.get("outside", []), list) or not all(isinstance(g, str) for g in plan.get("outside", [])):
        raise SpecError("outside: expected a list of trace globs", where)
    for gpu, pattern in plan["measured"].items():
        if not isinstance(pattern, str) or not trace_paths(plan, pattern):
            raise SpecError(f"measured.{gpu}: no trace matches {pattern}", where)
    plan["path"] = where
    return plan


def trace_paths(plan: dict, pattern: str) -> list[str]:
    """The traces a glob names, less those the plan's ``outside`` names (held-out sets measured outside the
    regime the model was checked in, which an answer there flags apart)."""
    left_out = {path for outside in plan.get("outside", []) for path in glob.glob(str(ROOT / outside))}
    return [path for path in sorted(glob.glob(str(ROOT / pattern))) if path not in left_out]


def factors(plan: dict, pattern: str) -> dict[tuple[str, str], tuple[list[float], int, int]]:
    """(class, side) -> (the held-out decode points' factors, the decode points below the threshold,
    the trace points pooled into those counted)."""
    family_class = {f: c for c, families in plan["classes"].items() for f in families}
    groups: dict[tuple, list[tuple[float, float, float]]] = {}  # (class, side, decode point) -> (busy, measured, model)
    for path in trace_paths(plan, pattern):
        for pr in predict_all(read_trace(Path(path))):
            p = pr.point
            arguments = dict(kv.split("=", 1) for kv in p.argument.split(",") if "=" in kv)
            cls = family_class.get(arguments.get("family", ""))
            side = next((s for s, metric in SIDES.items() if metric == p.metric), None)
            if p.role != "held-out" or cls is None or side is None:
                continue
            if side == "decode_loss":
                model, measured = 1.0 - 1.0 / pr.predicted, 1.0 - 1.0 / p.value
            else:
                model, measured = pr.predicted - 1.0, p.value - 1.0
            where = (path, arguments["family"], arguments.get("batch"), arguments.get("context"),
                     arguments.get("priority"), arguments.get("launch"))
            groups.setdefault((cls, side, where), []).append((float(arguments.get("busy", 0.0)), measured, model))
    out: dict[tuple[str, str], tuple[list[float], int, int]] = {}
    for (cls, side, _), rows in groups.items():
        values, skipped, pooled = out.get((cls, side), ([], 0, 0))
        factor = _decode_slope(rows, plan["threshold"][side]) if side == "decode_loss" else _pooled(rows, plan["threshold"][side])
        if factor is None:
            out[(cls, side)] = (values, skipped + 1, pooled)
        else:
            out[(cls, side)] = (values + [factor], skipped, pooled + len(rows))
    return out


def _pooled(rows: list[tuple[float, float, float]], threshold: float) -> float | None:
    """The kernel's growth: summed measured over summed predicted, where the sum reaches ``threshold``."""
    model = sum(r[2] for r in rows)
    return sum(r[1] for r in rows) / model if model >= threshold else None


def _decode_slope(rows: list[tuple[float, float, float]], threshold: float) -> float | None:
    """Decode's loss: how it grows with the kernel's busy share across the decode point's bursts,
    measured over predicted (their covariances with the busy share). A decode point's baseline, which
    moves decode's measured time by up to several percent whatever the busy share (beside pinned copies
    busy 1.5% of the step, decode 6-9% slower at batch 33), cancels; the serving engines charge decode
    in proportion to the busy share, so that is the factor they take. None with fewer than three bursts
    or where the predicted loss spans less than ``threshold`` across them."""
    if len(rows) < 3:
        return None
    busy = np.array([r[0] for r in rows])
    measured, model = np.array([r[1] for r in rows]), np.array([r[2] for r in rows])
    if model.max() - model.min() < threshold:
        return None
    centred = busy - busy.mean()
    return float(centred @ measured / (centred @ model))


def bands(plan: dict) -> dict[str, dict[tuple[str, str], Band]]:
    """GPU -> (class, side) -> its band, for every measured GPU."""
    low, high = plan["quantiles"]
    out = {}
    for gpu, pattern in plan["measured"].items():
        out[gpu] = {}
        for key, (values, skipped, pooled) in sorted(factors(plan, pattern).items()):
            if values:
                x = np.asarray(values)
                out[gpu][key] = Band(float(np.quantile(x, low)), float(np.quantile(x, high)),
                                     float(np.median(x)), len(x), skipped, pooled)
    return out


def _range(low: float, high: float) -> tuple[str, str]:
    return f"{min(low, 1.0):.3g}", f"{max(high, 1.0):.3g}"


def block(plan: dict, found: dict, gpu: str) -> list[str]:
    """The spec lines of `model_error:` for one GPU."""
    low_q, high_q = (round(q * 100) for q in plan["quantiles"])
    what = {"decode_loss": ("decode's measured loss share over the model's (1 - 1/ratio)", "loss share"),
            "stretch": ("the kernel's measured growth beside decode over the model's (ratio - 1)", "growth")}
    lines = ["  # the model's own error beside each data-plane kernel class, from the held-out points",
             f"  # (written by {TOOL}; docs/serving.md, The model's own error)", "  model_error:"]
    for cls, families in plan["classes"].items():
        entries = []
        for side in SIDES:
            text, excess = what[side]
            if gpu in found:
                b = found[gpu].get((cls, side))
                if b is None:
                    continue
                lo, hi = _range(b.low, b.high)
                source = (f"{TOOL}: {text}, each decode point's bursts pooled, at the {b.points} held-out decode "
                          f"points ({b.pooled} points) of {', '.join(families)} on this GPU whose summed predicted "
                          f"{excess} is {plan['threshold'][side]:g} or more (of {b.points + b.skipped}; "
                          f"{plan['measured'][gpu]}): {low_q}th-{high_q}th percentile {b.low:.3g}-{b.high:.3g}, "
                          f"median {b.median:.3g}; the value is the model as fitted, the range spans the points and 1"
                          + (f"; {plan['caveats'][gpu]}" if gpu in plan["caveats"] else ""))
                kind = "derived"
            else:
                spans = {g: found[g][(cls, side)] for g in found if (cls, side) in found[g]}
                if not spans:
                    continue
                lo = _range(min(b.low for b in spans.values()), max(b.high for b in spans.values()))[0]
                hi = _range(min(b.low for b in spans.values()), max(b.high for b in spans.values()))[1]
                each = "; ".join(f"{g} {b.low:.3g}-{b.high:.3g}" for g, b in spans.items())
                source = (f"no co-runner measured on this GPU: the widest of the measured GPUs' {low_q}th-{high_q}th "
                          f"percentile ranges of {text} beside {', '.join(families)} ({each}; {TOOL})")
                kind = "assumed"
            entries.append(f"      {side}: {{value: 1.0, kind: {kind}, source: \"{source}\", range: [{lo}, {hi}]}}")
        if entries:
            lines += [f"    {cls}:"] + entries
    return lines


def write_specs(plan: dict, found: dict, folder: Path = ROOT / "hwspecs/gpus") -> list[Path]:
    """Replace (or add) the `model_error:` block at the end of each planned GPU's `interference:`."""
    written = []
    for gpu in [*plan["measured"], *plan["unmeasured"]]:
        path = folder / f"{gpu}.yaml"
        lines = path.read_text().split("\n")
        start = next(i for i, line in enumerate(lines) if line == "interference:")
        end = next((i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith((" ", "#"))),
                   len(lines))
        while end > start and not lines[end - 1].strip():
            end -= 1
        old = next((i for i in range(start, end) if lines[i].startswith("  # the model's own error beside")), end)
        text = "\n".join(lines[:old] + block(plan, found, gpu) + lines[end:])
        if text != path.read_text():
            write_atomic(path, text)
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("plan", nargs="?", default=str(PLAN))
    ap.add_argument("--write", action="store_true", help="write the bands into the GPU specs")
    args = ap.parse_args(argv)
    try:
        plan = load_plan(Path(args.plan).resolve())
        found = bands(plan)
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for gpu, by in found.items():
        for (cls, side), b in by.items():
            print(f"  {gpu:9s} {cls:11s} {side:12s} {b.low:.3g}-{b.high:.3g} (median {b.median:.3g}; "
                  f"{b.points} decode points of {b.pooled} points, {b.skipped} below the threshold)")
    if args.write:
        for path in write_specs(plan, found):
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
