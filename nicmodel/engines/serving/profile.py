"""A decode step as a co-runner sees it: its kernels' mean duration, their time shares by kind
(weight GEMVs, attention, elementwise), their block shapes, and attention's grid at a batch and
context (docs/serving.md, Interference; Attention's grid). The interference model (interference.py)
reads it; it knows nothing of co-runners.

All functions take the flat parameter table (dotted spec paths, SI units)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np

from . import gpu
from .attention import attention_blocks, attention_load, attention_residency, attention_waves
from .gemm_grids import Grids, free_share, step_grids
from .occupancy import Shape, blocks_per_sm, shape_at

Params = dict[str, Any]


@dataclass(frozen=True)
class DecodeProfile:
    """A decode step as its kernels: their mean duration and time shares by kind."""

    kernel_s: float  # mean decode kernel duration
    shares: dict[str, float]  # weights / attention / elementwise -> share of the step's kernel time
    shapes: dict[str, Shape]
    attention_residency: float = 1.0  # share of attention's time its blocks fill SMs whole
    attention_waves: int = 1  # waves of attention's grid (more than one: multiwave_stretch applies)
    attention_load: float = 0.0  # attention's blocks over the SMs' attention slots (0: no grid in the spec)
    attention_sms: float = 0.0  # share of the SMs holding an attention block (one wave: blocks over SMs)
    attention_s: float = 0.0  # mean duration of one attention kernel (one per layer; 0: unknown)
    attention_issue: float = 0.0  # share of its SM's issue slots one attention block uses (measured alone)
    gemm_s: float = 0.0  # mean duration of one weight GEMM (0: unknown, a mean decode kernel's stands in)
    grids: Grids | None = None  # the weight GEMMs' measured grids at this batch (None: not measured)
    sms: float = 0.0  # the GPU's SMs (what the grids leave free is counted against)

    @property
    def gemm(self) -> float:
        """Mean duration of one of decode's weight GEMMs (``kernel_s`` where the spec does not say how
        many a layer launches)."""
        return self.gemm_s if self.gemm_s > 0 else self.kernel_s

    def crawl_share(self, share: float, free_pace: float) -> float:
        """The share of its pace a launch keeps inside a long weight GEMM: ``share`` (crawl_share) on the SMs
        the GEMM holds, up to ``free_pace`` (crawl_free_pace) on those it leaves free, weighted over the
        measured grids by their time; ``share`` where they are not measured (docs/serving.md, The grid crawl)."""
        if self.grids is None or share <= 0:
            return share
        return share + max(0.0, free_pace - share) * free_share(self.grids, self.sms)

    @cached_property
    def beside(self) -> "DecodeProfile":
        """The step as a co-runner sees it: attention's time counts as attention only for the share
        in which its blocks fill SMs whole; for the rest (``none``) the co-runner keeps room on every
        SM and no term charges it (docs/serving.md, Attention's grid)."""
        if self.attention_residency >= 1.0:
            return self
        attention = self.shares["attention"]
        free = attention * (1.0 - self.attention_residency)
        shares = {**self.shares, "attention": attention - free, "none": free}
        return replace(self, shares=shares, attention_residency=1.0)


def decode_profile(p: Params, step_s: float, weights: float, attention: float,
                   batch: float | None = None, context: float | None = None) -> DecodeProfile:
    """The step's kernels: weight GEMVs and attention in proportion to the time each reads memory
    (gpu.decode_memory_times; any measure in that proportion will do), the elementwise share as the
    spec says; with the batch and context, attention's residency from its grid (``attention_grid``,
    where the spec gives one)."""
    elementwise = float(p["gpu.decode_kernels.elementwise_share"])
    total = weights + attention
    shares = {"weights": (1 - elementwise) * weights / total, "attention": (1 - elementwise) * attention / total,
              "elementwise": elementwise}
    kernels = float(p["model.layers"]) * float(p["gpu.decode_kernels.kernels_per_layer"]) + 1
    shapes = decode_shapes(p)
    residency, waves, load, held = 1.0, 1, 0.0, 0.0
    blocks = None if batch is None or context is None else attention_blocks(p, batch, context)
    if blocks is not None:
        sms, limit = float(p["gpu.sms"]), blocks_per_sm(p, shapes["attention"])
        residency, waves = attention_residency(blocks, sms, limit), attention_waves(blocks, sms, limit)
        load, held = attention_load(blocks, sms, limit), min(1.0, blocks / sms)
    return DecodeProfile(step_s / kernels, shares, shapes, residency, waves, load, held,
                         shares["attention"] * step_s / float(p["model.layers"]),
                         float(p.get("gpu.decode_kernels.attention.issue_slots", 0.0)),
                         gemm_duration(p, step_s * shares["weights"]),
                         None if batch is None else step_grids(p, batch), float(p["gpu.sms"]))


def gemm_duration(p: Params, weights_s: float) -> float:
    """The step's weight time over its GEMMs: the layer's (``weights.per_layer``) and the LM head's;
    0 where the spec does not say how many a layer launches."""
    gemms = p.get("gpu.decode_kernels.weights.per_layer")
    return weights_s / (float(p["model.layers"]) * float(gemms) + 1.0) if gemms is not None else 0.0


def step_profile(p: Params, kv_per_token: float, batch: float, context: float,
                 times: tuple | None = None) -> DecodeProfile:
    """The decode step of this batch and mean context as its kernels, from the step's memory times
    (gpu.decode_memory_times; ``times`` where the caller has them)."""
    weights, attention = times or gpu.decode_memory_times(p, kv_per_token, batch, context)
    step = float(np.asarray(gpu.decode_step_from(p, batch, weights, attention))) - float(p["gpu.step_overhead"])
    return decode_profile(p, step, float(np.asarray(weights)), float(np.asarray(attention)), batch, context)


DECODE_KINDS = ("weights", "attention", "elementwise")


def decode_shapes(p: Params) -> dict[str, Shape]:
    """The block shapes of decode's kernels, by kind."""
    return {k: shape_at(p, f"gpu.decode_kernels.{k}") for k in DECODE_KINDS}
