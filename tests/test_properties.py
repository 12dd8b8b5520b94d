"""Invariants of the analytical model, checked with hypothesis over perturbed bundled designs."""

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nicmodel import load
from nicmodel.engines.analytical import capacities, bytes_per_token, evaluate
from nicmodel.engines.plan import compile_scenario

from conftest import COPYING, DEFAULT, NAIVE

COMPILED = {p.name: compile_scenario(load(p)) for p in (DEFAULT, NAIVE, COPYING)}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def perturbed(draw, names=tuple(COMPILED)):
    """A bundled design with its key numbers drawn from wide ranges."""
    name = draw(st.sampled_from(names))
    plan, base = COMPILED[name]
    p = dict(base)
    scale = lambda lo, hi: draw(st.floats(lo, hi))  # noqa: E731
    p["network.bandwidth"] = scale(0.5e9, 60e9) / 8 * 8
    p["nic.memory.sustained_bandwidth"] = scale(2e9, 89e9)
    p["nic.arm.cores"] = float(draw(st.integers(3, 32)))
    p["nic.arm.costs.network_fetch.cycles_per_byte"] = scale(0.2, 10)
    p["nic.arm.costs.dequantize.cycles_per_byte"] = scale(0.1, 5)
    p["nic.arm.costs.network_fetch.per_chunk"] = scale(0, 200e-6)
    p["nic.decompress.bandwidth"] = scale(1e9, 40e9)
    p["nic.dma.per_job"] = scale(0, 50e-6)
    p["request.prefix_tokens"] = float(draw(st.integers(1, 100_000)))
    if not np.isinf(p["design.chunk_tokens"]):
        p["design.chunk_tokens"] = float(draw(st.sampled_from([1, 16, 64, 256, 1024, 4096])))
        p["design.buffers_in_flight"] = float(draw(st.integers(1, 32)))
    return plan, p


@SETTINGS
@given(perturbed())
def test_throughput_never_exceeds_any_capacity(case):
    plan, p = case
    ev = evaluate(plan, p)
    assume(bool(ev.feasible))
    caps = capacities(plan, p)
    for name in ev.resources:
        assert ev.utilization(name) <= 1 + 1e-9, name
    for name, per_chunk in ev.traffic.items():
        assert per_chunk * ev.chunk_rate <= caps[name] * (1 + 1e-9), name
    assert max(ev.utilization(n) for n in ev.resources) == pytest.approx(1.0)


@SETTINGS
@given(perturbed(), st.floats(1.01, 10))
def test_more_bandwidth_never_lowers_throughput(case, factor):
    plan, p = case
    ev = evaluate(plan, p)
    assume(bool(ev.feasible))
    before = ev.network_bytes_per_s
    for key in ("network.bandwidth", "nic.memory.sustained_bandwidth", "nic.decompress.bandwidth"):
        q = dict(p)
        q[key] = p[key] * factor
        assert evaluate(plan, q).network_bytes_per_s >= before * (1 - 1e-12), key


@SETTINGS
@given(perturbed(), st.integers(1, 16))
def test_more_cores_never_lower_throughput(case, extra):
    plan, p = case
    q = dict(p)
    q["nic.arm.cores"] = p["nic.arm.cores"] + extra
    assume(bool(evaluate(plan, p).feasible))
    assert evaluate(plan, q).network_bytes_per_s >= evaluate(plan, p).network_bytes_per_s * (1 - 1e-12)


@SETTINGS
@given(perturbed(names=("shadowserve.yaml", "shadowserve-copying.yaml")))
def test_chunked_footprint_at_most_naive_once_chunks_cover_buffers(case):
    plan, p = case
    chunks = np.ceil(p["request.prefix_tokens"] / min(p["design.chunk_tokens"], p["request.prefix_tokens"]))
    if chunks < p["design.buffers_in_flight"]:
        return
    chunked = evaluate(plan, p).footprint["nic.memory"]
    naive = evaluate(plan, {**p, "design.chunk_tokens": np.inf}).footprint["nic.memory"]
    assert chunked <= naive * (1 + 1e-12)


@SETTINGS
@given(perturbed())
def test_bytes_are_conserved(case):
    plan, p = case
    ev = evaluate(plan, p)
    assume(bool(ev.feasible))
    per_token = bytes_per_token(plan, p)
    prefix = p["request.prefix_tokens"]
    request_time = ev.chunks / ev.chunk_rate  # time to move one request's chunks at steady state
    assert ev.kv_bytes_per_s * request_time == pytest.approx(prefix * per_token["kv"])
    assert ev.network_bytes_per_s * request_time == pytest.approx(prefix * per_token["compressed"])
    # every buffer written to NIC memory is read back exactly once
    written = sum(ev.chunk_bytes[s.output] for s in plan.stages if s.writes == "nic.memory")
    read = sum(ev.chunk_bytes[s.input] for s in plan.stages if s.reads == "nic.memory")
    assert written == pytest.approx(read)
    assert ev.traffic["nic.memory"] == pytest.approx(written + read)


@SETTINGS
@given(perturbed(names=("shadowserve.yaml",)))
def test_greedy_core_partition_matches_brute_force(case):
    plan, p = case
    ev = evaluate(plan, p)
    total = int(p["nic.arm.cores"])
    clock = p["nic.arm.clock"]

    def busy(stage, n):
        cost = f"nic.arm.costs.{'network_fetch' if stage == 'fetch' else 'dequantize'}"
        out = ev.chunk_bytes["compressed" if stage == "fetch" else "kv"]
        return p[f"{cost}.per_chunk"] + out * p[f"{cost}.cycles_per_byte"] / (clock * n)

    best = min(max(busy("fetch", a), busy("dequantize", total - a)) for a in range(1, total))
    got = max(busy("fetch", ev.cores["fetch"]), busy("dequantize", ev.cores["dequantize"]))
    assert got == pytest.approx(best)
    assert ev.cores["fetch"] + ev.cores["dequantize"] == total


def test_vectorized_equals_point_by_point():
    plan, base = COMPILED["shadowserve.yaml"]
    bws = np.array([1e9, 5e9, 20e9, 50e9]) / 8
    chunks = np.array([16.0, 256.0, np.inf])
    grid_bw, grid_chunk = (a.ravel() for a in np.meshgrid(bws, chunks, indexing="ij"))
    vec = evaluate(plan, {**base, "network.bandwidth": grid_bw, "design.chunk_tokens": grid_chunk})
    for i, (bw, ch) in enumerate(itertools.product(bws, chunks)):
        one = evaluate(plan, {**base, "network.bandwidth": bw, "design.chunk_tokens": ch})
        assert vec.network_bytes_per_s[i] == pytest.approx(float(one.network_bytes_per_s))
        assert vec.latency_s[i] == pytest.approx(float(one.latency_s))
        assert vec.bottleneck[i] == one.bottleneck
        assert vec.footprint["nic.memory"][i] == pytest.approx(float(one.footprint["nic.memory"]))
