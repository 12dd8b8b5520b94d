"""The data-plane units of interference_grid.py (the per-chunk GPU work of the bundled designs,
Llama-3-8B, 256-token chunks), the earlier collector's co-runners and the probe's."""

from __future__ import annotations

import math
from pathlib import Path

import torch

from gpu_common import kernel_descriptors, write_descriptors
from grid_kernels import Synthetic, calibrate, time_alone
from grid_measure import Decode, Grid, eager_batch, guarded, section_point


CHUNK_TOKENS = 256


def dataplane_point(grid: Grid, name: str, dec: Decode, prio: str, streams, side, unit, t_unit: float, k: int,
                    window_s: float, phase=None) -> None:
    """k launches of a data-plane unit every decode step (at its start, or `phase`)."""
    section_point(grid, "dataplane", name, dec, prio, streams, side, eager_batch(unit, k), t_unit, k, window_s,
                  phase=phase)


def dataplane(grid: Grid, units: dict, decodes: dict, streams, side, dl, quick: bool, phase=None) -> None:
    """Every data-plane unit at k = 1, 2, 4, 8 launches per decode step, every point, both priorities."""
    ks = [1, 4] if quick else [1, 2, 4, 8]
    window = 0.06 if quick else 0.1
    for name, unit in units.items():
        t_unit = time_alone(unit, side, 0.03)
        for dec in decodes.values():
            for prio in ("equal", "high"):
                for kk in ks:
                    if dl.left() <= 0:
                        break
                    guarded(dataplane_point, grid, name, dec, prio, streams, side, unit, t_unit, kk, window,
                            phase=phase)
    print(f"[{dl.elapsed():.0f}s] data-plane done: {len(grid.rows)} rows", flush=True)


def unit_descriptors(out: Path, units: dict, side) -> None:
    """kernels.csv of the data-plane units (last: see gpu_common.PROFILED)."""
    rows = []
    for name, unit in units.items():
        with torch.cuda.stream(side):
            rows += kernel_descriptors(unit, name)
    write_descriptors(out, rows)


