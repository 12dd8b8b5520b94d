"""Fast paths agree with the reference paths exactly (speed itself is measured in benchmarks/):
streamed CSV tables and the row-by-row CSV, long axes validated at their ends and axes validated
value by value, the grid-shaped evaluation and the flattened one, and a million-row table in
bounded memory."""

import csv
import io
import subprocess
import sys

import numpy as np
import pytest

import nicmodel.planning.sweep as sweep
from nicmodel import load
from nicmodel.api import design_table, design_table_csv
from nicmodel.cli import main
from nicmodel.engines.analytical import _argmax, evaluate
from nicmodel.engines.plan import compile_scenario
from nicmodel.output.tables import table_text

from conftest import DEFAULT, ROOT

VARY = ["network.bandwidth=" + ",".join(f"{b}Gbps" for b in range(1, 41)),
        "design.buffers_in_flight=" + ",".join(str(c) for c in range(1, 61, 2))]
# 4096-token chunks of a 1M-token prefix: beyond ~37 slots the buffers overflow the BF3's 28 GiB
SET = ["design.chunk_tokens=4096", "request.prefix_tokens=1000000"]


def test_streamed_csv_is_byte_identical_to_the_row_path():
    expected = table_text(design_table(DEFAULT, VARY, SET), "csv")
    prepared, chunks = design_table_csv(DEFAULT, VARY, SET)
    streamed = "".join(chunks)
    assert streamed == expected
    rows = list(csv.DictReader(io.StringIO(streamed)))
    assert any(r["bottleneck"].startswith("invalid") for r in rows)
    assert all(r["throughput_gbps"] == "" for r in rows if r["bottleneck"].startswith("invalid"))


def test_long_axes_validated_at_their_ends_give_the_same_rows(monkeypatch):
    fast = design_table(DEFAULT, VARY, SET).rows
    monkeypatch.setattr(sweep, "FAST_AXIS_VALUES", 10**9)  # validate every value as a scenario
    slow = design_table(DEFAULT, VARY, SET).rows
    assert fast == slow


def test_a_bad_value_deep_in_a_long_axis_is_still_reported(capsys):
    values = ",".join([f"{b}Gbps" for b in range(1, 30)] + ["12 parsecs"])
    assert main(["table", str(DEFAULT), "--vary", f"network.bandwidth={values}"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "network.bandwidth" in err


def test_grid_shaped_evaluation_equals_the_flattened_one():
    plan, base = compile_scenario(load(DEFAULT))
    bw = np.linspace(1e9, 100e9, 37) / 8
    tok = np.array([1.0, 3, 16, 100, 256, 1000, 4096, np.inf])
    grid = evaluate(plan, {**base, "network.bandwidth": bw.reshape(-1, 1), "design.chunk_tokens": tok.reshape(1, -1)})
    b, t = np.meshgrid(bw, tok, indexing="ij")
    flat = evaluate(plan, {**base, "network.bandwidth": b.ravel(), "design.chunk_tokens": t.ravel()})
    assert np.array_equal(np.asarray(grid.bottleneck).ravel(), np.asarray(flat.bottleneck))
    assert np.array_equal(np.asarray(grid.latency_s).ravel(), np.asarray(flat.latency_s))
    assert np.array_equal(np.asarray(grid.chunk_rate).ravel(), np.asarray(flat.chunk_rate))
    for stage, cores in grid.cores.items():
        assert np.array_equal(np.broadcast_to(cores, b.shape).ravel(), np.broadcast_to(flat.cores[stage], b.size))


def test_argmax_first_wins_ties_across_shapes():
    a = np.array([[1.0, 5.0, 2.0]])          # shape (1, 3)
    s = np.float64(5.0)                      # a scalar equal to a's maximum
    c = np.array([[5.0], [6.0]])             # shape (2, 1)
    got = _argmax([a, s, c])
    stacked = np.stack(np.broadcast_arrays(a, s, c))
    assert np.array_equal(got, np.argmax(stacked, axis=0))


def test_million_row_table_in_bounded_memory(tmp_path):
    bws = ",".join(f"{0.1 * (i + 1):.4g}Gbps" for i in range(1000))
    chunks = ",".join(str(4 * (i + 1)) for i in range(1000))
    out = tmp_path / "big.csv"
    # the child's own peak (VmHWM of its address space): ru_maxrss would also carry the pytest
    # process's high-water mark across fork and exec
    code = ("import re, sys; from nicmodel.cli import main; rc = main(sys.argv[1:]); "
            "print(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)); sys.exit(rc)")
    run = subprocess.run([sys.executable, "-c", code, "table", str(DEFAULT), "--vary", f"network.bandwidth={bws}",
                          "--vary", f"design.chunk_tokens={chunks}", "--format", "csv", "-o", str(out),
                          "--max-points", "1000000"], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    peak_mib = int(run.stdout.split()[-1]) / 1024
    assert peak_mib < 600  # the rows alone would be ~1 GB as dicts
    with open(out) as f:
        assert sum(1 for _ in f) == 1_000_001
    assert "optimum (fetch_latency_ms" in run.stderr and "not checked" in run.stderr


@pytest.mark.parametrize("column", ["fetch_latency_ms", "throughput_gbps"])
def test_optimum_is_the_best_valid_row(column):
    from nicmodel.api import table_optimum
    rows = design_table(DEFAULT, VARY, SET).rows
    o = table_optimum(DEFAULT, VARY, SET, column=column)
    valid = [r for r in rows if isinstance(r[column], float)]
    pick = min if column == "fetch_latency_ms" else max
    best = pick(valid, key=lambda r: r[column])
    assert o["value"] == best[column]
    assert o["best"] == {"network.bandwidth": best["network.bandwidth"],
                         "design.buffers_in_flight": best["design.buffers_in_flight"]}


def test_one_preparation_gives_the_table_and_its_optima(monkeypatch):
    """design_table_and_optima: the same rows and optima as design_table and table_optimum apart, preparing the
    table once (benchmarks/bench_table_optimum.py: about 2x on the optical table of docs/fabrics.md)."""
    from nicmodel.api import design_table_and_optima, table_optimum
    columns = ["fetch_latency_ms", "throughput_gbps"]
    apart = design_table(DEFAULT, VARY, SET).rows, [table_optimum(DEFAULT, VARY, SET, column=c) for c in columns]
    calls = []
    real = sweep.prepare
    monkeypatch.setattr("nicmodel.api.tables.prepare", lambda *a, **k: calls.append(1) or real(*a, **k))
    table, optima = design_table_and_optima(DEFAULT, VARY, SET, columns)
    assert (table.rows, optima) == apart and len(calls) == 1


def test_slo_search_starts_at_the_analytical_bound():
    from nicmodel.engines.serving.run import max_rate, serve
    s = load(ROOT / "pipelines" / "cachegen-async.yaml")
    r = max_rate(s, 60, seed=0)
    assert 0 < r["max_rate_per_s"] <= r["upper_bound_per_s"]
    assert r["runs"] <= 2 + 8  # lone request, the bound, then at most 8 halvings to 0.5%
    assert serve(s, r["max_rate_per_s"], 60, seed=0)["meets_slo"]
    # nothing above the bound is ever feasible: it is overloaded by construction
    assert not serve(s, r["upper_bound_per_s"] * 1.05, 60, seed=0)["meets_slo"]
