"""Screen the crawl share by body that the free-SM pace run (free_sm_pace.py, h100/free_sm_pace/) was declared to
lead to, and two variants; none adopted (docs/serving.md, The crawl beside long GEMMs; declared_runs.md, the
twenty-seventh session).

- ``declared``: the crawl of a launch whose loads wait on memory slowed by 1 + k b (latency_beside_decode - 1)
  (latency_crawl_screen.py's form), k taken from the pace run (never from a trace): s0 / (1 + k b (L - 1)) fitted
  in logs to the memory bodies' paces over their SM share beside the stream blocker at F = 12 and 4 (k = 8.72, ``k_from_pace``);
  then crawl_share, crawl_high and turn_growth refit on the declared fit set (long_gemm_fit.py's objective).
- ``speed`` (a variant, not declared): the crawl share times the launch's own speed on the free SMs over its SM
  share, as the run's geometry and bandwidth read it: (waves alone / waves on F SMs) / (F / SMs), times
  C / (1 - u (1 - b)) for a launch that moves HBM bytes (u its HBM share alone, b its latency-boundness; C = 0.64,
  the stream blocker's traffic, the geometric mean of the memory bodies' measured over that product), F = 12;
  capped at 0.95; the three coefficients refit the same way.
- ``grids`` (a variant, not declared): no crawl share at all: each of the decode shape's weight GEMMs (the ladder's
  70B and 405B rungs' profiled grids and lengths, h100/dataplane_ladder_*_random/decode_kernels.csv; the shape
  whose mean GEMM is nearest the step's) leaves 132 - its blocks SMs free, and a launch crawls through it at its
  own pace there as ``speed`` reads it (0 on none), length-weighted over the GEMMs; crawl_high and turn_growth
  refit (crawl_share unused).

Read 2026-12-06: ``grids`` fit set 30.5% (crawl_high at 0.56, near its floor) and every long-GEMM family far
over-predicted (the chunk sequence 4 -> 100-111%, the scatter 5-13 -> 219-224%): a launch beside a real GEMM loses about a third of what crawling on its free SMs would cost. ``declared`` fit set 15.97% (12.28% committed), the held-out long-GEMM sets far worse (the 405B
chunk sequence 4.0 -> 34.5%, the 405B scatter 13.2 -> 38.5%); ``speed`` fit set 13.09%, four families cross down (the 405B units, the long run's
torch.cat) and six up (the scatter beside both shapes, the 405B decoder, the repeat's dequantization).

    python validation/calibration/free_sm_pace_screen.py declared|speed|grids
"""

from __future__ import annotations

import dataclasses
import math
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import free_sm_pace_read as run  # noqa: E402
import grid_turn_screen as grid_turns  # noqa: E402
import latency_crawl_screen as screen  # noqa: E402
import long_gemm_fit as fitting  # noqa: E402
from nicmodel.engines.serving import interference as model  # noqa: E402
from nicmodel.engines.serving.long_gemm import crawl_growth, crawl_loss  # noqa: E402
from nicmodel.validation import interference as arguments  # noqa: E402
from nicmodel.validation.predict import Predictor  # noqa: E402
from nicmodel.validation.trace import read_trace  # noqa: E402
from nicmodel.validation.validate import family  # noqa: E402

# each measured memory body as the traces describe the same launch (the ladder's 405B rungs, ~50 us for the regime's)
BODIES = {"cat_8_chunks": ("dataplane_ladder_405b", "torch-cat", None),
          "dequantize_as_written": ("dataplane_ladder_405b", "lmcache-dequantization", None),
          **{f"mem_{g}": ("regime_ladder_405b", "regime-memory", str(g)) for g in (2048, 8192, 32768)}}
C_TRAFFIC, FREE, CAP = 0.64, 12.0, 0.95


def latency_boundness(name: str) -> float:
    """The model's latency-boundness of a measured body, from the first trace row that describes it."""
    trace, fam, blocks = BODIES[name]
    predictor = Predictor()
    for pt in read_trace(ROOT / f"validation/traces/h100_{trace}_interference.csv"):
        a = dict(kv.split("=", 1) for kv in pt.argument.split(","))
        if pt.metric != "corunner_time_ratio" or family(pt.argument) != fam:
            continue
        if blocks and (a.get("blocks") != blocks or not 40 < float(a["duration"].removesuffix("us")) < 60):
            continue
        p = predictor.context(pt).params
        c = next(c for kind, c, _ in arguments._corunners(p, a) if kind != "dma")
        return model.latency_boundness(p, c, model._geometry(p, c)[4])
    raise LookupError(name)


def k_from_pace(folder: Path = ROOT / "validation/traces/h100/free_sm_pace", latency: float = 2.82) -> float:
    """k of s0 / (1 + k b (latency - 1)), fitted in logs to the memory bodies' paces over their SM share beside
    the stream blocker at F = 12 and 4 (latency: the H100's latency_beside_decode, where the run was made)."""
    paces, share = run.paces(folder), run.share(folder)
    data = [(latency_boundness(n), paces[(n, "stream", f)] / share[f]) for n in BODIES for f in (12, 4)]

    def objective(x: np.ndarray) -> float:
        s0, k = x
        if s0 <= 0 or k < 0:
            return 1e9
        return sum((math.log(s0 / (1 + k * b * (latency - 1))) - math.log(v)) ** 2 for b, v in data)
    return float(minimize(objective, np.array([3.0, 1.0]), method="Nelder-Mead").x[1])


