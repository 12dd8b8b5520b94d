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


# commands the docs say exit 1 as they stand: the held-out standing over every trace while families are above 15%
CHECK_FAILS = ("validate validation/traces/*_interference.csv",)


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
    assert code == (1 if any(c in command for c in CHECK_FAILS) else 0), command


def test_the_steady_state_note_names_a_budget_the_longer_run_accepts(capsys, monkeypatch):
    """A short SLO search's note says what to run next: --requests 3000 with the --max-events that
    command needs (its estimate, rounded up), and that command passes the budget."""
    from nicmodel import api
    from nicmodel.planning import budget
    from nicmodel.spec.loader import load_scenario

    monkeypatch.chdir(ROOT)
    base = ["serve", "pipelines/shadowserve.yaml", "--rate", "2", "--search", "--replications", "2"]
    monkeypatch.setattr(api_runs, "run_with_intervals", lambda *a, **k: [])
    assert main(base + ["--requests", "20"]) == 0
    note = capsys.readouterr().err
    flag = note.split("--requests 3000 --max-events ")[1].split()[0]
    # by hand: 2 seeds x (1 loaded run + 12 of the search) runs of 3,000, and 2 one-request runs
    scenario = load_scenario("pipelines/shadowserve.yaml")
    prefix = [int(scenario.request.prefix_tokens.si)]
    events = budget.serve_events(scenario, prefix, 3000) * 2 * 13 + budget.serve_events(scenario, prefix, 1) * 2
    assert api.serve_events(["pipelines/shadowserve.yaml"], 3000, 2.0, True, replications=2) == pytest.approx(events)
    assert events <= float(flag) < 10 * events
    with pytest.raises(Budgeted):
        monkeypatch.setattr(api_runs, "run_with_intervals", lambda *a, **k: (_ for _ in ()).throw(Budgeted))
        main(base + ["--requests", "3000", "--max-events", flag])
