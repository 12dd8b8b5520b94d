"""A screen of the next form on decode's side (validation/collect/declared_runs.md, the sixteenth
session's decode-side sets; docs/serving.md, The model's own error, pooled by decode point).

The model charges decode, per unit of a co-runner's busy share, sigma = blocking + (1 - blocking) x
hbm_sharing x its HBM share. Beside compute-bound co-runners where attention takes much of the step
that is too little. The candidate term is the mirror of the co-runner side's attention issue loss:
decode's attention losing the issue slots a compute-bound co-runner's resident blocks take,

    extra loss = k x busy x (1 - blocking) x attention's share of decode's kernel time
                 x the co-runner's SM coverage x its issue demand (at most 1) x its compute-boundness,

added to decode's loss share. This script fits the one number k by least squares on the loss shares
of the chosen GPU's unprofiled held-out decode points and prints, per family the term touches,
decode's charged share of its measured loss (summed predicted over summed measured) and its MAPE on
the decode ratio, before and after. It is a screen, not a calibration: it reads every held-out point,
so nothing it prints is evidence of accuracy. Fitted on the set declared for it before any form
(validation/traces/h200_regime_decode_fit_interference.csv, every calibration at its fixed point) the
coefficient went to 0, and the form was not adopted (docs/serving.md, Decode's side beside
compute-bound co-runners); the screen stays as the record of what it saw. No spec is written.

    python validation/calibration/decode_issue_screen.py [h200|h100] [--k K]
    python validation/calibration/decode_issue_screen.py --fitted-set

--k applies a given k instead of fitting one (to carry the H200's to the H100). --fitted-set reads
only the declared fitted set of the next decode-side form (FITTED_SET: its decode points whose
measured loss share is at least 0.01) and fits k with the estimator declared for that form, the
relative error of decode's loss share (validation/collect/declared_runs.md; docs/serving.md,
Decode's side near saturation): a screen of the old term under the new estimator, not a form. Exits 2
on a bad command line.
"""

from __future__ import annotations

import argparse
import glob
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nicmodel.engines.serving import interference as model  # noqa: E402
from nicmodel.validation import interference as metric  # noqa: E402
from nicmodel.validation.predict import Predictor  # noqa: E402
from nicmodel.validation.trace import read_trace  # noqa: E402
from nicmodel.validation.validate import LOSS_FLOOR, family  # noqa: E402

PROFILED = {"h200_interference.csv", "h200_rerun_interference.csv"}  # measured after torch's profiler ran
FITTED_SET = ROOT / "validation/traces/h200_regime_decode_fit_interference.csv"  # the next form's, declared


def points(gpu: str, paths: list[str] | None = None) -> list[dict]:
    """Every held-out decode point of one-kernel units on the GPU's traces (the profiled H200 traces
    left out), or on ``paths``: its family, measured and predicted loss shares, and the candidate term
    per unit k."""
    predictor, out, couplings = Predictor(), [], {}
    for path in paths or sorted(glob.glob(str(ROOT / f"validation/traces/{gpu}*_interference.csv"))):
        if Path(path).name in PROFILED:
            continue
        for pt in read_trace(Path(path)):
            a = metric._args(pt.argument) if pt.metric == "decode_time_ratio" else {}
            if pt.role != "held-out" or not a or "+" in a["kernel"] or a["kernel"] == "dma":
                continue
            ctx = predictor.context(pt)
            key = (pt.scenario, pt.overrides, pt.argument.split(",busy=")[0], a["kernel"], a.get("duration"),
                   a.get("bytes"), a.get("launches"), a.get("launch"))
            if key not in couplings:
                p = ctx.params
                kv = float(np.asarray(metric.bytes_per_token(ctx.plan, p)["kv"]))
                prof = metric.profile(p, kv, float(a["batch"]), float(a["context"]))
                (_, c, _), = metric._corunners(p, a)
                cp = model.couple(p, c, a["priority"], prof.shapes)
                couplings[key] = (prof.shares.get("attention", 0.0) * cp.cover * cp.issue * cp.compute, cp.blocking(prof))
            per_busy, blocked = couplings[key]
            out.append({"family": family(pt.argument), "measured": 1.0 - 1.0 / pt.value,
                        "predicted": 1.0 - 1.0 / predictor.predict(pt),
                        "term": float(a["busy"]) * (1.0 - blocked) * per_busy})
    return out


