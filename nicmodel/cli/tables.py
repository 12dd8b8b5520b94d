"""`nicmodel table`: a design table over the cross product of --vary axes, with its optimum."""

from __future__ import annotations

import argparse
import sys

from ..output.jsontext import strict_json
from ..errors import SpecError
from .. import limits
from .common import checked, common, emit, samples, write_db


def register(sub) -> None:
    p = sub.add_parser("table", help="design table over the cross product of --vary axes")
    p.add_argument("scenario")
    p.add_argument("--vary", action="append", default=[], metavar="PATH=V1,V2,...")
    p.add_argument("--optimum", action="append", metavar="COLUMN",
                   choices=["fetch_latency_ms", "throughput_gbps", "kv_throughput_gbps", "nic_memory_mib", "none"],
                   help="report the best row of this column, the rows within 1%% of it and the assumed numbers "
                        "whose range ends move it (repeatable; default fetch_latency_ms; 'none' to skip)")
    p.add_argument("--max-points", type=checked(limits.count, 1, 10**8), default=200_000,
                   help="refuse cross products above this many points (default 200,000; CSV output streams ~500k rows/s, markdown and JSON ~90k rows/s)")
    p.add_argument("--uncertainty", nargs="?", const=1000, type=samples, metavar="N",
                   help="add a 90%% interval to each row's fetch latency and KV throughput over N draws of the "
                        "assumed and fitted numbers the table does not vary (default 1000)")
    p.add_argument("--by", choices=["nominal", "p5", "p50", "p95", "probability"], default="nominal",
                   help="choose the optimum by a quantile over draws of the uncertain numbers (p95: the best worst "
                        "case of a latency), by the probability of being the best row, or nominal (default); "
                        "draws from --uncertainty (default 1000)")
    p.add_argument("--seed", type=checked(limits.seed), default=0, help="seed of the --uncertainty draws")
    p.add_argument("--plot", metavar="FILE", help="plot fetch latency over the axes (a line per value, or a heat map), bottlenecks marked (.png/.svg/.pdf)")
    common(p, ["markdown", "csv", "json"])
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> None:
    from .. import api
    from ..output.rows import TABLE_OUTPUTS, table_row
    from ..output.tables import table_text
    from ..output.verdicts import optimum_text, robust_optimum_text
    if not args.vary:
        raise SpecError("give at least one --vary PATH=V1,V2,...", "--vary")
    columns = [] if args.optimum == ["none"] else (args.optimum or ["fetch_latency_ms"])
    streams = args.format == "csv" and not args.plot and not args.uncertainty and args.by == "nominal"
    if streams and not args.rows_output:
        streamed = api.design_table_csv(args.scenario, args.vary, args.set, args.max_points)
        if streamed is not None:  # a long numeric table: written block by block, not held
            prepared, chunks = streamed
            if args.output:
                emit(chunks, args.output)
            else:
                for chunk in chunks:
                    sys.stdout.write(chunk)
            sys.stderr.write("".join(optimum_text(api.optimum_of(prepared, c)) for c in columns))
            return
    # one preparation of the table (and one evaluation of its draws) for every answer asked of it
    report = api.design_table_report(args.scenario, args.vary, args.set, columns, args.max_points,
                                     uncertainty=args.uncertainty, by=args.by, seed=args.seed)
    table, optima, robust = report.table, report.optima, report.robust
    if args.rows_output:  # the rows go to the results file, the table to stdout
        axes = set(table.columns) - TABLE_OUTPUTS
        write_db(args, "design_table", [{"scenario": str(args.scenario), **table_row(r, axes)} for r in table.rows])
    if args.plot:
        from ..output.plots import table_plot
        table_plot(table.columns, table.rows, [c for c in table.columns if c not in TABLE_OUTPUTS], args.plot)
    if args.format == "json":
        emit(strict_json({"columns": table.columns, "rows": table.rows, "optima": optima,
                          **({"optima_under_uncertainty": robust} if robust else {})}, indent=2) + "\n", args.output)
        return
    text = table_text(table, args.format)
    notes = "".join(optimum_text(o) for o in optima) + "".join(robust_optimum_text(o) for o in robust)
    if args.format == "csv":  # keep the CSV a CSV: the verdicts go to stderr
        sys.stderr.write(notes)
        emit(text, args.output)
    else:
        emit(text + ("\n" + notes if notes else ""), args.output)
