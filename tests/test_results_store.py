"""The results database as a planner uses it: typed columns, one row per point, the mean in the
plain column; many writers and killed writers; read-only bounded query; outputs that destroy
nothing."""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from nicmodel.cli import main
from nicmodel.store.database import ResultsDB
from nicmodel.store.query import query

from conftest import DEFAULT, ROOT

SERVE = ["serve", str(DEFAULT), "--rate", "2", "--requests", "20", "--progress", "off", "--format", "json"]


def _rows(db, sql):
    names, rows = query(db, sql)
    return [dict(zip(names, r)) for r in rows]


def test_inputs_are_typed_and_sort_as_numbers(tmp_path, capsys):
    db = str(tmp_path / "r.sqlite")
    assert main(["table", str(DEFAULT), "--vary", "network.bandwidth=100Gbps,10Gbps,25Gbps,40Gbps",
                 "--optimum", "none", "-o", db]) == 0
    rows = _rows(db, "SELECT in_network_bandwidth, in_network_bandwidth_bps FROM design_table "
                     "ORDER BY in_network_bandwidth_bps")
    assert [r["in_network_bandwidth"] for r in rows] == ["10Gbps", "25Gbps", "40Gbps", "100Gbps"]
    assert [r["in_network_bandwidth_bps"] for r in rows] == [10e9, 25e9, 40e9, 100e9]
    assert len(_rows(db, "SELECT * FROM design_table WHERE in_network_bandwidth_bps > 20e9")) == 3
    with sqlite3.connect(db) as conn:
        types = {r[1]: r[2] for r in conn.execute("PRAGMA table_info(design_table)")}
    assert types["in_network_bandwidth_bps"] == "REAL" and types["fetch_latency_s"] == "REAL"


def test_a_rerun_replaces_its_rows_and_runs_keep_the_history(tmp_path, capsys):
    db = str(tmp_path / "r.sqlite")
    argv = ["table", str(DEFAULT), "--vary", "network.bandwidth=10Gbps,25Gbps", "--optimum", "none", "-o", db]
    assert main(argv) == 0 and main(argv) == 0
    assert main(["eval", str(DEFAULT), "--set", "network.bandwidth=40Gbps", "-o", db]) == 0
    assert main(["eval", str(DEFAULT), "--set", "network.bandwidth=40Gbps", "-o", db]) == 0
    assert _rows(db, "SELECT COUNT(*) AS n FROM design_table")[0]["n"] == 2
    one = _rows(db, "SELECT in_network_bandwidth_bps, overrides FROM eval")
    assert len(one) == 1 and one[0]["in_network_bandwidth_bps"] == 40e9
    runs = _rows(db, "SELECT command, status, rows FROM runs ORDER BY started")
    assert [r["command"] for r in runs] == ["table", "table", "eval", "eval"]
    assert {r["status"] for r in runs} == {"ok"} and [r["rows"] for r in runs] == [2, 2, 1, 1]


def test_the_plain_column_holds_the_printed_mean(tmp_path, capsys):
    db = str(tmp_path / "s.sqlite")
    assert main(SERVE + ["--replications", "3", "--search", "-o", db]) == 0
    printed = json.loads(capsys.readouterr().out)
    mean = printed["replications"]["metrics"]["max_rate_per_s"]["mean"]
    row = _rows(db, "SELECT slo_max_rate_per_s, slo_max_rate_per_s_n, loaded_tpot_s_p50, "
                    "loaded_tpot_s_p50_ci90 FROM serve")[0]
    assert row["slo_max_rate_per_s"] == pytest.approx(mean) and row["slo_max_rate_per_s_n"] == 3
    assert row["loaded_tpot_s_p50"] == pytest.approx(printed["replications"]["metrics"]["tpot_p50_s"]["mean"])
    seeds = _rows(db, "SELECT seed, loaded_tpot_s_p50 FROM serve_seeds ORDER BY seed")
    assert [s["seed"] for s in seeds] == [0, 1, 2]
    assert [s["loaded_tpot_s_p50"] for s in seeds] == printed["replications"]["metrics"]["tpot_p50_s"]["values"]


_WRITER = r"""
import os, random, sys, time
from nicmodel.planning.runner import Point, run
from nicmodel.store.database import ResultsDB
db = ResultsDB(sys.argv[1], "test", [])
log = sys.argv[2]
random.seed(int(sys.argv[3]))
def work(pt):
    time.sleep(random.uniform(0.002, 0.02))
    with open(log, "a") as f:
        f.write(f"{os.getpid()} {pt.key}\n")
    return {"value": int(pt.key[1:]) ** 2}
points = [Point("x", [], {"command": "t"}, {}, key=f"k{i}") for i in range(int(sys.argv[4]))]
rows = run(points, work, jobs=1, store=db)
assert [r["value"] for r in rows] == [i * i for i in range(len(points))]
db.write("t", [{"key": p.key, "value": r["value"]} for p, r in zip(points, rows)])
db.close()
"""


