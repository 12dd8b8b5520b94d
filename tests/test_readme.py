"""Every nicmodel command the README shows runs as printed (serving runs at reduced sizes), from a
fresh folder that holds only the bundled specs: exit 0, and the files it names appear."""

import re
import shlex
from pathlib import Path

import pytest

from nicmodel.cli import main

from doc_commands import commands

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
REDUCED = {"serve": ["--requests", "20", "--replications", "2"], "simulate": []}
COMMANDS = commands(README)


def test_the_readme_shows_every_command_family():
    families = {shlex.split(c)[1] for c in COMMANDS}
    assert {"eval", "table", "compare", "size", "simulate", "serve", "validate", "calibrate", "sensitivity",
            "report", "query", "specs", "schema", "fabric"} <= families


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(command, tmp_path, monkeypatch, capsys):
    for name in ("pipelines", "hwspecs", "workloads", "validation"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    argv = shlex.split(command)[1:]
    redirect = None
    if ">" in argv:
        redirect = tmp_path / argv[argv.index(">") + 1]
        argv = argv[: argv.index(">")]
    argv += REDUCED.get(argv[0], [])
    if argv[0] == "query" and not (tmp_path / argv[1]).exists():  # the README's query reads the serve run before it
        assert main(["serve", "pipelines/shadowserve.yaml", "--vary", "network.bandwidth=10Gbps,40Gbps", "--rate", "2", "--search",
                     "-o", argv[1], *REDUCED["serve"]]) == 0
    assert main(argv) == 0, command
    out = capsys.readouterr().out
    if redirect is not None:
        redirect.write_text(out)
    for flag in ("-o", "--plot"):
        if flag in argv:
            assert (tmp_path / argv[argv.index(flag) + 1]).stat().st_size > 0, command


def test_the_held_out_standing_the_readme_states_is_the_ledgers():
    """The README's held-out counts (What it rests on: Held out) are the recorded ledger's: the families held out
    trace by trace, those within 15%, those above it, and its table of causes summing to the latter, so a ledger
    change that leaves the README behind fails here (the ledger itself is checked against the traces in
    tests/test_held_out_gates.py)."""
    from held_out import ABOVE_TARGET, HELD_OUT
    families = sum(len(v) for trace, v in HELD_OUT.items() if "interference" in trace or "decode" in trace)
    above = len(ABOVE_TARGET)
    said = re.search(r"Of the (\d+) families held out trace by trace \(both sides\), (\d+)\s+are within 15%; "
                     r"the (\d+) that are not", README)
    assert said and tuple(map(int, said.groups())) == (families, families - above, above)
    guide = (ROOT / "docs/planning-guide.md").read_text()
    stated = re.search(r"(\d+) families, (\d+) within 15% MAPE, the (\d+) above", " ".join(guide.split()))
    assert stated and tuple(map(int, stated.groups())) == (families, families - above, above)  # its section 8
    section = README[said.end():README.index("**Where an answer says UNVALIDATED**")]
    causes = [int(m) for m in re.findall(r"^\|[^|\n]+\| (\d+) \|", section, re.M)]
    assert len(causes) == 7 and sum(causes) == above  # seven since the decoder's grid was read as measured
    # each row is one of the ledger's causes (validation/above_target.yaml), its count the families recorded with it
    from collections import Counter
    from held_out import ABOVE_TARGET_CAUSE, CAUSES
    rows = re.findall(r"^\| ([^|\n]+) \| (\d+) \| ([^\n]+) \|$", section, re.M)
    counts = Counter(ABOVE_TARGET_CAUSE.values())
    assert [(t, int(n), m) for t, n, m in rows] == [(c.title, counts[k], c.misses) for k, c in CAUSES.items()]
