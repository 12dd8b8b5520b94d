"""The CI guard on held-out accuracy: every recorded bound (tests/held_out.py), the 15% targets on
decode's side and on the co-runner side where the issue sets them, and the declared fitted sets of
the calibrations that rest on one trace's rows (the rest: validation/calibration/h200_interference.yaml)."""

import functools

import pytest

from nicmodel.validation.trace import read_trace

from conftest import ROOT, held_out_stats as _held_out_stats
from held_out import ABOVE_TARGET, DATA_PLANE, HELD_OUT

# each trace read once in this module (nothing here patches the model; the summaries are not mutated)
held_out_stats = functools.lru_cache(maxsize=None)(_held_out_stats)


def _trace(name: str) -> str:
    return f"validation/traces/{name}_interference.csv"


# the synthetic grids, both GPUs (the H200's first grid, profiled, and its unprofiled reruns)
GRIDS = [_trace(n) for n in ("h200", "h100_grid", "h200_random", "h200_start", "h200_launch", "h200_onewave",
                             "h200_drain", "h200_placement", "h200_grid_points", "h200_grid_points2",
                             "h200_grid_points3", "h200_probe_random", "h200_short_points2", "h200_short_points3",
                             "h200_short_points4", "h200_l2_boundary", "h200_start_probe",
                             "h200_regime_decode_fit")]
# the data-plane units at random phase (points8's co-runner rows: the grid waits' fitted set)
DATA_PLANE_SETS = [_trace(f"h200_dataplane_points{n}") for n in ("", 2, 3, 4, 6, 8, 10, 12, 14, 16, 18, 21, 24, 27, 30)]


@pytest.mark.parametrize("trace", sorted(HELD_OUT))
def test_held_out_accuracy_does_not_regress(trace):
    stats = held_out_stats(trace)
    assert set(stats) == set(HELD_OUT[trace])
    for metric, (mape, worst) in HELD_OUT[trace].items():
        assert stats[metric]["mape_pct"] <= mape, (trace, metric, stats[metric])
        assert abs(stats[metric]["worst_pct"]) <= worst, (trace, metric, stats[metric])


@pytest.mark.parametrize("trace", GRIDS + [_trace("h200_launch_points"), _trace("h200_placement_copy")] + DATA_PLANE_SETS
                         + [_trace("h100_dataplane_sealed")])
def test_interference_decode_side_meets_its_target(trace):
    """Decode beside the co-runners it was not fitted to, on the fitting GPU and on a GPU wholly
    held out: MAPE at most 15% in every family."""
    for key, s in held_out_stats(trace).items():
        if key.startswith("decode_time_ratio/"):
            assert s["mape_pct"] <= 15.0, (key, s)


@pytest.mark.parametrize("trace", GRIDS)
def test_interference_corunner_side_on_the_synthetic_families(trace):
    """The co-runner beside decode, held out: within 20% on every synthetic family (both grids,
    both GPUs, and beside multi-wave attention grids). The launch grid's short 2-byte units, 20.1%
    before the grid waits, are 16.5% since; the same units at other decode points
    (h200_launch_points: 24.3%) are held to their recorded bound in HELD_OUT, as the data-plane
    kernels' misses are."""
    for key, s in held_out_stats(trace).items():
        if key.startswith("corunner_time_ratio/") and key.split("/", 1)[1].startswith(
                ("synthetic", "regime", "short", "paced", "onewave", "drain", "placement", "widths")):
            assert s["mape_pct"] <= 20.0, (key, s)


@pytest.mark.parametrize("trace", [_trace("h200_random"), _trace("h100_dataplane_random")]
                         + [t for t in DATA_PLANE_SETS if t != _trace("h200_dataplane_points8")])
def test_clean_random_phase_grid_meets_the_target_on_every_data_plane_kernel(trace):
    """The data-plane kernels the designs run, measured with the fixed collector at a random point of
    the decode step (as a serving system's co-runner lands) and never used in a fit, at the grid's
    three decode points and at 116 others (batch 1-96, 1k-16k context, attention grids of 64-768
    blocks, one to three waves; the last 64 the second to seventh sealed sets), measured after the fits,
    and on the H100, held out whole (its grid's three points, unprofiled, 2026-12-05):
    held-out co-runner MAPE at most 15% in every family, decode at most 10%. CacheGen's decoder met
    it beside multi-wave and long-context grids only with the spill per launch (16.9% on points10,
    15.6% on points12 before; docs/serving.md, The spill per launch)."""
    stats = held_out_stats(trace)
    families = DATA_PLANE
    for f in families:
        assert stats[f"corunner_time_ratio/{f}"]["mape_pct"] <= 15.0, (f, stats[f"corunner_time_ratio/{f}"])
        assert stats[f"decode_time_ratio/{f}"]["mape_pct"] <= 10.0, (f, stats[f"decode_time_ratio/{f}"])