@pytest.mark.parametrize("trial", range(3))
def test_many_writers_killed_at_random_lose_nothing_and_never_duplicate(tmp_path, trial):
    """8 sweeps of the same 60 points on one database, 3 of them SIGKILLed at random moments:
    the survivors exit 0, every point is finished exactly once, and no point is computed by two
    survivors; a final run computes only what the killed ones left."""
    rnd = random.Random(trial)
    db, log, n = tmp_path / "c.sqlite", tmp_path / "log.txt", 60
    procs = [subprocess.Popen([sys.executable, "-c", _WRITER, str(db), str(log), str(i), str(n)],
                              stderr=subprocess.PIPE) for i in range(8)]
    victims = rnd.sample(range(8), 3)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not log.exists() or len(log.read_text().splitlines()) < 5):
        time.sleep(0.01)  # kill while points are being computed, not before the writers start
    for v in victims:
        time.sleep(rnd.uniform(0.0, 0.1))
        procs[v].send_signal(signal.SIGKILL)
    for i, p in enumerate(procs):
        _, err = p.communicate(timeout=120)
        if i not in victims:
            assert p.returncode == 0, err.decode()[-2000:]
    killed = {procs[v].pid for v in victims}
    assert all(procs[v].returncode == -signal.SIGKILL for v in victims)  # killed mid-run, not finished
    lines = [line.split() for line in log.read_text().splitlines()]
    by_key: dict[str, list[int]] = {}
    for pid, key in lines:
        by_key.setdefault(key, []).append(int(pid))
    for key, pids in by_key.items():
        survivors = [p for p in pids if p not in killed]
        assert len(survivors) <= 1, (key, pids)  # computed twice only where a computing run was killed
    with sqlite3.connect(db) as conn:
        done = conn.execute("SELECT COUNT(*), COUNT(DISTINCT key) FROM points WHERE status = 'done'").fetchone()
        assert done == (n, n)
        assert conn.execute("SELECT COUNT(*), COUNT(DISTINCT point_key) FROM t").fetchone() == (n, n)
    before = len(lines)
    final = subprocess.run([sys.executable, "-c", _WRITER, str(db), str(log), "99", str(n)], capture_output=True)
    assert final.returncode == 0 and len(log.read_text().splitlines()) == before  # nothing left to compute


