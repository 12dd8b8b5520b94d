"""Screen a candidate form, declared before its sealed check (validation/collect/declared_runs.md, the twenty-ninth
session): the turn rounds. A stream launch waiting its turn in one of decode's weight GEMMs runs on the SMs the GEMM
leaves free in rounds, and loses those rounds, not the GEMM left, when they finish it first.

The committed turn wait (launch_turns of decode's mean weight GEMM, its length L growing past turn_gemms_to) treats
every GEMM as holding every SM. A one-wave launch of B blocks (b = min(limit, max(1, B / SMs)) on an SM alone, each
living tau) that lands in a GEMM of grid g with R of it left has its F_g = SMs - g free SMs hold F_g b of them at a
time; the rest wait for the GEMM's end. Its last block starts at R unless the free SMs' rounds finish it first, after
a_g = tau u_g / (1 - u_g) (u_g = max(0, B - F_g b) / B: fluid rounds at its pace alone per SM). It loses min(R, a_g);
over R ~ U(0, L), L/2 x h(x), h = 2x - x^2, x = min(1, a_g / L). The candidate scales the committed turns by the
time-weighted mean of h over the step's measured grids (gemm_grids.turn_rounds, gpu.interference.turn_free_pace 1:
its whole pace there, as the grid crawl has it inside long GEMMs). No coefficient is fitted to a grid: h is 1 where a
GEMM holds every SM (the form as fitted), 0 where the free SMs hold the launch whole, and between it follows the
launch's block lifetime against the GEMM's length. The grid wait (grid_wait_screen.py, not adopted) scaled by u alone:
a 4.5-us scatter block beside Yi-34B's 80-block GEMMs and a 22-us one wait the same share there; here the first waits
a tenth of its turn and the second nearly all of it.

Read on the committed traces before its declaration (so not a sealed reading; the screen that chose it): with the
plan's fixed point and the crawl refit (below), families above 15% 24 -> 19 of 757 read (the scatter beside Yi-34B
32.7 -> 7.0% and 28.5 -> 4.2%, beside Qwen2.5-14B 23.5 -> 5.4% and 21.5 -> 6.3%; the H200's coverage-compute 15.0 ->
14.8%), none up; worst moved, the 405B design pattern's chunk sequence 4.1 -> 8.8%.

--refit: the H200 plan's calibrations (fixed_point.py) iterated to their fixed point with the form, then the crawl's
three coefficients refit on their declared set (long_gemm_fit.py), written to turn_rounds_candidate.json. Without it,
the model before the form (BEFORE_TURN_ROUNDS; adopted since, docs/serving.md, The turn rounds) and the candidate
(that file's values, every GPU) are compared per trace and held-out metric/family.

    python validation/calibration/turn_rounds_screen.py [--refit] [TRACE ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from nicmodel.validation.predict import Predictor  # noqa: E402
from nicmodel.validation.trace import read_trace  # noqa: E402
from nicmodel.validation.validate import predict_all, summary  # noqa: E402

CANDIDATE = Path(__file__).with_name("turn_rounds_candidate.json")
# the model before the turn rounds were adopted (every coefficient the plan's fixed point and the crawl refit moved, and
# turn_free_pace 0): earlier screens, sealed readings and this form's own checks are read against it
BEFORE_TURN_ROUNDS = json.loads(Path(__file__).with_name("before_turn_rounds.json").read_text())
TRACES = ROOT / "validation/traces"
FORM = {"gpu.interference.turn_free_pace": 1.0}  # the candidate's statement: its whole pace on the free SMs
TARGET = 15.0  # % held-out MAPE (issue 18)


class Valued(Predictor):
    """Predicts with fixed values over the specs' (none: the committed model)."""

    def __init__(self, values: dict[str, float] | None = None):
        super().__init__()
        self.values = values or {}

    def predict(self, point, replace=None):
        return super().predict(point, {**self.values, **(replace or {})})


def held_out(trace: Path, values: dict[str, float] | None) -> dict[str, float]:
    """{metric/family: held-out MAPE %} of a trace under the model the form was declared against (None:
    BEFORE_TURN_ROUNDS) or the candidate's values."""
    out = {}
    for s in summary(predict_all(read_trace(trace), Valued(values or BEFORE_TURN_ROUNDS))):
        if s["role"] == "held-out":
            out[s["metric"] + (f"/{s['family']}" if "family" in s else "")] = s["mape_pct"]
    return out


def refit() -> dict[str, float]:
    """The plan's fixed point with the form, then the crawl's refit; {dotted path: SI value}."""
    import fixed_point as fp
    import long_gemm_fit as lg
    plan = fp.load_plan(fp.PLAN)
    for c in plan.calibrations:  # held settings reach each calibration's points (the plan's overrides do not)
        c.hold = {**c.hold, **{k.removeprefix(plan.prefix): f"{v:g}" for k, v in FORM.items()}}
    state, _, settled = fp.iterate(plan, 12)
    if not settled:
        raise SystemExit("no fixed point within 12 passes")
    values = {**{plan.prefix + k: v for k, v in state.values.items()}, **FORM}
    return {**values, **lg.refit_with(values)}


def compare(traces: list[Path], values: dict[str, float]) -> tuple[int, int, int]:
    """Print each held-out family whose error moves; (families, above TARGET before the form, with it)."""
    families = above_now = above_then = 0
    for trace in traces:
        now, then = held_out(trace, None), held_out(trace, values)
        for fam in sorted(now):
            families += 1
            above_now, above_then = above_now + (now[fam] > TARGET), above_then + (then[fam] > TARGET)
            if abs(now[fam] - then[fam]) >= 0.05:
                cross = " crosses" if (now[fam] > TARGET) != (then[fam] > TARGET) else ""
                print(f"{trace.name:52s} {fam:50s} before {now[fam]:5.1f}%  candidate {then[fam]:5.1f}%{cross}",
                      flush=True)
    return families, above_now, above_then


def main(argv: list[str]) -> int:
    if "--refit" in argv:
        values = refit()
        CANDIDATE.write_text(json.dumps({k: float(f"{v:.6g}") for k, v in sorted(values.items())}, indent=1) + "\n")
        print(f"wrote {CANDIDATE.relative_to(ROOT)}")
        return 0
    values = json.loads(CANDIDATE.read_text())
    traces = [Path(a) for a in argv if not a.startswith("--")] or sorted(TRACES.glob("*_interference.csv"))
    families, now, then = compare(traces, values)
    print(f"{families} held-out families; above {TARGET:g}%: before {now}, candidate {then}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
