"""Where a serving answer leaves what the interference model was checked on: notes a planner sees
beside the numbers, from either serving model (docs/serving.md, Two-wave attention grids).

A note here is not a caveat of one model against the other (the simulator uses the same
interference model, so running it cannot confirm these): it names a measured regime where both
are off, with the size and the direction of the miss.
"""

from __future__ import annotations

import math

from ...spec.scenario import Scenario
from ..plan import Params, Plan
from .attention import attention_blocks
from .interference import blocks_per_sm, decode_shapes


def regime_notes(scenario: Scenario, plan: Plan | None, params: Params, batch: int) -> list[str]:
    """Notes for a design serving ``scenario`` whose batch that fits is ``batch``."""
    if plan is None or not any(st.executor_kind == "gpu_compute" for st in plan.stages):
        return []  # no data-plane kernel on the GPU: nothing co-runs with decode
    s = scenario.serving
    context = scenario.request.prefix_tokens.si + s.new_tokens.si + s.output_tokens.si / 2.0
    blocks = attention_blocks(params, batch, context)
    if blocks is None:
        return []
    slots = float(params["gpu.sms"]) * blocks_per_sm(params, decode_shapes(params)["attention"])
    waves = math.ceil(blocks / slots)
    if waves < 2:
        return []
    return [f"decode's attention runs {waves} waves at the batch that fits ({batch} sequences, {blocks:.0f} "
            "blocks): beside such grids the data plane's GPU kernels were measured taking 1.10-1.43x the "
            "interference model's time by kernel family, 1.73x at worst (H200, 40-64 sequences at 8k "
            "tokens; docs/serving.md, Two-wave attention grids), so GPU decoding's data plane is slower "
            "than shown here; --set gpu.interference.multiwave_stretch=1.2 (its range 1.0-1.45) shows "
            "the answer with that miss"]
