"""Where a serving answer leaves what the interference model was checked on: notes a planner sees
beside the numbers, from either serving model (docs/serving.md, Two-wave attention grids).

A note here is not a caveat of one model against the other (the simulator uses the same
interference model, so running it cannot confirm these): it names a measured regime where both
are off, with the size and the direction of the miss.
"""

from __future__ import annotations

from ...spec.scenario import Scenario
from ..plan import Params, Plan
from .attention import attention_blocks, attention_waves
from .capacity import mean_context
from .interference import blocks_per_sm, decode_shapes


def regime_notes(scenario: Scenario, plan: Plan | None, params: Params, batch: int) -> list[str]:
    """Notes for a design serving ``scenario`` whose batch that fits is ``batch``."""
    if plan is None or not any(st.executor_kind == "gpu_compute" for st in plan.stages):
        return []  # no data-plane kernel on the GPU: nothing co-runs with decode
    blocks = attention_blocks(params, batch, mean_context(scenario))
    if blocks is None:
        return []
    waves = attention_waves(blocks, float(params["gpu.sms"]), blocks_per_sm(params, decode_shapes(params)["attention"]))
    if waves < 2:
        return []
    stretch = scenario.gpu.interference.multiwave_stretch
    low, high = stretch.range or (stretch.value, stretch.value)
    shown = ("as fitted, so GPU decoding's data plane is likely slower than shown here" if stretch.value == 1.0
             else f"stretched {stretch.value:g}x here (gpu.interference.multiwave_stretch)")
    spans = (f"; gpu.interference.multiwave_stretch's range, {low:g}-{high:g}, spans the measured miss (--set it "
             "for a what-if; --uncertainty draws it)" if high > low else "")
    return [f"decode's attention runs {waves} waves at the batch that fits ({batch} sequences, {blocks:.0f} "
            "blocks): beside such grids the interference model under-predicts the data plane's GPU kernels "
            f"(measured on the H200; docs/serving.md, Two-wave attention grids); their time is {shown}{spans}"]
