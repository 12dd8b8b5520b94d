"""`nicmodel fabric`: an optical fabric's schedule and a ToR pair's figures."""

from __future__ import annotations

import argparse

from ..output.jsontext import strict_json
from .. import limits
from .common import checked, common, emit


def register(sub) -> None:
    p = sub.add_parser("fabric", help="optical fabric: schedule summary and a ToR pair's figures")
    p.add_argument("fabric", help="a fabric spec file or a bundled name (hwspecs/fabrics)")
    p.add_argument("--pair", nargs=2, type=checked(limits.count, 0, 1_000_000), metavar=("SRC", "DST"), help="source and destination ToR")
    p.add_argument("--bytes", help="transfer size for the pair's transfer-time distribution, e.g. '2.7 GB'")
    common(p, ["text", "json"])
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> None:
    from .. import api
    from ..output.explain import fabric_text
    report = api.fabric(args.fabric, args.pair, args.bytes, args.set)
    text = strict_json(report, indent=2) + "\n" if args.format == "json" else fabric_text(report)
    emit(text, args.output)
