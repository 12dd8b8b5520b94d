"""The coverage launches' block timeline, read as declared (validation/collect/declared_runs.md,
block_timeline.py ... --corunners one16:32,...,one132:32 --phase random): where the growth of the
coverage run's one-block-per-SM launches with the SMs they hold comes from.

Each launch of a unit (32 back to back, one unit a decode step at a random point of it) is split, in
units of its time alone (the median launch span alone, ``alone_span_us``), into:

- wait: from the previous launch's end (the unit's enqueue for the first) to its first block's start;
- late: from its first block's start to its last block's start (blocks dispatched behind decode's);
- run: from its last block's start to its end (the last blocks' time; over 1 where blocks run slower,
  beside decode's blocks on their SMs or stacked on a few SMs);

wait + late + run = the launch's span over alone, its growth. Per (decode point, launch size, priority)
the means of each, the share of launches that waited more than half their time alone, the median
block's time beside over alone, and the most blocks placed on one SM (median, and the share of launches
with more than one). Beside it the coverage run's measured growth of the same launches at the same
points (the mean of corunner_time_ratio over its graph and Python rows, both runs), when its traces
are given: a check that the timeline measures what the coverage run did.

With ``--parts ATTENTION_DIR,REST_DIR`` (interference_grid.py --part attention / --part rest, the same
launches beside each part of the step alone), the declared second reading: per decode point and launch
size, the launches' time beside attention's kernels alone and beside the rest alone (t_att, t_rest: the
mean of corunner_slowdown + 1 over a cell's rows), attention's share of the step alone (a, from the two
parts' decode_alone_s), their harmonic mean at a (as phases.py combines them) and the coverage run's
measured growth beside the whole step.

    python validation/calibration/coverage_timeline_read.py validation/traces/h100/coverage_timeline \\
        [--coverage validation/traces/h100_coverage1_interference.csv,validation/traces/h100_coverage2_interference.csv]
        [--parts validation/traces/h100/coverage_phase_attention,validation/traces/h100/coverage_phase_rest]

Nothing is fitted here; every launch read is held out.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from nicmodel.validation.interference import _args  # noqa: E402
from nicmodel.validation.trace import read_trace  # noqa: E402

Key = tuple[int, int, int, str]  # batch, context, blocks, priority


def split(row: dict) -> tuple[float, float, float]:
    """(wait, late, run) of one launch, each over its span alone."""
    alone = float(row["alone_span_us"])
    first, last, span = float(row["first_start_us"]), float(row["last_start_us"]), float(row["span_us"])
    return first / alone, (last - first) / alone, (span - last) / alone


def read(folder: Path) -> dict[Key, list[dict]]:
    """{(batch, context, blocks, priority): [launch rows]} for the oneN co-runners."""
    out: dict[Key, list[dict]] = defaultdict(list)
    for r in csv.DictReader(open(folder / "launches.csv")):
        if r["corunner"].startswith("one"):
            out[(int(r["batch"]), int(r["context"]), int(r["corunner"][3:]), r["priority"])].append(r)
    return out


def summary(rows: list[dict]) -> dict[str, float]:
    parts = [split(r) for r in rows]
    waited = sum(1 for r in rows if float(r["first_start_us"]) > 0.5 * float(r["alone_span_us"]))
    return {"launches": len(rows),
            "growth": statistics.fmean(sum(p) for p in parts),
            "wait": statistics.fmean(p[0] for p in parts),
            "late": statistics.fmean(p[1] for p in parts),
            "run": statistics.fmean(p[2] for p in parts),
            "waited_share": waited / len(rows),
            "block_p50": statistics.median(float(r["block_p50_us"]) / float(r["alone_block_p50_us"]) for r in rows),
            "stacked_share": sum(1 for r in rows if int(r["most_on_one_sm"]) > 1) / len(rows),
            "most_on_one_sm": statistics.median(int(r["most_on_one_sm"]) for r in rows)}


def coverage_growth(paths: list[Path]) -> dict[tuple[int, int, int, str], float]:
    """{(batch, context, blocks, priority): the coverage run's mean measured corunner_time_ratio}."""
    values: dict[tuple[int, int, int, str], list[float]] = defaultdict(list)
    for path in paths:
        for pt in read_trace(path):
            a = _args(pt.argument)
            if pt.metric == "corunner_time_ratio" and a.get("family") == "coverage-compute":
                key = (int(a["batch"]), int(a["context"]), int(a["blocks"]), a["priority"])
                values[key].append(pt.value)
    return {k: statistics.fmean(v) for k, v in values.items()}


def part_times(folder: Path) -> dict[tuple[int, int, int, str], tuple[float, float]]:
    """{(batch, context, blocks, priority): (the launches' mean time beside over alone, decode's part alone
    in seconds)} from every interference_grid.csv under ``folder`` (the coverage kernels, sho_alu_gN_*)."""
    grown: dict[tuple[int, int, int, str], list[float]] = defaultdict(list)
    alone: dict[tuple[int, int, int, str], list[float]] = defaultdict(list)
    for path in sorted(folder.rglob("interference_grid.csv")):
        for r in csv.DictReader(open(path)):
            name = r["corunner"]
            if not name.startswith("sho_alu_g"):
                continue
            key = (int(r["batch"]), int(r["context_tokens"]), int(name.split("_")[2][1:]), r["decode_priority"])
            grown[key].append(1.0 + float(r["corunner_slowdown"]))
            alone[key].append(float(r["decode_alone_s"]))
    return {k: (statistics.fmean(v), statistics.fmean(alone[k])) for k, v in grown.items()}


def phases(attention: Path, rest: Path, cover: dict) -> list[tuple]:
    """[(key, t_att, t_rest, a, harmonic mean at a, the coverage run's growth or None)]."""
    att, other = part_times(attention), part_times(rest)
    out = []
    for key in sorted(set(att) & set(other)):
        (t_att, d_att), (t_rest, d_rest) = att[key], other[key]
        a = d_att / (d_att + d_rest)
        out.append((key, t_att, t_rest, a, 1.0 / (a / t_att + (1.0 - a) / t_rest), cover.get(key)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, help="block_timeline.py's output folder (launches.csv)")
    ap.add_argument("--coverage", default="", help="the coverage run's traces, comma-separated")
    ap.add_argument("--parts", default="", help="the --part attention and --part rest folders, comma-separated")
    args = ap.parse_args(argv)
    cover = coverage_growth([Path(p) for p in args.coverage.split(",") if p])
    print("point       blocks prio   launches growth (coverage)  wait  late   run  waited  block  stacked  on-one-SM")
    for key, rows in sorted(read(args.folder).items()):
        s = summary(rows)
        c = cover.get(key)
        seen = f"({c:4.2f})" if c else "( -- )"
        print(f"{key[0]:>3} x {key[1]:<5} {key[2]:>5}  {key[3]:<6} {s['launches']:>6}  {s['growth']:5.2f}  {seen}  "
              f"{s['wait']:5.2f} {s['late']:5.2f} {s['run']:5.2f}  {s['waited_share']:5.2f}  {s['block_p50']:5.2f}  "
              f"{s['stacked_share']:6.2f}  {s['most_on_one_sm']:>5.0f}")
    if args.parts:
        attention, rest = (Path(p) for p in args.parts.split(","))
        print("\npoint       blocks prio    t_att t_rest    a  harmonic  coverage")
        for key, t_att, t_rest, a, harmonic, c in phases(attention, rest, cover):
            seen = f"{c:5.2f}" if c else "  -- "
            print(f"{key[0]:>3} x {key[1]:<5} {key[2]:>5}  {key[3]:<6} {t_att:5.2f} {t_rest:6.2f} {a:5.2f}  {harmonic:6.2f}"
                  f"    {seen}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
