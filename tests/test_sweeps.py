"""Sweeps of any command on a process pool, resumable by point key, into a results database."""

import json
import sqlite3

import pytest

from nicmodel.api import query
from nicmodel.cli import main
from nicmodel.store.database import ResultsDB
from nicmodel.planning.runner import Point, run

from conftest import DEFAULT, ROOT

SERVE = ["serve", str(DEFAULT), str(ROOT / "pipelines" / "cachegen-async.yaml"), "--vary",
         "network.bandwidth=10Gbps,20Gbps", "--vary", "model=llama-3-8b,mistral-7b", "--rate", "2",
         "--requests", "20", "--format", "json", "--progress", "off", "--replications", "1"]


def test_pool_and_serial_give_the_same_rows(capsys):
    assert main(SERVE + ["--jobs", "1"]) == 0
    serial = json.loads(capsys.readouterr().out)
    assert main(SERVE + ["--jobs", "2"]) == 0
    pooled = json.loads(capsys.readouterr().out)
    assert serial == pooled and len(serial) == 8
    assert [r["point"] for r in serial[:4]] == [
        {"network.bandwidth": b, "model": m} for b in ("10Gbps", "20Gbps") for m in ("llama-3-8b", "mistral-7b")]


def test_bandwidths_is_a_case_of_vary(capsys):
    base = ["serve", str(DEFAULT), "--rate", "2", "--requests", "10", "--format", "json", "--progress", "off"]
    assert main(base + ["--bandwidths", "10Gbps,20Gbps"]) == 0
    a = json.loads(capsys.readouterr().out)
    assert main(base + ["--vary", "network.bandwidth=10Gbps,20Gbps"]) == 0
    b = json.loads(capsys.readouterr().out)
    assert a == b


def test_killed_sweep_resumes_without_rerunning(tmp_path):
    db = ResultsDB(tmp_path / "r.sqlite")
    points = [Point("x", [], {"command": "t"}, {"i": str(i)}, key=f"k{i}") for i in range(6)]
    calls = []

    def work(pt):
        calls.append(pt.key)
        if len(calls) == 4:
            raise KeyboardInterrupt  # killed while running the 4th point
        return {"value": int(pt.label["i"]) ** 2}

    with pytest.raises(KeyboardInterrupt):
        run(points, work, jobs=1, store=db)
    assert calls == ["k0", "k1", "k2", "k3"]
    calls.clear()
    again = run(points, lambda pt: (calls.append(pt.key), {"value": int(pt.label["i"]) ** 2})[1], jobs=1, store=db)
    assert calls == ["k3", "k4", "k5"]  # the three finished points were not run again
    assert [r["value"] for r in again] == [0, 1, 4, 9, 16, 25]


