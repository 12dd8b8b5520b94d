"""The GPU-decode baseline's retrieval path, measured on an H100 as LMCache builds it.

What LMCache (github.com/LMCache/LMCache @54641ca, docs/sources/lmcache.md) does per chunk on
retrieval, reproduced step by step on a synthetic Llama-3-8B-shaped chunk:
  1. pickle.loads of a CacheGenGPUEncoderOutput whose tensors were CUDA tensors when pickled:
     the payload is copied into new host tensors and then to the GPU by pageable copies;
  2. torchac_cuda.decode_fast_prefsum (CacheGen's GPU arithmetic decoder, one thread per
     layer and channel, one kernel per 256-token block);
  3. the dequantization as written in cachegen_decoder.py (uint8 -> float, three elementwise
     passes, stack, permute, cast to bf16).
The encoder side is a re-implementation of encode_function's steps (quantize per layer with
LMCache's bins, CDF per layer and channel, encode_fast_new) to produce a valid bytestream.
The data is synthetic (Gaussian, per-channel scales), so the compressed size is not a claim
about real KV; the decoder's time per symbol and the side tables' sizes do not depend on it.

torchac_cuda is CacheGen's public GPU arithmetic coder (UChi-JCL/CacheGen @6bed34c,
LMCache/third_party/torchac_cuda). It is not part of this repository and nothing here builds
it: the run imports a copy built from that source on the device machine, found through the
environment variable TORCHAC_PATH (a folder holding the built extension). Without it the
decoder rows are skipped and the rest is still measured.

Writes gpu_decode_path.csv (step, tokens, repeat, seconds, bytes) and build.txt into the
folder given as the first argument.
Run on the device machine:  python validation/collect/gpu_decode_path.py $OUT
"""

from __future__ import annotations

import csv
import os
import pickle
import sys
import time
from pathlib import Path

import torch

LAYERS, HEADS, HEAD_DIM = 32, 8, 128  # Llama-3-8B
CHANNELS = HEADS * HEAD_DIM
KEY_BINS = [32] * 10 + [16] * 22  # LMCache CacheGenConfig for the 8B family
VALUE_BINS = [32] * 2 + [16] * 30
REPEATS = 20
rows: list[dict] = []


OUT = Path(".")


