"""Screen a candidate form, declared before its sealed check (validation/collect/declared_runs.md, the twenty-eighth
session): past turn_gemms_to, a launch that lands in one of decode's weight GEMMs progresses at crawl_share on the SMs
the GEMM holds and at its whole pace on those it leaves free.

The committed crawl (engines/serving/long_gemm.py) has every long GEMM hold nearly every SM, as the 70B's and 405B's
do (120-132 blocks). Yi-34B's hold 80 for most of their time at batches 1-8, Qwen2.5-14B's 72: there the many-wave
units were over-predicted (Yi-34B's dequantization 24.1%, 14-35% over). The candidate's share is
f + (1 - f) x phi, phi the time-weighted share of the SMs the step's GEMMs leave free (sum_g w_g (SMs - g) / SMs, the
grids as grid_wait_screen.point_grids finds them; f where none are found). No new coefficient: the crawl's three are
refit with it on their declared set (long_gemm_fit.py), into grid_crawl_candidate.json (--refit). Read on the
committed H100 traces before any run: Yi-34B's dequantization 24.1 -> 15.4%, its torch.cat 7.1 -> 4.5%, the 405B
pace set's torch.cat 27.7 -> 25.6%, the 405B design repeat's chunk sequence 5.1 -> 7.6%; no family crosses 15%.

    python validation/calibration/grid_crawl_screen.py [--refit] [TRACE ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from nicmodel.engines.serving import interference as model  # noqa: E402
from nicmodel.engines.serving.gemm_grids import free_share as engine_free_share  # noqa: E402
from nicmodel.validation.predict import Predictor  # noqa: E402
import grid_wait_screen as grids  # noqa: E402

CANDIDATE = Path(__file__).with_name("grid_crawl_candidate.json")
COMMITTED_GROWTH, COMMITTED_PREDICT = model.crawl_growth, Predictor.predict
_free: list[float | None] = [None]  # the point's time-weighted free-SM share (None: not found)
_contexts = Predictor()  # compiles each scenario once, for its SM count


def free_share(point) -> float | None:
    """phi: the share of the SMs the point's decode GEMMs leave free, weighted by their time."""
    found = grids.point_grids(point)
    if found is None:
        return None
    return engine_free_share(found, float(_contexts.context(point).params["gpu.sms"]))


def candidate_growth(gemm_s, checked_s, duration_s, share, weights, gain=1.0):
    phi = _free[0]
    if phi is not None and share > 0:
        share = share + (1 - share) * phi
    return COMMITTED_GROWTH(gemm_s, checked_s, duration_s, share, weights, gain)


def candidate_predict(self, point, replace=None):
    _free[0] = free_share(point)
    try:
        return COMMITTED_PREDICT(self, point, replace)
    finally:
        _free[0] = None


def use_candidate(on: bool) -> None:
    model.crawl_growth, Predictor.predict = ((candidate_growth, candidate_predict) if on
                                             else (COMMITTED_GROWTH, COMMITTED_PREDICT))


def mapes(trace: Path, candidate: dict | None) -> dict[str, float]:
    """{family: held-out co-runner MAPE %}, committed (None) or the candidate at its values."""
    return grids.mapes(trace, candidate, use_candidate)


def refit() -> dict[str, float]:
    import long_gemm_fit as lg
    import fixed_point as fp
    use_candidate(True)
    try:  # the engine's own grid crawl (the form, adopted since) off: the screen applies it
        predictor, rows = fp.Held({"gpu.interference.crawl_free_pace": 0.0}), lg.fitted_rows()
        best = lg.fit(predictor, rows)
        print(f"crawl refit {dict(zip(lg.NAMES, best.round(4)))}; its fit set "
              f"{100 * lg.errors(predictor, rows, best).mean():.2f}%")
    finally:
        use_candidate(False)
    return {f"gpu.interference.{n}": float(f"{v:.4g}") for n, v in zip(lg.NAMES, best)}


def main(argv: list[str]) -> int:
    if "--refit" in argv:
        CANDIDATE.write_text(json.dumps(refit(), indent=1) + "\n")
        print(f"wrote {CANDIDATE.relative_to(ROOT)}")
        return 0
    values = json.loads(CANDIDATE.read_text())
    traces = [Path(a) for a in argv if not a.startswith("--")] or sorted(grids.TRACES.glob("h100_*_interference.csv"))
    grids.compare(traces, values, use_candidate)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
