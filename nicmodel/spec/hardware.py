"""Hardware spec types: SmartNICs, PCIe links, GPUs, host CPUs, network links. Pure data."""

from typing import Literal

from pydantic import model_validator

from .fabric import OpticalFabric
from .gemm_grids import GemmGrids
from .gpu_demand import DecodeKernels, Interference, KernelLaunch, SmLimits
from .base import (
    Bandwidth,
    Bytes,
    Component,
    CoreCount,
    Count,
    CyclesPerByte,
    Duration,
    FlopRate,
    Fraction,
    Frequency,
    OverheadBytes,
    Money,
    MoneyRate,
    OverheadRatio,
    TransferRate,
)

Algorithm = Literal["deflate", "lz4", "zstd", "arithmetic"]


class CoreCost(Component):
    """What one operation costs on a general-purpose core."""

    cycles_per_byte: CyclesPerByte
    """Core cycles per byte of the operation's output."""
    per_chunk: Duration
    """Fixed time per chunk (request setup, bookkeeping, completion handling)."""
    algorithms: list[Algorithm] = []
    """For software decompression: the lossless formats this cost applies to."""


class CorePool(Component):
    """A pool of general-purpose cores (the NIC's Arm complex or the host CPU)."""

    core_type: str
    """Core microarchitecture, for people (e.g. Cortex-A78)."""
    cores: CoreCount
    """Cores available to data-plane stages."""
    clock: Frequency
    """Sustained core clock."""
    costs: dict[str, CoreCost] = {}
    """Per stage kind (network_fetch, dequantize, copy, decompress, host_copy): its cost here."""


class Engine(Component):
    """A fixed-function engine (decompression, DMA, GPU copy engine)."""

    runs: list[str]
    """Stage kinds this engine can execute (of the scenario's data plane, e.g. decompress, dma)."""
    algorithms: list[Algorithm] = []
    """Lossless formats a decompression engine accepts."""
    bandwidth: Bandwidth
    """Aggregate throughput over all channels, in output bytes."""
    per_job: Duration
    """Fixed cost per job (descriptor setup, doorbell, completion polling)."""
    channels: Count
    """Jobs in flight at once; fixed per-job costs overlap across channels."""


class Memory(Component):
    """A DRAM or HBM memory: capacity and the bandwidth all its users share."""

    technology: str
    """E.g. 'DDR5-5600, 128-bit'."""
    capacity: Bytes
    """Installed capacity."""
    reserved: Bytes | None = None
    """Capacity not available to data-plane buffers (OS, firmware, runtime)."""
    peak_bandwidth: Bandwidth
    """Theoretical peak (transfer rate x bus width)."""
    sustained_bandwidth: Bandwidth
    """Reads plus writes that concurrent users sustain together (contention included)."""
    registration_per_buffer: Duration | None = None
    """Fixed cost to allocate and register one buffer for DMA (copying strategy)."""
    pinning_rate: Bandwidth | None = None
    """Bytes per second of pages pinned when a buffer is registered (copying strategy)."""

    @model_validator(mode="after")
    def _sustained_below_peak(self) -> "Memory":
        if self.sustained_bandwidth.si > self.peak_bandwidth.si * (1 + 1e-9):
            raise ValueError("sustained_bandwidth exceeds peak_bandwidth")
        if self.reserved is not None and self.reserved.si >= self.capacity.si:
            raise ValueError("reserved must be below capacity")
        return self


class PcieLink(Component):
    """One PCIe link, per direction; payload bandwidth follows from TLP efficiency."""

    name: str
    """E.g. 'PCIe Gen5 x16'."""
    transfer_rate: TransferRate
    """Per-lane signalling rate (8 / 16 / 32 GT/s for Gen3 / 4 / 5)."""
    lanes: Count
    """Link width."""
    encoding_efficiency: Fraction
    """Line-code efficiency (128b/130b = 0.9846)."""
    max_payload: Bytes
    """Max payload size (MPS) of a write TLP."""
    tlp_overhead: OverheadBytes
    """Per-TLP framing, sequence number, header and LCRC bytes."""


class SmartNic(Component):
    """A SmartNIC / DPU: Arm cores, on-board memory, engines, ports and host link."""

    name: str
    """Product name."""
    arm: CorePool
    """The Arm complex."""
    memory: Memory
    """On-board DRAM shared by all stages and engines."""
    engines: dict[str, Engine]
    """Fixed-function engines by name; addressed as nic.<name>."""
    ports: Count
    """Network ports."""
    port_rate: Bandwidth
    """Line rate per port."""
    pcie: PcieLink
    """Host-side PCIe link."""
    price: Money | None = None
    """Purchase price of one card, e.g. '2500 USD'."""
    amortization: Duration | None = None
    """Time the purchase is spread over (e.g. '26280 h', three years): its hourly cost is price
    over amortization."""


class GpuKernel(Component):
    """A data-plane kernel on the GPU (decompression, dequantization) given the whole GPU."""

    output_rate: Bandwidth
    """Output bytes per second with the GPU to itself."""
    per_chunk: Duration
    """Fixed time per chunk (launches, synchronization)."""
    algorithms: list[Algorithm] = []
    """For decompression: the lossless formats it decodes."""
    launch: KernelLaunch | None = None
    """What its launches demand of the GPU (for interference with decode)."""


