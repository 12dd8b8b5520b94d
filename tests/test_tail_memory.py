"""The tail's memory diagnostic (validation/collect/pending_tail_memory.sh; declared in
validation/collect/declared_runs.md, the thirty-second session, with this rule written before the run).

Beside the real 70B shape's decode a launch on 36-60 free SMs loses about a turn (its first block about 8 us late, the
streaming scatter probe's blocks 2.84x their time alone); beside spin blockers that leave 40 SMs free the copy lost
0.7-1.6 us (tests/test_tail_blockers.py). Here the same grid streams HBM (stream40) against spinning (most40). Per
co-runner D = the median over the six cells (three L, two priorities) of extra(stream40) - extra(most40), us a launch:
  **pace** if D(copy) >= 3 and D(short ALU) <= 1.5: the blocker's HBM traffic slows a streaming launch's blocks on the
           free SMs and delays nothing else (the next form: a pace on free SMs for blocks that wait on memory);
  **wait** if D(copy) >= 3 and D(short ALU) >= 3: it delays every launch there (a first-block wait under HBM load);
  **neither** if D(copy) < 1.5: a blocker's HBM traffic alone does not give the 70B's loss (the decode graph's own
           kernels do);
  else unclear. A diagnostic: nothing is fitted to it."""

import csv
import statistics

import pytest

from conftest import ROOT

RUN = next((p for p in (ROOT / f"validation/traces/{g}/residual_wait_tail_memory" for g in ("h100", "h200"))
            if (p / "waits.csv").exists()), ROOT / "validation/traces/h100/residual_wait_tail_memory")


def differences() -> dict[str, float]:
    rows = {}
    with open(RUN / "waits.csv", newline="") as f:
        for r in csv.DictReader(f):
            rows[(r["blocker"], r["length_us"], r["priority"], r["corunner"])] = float(r["extra_per_launch_us"])
    out = {}
    for c in sorted({k[3] for k in rows}):
        cells = [(L, p) for (b, L, p, cc) in rows if b == "stream40" and cc == c and ("most40", L, p, c) in rows]
        out[c] = statistics.median(rows[("stream40", L, p, c)] - rows[("most40", L, p, c)] for L, p in cells)
    return out


def verdict(d: dict[str, float]) -> str:
    if d["short"] < 1.5:
        return "neither"
    if d["short"] >= 3.0 and d["alu_short"] <= 1.5:
        return "pace"
    if d["short"] >= 3.0 and d["alu_short"] >= 3.0:
        return "wait"
    return "unclear"


@pytest.mark.skipif(not (RUN / "waits.csv").exists(), reason="the tail's memory diagnostic is not measured yet")
def test_the_rule_gives_a_verdict():
    d = differences()
    assert set(d) == {"short", "alu_short", "alu_long"}
    assert verdict(d) in ("pace", "wait", "neither", "unclear")


def test_the_rule_by_hand():
    assert verdict({"short": 6.0, "alu_short": 0.5, "alu_long": 0.0}) == "pace"
    assert verdict({"short": 6.0, "alu_short": 5.0, "alu_long": 0.0}) == "wait"
    assert verdict({"short": 1.0, "alu_short": 5.0, "alu_long": 0.0}) == "neither"
    assert verdict({"short": 2.0, "alu_short": 0.5, "alu_long": 0.0}) == "unclear"
