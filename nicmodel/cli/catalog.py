"""What ships with nicmodel: `specs list` and the scenario language's JSON `schema`."""

from __future__ import annotations

import argparse
import sys

from ..output.jsontext import strict_json
from .common import emit


def register(sub) -> None:
    p = sub.add_parser("specs", help="bundled hardware, workloads and designs")
    p.add_argument("action", choices=["list"])
    p.set_defaults(func=run_specs)

    p = sub.add_parser("schema", help="JSON Schema of the scenario language")
    p.add_argument("--of", choices=["scenario", "ledger"], default="scenario",
                   help="the scenario language (default) or the held-out ledger that validate --ledger reads")
    p.add_argument("--output", "-o")
    p.set_defaults(func=run_schema)


def run_specs(args: argparse.Namespace) -> None:
    from .. import api
    listing = api.specs()
    lines = [f"{category} ({c['folder']}): {', '.join(c['names']) if c['names'] else '-'}"
             for category, c in listing["categories"].items()]
    lines.append("designs (pipelines):")
    lines += [f"  {d['path']}  {d['description']}" for d in listing["designs"]]
    sys.stdout.write("\n".join(lines) + "\n")


def run_schema(args: argparse.Namespace) -> None:
    from .. import api
    emit(strict_json(api.schema(args.of), indent=2) + "\n", args.output)
