"""The turn rounds, a sealed check declared before its run (validation/collect/declared_runs.md, the twenty-ninth
session's entry; validation/collect/pending_turn_rounds.sh): short one-wave units whose blocks live ~2-44 us and the
paged-KV scatter beside Qwen2.5-14B- (24 of 48 layers), Yi-34B- (16 of 60) and Llama-3-8B-shaped decode on an H100,
at 3 x 4k, 10 x 4k and 20 x 2k. The candidate (validation/calibration/turn_rounds_screen.py, its values in
turn_rounds_candidate.json) and these claims were committed before the run; nothing is fitted to it. The grid wait
(grid_wait_screen.py, its values in grid_wait_candidate.json, not adopted) is the form the fifth claim sets it
against: it scales a launch's turn by the share of its blocks the free SMs cannot hold, whatever their lifetime."""

import json
import statistics
import sys

import pytest

from conftest import ROOT, source_unit as _unit

sys.path.insert(0, str(ROOT / "validation/calibration"))
import grid_wait_screen  # noqa: E402
import turn_rounds_screen as screen  # noqa: E402

SHAPES = ("qwen14b", "yi34b", "8b")
TRACES = {s: ROOT / f"validation/traces/h100_short_rounds_{s}_interference.csv" for s in SHAPES}
MEASURED = all(path.exists() for path in TRACES.values())
SCATTER = "corunner_time_ratio/paged-kv-scatter"
SHORT_LIVED = ("sho_alu_g1024_i64_python", "sho_alu_g1024_i256_python", "sho_mem2_g1024_i4_python")  # blocks < 10 us
LONG_LIVED = ("sho_alu_g1024_i1024_python", "sho_alu_g1024_i2048_python")  # ~22 and ~44 us


def _errors(shape, predict) -> dict[str, list[float]]:
    """{unit: [model / measured - 1]} of the held-out co-runner rows of a shape's trace."""
    from nicmodel.validation.trace import read_trace
    out: dict[str, list[float]] = {}
    for pt in read_trace(TRACES[shape]):
        if pt.metric == "corunner_time_ratio" and pt.role == "held-out":
            out.setdefault(_unit(pt), []).append(predict(pt) / pt.value - 1)
    return out


def _committed(pt):
    """The model the checks were declared against (before the turn rounds' adoption)."""
    return screen.Valued(screen.BEFORE_TURN_ROUNDS).predict(pt)


def _candidate(pt, values=None):
    return screen.Valued(values or json.loads(screen.CANDIDATE.read_text())).predict(pt)


def _grid_wait(pt):
    """The grid wait as declared: its form and values over the model it was declared against (BEFORE_GRID_CRAWL)."""
    values = {**grid_wait_screen.BEFORE_GRID_CRAWL, **json.loads(grid_wait_screen.CANDIDATE.read_text())}
    grid_wait_screen.use_candidate(True)
    try:
        return grid_wait_screen.Predictor().predict(pt, values)
    finally:
        grid_wait_screen.use_candidate(False)


def _above(by_shape: dict[str, dict[str, float]]) -> int:
    """Families above 15% across the shapes' traces."""
    return sum(v > 15.0 for fams in by_shape.values() for v in fams.values())


def _mape(errors: list[float]) -> float:
    return 100 * statistics.mean(abs(e) for e in errors)


@pytest.mark.skipif(not MEASURED, reason="the turn rounds' sealed run is not measured yet (declared_runs.md)")
@pytest.mark.xfail(strict=True, reason="claim 5 failed: the long-lived launches' shift beside Qwen2.5-14B over the 8B "
                   "is 15.2 points under the candidate, 8.4 under the grid wait; claims 1-4 held. Not adopted.")
