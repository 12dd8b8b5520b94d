"""Fuzzing every command's flags: whatever value a flag gets, the CLI answers or refuses in one
line with exit 2 (or 1 for a failed check), never an internal error (exit 3) or a traceback.

The flags come from the parser itself, so a new flag is fuzzed without editing this file. CI
runs a short derandomized campaign over the commands that answer in about a second;
`pytest -m fuzz tests/test_cli_fuzz.py` runs the long one over every command (a run that takes
longer than a minute is stopped and reported, not failed: a long legal run is not a bug)."""

import signal
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nicmodel.cli import build_parser, main

from conftest import DEFAULT, ROOT

SHORT = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
LONG = settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
FAST = ["eval", "table", "query", "simulate", "validate", "calibrate", "fabric", "specs", "schema", "compare"]
TRACE = ROOT / "validation" / "traces" / "h100_decode.csv"
# values a user or an attacker might type: signs, extremes, non-numbers, units, paths, escapes
VALUES = ["-1", "0", "1", "2", "0.5", "nan", "inf", "-inf", "1e308", "1e-300", "", " ", "abc", "true", "none",
          "10Gbps", "25 GiB", "1/s", "-5ms", "9999999999999", "0x10", "1,2", "a=b", "design.chunk_tokens=64",
          "max_rate>=1/s", "ttft_p99<=2s", "\x1b[2J", "\u202e", "../x.csv", "/dev/null", "-", "out.csv",
          "out.sqlite", "'; DROP TABLE eval; --", "SELECT 1", "h100-sxm", "json", "text", "loo"]


def _commands() -> dict:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return dict(sub.choices)


COMMANDS = _commands()


def _flags(command: str) -> list:
    """(option string, takes a value, choices) of every optional argument but --help."""
    out = []
    for action in COMMANDS[command]._actions:
        if action.option_strings and action.dest != "help":
            out.append((action.option_strings[-1], action.nargs != 0, tuple(action.choices or ())))
    return out


class _TooLong(BaseException):
    """Raised by the alarm: passes the CLI's last line of defence (it catches Exception only)."""


def _positionals(command: str, tmp) -> list[str]:
    db = tmp / "runs.sqlite"
    if not db.exists():
        with sqlite3.connect(db) as con:
            con.execute("CREATE TABLE t (x REAL)")
            con.execute("INSERT INTO t VALUES (1.5)")
    return {"eval": [str(DEFAULT)], "table": [str(DEFAULT)], "report": [str(DEFAULT)],
            "query": [str(db), "SELECT x FROM t"], "size": [str(DEFAULT)], "compare": [str(DEFAULT)],
            "simulate": [str(DEFAULT), "--requests", "20"], "fabric": ["optical-8"], "validate": [str(TRACE)],
            "calibrate": [str(DEFAULT), str(TRACE), "--set", "gpu=h100-sxm"], "sensitivity": [str(DEFAULT)],
            "serve": [str(DEFAULT), "--requests", "20", "--replications", "1"],
            "nic-price": [str(DEFAULT), str(ROOT / "pipelines" / "cachegen-async.yaml")],
            "specs": ["list"], "schema": []}[command]


def _run(command: str, picks: list, tmp, monkeypatch, capsys, limit_s: int) -> None:
    monkeypatch.chdir(tmp)
    argv = [command] + _positionals(command, tmp)
    for flag, takes_value, value in picks:
        argv += [flag, value] if takes_value else [flag]

    def stop(*_):
        raise _TooLong()
    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(limit_s)
    try:
        code = main(argv)
    except _TooLong:
        print(f"fuzz: stopped after {limit_s} s: {argv}")
        return
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err, argv
    assert code in (0, 1, 2), (argv, code, err)
    if code == 2:
        lines = [line for line in err.splitlines() if line.startswith("error")]
        assert len(lines) == 1, (argv, err)


@st.composite
def invocations(draw, commands):
    command = draw(st.sampled_from(commands))
    flags = _flags(command)
    picks = []
    chosen = draw(st.lists(st.sampled_from(flags), min_size=1, max_size=3, unique=True)) if flags else []
    for flag, takes_value, choices in chosen:
        pool = list(choices) + VALUES if choices else VALUES
        value = draw(st.one_of(st.sampled_from(pool), st.text(max_size=12)))
        picks.append((flag, takes_value, value))
    return command, picks


@SHORT
@given(inv=invocations(FAST))
def test_fuzz_cli_flags(inv, tmp_path_factory, monkeypatch, capsys):
    command, picks = inv
    with monkeypatch.context() as mp:
        _run(command, picks, tmp_path_factory.mktemp("cli"), mp, capsys, limit_s=60)


@pytest.mark.fuzz
@LONG
@given(inv=invocations(sorted(COMMANDS)))
def test_fuzz_cli_flags_long(inv, tmp_path_factory, monkeypatch, capsys):
    command, picks = inv
    with monkeypatch.context() as mp:
        _run(command, picks, tmp_path_factory.mktemp("cli"), mp, capsys, limit_s=60)


def test_every_command_is_fuzzed():
    """The campaign draws flags from the parser: every command is in it, and the fast set names
    only real commands."""
    assert set(FAST) <= set(COMMANDS)
    assert {"serve", "size", "report", "sensitivity", "nic-price"} <= set(COMMANDS)
    assert sum(len(_flags(c)) for c in COMMANDS) >= 100
