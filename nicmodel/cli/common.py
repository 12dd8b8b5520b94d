"""What every command shares: the argument parser that reports a bad command line in one line,
writing output (stdout or a file, atomically), the shared flags, the results database of -o, and
one-line error reports of failed sweep points."""

from __future__ import annotations

import argparse
import sys
import typing

from .. import limits
from ..errors import EXIT_BAD_INPUT, EXIT_OK, SpecError

# Everything heavy (numpy, pydantic, the engines) is imported by the command that needs
# it, so that `nicmodel --help` starts in a fraction of the time (see README, Benchmarks).


class Parser(argparse.ArgumentParser):
    """argparse, but a bad command line is one line on stderr (no usage dump) and exit 2."""

    def error(self, message: str) -> typing.NoReturn:
        sys.stderr.write(f"error: {self.prog}: {message}\n")
        raise SystemExit(EXIT_BAD_INPUT)


def emit(text, output: str | None) -> None:
    """Text (or chunks of it) to ``output`` (nicmodel.files rules), else to stdout, where control
    characters and bidirectional overrides a spec may carry are shown escaped."""
    from ..files import STDOUT, write_atomic
    from ..output.hygiene import terminal_safe

    if output and output != STDOUT:
        write_atomic(output, text)
    elif isinstance(text, str):
        sys.stdout.write(terminal_safe(text))
    else:
        for chunk in text:
            sys.stdout.write(terminal_safe(chunk))


# -o is a results database for these commands (rows); for the others it would be replaced by text
DATABASE_COMMANDS = {"eval", "table", "compare", "simulate", "serve"}
OUTPUT_FLAGS = {"output": "--output", "plot": "--plot", "stages_csv": "--stages-csv", "trace_out": "--trace-out"}
INPUT_FLAGS = ("scenario", "scenarios", "trace", "traces", "database", "compare", "fabric", "targets")


def check_paths(args: argparse.Namespace) -> None:
    """Every output path of the command checked before any work (nicmodel.files.check_outputs),
    and a results database named with -o only where the command writes rows."""
    from ..files import check_outputs
    from ..files import is_sqlite_file
    for name, value in vars(args).items():  # no file name, SQL or value may carry a NUL byte
        if any("\x00" in v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)):
            raise SpecError("contains a NUL character (\\x00), which no file name or value may hold",
                            f"--{name.replace('_', '-')}")
    out = getattr(args, "output", None)
    if out and (stores_rows(out) or is_sqlite_file(out)) and args.command not in DATABASE_COMMANDS:
        raise SpecError(f"{args.command} writes no results rows; -o {out} would be text in a results file "
                        "(give a text file, or -o - for stdout)", "--output")
    inputs: list[str] = []
    for name in INPUT_FLAGS:
        value = getattr(args, name, None)
        inputs.extend(value if isinstance(value, list) else [value] if isinstance(value, str) else [])
    check_outputs({flag: getattr(args, name, None) for name, flag in OUTPUT_FLAGS.items()}, inputs)


def common(p: argparse.ArgumentParser, formats: list[str]) -> None:
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                   help="override a field, e.g. network.bandwidth=40Gbps (repeatable)")
    p.add_argument("--format", choices=formats, default=formats[0])
    p.add_argument("--output", "-o", help="write to this file (atomically) instead of stdout")


def stochastic(p: argparse.ArgumentParser, replications: int, verb: str) -> None:
    """Sweeps, replications and uncertainty draws of a stochastic command, on a pool."""
    p.add_argument("--vary", action="append", default=[], metavar="PATH=V1,V2,...",
                   help=f"{verb} every combination of these values (repeatable) on a process pool, one row each")
    p.add_argument("--replications", type=checked(limits.replications), default=replications, metavar="N",
                   help=f"{verb} every point with N seeds (--seed, --seed+1, ...) and print the mean and its 90%% "
                        f"confidence interval (default {replications})")
    p.add_argument("--uncertainty", nargs="?", const=32, type=checked(limits.draws), metavar="N",
                   help=f"also {verb} every point with the assumed, fitted and derived numbers drawn over their "
                        "ranges N times (default 32): median and 90%% interval")
    p.add_argument("--jobs", type=checked(limits.jobs), help="worker processes (default: all cores)")
    p.add_argument("--backend", choices=["local", "ray"], default="local",
                   help="local process pool, or Ray (the cluster at RAY_ADDRESS, else a local one of --jobs "
                        "workers started for the run; needs nicmodel[ray])")
    p.add_argument("--progress", choices=["auto", "on", "off"], default="auto",
                   help="progress bar with ETA on stderr (auto: when stderr is a terminal)")
    p.add_argument("--sim-kernel", choices=["auto", "compiled", "reference"],
                   help="event loop of the data-plane simulator: compiled (numba), reference (the same loop "
                        "interpreted: no compilation), or auto (compiled for large runs; default). Both give "
                        "identical numbers")