class Gpu(Component):
    """A GPU: memory, compute, and its PCIe link."""

    name: str
    """Product name."""
    memory: Memory
    """HBM or GDDR memory; streaming kernels move bytes at its sustained bandwidth."""
    kernel_launch: Duration
    """Fixed cost per kernel launch."""
    bf16_dense: FlopRate
    """Dense BF16 tensor rate."""
    sms: Count
    """Streaming multiprocessors."""
    pcie: PcieLink
    """Host-side PCIe link."""
    copy_engine: Engine | None = None
    """Host<->device copy engines (cudaMemcpyAsync of pinned memory): per-copy cost and bandwidth."""
    kernels: dict[str, GpuKernel] = {}
    """Data-plane kernels by stage kind (decompress, dequantize); other GPU stages (scatter) are
    memory-bound copies at the sustained memory bandwidth."""
    copy_kernel: KernelLaunch | None = None
    """The launch shape of GPU stages with no kernel of their own (the scatter into paged KV)."""
    sm_limits: SmLimits | None = None
    """Per-SM capacities (threads, registers, shared memory, blocks)."""
    l2_cache: Bytes | None = None
    """L2 cache capacity. A co-runner whose footprint fits is served from it alone and loses it
    beside decode's streaming (interference.l2_loss); without it, that term is off."""
    decode_kernels: DecodeKernels | None = None
    """The kernels of a decode step (for interference)."""
    decode_gemm_grids: list[GemmGrids] = []
    """Decode's weight-GEMM grids per model and batch, as measured on this GPU (at most one entry per
    model and batch); where a scenario's model and batch have none, the interference model treats
    every GEMM as holding every SM."""
    decode_efficiency: Fraction | None = None
    """Share of peak memory bandwidth a decode step achieves reading weights and KV cache."""
    step_overhead: Duration | None = None
    """Fixed time per decode step (graph launch, synchronization, sampling)."""
    prefill_efficiency: Fraction | None = None
    """Share of dense bf16 rate a prefill (prompt processing) achieves."""
    interference: Interference | None = None
    """How data-plane kernels and DMA writes slow decode, and are slowed by it."""
    hourly_price: MoneyRate | None = None
    """What one of these GPUs costs per hour (a cloud rate per GPU, host included), e.g.
    '1.861 USD/h'; with it, serving answers carry cost metrics."""

    @model_validator(mode="after")
    def _one_grid_entry_each(self) -> "Gpu":
        seen = set()
        for i, g in enumerate(self.decode_gemm_grids):
            if (g.model, g.batch) in seen:
                raise ValueError(f"decode_gemm_grids.{i}: a second entry for {g.model} at batch {g.batch}")
            seen.add((g.model, g.batch))
        return self

    @model_validator(mode="after")
    def _model_error_classes(self) -> "Gpu":
        errors = self.interference.model_error if self.interference else {}
        known = [*self.kernels, "copy", "dma"]
        for name, e in errors.items():
            if name not in known:
                raise ValueError(f"interference.model_error.{name}: not a kernel class of this GPU "
                                 f"(expected one of: {', '.join(known)})")
            if (e.stretch is None) != (name == "dma"):
                raise ValueError(f"interference.model_error.{name}.stretch: "
                                 + ("DMA writes have no kernel to stretch; leave it out" if name == "dma"
                                    else "required for a kernel class"))
        return self


class HostCpu(Component):
    """The server's host CPU and memory."""

    name: str
    """Product name."""
    engine_contention: OverheadRatio | None = None
    """Relative slowdown of the serving engine's per-step CPU work when every other core is busy
    (scaled by the share of cores busy)."""
    cpu: CorePool
    """Cores and per-operation costs."""
    memory: Memory
    """Host DRAM."""


class Transport(Component):
    """How the fetch stage asks the store for data: one GET per chunk, pipelined up to a window.

    Each chunk is a separate request; its first byte arrives one round trip plus the store's
    service time after it is issued, and a connection keeps at most `request_window` requests
    outstanding. Small chunks therefore pay a request each, and a small window caps a
    connection at window x chunk / (round trip + service + transfer)."""

    request_window: Count
    """GETs a connection keeps outstanding (issued and not fully received)."""
    per_request: Duration
    """Store-side time from receiving a GET to sending its first byte (lookup, read issue)."""


class NetworkLink(Component):
    """The network path from the KV-cache store to the server."""

    name: str
    """Description."""
    bandwidth: Bandwidth
    """Line rate available to this server (after any shaping)."""
    rtt: Duration
    """Round-trip time to the store (paid once per request)."""
    protocol: Literal["tcp", "rdma"] = "tcp"
    """Transport used by the fetch stage."""
    efficiency: dict[Literal["tcp", "rdma"], Fraction]
    """Goodput share of line rate per protocol (headers, framing, ACKs)."""
    transport: Transport | None = None
    """Per-chunk requests to the store (a GET per chunk, a window of outstanding GETs). Without
    it, a request is one stream after one round trip and chunks cost the network nothing extra."""
    fabric: OpticalFabric | None = None
    """An optical fabric between the store's ToR and the server's ToR (e.g. `fabric: optical-108`);
    `bandwidth` is then the server's link to its ToR, and the fabric adds its pair bandwidth,
    circuit waits and hops."""
    source_tor: int | None = None
    """With a fabric: the ToR of the KV-cache store."""
    dest_tor: int | None = None
    """With a fabric: the ToR of the inference server."""

    @model_validator(mode="after")
    def _protocol_known(self) -> "NetworkLink":
        if self.protocol not in self.efficiency:
            raise ValueError(f"no efficiency given for protocol {self.protocol!r}")
        if self.fabric is not None:
            n = int(self.fabric.tors.si)
            for name in ("source_tor", "dest_tor"):
                value = getattr(self, name)
                if value is None or not 0 <= value < n:
                    raise ValueError(f"{name} must be a ToR index in 0..{n - 1} when a fabric is given")
            if self.source_tor == self.dest_tor:
                raise ValueError("source_tor and dest_tor are the same ToR: no fabric in the path")
        elif self.source_tor is not None or self.dest_tor is not None:
            raise ValueError("source_tor / dest_tor need a fabric")
        return self