def least_squares_k(rows: list[dict]) -> float:
    """The one k that best closes decode's measured loss share, in least squares over ``rows``."""
    term = np.array([r["term"] for r in rows])
    gap = np.array([r["measured"] - r["predicted"] for r in rows])
    return float(term @ gap / (term @ term))


def relative_k(rows: list[dict]) -> float:
    """The one k that best closes decode's measured loss share in relative least squares (the estimator
    declared for the next decode-side form): the sum over rows of ((predicted + k x term) / measured - 1)^2
    is least at k = sum(t/m x (m - p)/m) / sum((t/m)^2)."""
    t = np.array([r["term"] / r["measured"] for r in rows])
    gap = np.array([(r["measured"] - r["predicted"]) / r["measured"] for r in rows])
    return float(t @ gap / (t @ t))


def charged(rows: list[dict], family_name: str | None, k: float = 0.0) -> float:
    """Decode's charged share of its measured loss beside a family (every row's with None): summed
    predicted (with k x the term) over summed measured."""
    picked = [r for r in rows if family_name in (None, r["family"])]
    return sum(r["predicted"] + k * r["term"] for r in picked) / sum(r["measured"] for r in picked)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gpu", nargs="?", default="h200", choices=("h200", "h100"))
    ap.add_argument("--k", type=float, default=None, help="apply this k instead of fitting one")
    ap.add_argument("--fitted-set", action="store_true",
                    help="only the next form's declared fitted set, k by the declared estimator (H200)")
    args = ap.parse_args(argv)
    if args.fitted_set:
        return fitted_set_screen()
    rows = points(args.gpu)
    measured = np.array([r["measured"] for r in rows])
    predicted = np.array([r["predicted"] for r in rows])
    term = np.array([r["term"] for r in rows])
    k = args.k if args.k is not None else least_squares_k(rows)
    after = predicted + k * term
    names = np.array([r["family"] for r in rows])

    def mape(loss: np.ndarray, m: np.ndarray) -> float:
        return float(np.mean(np.abs((1.0 - measured[m]) / (1.0 - loss[m]) - 1.0)) * 100.0)

    print(f"{args.gpu}: {len(rows)} held-out decode points, k = {k:.3f} ({'given' if args.k is not None else 'fitted on them all'})")
    print(f"{'family':30s} {'points':>6s}  charged before -> after   decode MAPE before -> after")
    for name in sorted(set(names)):
        m = names == name
        if not term[m].any():
            continue
        print(f"{name:30s} {int(m.sum()):6d}  {charged(rows, name):14.2f} -> {charged(rows, name, k):.2f}"
              f"   {mape(predicted, m):17.2f} -> {mape(after, m):.2f}")
    every = np.ones(len(rows), dtype=bool)
    print(f"{'every family':30s} {len(rows):6d}  {'':14s}      {mape(predicted, every):17.2f} -> {mape(after, every):.2f}")
    return 0


def fitted_set_screen() -> int:
    """The old term on the declared fitted set under the declared estimator: k, and per family the
    loss-share MAPE and charged share at 0 and at k."""
    rows = [r for r in points("h200", [str(FITTED_SET)]) if r["measured"] >= LOSS_FLOOR]
    k = relative_k(rows)
    print(f"{FITTED_SET.name}: {len(rows)} decode points that lost at least {LOSS_FLOOR:.0%}; k = {k:.3f} "
          "(relative least squares on the loss share)")
    for name in [*sorted({r["family"] for r in rows}), None]:
        picked = [r for r in rows if name in (None, r["family"])]
        cells = []
        for kk in (0.0, k):
            e = [abs((r["predicted"] + kk * r["term"]) / r["measured"] - 1.0) for r in picked]
            cells.append(f"loss-share MAPE {100 * sum(e) / len(e):.1f}%, charged {charged(picked, name, kk):.2f}")
        print(f"{name or 'every family':20s} {len(picked):4d}  at 0: {cells[0]}; at k: {cells[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
