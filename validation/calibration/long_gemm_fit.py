"""Fit the crawl beside long GEMMs (engines/serving/long_gemm.py; docs/serving.md, The crawl beside long
GEMMs): gpu.interference.crawl_share, crawl_high and turn_growth, on the H100's regime ladder beside the
70B and 405B shapes, declared as this form's fit set before it ran (validation/collect/declared_runs.md,
the twenty-fourth session; its co-runner rows are the traces' fitted rows). Every other coefficient is
held at the spec's value. Beside the 8B's GEMMs (the ladder's third shape, within turn_gemms_to) the
form adds nothing, so those rows do not enter.

Objective: the mean over the fitted rows of |model / measured - 1| of the co-runner's time ratio (the
error the held-out gates read, pooled). Minimized by Nelder-Mead from the form's first reading; the
range is the 2.5-97.5 percentile of refits on rows resampled with replacement (seeded).

    python validation/calibration/long_gemm_fit.py [--boot N] [--seed S]

Prints the fitted values, the objective and each interval; paste them into hwspecs/gpus/h100-sxm.yaml
(fitted) and the other GPUs' specs (derived: the H100's applied).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nicmodel.validation.predict import Predictor  # noqa: E402
from nicmodel.validation.trace import read_trace  # noqa: E402

FIT_SET = [ROOT / f"validation/traces/h100_regime_ladder_{shape}_interference.csv" for shape in ("70b", "405b")]
NAMES = ("crawl_share", "crawl_high", "turn_growth")
START = (0.2, 1.5, 0.5)  # the form's first reading (docs/serving.md)
BOUNDS = ((0.02, 0.9), (0.5, 4.0), (0.0, 1.0))


def fitted_rows() -> list:
    rows = [p for path in FIT_SET for p in read_trace(path) if p.role == "fitted"]
    if not rows:
        raise SystemExit("no fitted rows in the fit set (validation/traces/h100_regime_ladder_*_interference.csv)")
    return rows


def errors(predictor: Predictor, rows: list, x: np.ndarray, names: tuple[str, ...] = NAMES) -> np.ndarray:
    """|model / measured - 1| of every row at coefficients ``x`` (gpu.interference.<names>)."""
    replace = {f"gpu.interference.{n}": float(v) for n, v in zip(names, x)}
    return np.array([abs(predictor.predict(p, replace) / p.value - 1) for p in rows])


def fit(predictor: Predictor, rows: list, start=START, weights: np.ndarray | None = None, names=NAMES,
        bounds=BOUNDS, options: dict | None = None) -> np.ndarray:
    """The coefficients ``names`` minimizing the (weighted) mean error, inside ``bounds`` (a screen's candidate
    passes its own: tile_tail_form.py)."""
    w = np.ones(len(rows)) if weights is None else weights

    def objective(x: np.ndarray) -> float:
        if any(not lo <= v <= hi for v, (lo, hi) in zip(x, bounds)):
            return 10.0
        return float(np.average(errors(predictor, rows, x, names), weights=w))
    return minimize(objective, np.array(start), method="Nelder-Mead",
                    options=options or {"xatol": 2e-3, "fatol": 1e-5, "maxfev": 300}).x


def refit_with(values: dict[str, float]) -> dict[str, float]:
    """The crawl's three refit on their declared set from their values under ``values`` (dotted paths, SI), every
    other coefficient held there (the specs' where absent); {dotted path: value} of the three (a screen's refit).
    """
    from fixed_point import Held
    held, rows = Held(values), fitted_rows()
    start = [float(held.context(rows[0]).params[f"gpu.interference.{n}"]) for n in NAMES]
    best = fit(held, rows, start=start)
    print(f"crawl refit {dict(zip(NAMES, best.round(4)))}; its fit set {100 * errors(held, rows, best).mean():.2f}%")
    return {f"gpu.interference.{n}": float(v) for n, v in zip(NAMES, best)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--boot", type=int, default=20, help="bootstrap refits for the ranges (0: none)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    predictor, rows = Predictor(), fitted_rows()
    best = fit(predictor, rows)
    err = errors(predictor, rows, best)
    print(f"{len(rows)} fitted rows; mean |error| {100 * err.mean():.2f}% at the fit, "
          f"{100 * errors(predictor, rows, np.array(START)).mean():.2f}% at the first reading")
    rng = np.random.default_rng(args.seed)
    draws = []
    for _ in range(args.boot):  # a resample's weights: how often each row is drawn
        counts = np.bincount(rng.integers(0, len(rows), len(rows)), minlength=len(rows)).astype(float)
        draws.append(fit(predictor, rows, best, counts))
    for i, name in enumerate(NAMES):
        line = f"{name}: {best[i]:.4g}"
        if draws:
            lo, hi = np.percentile([d[i] for d in draws], [2.5, 97.5])
            line += f"  range [{lo:.4g}, {hi:.4g}]  ({len(draws)} bootstrap refits)"
        print(line)


if __name__ == "__main__":
    main()
