"""Does the serving setup fit GPU memory? Weights, the KV cache of the running batch, and the
data plane's staging buffers must all fit the share of GPU memory the serving engine may use.

An engine such as vLLM admits only as many sequences as it has KV blocks for, so a batch
limit larger than the KV room is lowered to what fits (and said so); a setup where not even one
request's KV fits after the weights and staging is impossible and refused.
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np

from ...errors import InfeasibleError
from ...spec.workload import DTYPE_BYTES
from ..analytical import bytes_per_token, evaluate
from ..plan import Params, Plan


@dataclass(frozen=True)
class GpuMemoryPlan:
    """GPU memory of a serving setup, in bytes."""

    usable: float  # capacity x utilization share
    weights: float
    staging: float  # data-plane buffers in GPU memory (chunks in flight)
    kv_per_request: float  # prefix + prompt + output tokens of one request
    max_batch: int  # the scenario's limit
    batch: int  # what fits: min(limit, KV room / KV per request)

    @property
    def kv_room(self) -> float:
        return self.usable - self.weights - self.staging

    def as_dict(self) -> dict:
        return {"usable_bytes": self.usable, "weight_bytes": self.weights, "staging_bytes": self.staging,
                "kv_room_bytes": self.kv_room, "kv_bytes_per_request": self.kv_per_request,
                "max_batch": self.max_batch, "batch_that_fits": self.batch}


def gpu_memory_plan(scenario, kv_per_token: float, staging_bytes: float, tokens_per_request: int) -> GpuMemoryPlan:
    """The memory plan of ``scenario``'s server; raises InfeasibleError if one request cannot fit."""
    gpu, model, s = scenario.gpu, scenario.model, scenario.serving
    if model.parameters is None:
        raise InfeasibleError(f"{model.name}: the model spec has no `parameters`; the serving model needs "
                              "the weight count to check GPU memory")
    share = s.gpu_memory_utilization.si if s.gpu_memory_utilization is not None else 1.0
    usable = gpu.memory.capacity.si * share
    weights = model.parameters.si * DTYPE_BYTES[model.weight_dtype]
    per_request = tokens_per_request * kv_per_token
    room = usable - weights - staging_bytes
    limit = int(s.max_batch.si)
    if room < per_request:
        raise InfeasibleError(
            f"gpu.memory: {model.name} does not fit {gpu.name}: weights {weights / 1e9:.1f} GB + staging "
            f"{staging_bytes / 1e9:.2f} GB + one request's KV {per_request / 1e9:.2f} GB exceed the "
            f"{usable / 1e9:.1f} GB usable ({gpu.memory.capacity.si / 1e9:.0f} GB x {share:g})")
    return GpuMemoryPlan(usable, weights, staging_bytes, per_request, limit, min(limit, int(room // per_request)))


def memory_plan(scenario, plan: Plan | None, params: Params,
                requests=None) -> GpuMemoryPlan:
    """GPU memory of the server: weights, staging of the data plane, KV of the batch that fits.
    The longest request of ``requests`` (engine.Requests; else the scenario's shape) sizes the KV
    per request."""
    kv = float(np.asarray(bytes_per_token(plan, params)["kv"])) if plan is not None else _kv(scenario)
    staging = float(np.asarray(evaluate(plan, params).footprint.get("gpu.memory", 0.0))) if plan is not None else 0.0
    s = scenario.serving
    if requests is not None and len(requests):
        tokens = int((requests.prefix_tokens + requests.new_tokens + requests.output_tokens).max())
    else:
        tokens = int(scenario.request.prefix_tokens.si + s.new_tokens.si + s.output_tokens.si)
    return gpu_memory_plan(scenario, kv, staging, tokens)


def mean_context(scenario) -> float:
    """Tokens a request's decode steps attend to on average: its prefix and prompt, and half its output."""
    s = scenario.serving
    return scenario.request.prefix_tokens.si + s.new_tokens.si + s.output_tokens.si / 2.0


def _kv(scenario) -> float:
    """KV bytes per token of the scenario's model (for designs with no data plane)."""
    m = scenario.model
    return 2 * m.layers.si * m.kv_heads.si * m.head_dim.si * DTYPE_BYTES[m.dtype]

