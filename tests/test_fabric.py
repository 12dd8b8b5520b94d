"""Optical fabric: closed forms, brute-force fastest path, rejections, integration."""

import itertools
import json

import numpy as np
import pytest

import nicmodel
from nicmodel.api import simulate
from nicmodel.cli import main
from nicmodel.engines.fabric.analysis import Fabric, Timing, analyze_pair, gap_stats, transfer_times
from nicmodel.engines.fabric.path import fabric_model, pair_report
from nicmodel.engines.fabric.schedule import build, circle_matchings
from nicmodel.spec.loader import load_component
from nicmodel.spec.fabric import OpticalFabric

from conftest import ROOT

OPTICAL = ROOT / "pipelines" / "shadowserve-optical.yaml"


def fabric(name="optical-8", *overrides):
    return load_component(name, "fabric", OpticalFabric, list(overrides))


def test_guard_is_reconfiguration_plus_twice_sync_error():
    f = fabric("optical-108")
    assert f.guard_s == pytest.approx(10e-9 + 2 * 28e-9)


@pytest.mark.parametrize("n, k", [(8, 1), (8, 2), (8, 3), (12, 4)])
def test_round_robin_share_and_bandwidth_closed_form(n, k):
    f = fabric("optical-8", f"tors={n}", f"uplinks_per_tor={k}")
    model = fabric_model(f)
    usable = (f.slice.si - f.guard_s - f.tor_ocs_delay.si) / f.slice.si  # every port changes every slice
    assert model.windows.port_duty == pytest.approx(usable)
    for src, dst in itertools.permutations(range(n), 2):
        r = analyze_pair(model, src, dst, "direct", f.tor_buffer.si, 16)
        assert r.circuit_share == pytest.approx(k / (n - 1))
        assert r.direct_bandwidth_Bps == pytest.approx(f.uplink_rate.si * k / (n - 1) * usable)


def test_every_pair_meets_once_per_matching_round():
    for n in (6, 8, 9, 108):
        rounds = circle_matchings(n)
        pairs = [frozenset(p) for r in rounds for p in r]
        assert len(pairs) == len(set(pairs)) == n * (n - 1) // 2


def test_opera_wait_closed_form():
    # no guard, no delay: each pair has one circuit block of b = k slices per cycle of S = N
    # slices, so the wait for an arrival uniform in time is (S-b)^2 T/(2S) on average, (S-b) T at most
    n, k, slice_s = 108, 6, 2e-6
    table = build("opera", n, k)
    model = Fabric(table, Timing(slice_s, 0.0, 0.0, 0.0, 100e9 / 8, False))
    for src, dst in [(0, 57), (3, 99), (10, 11)]:
        stats = gap_stats(model.windows.pair[(src, dst)], model.cycle)
        assert stats["mean"] == pytest.approx((n - k) ** 2 * slice_s / (2 * n))
        assert stats["max"] == pytest.approx((n - k) * slice_s)
        assert (table[:, src, :] == dst).sum() == k


def test_sirius_reaches_every_pair_once_per_cycle():
    table = build("sirius", 8, 2)
    for src, dst in itertools.permutations(range(8), 2):
        assert (table[:, src, :] == dst).sum() == 1


def _brute_force(model: Fabric, src: int, dst: int, at: float) -> float:
    """Earliest arrival over every simple ToR sequence, leaving each ToR as early as possible
    (waiting never helps: departures are FIFO), without Dijkstra."""
    best = float("inf")
    others = [v for v in range(model.n) if v not in (src, dst)]
    for length in range(0, len(others) + 1):
        for middle in itertools.permutations(others, length):
            t = at
            for u, v in zip((src, *middle), (*middle, dst)):
                t = float(model.departures(u, t)[v]) + model.timing.hop_s
                if not np.isfinite(t):
                    break
            best = min(best, t)
    return best


@pytest.mark.parametrize("kind, k", [("round_robin", 2), ("sirius", 2), ("opera", 4), ("round_robin", 1)])
def test_fastest_path_matches_brute_force_on_the_small_fabric(kind, k):
    f = fabric("optical-8", f"uplinks_per_tor={k}", f"schedule.kind={kind}")
    model = fabric_model(f)
    rng = np.random.default_rng(1)
    for _ in range(6):
        src, dst = rng.choice(8, size=2, replace=False)
        at = float(rng.uniform(0, 2 * model.cycle))
        arrival, hops, _ = model.earliest_arrival(int(src), int(dst), at)
        assert arrival == pytest.approx(_brute_force(model, int(src), int(dst), at), abs=1e-12)
        assert 1 <= hops <= 7


