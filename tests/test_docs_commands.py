"""Every nicmodel command the docs' code blocks show (docs/*.md; the README's have their own test) is
accepted as printed, from a fresh folder holding only the bundled specs. Serving and simulator commands are
checked at their printed size up to the run budget (--max-events): a command the docs recommend
must not be refused as too large, which a run at reduced size would never show; the rest run whole."""

from pathlib import Path

import pytest

import nicmodel.api.runs as api_runs
from nicmodel.cli import main

from doc_commands import argv, commands, placeholders

ROOT = Path(__file__).resolve().parent.parent
README = set(commands((ROOT / "README.md").read_text()))
# inputs a document makes in an earlier step (a trace the reader writes, a database a serve before it
# fills): their commands are the README's test's, or need the reader's own file
NEEDS_EARLIER_STEP = ("--trace requests.jsonl", "query runs.sqlite")


class Budgeted(BaseException):
    """Raised where the runs would start: the command got past its checks and its run budget."""


def _cases() -> list:
    out = []
    for doc in sorted((ROOT / "docs").glob("*.md")):
        for command in commands(doc.read_text(), inline=False):
            if command in README or placeholders(command) or any(s in command for s in NEEDS_EARLIER_STEP):
                continue
            out.append(pytest.param(command, id=f"{doc.name}:{' '.join(argv(command)[:2])}"[:80]))
    return out


CASES = _cases()


def test_the_docs_show_commands_to_check():
    """The extraction finds the planning guide's and the serving doc's commands (not a silent empty set)."""
    assert len(CASES) >= 25
    assert any("--bandwidths 10Gbps,20Gbps,40Gbps --rate 2 --search" in c.values[0] for c in CASES)


@pytest.mark.parametrize("command", CASES)
def test_docs_command_is_accepted(command, tmp_path, monkeypatch):
    for name in ("pipelines", "hwspecs", "workloads", "validation"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)

    def budgeted(*args, **kwargs):
        raise Budgeted

    monkeypatch.setattr(api_runs, "run_with_intervals", budgeted)
    try:
        code = main(argv(command))
    except Budgeted:
        return  # accepted at its printed size; the run itself is the README's and the serving tests' to check
    assert code == 0, command
