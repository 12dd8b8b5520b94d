"""`nicmodel validate --ledger`: the held-out standing read against the ledger of families above the target
(validation/above_target.yaml): a recorded family passes with its cause, a new one fails (exit 1), a recorded one now
within the target is named, and a bad ledger is one line with its file, line and field (exit 2)."""

from __future__ import annotations

import json
import pytest

from nicmodel import api
from nicmodel.cli import main
from nicmodel.validation.ledger import read_ledger

from conftest import ROOT

LEDGER = ROOT / "validation/above_target.yaml"
COVERAGE = ROOT / "validation/traces/h100_coverage1_interference.csv"  # one family above 15%, recorded
WITHIN = ROOT / "validation/traces/h100_dataplane_random_interference.csv"  # every family within 15%


def _ledger(tmp_path, text: str):
    """A ledger of its own (its entries name the committed traces by absolute paths)."""
    path = tmp_path / "ledger.yaml"
    path.write_text(text)
    return path


CAUSES = """target_mape_pct: 15
causes:
  coverage-launches:
    title: one-block-per-SM launches
    misses: they grow with the SMs they hold
"""


def test_a_recorded_family_passes_with_its_cause(capsys):
    assert main(["validate", str(COVERAGE), str(WITHIN), "--ledger", str(LEDGER)]) == 0
    out = capsys.readouterr().out
    assert "| coverage-launches" in out and "new (above 15% and not in the ledger): 0" in out
    # every other recorded family is on a trace not read here
    assert f"{len(read_ledger(LEDGER).families) - 1} recorded families are on traces not read here" in out
    s = api.validate_standing([COVERAGE, WITHIN], ledger=LEDGER)
    assert [r["cause"] for r in s["above"]] == ["coverage-launches"]
    assert {c["cause"]: c["families"] for c in s["ledger"]["by_cause"]}["coverage-launches"] == 1
    assert s["ledger"]["now_within"] == [] and s["family_mape_pct"] == 15.0


def test_a_family_the_ledger_does_not_record_fails(tmp_path, capsys):
    ledger = _ledger(tmp_path, CAUSES + "families: []\n")
    assert main(["validate", str(COVERAGE), "--ledger", str(ledger), "--format", "json"]) == 1
    s = json.loads(capsys.readouterr().out)
    assert s["ledger"]["new"] == 1 and s["above"][0]["cause"] is None
    assert main(["validate", str(COVERAGE), "--ledger", str(ledger)]) == 1
    assert "NEW: not in the ledger" in capsys.readouterr().out


def test_a_recorded_family_now_within_the_target_is_named(tmp_path, capsys):
    ledger = _ledger(tmp_path, CAUSES + f"""families:
- trace: {COVERAGE}
  family: corunner_time_ratio/coverage-compute
  cause: coverage-launches
  note: recorded
- trace: {WITHIN}
  family: corunner_time_ratio/paged-kv-scatter
  cause: coverage-launches
  note: "within 15% on this trace: a stale entry"
""")
    assert main(["validate", str(COVERAGE), str(WITHIN), "--ledger", str(ledger)]) == 0
    out = capsys.readouterr().out
    assert (f"recorded but now within 15%: {WITHIN} corunner_time_ratio/paged-kv-scatter (coverage-launches): take "
            "it out of the ledger") in out


@pytest.mark.parametrize("text, where", [
    (CAUSES + "families: []\nextra: 1\n", ":7: extra: unknown key 'extra'"),
    (CAUSES + "families:\n- {trace: traces/x.csv, family: m, cause: nope, note: n}\n",
     ":7: families[0].cause: no cause 'nope'; expected one of: coverage-launches"),
    (CAUSES + "families:\n- {trace: t.csv, family: m, cause: coverage-launches, note: n}\n"
     "- {trace: t.csv, family: m, cause: coverage-launches, note: n}\n", ":8: families[1].family: m of t.csv is "
     "recorded twice"),
    (CAUSES.replace("15", "-1") + "families: []\n", ":1: target_mape_pct:"),
])
def test_a_bad_ledger_is_one_line_with_its_place(tmp_path, capsys, text, where):
    ledger = _ledger(tmp_path, text)
    assert main(["validate", str(COVERAGE), "--ledger", str(ledger)]) == 2
    err = capsys.readouterr().err
    assert f"{ledger}{where}" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_target_other_than_the_ledgers_is_refused(capsys):
    assert main(["validate", str(COVERAGE), "--ledger", str(LEDGER), "--family-mape", "10"]) == 2
    assert "holds families to 15%" in capsys.readouterr().err
    assert main(["validate", str(COVERAGE), "--ledger", str(LEDGER), "--family-mape", "15"]) == 0


def test_the_committed_ledger_is_valid_and_names_its_causes():
    ledger = read_ledger(LEDGER)
    assert ledger.target_mape_pct == 15.0 and len(ledger.families) == 44
    assert all((LEDGER.parent / e.trace).exists() for e in ledger.families)


def test_the_ledger_schema_documents_every_field(capsys):
    assert main(["schema", "--of", "ledger"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "nicmodel held-out ledger"
    for definition in [schema, *schema["$defs"].values()]:
        assert definition["additionalProperties"] is False
        assert all(p.get("description") for p in definition["properties"].values()), definition


def test_the_committed_traces_read_against_the_committed_ledger(capsys):
    """The command the README gives, over every committed trace: nothing new, nothing recorded now within, and the
    count by cause the README's table states (tests/test_readme.py reads the table against the ledger)."""
    traces = sorted(str(p) for p in (ROOT / "validation/traces").glob("*_interference.csv"))
    traces += sorted(str(p) for p in (ROOT / "validation/traces").glob("*decode*.csv"))
    assert main(["validate", *traces, "--ledger", str(LEDGER), "--format", "json"]) == 0
    s = json.loads(capsys.readouterr().out)
    ledger = read_ledger(LEDGER)
    assert s["ledger"]["new"] == 0 and s["ledger"]["now_within"] == [] and s["ledger"]["not_read"] == 0
    assert len(s["above"]) == len(ledger.families) and all(r["cause"] for r in s["above"])
    assert sum(c["families"] for c in s["ledger"]["by_cause"]) == len(ledger.families)
