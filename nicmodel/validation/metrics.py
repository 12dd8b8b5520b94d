"""Metrics a trace can measure and the model predicts, with fixed definitions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ..engines.analytical import Demand, Evaluation, bytes_per_token, capacities, evaluate, pcie_payload_bandwidth
from ..engines.plan import Params, Plan
from ..errors import SpecError
from ..engines.serving.gpu import decode_step_time, host_step_slowdown
from ..units import UnitError, parse_quantity
from . import interference


@dataclass
class Context:
    """A compiled design point; metrics read its parameters and evaluation."""

    plan: Plan
    params: Params
    _evaluation: Evaluation | None = field(default=None, repr=False)

    @property
    def ev(self) -> Evaluation:
        if self._evaluation is None:
            self._evaluation = evaluate(self.plan, self.params)
        return self._evaluation


@dataclass(frozen=True)
class Metric:
    name: str
    dimension: str
    description: str
    fn: Callable[[Context, str | None], float]
    argument: str | None = None  # what the argument column must hold, if anything
    # a time beside something over the same time alone: validate also reports how much of the
    # measured excess (value - 1) the model charges, which a ratio near 1 hides
    slowdown: bool = False


def _f(x: Any) -> float:
    return float(np.asarray(x).reshape(()))


def _need(p: Params, key: str) -> float:
    if key not in p:
        raise SpecError(f"the scenario has no {key}; this metric needs it", "metric")
    return float(p[key])


def _copy_bandwidth(ctx: Context, argument: str | None) -> float:
    """Back-to-back pinned host->device copies of one size: size / (per copy + size / bandwidth),
    the bandwidth being the lower of the copy engine and the GPU's PCIe payload rate."""
    try:
        size = parse_quantity(argument, "bytes")
    except UnitError as exc:
        raise SpecError(f"argument: {exc}", "metric") from None
    p = ctx.params
    bandwidth = min(_need(p, "gpu.copy_engine.bandwidth"), _f(pcie_payload_bandwidth(p, "gpu.pcie")))
    return size / (_need(p, "gpu.copy_engine.per_job") + size / bandwidth)


def _nic_dma_bandwidth(ctx: Context, argument: str | None) -> float:
    """Back-to-back DMA requests of one size from NIC memory across the NIC's PCIe link, every
    channel busy: the engine's occupancy per request (the same accounting as a dma stage:
    engines.analytical.Demand), capped by the NIC's PCIe payload rate."""
    try:
        size = parse_quantity(argument, "bytes")
    except UnitError as exc:
        raise SpecError(f"argument: {exc}", "metric") from None
    p = ctx.params
    job = Demand(_need(p, "nic.engines.dma.per_job"), 0.0, _need(p, "nic.engines.dma.channels"), size, {})
    engine = size / _f(job.exec_busy(_need(p, "nic.engines.dma.bandwidth")))
    return min(engine, _f(pcie_payload_bandwidth(p, "nic.pcie")))


def _decode_args(argument: str | None) -> tuple[float, float]:
    try:
        items = dict(part.split("=") for part in (argument or "").split(","))
        return float(items["batch"]), float(items["context"])
    except (KeyError, ValueError):
        raise SpecError(f"argument: expected batch=B,context=L, got {argument!r}", "metric") from None


def _decode(ctx: Context, argument: str | None) -> float:
    batch, context = _decode_args(argument)
    for key in ("gpu.decode_efficiency", "gpu.step_overhead", "model.parameters"):
        _need(ctx.params, key)
    kv = _f(bytes_per_token(ctx.plan, ctx.params)["kv"])
    return _f(decode_step_time(ctx.params, kv, batch, context))


def _args(argument: str | None, names: tuple[str, ...]) -> dict[str, str]:
    try:
        items = dict(part.split("=", 1) for part in (argument or "").split(","))
    except ValueError:
        items = {}
    if not all(n in items for n in names):
        raise SpecError(f"argument: expected {','.join(n + '=...' for n in names)}, got {argument!r}", "metric")
    return items


