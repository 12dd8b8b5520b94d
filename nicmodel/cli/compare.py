"""`nicmodel compare`: designs side by side with the winners and what flips them, or with
--break-even the values of one or two numbers where two designs trade the lead."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..output.jsontext import strict_json
from .. import limits
from .common import checked, check_plot, common, emit, grid_points, samples, write_db


def register(sub) -> None:
    p = sub.add_parser("compare", help="designs side by side, with ratios to the first")
    p.add_argument("scenarios", nargs="+")
    p.add_argument("--winner", action="append", metavar="METRIC",
                   choices=["fetch_latency_s", "throughput_gbps", "kv_throughput_gbps", "none"],
                   help="report the winner of this metric and the assumed numbers whose range ends change it "
                        "(repeatable; default fetch latency and KV throughput, which compare designs whose codecs differ; "
                        "'none' to skip)")
    p.add_argument("--break-even", action="append", metavar="[N:]PATH=LOW..HIGH", default=[],
                   help="instead of one verdict, sweep this number (of design N only, else of both) and report "
                        "where the two designs trade the lead (repeat once for a two-parameter map)")
    p.add_argument("--by", choices=["p5", "p50", "p95", "probability"],
                   help="also choose each --winner under uncertainty: by this quantile of the metric over paired draws "
                        "of the uncertain numbers (--uncertainty N of them, default 1000), or by the probability of "
                        "being best; prints the probability that the chosen design is best")
    p.add_argument("--metric", default="fetch_latency_s",
                   choices=["fetch_latency_s", "unloaded_ttft_s", "kv_throughput_gbps"],
                   help="what the break-even compares (default fetch_latency_s)")
    p.add_argument("--at", metavar="PATH=V1,V2,...",
                   help="repeat the break-even at each of these values, e.g. network.bandwidth=10Gbps,20Gbps,40Gbps")
    p.add_argument("--points", type=grid_points, default=201, help="grid points per parameter (default 201)")
    p.add_argument("--plot", metavar="FILE", help="plot the designs' latency and KV throughput with their bottlenecks, or with --break-even the margin "
                        "(one parameter) or the winning regions (two)")
    p.add_argument("--uncertainty", nargs="?", const=1000, type=samples, metavar="N",
                   help="each design's answers with 90%% intervals over N paired draws of the assumed and fitted "
                        "numbers, and how often the first design wins (default 1000)")
    p.add_argument("--seed", type=checked(limits.seed), default=0, help="seed of the --uncertainty draws")
    common(p, ["markdown", "csv", "json"])
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> None:
    from .. import api
    from ..output.rows import eval_row, point_row
    from ..output.tables import compare_text
    from ..output.verdicts import winner_text
    if args.break_even:
        _break_even(args)
        return
    check_plot(args)
    results = api.compare(args.scenarios, args.set)
    if args.plot:
        from ..output.plots import compare_plot
        compare_plot(results, args.plot)
    notes_u = _uncertainty(args) if args.uncertainty else ("", [])
    metrics = [] if args.winner == ["none"] else (args.winner or ["fetch_latency_s", "kv_throughput_gbps"])
    winners = [api.compare_winner(args.scenarios, args.set, m, args.by, args.uncertainty or 1000, args.seed)
               for m in metrics] if len(results) > 1 else []
    write_db(args, "compare", [point_row(eval_row(r)) for r in results])
    if args.format == "json":
        doc = {"designs": results, "winners": winners}
        if args.uncertainty:
            doc["uncertainty"] = notes_u[1]
        emit(strict_json(doc, indent=2) + "\n", args.output)
        return
    notes = "".join(winner_text(w) for w in winners) + notes_u[0]
    if args.format == "csv":
        sys.stderr.write(notes)
        emit(compare_text(results, args.format), args.output)
    else:
        emit(compare_text(results, args.format) + ("\n" + notes if notes else ""), args.output)


def _uncertainty(args: argparse.Namespace) -> tuple[str, list]:
    """Each design's intervals, and how often the first design beats each other one (paired draws)."""
    from .. import api
    from ..output.verdicts import point_text
    entries = api.compare_uncertainty(args.scenarios, args.set, args.uncertainty, args.seed)
    text = [f"{e['scenario']}: " + point_text(e["_draws"]) for e in entries]
    first = entries[0]["scenario"]
    for e in entries[1:]:
        for output, share in e["first_beats_this"].items():
            text.append(f"{first} beats {e['scenario']} on {output} in {100 * share:.0f}% of paired draws\n")
    return "".join(text), [{k: v for k, v in e.items() if k != "_draws"} for e in entries]


def _break_even(args: argparse.Namespace) -> None:
    from .. import api
    from ..output.verdicts import break_even_text

    if args.plot:
        from ..files import plot_format
        plot_format(args.plot)
    results = api.break_even(args.scenarios, args.break_even, args.metric, args.points, args.at, args.set)
    texts = []
    for i, r in enumerate(results, start=1):
        knobs = r.pop("_knobs")
        texts.append(break_even_text(r, knobs, r["at"]))
        if args.plot:
            from ..output.plots import break_even_plot
            plot = args.plot if len(results) == 1 else _numbered(args.plot, i)
            break_even_plot(r, knobs, plot, r["at"])
    if args.format == "json":
        emit(strict_json(results, indent=2) + "\n", args.output)
    else:
        emit("\n".join(texts), args.output)


def _numbered(path: str, i: int) -> str:
    p = Path(path)
    return str(p.with_name(f"{p.stem}-{i}{p.suffix}"))