def emit(step: str, tokens: int, repeat: int, seconds: float, nbytes: int) -> None:
    rows.append({"step": step, "tokens": tokens, "repeat": repeat, "seconds": seconds, "bytes": nbytes})
    with open(OUT / "gpu_decode_path.csv.tmp", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    os.replace(OUT / "gpu_decode_path.csv.tmp", OUT / "gpu_decode_path.csv")


def load_torchac(out: Path | None = None):
    """CacheGen's decoder if a built copy is on TORCHAC_PATH, else None (its rows are skipped)."""
    folder = os.environ.get("TORCHAC_PATH")
    if folder:
        sys.path.insert(0, folder)
    try:
        import torchac_cuda  # type: ignore
    except ImportError as exc:
        if out is not None:
            (out / "build.txt").write_text(f"torchac_cuda not importable: {exc}\n")
        return None
    return torchac_cuda


def encoded(ac, qk: torch.Tensor, qv: torch.Tensor, symbols: torch.Tensor, dev: str):
    """CacheGen's encoder (torchac_cuda) on the quantized K and V symbols: (CDF, the entropy-coded
    byte stream, prefix sums of each layer and channel's stream length, those lengths): what its
    decoder reads."""
    cdf = torch.cat([ac.calculate_cdf(qk, 32), ac.calculate_cdf(qv, 32)])
    buf = torch.zeros((2 * LAYERS, CHANNELS, 256), dtype=torch.uint8, device=dev)
    lengths = torch.zeros((2 * LAYERS, CHANNELS), dtype=torch.int32, device=dev)
    ac.encode_fast_new(cdf, symbols, buf, lengths)
    mask = torch.arange(256, device=dev)[None, None, :] < lengths[:, :, None]
    stream = buf[mask].contiguous()
    prefsum = lengths.flatten().to(torch.int64).cumsum(0).reshape(lengths.shape)
    return cdf, stream, prefsum, lengths


def cuda_time(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        out.append(time.perf_counter() - t0)
    return out


def quantize(x: torch.Tensor, bins: torch.Tensor):
    top = (bins // 2 - 1)[:, None, None]
    scale = x.abs().amax(dim=-1, keepdim=True)
    return torch.round(x * (top / scale) + top).to(torch.int8), scale


def dequantize_as_written(symbols: torch.Tensor, bins: torch.Tensor, scale: torch.Tensor) -> torch.Tensor:
    """cachegen_decoder.py's steps: float, three elementwise passes, stack, permute, bf16."""
    kv = symbols.reshape(2, LAYERS, symbols.shape[1], CHANNELS).float()
    out = []
    for t in kv:
        c = (bins // 2 - 1)[:, None, None]
        t = t - c
        t = t / c
        t = t * scale
        out.append(t)
    blob = torch.stack(out).reshape(2, LAYERS, symbols.shape[1], HEADS, HEAD_DIM)
    return blob.permute(1, 0, 2, 3, 4).to(torch.bfloat16)


def main() -> None:
    global OUT
    OUT = Path(sys.argv[1])
    OUT.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    dev = "cuda"
    (OUT / "machine.txt").write_text(
        f"torch {torch.__version__}, {torch.cuda.get_device_name()}, python {sys.version.split()[0]}\n")
    ac = load_torchac(OUT)
    key_bins = torch.tensor(KEY_BINS, device=dev, dtype=torch.float32)
    value_bins = torch.tensor(VALUE_BINS, device=dev, dtype=torch.float32)
    channel_scale = torch.rand(CHANNELS, device=dev) * 3 + 0.1  # KV channels differ in magnitude
    for tokens in (32, 64, 128, 256):
        k = (torch.randn(LAYERS, tokens, CHANNELS, device=dev) * channel_scale).to(torch.bfloat16)
        v = (torch.randn(LAYERS, tokens, CHANNELS, device=dev) * channel_scale).to(torch.bfloat16)
        qk, sk = quantize(k.float(), key_bins)
        qv, sv = quantize(v.float(), value_bins)
        symbols = torch.cat([qk, qv]).contiguous()  # [2L, tokens, C] int8
        kv_bytes = symbols.numel() * 2
        scale = torch.stack([sk, sv]).contiguous()
        if ac is not None:
            cdf, stream, prefsum, lengths = encoded(ac, qk, qv, symbols, dev)
            target = torch.zeros((2 * LAYERS, tokens, CHANNELS), dtype=torch.uint8, device=dev)
            ac.decode_fast_prefsum(cdf, stream, prefsum, target)
            torch.cuda.synchronize()
            exact = bool(torch.equal(target.to(torch.int16), symbols.to(torch.int16)))
            emit("decode_roundtrip_exact", tokens, 0, float(exact), stream.numel())
            for r, s in enumerate(cuda_time(lambda: ac.decode_fast_prefsum(cdf, stream, prefsum, target), REPEATS)):
                emit("ac_decode_kernel", tokens, r, s, kv_bytes)
            payload = {"stream": stream, "lengths": lengths, "cdf": cdf, "scale": scale}
            emit("side_table_bytes", tokens, 0, 0.0, cdf.numel() * 2 + lengths.numel() * 4)
            emit("stream_bytes", tokens, 0, 0.0, stream.numel())
        else:
            payload = {"stream": symbols.view(torch.uint8)[:, :, : CHANNELS // 2].contiguous(),
                       "scale": scale}
        blob = pickle.dumps(payload)
        emit("pickled_bytes", tokens, 0, 0.0, len(blob))
        for r, s in enumerate(cuda_time(lambda: pickle.loads(blob), REPEATS)):
            emit("unpickle_to_gpu", tokens, r, s, len(blob))
        symbols_u8 = symbols.view(torch.uint8)
        for r, s in enumerate(cuda_time(lambda: dequantize_as_written(symbols_u8, key_bins, sk), REPEATS)):
            emit("dequantize_as_written", tokens, r, s, kv_bytes)
        chunks = [torch.empty(LAYERS, 2, tokens, HEADS, HEAD_DIM, dtype=torch.bfloat16, device=dev) for _ in range(8)]
        for r, s in enumerate(cuda_time(lambda: torch.cat(chunks, dim=2), REPEATS)):
            emit("concat_8_chunks", tokens, r, s, 8 * kv_bytes)
    print(f"wrote {len(rows)} rows")


if __name__ == "__main__":
    main()
