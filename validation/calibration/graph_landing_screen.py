"""Screen a candidate form, not declared and not adopted: a launch replayed from a CUDA graph waits, beside decode's
weight GEMMs longer than every fit saw, the part of the turn that grows past them (docs/serving.md, Stream and graph
launches along the GEMM-length ladder).

The committed turn wait charges a stream launch launch_turns x turn_share of the GEMM length it counts (its own up to
turn_gemms_to, past it growing as the length to turn_growth), scaled by its rounds on the SMs the GEMMs leave free
(gemm_grids.turn_rounds), and a graph launch graph_wait only. The stream/graph diagnostic (h100/stream_graph_*_random/)
read graph launches beside 144- and 560-us GEMMs 22-47% under the model, while those from Python stayed within about
10%. The candidate adds to a graph launch K x launch_turns x turn_share x (the counted length - turn_gemms_to) x its
rounds: the grown part only, so nothing moves beside the GEMMs every fit saw. No coefficient is fitted.

Read 2026-12-06 (a thirtieth session), after the diagnostic, so not a sealed reading. K = 1: the diagnostic's scatter
families 25.9 -> 10.0% (the 70B shape) and 31.7 -> 6.3% (the 405B), but the short units beside Qwen2.5-14B and Yi-34B
(48- and 90-us GEMMs, graph launches the model already gives about their time) worse: Yi-34B's short-compute 14.6 ->
24.3% and short-2-byte 16.1 -> 29.3%, Qwen2.5-14B's short-2-byte 13.3 -> 18.5%; two families down, two up. K = 2: one
down, two up. The landing a graph launch loses differs by kernel (the scatter's 4.8-us copies needed about the grown
turn, the 2.7-us ALU launches a third of it beside the 70B shape) and is small beside GEMMs that leave SMs free; a
form needs both before a declaration. A variant read the same day (a scratch patch, not kept): a graph launch's whole
per-landing growth (all but the turn and the crawl) times (L / turn_gemms_to)^turn_growth past turn_gemms_to, as the
diagnostic's graph losses grow from the 8B's (about the power 0.45): 25.9 -> 10.6% and 31.7 -> 12.1%, Yi-34B's
short-compute 14.6 -> 30.4%, the same trade; on every launch path it puts 38 families above 15% (the stream turn
already carries the growth).

    python validation/calibration/graph_landing_screen.py [K] [TRACE ...]

Prints the held-out families whose MAPE crosses 15% either way, and the count above it, committed and candidate.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nicmodel.engines.serving import interference as model  # noqa: E402
from nicmodel.engines.serving.gemm_grids import turn_rounds  # noqa: E402
from nicmodel.engines.serving.long_gemm import turn_gemm  # noqa: E402
from nicmodel.validation.predict import Predictor  # noqa: E402
from nicmodel.validation.trace import read_trace  # noqa: E402
from nicmodel.validation.validate import predict_all, summary  # noqa: E402

TARGET = 15.0  # % held-out MAPE (issue 18)
COMMITTED_COUPLE, COMMITTED_WAIT = model.couple, model.Coupling.turn_wait


def _couple(p, c, priority, shapes):
    """The committed coupling, with what the candidate reads: the full turn share and the launch's graph share."""
    cp = COMMITTED_COUPLE(p, c, priority, shapes)
    q = "gpu.interference."
    object.__setattr__(cp, "full_turns", float(p[q + "launch_turns"]) * float(p[q + "turn_share"]))
    object.__setattr__(cp, "graph_share", c.graph_share)
    return cp


def _wait(k: float):
    def turn_wait(self, profile) -> float:
        wait = COMMITTED_WAIT(self, profile)
        if self.graph_share <= 0 or profile.gemm <= self.gemm_to:
            return wait
        length = turn_gemm(profile.gemm, self.gemm_to, self.turn_growth)
        rounds = (1.0 if profile.grids is None or self.turn_free <= 0 else
                  turn_rounds(profile.grids, profile.sms, self.blocks, self.per_sm, self.tau, length, self.turn_free))
        return wait + k * self.graph_share * self.full_turns * (length - self.gemm_to) * rounds
    return turn_wait


@contextmanager
def candidate(k: float):
    """The candidate form in place of the committed turn wait, for the duration."""
    model.couple, model.Coupling.turn_wait = _couple, _wait(k)
    try:
        yield
    finally:
        model.couple, model.Coupling.turn_wait = COMMITTED_COUPLE, COMMITTED_WAIT


def held_out(trace: Path, drop: frozenset[tuple[str, int]] = frozenset()) -> dict[str, float]:
    """{metric/family: held-out MAPE %} of an interference trace under the model in place, the points ``drop``
    ((file, row): a candidate's own fit rows) left out."""
    points = [p for p in read_trace(trace) if (p.file, p.row) not in drop]
    return {f"{s['metric']}/{s['family']}": s["mape_pct"] for s in summary(predict_all(points, Predictor()))
            if s["role"] == "held-out" and "family" in s}


def main(argv: list[str]) -> int:
    k = float(argv[0]) if argv and not argv[0].endswith(".csv") else 1.0
    traces = [Path(a) for a in argv if a.endswith(".csv")] or sorted((ROOT / "validation/traces").glob("*_interference.csv"))
    now = {(t.name, f): v for t in traces for f, v in held_out(t).items()}
    with candidate(k):
        then = {(t.name, f): v for t in traces for f, v in held_out(t).items()}
    for key in sorted(now):
        if (now[key] > TARGET) != (then[key] > TARGET):
            print(f"  {key[0]} {key[1]}: {now[key]:.1f} -> {then[key]:.1f}%")
    above = (sum(v > TARGET for v in now.values()), sum(v > TARGET for v in then.values()))
    print(f"K = {k:g}: {len(now)} held-out families; above {TARGET:g}%: committed {above[0]}, candidate {above[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