def checked(check, *extra):
    """An argparse type from a nicmodel.limits check: the same rule as the Python API."""
    def parse(text: str):
        try:
            return check(text, "", *extra)
        except SpecError as exc:
            raise argparse.ArgumentTypeError(str(exc).removeprefix("<input>: ").removeprefix(": ").strip()) from None
    parse.__name__ = getattr(check, "__name__", "value")
    return parse


def _samples(text, flag):
    from ..limits import draws
    return draws(text, flag, 10)


def _grid(text, flag):
    from ..limits import count
    return count(text, flag, 3, 2001)


samples = checked(_samples)
grid_points = checked(_grid)


def check_plot(args: argparse.Namespace) -> None:
    """A plot file name the tool cannot write is refused before any work."""
    if getattr(args, "plot", None):
        from ..files import plot_format
        plot_format(args.plot)


def show_progress(args: argparse.Namespace) -> bool:
    return args.progress == "on" or (args.progress == "auto" and sys.stderr.isatty())


_DATABASES: dict[str, object] = {}


def stores_rows(path: str | None) -> bool:
    """-o names a results file (a database, or a Parquet table) rather than text."""
    if not path:  # no -o: nothing to ask the store (importing it costs ~25 ms)
        return False
    from ..store.database import is_database
    return is_database(path) or str(path).lower().endswith(".parquet")


def route_rows(args: argparse.Namespace) -> None:
    """A results file named by -o takes the command's rows; its text then goes to stdout."""
    out = getattr(args, "output", None)
    args.rows_output = out if stores_rows(out) and args.command in DATABASE_COMMANDS else None
    if args.rows_output:
        args.output = None


def database(args: argparse.Namespace):
    """The results database named by -o (.sqlite/.db), opened once per process; else None."""
    out = getattr(args, "rows_output", None)
    if not out:
        return None
    from ..store.database import ResultsDB, is_database
    if not is_database(out):
        return None
    if out not in _DATABASES:
        _DATABASES[out] = ResultsDB(out, getattr(args, "command", ""), sys.argv[1:])
    return _DATABASES[out]


def close_databases(status: str = "ok") -> None:
    for db in _DATABASES.values():  # one run, one run id (main may be called again in-process)
        db.close(status)
    _DATABASES.clear()


def write_db(args: argparse.Namespace, table: str, rows: list, metrics: dict | None = None) -> None:
    """Rows into the results file -o names (a database's ``table``, or a Parquet file), with --set
    as typed inputs; nothing when -o names none."""
    if not getattr(args, "rows_output", None):
        return
    from ..store.columns import overrides_inputs
    overrides = list(getattr(args, "set", []) or [])
    db = database(args)
    if db is not None:
        db.write(table, rows, {"overrides": overrides}, metrics, overrides_inputs(overrides))
    elif getattr(args, "rows_output", None):
        from ..store.frames import frame, write_parquet
        write_parquet(args.rows_output, frame(rows, table, metrics, overrides_inputs(overrides)))


def report_errors(rows: list) -> int:
    """Each failed point's one-line error on stderr; the exit code of the worst."""
    code = EXIT_OK
    for r in rows:
        if "error" in r:
            print(f"error: {r['error']}", file=sys.stderr)
            code = max(code, r.get("exit", EXIT_BAD_INPUT))
    return code


def write_rows(args: argparse.Namespace, table: str, rows: list) -> None:
    """Sweep rows into the -o database's ``table`` (when -o names one): the column with the
    plain name holds the mean over replications, each replication goes to ``<table>_seeds``."""
    from ..output.rows import point_row
    from ..planning.runs import METRICS
    write_db(args, table, [point_row(r) for r in rows], METRICS.get(table))
