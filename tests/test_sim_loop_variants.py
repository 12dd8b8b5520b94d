"""The event loop compiled by numba against the same code run by the interpreter (the
``reference`` kernel): every output equal, exactly. The two share one implementation
(``engines/sim/loop``), so this checks that compilation changes nothing (integer and float
semantics, inlining, the order of every event).

Equal means the same integers and the same floats bit for bit: finish times, per-chunk
completions, per-stage records, busy time and bytes moved per resource, memory peaks and
areas, samples, event counts, and for serving every request's ready, first-token and finish
cycle and the decode-step totals.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nicmodel import api
from nicmodel.engines.plan import compile_scenario
from nicmodel.engines.serving.engine import serve_requests
from nicmodel.engines.serving.run import arrivals, compiled
from nicmodel.engines.sim import DataPlane, RequestSpec

ROOT = Path(__file__).resolve().parent.parent
FETCH_DESIGNS = ["shadowserve", "shadowserve-naive", "shadowserve-copying", "shadowserve-optical", "cachegen-async",
                 "cachegen-lmcache", "cachegen-lmcache-pipelined", "cpu-decode", "raw-fetch", "raw-fetch-lmcache"]


def both(scenario, requests, policy="fifo", record=True, sample_every_s=None):
    plan, params = compile_scenario(scenario)
    runs = [DataPlane(plan, params, record=record, sample_every_s=sample_every_s, kernel=kernel).run(requests, policy)
            for kernel in ("reference", "compiled")]
    return runs


def assert_same_run(ref, fast):
    for field in ("arrival", "finish", "chunk_done", "records", "memory_peak", "memory_area", "events", "end",
                  "slots", "slot_area", "samples", "memory_samples"):
        assert getattr(fast, field) == getattr(ref, field), field
    for group in ("executors", "shared", "engine_bandwidth"):
        a, b = getattr(ref, group), getattr(fast, group)
        assert list(a) == list(b), group
        for name in a:
            assert (b[name].busy, b[name].n if group == "executors" else 1) == \
                   (a[name].busy, a[name].n if group == "executors" else 1), (group, name)
            if group != "executors":
                assert b[name].moved == a[name].moved, (group, name)
                assert b[name].open_fraction == getattr(a[name], "open_fraction", 1.0)


def mixed_requests(seed: int, count: int, rate: float, tokens: tuple[int, int]) -> list[RequestSpec]:
    """Poisson arrivals of prefixes of many sizes (so chunks of many sizes, partial last chunks)."""
    rng = np.random.default_rng(seed)
    times = np.cumsum(rng.exponential(1 / rate, count))
    return [RequestSpec(float(t), int(n)) for t, n in zip(times, rng.integers(*tokens, count))]


@pytest.mark.parametrize("design", FETCH_DESIGNS)
@pytest.mark.parametrize("policy", ["fifo", "round-robin"])
def test_every_design_agrees_exactly(design, policy):
    scenario = api.load(ROOT / "pipelines" / f"{design}.yaml")
    requests = mixed_requests(1, 24, 40.0, (300, 9000))
    ref, fast = both(scenario, requests, policy, record=True, sample_every_s=0.002)
    assert ref.finish and min(ref.finish) > 0 and len(ref.samples) > 3 and ref.records
    assert_same_run(ref, fast)


@pytest.mark.parametrize("overrides", [
    ["network.fabric.routing=vlb"],  # multi-hop: a fluid link
    [],  # direct: the link carries bytes only while a circuit is up (windowed processor sharing)
])
def test_optical_fabrics_agree_exactly(overrides):
    scenario = api.load(ROOT / "pipelines" / "shadowserve-optical.yaml", overrides)
    ref, fast = both(scenario, mixed_requests(2, 12, 200.0, (500, 6000)), sample_every_s=0.001)
    assert_same_run(ref, fast)


def test_window_bound_transport_agrees_exactly():
    """One outstanding GET per connection and a slow store: the window is the bottleneck."""
    scenario = api.load(ROOT / "pipelines" / "shadowserve.yaml",
                        ["network.transport.request_window=1", "network.transport.per_request=300us",
                         "design.chunk_tokens=16", "design.buffers_in_flight=32"])
    ref, fast = both(scenario, [RequestSpec(0.0, 2000), RequestSpec(0.0, 1500), RequestSpec(0.001, 700)])
    assert_same_run(ref, fast)


def test_batch_of_identical_requests_agrees_and_grows_the_sample_buffer():
    """All requests at once (ties everywhere in (time, priority)), and more samples than the
    compiled loop's first sample buffer holds."""
    scenario = api.load(ROOT / "pipelines" / "shadowserve.yaml")
    ref, fast = both(scenario, [RequestSpec(0.0, 10_000) for _ in range(30)], record=False, sample_every_s=1e-4)
    assert len(ref.samples) > 1000
    assert_same_run(ref, fast)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunk=st.sampled_from([16, 64, 100, 256, 1024]), buffers=st.integers(1, 24),
       link=st.sampled_from(["5Gbps", "25Gbps", "100Gbps", "400Gbps"]), window=st.integers(1, 8),
       rate=st.floats(1.0, 500.0), seed=st.integers(0, 10_000), design=st.sampled_from(FETCH_DESIGNS[:6]))
