"""Workload spec types: LLM models (KV geometry), KV codecs, requests. Pure data."""

from typing import ClassVar, Literal

from .base import Component, Count, Duration, Fraction, OverheadBytes, Ratio

DTYPE_BYTES = {"fp32": 4, "fp16": 2, "bf16": 2, "fp8": 1}


class LlmModel(Component):
    """A transformer's KV-cache geometry."""

    name: str
    """Model name."""
    layers: Count
    """Transformer layers."""
    kv_heads: Count
    """Key/value heads per layer (GQA groups)."""
    head_dim: Count
    """Elements per head."""
    attention_heads: Count | None = None
    """Query heads (for reference)."""
    parameters: Count | None = None
    """Weight count, embeddings included (for serving models)."""
    hidden: Count | None = None
    """Hidden size (embedding width)."""
    vocab: Count | None = None
    """Vocabulary size; with `hidden`, the input-embedding table a decode step does not read."""
    dtype: Literal["fp32", "fp16", "bf16", "fp8"]
    """KV-cache element type in GPU memory."""
    weight_dtype: Literal["fp32", "fp16", "bf16", "fp8"] = "bf16"
    """Element type of the weights held in GPU memory (for the serving model's capacity check)."""


class BitGroup(Component):
    """A run of consecutive layers quantized at one bit width."""

    layers: Count
    """How many layers the group covers."""
    bits: Count
    """Bits per element."""


class TensorQuant(Component):
    """Quantization of one tensor (K or V): leading layer groups, then a default width."""

    leading: list[BitGroup] = []
    """Groups for the first layers, in order."""
    bits: Count
    """Bits per element for the layers after the leading groups."""


class Codec(Component):
    """How KV cache is stored: layer-grouped quantization, per-token scales, lossless coding."""

    name: str
    """Codec name."""
    algorithm: Literal["deflate", "lz4", "zstd", "arithmetic"]
    """Lossless format applied to the quantized symbols."""
    key: TensorQuant
    """Quantization of keys."""
    value: TensorQuant
    """Quantization of values."""
    scale_bytes: OverheadBytes
    """Scale stored per (layer, token) for each of K and V."""
    lossless_ratio: Ratio
    """Quantized bytes / compressed bytes achieved by the lossless format."""
    side_table_per_stream: OverheadBytes | None = None
    """Bytes stored with every chunk per coded stream (one stream per K/V, layer and channel):
    the coder's probability tables and stream lengths, independent of the chunk's tokens."""


class Serving(Component):
    """How the LLM server serves requests whose cached prefix is fetched by the design."""

    new_tokens: Count
    """Prompt tokens after the cached prefix, prefilled on the GPU (1: ShadowServe's one-token
    local prefill that produces the first output token's hidden state)."""
    output_tokens: Count
    """Tokens generated per request."""
    max_batch: Count
    """Most requests decoding at once."""
    control_plane: Literal["async", "sync"] = "async"
    """async: fetches run beside the running batch and finished requests join at the next
    iteration (ShadowServe's fetching/completion queues); sync: the engine stalls while it
    fetches a request's KV."""
    ttft_slo: Duration
    """Time-to-first-token objective (p99) for the rate search."""
    tpot_slo: Duration
    """Time-per-output-token objective (p99) for the rate search."""
    decode_priority: Literal["equal", "high"] = "equal"
    """Stream priority of the decode step against data-plane GPU kernels: equal (vLLM's default,
    one priority for every stream) or high (decode's CUDA graph captured and launched on a
    high-priority stream). High priority helps decode only at block dispatch (no preemption)."""
    gpu_memory_utilization: Fraction | None = None
    """Share of GPU memory the serving engine may use for weights, KV cache and staging (vLLM's
    gpu_memory_utilization); the rest is CUDA context, activations and fragmentation. Without it
    the whole capacity counts, which makes the capacity check a lower bound."""


class PrefixTokens(Count):
    """A prefix length: at most 10M tokens, the largest announced context window (Llama 4 Scout)."""

    maximum: ClassVar[float | None] = 10_000_000


class Request(Component):
    """One request's cached prefix."""

    prefix_tokens: PrefixTokens
    """Tokens of cached prefix whose KV is fetched (at most 10,000,000)."""


def check_codec_fits_model(codec: Codec, model: LlmModel) -> list[str]:
    """Problems with applying ``codec``'s layer groups to ``model``."""
    problems = []
    for tensor in ("key", "value"):
        covered = sum(int(g.layers.si) for g in getattr(codec, tensor).leading)
        if covered > model.layers.si:
            problems.append(
                f"codec.{tensor}.leading covers {covered} layers but {model.name} has {int(model.layers.si)}"
            )
    return problems
