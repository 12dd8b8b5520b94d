"""Where a serving answer leaves what the interference model was checked on: notes a planner sees
beside the numbers, from either serving model (docs/serving.md, Attention's load).

A note here is not a caveat of one model against the other (the simulator uses the same
interference model, so running it cannot confirm these): it names a regime the model was not
measured in, and what there rests on extrapolation.
"""

from __future__ import annotations

from collections import Counter

from ...spec.base import Param
from ...spec.scenario import Scenario, resource_table
from ..plan import Params, Plan
from .attention import attention_blocks, attention_load, attention_waves
from .capacity import _kv, mean_context
from .gemm_grids import step_grids, unheld
from .launches import kv_channels, launch_at, launch_base
from .occupancy import blocks_per_sm
from .profile import decode_shapes, step_profile


def regime_notes(scenario: Scenario, plan: Plan | None, params: Params, batch: int) -> list[str]:
    """Notes for a design serving ``scenario`` whose batch that fits is ``batch``."""
    if plan is None or not any(st.executor_kind == "gpu_compute" for st in plan.stages):
        return []  # no data-plane kernel on the GPU: nothing co-runs with decode
    return [*_gemm_note(scenario, params, batch), *_grid_note(scenario, params, batch),
            *_attention_note(scenario, params, batch)]


def _gemm_note(scenario: Scenario, params: Params, batch: int) -> list[str]:
    """Decode's mean weight GEMM outside the lengths the turn wait and the co-runners were checked beside."""
    spec = scenario.gpu.interference
    gemm = step_profile(params, _kv(scenario), batch, mean_context(scenario)).gemm
    low, high = float(spec.turn_gemms_from.si), float(spec.turn_gemms_to.si)
    if gemm <= 0 or low <= gemm <= high:
        return []
    share = spec.turn_share.range[0] if spec.turn_share.range else spec.turn_share.value
    top = float(spec.many_wave_gemms.si)  # the longest GEMMs the crawl was fitted and checked beside
    past = (f" (past the longest, {top * 1e6:.0f} us: the crawl is extrapolated)" if gemm > top else "")
    # the graph turn and the tile tail's rounds (adopted 2026-12-07, docs/serving.md, The graph turn) leave these
    # misses beside longer GEMMs (validation/above_target.yaml: their causes)
    graphs = ("; a kernel replayed from a CUDA graph waits a fitted share of the turn there (graph_turn_share, "
              "fitted beside 144- and 560-us GEMMs, ramped in between 37 and 144 us: assumed in between), the short "
              "units launched from Python are measured up to 66% over the model beside 560-us GEMMs at batches 16-40, "
              "the scatter 13-23% under beside 144-us ones (its turn ends at the gate/up's last round in the model), "
              "and beside GEMMs that leave SMs free short launches are over-charged by 15-39%"
              if gemm > high else "")
    return [f"decode's weight GEMMs here average {gemm * 1e6:.0f} us (the model's){past}, outside the "
            f"{low * 1e6:.0f}-{high * 1e6:.0f} us its co-runners were checked beside every fit: longer GEMMs rest on "
            "the crawl fitted on one H100 beside 144- and 560-us GEMMs (gpu.interference.crawl_share; the designs' "
            "decoder-then-dequantization sequence held out within 5% there, many-wave kernels issued alone up to 32% "
            "under, gpu.interference.many_wave_stretch, assumed, carries that; sealed beside a Qwen2.5-32B shape's "
            "83-us GEMMs within 15%, and beside a 14B's 48-us ones the scatter 26% over, its GEMMs leaving half the "
            f"SMs free{graphs}), and beside shorter ones a stream launch "
            f"waited as little as {share:g} of the turn wait the model gives (gpu.interference.turn_share, assumed), "
            "so the data plane's GPU kernels' time here is not checked on this GPU (docs/serving.md, The crawl beside "
            "long GEMMs; The turn wait along a GEMM-length ladder)"]


# u below this: where the sealed checks read the turn wait as first fitted over-charged (at u 0.32-0.41 the scatter
# 26-45% over the model beside Qwen2.5-14B and Yi-34B, 0.55 of the wait beside the 8B's batch 8; at 0.72-0.84 within
# 15%; the turn rounds' two sets, every point flagged, 16-30% over beside all seven shapes, 2.6-9.1% with the rounds)
GRID_ROOM = 0.5


def _grid_note(scenario: Scenario, params: Params, batch: int) -> list[str]:
    """Decode's measured GEMM grids leaving room for a data-plane kernel's launch: the turn rounds read them,
    the blocking and packing terms count every GEMM as holding every SM."""
    grids = step_grids(params, batch)
    if grids is None:
        return []
    found = []
    for kind in kernel_classes(scenario):
        base = launch_base(params, kind)
        if f"{base}.blocks" not in params:
            continue
        launch = launch_at(params, base, kv_channels(params), 1.0, 0.0)  # its blocks and shape: no time needed
        u = unheld(grids, float(params["gpu.sms"]), launch.blocks, blocks_per_sm(params, launch.shape))
        if u < GRID_ROOM:
            found.append(f"{kind} {u:.2f}")
    if not found:
        return []
    return [f"decode's weight GEMMs of {scenario.model.name} at batch {batch} on this GPU (measured grids, "
            f"gpu.decode_gemm_grids) leave free SMs that hold much of a data-plane launch (the share they cannot "
            f"hold: {', '.join(found)}); the turn rounds charge a launch's rounds on the free SMs there, not the GEMM "
            "left (the scatter beside such GEMMs within 10% on two sealed sets on an H100, 16-45% over before them), "
            "but the blocking and packing terms still count every GEMM as holding every SM, and long launches' "
            "rounds are charged up to 1.5x a measured one (docs/serving.md, The turn rounds)"]