def test_concurrent_eval_writers_all_land(tmp_path):
    db = tmp_path / "e.sqlite"
    procs = [subprocess.Popen([sys.executable, "-m", "nicmodel", "eval", str(DEFAULT), "--set",
                               f"network.bandwidth={10 + i}Gbps", "-o", str(db)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE) for i in range(12)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err.decode()
    assert _rows(str(db), "SELECT COUNT(*) AS n FROM eval")[0]["n"] == 12


def test_query_is_read_only_and_bounded(tmp_path, capsys):
    weird = tmp_path / "victim.sqlite#?%"
    ResultsDB(weird).close()
    assert main(["query", str(weird), "SELECT COUNT(*) AS n FROM runs"]) == 0
    assert "1" in capsys.readouterr().out
    for sql in ["DROP TABLE runs", "ATTACH DATABASE '/tmp/x.db' AS x", f"VACUUM INTO '{tmp_path}/copy.db'",
                "PRAGMA journal_mode=DELETE", "INSERT INTO meta VALUES ('a', 'b')", "SELECT load_extension('x')"]:
        assert main(["query", str(weird), sql]) == 2, sql
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error:"), (sql, err)
    assert not (tmp_path / "copy.db").exists() and main(["query", str(weird), "SELECT COUNT(*) FROM runs"]) == 0
    t0 = time.monotonic()
    assert main(["query", str(weird), "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                                      "SELECT COUNT(*) FROM c", "--timeout", "0.5"]) == 2
    assert time.monotonic() - t0 < 5 and "--timeout" in capsys.readouterr().err
    assert main(["query", str(weird), "SELECT zeroblob(900000000)"]) == 2
    capsys.readouterr()
    assert main(["query", str(weird), "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 100000) "
                                      "SELECT x FROM c", "--limit", "5", "--format", "json"]) == 0
    out = capsys.readouterr()
    assert [r["x"] for r in json.loads(out.out)] == [1, 2, 3, 4, 5] and "--limit" in out.err
    assert main(["query", str(weird), "SELECT 1e999 AS inf, x'00ff' AS b", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"inf": None, "b": "<blob, 2 bytes>"}]


def test_outputs_never_destroy(tmp_path, capsys):
    db = tmp_path / "r.sqlite"
    assert main(["eval", str(DEFAULT), "-o", str(db)]) == 0
    size = db.stat().st_size
    for argv in (["schema", "-o", str(db)], ["size", str(DEFAULT), "-o", str(db)],
                 ["query", str(db), "SELECT 1", "-o", str(db)]):
        assert main(argv) == 2, argv
    assert db.stat().st_size == size and _rows(str(db), "SELECT COUNT(*) AS n FROM eval")[0]["n"] == 1
    # an input is never an output; one file is never two outputs
    assert main(["eval", str(DEFAULT), "-o", str(DEFAULT)]) == 2
    assert main(["simulate", str(DEFAULT), "--requests", "2", "--stages-csv", str(tmp_path / "a"), "-o",
                 str(tmp_path / "a")]) == 2
    capsys.readouterr()
    # a symlink is followed (its target rewritten, the link kept); the file's mode is kept
    target = tmp_path / "target.txt"
    target.write_text("old")
    os.chmod(target, 0o600)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert main(["eval", str(DEFAULT), "-o", str(link)]) == 0
    assert link.is_symlink() and "throughput" in target.read_text() and (target.stat().st_mode & 0o777) == 0o600
    # a FIFO is written to, not replaced
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(Path(fifo).read_text()))
    reader.start()
    assert main(["eval", str(DEFAULT), "--format", "json", "-o", str(fifo)]) == 0
    reader.join(timeout=30)
    assert json.loads(got[0])["bottleneck"] == "nic.memory" and fifo.is_fifo()
    # -o - is stdout
    assert main(["eval", str(DEFAULT), "--format", "json", "-o", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["bottleneck"] == "nic.memory"


def test_a_failing_command_leaves_no_side_outputs(tmp_path, capsys, monkeypatch):
    from nicmodel.errors import SpecError
    import nicmodel.output.runs as runs

    def fail(*a, **k):
        raise SpecError("rendering failed", "--format")

    monkeypatch.setattr(runs, "simulate_text", fail)  # fails after the stages CSV was written
    stages, trace = tmp_path / "stages.csv", tmp_path / "trace.json"
    assert main(["simulate", str(DEFAULT), "--requests", "3", "--stages-csv", str(stages),
                 "--trace-out", str(trace)]) == 2
    assert not stages.exists() and not trace.exists() and not list(tmp_path.glob(".*.tmp"))
    monkeypatch.undo()
    assert main(["simulate", str(DEFAULT), "--requests", "3", "--stages-csv", str(stages)]) == 0
    assert stages.stat().st_size > 100


def test_terminal_and_csv_hygiene(tmp_path, capsys):
    spec = tmp_path / "evil.yaml"
    text = DEFAULT.read_text().replace("description: BF3 chunked pipeline, minimal-copy (ShadowServe)",
                                       'description: "\\e]0;pwned\\a\\e[2J\u202eevil"')
    spec.write_text(text.replace("../", str(DEFAULT.parent.parent) + "/"))
    assert main(["eval", str(spec)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\u202e" not in out and "\\x1b" in out and "\\u202e" in out
    db = str(tmp_path / "h.sqlite")
    assert main(["eval", str(spec), "--set", "model=llama-3-8b", "-o", db]) == 0
    capsys.readouterr()
    assert main(["query", db, "SELECT '=HYPERLINK(\"x\")' AS a, '-1.5' AS b, '@SUM(1)' AS c", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == '"\'=HYPERLINK(""x"")",-1.5,\'@SUM(1)'


def test_a_spec_from_a_stray_folder_is_named(tmp_path, capsys):
    """A hwspecs/ folder above the scenario's project shadows the bundled spec: allowed (it is how a
    user's library works) but named on stderr, so it cannot silently change an answer."""
    nics = tmp_path / "hwspecs" / "nics"
    nics.mkdir(parents=True)
    text = (ROOT / "hwspecs" / "nics" / "bluefield3.yaml").read_text().replace("name: BlueField-3 B3220",
                                                                              "name: Stray BF3")
    (nics / "bluefield3.yaml").write_text(text)
    project = tmp_path / "a" / "b" / "proj"
    project.mkdir(parents=True)
    (project / "s.yaml").write_text(DEFAULT.read_text())
    assert main(["eval", str(project / "s.yaml")]) == 0
    out = capsys.readouterr()
    assert "Stray BF3" in out.out and f"note: nic 'bluefield3' from {nics / 'bluefield3.yaml'}" in out.err
    assert main(["eval", str(DEFAULT)]) == 0 and "note:" not in capsys.readouterr().err
