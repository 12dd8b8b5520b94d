"""Co-runner launches placed in the marked decode step (block_timeline.py --marks): in which of decode's segments
each launch became ready, its first block started and its last block ended. Pure reading: no fit uses it.

A launch's times against the step's start marker, from launches.csv: ready = its enqueue (a unit's first launch)
or its predecessor's end in the unit; first = ready + first_start_us; end = ready + span_us. The segments are
marks.csv's (marked_decode.py): a layer's qkv, attention, o, add1, gate_up, silu_mul, down and add2, then the LM
head; "start" before the first marker, "after" past the stop marker.

Declared rule (validation/collect/declared_runs.md, the thirty-seventh session's marked-timeline entry, written
before the run; tests/test_marked_timeline.py): over the launches of one configuration that became ready inside a
GEMM segment, S = the share whose first block started before that segment ended. tail: S >= 2/3 (a launch ready in
the GEMM starts in it, on the SMs its last round frees); next: S <= 1/3 (it starts only after the GEMM, behind what
the step runs next); otherwise mixed. Fewer than MIN_LAUNCHES such launches: void.

Run: python validation/collect/timeline_marks.py RUN_DIR... [--gemm gate_up] [--out SUMMARY_CSV]
"""

from __future__ import annotations

import argparse
import bisect
import csv
import io
import statistics
import sys
from collections import defaultdict
from pathlib import Path

from nicmodel.files import write_atomic

GEMMS = ("qkv", "o", "gate_up", "down", "lm_head")
MIN_LAUNCHES = 10
TAIL, NEXT = 2 / 3, 1 / 3
EARLY = 0.05  # freed_at: launches ready this early in a GEMM (a fraction of its segment)
WAIT_SHARE = 0.5  # wait_share's declared line (the second marked set): most of the loss, or not
PATHS = (0.8, 1.25)  # path_ratio's declared band (the third marked set)

Key = tuple[str, str, str, str, str]  # batch, context, priority, corunner, step


def read_marks(path: Path) -> dict[Key, list[tuple[float, str, int]]]:
    """Each measured step's markers, (at_us, segment, layer) in time order; the marked step alone is left out."""
    steps: dict[Key, list[tuple[float, str, int]]] = defaultdict(list)
    with path.open() as f:
        for r in csv.DictReader(f):
            if r["corunner"] == "alone":
                continue
            key = (r["batch"], r["context"], r["priority"], r["corunner"], r["step"])
            steps[key].append((float(r["at_us"]), r["segment"], int(r["layer"])))
    return {k: sorted(v) for k, v in steps.items()}


def segment_at(marks: list[tuple[float, str, int]], t: float, times: list[float] | None = None) -> tuple[int, str]:
    """(index of the marker that starts it, segment name) of the segment holding time ``t`` (``times``: the markers'
    times, where the caller has them)."""
    i = bisect.bisect_right([m[0] for m in marks] if times is None else times, t) - 1
    if i < 0:
        return -1, "start"
    return i, "after" if marks[i][1] == "stop" else marks[i][1]


def placed(launches: list[dict], marks: dict[Key, list[tuple[float, str, int]]]) -> list[dict]:
    """launches.csv rows with their times and segments in the step (rows of a step without markers are dropped)."""
    out, ready_next, times = [], {}, {}
    for r in launches:
        key = (r["batch"], r["context"], r["priority"], r["corunner"], r["step"])
        if key not in marks:
            continue
        ready = float(r["enqueue_after_step_start_us"]) if r["launch"] == "0" else ready_next[key]
        first, end = ready + float(r["first_start_us"]), ready + float(r["span_us"])
        ready_next[key] = end  # the unit's next launch can start when this one ends (one stream)
        m = marks[key]
        at = times.setdefault(key, [x[0] for x in m])  # each step's marker times, listed once
        (ri, rseg), (fi, fseg), (_, eseg) = (segment_at(m, t, at) for t in (ready, first, end))
        seg_end = m[ri + 1][0] if 0 <= ri < len(m) - 1 else float("inf")
        seg_start = m[ri][0] if ri >= 0 else 0.0
        out.append({**r, "ready_us": ready, "first_us": first, "end_us": end, "ready_segment": rseg,
                    "first_segment": fseg, "end_segment": eseg, "starts_in_ready_segment": fi == ri,
                    "ready_segment_us": seg_end - seg_start,
                    "ready_at": (ready - seg_start) / (seg_end - seg_start) if ri >= 0 else float("nan"),
                    "first_at": (first - seg_start) / (seg_end - seg_start) if ri >= 0 else float("nan"),
                    "wait_us": first - ready, "extra_us": float(r["span_us"]) - float(r["alone_span_us"])})
    return out


def reading(rows: list[dict], gemm: str) -> tuple[str, float, int]:
    """(tail | next | mixed | void, S, launches) over ``rows`` (placed launches of one configuration) ready in
    ``gemm``."""
    mine = [r for r in rows if r["ready_segment"] == gemm]
    if len(mine) < MIN_LAUNCHES:
        return "void", float("nan"), len(mine)
    share = sum(r["starts_in_ready_segment"] for r in mine) / len(mine)
    return ("tail" if share >= TAIL else "next" if share <= NEXT else "mixed"), share, len(mine)