def test_grid_waits_fit_only_the_declared_set():
    """The grid waits (grid_wait_equal, grid_wait_high) are fitted on h200_dataplane_points8's
    co-runner rows, declared in make_interference_traces.py before their calibrate command ran:
    those rows, and no other interference row of any trace, are fitted for them; the set's decode
    rows stay held out."""
    roles = {}
    for pt in read_trace(ROOT / "validation/traces/h200_dataplane_points8_interference.csv"):
        roles.setdefault(pt.metric, set()).add(pt.role)
    assert roles == {"corunner_time_ratio": {"fitted"}, "decode_time_ratio": {"held-out"}}
    for other in ("h200_dataplane_points4", "h200_dataplane_points6", "h200_dataplane_points10"):
        assert {pt.role for pt in read_trace(ROOT / f"validation/traces/{other}_interference.csv")} == {"held-out"}


def test_wave_spill_fits_only_its_declared_set():
    """wave_spill is fitted on the regime kernels' co-runner rows of h200_grid_points and
    h200_grid_points2, declared in make_interference_traces.py before its calibrate command ran: in
    those traces exactly those rows are fitted (the width families and every decode row held out),
    and every data-plane kernel row of every trace that holds one is held out but the grid waits'
    declared set (h200_dataplane_points8's co-runner rows) and the graph turn's (the H100 stream/graph
    diagnostic's co-runner rows of units replayed from a CUDA graph beside the 70B and 405B shapes, the
    scatter's among them; since 2026-12-07): every data-plane point on the H200 is held out."""
    for name in ("h200_grid_points", "h200_grid_points2"):
        for pt in read_trace(ROOT / f"validation/traces/{name}_interference.csv"):
            family = dict(kv.split("=", 1) for kv in pt.argument.split(","))["family"]
            spill_set = pt.metric == "corunner_time_ratio" and family.startswith("regime-")
            assert pt.role == ("fitted" if spill_set else "held-out"), (name, pt.row)
    dataplane = DATA_PLANE
    for path in sorted((ROOT / "validation/traces").glob("h*_interference.csv")):
        if path.name == "h200_dataplane_points8_interference.csv":
            continue
        graph_turn = path.name in ("h100_stream_graph_70b_interference.csv", "h100_stream_graph_405b_interference.csv")
        for pt in read_trace(path):
            if pt.argument and any(f"family={f}," in pt.argument for f in dataplane):
                fit_row = graph_turn and pt.metric == "corunner_time_ratio" and "launch=graph" in pt.argument
                assert pt.role == ("fitted" if fit_row else "held-out"), (path.name, pt.row)


def _held_out_traces() -> list[str]:
    """Every interference and decode-step trace with a held-out row, whether or not the ledger lists it."""
    out = []
    for path in sorted((ROOT / "validation/traces").glob("*.csv")):
        if "interference" in path.name or "decode" in path.name:
            if any(pt.role == "held-out" for pt in read_trace(path)):
                out.append(f"validation/traces/{path.name}")
    return out


def test_the_ledger_covers_every_held_out_trace():
    """A trace with held-out rows is in tests/held_out.py's ledger, so its bounds are guarded and its families
    counted in the standing the README states (fourteen H200 sealed sets, gated by other tests, were missing
    from the count until 2026-12-07)."""
    assert set(_held_out_traces()) <= set(HELD_OUT), sorted(set(_held_out_traces()) - set(HELD_OUT))


def test_every_family_above_the_target_is_in_the_ledger():
    """The held-out interference families above 15% are exactly those tests/held_out.py's ABOVE_TARGET
    names, each with its reason: a family that crosses 15% either way changes the ledger in the same
    commit, so the count a closing note reports is the one CI checks (44 of 1,033 now: every trace's held-out
    interference families and the decode-step traces' metric, the ledger's or not)."""
    above, families = set(), 0
    for trace in sorted(set(_held_out_traces()) | {t for t in HELD_OUT if "interference" in t or "decode" in t}):
        for key, s in held_out_stats(trace).items():
            families += 1
            if s["mape_pct"] > 15.0:
                above.add((trace, key))
    assert above == set(ABOVE_TARGET), (sorted(above - set(ABOVE_TARGET)), sorted(set(ABOVE_TARGET) - above))
    assert (len(above), families) == (44, 1033)
