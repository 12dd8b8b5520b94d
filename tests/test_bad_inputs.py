"""Every malformed input in tests/bad_inputs/ through the CLI: one line on stderr naming the file
(line where known), field and expectation; the stated exit code (2 for bad input); no traceback;
nothing on stdout; bounded time. The corpus is written by tests/bad_inputs/make_corpus.py."""

import contextlib
import io
import json
import signal
from pathlib import Path

import pytest

from nicmodel.cli import main

from conftest import ROOT

HERE = Path(__file__).resolve().parent / "bad_inputs"
CASES = json.loads((HERE / "cases.json").read_text())
SECONDS = 60  # no case may take longer (most take milliseconds); a hang fails instead of blocking CI


def expand(arg: str) -> str:
    arg = arg.replace("{D}", str(HERE / "files")).replace("{ROOT}", str(ROOT))
    if "{RANGE:" in arg:
        head, spec = arg.split("{RANGE:", 1)
        a, b = spec.rstrip("}").split(":")
        arg = head + ",".join(str(i) for i in range(int(a), int(b) + 1))
    return arg


def run(argv):
    out, err = io.StringIO(), io.StringIO()

    def timeout(signum, frame):
        raise TimeoutError(f"took more than {SECONDS} s")

    old = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(SECONDS)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse
                code = exc.code
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    return code, out.getvalue(), err.getvalue()


def test_the_corpus_is_large_and_covers_every_kind_of_input():
    kinds = {c["name"].split("/")[0] for c in CASES}
    assert len(CASES) >= 100
    assert kinds >= {"scenario", "fabric", "requests", "measured", "cli", "calibrate"}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_input_gives_one_clear_line(case):
    code, out, err = run([expand(a) for a in case["argv"]])
    assert code == case["code"], (code, err)
    assert "Traceback" not in err and "internal error" not in err, err
    if case["code"] == 0:  # a boundary that is valid: it runs and says nothing on stderr
        assert err == "" and out
        return
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for words in case["expect"]:
        assert expand(words) in lines[0], (words, lines[0])
    assert out == "", out
