"""Trace metrics of GPU interference: decode beside co-running kernels, and the co-runners beside
decode, predicted from what the co-runners demand (engines/serving/interference.py).

A row's argument names the measured situation, comma-separated:
  family=NAME              the group the error is reported in (e.g. synthetic-memory, cachegen-decoder)
  batch=B, context=L       the decode step (the model is the scenario's)
  priority=equal|high      decode's stream priority
  busy=S                   share of the decode window the co-runner's stream was busy, beside
                           decode (its kernels fill it, each kind for its time beside decode:
                           decode_ratio)
  kernel=K1+K2+...         what one unit of the co-runner launches, each one of:
                             decompress, dequantize   the GPU spec's kernel (its launch shape)
                             copy                     the GPU spec's copy kernel (elementwise shape)
                             shape                    given here: threads=, regs=, smem=, blocks=,
                                                      and width= (bytes per thread per load or
                                                      store, if it streams memory) and footprint=
                                                      (the bytes one launch touches, the same every
                                                      launch: whether it can keep them in L2)
                             dma                      copy-engine writes into HBM at rate=
  duration=D1+D2+...       each kernel kind's GPU time per unit, alone
  launches=N1+N2+...       each kind's launches per unit (default 1)
  blocks=G1+G2+...         for the spec's kernels (decompress, dequantize, copy): each kind's measured grid per
                           launch, in place of the spec's (which follows the scenario's model: a unit measured
                           for another model's chunk, as the data-plane units beside other decode shapes, says
                           its own); for shape, the one grid
  bytes=B1+B2+...          each kind's HBM bytes per unit (default 0)
  unit_time=T              the unit's time alone, launch gaps included (default: the durations' sum;
                           the gaps do not appear beside decode: corunner_ratio)
  burst=N                  units enqueued back to back (default 1; inf: a queue that never drains):
                           recorded and checked; the model does not use it (launches of one
                           stream never overlap: docs/serving.md, The spill per launch)
  launch=stream|graph      how the unit's launches were issued: one by one through a stream
                           (default) or replayed from a CUDA graph
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np

from ..engines.analytical import bytes_per_token
from ..engines.serving import interference as model
from ..engines.serving.launches import launch_at
from ..errors import SpecError
from ..units import UnitError, parse_quantity

KINDS = ("decompress", "dequantize", "copy", "shape", "dma")
KEYS = {"family", "batch", "context", "priority", "busy", "kernel", "duration", "launches", "bytes", "unit_time",
        "threads", "regs", "smem", "blocks", "width", "footprint", "rate", "burst", "launch"}


def _args(argument: str | None) -> dict[str, str]:
    try:
        items = dict(part.split("=", 1) for part in (argument or "").split(","))
    except ValueError:
        raise SpecError(f"argument: expected key=value pairs, got {argument!r}", "metric") from None
    unknown = sorted(set(items) - KEYS)
    if unknown:
        raise SpecError(f"argument: unknown key {unknown[0]}= (expected {', '.join(sorted(KEYS))})", "metric")
    for need in ("batch", "context", "priority", "busy", "kernel", "duration"):
        if need not in items:
            raise SpecError(f"argument: missing {need}= (see nicmodel validate --list-metrics)", "metric")
    if items["priority"] not in ("equal", "high"):
        raise SpecError(f"argument: priority must be equal or high, got {items['priority']!r}", "metric")
    return items


def _quantities(text: str | None, n: int, dimension: str, default: float) -> list[float]:
    if text is None:
        return [default] * n
    parts = text.split("+")
    if len(parts) != n:
        raise SpecError(f"argument: {text!r} has {len(parts)} values for {n} kernels", "metric")
    try:
        return [parse_quantity(x, dimension) if dimension else float(x) for x in parts]
    except (UnitError, ValueError) as exc:
        raise SpecError(f"argument: {exc}", "metric") from None


def profile(p: dict[str, Any], kv_per_token: float, batch: float, context: float) -> model.DecodeProfile:
    """The decode step of the scenario's model at this batch and context, as its kernels."""
    return model.step_profile(p, kv_per_token, batch, context)


def _corunners(p: dict[str, Any], a: dict[str, str]) -> list[tuple[str, model.CoRunner | float, float]]:
    """(kind, co-runner or DMA rate, share of the unit's time) for each kernel kind of the unit."""
    kinds = a["kernel"].split("+")
    if not all(k in KINDS for k in kinds):
        raise SpecError(f"argument: kernel must be one of {', '.join(KINDS)}, got {a['kernel']!r}", "metric")
    durations = _quantities(a.get("duration"), len(kinds), "time", 0.0)
    launches = _quantities(a.get("launches"), len(kinds), "", 1.0)
    moved = _quantities(a.get("bytes"), len(kinds), "bytes", 0.0)
    unit_time = parse_quantity(a["unit_time"], "time") if "unit_time" in a else sum(durations)
    _burst(a.get("burst"))  # checked, not used: launches of one stream never overlap
    graph = _launch(a.get("launch"))
    grids = _quantities(a.get("blocks"), len(kinds), "", 0.0) if "shape" not in kinds else [0.0] * len(kinds)
    kv_channels = 2 * float(p["model.layers"]) * float(p["model.kv_heads"]) * float(p["model.head_dim"])
    peak = float(p["gpu.memory.peak_bandwidth"])
    out = []
    for kind, duration, n, hbm, grid in zip(kinds, durations, launches, moved, grids):
        share = min(1.0, duration / unit_time)
        if kind == "dma":
            out.append(("dma", parse_quantity(a["rate"], "bandwidth"), share))
            continue
        per_launch = duration / n
        hbm_share = min(1.0, hbm / n / per_launch / peak)
        if kind == "shape":
            c = _shape(a, per_launch, hbm_share)
        else:
            base = "gpu.copy_kernel" if kind == "copy" else f"gpu.kernels.{kind}.launch"
            if f"{base}.blocks" not in p:
                raise SpecError(f"the GPU spec has no launch shape at {base}", "metric")
            c = launch_at(p, base, kv_channels, per_launch, hbm_share)
            if "blocks" in a:
                if not 0 < grid < math.inf:  # nan and inf included
                    raise SpecError(f"argument: blocks= must be a finite number above 0, got {a['blocks']!r}", "metric")
                c = replace(c, blocks=grid)
        out.append((kind, replace(c, graph_share=graph), share))
    return out


