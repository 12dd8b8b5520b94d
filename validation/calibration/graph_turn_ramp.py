"""The tile tail's eighth candidate: the seventh (tile_tail_form.candidate7) with a graph launch's turn ramped in with
decode's mean weight GEMM instead of switched on past turn_gemms_to.

Declared with its code before its screen (validation/collect/declared_runs.md, the thirty-ninth session), after the
seventh's sealed set: S3 failed there beside Qwen2.5-7B, whose 39.1-us mean GEMM is just past turn_gemms_to (37 us),
so the seventh gave its graph launches the whole graph turn where a GEMM of 36.9 us gives none. Read from that set
(the share of the seventh's graph turn each unit's graph launches want, mean over the set's points): the short units
want about none beside Qwen2.5-7B (39 us), about half beside Qwen2.5-32B (82.5 us) and about all beside the 70B
(144.3 us) and 405B (560.5 us) shapes. The form: the graph turn times

    ramp = min(1, log(G / turn_gemms_to) / log(GRAPH_TURN_WHOLE_S / turn_gemms_to)),  0 up to turn_gemms_to,

G decode's mean weight GEMM; the ramp is in log length as the committed long_gemm's part (interference.py). Its two
anchors are measured, not fitted: at turn_gemms_to (the 8B's GEMMs on an H100) the stream/graph diagnostic's graph
twins are within the committed model with no turn, and beside the 70B shape's 144.3-us GEMMs the first marked set
measured graph launches waiting as launches from Python do (137-141 against 135-146 us; h100/marked_timeline_70b/),
taken as 144 us (rounded down as turn_gemms_to is rounded).
No coefficient is new; the values are the seventh's (FITTED7): every graph row of its fit set sits beside GEMMs of
144.29 us or more, where the ramp is 1, so the fit's objective is the seventh's at every value (checked by
tests/test_graph_turn_ramp.py) and its optimum too.

A ninth candidate, declared with its code before its fit (declared_runs.md, the thirty-ninth session, after the marked
pace runs: a many-wave launch keeps a pace inside the 70B's and 405B's weight GEMMs nearer the committed crawl, 0.2035,
than the seventh's refit 0.0702): the fifth's form (the tail grids, the segmented turn, a graph launch's turn
``graph_turn_share`` x the stream launch's) with the eighth's ramp and no refit of the crawl: crawl_share, crawl_high
and turn_growth as committed, no memory slowdown; graph_turn_share alone fitted on the fifth's declared set
(``--fit9``: the crawl's rows launch from Python, so their errors do not move and only the 96 graph rows decide it).

In the engine since 2026-12-07 (the fortieth session): the tail grids are the GPU specs' decode_gemm_grids (each
GEMM's rounds, validation/calibration/gemm_grids.py), the segmented turn is gemm_grids.turn_rounds, and the ramped graph
turn is interference.Coupling's graph_turns with long_gemm.graph_turn_part (gpu.interference.graph_turn_share and
graph_turn_gemms). ``--fit`` refits graph_turn_share there as ``--fit9`` fitted it, every other coefficient at the
specs' values (after the H200 plan's fixed point and the crawl's refit moved what it holds).

    python validation/calibration/graph_turn_ramp.py --fit [BOOT]     graph_turn_share refit in the engine
    python validation/calibration/graph_turn_ramp.py [TRACE ...]     the eighth's screen (S4), graph fit rows out
    python validation/calibration/graph_turn_ramp.py --fit9 [BOOT]   the ninth's fit (BOOT: bootstrap refits)
    python validation/calibration/graph_turn_ramp.py --ninth VALUE [TRACE ...]   the ninth's screen at that share
"""

from __future__ import annotations

import json
import math
import sys
from contextlib import contextmanager, nullcontext
from pathlib import Path

from nicmodel.engines.serving import interference

import tile_tail_form as form

# the 70B shape's mean weight GEMM on an H100 as the model gives it (144.29 us: 12 of 80 layers, any batch), rounded
# down to a whole us as turn_gemms_to is rounded: beside it graph launches were measured to wait the turn whole
# (validation/traces/h100/marked_timeline_70b/)
GRAPH_TURN_WHOLE_S = 144e-6


BEFORE_NINTH = {k: v for k, v in json.loads((form.ROOT / "validation/calibration/before_graph_turn.json").read_text())
                .items() if not k.startswith("_")}


