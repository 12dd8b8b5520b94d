"""Command line: nicmodel eval | table | compare | specs list | schema.

Bad input of any kind prints one line (file:line: field.path: expectation) and exits 2.
"""

from __future__ import annotations

import argparse
import json
import sys

from . import api
from .errors import SpecError
from .loader import REFERENCE_DIRS, available, library_roots, package_root
from .report import compare_text, eval_text, table_text, write_atomic
from .schema import scenario_schema


def _emit(text: str, output: str | None) -> None:
    if output:
        write_atomic(output, text)
    else:
        sys.stdout.write(text)


def cmd_eval(args: argparse.Namespace) -> None:
    scenario = api.load(args.scenario, args.set)
    result = api.evaluate_scenario(scenario)
    if args.format == "json":
        _emit(json.dumps(result, indent=2) + "\n", args.output)
    else:
        _emit(eval_text(result, scenario.description), args.output)


def cmd_table(args: argparse.Namespace) -> None:
    if not args.vary:
        raise SpecError("give at least one --vary PATH=V1,V2,...", "--vary")
    table = api.design_table(args.scenario, args.vary, args.set)
    _emit(table_text(table, args.format), args.output)


def cmd_compare(args: argparse.Namespace) -> None:
    results = api.compare(args.scenarios, args.set)
    _emit(compare_text(results, args.format), args.output)


def cmd_specs(args: argparse.Namespace) -> None:
    lines = []
    for category, folder in REFERENCE_DIRS.items():
        names = available(category)
        lines.append(f"{category} ({folder}): {', '.join(names) if names else '-'}")
    roots = library_roots()
    designs = sorted({p for root in roots for p in (root / "pipelines").glob("*.yaml")})
    lines.append("designs (pipelines):")
    for path in designs:
        try:
            rel = path.relative_to(package_root())
        except ValueError:
            rel = path
        desc = ""
        for line in path.read_text().splitlines():
            if line.startswith("description:"):
                desc = line.split(":", 1)[1].strip()
                break
        lines.append(f"  {rel}  {desc}")
    sys.stdout.write("\n".join(lines) + "\n")


def cmd_schema(args: argparse.Namespace) -> None:
    _emit(json.dumps(scenario_schema(), indent=2) + "\n", args.output)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nicmodel", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser, formats: list[str]) -> None:
        p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                       help="override a field, e.g. network.bandwidth=40Gbps (repeatable)")
        p.add_argument("--format", choices=formats, default=formats[0])
        p.add_argument("--output", "-o", help="write to this file (atomically) instead of stdout")

    p = sub.add_parser("eval", help="steady-state throughput, bottleneck, latency and footprint")
    p.add_argument("scenario")
    common(p, ["text", "json"])
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("table", help="design table over the cross product of --vary axes")
    p.add_argument("scenario")
    p.add_argument("--vary", action="append", default=[], metavar="PATH=V1,V2,...")
    common(p, ["markdown", "csv", "json"])
    p.set_defaults(func=cmd_table)

    p = sub.add_parser("compare", help="designs side by side, with ratios to the first")
    p.add_argument("scenarios", nargs="+")
    common(p, ["markdown", "csv", "json"])
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("specs", help="bundled hardware, workloads and designs")
    p.add_argument("action", choices=["list"])
    p.set_defaults(func=cmd_specs)

    p = sub.add_parser("schema", help="JSON Schema of the scenario language")
    p.add_argument("--output", "-o")
    p.set_defaults(func=cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())