def _host(ctx: Context, argument: str | None) -> float:
    args = _args(argument, ("busy", "cpus"))
    return host_step_slowdown(ctx.params, float(args["busy"]) / float(args["cpus"]))


def _stage_alone(ctx: Context, argument: str | None) -> float:
    if argument not in ctx.ev.stage_alone_bytes_per_s:
        raise SpecError(f"argument: no stage {argument!r}; stages: {', '.join(ctx.ev.stage_alone_bytes_per_s)}", "metric")
    return _f(ctx.ev.stage_alone_bytes_per_s[argument])


def _pcie(ctx: Context, argument: str | None) -> float:
    key = f"{argument}.max_payload"
    if key not in ctx.params:
        raise SpecError(f"argument: {argument!r} is not a PCIe link of this scenario (e.g. nic.pcie, gpu.pcie)", "metric")
    return _f(pcie_payload_bandwidth(ctx.params, argument))


METRICS: dict[str, Metric] = {m.name: m for m in [
    Metric("throughput", "bandwidth", "steady-state compressed bytes/s arriving from the network",
           lambda c, a: _f(c.ev.network_bytes_per_s)),
    Metric("kv_throughput", "bandwidth", "steady-state KV bytes/s delivered into GPU memory",
           lambda c, a: _f(c.ev.kv_bytes_per_s)),
    Metric("fetch_latency", "time", "one request's fetch latency, alone", lambda c, a: _f(c.ev.latency_s)),
    Metric("nic_memory_peak", "bytes", "NIC memory held by in-flight buffers",
           lambda c, a: _f(c.ev.footprint.get("nic.memory", 0.0))),
    Metric("network_goodput", "bandwidth", "transport goodput the fetch network carries: min(link, NIC ports) "
           "x protocol efficiency", lambda c, a: _f(capacities(c.plan, c.params)["network"])),
    Metric("stage_alone", "bandwidth", "output bytes/s of one stage running alone", _stage_alone, "a stage name"),
    Metric("pcie_payload_bandwidth", "bandwidth", "payload bytes/s of a PCIe link, one direction", _pcie,
           "a link path, e.g. nic.pcie"),
    Metric("kv_bytes_per_token", "bytes", "KV-cache bytes per token of the model",
           lambda c, a: _f(bytes_per_token(c.plan, c.params)["kv"])),
    Metric("h2d_copy_bandwidth", "bandwidth", "back-to-back pinned host-to-device copies of one size",
           _copy_bandwidth, "a transfer size, e.g. 4 MiB"),
    Metric("nic_dma_bandwidth", "bandwidth", "back-to-back DMA requests of one size from NIC memory to host or "
           "GPU memory, all DMA channels busy", _nic_dma_bandwidth, "a request size, e.g. 4 KiB"),
    Metric("decode_step_time", "time", "decode step time of the model on the GPU", _decode,
           "batch=B,context=L"),
    Metric("decode_time_ratio", "dimensionless", "decode step time beside co-running GPU work, over decode "
           "alone (nicmodel/validation/interference.py)", interference.decode_ratio,
           "family=,batch=,context=,priority=,busy=,kernel=,duration=[,launches=,bytes=,unit_time=,...]",
           slowdown=True),
    Metric("decode_loss_per_busy", "dimensionless", "decode's loss share (1 - alone / beside) per unit of the "
           "co-runner's busy share: sigma, unamplified near saturation", interference.decode_loss_per_busy,
           "as decode_time_ratio (busy= above 0)"),
    Metric("corunner_time_ratio", "dimensionless", "co-runner time per unit beside decode, over alone",
           interference.corunner_ratio, "as decode_time_ratio", slowdown=True),
    Metric("engine_step_ratio", "dimensionless", "the engine's eager (launch-bound) decode step time with host "
           "cores busy, over idle", lambda c, a: 1.0 + _host(c, a), "busy=N,cpus=M"),
]}
