"""`nicmodel eval`: one design point, explained."""

from __future__ import annotations

import argparse

from ..output.jsontext import strict_json
from .. import limits
from .common import checked, common, emit, samples, write_db


def register(sub) -> None:
    p = sub.add_parser("eval", help="steady-state throughput, bottleneck, latency and footprint")
    p.add_argument("scenario")
    p.add_argument("--uncertainty", nargs="?", const=1000, type=samples, metavar="N",
                   help="draw the assumed and fitted numbers over their ranges N times (default 1000) and print "
                        "each answer with a 90%% interval")
    p.add_argument("--seed", type=checked(limits.seed), default=0, help="seed of the --uncertainty draws")
    common(p, ["text", "json"])
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> None:
    from .. import api
    from ..output.explain import eval_text
    from ..output.rows import eval_row, point_row
    scenario = api.load(args.scenario, args.set)
    result = api.evaluate_scenario(scenario, args.set)
    u = api.uncertainty_of(scenario, args.uncertainty, args.seed) if args.uncertainty else None
    out = args.output
    write_db(args, "eval", [point_row(eval_row(result))])
    if args.format == "json":
        from ..planning.uncertainty import public
        if u is not None:
            result["uncertainty"] = public(u)
        emit(strict_json(result, indent=2) + "\n", out)
    else:
        from ..output.verdicts import point_text
        emit(eval_text(result, scenario.description) + (point_text(u) if u is not None else ""), out)