def test_fastest_is_never_slower_than_vlb_or_direct():
    f = fabric("optical-8")
    model = fabric_model(f)
    for at in np.linspace(0, model.cycle, 17):
        fast = model.earliest_arrival(0, 5, at)[0]
        direct = float(model.departures(0, at)[5]) + model.timing.hop_s
        vlb = min(model.vlb_arrival(0, 5, at, p)[0] for p in range(2))
        assert fast <= vlb + 1e-15 and fast <= direct + 1e-15
        assert all(model.vlb_arrival(0, 5, at, p)[1] <= 2 for p in range(2))


def test_direct_transfer_of_one_burst_fits_in_one_window():
    f = fabric("optical-8", "uplinks_per_tor=1")
    model = fabric_model(f)
    r = pair_report(f, 0, 5, model)
    t = model.timing
    usable = t.slice_s - t.guard_s - t.tor_ocs_s
    burst = t.rate_Bps * usable
    times = transfer_times(model, r, 0, 5, burst)
    # at best the arrival is at a window start: one window of transfer plus one hop
    assert times["mean"] >= usable + t.hop_s - 1e-12
    assert times["max"] == pytest.approx(r.wait_s["max"] + usable + t.hop_s, rel=1e-6)
    # three windows' bytes: an arrival inside a window (probability usable/cycle) takes exactly
    # three cycles; one in the gap waits (gap/2 on average), then 2 cycles and one window
    cycle, gap = model.cycle, model.cycle - usable
    expected = usable / cycle * 3 * cycle + gap / cycle * (gap / 2 + 2 * cycle + usable) + t.hop_s
    assert transfer_times(model, r, 0, 5, 3 * burst)["mean"] == pytest.approx(expected, rel=0.01)


def test_explicit_time_flow_table_file(tmp_path):
    table = build("round_robin", 8, 2)
    rows = ["slice,tor,port,dest"] + [f"{s},{t},{p},{table[s, t, p]}" for s, t, p in np.ndindex(table.shape)]
    (tmp_path / "table.csv").write_text("\n".join(rows) + "\n")
    spec = (ROOT / "hwspecs/fabrics/optical-8.yaml").read_text().replace(
        "schedule: {kind: round_robin}", "schedule: {kind: explicit, table_file: table.csv}")
    (tmp_path / "mine.yaml").write_text(spec)
    mine = load_component(tmp_path / "mine.yaml", "fabric", OpticalFabric)
    a = pair_report(mine, 0, 5)
    b = pair_report(fabric(), 0, 5)
    assert a.bandwidth_Bps == pytest.approx(b.bandwidth_Bps) and a.wait_s == pytest.approx(b.wait_s)