def dataplane_units(ac, side) -> dict:
    """Per-chunk GPU work of the bundled designs, Llama-3-8B, 256-token chunks."""
    from gpu_decode_path import (CHANNELS, HEADS, HEAD_DIM, KEY_BINS, LAYERS, VALUE_BINS, dequantize_as_written,
                                 encoded, quantize)

    dev, units = "cuda", {}
    torch.manual_seed(0)
    key_bins = torch.tensor(KEY_BINS, device=dev, dtype=torch.float32)
    value_bins = torch.tensor(VALUE_BINS, device=dev, dtype=torch.float32)
    channel_scale = torch.rand(CHANNELS, device=dev) * 3 + 0.1
    t = CHUNK_TOKENS
    k = (torch.randn(LAYERS, t, CHANNELS, device=dev) * channel_scale).to(torch.bfloat16)
    v = (torch.randn(LAYERS, t, CHANNELS, device=dev) * channel_scale).to(torch.bfloat16)
    qk, sk = quantize(k.float(), key_bins)
    qv, _ = quantize(v.float(), value_bins)
    symbols = torch.cat([qk, qv]).contiguous()
    symbols_u8 = symbols.view(torch.uint8)
    units["dequantize_as_written"] = lambda: dequantize_as_written(symbols_u8, key_bins, sk)
    # paged KV (vLLM layout per layer: [2, blocks, 16, kv_heads, head_dim]); one copy kernel per layer
    blocks = 4096
    paged = [torch.zeros(2, blocks * 16, HEADS, HEAD_DIM, dtype=torch.bfloat16, device=dev) for _ in range(LAYERS)]
    slots = (torch.randperm(blocks, device=dev)[: t // 16, None] * 16 + torch.arange(16, device=dev)).flatten()
    chunk = torch.randn(LAYERS, 2, t, HEADS, HEAD_DIM, device=dev).to(torch.bfloat16)

    def scatter():
        for layer in range(LAYERS):
            paged[layer].index_copy_(1, slots, chunk[layer])
    scatter.layers = [lambda layer=layer: paged[layer].index_copy_(1, slots, chunk[layer]) for layer in range(LAYERS)]
    units["paged_scatter"] = scatter
    eight = [torch.randn(LAYERS, 2, t, HEADS, HEAD_DIM, device=dev).to(torch.bfloat16) for _ in range(8)]
    units["cat_8_chunks"] = lambda: torch.cat(eight, dim=2)
    for name, nbytes in (("h2d_compressed_chunk", 10_000_000), ("h2d_raw_chunk", t * 128 * 1024)):
        host = torch.ones(nbytes, dtype=torch.uint8).pin_memory()
        devbuf = torch.empty(nbytes, dtype=torch.uint8, device=dev)
        units[name] = (lambda d=devbuf, h=host: d.copy_(h, non_blocking=True))
    if ac is not None:
        cdf, stream, prefsum, _ = encoded(ac, qk, qv, symbols, dev)
        target = torch.zeros((2 * LAYERS, t, CHANNELS), dtype=torch.uint8, device=dev)
        units["ac_decode"] = lambda: ac.decode_fast_prefsum(cdf, stream, prefsum, target)

        def lmcache_chunk():
            ac.decode_fast_prefsum(cdf, stream, prefsum, target)
            dequantize_as_written(target, key_bins, sk)
            scatter()
        units["lmcache_chunk"] = lmcache_chunk
    torch.cuda.synchronize()
    return units


def legacy_units() -> dict:
    """The earlier collector's co-runners (h100_measure.py), for the second GPU's points. Full size
    even with --quick: make_interference_traces.py describes them at this size."""
    n = 256 << 20
    q = torch.randint(-127, 127, (n,), device="cuda", dtype=torch.int8)
    scale = torch.rand(n // 128, 1, device="cuda", dtype=torch.bfloat16)
    out = torch.empty(n // 128, 128, device="cuda", dtype=torch.bfloat16)
    units = {"legacy_dequant_memory_bound": lambda: torch.mul(q.view(-1, 128).to(torch.bfloat16), scale, out=out)}
    host = torch.ones(n, dtype=torch.uint8).pin_memory()
    dev = torch.empty(n, dtype=torch.uint8, device="cuda")
    units["legacy_h2d_dma"] = lambda: dev.copy_(host, non_blocking=True)
    try:
        import triton
        import triton.language as tl

        @triton.jit
        def spin(x_ptr, n_elem, rounds, BLOCK: tl.constexpr):
            pid = tl.program_id(0)
            offs = pid * BLOCK + tl.arange(0, BLOCK)
            mask = offs < n_elem
            x = tl.load(x_ptr + offs, mask=mask)
            for _ in range(rounds):
                x = x * 1103515245 + 12345
                x = x ^ (x >> 13)
            tl.store(x_ptr + offs, x, mask=mask)

        words = torch.randint(0, 1 << 30, (1 << 22,), device="cuda", dtype=torch.int32)
        units["legacy_integer_compute_bound"] = lambda: spin[(triton.cdiv(words.numel(), 1024),)](
            words, words.numel(), 2000, BLOCK=1024)
    except Exception as exc:  # noqa: BLE001 - the rest still runs
        print(f"triton co-runner skipped: {exc}", flush=True)
    return units


PROBE_CHUNK = (32, 2, 256, 8, 128)  # one 256-token Llama-3-8B chunk of K and V (bf16): one of torch.cat's copies


PROBE_KS = [1, 2, 4, 8]


def probe_units(syn: "Synthetic", stream: torch.cuda.Stream) -> dict:
    """One-kernel probe units launching on ``stream``: name -> launch (see the module docstring)."""
    cp = syn.cp
    cs = cp.cuda.ExternalStream(stream.cuda_stream)
    n = math.prod(PROBE_CHUNK)
    chunk = torch.randn(PROBE_CHUNK, device="cuda").to(torch.bfloat16)
    wide = torch.empty(PROBE_CHUNK[:2] + (8 * PROBE_CHUNK[2],) + PROBE_CHUNK[3:], dtype=torch.bfloat16, device="cuda")
    flat = chunk.flatten()
    dst = torch.empty_like(flat)
    c_src, c_dst = cp.asarray(flat.view(torch.int16)), cp.asarray(dst.view(torch.int16))
    copy2, copy16 = syn.module.get_function("copy2_body"), syn.module.get_function("copy16_body")

    def on(fn):
        def launch():
            with torch.cuda.stream(stream):
                fn()
        return launch

    def raw(kern, grid, args):
        def launch():
            with cs:
                kern((grid,), (128,), args)
        return launch

    units = {
        "torch_copy_strided": on(lambda: wide[:, :, : PROBE_CHUNK[2]].copy_(chunk)),
        "torch_copy_contig": on(lambda: dst.copy_(flat)),
        "cupy_copy2": raw(copy2, n // 512, (c_src, c_dst, cp.int64(n))),
        "cupy_copy16": raw(copy16, n * 2 // 16 // 128, (c_src, c_dst, cp.int64(n * 2 // 16))),
    }
    target = time_alone(units["torch_copy_strided"], stream, 0.02)
    iters, _ = calibrate(syn, "alu", 32768, 128, 0, target, stream)
    units["cupy_alu"] = syn.launcher("alu", 32768, 128, 0, iters, stream)
    return units
