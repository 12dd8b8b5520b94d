"""What every command shares: the argument parser that reports a bad command line in one line,
writing output (stdout or a file, atomically), the shared flags, the results database of -o, and
one-line error reports of failed sweep points."""

from __future__ import annotations

import argparse
import sys
import typing

from ..errors import EXIT_BAD_INPUT, EXIT_OK

# Everything heavy (numpy, pydantic, networkx, the engines) is imported by the command that needs
# it, so that `nicmodel --help` starts in a fraction of the time (see README, Benchmarks).


class Parser(argparse.ArgumentParser):
    """argparse, but a bad command line is one line on stderr (no usage dump) and exit 2."""

    def error(self, message: str) -> typing.NoReturn:
        sys.stderr.write(f"error: {self.prog}: {message}\n")
        raise SystemExit(EXIT_BAD_INPUT)


def emit(text, output: str | None) -> None:
    """Text (or chunks of it) to ``output`` atomically, else to stdout."""
    from ..files import write_atomic

    if output:
        write_atomic(output, text)
    elif isinstance(text, str):
        sys.stdout.write(text)
    else:
        for chunk in text:
            sys.stdout.write(chunk)


def common(p: argparse.ArgumentParser, formats: list[str]) -> None:
    p.add_argument("--set", action="append", default=[], metavar="PATH=VALUE",
                   help="override a field, e.g. network.bandwidth=40Gbps (repeatable)")
    p.add_argument("--format", choices=formats, default=formats[0])
    p.add_argument("--output", "-o", help="write to this file (atomically) instead of stdout")


def stochastic(p: argparse.ArgumentParser, replications: int, verb: str) -> None:
    """Sweeps, replications and uncertainty draws of a stochastic command, on a pool."""
    p.add_argument("--vary", action="append", default=[], metavar="PATH=V1,V2,...",
                   help=f"{verb} every combination of these values (repeatable) on a process pool, one row each")
    p.add_argument("--replications", type=int, default=replications, metavar="N",
                   help=f"{verb} every point with N seeds (--seed, --seed+1, ...) and print the mean and its 90%% "
                        f"confidence interval (default {replications})")
    p.add_argument("--uncertainty", nargs="?", const=32, type=int, metavar="N",
                   help=f"also {verb} every point with the assumed, fitted and derived numbers drawn over their "
                        "ranges N times (default 32): median and 90%% interval")
    p.add_argument("--jobs", type=int, help="worker processes (default: all cores)")
    p.add_argument("--backend", choices=["local", "ray"], default="local",
                   help="local process pool, or Ray (the cluster at RAY_ADDRESS, else a local one of --jobs "
                        "workers started for the run; needs nicmodel[ray])")
    p.add_argument("--progress", choices=["auto", "on", "off"], default="auto",
                   help="progress bar with ETA on stderr (auto: when stderr is a terminal)")
    p.add_argument("--sim-kernel", choices=["auto", "compiled", "reference"],
                   help="event loop of the data-plane simulator: compiled (numba), reference (the same loop "
                        "interpreted: no compilation), or auto (compiled for large runs; default). Both give "
                        "identical numbers")


def samples(text: str) -> int:
    n = int(text)
    if not 10 <= n <= 1_000_000:
        raise argparse.ArgumentTypeError("expected 10..1,000,000 draws")
    return n


def grid_points(text: str) -> int:
    n = int(text)
    if not 3 <= n <= 2001:
        raise argparse.ArgumentTypeError("expected 3..2001 points")
    return n


def check_plot(args: argparse.Namespace) -> None:
    """A plot file name the tool cannot write is refused before any work."""
    if getattr(args, "plot", None):
        from ..files import plot_format
        plot_format(args.plot)


def show_progress(args: argparse.Namespace) -> bool:
    return args.progress == "on" or (args.progress == "auto" and sys.stderr.isatty())


_DATABASES: dict[str, object] = {}


def database(args: argparse.Namespace):
    """The results database named by -o (.sqlite/.db), opened once per process; else None."""
    from ..output.resultsdb import ResultsDB, is_database
    out = getattr(args, "output", None)
    if not is_database(out):
        return None
    if out not in _DATABASES:
        _DATABASES[out] = ResultsDB(out)
    return _DATABASES[out]


def close_databases() -> None:
    for db in _DATABASES.values():  # one run, one run id (main may be called again in-process)
        db.close()
    _DATABASES.clear()


def report_errors(rows: list) -> int:
    """Each failed point's one-line error on stderr; the exit code of the worst."""
    code = EXIT_OK
    for r in rows:
        if "error" in r:
            print(f"error: {r['error']}", file=sys.stderr)
            code = max(code, r.get("exit", EXIT_BAD_INPUT))
    return code


def write_rows(args: argparse.Namespace, table: str, rows: list) -> None:
    """Sweep rows into the -o database's ``table`` (when -o names one)."""
    from ..output.rows import point_row
    db = database(args)
    if db is not None:
        db.write(table, [point_row(r) for r in rows])