def freed_at(rows: list[dict], gemm: str, early: float = EARLY) -> tuple[float, int]:
    """(median, launches) of where in ``gemm``'s segment (0 its start marker, 1 its end marker) the first block
    started of the launches that became ready in its first ``early`` and started in it: when the GEMM first leaves
    room for another stream's block (a read after the rule, not part of it)."""
    mine = [r["first_at"] for r in rows if r["ready_segment"] == gemm and r["ready_at"] < early
            and r["starts_in_ready_segment"]]
    return (statistics.median(mine) if mine else float("nan")), len(mine)


def wait_share(rows: list[dict], gemm: str) -> tuple[float, int]:
    """(W, launches): over the launches ready in ``gemm``'s segment, their summed wait before the first block over
    their summed extra (span less span alone): the part of what they lose there that is a wait, not their run.
    The second marked set's declared read (declared_runs.md; tests/test_marked_timeline.py): W >= WAIT_SHARE is
    "wait" (most of the loss beside that GEMM is waiting for its first block), W < WAIT_SHARE "run"."""
    mine = [r for r in rows if r["ready_segment"] == gemm]
    extra = sum(r["extra_us"] for r in mine)
    return (sum(r["wait_us"] for r in mine) / extra if mine and extra > 0 else float("nan")), len(mine)


def path_ratio(rows: list[dict], unit: str) -> tuple[float, str]:
    """(P, reading): the mean extra a launch of ``unit`` loses from Python over its graph twin's (``unit``-graph), over
    ``rows`` (one run's placed launches). The third marked set's declared read: **same** 0.8 <= P <= 1.25 (the paths
    lose about alike), **python-more** above, **graph-more** below."""
    def mean(name: str) -> float:
        extra = [r["extra_us"] for r in rows if r["corunner"] == name]
        return sum(extra) / len(extra)
    ratio = mean(unit) / mean(f"{unit}-graph")
    return ratio, "same" if PATHS[0] <= ratio <= PATHS[1] else "python-more" if ratio > PATHS[1] else "graph-more"


def wait_and_run(rows: list[dict], config: str) -> tuple[float, float, float]:
    """(extra, wait, run) us, each a mean per launch over ``rows`` of ``config`` wherever in the step it became ready:
    its extra (span less span alone), its wait before its first block, and the rest of the extra, its run past its
    time alone (a read after the three sets' rules, not part of any). From Python the wait also holds the host's issue
    gap, which the time alone has too, so only a graph launch's split is clean."""
    mine = [r for r in rows if r["corunner"] == config]
    if not mine:
        raise ValueError(f"no launches of {config!r} among the rows")
    extra = sum(r["extra_us"] for r in mine) / len(mine)
    wait = sum(r["wait_us"] for r in mine) / len(mine)
    return extra, wait, extra - wait


def run_rows(run: Path) -> list[dict]:
    """Every launch of a run folder (launches.csv and marks.csv), placed."""
    with (run / "launches.csv").open() as f:
        launches = list(csv.DictReader(f))
    return placed(launches, read_marks(run / "marks.csv"))


def summary(rows: list[dict]) -> list[list]:
    """Per configuration and ready segment: launches, the share started in it, median wait, extra and segment."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in rows:
        groups[(r["corunner"], r["batch"], r["context"], r["ready_segment"])].append(r)
    return [[*k, len(g), f"{sum(r['starts_in_ready_segment'] for r in g) / len(g):.2f}",
             f"{statistics.median(r['wait_us'] for r in g):.1f}", f"{statistics.median(r['extra_us'] for r in g):.1f}",
             f"{statistics.median(r['ready_segment_us'] for r in g):.1f}"] for k, g in sorted(groups.items())]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="+", type=Path, help="block_timeline.py --marks output folders")
    ap.add_argument("--gemm", default="gate_up", choices=GEMMS, help="the GEMM segment the rule reads")
    ap.add_argument("--out", type=Path, help="write the per-segment summary here (CSV)")
    args = ap.parse_args(argv)
    head = ["corunner", "batch", "context", "ready_segment", "launches", "started_in_it", "wait_us_p50",
            "extra_us_p50", "segment_us_p50"]
    text = io.StringIO()
    w = csv.writer(text, lineterminator="\n")
    w.writerow(["run", *head])
    for run in args.runs:
        if not (run / "marks.csv").exists():
            print(f"error: {run}: no marks.csv (a block_timeline.py --marks folder expected)", file=sys.stderr)
            return 2
        rows = run_rows(run)
        by_config: dict[str, list[dict]] = defaultdict(list)
        for r in rows:
            by_config[r["corunner"]].append(r)
        for config, mine in sorted(by_config.items()):
            verdict, share, n = reading(mine, args.gemm)
            at, k = freed_at(mine, args.gemm)
            ws, _ = wait_share(mine, args.gemm)
            extra, wait, ran = wait_and_run(mine, config)
            print(f"{run.name} {config}: ready in {args.gemm} {n}, started in it {share:.2f}: {verdict}; those ready "
                  f"in its first {EARLY:.0%} started at {at:.2f} of it (median of {k}); wait share {ws:.2f}; over the "
                  f"step a launch's extra {extra:.1f} us, {wait:.1f} waiting, {ran:.1f} running")
        w.writerows([[run.name, *row] for row in summary(rows)])
    if args.out:
        write_atomic(args.out, text.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
