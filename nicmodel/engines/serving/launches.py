"""A data-plane kernel's launch as a co-runner, from its KernelLaunch spec (interference.py models it)."""

from __future__ import annotations

from .interference import CoRunner, Params
from .occupancy import shape_at


def kv_channels(p: Params) -> float:
    """K/V channels of the model: 2 x layers x KV heads x head dimension."""
    return 2 * float(p["model.layers"]) * float(p["model.kv_heads"]) * float(p["model.head_dim"])


def launch_base(p: Params, kind: str) -> str:
    """Where the GPU stage ``kind``'s launch shape is: its kernel's spec, or the GPU's copy kernel."""
    return f"gpu.kernels.{kind}.launch" if f"gpu.kernels.{kind}.launch.blocks" in p else "gpu.copy_kernel"


def kernel_launch(p: Params, kind: str, kv_channels: float, output_bytes: float, duration_s: float) -> CoRunner:
    """One launch of the GPU stage ``kind`` on a chunk: from its kernel spec (or the GPU's copy
    kernel for stages without one), the chunk's output bytes and the stage's time alone."""
    base = launch_base(p, kind)
    launches = float(p[f"{base}.launches_per_chunk"])
    per_launch = duration_s / launches
    hbm = float(p[f"{base}.hbm_bytes_per_output_byte"]) * output_bytes / launches
    share = hbm / per_launch / float(p["gpu.memory.peak_bandwidth"]) if per_launch > 0 else 0.0
    return launch_at(p, base, kv_channels, per_launch, min(1.0, share))


def launch_at(p: Params, base: str, kv_channels: float, duration_s: float, hbm_share: float) -> CoRunner:
    """One launch of the kernel whose KernelLaunch spec is at ``base``: its shape, blocks (per
    K/V channel where the spec says so) and access width, with this duration and HBM share."""
    blocks = float(p[f"{base}.blocks"])
    if f"{base}.blocks_per_kv_channel" in p:
        blocks = float(p[f"{base}.blocks_per_kv_channel"]) * kv_channels
    access, issue = p.get(f"{base}.access_bytes"), p.get(f"{base}.issue_share")
    return CoRunner(shape_at(p, base), blocks, duration_s, hbm_share, None if access is None else float(access),
                    float(p.get(f"{base}.graph_share", 0.0)), None if issue is None else float(issue))