def test_the_claims_as_declared():
    values = json.loads(screen.CANDIDATE.read_text())
    now = {s: screen.held_out(TRACES[s], None) for s in SHAPES}
    then = {s: screen.held_out(TRACES[s], values) for s in SHAPES}
    # 1. the candidate's scatter within 15% beside each shape
    assert all(then[s][SCATTER] <= 15.0 for s in SHAPES), {s: then[s][SCATTER] for s in SHAPES}
    # 2. beside Qwen2.5-14B, each stream-launched unit whose blocks live under 10 us, and the scatter: the candidate's
    #    error below the committed model's
    committed, candidate = _errors("qwen14b", _committed), _errors("qwen14b", _candidate)
    for unit in SHORT_LIVED + ("paged_scatter",):
        assert _mape(candidate[unit]) < _mape(committed[unit]), unit
    # 3. no held-out metric/family of the three traces more than 2 points worse under the candidate
    for s in SHAPES:
        for fam, mape in now[s].items():
            assert then[s][fam] <= mape + 2.0, (s, fam)
    # 4. families above 15% across the three traces: the candidate's no more than the committed model's
    assert _above(then) <= _above(now)
    # 5. the long-lived stream-launched units (blocks of ~22 and ~44 us): their signed median error beside Qwen2.5-14B
    #    less that beside Llama-3-8B (the control: the same units beside GEMMs that hold nearly every SM), smaller in
    #    magnitude under the candidate than under the grid wait
    def shift(predict):
        by = {s: _errors(s, predict) for s in ("qwen14b", "8b")}
        return abs(statistics.median(e for u in LONG_LIVED for e in by["qwen14b"][u])
                   - statistics.median(e for u in LONG_LIVED for e in by["8b"][u]))
    assert shift(_candidate) < shift(_grid_wait)


@pytest.mark.usefixtures("before_twelfth")  # read on the model of its day: before the first round's room
@pytest.mark.skipif(not MEASURED, reason="the turn rounds' sealed run is not measured yet (declared_runs.md)")
def test_the_check_as_recorded():
    """Measured 2026-12-06 on an H100 as declared (132 configurations a shape, 23 s each; 210-216 rows kept, the rest
    fed too slowly from Python). Held-out MAPE, committed -> candidate: the scatter 20.6 -> 6.2% (Qwen2.5-14B), 23.5 ->
    9.1% (Yi-34B), 4.6 -> 5.7% (the 8B); short-2-byte 30.9 -> 13.3, 29.1 -> 16.1, 10.3 -> 9.7%; short-compute 22.0 ->
    17.9, 18.0 -> 14.6, 9.3 -> 9.2%. Above 15% across the three: 6 -> 2. Claim 5: the long-lived units' signed median
    shift beside Qwen2.5-14B over the 8B, 15.2 points (candidate) against 8.4 (grid wait): the long-lived launches
    beside free SMs take less time than the model gives from Python and as graphs alike (as graphs +20 points over the 8B,
    where no turn enters), a loss beside free SMs that no turn form carries. Read again under the engine of 2026-12-07
    (the tile tail's rounds and the graph turn; launch_turns 10% longer), committed -> candidate: Qwen2.5-14B 20.6 ->
    6.2, 38.9 -> 16.7, 25.1 -> 19.8; Yi-34B 22.3 -> 1.4, 47.2 -> 12.1, 26.4 -> 16.9; the 8B 4.6 -> 6.9, 10.3 -> 4.5,
    9.3 -> 8.2 (the candidate's values on the engine that now holds its form)."""
    values = json.loads(screen.CANDIDATE.read_text())
    got = {s: (screen.held_out(TRACES[s], None), screen.held_out(TRACES[s], values)) for s in SHAPES}
    fams = (SCATTER, "corunner_time_ratio/short-2-byte", "corunner_time_ratio/short-compute")
    assert {s: [(round(got[s][0][f], 1), round(got[s][1][f], 1)) for f in fams] for s in SHAPES} == {
        "qwen14b": [(20.6, 6.2), (38.9, 16.7), (25.1, 19.8)],
        "yi34b": [(22.3, 1.4), (47.2, 12.1), (26.4, 16.9)],
        "8b": [(4.6, 6.9), (10.3, 4.5), (9.3, 8.2)]}


