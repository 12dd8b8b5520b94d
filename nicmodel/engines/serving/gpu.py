"""Time of the serving engine's GPU work and how co-running work slows it.

All functions take the flat parameter table (dotted spec paths, SI units) and vectorize.
- decode step: weights read once plus every sequence's KV, at the decode share of peak memory
  bandwidth, or the dense bf16 arithmetic if longer, plus a fixed per-step cost; the KV read takes
  longer where attention's grid, or its last wave, has too few blocks to keep HBM busy
  (attention.py, wave_stretch);
- prefill: the same weights read once, 2 x parameters x tokens of matrix arithmetic plus the
  attention over the context, at the prefill share of the dense bf16 rate;
- a busy host stretches the per-step CPU overhead by engine_contention x the share of cores busy.
How data-plane work on the GPU slows decode (and is slowed by it) is ``interference.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .attention import attention_stretch

Params = dict[str, Any]


def weight_bytes(p: Params) -> Any:
    """bf16 weights read per forward pass: the input-embedding table is indexed, not read."""
    return (p["model.parameters"] - p.get("model.vocab", 0.0) * p.get("model.hidden", 0.0)) * 2.0


def decode_memory_times(p: Params, kv_per_token: float, batch: Any, context: Any) -> tuple[Any, Any]:
    """Seconds a decode step spends reading the weights, and reading the KV cache (attention), at
    the decode share of peak memory bandwidth, attention stretched by its grid's waves."""
    bandwidth = p["gpu.memory.peak_bandwidth"] * p["gpu.decode_efficiency"]
    attention = batch * context * kv_per_token / bandwidth * attention_stretch(p, batch, context)
    return weight_bytes(p) / bandwidth, attention


def decode_step_time(p: Params, kv_per_token: float, batch: Any, context: Any) -> Any:
    return decode_step_from(p, batch, *decode_memory_times(p, kv_per_token, batch, context))


def decode_step_from(p: Params, batch: Any, weights_s: Any, attention_s: Any) -> Any:
    """The step from its memory times (decode_memory_times, computed once where a caller needs both)."""
    compute = 2.0 * p["model.parameters"] * batch / p["gpu.bf16_dense"]
    return p["gpu.step_overhead"] + np.maximum(weights_s + attention_s, compute)


def prefill_time(p: Params, kv_per_token: float, tokens: Any, context_before: Any) -> Any:
    """Prompt processing of ``tokens`` new tokens after ``context_before`` cached ones."""
    attention = 4.0 * p["model.layers"] * p["model.hidden"] * tokens * (context_before + tokens / 2.0)
    flops = 2.0 * p["model.parameters"] * tokens + attention
    compute = flops / (p["gpu.bf16_dense"] * p["gpu.prefill_efficiency"])
    memory = (weight_bytes(p) + (context_before + tokens) * kv_per_token) / (
        p["gpu.memory.peak_bandwidth"] * p["gpu.decode_efficiency"])
    return p["gpu.step_overhead"] + np.maximum(memory, compute)


def host_step_slowdown(p: Params, busy_share: float) -> float:
    """Relative growth of the engine's per-step CPU work with a share of host cores busy."""
    return float(p.get("host.engine_contention", 0.0) * busy_share)
