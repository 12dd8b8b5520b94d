"""The BlueField-3 calibration round trip (calibration data, not evidence of accuracy)."""

import pytest

from nicmodel import evaluate_file

from conftest import DEFAULT, ROOT

CALIBRATION_SETUP = ["design.stages.fetch.cores=8", "design.stages.dequantize.cores=8", "network.bandwidth=100Gbps"]


# the cut-in time is poorly identified (its 95% interval is wider than its value): the fit drifts along that
# ridge by a few 1e-4 from where it starts, so it reproduces within 0.2%, a hundredth of their intervals
LOOSE = {"gpu.interference.wave_yield_high": 2e-3, "gpu.interference.cut_in_gain": 2e-3,
         "gpu.interference.cut_in_time": 2e-3}


def _interference_plan():
    """The H200's interference calibrations as the fixed-point tool runs them (one source of truth)."""
    import importlib.util
    import sys
    spec = importlib.util.spec_from_file_location("fixed_point", ROOT / "validation/calibration/fixed_point.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses resolve their annotations through it
    spec.loader.exec_module(module)
    return module.load_plan(module.PLAN)


PLAN = _interference_plan()
# each calibration as tests/test_calibration runs it: the plan's held settings (variables substituted)
# as overrides; a coefficient both held and fitted (wave_yield_high before the cut-in factor) must
# reproduce the value held
INTERFERENCE = [pytest.param(tuple(c.traces), [PLAN.prefix + k for k in c.fit], PLAN.overrides_for(c), id=c.name)
                for c in PLAN.calibrations]


def _refit(traces, keys, overrides=()):
    from nicmodel.validation.calibrate import fit, spec_param
    from nicmodel.validation.trace import read_trace

    points = [p for t in traces for p in read_trace(ROOT / t) if p.role == "fitted"]
    if overrides:
        from dataclasses import replace
        points = [replace(p, overrides=p.overrides + tuple(overrides)) for p in points]
    params = {k: spec_param(DEFAULT, list(overrides), k) for k in keys}
    initial = {k: p.si for k, p in params.items()}
    # a value pinned by an override (an earlier fit's) has no range: bound it loosely around itself
    bounds = {k: tuple(type(p)._check(v) for v in p.range) if p.range else (p.si / 4, p.si * 4)
              for k, p in params.items()}
    return fit(points, list(keys), initial, bounds), params


@pytest.mark.parametrize(
    "trace, keys, overrides",
    [
        ("validation/calibration/bf3_component_facts.csv",
         ["nic.arm.costs.network_fetch.cycles_per_byte", "nic.memory.sustained_bandwidth"], []),
        ("validation/traces/h100_copy.csv", ["gpu.copy_engine.bandwidth", "gpu.copy_engine.per_job"],
         ["gpu=h100-sxm"]),
        ("validation/traces/h100_decode.csv", ["gpu.decode_efficiency", "gpu.step_overhead"], ["gpu=h100-sxm"]),
        # the interference coefficients: seven calibrations iterated to a fixed point, each with the others at
        # their values (validation/calibration/h200_interference.yaml, run by fixed_point.py)
        *INTERFERENCE,
        ("validation/traces/h200_dma_interference.csv", ["gpu.interference.dma_factor"], ["gpu=h200"]),
        ("validation/traces/h200_copy.csv", ["gpu.copy_engine.bandwidth", "gpu.copy_engine.per_job"], ["gpu=h200"]),
        ("validation/traces/h100_host_contention.csv", ["host.engine_contention"], ["gpu=h100-sxm"]),
        ("validation/reference/bluefield_dma.csv", ["nic.engines.dma.bandwidth", "nic.engines.dma.per_job"],
         ["nic=bluefield2"]),
    ],
)
def test_specs_hold_the_values_their_calibration_produces(trace, keys, overrides):
    result, params = _refit((trace,) if isinstance(trace, str) else trace, keys, overrides)
    pinned = {o.split("=", 1)[0] for o in overrides}  # a value the spec holds from a later fit
    for key in keys:
        if key in pinned:
            assert result.values[key] == pytest.approx(params[key].si, rel=5e-4), key  # the earlier fit's value
            continue
        assert params[key].kind == "fitted"
        assert params[key].si == pytest.approx(result.values[key], rel=LOOSE.get(key, 5e-4)), key


# each GPU's own runs of the issue curve and of Nsight Compute (the H100's since 2026-12-05, a twenty-first session)
CURVES = {"h200": "h200/placement", "h100-sxm": "h100/placement_curve"}
ISSUE = {"h200": ("h200/issue", ("ac_decode", "paged_scatter_layer")), "h100-sxm": ("h100/issue", ("paged_scatter_layer",))}


@pytest.mark.parametrize("gpu", sorted(CURVES))
def test_issue_warps_is_what_the_alone_curve_measures(gpu):
    """issue_warps (measured on each GPU): the ALU body's launch time at m blocks of 4 warps per SM over 1
    block, the GPU otherwise idle (validation/traces/<gpu>/.../curve.csv), against max(1, 4m / issue_warps),
    by relative least squares over the points above saturation (m = 4, 8, 16)."""
    import csv
    from nicmodel.validation.calibrate import spec_param

    rows = [r for r in csv.DictReader(open(ROOT / f"validation/traces/{CURVES[gpu]}/curve.csv"))
            if r["threads"] == "128" and r["smem"] == "0"]
    one = float(next(r for r in rows if r["blocks_per_sm"] == "1")["span_us"])
    w_over_r = [4 * int(r["blocks_per_sm"]) / (float(r["span_us"]) / one) for r in rows
                if int(r["blocks_per_sm"]) in (4, 8, 16)]
    assert len(w_over_r) == 3
    measured = sum(x * x for x in w_over_r) / sum(w_over_r)  # argmin_S sum((W / S) / r - 1)^2
    assert spec_param(DEFAULT, [f"gpu={gpu}"], "gpu.interference.issue_warps").si == pytest.approx(measured, rel=1e-5)


# the 13 decode points the loaded latency is read over on every GPU (loaded_latency.decode_points())
CHASE_POINTS = {(8, 4096), (1, 1024), (32, 8192), (8, 8192), (12, 12288), (16, 4096), (24, 2048), (4, 8192),
                (48, 4096), (2, 2048), (40, 3072), (10, 14336), (6, 6144)}


def _chase_median(gpu_folder: str, part: str) -> float:
    """The median over CHASE_POINTS of each point's median chase latency beside ``part`` over idle."""
    import csv
    import statistics
    from collections import defaultdict

    by_point = defaultdict(list)
    for r in csv.DictReader(open(ROOT / f"validation/traces/{gpu_folder}/loaded_latency/decode.csv")):
        if r["part"] == part:
            by_point[(int(r["batch"]), int(r["context"]))].append(float(r["latency_ns"]) / float(r["alone_latency_ns"]))
    assert CHASE_POINTS <= set(by_point)
    return statistics.median(statistics.median(by_point[p]) for p in CHASE_POINTS)


@pytest.mark.parametrize("gpu,folder", [("h200", "h200"), ("h100-sxm", "h100")])
def test_loaded_latencies_are_what_the_chase_measured(gpu, folder):
    """latency_beside_decode and latency_beside_attention (measured on both GPUs): the chase's median
    over the same 13 points, beside the whole step and beside its attention kernels alone."""
    from nicmodel.validation.calibrate import spec_param

    for key, part in (("latency_beside_decode", "all"), ("latency_beside_attention", "attention")):
        value = spec_param(DEFAULT, [f"gpu={gpu}"], f"gpu.interference.{key}").si
        assert value == pytest.approx(_chase_median(folder, part), abs=6e-4), key


def test_narrow_attention_is_scaled_from_the_gpu_it_was_fitted_on():
    """Every GPU's narrow_attention_latency is the H200's latency_beside_attention (the coefficient is the
    H200 fit's everywhere), so the term is exactly as fitted on the H200 and scaled on the H100 by its
    own chase: (3.506 - 1) / (2.457 - 1) = 1.72."""
    from nicmodel.engines.serving.interference import attention_latency_scale
    from nicmodel.validation.calibrate import spec_param

    def table(gpu):
        return {k: spec_param(DEFAULT, [f"gpu={gpu}"], f"gpu.interference.{k}").si
                for k in ("latency_beside_attention", "narrow_attention_latency", "narrow_attention")}

    h200 = table("h200")
    for gpu in ("h200", "h100-sxm", "h100-pcie", "a100-80g", "l4", "l40s"):
        t = table(gpu)
        assert t["narrow_attention_latency"] == h200["latency_beside_attention"], gpu
        assert t["narrow_attention"] == h200["narrow_attention"], gpu
    scale = attention_latency_scale({f"gpu.interference.{k}": v for k, v in table("h100-sxm").items()})
    assert scale == pytest.approx((3.506 - 1) / (2.457 - 1))


@pytest.mark.parametrize("gpu,folder", [("h200", "h200"), ("h100-sxm", "h100")])
def test_attention_issue_slots_are_what_nsight_compute_measured(gpu, folder):
    """decode_kernels.attention.issue_slots (measured on both GPUs): cuDNN's SDPA kernel's issue-slot
    utilization over its active SMs, the mean over the eight decode points whose grids hold at most one
    block per SM (72-128 blocks: the same grids on both GPUs)."""
    import csv
    from nicmodel.validation.calibrate import spec_param

    rows = [r for r in csv.DictReader(open(ROOT / f"validation/traces/{folder}/issue_attention/issue.csv"))
            if "sdpa" in r["kernel"] and 72 <= int(r["grid"]) <= 128]
    assert len(rows) == 8 and {r["warps_active"] for r in rows} <= {"3.99", "4.00"}
    mean = sum(float(r["issue_active_pct"]) for r in rows) / len(rows) / 100
    value = spec_param(DEFAULT, [f"gpu={gpu}"], "gpu.decode_kernels.attention.issue_slots").si
    assert value == pytest.approx(mean, abs=6e-5)


@pytest.mark.parametrize("gpu", sorted(ISSUE))
def test_issue_shares_are_what_nsight_compute_measured(gpu):
    """issue_share (measured) of CacheGen's decoder (on the H200) and of the scatter (the GPU's copy kernel,
    on both): each kernel's issue-slot utilization over its resident warps, over the placement probe's ALU
    body's, each alone (validation/traces/<gpu>/issue/issue.csv, issue_profile.py)."""
    import csv
    from nicmodel.validation.calibrate import spec_param

    folder, units = ISSUE[gpu]
    per_warp = {r["unit"]: float(r["issue_per_warp"])
                for r in csv.DictReader(open(ROOT / f"validation/traces/{folder}/issue.csv"))
                if r["unit"] in ("probe_alu", *units)}
    paths = {"ac_decode": "gpu.kernels.decompress.launch.issue_share", "paged_scatter_layer": "gpu.copy_kernel.issue_share"}
    for unit in units:
        value = spec_param(DEFAULT, [f"gpu={gpu}"], paths[unit]).si
        assert value == pytest.approx(per_warp[unit] / per_warp["probe_alu"], abs=5e-5), unit


def test_network_stage_alone_and_full_pipeline():
    r = evaluate_file(DEFAULT, CALIBRATION_SETUP)
    assert r["stages"]["fetch"]["alone_gbps"] == pytest.approx(37.3, abs=0.02)
    assert r["throughput_gbps"] == pytest.approx(20.6, abs=0.02)
    assert r["bottleneck"] == "nic.memory"
    # the engines are not what binds (ShadowServe: "ample")
    assert r["resources"]["nic.decompress"] < 0.5 and r["resources"]["nic.dma"] < 0.5


@pytest.mark.parametrize("rate", ["25Gbps", "40Gbps", "100Gbps", "200Gbps"])
def test_nic_memory_binds_above_the_ceiling_with_auto_partition(rate):
    r = evaluate_file(DEFAULT, [f"network.bandwidth={rate}"])
    assert r["bottleneck"] == "nic.memory"
    assert r["throughput_gbps"] == pytest.approx(20.6, abs=0.02)


def test_network_binds_at_10gbps():
    r = evaluate_file(DEFAULT, ["network.bandwidth=10Gbps"])
    assert r["bottleneck"] == "network"
    assert r["throughput_gbps"] == pytest.approx(10 * 0.949)


def test_one_point_two_parameters_reports_the_equal_explanations(tmp_path):
    """17 Gbps measured on the full pipeline: NIC DRAM at ~27.9 GB/s or dequantization at ~1.7
    cycles/byte explain it equally; they disagree on the best chunk size, and measuring the
    dequantize stage alone separates them."""
    from nicmodel import api

    trace = tmp_path / "t.csv"
    trace.write_text("scenario,overrides,metric,argument,value,unit,role,source\n"
                     f"{DEFAULT},design.stages.fetch.cores=8;design.stages.dequantize.cores=8;network.bandwidth=100Gbps,"
                     "throughput,,17,Gbps,fitted,x\n")
    c = api.calibrate(DEFAULT, trace, ["nic.memory.sustained_bandwidth", "nic.arm.costs.dequantize.cycles_per_byte"])
    assert c["result"] is None and c["rejected"]
    alts = {e["parameter"]: e for e in c["alternatives"]["explanations"]}
    assert all(e["explains"] for e in alts.values())
    assert alts["nic.memory.sustained_bandwidth"]["value"] == pytest.approx(27.95e9, rel=0.01)
    assert alts["nic.arm.costs.dequantize.cycles_per_byte"]["value"] == pytest.approx(1.70, rel=0.01)
    chunks = {e["answer"]["best_chunk_tokens"] for e in alts.values()}
    assert len(chunks) == 2  # the planner's chunk-size answer depends on which explanation holds
    first = c["alternatives"]["separate_with"][0]
    assert (first["metric"], first["argument"]) == ("stage_alone", "dequantize") and first["spread_pct"] > 50


def test_loaded_latency_is_what_the_chase_measured():
    """idle_latency and latency_beside_decode (measured): the pointer chase's median idle load, and its
    median over decode points of each point's median latency beside the whole step over idle
    (validation/traces/h200/loaded_latency/decode.csv, loaded_latency.py); the range spans every
    point's median over both runs (and loaded_latency_grid/)."""
    import csv
    import statistics
    from nicmodel.validation.calibrate import spec_param

    def ratios(run):
        by_point = {}
        for r in csv.DictReader(open(ROOT / f"validation/traces/h200/{run}/decode.csv")):
            if r["part"] == "all":
                by_point.setdefault((r["batch"], r["context"]), []).append(
                    float(r["latency_ns"]) / float(r["alone_latency_ns"]))
        return [statistics.median(v) for v in by_point.values()]

    rows = list(csv.DictReader(open(ROOT / "validation/traces/h200/loaded_latency/decode.csv")))
    idle = statistics.median(float(r["alone_latency_ns"]) for r in rows) * 1e-9
    first, both = ratios("loaded_latency"), ratios("loaded_latency") + ratios("loaded_latency_grid")
    assert len(first) == 13 and len(both) == 47
    spec = lambda key: spec_param(DEFAULT, ["gpu=h200"], f"gpu.interference.{key}")
    assert spec("idle_latency").si == pytest.approx(idle, rel=2e-4)
    ratio = spec("latency_beside_decode")
    assert ratio.si == pytest.approx(statistics.median(first), abs=5e-4)
    assert tuple(ratio.range) == (round(min(both), 2), round(max(both), 2))