def relative_speed(p, c, free: float) -> float:
    """The launch's pace on ``free`` SMs over their share of the GPU's, as the pace run reads it from its spec:
    (waves alone / waves on them) / (free / SMs), times C_TRAFFIC / (1 - u (1 - b)) for a launch that moves HBM
    bytes (u its HBM share alone, b its latency-boundness)."""
    sms, limit = float(p["gpu.sms"]), model.blocks_per_sm(p, c.shape)
    alone, few = (max(1, math.ceil(c.blocks / (n * limit))) for n in (sms, free))
    geometry = alone / few / (free / sms)
    u = min(1.0, c.hbm_share)
    if u <= 0:
        return geometry
    b = model.latency_boundness(p, c, model._geometry(p, c)[4])
    return geometry * C_TRAFFIC / (1 - u * (1 - b))


def speed(p, c) -> float:
    """The launch's speed on FREE SMs over their share (the ``speed`` variant)."""
    return relative_speed(p, c, FREE)


def speed_on(p, c, free: float) -> float:
    """The launch's pace on ``free`` SMs (a share of its pace alone, at most 1; 0 on none)."""
    if free <= 0:
        return 0.0
    return min(1.0, relative_speed(p, c, free) * free / float(p["gpu.sms"]))


def gemm_grids(shape: str) -> list[tuple[int, float, float]]:
    """(blocks, seconds, share of the weight time) of each of a ladder rung's profiled weight GEMMs."""
    path = ROOT / f"validation/traces/h100/dataplane_ladder_{shape}_random/decode_kernels.csv"
    kernels = [(int(r["blocks"]), float(r["duration_us"]) * 1e-6) for r in grid_turns.gemm_kernels(path)]
    total = sum(t for _, t in kernels)
    return [(b, t, t / total) for b, t in kernels]


GRIDS = {shape: gemm_grids(shape) for shape in ("70b", "405b")}
MEAN_GEMM = {shape: sum(t * w for _, t, w in g) / sum(w for _, _, w in g) for shape, g in GRIDS.items()}


def _grids_couple(p, c, priority, shapes):
    coupling = screen.COMMITTED_COUPLE(p, c, priority, shapes)
    if coupling.crawl > 0:  # the pace on each grid's free SMs, kept on the (frozen) coupling
        sms = float(p["gpu.sms"])
        paces = {b: max(1e-6, speed_on(p, c, sms - b)) for g in GRIDS.values() for b, _, _ in g}
        object.__setattr__(coupling, "_paces", paces)
    return coupling


def _grids_slowdown(self, profile):
    growth = screen.COMMITTED_SLOWDOWN(self, profile)
    if profile.gemm <= self.gemm_to or self.crawl <= 0:
        return growth
    shape = min(MEAN_GEMM, key=lambda s: abs(math.log(MEAN_GEMM[s] / profile.gemm)))
    paces = getattr(self, "_paces", {})
    loss = sum(w * (crawl_loss(t, self.duration_s, paces[b]) - crawl_loss(min(t, self.gemm_to), self.duration_s,
                                                                         paces[b])) for b, t, w in GRIDS[shape])
    weights = profile.shares.get("weights", 0.0)
    return (growth - crawl_growth(profile.gemm, self.gemm_to, self.duration_s, self.crawl, weights, self.crawl_gain)
            + self.crawl_gain * weights * loss / self.duration_s)


def _speed_couple(p, c, priority, shapes):
    coupling = screen.COMMITTED_COUPLE(p, c, priority, shapes)
    if coupling.crawl <= 0:
        return coupling
    return dataclasses.replace(coupling, crawl=min(CAP, coupling.crawl * speed(p, c)))


def main(argv: list[str]) -> int:
    which = argv[0] if argv else "declared"
    if which == "declared":
        screen.K = k_from_pace()
        print(f"k from the pace run: {screen.K:.3g}")
        patch, start = (screen._couple, screen._slowdown), (0.26, 1.69, 0.56)
    elif which == "speed":
        patch, start = (_speed_couple, screen.COMMITTED_SLOWDOWN), (0.14, 1.69, 0.55)
    elif which == "grids":
        patch, start = (_grids_couple, _grids_slowdown), (0.244, 1.69, 0.55)
    else:
        print(f"error: {which!r}: expected declared, speed or grids", file=sys.stderr)
        return 2
    model.couple, model.Coupling.slowdown = patch
    try:
        predictor, rows = Predictor(), fitting.fitted_rows()
        best = fitting.fit(predictor, rows, start=start)
        error = fitting.errors(predictor, rows, best).mean()
    finally:
        model.couple, model.Coupling.slowdown = screen.COMMITTED_COUPLE, screen.COMMITTED_SLOWDOWN
    print(f"{which}: " + ", ".join(f"{n} {v:.4g}" for n, v in zip(fitting.NAMES, best))
          + f"; fit set {100 * error:.2f}%")
    screen._couple, screen._slowdown = patch
    screen.REFIT = {f"gpu.interference.{n}": float(v) for n, v in zip(fitting.NAMES, np.asarray(best))}
    screen.table(screen.TRACES)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
