"""Reads residual_wait.py's runs by the rule declared before each ran (validation/collect/declared_runs.md,
the twenty-second session's entries): a short launch's extra time beside a stream of kernels of length L
it cannot sit beside, against L. Nothing here is fitted to a trace.

For every (blocker, priority, co-runner, launches a unit) it prints the extra per launch at each L
(the blocker's launch time alone in brackets) and the least-squares slope and intercept of the extra
against that time over L >= 10 us; then the declared verdict of the run:
  first run (h100/residual_wait/): confirmed if the `full` blocker's slope (equal priority, `short`
    co-runner, one launch a unit) is at least 0.25 and the `room` control's extra stays below
    2 us + 0.05 L at every L; dropped if that slope is below 0.1; otherwise "between" (nothing follows)
  repeat (h100/residual_wait2/): the same slope rule, with the control read by its slope (below 0.05
    in magnitude) and its mean extra (below 6 us), as declared before the repeat ran
  third (h100/residual_wait3/): the 32-launch units, chosen after the first two runs: confirmed if the
    `full` blocker's slope is at least 0.5 and the control's below 0.05 in magnitude with its mean extra
    below 3 us; dropped if that slope is below 0.1; otherwise between

    python validation/calibration/residual_wait_read.py [RUN_DIR ...]
"""

from __future__ import annotations

import csv
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
RUNS = {"first": ROOT / "validation/traces/h100/residual_wait", "repeat": ROOT / "validation/traces/h100/residual_wait2",
        "third": ROOT / "validation/traces/h100/residual_wait3"}
RULES = {"residual_wait": "first", "residual_wait2": "repeat", "residual_wait3": "third"}  # by run folder
FROM_US = 10.0  # the slope is read over blocker lengths from here


def series(run: Path) -> dict[tuple[str, str, str, str], list[tuple[float, float, float]]]:
    """(blocker, priority, co-runner, launches a unit) -> [(L declared, L alone measured, extra us/launch)]."""
    with open(run / "blockers.csv", newline="") as f:
        alone = {(r["blocker"], r["length_us"], r["priority"]): float(r["launch_alone_us"]) for r in csv.DictReader(f)}
    out: dict[tuple[str, str, str, str], list[tuple[float, float, float]]] = defaultdict(list)
    with open(run / "waits.csv", newline="") as f:
        for r in csv.DictReader(f):
            key = (r["blocker"], r["priority"], r["corunner"], r["launches_a_unit"])
            out[key].append((float(r["length_us"]), alone[(r["blocker"], r["length_us"], r["priority"])],
                             float(r["extra_per_launch_us"])))
    return out


def slope(points: list[tuple[float, float, float]]) -> tuple[float, float]:
    """(slope, intercept in us) of the extra against the blocker's measured length, over L >= FROM_US."""
    x = np.array([a for l, a, _ in points if l >= FROM_US])
    y = np.array([e for l, _, e in points if l >= FROM_US])
    s, c = np.polyfit(x, y, 1)
    return float(s), float(c)


def verdict(run: Path, rule: str) -> tuple[str, float, dict]:
    """(confirmed | dropped | between, the full blocker's slope, what the control read)."""
    s = series(run)
    launches = "32" if rule == "third" else "1"
    full = slope(s[("full", "equal", "short", launches)])[0]
    room = s[("room", "equal", "short", launches)]
    if rule == "first":
        control_ok = all(e < 2.0 + 0.05 * l for l, _, e in room)
        control = {"worst excess over 2 us + 0.05 L": max(e - (2.0 + 0.05 * l) for l, _, e in room)}
    else:
        rs = slope(room)[0]
        mean = float(np.mean([e for _, _, e in room]))
        control_ok = abs(rs) < 0.05 and mean < (3.0 if rule == "third" else 6.0)
        control = {"slope": rs, "mean extra us": mean}
    if full < 0.1:
        return "dropped", full, control
    least = 0.5 if rule == "third" else 0.25
    return ("confirmed" if full >= least and control_ok else "between"), full, control


def main(argv: list[str]) -> int:
    runs = [Path(p).resolve() for p in argv] or [v for v in RUNS.values() if v.exists()]
    for run in runs:
        print(f"== {run.relative_to(ROOT) if ROOT in run.parents else run}")
        for key, pts in sorted(series(run).items()):
            s, c = slope(pts)
            cells = "  ".join(f"{l:g}({a:.1f}):{e:.2f}" for l, a, e in pts)
            print(f"  {'/'.join(key)}: slope {s:.3f}, intercept {c:.2f} us | {cells}")
        rule = RULES.get(run.name, "third")
        v, full, control = verdict(run, rule)
        print(f"  declared rule ({rule}): {v} (full blocker's slope {full:.3f}; control "
              + ", ".join(f"{k} {x:.3f}" for k, x in control.items()) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
