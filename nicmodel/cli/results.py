"""Results to hand on: the one-file HTML `report`, and `query` of a results database."""

from __future__ import annotations

import argparse
import json

from ..errors import SpecError
from .common import emit


def register(sub) -> None:
    p = sub.add_parser("report", help="one self-contained HTML report: design, evaluation, table, sensitivity, "
                                      "comparison, validation")
    p.add_argument("scenario")
    p.add_argument("--vary", action="append", default=[], metavar="PATH=V1,V2,...",
                   help="design-table axes (default: link rate x chunk size)")
    p.add_argument("--compare", action="append", default=[], metavar="SCENARIO", help="another design to compare")
    p.add_argument("--trace", action="append", default=[], metavar="CSV", help="a measured trace to overlay")
    p.add_argument("--uncertainty", type=int, default=1000, metavar="N", help="draws for the uncertainty section (0: none)")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", help="override a field (repeatable)")
    p.add_argument("--output", "-o", help="the HTML file to write (atomically)")
    p.set_defaults(func=run_report)

    p = sub.add_parser("query", help="run SQL on a results database written with -o FILE.sqlite")
    p.add_argument("database")
    p.add_argument("sql", help='e.g. "SELECT in_network_bandwidth, fetch_latency_s FROM design_table"')
    p.add_argument("--format", choices=["markdown", "csv", "json"], default="markdown")
    p.add_argument("--output", "-o", help="write to this file (atomically) instead of stdout")
    p.set_defaults(func=run_query)


def run_report(args: argparse.Namespace) -> None:
    from .. import api
    if not args.output:
        raise SpecError("give the report's file with -o report.html", "--output")
    text = api.report(args.scenario, args.set, args.vary, args.compare, args.trace, args.uncertainty)
    emit(text, args.output)
    print(f"wrote {args.output} ({len(text) / 1024:,.0f} KiB)")


def run_query(args: argparse.Namespace) -> None:
    from ..output.resultsdb import query
    names, rows = query(args.database, args.sql)
    if args.format == "json":
        emit(json.dumps([dict(zip(names, r)) for r in rows], indent=2) + "\n", args.output)
    elif args.format == "csv":
        import csv
        import io
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(names)
        w.writerows(rows)
        emit(buf.getvalue(), args.output)
    else:
        from tabulate import tabulate
        emit(tabulate(rows, headers=names, tablefmt="github") + "\n", args.output)
