"""`nicmodel size`: the best choice (fewest cores, least NIC memory, ...) that meets targets."""

from __future__ import annotations

import argparse
import sys

from ..output.jsontext import strict_json
from ..errors import EXIT_CHECK_FAILED, EXIT_OK
from .. import limits
from .common import checked, check_plot, common, emit


def register(sub) -> None:
    p = sub.add_parser("size", help="the best choice (fewest cores, least NIC memory, ...) that meets targets")
    p.add_argument("scenario")
    p.add_argument("--choose", action="append", default=[], metavar="PATH=V1,V2,...|PATH=LO..HI",
                   help="an axis to choose along: listed values, or a range (every integer of an integer field, "
                        "33 points of a continuous number); repeatable")
    p.add_argument("--target", action="append", default=[], metavar="METRIC<=VALUE",
                   help="a requirement, e.g. kv_throughput>=40Gbps, fetch_latency<=150ms, nic_memory<=2GiB, "
                        "cores<=8 (repeatable)")
    goal = p.add_mutually_exclusive_group()
    goal.add_argument("--minimize", default="cores",
                      choices=["cores", "nic_memory", "fetch_latency", "cost"], help="what to minimize (default cores)")
    goal.add_argument("--maximize", choices=["throughput", "kv_throughput"], help="what to maximize instead")
    p.add_argument("--pareto", metavar="A,B", help="also print the Pareto front of two metrics among the choices "
                   "that meet the targets, e.g. fetch_latency,nic_memory")
    p.add_argument("--max-points", type=checked(limits.count, 1, 10**8), default=1_000_000, help="refuse more candidates than this")
    p.add_argument("--by", choices=["p5", "p50", "p95"],
                   help="judge the targets and the objective at this quantile over draws of the uncertain numbers "
                        "(p95: the value met with 95%% confidence; p50: the median) instead of at the nominal numbers")
    p.add_argument("--uncertainty", type=checked(limits.draws, 10), default=1000, metavar="N",
                   help="draws for --by (default 1000)")
    p.add_argument("--seed", type=checked(limits.seed), default=0, help="seed of the --by draws")
    p.add_argument("--plot", metavar="FILE", help="plot the candidates meeting the targets, the Pareto front and the answer (.png/.svg/.pdf)")
    common(p, ["text", "json"])
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from .. import api
    from ..output.verdicts import size_text
    check_plot(args)
    r = api.size(args.scenario, args.choose, args.target, args.minimize, args.maximize, args.set,
                 args.pareto.split(",") if args.pareto else None, args.max_points, args.by, args.uncertainty, args.seed,
                 sys.stderr.isatty())
    if args.plot:
        from ..output.plots import size_plot
        size_plot(r, r.get("_candidates"), args.plot)
    r = {k: v for k, v in r.items() if not k.startswith("_")}
    emit(strict_json(r, indent=2) + "\n" if args.format == "json" else size_text(r), args.output)
    return EXIT_CHECK_FAILED if r["best"] is None else EXIT_OK