def test_random_designs_agree_exactly(chunk, buffers, link, window, rate, seed, design):
    overrides = [f"design.buffers_in_flight={buffers}", f"network.bandwidth={link}",
                 f"network.transport.request_window={window}"]
    if design != "shadowserve-naive":
        overrides.append(f"design.chunk_tokens={chunk}")
    scenario = api.load(ROOT / "pipelines" / f"{design}.yaml", overrides)
    try:
        compile_scenario(scenario)
        ref, fast = both(scenario, mixed_requests(seed, 10, rate, (50, 5000)), sample_every_s=0.005)
    except Exception as exc:  # infeasible designs are refused by both alike
        from nicmodel.errors import InfeasibleError
        assert isinstance(exc, InfeasibleError)
        return
    assert_same_run(ref, fast)


def serve_both(design: str, overrides: list[str], count: int, rate: float | None, control: str | None = None):
    scenario = api.load(ROOT / "pipelines" / f"{design}.yaml", overrides)
    plan, params = compiled(scenario)
    out = []
    for kernel in ("reference", "compiled"):
        requests = arrivals(scenario, rate, count, 7)
        import os
        os.environ["NICMODEL_SIM_KERNEL"] = kernel
        try:
            out.append(serve_requests(scenario, plan, params, requests, control))
        finally:
            del os.environ["NICMODEL_SIM_KERNEL"]
    return out


@pytest.mark.parametrize("design,control", [
    ("shadowserve", None), ("shadowserve", "sync"), ("cachegen-async", None), ("cpu-decode", None),
    ("cachegen-lmcache", None), ("cachegen-lmcache-pipelined", None), ("raw-fetch-lmcache", "sync"),
])
def test_serving_agrees_exactly(design, control):
    """The serving model on the compiled loop: its events (arrivals, prefills, decode steps) run
    in Python between compiled data-plane events, in the reference's order."""
    ref, fast = serve_both(design, [], 60, 6.0, control)
    assert ref.events == fast.events
    assert (ref.decode_steps, ref.decode_time, ref.decode_slowdown_time, ref.end) == \
           (fast.decode_steps, fast.decode_time, fast.decode_slowdown_time, fast.end)
    for field in ("ready", "first_token", "finish", "generated"):
        assert getattr(ref.requests, field).tolist() == getattr(fast.requests, field).tolist()
    assert ref.decode_slowdown_time > 0 or design.startswith("raw-fetch")


def test_serving_interference_counters_match():
    """GPU-kernel cycles by class, host core-cycles and DMA bytes as the serving model reads them."""
    scenario = api.load(ROOT / "pipelines" / "cachegen-async.yaml")
    plan, params = compile_scenario(scenario)
    seen = []
    for kernel in ("reference", "compiled"):
        model = DataPlane(plan, params, record=False, kernel=kernel)
        loop, fetch = model.serving_loop([4000, 9000])
        fetch.corunner_slowdown = {c: 0.25 for c in model.gpu_classes()}
        assert fetch.corunner_slowdown == {c: 0.25 for c in model.gpu_classes()}
        fetch.decode_running = True
        done = []
        fetch.submit(4000, lambda: done.append(("a", loop.now)))
        loop.at(5000, 1, lambda: fetch.submit(9000, lambda: done.append(("b", loop.now))))
        loop.run()
        seen.append((done, dict(fetch.gpu_busy), fetch.host_busy, fetch.dma_bytes, loop.events))
    assert seen[0] == seen[1]
    assert len(seen[0][1]) >= 1 and seen[0][0][0][0] == "a"


def test_unknown_kernel_is_refused(monkeypatch):
    scenario = api.load(ROOT / "pipelines" / "shadowserve.yaml")
    plan, params = compile_scenario(scenario)
    with pytest.raises(ValueError, match="reference"):
        DataPlane(plan, params, kernel="fortran")
    monkeypatch.setenv("NICMODEL_SIM_KERNEL", "reference")
    assert DataPlane(plan, params).kernel == "reference"