def _launch(text: str | None) -> float:
    """1.0 for a unit replayed from a CUDA graph, 0.0 for one issued launch by launch (the row
    says how it was measured; the GPU spec's graph_share describes the design, not the row)."""
    if text not in (None, "stream", "graph"):
        raise SpecError(f"argument: launch must be stream or graph, got {text!r}", "metric")
    return 1.0 if text == "graph" else 0.0


def _burst(text: str | None) -> float:
    if text is None:
        return 1.0
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value >= 1:  # nan included
        raise SpecError(f"argument: burst must be a number >= 1 or inf, got {text!r}", "metric")
    return value


def _shape(a: dict[str, str], per_launch: float, hbm_share: float) -> model.CoRunner:
    """A co-runner given by its launch shape in the argument (threads=, regs=, smem=, blocks=, width=)."""
    missing = [k for k in ("threads", "regs", "smem", "blocks") if k not in a]
    if missing:
        raise SpecError(f"argument: kernel=shape needs {missing[0]}=", "metric")
    try:
        shape = (int(a["threads"]), int(a["regs"]), int(parse_quantity(a["smem"], "bytes")) if a["smem"] != "0" else 0)
        width = parse_quantity(a["width"], "bytes") if "width" in a else None
        footprint = parse_quantity(a["footprint"], "bytes") if "footprint" in a else None
        return model.CoRunner(shape, float(a["blocks"]), per_launch, hbm_share, width, footprint_bytes=footprint)
    except (UnitError, ValueError) as exc:
        raise SpecError(f"argument: {exc}", "metric") from None


def decode_ratio(ctx, argument: str | None) -> float:
    """Decode step beside the co-runner, over alone. The measured busy share is the co-runner
    stream's, beside decode; its kernels fill it (a unit's launch gaps alone do not appear beside
    decode: corunner_ratio), each kind for its time beside decode, d_k (1 + g_k) of the unit's
    sum over kinds, as the serving engines charge decode for each kind's stretched kernel time.
    DMA writes keep their share of the unit's time alone (their loss follows their rate)."""
    a = _args(argument)
    p = ctx.params
    kv = float(np.asarray(bytes_per_token(ctx.plan, p)["kv"]))
    prof = profile(p, kv, float(a["batch"]), float(a["context"]))
    busy = float(a["busy"])
    runners = _corunners(p, a)
    couplings = {i: model.couple(p, c, a["priority"], prof.shapes)
                 for i, (kind, c, _) in enumerate(runners) if kind != "dma"}
    grown = {i: cp.slowdown(prof) for i, cp in couplings.items()}
    beside = {i: runners[i][2] * (1.0 + grown[i]) for i in couplings}
    total = sum(beside.values()) or 1.0
    losses = [busy * share * model.dma_sigma(p, c) if kind == "dma"
              else busy * beside[i] / total * couplings[i].charged(prof, grown[i]) * couplings[i].sigma(prof)
              for i, (kind, c, share) in enumerate(runners)]
    return model.decode_ratio(losses)


def decode_loss_per_busy(ctx, argument: str | None) -> float:
    """Decode's loss share per unit of the co-runner's busy share, (1 - 1 / decode_time_ratio) / busy:
    sigma, what the serving engines scale by a kernel's busy share. Read this way a miss at a busy share
    near 1 is not amplified by the ratio's 1 / (1 - sigma x busy) (docs/serving.md, Decode's side near
    saturation)."""
    busy = float(_args(argument).get("busy", 0.0))
    if busy <= 0:
        raise SpecError(f"argument: decode_loss_per_busy needs busy= above 0 (got {argument!r})", "metric")
    return (1.0 - 1.0 / decode_ratio(ctx, argument)) / busy


def corunner_ratio(ctx, argument: str | None) -> float:
    """The co-runner's time per unit beside decode, over alone. Its kernels' time alone, each grown
    by its slowdown; the unit's launch gaps alone (unit_time beyond the kernels' time: launches
    issued from Python slower than the GPU runs them) do not appear beside decode, because the
    launches queue while the stream waits its turn (validation/traces/h200/paced_random/: the same
    time per launch beside decode with the host issuing them 0, 20 or 60 us apart)."""
    a = _args(argument)
    p = ctx.params
    kv = float(np.asarray(bytes_per_token(ctx.plan, p)["kv"]))
    prof = profile(p, kv, float(a["batch"]), float(a["context"]))
    return sum(share * (1.0 + model.corunner_slowdown(p, prof, c, a["priority"]))
               for kind, c, share in _corunners(p, a) if kind != "dma")


def family(argument: str | None) -> str | None:
    """The family a row's error is reported in."""
    for part in (argument or "").split(","):
        if part.startswith("family="):
            return part.split("=", 1)[1]
    return None