@contextmanager
def before_ninth():
    """The model as it stood before the ninth entered the engine (2026-12-07, a fortieth session), in place for the
    duration, so the readings of the candidates declared before it (each against "the committed model" of its day)
    stay reproducible: each GEMM holding its grid for all its time (the spec's rounds read back to their first round's
    CTAs), no graph turn, no first round's room (roomy_dispatch.before_twelfth, under it), and the coefficients the move
    refit at their values then (BEFORE_NINTH, over the twelfth's). The candidates' own contexts nest inside it."""
    import grid_tail_screen
    import roomy_dispatch
    with roomy_dispatch.before_twelfth():
        with _before_ninth(grid_tail_screen):
            yield


@contextmanager
def _before_ninth(grid_tail_screen):
    """before_ninth's own part: the grids whole and BEFORE_NINTH (inside the model before the twelfth)."""
    from nicmodel.validation.predict import Predictor
    plan, engine_grids, engine_predict = grid_tail_screen.plan, grid_tail_screen.COMMITTED, Predictor.predict

    def whole_grids(scn):
        out = {}
        for g in scn.gpu.decode_gemm_grids:
            if g.model == scn.model.name:
                layer = dict(g.layer)
                if g.gemms:
                    layer = {}
                    for gemm in g.gemms:
                        layer[gemm.rounds[0][0]] = layer.get(gemm.rounds[0][0], 0.0) + gemm.share
                    layer = {b: round(v, 4) for b, v in sorted(layer.items())}
                out.update(plan.flatten({"layer": layer, "head": g.head, "head_over_layer": g.head_over_layer},
                                        f"decode_grids.{g.batch}"))
        return out

    def predict(self, point, extra=None):
        return engine_predict(self, point, {**BEFORE_NINTH, **(extra or {})})
    plan._decode_grids, grid_tail_screen.COMMITTED, Predictor.predict = whole_grids, whole_grids, predict
    try:
        yield
    finally:
        plan._decode_grids, grid_tail_screen.COMMITTED, Predictor.predict = engine_grids, engine_grids, engine_predict


def ramp(gemm_s: float, gemm_to_s: float) -> float:
    """The share of the graph turn a launch waits beside decode of mean weight GEMM ``gemm_s``: 0 up to
    ``gemm_to_s`` (turn_gemms_to), all of it from GRAPH_TURN_WHOLE_S, in log length between."""
    if gemm_s <= gemm_to_s:
        return 0.0
    return min(1.0, math.log(gemm_s / gemm_to_s) / math.log(GRAPH_TURN_WHOLE_S / gemm_to_s))


_turn_wait8 = form._turn_wait_by(form.rounds4, ramp)


@contextmanager
def candidate8(values: dict[str, float] | None = None):
    """Candidate 8 in place (candidate 7, its graph turn ramped in with the GEMM length), at ``values`` as
    candidate7's."""
    with form.candidate7(values):
        interference.Coupling.turn_wait = _turn_wait8
        yield


FITTED8 = {"crawl_share": 0.07021, "crawl_high": 0.8484, "turn_growth": 0.1535, "graph_turn_share": 0.2974,
           "crawl_memory": 3.054}  # the seventh's fit (tile_tail_form.py --fit7), its objective unchanged


@contextmanager
def candidate9(values: dict[str, float] | None = None):
    """Candidate 9 in place: candidate 5's form (the crawl as committed unless ``values`` say otherwise) with the
    graph turn ramped in with the GEMM length."""
    with form.candidate5(values):
        interference.Coupling.turn_wait = _turn_wait8
        yield


FIT9_START, FIT9_BOUNDS = (1.0,), ((0.0, 1.5),)  # the whole graph turn (the third marked set's "same"), and the fifth's


def main(argv: list[str]) -> int:
    if argv[:1] == ["--fit"]:  # [BOOT]: the engine's graph_turn_share, refit as --fit9 fitted it
        form.fit_weighted(("graph_turn_share",), FIT9_START, FIT9_BOUNDS, nullcontext, int(argv[1]) if argv[1:] else 0,
                          7)
        return 0
    if argv[:1] == ["--fit9"]:  # [BOOT]: that many bootstrap refits for its 95% interval
        form.fit_weighted(("graph_turn_share",), FIT9_START, FIT9_BOUNDS, candidate9, int(argv[1]) if argv[1:] else 0,
                          7)
        return 0
    ninth = argv[:1] == ["--ninth"]
    context = candidate9({"graph_turn_share": float(argv[1])}) if ninth else candidate8(FITTED8)
    argv = argv[2:] if ninth else argv
    traces = [Path(a) for a in argv] or sorted((form.ROOT / "validation/traces").glob("*_interference.csv"))
    form.screen(traces, context, drop_graph_fit_rows=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