def test_resumed_cli_sweep_uses_the_database(tmp_path, capsys):
    out = tmp_path / "runs.sqlite"
    assert main(SERVE + ["--jobs", "2", "-o", str(out)]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(SERVE + ["--jobs", "2", "-o", str(out)]) == 0
    second = json.loads(capsys.readouterr().out)
    strip = lambda rows: [{k: v for k, v in r.items() if k != "_cached"} for r in rows]  # noqa: E731
    assert strip(first) == strip(second) and all(r.get("_cached") for r in second)
    with sqlite3.connect(out) as conn:
        assert conn.execute("SELECT COUNT(*) FROM points").fetchone()[0] == 8
        types = {r[1]: r[2] for r in conn.execute("PRAGMA table_info(serve)")}
    assert types["unloaded_ttft_s"] == "REAL" and types["scenario"] == "TEXT" and types["meets_slo"] == "INTEGER"
    assert types["in_network_bandwidth"] == "TEXT" and "version" in types and "run_id" in types


def test_every_command_writes_typed_si_rows(tmp_path, capsys):
    db = str(tmp_path / "all.db")
    assert main(["eval", str(DEFAULT), "-o", db]) == 0
    assert main(["table", str(DEFAULT), "--vary", "network.bandwidth=10Gbps,25Gbps", "--optimum", "none", "-o", db]) == 0
    assert main(["compare", str(DEFAULT), str(ROOT / "pipelines" / "cachegen-async.yaml"), "--winner", "none",
                 "-o", db]) == 0
    assert main(["simulate", str(DEFAULT), "--requests", "2", "-o", db]) == 0
    assert main(["simulate", str(DEFAULT), "--requests", "2", "--vary", "design.chunk_tokens=64,256",
                 "--progress", "off", "-o", db]) == 0
    capsys.readouterr()
    rows = query(db, "SELECT in_network_bandwidth, fetch_latency_s, kv_throughput_bps FROM design_table "
                     "ORDER BY fetch_latency_s DESC")
    assert [r["in_network_bandwidth"] for r in rows] == ["10Gbps", "25Gbps"]
    assert rows[0]["kv_throughput_bps"] == pytest.approx(41.9056e9, rel=1e-4)  # 41.9056 Gbps in SI
    assert len(query(db, "SELECT * FROM eval")) == 1 and len(query(db, "SELECT * FROM compare")) == 2
    assert len(query(db, "SELECT * FROM simulate")) == 3
    # one row per point: a second run of the same point replaces its row; `runs` keeps both runs
    assert main(["eval", str(DEFAULT), "-o", db]) == 0
    assert len(query(db, "SELECT run_id FROM eval")) == 1
    assert [r["status"] for r in query(db, "SELECT status FROM runs WHERE command = 'eval'")] == ["ok", "ok"]


def test_query_errors_are_one_line(tmp_path, capsys):
    assert main(["query", str(tmp_path / "missing.db"), "SELECT 1"]) == 2
    db = tmp_path / "x.db"
    ResultsDB(db).close()
    assert main(["query", str(db), "SELEC oops"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("error:") for line in err)
    # read-only: a query cannot change the database
    assert main(["query", str(db), "DROP TABLE points"]) == 2


def test_ray_backend_with_two_local_workers_gives_the_same_rows(capsys):
    pytest.importorskip("ray")
    assert main(SERVE + ["--jobs", "2"]) == 0
    local = json.loads(capsys.readouterr().out)
    assert main(SERVE + ["--jobs", "2", "--backend", "ray"]) == 0
    on_ray = json.loads(capsys.readouterr().out)
    assert on_ray == local


def test_replications_and_draws_give_intervals(tmp_path, capsys):
    out = tmp_path / "reps.sqlite"
    argv = ["serve", str(DEFAULT), "--rate", "3", "--requests", "40", "--format", "json", "--progress", "off",
            "--uncertainty", "6", "-o", str(out)]
    assert main(argv) == 0  # default: 5 replications
    r = json.loads(capsys.readouterr().out)
    reps = r["replications"]
    assert reps["n"] == 5 and reps["seeds"] == [0, 1, 2, 3, 4]
    m = reps["metrics"]["ttft_p99_s"]
    assert m["ci90"] > 0 and min(m["values"]) <= m["mean"] <= max(m["values"])
    assert m["values"][0] == r["loaded"]["ttft_s"]["p99"]  # the row itself is the --seed run
    u = r["uncertainty"]["metrics"]["unloaded_ttft_s"]
    assert r["uncertainty"]["n"] == 6 and u["p5"] <= u["p50"] <= u["p95"] and u["p95"] > u["p5"]
    with sqlite3.connect(out) as conn:
        assert conn.execute("SELECT COUNT(*) FROM points").fetchone()[0] == 5 + 6
        assert conn.execute("SELECT COUNT(*) FROM serve").fetchone()[0] == 1


def test_rates_give_one_row_per_offered_rate(capsys):
    base = ["serve", str(DEFAULT), "--requests", "20", "--format", "json", "--progress", "off", "--replications", "1"]
    assert main(base + ["--rates", "1,4"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["point"]["rate"] for r in rows] == ["1/s", "4/s"]
    assert [r["load"]["offered_rate_per_s"] for r in rows] == [1.0, 4.0]
    assert main(base + ["--rates", "1,4", "--rate", "2"]) == 2
    assert main(base + ["--rates", "1,x"]) == 2
