"""Command line: evaluate, tabulate, size, compare, simulate and serve designs; validate, report.

Owns: parsing arguments, calling the API, rendering its answers (text, JSON, CSV, plots, the -o
database), exit codes. Holds no model, planning or run-budget logic. One module per command family,
each with its own argument definitions (``register``). May import everything below it.

Bad input of any kind prints one line (file:line: field.path: expectation) and exits 2.
"""

from __future__ import annotations

import os
import sys
import warnings
from typing import NamedTuple

from ..errors import EXIT_BAD_INPUT, EXIT_CHECK_FAILED, EXIT_INTERNAL, EXIT_OK, InfeasibleError, SpecError
from . import catalog, checks, compare, cost, evaluate, fabric, results, serve, simulate, size, tables
from .common import Parser, check_paths, close_databases, route_rows


class Command(NamedTuple):
    """A command and the API function that does its work (the same defaults)."""

    family: object
    api: str


COMMANDS = {
    "eval": Command(evaluate, "evaluate_file"),
    "table": Command(tables, "design_table"),
    "report": Command(results, "report"),
    "query": Command(results, "query"),
    "size": Command(size, "size"),
    "compare": Command(compare, "compare"),
    "simulate": Command(simulate, "simulate_file"),
    "fabric": Command(fabric, "fabric"),
    "validate": Command(checks, "validate"),
    "calibrate": Command(checks, "calibrate"),
    "sensitivity": Command(checks, "sensitivity"),
    "serve": Command(serve, "serve"),
    "specs": Command(catalog, "specs"),
    "schema": Command(catalog, "schema"),
    "nic-price": Command(cost, "nic_price"),
}
FAMILIES = (evaluate, tables, results, size, compare, simulate, fabric, checks, serve, cost, catalog)


def build_parser() -> Parser:
    parser = Parser(prog="nicmodel", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    for family in FAMILIES:
        family.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # a bad command line (its one line is on stderr), or --help
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    close_databases()
    code = EXIT_INTERNAL
    kernel = getattr(args, "sim_kernel", None)
    before = os.environ.get("NICMODEL_SIM_KERNEL")
    if kernel:  # an environment variable, so that sweep workers run the same loop
        os.environ["NICMODEL_SIM_KERNEL"] = kernel
    try:
        from ..files import staged
        check_paths(args)
        route_rows(args)
        with staged(), warnings.catch_warnings():  # files appear when the command succeeds; none if it fails
            if not _debug():
                warnings.simplefilter("ignore")  # answers are checked for finiteness; no Python warning on screen
            code = args.func(args) or EXIT_OK
        loops = sys.modules.get("nicmodel.engines.sim.loops")  # only where the command used the simulator
        if loops is not None and code == EXIT_OK:
            loops.offer_ahead_of_time()
        return code
    except SpecError as exc:
        print(f"error: {exc}", file=sys.stderr)
        code = EXIT_BAD_INPUT
        return code
    except InfeasibleError as exc:  # a valid spec the hardware cannot run: the evaluation fails
        where = (getattr(args, "scenario", None) or " ".join(getattr(args, "scenarios", None) or [])
                 or getattr(args, "fabric", None) or "<input>")
        print(f"error: {where}: infeasible: {exc}", file=sys.stderr)
        code = EXIT_CHECK_FAILED
        return code
    except BrokenPipeError:
        code = EXIT_OK
        return code
    except KeyboardInterrupt:
        print("error: interrupted; outputs already written are complete, none is partial", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, never a traceback
        if _debug():
            raise
        print(f"error: internal error (a bug in nicmodel; NICMODEL_DEBUG=1 shows the traceback): "
              f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        _restore_env("NICMODEL_SIM_KERNEL", before)
        _name_foreign_specs()
        close_databases("ok" if code == EXIT_OK else "failed")  # the run's row in `runs` says how it ended


def _name_foreign_specs() -> None:
    from ..spec.loader import foreign_references
    for line in foreign_references():
        print(f"note: {line}", file=sys.stderr)


def _debug() -> bool:
    """NICMODEL_DEBUG=1 (or yes/true/on) shows tracebacks and warnings; 0, no, false, off do not."""
    return os.environ.get("NICMODEL_DEBUG", "").strip().lower() not in ("", "0", "false", "no", "off")


def _restore_env(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


if __name__ == "__main__":
    sys.exit(main())
