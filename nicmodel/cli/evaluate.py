"""`nicmodel eval`: one design point, explained."""

from __future__ import annotations

import argparse
import json

from .common import common, database, emit, samples


def register(sub) -> None:
    p = sub.add_parser("eval", help="steady-state throughput, bottleneck, latency and footprint")
    p.add_argument("scenario")
    p.add_argument("--uncertainty", nargs="?", const=1000, type=samples, metavar="N",
                   help="draw the assumed and fitted numbers over their ranges N times (default 1000) and print "
                        "each answer with a 90%% interval")
    p.add_argument("--seed", type=int, default=0, help="seed of the --uncertainty draws")
    common(p, ["text", "json"])
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> None:
    from .. import api
    from ..output.explain import eval_text
    from ..output.rows import eval_row, point_row
    scenario = api.load(args.scenario, args.set)
    result = api.evaluate_scenario(scenario, args.set)
    u = api.uncertainty_of(scenario, args.uncertainty, args.seed) if args.uncertainty else None
    db = database(args)
    out = None if db is not None else args.output
    if db is not None:
        db.write("eval", [point_row(eval_row(result))], {"overrides": list(args.set)})
    if args.format == "json":
        from ..planning.uncertainty import public
        if u is not None:
            result["uncertainty"] = public(u)
        emit(json.dumps(result, indent=2) + "\n", out)
    else:
        from ..output.verdicts import point_text
        emit(eval_text(result, scenario.description) + (point_text(u) if u is not None else ""), out)
