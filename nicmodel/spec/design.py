"""Design spec types: a DAG of stages bound to resources, chunking and copy strategy."""

from typing import Literal

from pydantic import Field, StrictInt

from .base import Ratio, StrictModel



class Stage(StrictModel):
    """One step of the data plane, applied to every chunk."""

    kind: str
    """What the stage does: one of the scenario's data plane's kinds (workloads/dataplanes/; for
    kv-cache: network_fetch, decompress, dequantize, dma, host_copy, copy, gpu_kernel, scatter,
    deserialize)."""
    resource: str
    """Resource that executes it: a core pool (nic.arm, host.cpu), an engine (nic.decompress,
    nic.dma) or the GPU's SMs (gpu.sm)."""
    cores: StrictInt | Literal["auto"] | None = None
    """On a core pool: cores given to this stage, or 'auto' to let the model partition the pool."""
    input: str
    """Form of the data the stage reads: one of the data plane's forms (kv-cache: compressed,
    quantized, kv)."""
    output: str
    """Form of the data the stage writes."""
    reads: str
    """Where the input bytes come from: a memory (nic.memory, host.memory, gpu.memory) or network."""
    writes: str
    """Where the output bytes go: a memory."""
    crosses: list[str] = []
    """Links the output bytes cross on the way (nic.pcie, gpu.pcie)."""
    after: list[str] = []
    """Stages whose output this stage consumes (the DAG's edges)."""
    thread: str | None = None
    """Software thread that runs this stage synchronously. Stages sharing a thread form a chain
    that one thread walks for one chunk at a time (fetch, then deserialize, then copy ...): the
    thread is a resource busy for the sum of its stages' times per chunk, plus the round trips
    of a fetch it waits for. Without it a stage overlaps freely with the others."""
    traffic_per_output_byte: Ratio | None = None
    """GPU stages written as a chain of unfused elementwise operations: bytes moved through GPU
    memory per byte of output (counted from the code). The stage then costs `launches` kernel
    launches plus that traffic at the GPU's sustained memory bandwidth, instead of the GPU's
    kernel rate for its kind."""
    launches: StrictInt = Field(default=1, ge=1, le=1000)
    """Kernel launches per chunk of a GPU stage costed by `traffic_per_output_byte`."""


class ClientTransport(StrictModel):
    """How the design's own client software asks the store for chunks, where it differs from the
    network's transport (a blocking client keeps one request open; a lookup before each GET
    adds a round trip)."""

    request_window: StrictInt = Field(ge=1, le=4096)
    """GETs the client keeps outstanding per connection (1: a blocking client)."""
    round_trips_per_chunk: StrictInt = Field(default=1, ge=1, le=16)
    """Store round trips before a chunk's first byte (2: an EXISTS lookup, then the GET)."""


class Design(StrictModel):
    """How the data plane is organised. These are choices, not measurements."""

    description: str = ""
    """What this design is, for people."""
    mode: Literal["fetch", "recompute"] = "fetch"
    """fetch: the KV cache is fetched by the stages below; recompute: no data plane, the GPU
    prefills the whole prefix (vLLM without a remote prefix cache)."""
    chunk_tokens: StrictInt | Literal["naive"] = Field(...)
    """Tokens per chunk, or 'naive' to move the whole object through each stage in turn."""
    buffers_in_flight: StrictInt = Field(ge=1)
    """Chunk slots in the pipeline (each slot holds one chunk's buffers at every boundary).
    Ignored for naive designs, which hold one whole object."""
    copy_strategy: Literal["minimal-copy", "copying"] = "minimal-copy"
    """minimal-copy: pre-registered buffers reused by occupancy. copying: every stage boundary
    on a memory adds a copy, and buffers are allocated and registered per chunk."""
    copy_on: str | None = None
    """Core pool that performs copies and buffer registration in the copying strategy."""
    transport: ClientTransport | None = None
    """The client's request behaviour; without it the network's transport applies."""
    stages: dict[str, Stage]
    """Stages by name, in any order; edges come from each stage's `after`."""
