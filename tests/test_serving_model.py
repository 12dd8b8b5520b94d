"""The analytical serving model: closed forms by hand, its agreement with the simulator on the
committed sample (a regression guard at the measured errors), reproducibility of that sample,
and its wiring into `serve --model` and `size`."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from nicmodel.cli import main
from nicmodel.engines.serving import analytic, queueing, stretch
from nicmodel.validation.serving_model import (compare, long_run_loaded, long_run_max_rates, long_run_points,
                                               max_rate_errors, predict,
                                               seed_offsets, simulate_point)

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "pipelines" / "shadowserve.yaml"
REFERENCE = ROOT / "validation" / "reference" / "serving_model.csv"
LONG = ROOT / "validation" / "reference" / "serving_model_long.csv"
LOADED_LONG = ROOT / "validation" / "reference" / "serving_model_loaded_long.csv"


def bare(**kw) -> queueing.Points:
    """A point without data plane or interference: decode steps and held work only."""
    base = dict(batch=64, output=51, fetch_s=0.0, fetch_service_s=0.0, fetch_chunks=1.0, prefill_s=0.0, sync=False,
                step_overhead_s=0.005, step_memory_s=0.015, step_memory_per_seq_s=0.001, step_compute_per_seq_s=0.0,
                loss_one_s=0.0, loss_full_s=0.0, dma_loss_s=0.0, gpu_chunk_s=0.0, gpu_stretch_s=0.0,
                host_core_s=0.0, host_contention=0.0, ttft_slo_s=2.0, tpot_slo_s=0.1)
    base.update(kw)
    return queueing.Points.stack([queueing.Points(**base)])


def test_md1_tail_constants_by_hand():
    # rho (e^x - 1) = x at rho = 0.5: x = 1.2564; C = (1 - rho) / (x + rho - 1) = 0.5 / 0.7564 = 0.661
    x, c = queueing.md1_decay(np.array([0.5]))
    assert x[0] == pytest.approx(1.2564, abs=1e-4)
    assert c[0] == pytest.approx(0.6610, abs=1e-3)
    assert 0.5 * math.expm1(x[0]) == pytest.approx(x[0], rel=1e-9)


def test_md1_wait_quantiles_match_the_exact_queue():
    # p99 of the M/D/1 wait at rho 0.8, service 1 s: 10.29 s by a 2M-customer Lindley recursion
    w = queueing.md1_wait(np.array([0.01, 0.5]), np.array([0.8]), np.array([1.0]))
    assert w[0, 0] == pytest.approx(10.29, rel=0.02)
    assert w[0, 1] == pytest.approx(1.28, rel=0.03)


def test_tpot_fixed_point_by_hand():
    # step(n) = 0.02 + 0.001 n; T = step(1 + rate x 50 x T): T = 0.021 / (1 - 2 x 50 x 0.001) = 0.023333 s
    s = queueing.steady(bare(), np.array([2.0]))
    assert s.tpot_s[0] == pytest.approx(0.021 / 0.9, rel=1e-6)
    assert s.running[0] == pytest.approx(2.0 * 50 * 0.021 / 0.9, rel=1e-6)


def test_held_work_stretches_tpot_and_sets_gpu_capacity():
    # a 50 ms prefill per request at 2/s holds 10% of the engine, and requests reach decode in
    # clumps whose members see 1 / 0.9^2 - 1 = 0.2346 more others: 0.9 T = step(1 + 100 T + 0.2346)
    # = 0.0212346 + 0.1 T, so T = 0.0212346 / 0.8 = 0.026543 s
    pt = bare(prefill_s=0.05)
    s = queueing.steady(pt, np.array([2.0]))
    assert s.tpot_s[0] == pytest.approx((0.021 + 0.001 * (1 / 0.81 - 1)) / (0.9 - 0.1), rel=1e-6)
    # capacity: 64 slots / (50 steps of step(64) + 64 x 50 ms) = 64 / (50 x 0.084 + 3.2)
    assert s.gpu_capacity[0] == pytest.approx(64 / (50 * 0.084 + 3.2), rel=1e-9)


def test_clump_excess_by_hand():
    # Borel clumps at held share h: E[B^2] / E[B] - 1 = 1 / (1 - h)^2 - 1: 0, 3 at h = 0.5, capped at 0.9
    assert queueing.clump_excess(np.array([0.0, 0.5, 0.95])).tolist() == pytest.approx([0.0, 3.0, 99.0])


def test_step_factor_is_the_inverse_of_the_mean_pace():
    # the data plane active 25% of the time, costing decode 10% of all time: decode runs at 60%
    # of its pace while active, so 0.25 x 0.6 + 0.75 = 0.9 of its pace on average: 1 / 0.9
    # (the time-average of the stretch, 0.75 + 0.25 / 0.6 = 1.1667, overstated TPOT)
    assert queueing.step_factor(np.array([0.1]), np.array([0.25]))[0] == pytest.approx(1 / 0.9)


def test_overloaded_point_has_no_percentiles():
    m = queueing.metrics(bare(fetch_s=0.5, fetch_service_s=0.5), np.array([2.5]))
    assert m["overloaded"][0] and np.isinf(m["ttft_p99_s"][0])


def test_max_rate_meets_the_slo_and_stays_under_capacity():
    pt = bare(fetch_s=0.2, fetch_service_s=0.2, fetch_chunks=10.0)
    top = queueing.max_rate(pt)
    rate = top["max_rate_per_s"][0]
    assert 0 < rate < top["capacity_per_s"][0] == pytest.approx(5.0)
    assert queueing.meets(pt, np.array([rate]))[0]
    assert not queueing.meets(pt, np.array([rate * 1.02]))[0]


def test_max_rate_is_not_capped_by_the_capacity_past_saturation():
    # CacheGen's decoder on an H200 at batch 32 with 8k-token prefixes: past its capacity the decoder
    # stretches without limit and the capacity evaluated there collapses (to ~4/s); the SLO-bound
    # rate must come from the rates that meet the SLOs (~19/s, the simulator's 3,000-request runs
    # 19.6/s), not from that collapsed capacity
    from nicmodel import load
    sc = load(ROOT / "pipelines" / "cachegen-async.yaml", ["gpu=h200", "model=llama-3-8b", "network.bandwidth=93Gbps",
                                                  "request.prefix_tokens=8153", "serving.output_tokens=43"])
    pt = queueing.Points.stack([analytic.points_of(sc)])
    rate = queueing.max_rate(pt)["max_rate_per_s"][0]
    assert queueing.meets(pt, np.array([rate]))[0] and not queueing.meets(pt, np.array([rate * 1.02]))[0]
    assert rate > 15.0


def test_slot_wait_with_a_fixed_stay_is_erlang_c_by_hand():
    # 2 slots, 1 request/s, stays of 50 steps x 20 ms = 1 s whatever the batch: offered load 1,
    # Erlang B(2, 1) = 0.5 / 2.5 = 0.2, C = 0.2 / (1 - 0.5 x 0.8) = 1/3; a waiting arrival waits
    # S / (c (1 - r)) = 1 s in M/M/2, scaled by 1 - r / 2 = 0.75 (r = 0.5)
    pt = bare(batch=2, step_memory_per_seq_s=0.0)
    s = queueing.steady(pt, np.array([1.0]))
    assert s.decode_s[0] == pytest.approx(1.0)
    p_wait, waited = queueing.slot_wait(pt, s)
    assert p_wait[0] == pytest.approx(1 / 3, rel=1e-9) and waited[0] == pytest.approx(0.75, rel=1e-9)


def test_a_full_batch_drains_slower_so_arrivals_wait_more_often():
    # stays that lengthen with the batch (4 ms per sequence per step) raise the chance of finding
    # it full above Erlang C at the same mean stay (0.41 against 0.34 at an offered load of 2.6)
    pt = bare(batch=4, step_memory_per_seq_s=0.004)
    s = queueing.steady(pt, np.array([1.5]))
    a = 1.5 * s.decode_s[0]
    blocked = 1.0
    for k in range(1, 5):
        blocked = a * blocked / (k + a * blocked)
    erlang_c = blocked / (1 - a / 4 * (1 - blocked))
    assert 0.3 < erlang_c < 0.4 and queueing.slot_wait(pt, s)[0][0] > erlang_c * 1.15


def test_gpu_stretch_delays_every_chunk_only_when_one_chunk_is_in_flight():
    # 10 chunks of 10 ms at the bottleneck, 1 ms of GPU kernels each, stretched by 2 ms while
    # decode runs (probability p = 1 - e^-running): pipelined, the stretch hides behind the
    # bottleneck but for the last chunk; one chunk in flight, all ten chunks carry it
    kw = dict(fetch_s=0.1, fetch_service_s=0.1, fetch_chunks=10.0, gpu_chunk_s=0.001, gpu_stretch_s=0.002)
    for serial, chunks_stretched in ((0.0, 1), (1.0, 10)):
        s = queueing.steady(bare(fetch_serial=serial, **kw), np.array([2.0]))
        p = 1 - math.exp(-s.running[0])
        assert s.fetch_s[0] == pytest.approx(0.1 + chunks_stretched * 0.002 * p, rel=1e-9)
        # the data plane's time per fetch: 10 x (10 ms + 2 ms x p) with one chunk in flight, else
        # 10 x max(10 ms, 1 ms + 2 ms x p) = 100 ms
        assert s.fetch_service_s[0] == pytest.approx(0.1 + 0.02 * p * serial, rel=1e-9)


def test_seed_offsets_by_hand():
    # two points, each 10% higher with seed 0 than with seed 1: offsets sqrt(1.1 / 0.9) - 1 and
    # sqrt(0.9 / 1.1) - 1, the same for both points
    rows = [{"point": p, "seed": s, "max_rate_per_s": v, "refused": ""}
            for p, scale in ((0, 1.0), (1, 2.0)) for s, v in ((0, 1.1 * scale), (1, 0.9 * scale))]
    off = seed_offsets(rows)
    assert off[0] == pytest.approx(math.sqrt(1.1 / 0.9) - 1) and off[1] == pytest.approx(math.sqrt(0.9 / 1.1) - 1)


def test_borel_tanner_quantile_by_hand():
    # one start, offspring Poisson(0.5): P(T = 1) = e^-0.5 = 0.6065, P(T = 2) = (1/2) e^-1 = 0.1839,
    # P(T = 3) = (1/3) e^-1.5 1.5^2 / 2 = 0.0837 (CDF 0.607, 0.790, 0.874): 1, 2, 3 at u = 0.6, 0.78, 0.86
    u = np.array([[0.6, 0.78, 0.86, 0.999]])
    t = queueing.borel_tanner_quantile(u, np.ones((1, 4)), np.array([[0.5]]))
    assert t[0, :3].tolist() == [1.0, 2.0, 3.0] and t[0, 3] > 3
    # no start, no progeny; mean n / (1 - m) over many uniforms
    assert queueing.borel_tanner_quantile(np.array([[0.99]]), np.zeros((1, 1)), np.array([[0.5]]))[0, 0] == 0
    uu = (np.arange(20000) + 0.5)[None, :] / 20000
    mean = queueing.borel_tanner_quantile(uu, np.full((1, 20000), 2.0), np.array([[0.4]])).mean()
    assert mean == pytest.approx(2.0 / 0.6, rel=0.01)


def test_poisson_quantile_matches_scipy():
    from scipy import stats
    u = np.random.default_rng(1).uniform(size=(1, 5000))
    for mu in (0.05, 1.0, 7.5, 40.0):
        assert np.array_equal(queueing.poisson_quantile(u, np.array([[mu]])), stats.poisson.ppf(u, mu))


@settings(max_examples=8, deadline=None)
@given(st.sampled_from(["5Gbps", "10Gbps", "25Gbps"]), st.sampled_from([2.0, 4.0]))
def test_more_bandwidth_never_lowers_the_analytical_max_rate(low, factor):
    from nicmodel import load
    slow = queueing.Points.stack([analytic.points_of(load(DEFAULT, [f"network.bandwidth={low}"]))])
    fast_bw = f"{float(low[:-4]) * factor:g}Gbps"
    fast = queueing.Points.stack([analytic.points_of(load(DEFAULT, [f"network.bandwidth={fast_bw}"]))])
    assert queueing.max_rate(fast)["max_rate_per_s"][0] >= queueing.max_rate(slow)["max_rate_per_s"][0] * (1 - 1e-3)


def _reference() -> list[dict]:
    with REFERENCE.open() as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["point"] = int(r["point"])
        r["load_share"] = float(r["load_share"])
    return rows


@pytest.fixture(scope="module")
def sample() -> tuple[list[dict], list[dict]]:
    """The committed sample's simulated rows and the analytical model's answers at them (one
    vectorized pass, shared by the checks below)."""
    rows = [r for r in _reference() if not r["refused"]]
    return rows, predict(rows)


def test_agrees_with_the_simulator_on_the_committed_sample(sample):
    """Regression guard at the errors measured when the model was built (README, Serving model):
    p50s within 5% at the median below saturation; the SLO-bound rate within 5% at the median of
    long simulated runs."""
    rows, predicted = sample
    assert len(rows) >= 200
    table = compare(rows, predicted)
    assert table["unloaded_ttft_s/all"]["median"] <= 0.01
    assert table["ttft_p50_s/below"]["median"] <= 0.05
    assert table["tpot_p50_s/below"]["median"] <= 0.05
    assert table["max_rate_per_s/all"]["median"] <= 0.13  # against 600-request runs, seed 0
    assert table["overload_verdict_agreement"] >= 0.9
    # against 3,000-request runs (mean of seeds 0-4): the steady state the model describes
    with LONG.open() as f:
        runs = list(csv.DictReader(f))
    truth = long_run_max_rates(runs)
    on = predict(long_run_points(runs))  # at the long runs' own inputs (their sets pin the coefficients)
    everywhere = max_rate_errors(on, truth)
    # p90 14.6% before attention's grid, 16.0% with it: the points simulated again moved, LMCache's
    # path on an L40S at 22k tokens (226) by -15% in the simulator and -8% here (docs/serving.md,
    # Attention's grid): recorded, not hidden
    assert len(truth) >= 100 and everywhere["median"] <= 0.05 and everywhere["p90"] <= 0.162
    fetch = {r["point"] for r in rows if r["control"] == "async" and r["design"] != "recompute"}
    assert max_rate_errors([p for p in on if p["point"] in fetch], truth)["p90"] <= 0.14
    # prefills that interrupt a request counted as a branching process: recompute and the sync
    # control plane within 11% at the median (49% and 33% before; recompute is a CAVEAT)
    for kind in ({r["point"] for r in rows if r["design"] == "recompute"},
                 {r["point"] for r in rows if r["control"] == "sync"}):
        assert max_rate_errors([p for p in on if p["point"] in kind], truth)["median"] <= 0.11


def test_long_runs_are_predicted_at_the_model_they_simulated():
    """A long run's pins, less the coefficients the model no longer has (attention_sharing,
    narrow_equal), plus the ones added since at the value the run simulated (no narrow-load loss
    beside attention; no grid waits, and the five coefficients iterated with them at their earlier
    values; no loaded latency; the cut-ins' SM sensitivity 1; no crawl beside long GEMMs), unless it pins them; a run that pins no coefficient ran with the
    specs of its day, before the grid waits and the loaded latency, and gets those."""
    from nicmodel.validation.serving_model import (BEFORE_CRAWL, BEFORE_GRID_WAITS, BEFORE_KEPT_VIEW,
                                                   BEFORE_LOADED_LATENCY)
    before = ";".join(BEFORE_GRID_WAITS + BEFORE_LOADED_LATENCY + BEFORE_KEPT_VIEW + BEFORE_CRAWL)
    assert BEFORE_LOADED_LATENCY == ("gpu.interference.latency_loss=1e-9",)
    assert BEFORE_KEPT_VIEW == ("gpu.interference.wave_memory=1",)
    assert BEFORE_CRAWL == ("gpu.interference.crawl_share=0", "gpu.interference.turn_growth=1")
    row = {"point": "3", "seed": "0", "sets": "gpu=h200;gpu.interference.attention_sharing=0.4;gpu.interference.hbm_loss=3;"
                                             "gpu.interference.narrow_equal=0.311542"}
    two_seeds = [row, {**row, "seed": "1"}]  # a point needs two seeds' runs
    assert long_run_points(two_seeds)[0]["sets"] == (
        "gpu=h200;gpu.interference.hbm_loss=3;gpu.interference.narrow_attention=1e-9;"
        + before.replace("gpu.interference.narrow_attention=1.16225;", ""))
    pinned = [{**r, "sets": "gpu=h200;gpu.interference.narrow_attention=0.5"} for r in two_seeds]
    assert long_run_points(pinned)[0]["sets"] == (
        "gpu=h200;gpu.interference.narrow_attention=0.5;" + before.replace("gpu.interference.narrow_attention=1.16225;", ""))
    current = [{**r, "sets": "gpu=h200;network.bandwidth=20Gbps"} for r in two_seeds]  # ran with its day's specs
    assert long_run_points(current)[0]["sets"] == "gpu=h200;network.bandwidth=20Gbps;" + before
    # each pin is a value the specs accept
    import nicmodel
    from conftest import DEFAULT
    scn = nicmodel.load(DEFAULT, ["gpu=h200", *BEFORE_GRID_WAITS])
    assert scn.gpu.interference.launch_wait.si == pytest.approx(8.34e-6)


def test_loaded_percentiles_agree_with_steady_state_runs(sample):
    """The p50s against 3,000-request runs at the sample's rates (mean of seeds 0 and 1), below
    saturation: within 5% at the median and 15% at the 90th percentile of points (README; TTFT p50
    15.0%, at the line)."""
    rows, predicted = sample
    with LOADED_LONG.open() as f:
        long = long_run_loaded(list(csv.DictReader(f)))
    rate = {r["point"]: float(r["rate_per_s"]) for r in rows}
    assert len(long) >= 200
    assert all(float(r["rate_per_s"]) == pytest.approx(rate[r["point"]], rel=1e-12) for r in long if r["point"] in rate)
    table = compare(long, predict(long))
    for metric in ("ttft_p50_s", "tpot_p50_s"):
        assert table[f"{metric}/below"]["points"] >= 130
        assert table[f"{metric}/below"]["median"] <= 0.05, (metric, table[f"{metric}/below"])
        # TTFT p50's 90th percentile: 14.8% before attention's grid, 15.0% with it (README)
        assert table[f"{metric}/below"]["p90"] <= 0.151, (metric, table[f"{metric}/below"])
    assert table["ttft_p99_s/below"]["median"] <= 0.08
    assert table["overload_verdict_agreement"] >= 0.9


def test_the_committed_reference_is_reproducible():
    rows = [r for r in _reference() if not r["refused"] and r["design"] in ("shadowserve", "cachegen-async")]
    cheap = sorted(rows, key=lambda r: float(r["max_rate_per_s"]), reverse=True)[:1]
    for r in cheap:
        again = simulate_point({k: r[k] for k in ("point", "design", "sets", "control", "load_share")}, int(r["requests"]))
        for metric in ("ttft_p50_s", "tpot_p99_s", "max_rate_per_s"):
            assert float(again[metric]) == pytest.approx(float(r[metric]), rel=1e-9)


def test_serve_model_switch(capsys):
    assert main(["serve", str(DEFAULT), "--rate", "2", "--model", "analytical", "--search"]) == 0
    out = capsys.readouterr().out
    assert "analytical serving model" in out and "max rate" in out
    assert main(["serve", str(DEFAULT), "--model", "analytical"]) == 2  # no rate to answer
    assert "--model" in capsys.readouterr().err


def test_serve_both_puts_the_screen_beside_the_simulator():
    from nicmodel import api
    [row] = api.serve([DEFAULT], rate=2.0, requests=100, replications=1, model="both")
    assert row["model"] == "simulated" and row["analytical"]["model"] == "analytical"
    sim, an = row["loaded"]["tpot_s"]["p50"], row["analytical"]["loaded"]["tpot_s"]["p50"]
    assert an == pytest.approx(sim, rel=0.1)


def test_analytical_rows_are_not_replicated():
    from nicmodel import api
    [row] = api.serve([DEFAULT], rate=2.0, model="analytical")
    assert "replications" not in row  # deterministic: replications cannot differ


def test_size_screens_analytically_then_confirms_by_simulation():
    from nicmodel.planning.sizing import size
    r = size(str(DEFAULT), ["network.bandwidth=10Gbps,25Gbps,40Gbps", "design.chunk_tokens=64,256"],
             ["max_rate>=6/s"], "fetch_latency")
    assert r["serving_screen"]["screened"] == 6
    best = r["best"]
    assert best["metrics"]["max_rate"] >= 6  # confirmed by the simulator (mean of 3 seeds)
    assert best["max_rate_analytical_per_s"] > 0
    simulated = [c for c in r["serving_checks"] if "meets" in c]
    assert all("analytical_max_rate_per_s" in c for c in simulated)


def test_screen_is_vectorized_over_candidates():
    pts = [bare(fetch_s=0.1 * k, fetch_service_s=0.1 * k, fetch_chunks=10.0) for k in (1, 2, 4)]
    together = queueing.Points.stack([p.take(0) for p in pts])
    rates = queueing.max_rate(together)["max_rate_per_s"]
    singles = [queueing.max_rate(p)["max_rate_per_s"][0] for p in pts]
    # each point's bisection stops at its own tolerance: together or alone, the same answer exactly
    # (it once ran on until every point had converged, so a point's answer moved with its company)
    assert list(rates) == singles and rates[0] > rates[1] > rates[2]


def test_short_simulated_searches_carry_a_steady_state_note(capsys):
    """An SLO-bound rate searched with few requests says it may not hold at steady state; the
    analytical model (a steady state itself) does not."""
    assert main(["serve", str(DEFAULT), "--search", "--requests", "20", "--replications", "1"]) == 0
    assert "note: SLO-bound rates from 20-request runs" in capsys.readouterr().err
    assert main(["serve", str(DEFAULT), "--search", "--model", "analytical"]) == 0
    assert "note:" not in capsys.readouterr().err


def test_stretch_is_averaged_over_the_running_batch_by_hand():
    """stretch.stretch_at: a per-point table of the co-runners' stretch at running batches 1, 2, 3
    (the last also for larger batches), averaged over a Poisson batch about the mean, given one runs:
    at mean 1, (e^-1 x 1 + e^-1/2 x 2 + (1 - e^-1 - e^-1 - e^-1/2) x 3) / (1 - e^-1) ms."""
    pt = bare(gpu_stretch_s=np.array([1e-3, 2e-3, 3e-3]))
    e = math.exp(-1.0)
    want = (e * 1 + e / 2 * 2 + (1 - 2 * e - e / 2) * 3) / (1 - e) * 1e-3
    assert float(stretch.stretch_at(pt, np.array([1.0]))[0]) == pytest.approx(want, rel=1e-12)
    assert float(stretch.stretch_at(pt, np.array([1e-6]))[0]) == pytest.approx(1e-3, rel=1e-5)  # batch 1
    assert float(stretch.stretch_at(pt, np.array([200.0]))[0]) == pytest.approx(3e-3)  # the last entry
    assert float(stretch.stretch_at(bare(gpu_stretch_s=2e-3), np.array([5.0]))[0]) == 2e-3  # a scalar


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 1e-2), min_size=2, max_size=40), st.floats(1e-3, 500.0))
def test_stretch_average_stays_within_its_table(table, mean):
    """Averaged over any running batch, the stretch lies between the table's smallest and largest."""
    got = float(stretch.stretch_at(bare(gpu_stretch_s=np.array(table)), np.array([mean]))[0])
    assert min(table) * (1 - 1e-9) - 1e-15 <= got <= max(table) * (1 + 1e-9) + 1e-15


def test_gpu_capacity_carries_the_full_batchs_interference_by_hand():
    """At capacity the batch is full, so its steps carry the data plane's stretch at the full batch
    (here 4 ms a chunk against 0 at every smaller batch): decode loses 1 ms x 2 per fetch, stretched
    by 1 + 4/2 = 3, at 1 fetch/s, over a data-plane active share of 1 x 10 chunks x max(1 ms,
    2 + 4 ms) = 0.06 s: step factor 1 / (1 - 0.06 x min(0.006 / 0.06, 0.97)) = 1 / 0.994."""
    table = np.zeros(64)
    table[-1] = 4e-3
    pt = bare(fetch_s=0.01, fetch_service_s=0.01, fetch_chunks=10.0, gpu_chunk_s=2e-3, loss_one_s=2e-3,
              loss_full_s=2e-3, gpu_stretch_s=table)
    s = queueing.steady(pt, np.array([1.0]))
    full = 0.005 + 0.015 + 64 * 0.001  # step(64)
    assert s.gpu_capacity[0] == pytest.approx(64 / (50 * full / (1 - 0.006)), rel=1e-9)
