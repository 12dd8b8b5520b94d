"""Screen a candidate form, not adopted: the crawl beside long GEMMs slower for launches whose loads wait on
memory (docs/serving.md, The crawl beside long GEMMs; declared_runs.md, the twenty-sixth session's last entry).

Beside a GEMM that streams HBM at full bandwidth, a launch whose blocks wait on their loads one after another
(latency-boundness b, interference.latency_boundness) progresses on the SMs it finds more slowly than their
share: the candidate divides crawl_share by 1 + k x b x (latency_beside_decode - 1). k cannot be fitted on the
crawl's fit set (the regime's co-runners do not wait on memory); it was chosen at 0.5 by reading the check sets
after the crawl was fitted, and the other three coefficients refitted with it on the fit set (``REFIT``; the
fit set's mean error 12.59%, against 12.28% without it). Read on the long-GEMM sets (2026-12-06) it is mixed:
the many-wave data-plane units beside 560-us GEMMs improve by about a third (torch.cat 32.2 -> 22.8%, the
dequantization 26.7 -> 19.5% and 26.1 -> 18.7%), while the dequantization beside 144-us GEMMs, the chunk sequence
and the 405B shape's scatter get 1-4 points worse (8.7 -> 11.3%, 4.0-5.1 -> 4.4-8.2%, 13.2 -> 16.9%). Not
adopted, and no run declared for it: what the many-wave units beside 560-us GEMMs lose is not yet read.

    python validation/calibration/latency_crawl_screen.py [TRACE ...]

Prints, per trace and co-runner family, the committed model's MAPE and the candidate's (held-out rows).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from nicmodel.engines.serving import interference as model  # noqa: E402
from nicmodel.engines.serving.long_gemm import crawl_growth  # noqa: E402
from nicmodel.validation.predict import Predictor  # noqa: E402
from nicmodel.validation.trace import read_trace  # noqa: E402
from nicmodel.validation.validate import family  # noqa: E402
from grid_wait_screen import BEFORE_GRID_CRAWL  # noqa: E402  (declared before the grid crawl: read against it)

K = 0.5  # chosen on the check sets: not fitted
REFIT = {"gpu.interference.crawl_share": 0.2806, "gpu.interference.crawl_high": 1.694,
         "gpu.interference.turn_growth": 0.5761}  # long_gemm_fit.py's objective with the candidate, k = 0.5
TRACES = [f"validation/traces/h100_{name}_interference.csv" for name in
          ("dataplane_ladder_70b", "dataplane_ladder_405b", "dataplane_long_gemm", "design_pattern_70b",
           "design_pattern_405b", "design_pattern_70b_repeat", "design_pattern_405b_repeat")]
COMMITTED_COUPLE, COMMITTED_SLOWDOWN = model.couple, model.Coupling.slowdown


def _couple(p, c, priority, shapes):
    coupling = COMMITTED_COUPLE(p, c, priority, shapes)
    tau = model._geometry(p, c)[4]
    # the divisor's b x (latency_beside_decode - 1), kept on the (frozen) coupling it belongs to
    object.__setattr__(coupling, "_waits", model.latency_boundness(p, c, tau)
                       * (float(p["gpu.interference.latency_beside_decode"]) - 1.0))
    return coupling


def _slowdown(self, profile):
    growth = COMMITTED_SLOWDOWN(self, profile)
    if profile.gemm <= self.gemm_to or self.crawl <= 0:
        return growth
    weights = profile.shares.get("weights", 0.0)
    slower = self.crawl / (1.0 + K * getattr(self, "_waits", 0.0))
    return (growth - crawl_growth(profile.gemm, self.gemm_to, self.duration_s, self.crawl, weights, self.crawl_gain)
            + crawl_growth(profile.gemm, self.gemm_to, self.duration_s, slower, weights, self.crawl_gain))


def mapes(trace: str, candidate: bool) -> dict[str, float]:
    """Co-runner MAPE (%) per family over the trace's held-out rows, committed or candidate."""
    predictor, errors = Predictor(), {}
    if candidate:
        model.couple, model.Coupling.slowdown = _couple, _slowdown
    try:
        for pt in read_trace(ROOT / trace):
            if pt.metric == "corunner_time_ratio" and pt.role == "held-out":
                value = predictor.predict(pt, {**BEFORE_GRID_CRAWL, **(REFIT if candidate else {})})
                errors.setdefault(family(pt.argument), []).append(abs(value / pt.value - 1) * 100)
    finally:
        model.couple, model.Coupling.slowdown = COMMITTED_COUPLE, COMMITTED_SLOWDOWN
    return {fam: statistics.mean(v) for fam, v in errors.items()}


def table(traces: list[str]) -> None:
    """Print each trace's co-runner families, committed against the candidate in place (_couple, _slowdown, REFIT:
    the screens that reuse this set them first)."""
    for trace in traces:
        now, then = mapes(trace, False), mapes(trace, True)
        for fam in sorted(now):
            print(f"{Path(trace).name:50s} {fam:26s} committed {now[fam]:5.1f}%  candidate {then[fam]:5.1f}%")


def main() -> None:
    table(sys.argv[1:] or TRACES)


if __name__ == "__main__":
    main()
