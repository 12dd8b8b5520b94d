"""Screen a candidate form, declared before its sealed check (validation/collect/declared_runs.md, the twenty-eighth
session): a stream launch waits its turn only for the blocks the free SMs of decode's weight GEMMs cannot hold.

The committed turn wait (launch_turns of decode's mean weight GEMM, its length growing past turn_gemms_to) treats
every GEMM as holding every SM. The candidate multiplies a launch's turns by u, point by point: the share of its B
blocks (L a SM) that the F_g SMs a GEMM of grid g leaves free cannot hold, max(0, B - F_g L) / B, weighted by each
GEMM's share of the step's weight-GEMM time. u is 1 beside GEMMs that hold every SM (the form as fitted), 0 for a
launch the free SMs hold whole (the mechanism, h100/residual_wait_grids_graph/: beside kernels that leave SMs free a
burst runs on them and does not wait the kernels out). No reference shape and no new coefficient: grid_turn_screen.py
scaled by the 8B rung's pooled share and failed on the 405B shape; a floor a (u -> a + (1 - a) u), fitted with the
launch waits on the H200's launch set, goes to its bound 0 (the set's cost 6.48 at a = 1, 6.40 at 0).

The grids come from the run's own profiled decode steps (decode_kernels.csv: the point's step where the run profiled
it; the regime ladder's rungs take the data-plane ladder's of the same shape), else, for Llama-3-8B runs without a
model override, from the GPU's 8B steps by batch (h100/ or h200/decode_shapes*/: the batch itself, else a neighbour
within 2 where the neighbours on both sides run the same grids: cuBLAS changes tiles with the batch); elsewhere
u = 1 (the committed form).

--refit: the H200 plan's calibrations (fixed_point.py) iterated to their fixed point with the form, then the crawl's
three coefficients refit on their declared set (long_gemm_fit.py), written to grid_wait_candidate.json. Without it,
the committed model and the candidate (that file's values, every GPU: all are the H200's and the H100's fits) are
compared per trace and family on held-out rows.

    python validation/calibration/grid_wait_screen.py [--refit] [TRACE ...]
"""

from __future__ import annotations

import collections
import dataclasses
import json
import re
import statistics
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from nicmodel.engines.serving import interference as model  # noqa: E402
from nicmodel.validation.predict import Predictor  # noqa: E402
from nicmodel.validation.trace import read_trace  # noqa: E402
from nicmodel.validation.validate import family  # noqa: E402
from nicmodel.engines.serving.gemm_grids import unheld as engine_unheld  # noqa: E402
from grid_turn_screen import gemm_kernels  # noqa: E402

CANDIDATE = Path(__file__).with_name("grid_wait_candidate.json")
TRACES = ROOT / "validation/traces"
Grids = tuple[tuple[int, float], ...]  # (blocks, share of the step's weight-GEMM time)
_current: list[Grids | None] = [None]  # the grids of the point being predicted
_seen: list[float] = []  # every u the candidate applied (point_u reads it)
COMMITTED_COUPLE, COMMITTED_PREDICT = model.couple, Predictor.predict
# the model these screens were declared against: before the grid crawl (adopted after them, docs/serving.md, The grid
# crawl), its share the same beside every grid, at the crawl's values of then, and so before the turn rounds too (the
# plan's values of then, turn_free_pace 0: before_turn_rounds.json)
BEFORE_GRID_CRAWL = {**json.loads(Path(__file__).with_name("before_turn_rounds.json").read_text()),
                     "gpu.interference.crawl_share": 0.2443, "gpu.interference.crawl_high": 1.691,
                     "gpu.interference.turn_growth": 0.5512, "gpu.interference.crawl_free_pace": 0.0}


def grids_of(rows: list[tuple[int, float]]) -> Grids:
    total = sum(t for _, t in rows)
    shares: dict[int, float] = collections.defaultdict(float)
    for b, t in rows:
        shares[b] += t / total
    return tuple(sorted(shares.items()))


@cache
def run_steps(folder: str) -> dict[str, Grids]:
    """{unit ("decode_b<batch>_c<context>"): its weight GEMMs' grids} of a run's profiled decode steps."""
    path = TRACES / folder / "decode_kernels.csv"
    if not path.exists():
        return {}
    steps: dict[str, list] = collections.defaultdict(list)
    for r in gemm_kernels(path):
        steps[r["unit"]].append((int(r["blocks"]), float(r["duration_us"])))
    return {u: grids_of(v) for u, v in steps.items()}


@cache
def eight_b_by_batch(gpu: str) -> dict[int, Grids]:
    """{batch: grids} of Llama-3-8B decode on a GPU (h100 or h200), from its decode_shapes runs (first seen)."""
    out: dict[int, Grids] = {}
    for path in sorted((TRACES / gpu).glob("decode_shapes*/decode_kernels.csv")):
        steps: dict[tuple, list] = collections.defaultdict(list)
        for r in gemm_kernels(path):
            if r.get("model") in (None, "", "llama-3-8b"):
                steps[(int(r["batch"]), r["context"])].append((int(r["blocks"]), float(r["duration_us"])))
        for (batch, _), rows in steps.items():
            out.setdefault(batch, grids_of(rows))
    return out