SECOND = ("qwen7b", "mistral7b", "8b", "qwen14b", "yi34b")
SECOND_TRACES = {s: ROOT / f"validation/traces/h100_dataplane_rounds2_{s}_interference.csv" for s in SECOND}
SECOND_MEASURED = all(path.exists() for path in SECOND_TRACES.values())
NOT_YET = "the turn rounds' second sealed run is not measured yet (declared_runs.md)"


def _scatter_mape(trace, predict) -> float:
    from nicmodel.validation.trace import read_trace
    from nicmodel.validation.validate import family
    return _mape([predict(pt) / pt.value - 1 for pt in read_trace(trace)
                  if pt.metric == "corunner_time_ratio" and pt.role == "held-out"
                  and family(pt.argument) == SCATTER.split("/")[1]])


@pytest.mark.skipif(not SECOND_MEASURED, reason=NOT_YET)
@pytest.mark.xfail(strict=True, reason="claim 2 failed against the grid wait: the candidate's scatter summed over the "
                   "five 19.4 points, the grid wait's 18.0 (the committed model's 115.0); claims 1, 3 and 4 held. "
                   "Not adopted.")
def test_the_second_check_as_declared():
    """The second sealed check (declared after the first, before its run; validation/collect/pending_turn_rounds2.sh):
    the unchanged candidate on the data-plane units the designs run, beside five shapes at points where their GEMMs
    leave SMs free. If every claim holds the form is adopted, with the first check's failed claim on record."""
    values = json.loads(screen.CANDIDATE.read_text())
    now = {s: screen.held_out(SECOND_TRACES[s], None) for s in SECOND}
    then = {s: screen.held_out(SECOND_TRACES[s], values) for s in SECOND}
    # 1. the candidate's scatter within 15% beside each shape
    assert all(then[s][SCATTER] <= 15.0 for s in SECOND), {s: then[s][SCATTER] for s in SECOND}
    # 2. the candidate's scatter error, summed over the five, below the committed model's and below the grid wait's
    summed = sum(then[s][SCATTER] for s in SECOND)
    assert summed < sum(now[s][SCATTER] for s in SECOND)
    assert summed < sum(_scatter_mape(SECOND_TRACES[s], _grid_wait) for s in SECOND)
    # 3. no held-out family of the five traces more than 2 points worse under the candidate
    for s in SECOND:
        for fam, mape in now[s].items():
            assert then[s][fam] <= mape + 2.0, (s, fam)
    # 4. families above 15% across the five: the candidate's no more than the committed model's
    assert _above(then) <= _above(now)


@pytest.mark.usefixtures("before_twelfth")  # read on the model of its day: before the first round's room
@pytest.mark.skipif(not SECOND_MEASURED, reason=NOT_YET)
def test_the_second_check_as_recorded():
    """Measured 2026-12-06 on an H100 as declared (119 s; 132 rows a shape). The scatter's held-out MAPE, committed ->
    candidate (the grid wait): Qwen2.5-7B 27.7 -> 5.4% (3.1%), Mistral-7B 20.2 -> 2.6% (3.9%), the 8B 21.2 -> 3.2% (2.5%),
    Qwen2.5-14B 16.0 -> 3.2% (7.0%), Yi-34B 29.9 -> 5.0% (1.3%); above 15% across the five 6 -> 1 (Yi-34B's
    dequantization 18.2 -> 18.5%). Both grid forms take the scatter within target beside free SMs; this set does not
    tell them apart."""
    values = json.loads(screen.CANDIDATE.read_text())
    got = [(round(screen.held_out(SECOND_TRACES[s], None)[SCATTER], 1),
            round(screen.held_out(SECOND_TRACES[s], values)[SCATTER], 1),
            round(_scatter_mape(SECOND_TRACES[s], _grid_wait), 1)) for s in SECOND]
    assert got == [(27.7, 5.4, 3.1), (20.2, 2.6, 3.9), (21.2, 3.2, 2.5), (16.0, 3.2, 7.0), (29.9, 5.0, 1.3)]


