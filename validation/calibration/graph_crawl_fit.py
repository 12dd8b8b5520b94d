"""Fit the graph crawl (engines/serving/long_gemm.py, graph_crawl_share; docs/serving.md, The graph crawl):
gpu.interference.graph_crawl_fall alone, on the stream/graph diagnostic's graph twins beside the 70B and 405B
shapes (their co-runner rows, the traces' fitted rows), declared as this form's fit set before any fit
(validation/collect/declared_runs.md, the thirty-first session). Every other coefficient is held at the spec's
value; launches from Python do not move with it, and beside GEMMs up to turn_gemms_to it adds nothing.

Objective: the mean over the fitted rows of |model / measured - 1| of the co-runner's time ratio (the error the
held-out gates read, pooled), minimized over [0, 3] (bounded Brent). The range is the 2.5-97.5 percentile of refits
on rows resampled with replacement (seeded).

    python validation/calibration/graph_crawl_fit.py [--boot N] [--seed S]

Prints the fitted value, the objective and the interval; paste them into hwspecs/gpus/h100-sxm.yaml (fitted) and
the other GPUs' specs (derived: the H100's applied).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nicmodel.validation.predict import Predictor  # noqa: E402
from nicmodel.validation.trace import read_trace  # noqa: E402

FIT_SET = [ROOT / f"validation/traces/h100_stream_graph_{shape}_interference.csv" for shape in ("70b", "405b")]
NAME = "gpu.interference.graph_crawl_fall"
BOUNDS = (0.0, 3.0)


def fitted_rows() -> list:
    rows = [p for path in FIT_SET for p in read_trace(path) if p.role == "fitted"]
    if not rows:
        raise SystemExit("no fitted rows in the fit set (validation/traces/h100_stream_graph_{70b,405b}_interference.csv)")
    return rows


def errors(predictor: Predictor, rows: list, fall: float) -> np.ndarray:
    """|model / measured - 1| of every row at graph_crawl_fall ``fall``."""
    return np.array([abs(predictor.predict(p, {NAME: fall}) / p.value - 1) for p in rows])


def fit(predictor: Predictor, rows: list, weights: np.ndarray | None = None) -> float:
    """The fall minimizing the (weighted) mean error inside BOUNDS."""
    w = np.ones(len(rows)) if weights is None else weights
    res = minimize_scalar(lambda f: float(np.average(errors(predictor, rows, f), weights=w)), bounds=BOUNDS,
                          method="bounded", options={"xatol": 1e-4})
    return float(res.x)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--boot", type=int, default=100, help="bootstrap refits for the range")
    ap.add_argument("--seed", type=int, default=20261206)
    args = ap.parse_args(argv)
    predictor, rows = Predictor(), fitted_rows()
    best = fit(predictor, rows)
    before, after = errors(predictor, rows, 0.0).mean(), errors(predictor, rows, best).mean()
    rng = np.random.default_rng(args.seed)
    boot = [fit(predictor, rows, np.bincount(rng.integers(0, len(rows), len(rows)), minlength=len(rows)).astype(float))
            for _ in range(args.boot)]
    lo, hi = np.percentile(boot, [2.5, 97.5]) if boot else (best, best)
    print(f"{len(rows)} fitted rows; graph_crawl_fall {best:.4g} (95% bootstrap {lo:.4g}-{hi:.4g}, {args.boot} refits); "
          f"mean |error| {before * 100:.1f}% at 0 -> {after * 100:.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