def test_cli_sim_kernel_flag_gives_identical_output(capsys):
    """`--sim-kernel` picks the loop for simulate and serve; the printed numbers are the same,
    and the choice does not leak into the next command."""
    import json
    import os

    from nicmodel.cli import main
    outputs = {}
    for kernel in ("reference", "compiled"):
        assert main(["simulate", str(ROOT / "pipelines" / "shadowserve.yaml"), "--requests", "6", "--rate", "20",
                     "--format", "json", "--sim-kernel", kernel]) == 0
        sim = json.loads(capsys.readouterr().out)
        assert main(["serve", str(ROOT / "pipelines" / "shadowserve.yaml"), "--requests", "30", "--rate", "4",
                     "--replications", "1", "--format", "json", "--sim-kernel", kernel]) == 0
        outputs[kernel] = (sim, json.loads(capsys.readouterr().out))
        assert "NICMODEL_SIM_KERNEL" not in os.environ
    assert outputs["reference"] == outputs["compiled"]
    assert main(["simulate", str(ROOT / "pipelines" / "shadowserve.yaml"), "--sim-kernel", "fast"]) == 2


def test_event_heap_grows_between_events():
    """A run whose event heap starts too small: the loop stops at an event boundary, the heap is
    grown, and the run goes on to the reference's results."""
    from nicmodel.engines.sim import layout as k
    from nicmodel.engines.sim import loops
    from nicmodel.engines.sim.lower import Lowered
    from nicmodel.engines.sim.run import Holder, drive
    scenario = api.load(ROOT / "pipelines" / "shadowserve.yaml")
    plan, params = compile_scenario(scenario)
    model = DataPlane(plan, params, record=False, kernel="compiled")
    requests = mixed_requests(3, 40, 500.0, (200, 3000))
    low = Lowered(model, [r.prefix_tokens for r in requests])
    st = low.new_state(len(requests), sum(low.chunking[r.prefix_tokens][0] for r in requests), "fifo", 0)
    st = st._replace(EV=np.zeros((low.margin + len(requests) + 1, 6), np.int64))  # room for the arrivals only
    low.set_requests(st, 0, [r.prefix_tokens for r in requests])
    st.I[k.N_UNFINISHED] = len(requests)
    rtt = model.rtt_cycles()
    loops.compiled().schedule_arrivals(st, np.array([model.cycles(r.arrival_s) + rtt for r in requests], dtype=np.int64))
    before = st.EV.shape[0]
    holder = Holder(st)
    drive(loops.compiled(), low, holder)
    st = holder.st
    assert st.EV.shape[0] > before
    ref = DataPlane(plan, params, record=False, kernel="reference").run(requests)
    assert st.RQ[:len(requests), k.RQ_FINISH].tolist() == ref.finish
    assert int(st.I[k.EVENTS]) == ref.events


def test_serving_loop_holds_one_arrival_at_a_time():
    """A serving run's memory does not grow with its pending arrivals or chunk log: arrivals are
    fed to the heap one at a time (in the order of pushing them all first) and no chunk
    completion is logged."""
    from nicmodel.engines.sim import layout as k
    scenario = api.load(ROOT / "pipelines" / "shadowserve.yaml")
    plan, params = compile_scenario(scenario)
    model = DataPlane(plan, params, record=False, kernel="reference")
    loop, _ = model.serving_loop([4000] * 10_000)
    seen = []
    loop.arrivals(np.array([5, 3, 3, 9] * 2_500), 1, seen.append)
    assert int(loop.st.I[k.HEAP_N]) == 1 and loop.st.CD.shape[0] == 1
    loop.run()
    assert len(seen) == 10_000 and seen[:4] == [1, 2, 5, 6]  # time 3 first, then by index


def test_loading_the_compiled_loop_leaves_scipy_linalg_importable():
    # loops.py hides scipy.linalg while numba's CPU target loads (a BLAS probe the loop does not
    # need); in a fresh process the loop loads without it and scipy.linalg and scipy.stats import
    # and work afterwards
    import subprocess
    import sys

    code = ("import sys\nfrom nicmodel.engines.sim import loops\nloops.compiled()\n"
            "print('scipy.linalg' in sys.modules)\n"
            "import scipy.linalg, scipy.stats\nprint(round(float(scipy.linalg.norm([3.0, 4.0])), 6), "
            "round(float(scipy.stats.norm.ppf(0.5)), 6))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "5.0", "0.0"], run.stdout + run.stderr
