"""Results to hand on: the one-file HTML `report`, and `query` of a results database."""

from __future__ import annotations

import argparse
import sys

from ..errors import SpecError
from .. import limits
from .common import checked, emit


def register(sub) -> None:
    p = sub.add_parser("report", help="one self-contained HTML report: design, evaluation, table, sensitivity, "
                                      "comparison, validation")
    p.add_argument("scenario")
    p.add_argument("--vary", action="append", default=[], metavar="PATH=V1,V2,...",
                   help="design-table axes (default: link rate x chunk size)")
    p.add_argument("--compare", action="append", default=[], metavar="SCENARIO", help="another design to compare")
    p.add_argument("--trace", action="append", default=[], metavar="CSV", help="a measured trace to overlay")
    p.add_argument("--uncertainty", type=checked(limits.count, 0, limits.DRAWS_MAX), default=1000, metavar="N", help="draws for the uncertainty section (0: none)")
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", help="override a field (repeatable)")
    p.add_argument("--model", choices=["analytical", "simulated", "both"], default="analytical",
                   help="the serving section from the analytical serving model (default; milliseconds), the "
                        "simulator (200 requests, seconds), or both side by side")
    p.add_argument("--output", "-o", help="the HTML file to write (atomically)")
    p.set_defaults(func=run_report)

    p = sub.add_parser("query", help="run SQL on a results database written with -o FILE.sqlite")
    p.add_argument("database")
    p.add_argument("sql", help='e.g. "SELECT in_network_bandwidth, fetch_latency_s FROM design_table"')
    p.add_argument("--format", choices=["markdown", "csv", "json"], default="markdown")
    p.add_argument("--timeout", type=checked(limits.number, 0.01, 86400.0), default=5.0, metavar="S",
                   help="stop the query after S seconds (default 5)")
    p.add_argument("--limit", type=checked(limits.count, 1, 10**9), default=10_000, metavar="N",
                   help="print at most N rows (default 10,000; a note on stderr says when more were left)")
    p.add_argument("--output", "-o", help="write to this file (atomically) instead of stdout; - is stdout")
    p.set_defaults(func=run_query)


def run_report(args: argparse.Namespace) -> None:
    from .. import api
    if not args.output:
        raise SpecError("give the report's file with -o report.html", "--output")
    text = api.report(args.scenario, args.set, args.vary, args.compare, args.trace, args.uncertainty, args.model)
    emit(text, args.output)
    print(f"wrote {args.output} ({len(text) / 1024:,.0f} KiB)")


def run_query(args: argparse.Namespace) -> None:
    from ..store.query import Query
    from ..output.query import query_chunks
    q = Query(args.database, args.sql, args.timeout, args.limit)
    try:
        emit(query_chunks(q, args.format), args.output)
    finally:
        q.close()
    if q.truncated:
        print(f"note: more rows than --limit {args.limit}; raise --limit or narrow the query", file=sys.stderr)