def point_grids(point) -> Grids | None:
    """The weight GEMMs' grids of the point's decode step, or None (u = 1: the committed form)."""
    m = re.match(r"validation/traces/((h100|h200)/[^/]+)/", point.source or "")
    a = dict(kv.split("=", 1) for kv in (point.argument or "").split(",") if "=" in kv)
    if not m or "batch" not in a:
        return None
    batch, context = int(float(a["batch"])), int(float(a.get("context", 0)))
    steps = run_steps(m.group(1).replace("/regime_ladder_", "/dataplane_ladder_"))
    if f"decode_b{batch}_c{context}" in steps:
        return steps[f"decode_b{batch}_c{context}"]
    if any(o.startswith("model=") for o in point.overrides):
        return None
    table = eight_b_by_batch(m.group(2))
    if batch in table:
        return table[batch]
    below = [b for b in table if batch - 2 <= b < batch]
    above = [b for b in table if batch < b <= batch + 2]
    if below and above and {g for g, _ in table[max(below)]} == {g for g, _ in table[min(above)]}:
        return table[max(below)]  # both neighbours run the same tiles
    return None


def unheld(p, c, grids: Grids) -> float:
    """u: the time-weighted share of the launch's blocks the GEMMs' free SMs cannot hold."""
    return engine_unheld(grids, float(p["gpu.sms"]), c.blocks, model.blocks_per_sm(p, c.shape))


def candidate_couple(p, c, priority, shapes):
    coupling = COMMITTED_COUPLE(p, c, priority, shapes)
    grids = _current[0]
    if grids is None or coupling.turns <= 0 or c.blocks <= 0:
        return coupling
    u = unheld(p, c, grids)
    _seen.append(u)
    return dataclasses.replace(coupling, turns=coupling.turns * u)


def candidate_predict(self, point, replace=None):
    _current[0] = point_grids(point)
    try:
        return COMMITTED_PREDICT(self, point, replace)
    finally:
        _current[0] = None


def use_candidate(on: bool) -> None:
    """Switch every Predictor (fixed_point's Held too) to the candidate form, or back."""
    model.couple, Predictor.predict = (candidate_couple, candidate_predict) if on else (COMMITTED_COUPLE,
                                                                                      COMMITTED_PREDICT)


def point_u(point) -> float | None:
    """The u the candidate gives a trace point's co-runner (None where it leaves the committed form)."""
    use_candidate(True)
    _seen.clear()
    try:
        Predictor().predict(point)
    finally:
        use_candidate(False)
    return statistics.mean(_seen) if _seen else None


def refit() -> dict[str, float]:
    """The plan's fixed point with the form, then the crawl's refit; {dotted path: SI value}."""
    import fixed_point as fp
    import long_gemm_fit as lg
    use_candidate(True)
    try:
        plan = fp.load_plan(fp.PLAN)
        state, _, settled = fp.iterate(plan, 12)
        if not settled:
            raise SystemExit("no fixed point within 12 passes")
        values = {plan.prefix + k: v for k, v in state.values.items()}
        values.update(lg.refit_with({**values, **BEFORE_GRID_CRAWL}))
    finally:
        use_candidate(False)
    return values


def mapes(trace: Path, candidate: dict | None, switch=None) -> dict[str, float]:
    """{family: held-out co-runner MAPE %} of a trace, committed (None: the model as these screens were declared
    against, BEFORE_GRID_CRAWL) or a candidate at its values; ``switch`` turns the candidate's form on and off (this
    screen's use_candidate unless given)."""
    switch = switch or use_candidate
    switch(candidate is not None)
    values = {**BEFORE_GRID_CRAWL, **(candidate or {})}
    try:
        predictor, errors = Predictor(), collections.defaultdict(list)
        for pt in read_trace(trace):
            if pt.metric == "corunner_time_ratio" and pt.role == "held-out":
                errors[family(pt.argument)].append(abs(predictor.predict(pt, values) / pt.value - 1) * 100)
    finally:
        switch(False)
    return {f: statistics.mean(v) for f, v in errors.items()}


def compare(traces: list[Path], values: dict, switch=None) -> None:
    """Print, per trace and family, the committed model's held-out MAPE and the candidate's."""
    for trace in traces:
        now, then = mapes(trace, None, switch), mapes(trace, values, switch)
        for fam in sorted(now):
            cross = " crosses" if (now[fam] > 15) != (then[fam] > 15) else ""
            print(f"{trace.name:50s} {fam:30s} committed {now[fam]:5.1f}%  candidate {then[fam]:5.1f}%{cross}", flush=True)


def main(argv: list[str]) -> int:
    if "--refit" in argv:
        values = refit()
        CANDIDATE.write_text(json.dumps({k: float(f"{v:.6g}") for k, v in sorted(values.items())}, indent=1) + "\n")
        print(f"wrote {CANDIDATE.relative_to(ROOT)}")
        return 0
    values = json.loads(CANDIDATE.read_text())
    compare([Path(a) for a in argv if not a.startswith("--")] or sorted(TRACES.glob("*_interference.csv")), values)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