DIAGNOSTIC = ROOT / "validation/traces/h100/residual_wait_rounds"
FREE = {"most52": 52, "most60": 60}  # SMs the blockers leave free (residual_wait.LEFT_FREE)


def _diagnostic_rows():
    """{(blocker, L us): (its launch alone, us; the ALU co-runner's extra per launch, us)} at equal priority, and
    the long co-runner's time a launch alone (us)."""
    import csv
    with open(DIAGNOSTIC / "blockers.csv", newline="") as f:
        length = {(r["blocker"], int(r["length_us"])): float(r["launch_alone_us"]) for r in csv.DictReader(f)
                  if r["priority"] == "equal"}
    with open(DIAGNOSTIC / "waits.csv", newline="") as f:
        rows = {(r["blocker"], int(r["length_us"])): (length[(r["blocker"], int(r["length_us"]))],
                                                      float(r["extra_per_launch_us"]))
                for r in csv.DictReader(f) if r["priority"] == "equal" and r["corunner"] == "alu_long"}
    tau = json.loads((DIAGNOSTIC / "rounds_corunners.json").read_text())["launch_alone_us"]["alu_long"]
    return rows, tau


def _forms(free: int, length: float, tau: float, sms: int = 132, blocks: int = 1024, limit: int = 16):
    """(the turn rounds', the grid wait's) expected wait of one launch landing at a random point of a blocker of
    ``length`` that leaves ``free`` SMs (each a full turn's share: the full blocker's wait scales both)."""
    per_sm = blocks / sms
    u = max(0.0, blocks - free * per_sm) / blocks
    a = tau * u / (1 - u)
    rounds = a - a * a / (2 * length) if a < length else length / 2
    return rounds, max(0.0, blocks - free * limit) / blocks * length / 2


@pytest.mark.skipif(not (DIAGNOSTIC / "waits.csv").exists(), reason="the turn rounds' diagnostic is not measured yet")
def test_the_rounds_diagnostic_as_declared():
    """The mechanism the two sealed checks could not separate (declared before its run; validation/collect/
    declared_runs.md, the twenty-ninth session; residual_wait.py --rounds on an H100): one launch of an ALU kernel of
    1,024 blocks of ~20 us, from a drained stream, beside a stream of blockers that hold every SM (full) or all but 52
    or 60 (most52, most60), L = 40-160 us. The turn rounds say it runs its blocks on the free SMs in rounds at its pace
    alone per SM and waits min(R, a), a = tau u / (1 - u) (u on its blocks per SM alone, 7.76): 25-28 us beside
    most52 and 20-22 beside most60 at L = 80-160; the grid wait says u on the SMs' block limit (16) times the turn:
    7.5-15 and 2.5-5 us. If both claims hold the turn rounds is adopted (its two sealed checks held every accuracy
    claim; the two claims set against the grid wait tied)."""
    rows, tau = _diagnostic_rows()
    # 1. the turn is there for such a launch: beside the full blocker at least half a turn (L/2) at L = 80 and 160
    for length in (80, 160):
        alone, extra = rows[("full", length)]
        assert extra >= 0.5 * alone / 2, (length, extra)
    # 2. beside most52 and most60 at L = 80 and 160, each form scaled by the full blocker's measured share of a turn,
    #    the extra nearer (in ratio) to the turn rounds' than to the grid wait's in at least three of the four cells
    import math
    nearer = 0
    for blocker, free in FREE.items():
        for length in (80, 160):
            alone, extra = rows[(blocker, length)]
            turn = rows[("full", length)][1] / (rows[("full", length)][0] / 2)
            rounds, grid_wait = (turn * f for f in _forms(free, alone, tau))
            nearer += abs(math.log(max(extra, 0.1) / rounds)) < abs(math.log(max(extra, 0.1) / grid_wait))
    assert nearer >= 3, nearer