def _attention_note(scenario: Scenario, params: Params, batch: int) -> list[str]:
    """Decode's attention past the load its co-runners were measured beside."""
    blocks = attention_blocks(params, batch, mean_context(scenario))
    if blocks is None:
        return []
    sms, limit = float(params["gpu.sms"]), blocks_per_sm(params, decode_shapes(params)["attention"])
    load = attention_load(blocks, sms, limit)
    measured = scenario.gpu.interference.grid_load_measured.value
    if load <= measured:
        return []
    waves = attention_waves(blocks, sms, limit)
    return [f"decode's attention at the batch that fits ({batch} sequences, {blocks:.0f} blocks, {waves} waves) "
            f"loads the GPU's attention slots {load:.2f}x, past the {measured:g}x its co-runners were measured "
            "beside: the grid waits that grow with that load (gpu.interference.grid_wait_*) are extrapolated, "
            "so the data plane's GPU kernels' time here is not checked (docs/serving.md, Attention's load)"]


def interference_basis(scenario: Scenario) -> str:
    """What the GPU's interference coefficients rest on, from their provenance: fitted on this GPU's
    co-runners, or derived from another GPU's fit (their source names it) and not measured here, so
    a planner reads "decode time lost to interference" as measured, transferred or assumed; and how
    many this run sets (--set, or an --uncertainty draw, which sets every one with a range)."""
    spec = scenario.gpu.interference
    params = [v for v in vars(spec).values() if isinstance(v, Param)]
    given = [p for p in params if p.source.startswith("--set ")]
    kinds = Counter(p.kind for p in params if p not in given)
    where = f"{scenario.gpu.name}; docs/serving.md, Interference"
    run = "set for this run (--set or an --uncertainty draw)"
    tail = f"; {len(given)} {run}" if given else ""
    if not kinds["fitted"] and not kinds["derived"]:
        return f"{len(given)} of {len(params)} interference coefficients {run} ({where})"
    if kinds["fitted"] > kinds["derived"]:
        return (f"{kinds['fitted']} of {len(params)} interference coefficients fitted on this GPU's co-runners"
                f"{tail} ({where})")
    origins = Counter(p.source.split(" (")[0] for p in params if p.kind == "derived" and p not in given).most_common()
    origin = origins[0][0] if len(origins) == 1 else ", ".join(f"{name} ({n})" for name, n in origins)
    checked = (f"checked, not fitted, on this GPU: {spec.checked_on}" if spec.checked_on
               else "no co-runner measured on this GPU")
    fitted = f"; {kinds['fitted']} fitted on this GPU's co-runners" if kinds["fitted"] else ""
    return (f"{kinds['derived']} of {len(params)} interference coefficients derived: {origin}, carried to this GPU "
            f"through its SM count and limits, HBM bandwidth and kernels{fitted}; {checked}{tail} ({where})")


def kernel_classes(scenario: Scenario) -> list[str]:
    """The GPU kernel classes the design runs beside decode (its gpu.sm stages: their kind where the
    GPU has a kernel of it, else copy), as the serving engines key interference."""
    stages = scenario.design.stages.values() if scenario.design else []
    found = [st.kind if st.kind in scenario.gpu.kernels else "copy" for st in stages if st.resource == "gpu.sm"]
    return list(dict.fromkeys(found))


def error_classes(scenario: Scenario) -> list[str]:
    """The classes the interference model's own error is kept by (gpu.interference.model_error): the
    GPU kernel classes the design runs beside decode, and ``dma`` where an engine (a NIC's DMA, the
    GPU's copy engine) writes into GPU memory, as the serving engines charge DMA writes."""
    classes = kernel_classes(scenario)
    if scenario.design:
        res = resource_table(scenario)
        if any(st.writes == "gpu.memory" and res[st.resource].kind == "engine" for st in scenario.design.stages.values()):
            classes.append("dma")
    return classes


def interference_error(scenario: Scenario) -> dict[str, dict] | None:
    """The interference model's held-out error beside each kernel class this design runs on the
    GPU, and its DMA writes into GPU memory (gpu.interference.model_error): each factor's range and
    what it rests on (derived from this GPU's held-out co-runners, or assumed where none was
    measured here), or ``absent`` for a class never checked. None where the design runs no kernel
    and writes nothing into GPU memory beside decode."""
    classes = error_classes(scenario)
    if not classes or scenario.gpu.interference is None:
        return None
    bands = scenario.gpu.interference.model_error
    out: dict[str, dict] = {}
    for cls in classes:
        e = bands.get(cls)
        out[cls] = ({side: {"range": [type(f)._check(v) for v in f.range] if f.range else [f.si, f.si],
                            "kind": f.kind} for side, f in (("decode_loss", e.decode_loss), ("stretch", e.stretch))
                     if f is not None}
                    if e is not None else {"absent": True})
    return out