@pytest.mark.parametrize(
    "overrides, words",
    [
        (["sync_error=1us"], "guard (2010 ns = reconfiguration + 2 x sync error) is not shorter than the slice"),
        (["sync_error=900ns", "tor_ocs_delay=150ns"], "a hop does not fit in a slice"),
        (["tors=9", "uplinks_per_tor=2", "schedule.kind=opera"], "divisible by uplinks_per_tor"),
        (["uplinks_per_tor=8"], "uplinks_per_tor (8) must be below tors (8)"),
        (["slice=2 GB"], "is a size, expected a duration"),
        (["schedule.kind=explicit"], "an explicit schedule needs a table"),
    ],
)
def test_infeasible_fabrics_are_rejected(capsys, overrides, words):
    argv = ["fabric", "optical-8"] + [x for o in overrides for x in ("--set", o)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err, err


def test_static_fabric_needs_multi_hop_routing(capsys):
    f = fabric("optical-8", "schedule.kind=static")
    table = fabric_model(f).table
    stranger = next(j for j in range(1, 8) if not (table[:, 0, :] == j).any())
    assert main(["fabric", "optical-8", "--set", "schedule.kind=static", "--pair", "0", str(stranger),
                 "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)["pair"]["routing"]
    assert "never have a direct circuit" in report["direct"]["unavailable"]
    assert report["fastest_path"]["hops"]["min" if "min" in report["fastest_path"]["hops"] else "mean"] >= 2
    argv = ["eval", str(OPTICAL), "--set", "network.fabric=optical-8", "--set", f"network.dest_tor={stranger}",
            "--set", "network.fabric.schedule.kind=static"]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "infeasible: ToRs 0 and" in err
    assert main(argv + ["--set", "network.fabric.routing=fastest_path"]) == 0


def test_fabric_cli_json(capsys):
    assert main(["fabric", "optical-108", "--pair", "0", "57", "--bytes", "600 MB", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    s = report["schedule"]
    assert s["slices_per_cycle"] == 108 and s["circuit_share"]["min"] == pytest.approx(6 / 108)
    direct = report["pair"]["routing"]["direct"]
    # R x k/N x usable share: Opera keeps each circuit for k slices, so only one guard per block
    usable = (6 * 2e-6 - 66e-9 - 100e-9) / (6 * 2e-6)
    assert direct["bandwidth_gbps"] == pytest.approx(100 * 6 / 108 * usable, rel=1e-6)
    assert report["pair"]["routing"]["vlb"]["bandwidth_gbps"] > 40 * direct["bandwidth_gbps"]
    assert direct["transfer_s"]["mean"] == pytest.approx(600e6 / (direct["bandwidth_gbps"] * 1e9 / 8), rel=0.01)
    for r in report["pair"]["routing"].values():
        assert set(r["first_byte_wait_s"]) >= {"mean", "p50", "p99", "max"} and r["loss_free"] in (True, False)


def test_fabric_as_the_fetch_network_in_both_engines(monkeypatch):
    # the compiled loop: the interpreted one takes a minute on a run this size (both agree exactly:
    # tests/test_sim_loop_variants.py, optical fabrics)
    monkeypatch.setenv("NICMODEL_SIM_KERNEL", "compiled")
    scenario = nicmodel.load(OPTICAL, ["network.fabric=optical-8", "network.dest_tor=5",
                                       "network.fabric.uplinks_per_tor=1"])
    one, _ = simulate(scenario, 1, record=False)
    many, run = simulate(scenario, 20, record=True)
    report = pair_report(scenario.network.fabric, 0, 5)
    assert many["analytical"]["throughput_gbps"] == pytest.approx(report.bandwidth_Bps * 8e-9 * 0.949, rel=1e-6)
    assert many["analytical"]["bottleneck"] == "network" == many["bottleneck"]
    assert many["throughput_gbps"] == pytest.approx(many["analytical"]["throughput_gbps"], rel=0.02)
    assert one["latency_s"]["max"] == pytest.approx(one["analytical"]["fetch_latency_s"], rel=0.05)
    # chunks wait for circuits: network transfers only progress, and so only end, inside windows
    model = fabric_model(scenario.network.fabric)
    windows = model.windows.pair[(0, 5)]
    ends = [r.end / run.clock_hz % model.cycle for r in run.records if r.stage == "fetch"]
    inside = [any(a - 2e-9 <= e <= b + 2e-9 for a, b in windows) for e in ends]
    assert sum(inside) >= 0.95 * len(ends)  # the rest ended on their NIC-side work, after the window


def test_design_table_marks_infeasible_combinations(capsys):
    argv = ["table", str(OPTICAL), "--format", "json", "--vary", "network.fabric.routing=direct,vlb",
            "--vary", "network.fabric.sync_error=28ns,1us"]
    assert main(argv) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    by = {(r["network.fabric.routing"], r["network.fabric.sync_error"]): r for r in rows}
    assert by[("direct", "1us")]["bottleneck"].startswith("invalid: guard")
    assert by[("direct", "28ns")]["bottleneck"] == "network"
    assert by[("vlb", "28ns")]["bottleneck"] == "nic.memory"
    assert by[("vlb", "28ns")]["fetch_latency_ms"] < by[("direct", "28ns")]["fetch_latency_ms"] / 3
    assert main(["table", str(OPTICAL), "--vary", "network.fabric.sync_error=28ns,1 GB"]) == 2


def test_background_load_leaves_multi_hop_routing_the_rest_of_the_circuits():
    """VLB borrows other pairs' circuits: at 50% background load it gets half the idle-fabric
    rate (k x R x duty x (1 - load) / 2), while the pair's own direct circuits are unchanged."""
    from nicmodel import api
    idle = api.fabric("optical-108", pair=(0, 57))
    busy = api.fabric("optical-108", pair=(0, 57), overrides=["background_load=0.5"])
    a, b = idle["pair"]["routing"], busy["pair"]["routing"]
    assert b["vlb"]["bandwidth_gbps"] == pytest.approx(a["vlb"]["bandwidth_gbps"] / 2)
    assert b["direct"]["bandwidth_gbps"] == pytest.approx(a["direct"]["bandwidth_gbps"])
    assert busy["pair"]["background_load"] == 0.5
