"""Measurements on an H100 host for the GPU-side and host-side parameters of nicmodel.

Writes CSVs (and machine.txt) into the folder given as the first argument:
  copy_bandwidth.csv        host<->device copy time vs size, pinned and pageable, repeats
  decode_step.csv           decode step time of a Llama-3-8B-shaped model (random bf16 weights,
                            CUDA graph) vs batch size and context length, repeats
  interference.csv          decode step time beside co-running GPU work (memory-bound
                            dequantization, compute-bound integer work, host-to-device DMA), with
                            equal and high decode-stream priority, and the co-runner's own rate
                            alone and beside decode, repeats
  host_inflate.csv          zlib inflate of int8 KV-like data, GB/s of output, 1..16 processes
  decode_cpu_contention.csv eager-mode (launch-bound) decode step time with 0..15 host
                            processes busy inflating
Run on the device machine:  python validation/collect/h100_measure.py $OUT
Smoke-test anywhere:        python validation/collect/h100_measure.py /tmp/out --smoke
"""

from __future__ import annotations

import csv
import multiprocessing as mp
import os
import platform
import subprocess
import sys
import time
import zlib
from pathlib import Path

import torch
import torch.nn.functional as F

SMOKE = "--smoke" in sys.argv
DEV = "cpu" if SMOKE else "cuda"
REPEATS = 2 if SMOKE else 5
OUT = Path(sys.argv[1])
OUT.mkdir(parents=True, exist_ok=True)

# Llama-3-8B shapes (docs/sources/hwspecs.md §7); smoke mode shrinks everything
LAYERS, HIDDEN, HEADS, KV_HEADS, HEAD_DIM, INTER, VOCAB = (
    (2, 256, 4, 2, 64, 512, 1000) if SMOKE else (32, 4096, 32, 8, 128, 14336, 128256)
)


def sync() -> None:
    if DEV == "cuda":
        torch.cuda.synchronize()


def timed(fn, iters: int) -> float:
    """Mean seconds per call over ``iters`` calls (after one warm-up)."""
    fn()
    sync()
    start = time.perf_counter()
    for _ in range(iters):
        fn()
    sync()
    return (time.perf_counter() - start) / iters


def timed_on(fn, iters: int, stream) -> float:
    """Mean seconds per call measured with events on ``stream`` only (other streams keep running)."""
    if DEV != "cuda":
        return timed(fn, iters)
    fn()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record(stream)
    for _ in range(iters):
        fn()
    end.record(stream)
    end.synchronize()
    return start.elapsed_time(end) / 1e3 / iters


def write(name: str, header: list[str], rows: list[list]) -> None:
    with open(OUT / name, "w", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(header)
        w.writerows(rows)
    print(f"wrote {name}: {len(rows)} rows", flush=True)


def machine() -> None:
    lines = [f"python {platform.python_version()}, torch {torch.__version__}, {os.cpu_count()} CPUs"]
    for cmd in ("nvidia-smi --query-gpu=name,memory.total,pcie.link.gen.current,pcie.link.width.current,"
                "clocks.max.sm,driver_version --format=csv", "lscpu | grep -E 'Model name|^CPU\\(s\\)|MHz'"):
        try:
            lines.append(subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=20).stdout)
        except Exception as exc:  # noqa: BLE001 - best effort description
            lines.append(f"{cmd}: {exc}")
    (OUT / "machine.txt").write_text("\n".join(lines))


def copies() -> None:
    rows = []
    sizes = [4 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20, 256 << 20]
    if SMOKE:
        sizes = sizes[:3]
    for size in sizes:
        dev = torch.empty(size, dtype=torch.uint8, device=DEV)
        for pinned in (True, False):
            host = torch.ones(size, dtype=torch.uint8, pin_memory=pinned and DEV == "cuda")
            iters = max(5, min(2000, (512 << 20) // size))
            for rep in range(REPEATS):
                h2d = timed(lambda: dev.copy_(host, non_blocking=pinned), iters)
                d2h = timed(lambda: host.copy_(dev, non_blocking=pinned), iters)
                rows.append([size, int(pinned), "h2d", rep, h2d, size / h2d / 1e9])
                rows.append([size, int(pinned), "d2h", rep, d2h, size / d2h / 1e9])
    write("copy_bandwidth.csv", ["bytes", "pinned", "direction", "repeat", "seconds_per_copy", "gb_per_s"], rows)


class Model:
    """A Llama-3-8B-shaped decoder with random bf16 weights and a preallocated KV cache."""

    def __init__(self, max_batch: int, max_context: int):
        g = torch.Generator(device=DEV).manual_seed(0)
        dt = torch.bfloat16

        def w(*shape):
            return (torch.randn(*shape, generator=g, device=DEV, dtype=torch.float32) * 0.02).to(dt)

        qkv = (HEADS + 2 * KV_HEADS) * HEAD_DIM
        self.layers = [(w(HIDDEN, qkv), w(HEADS * HEAD_DIM, HIDDEN), w(HIDDEN, 2 * INTER), w(INTER, HIDDEN))
                       for _ in range(LAYERS)]
        self.lm_head = w(HIDDEN, VOCAB)
        self.k = torch.zeros(LAYERS, max_batch, KV_HEADS, max_context, HEAD_DIM, device=DEV, dtype=dt)
        self.v = torch.zeros_like(self.k)

    def step(self, x: torch.Tensor, context: int) -> torch.Tensor:
        b = x.shape[0]
        for i, (wqkv, wo, wgu, wd) in enumerate(self.layers):
            qkv = x @ wqkv
            q = qkv[:, : HEADS * HEAD_DIM].view(b, HEADS, 1, HEAD_DIM)
            k = self.k[i, :b, :, :context]
            v = self.v[i, :b, :, :context]
            att = F.scaled_dot_product_attention(q, k, v, enable_gqa=True)
            x = x + att.reshape(b, HEADS * HEAD_DIM) @ wo
            gate, up = (x @ wgu).chunk(2, dim=-1)
            x = x + (F.silu(gate) * up) @ wd
        return x @ self.lm_head


def graphed(model: Model, batch: int, context: int, stream=None):
    """A replayable decode step (CUDA graph on the GPU, eager in smoke mode)."""
    x = torch.randn(batch, HIDDEN, device=DEV, dtype=torch.bfloat16)
    if DEV != "cuda":
        return lambda: model.step(x, context)
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(2):
            model.step(x, context)
    torch.cuda.current_stream().wait_stream(s)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        model.step(x, context)
    if stream is None:
        return graph.replay

    def replay():
        with torch.cuda.stream(stream):
            graph.replay()
    return replay


CONFIGS = [(1, 1024), (1, 8192), (8, 1024), (8, 4096), (8, 8192), (32, 1024), (32, 4096)]


def decode(model: Model) -> None:
    rows = []
    for batch, context in (CONFIGS[:2] if SMOKE else CONFIGS):
        step = graphed(model, batch, 64 if SMOKE else context)
        for rep in range(REPEATS):
            rows.append([batch, context, rep, timed(step, 3 if SMOKE else 30)])
        del step
    write("decode_step.csv", ["batch", "context_tokens", "repeat", "seconds_per_step"], rows)


def corunners():
    """Co-running GPU work: name -> (callable that enqueues one unit on the current stream, units)."""
    n = (1 << 16) if SMOKE else (256 << 20)
    q = torch.randint(-127, 127, (n,), device=DEV, dtype=torch.int8)
    scale = torch.rand(n // 128, 1, device=DEV, dtype=torch.bfloat16)
    out = torch.empty(n // 128, 128, device=DEV, dtype=torch.bfloat16)

    def dequant():  # memory-bound: read 1 B, write 2 B per element, short kernels
        torch.mul(q.view(-1, 128).to(torch.bfloat16), scale, out=out)

    units = {"dequant_memory_bound": dequant}
    host = torch.ones(n, dtype=torch.uint8, pin_memory=DEV == "cuda")
    dev = torch.empty(n, dtype=torch.uint8, device=DEV)
    units["h2d_dma"] = lambda: dev.copy_(host, non_blocking=True)
    if DEV == "cuda":
        import triton
        import triton.language as tl

        @triton.jit
        def spin(x_ptr, n_elem, rounds, BLOCK: tl.constexpr):
            pid = tl.program_id(0)
            offs = pid * BLOCK + tl.arange(0, BLOCK)
            mask = offs < n_elem
            x = tl.load(x_ptr + offs, mask=mask)
            for _ in range(rounds):  # LCG + xorshift: integer ALU bound, long-lived blocks
                x = x * 1103515245 + 12345
                x = x ^ (x >> 13)
            tl.store(x_ptr + offs, x, mask=mask)

        words = torch.randint(0, 1 << 30, (1 << 22,), device=DEV, dtype=torch.int32)
        units["integer_compute_bound"] = lambda: spin[(triton.cdiv(words.numel(), 1024),)](
            words, words.numel(), 2000, BLOCK=1024)
    return units


def interference(model: Model) -> None:
    rows = []
    batch, context = (1, 64) if SMOKE else (8, 4096)
    work = corunners()
    for priority in ("equal", "high"):
        if DEV == "cuda":
            decode_stream = torch.cuda.Stream(priority=-1 if priority == "high" else 0)
            side = torch.cuda.Stream(priority=0)
        decode_on = decode_stream if DEV == "cuda" else None
        step = graphed(model, batch, context, decode_on)
        alone = [timed_on(step, 3 if SMOKE else 30, decode_on) for _ in range(REPEATS)]
        for name, unit in work.items():
            unit_alone = [timed(unit, 3 if SMOKE else 20) for _ in range(REPEATS)]
            for rep in range(REPEATS):
                if DEV == "cuda":
                    # co-runner queued for well past the decode measurement, then decode timed
                    with torch.cuda.stream(side):
                        for _ in range(max(50, int(3.0 / max(unit_alone[rep], 1e-5)) // 4)):
                            unit()
                    beside = timed_on(step, 30, decode_stream)
                    side.synchronize()
                    # decode queued for well past the co-runner measurement, then co-runner timed
                    for _ in range(int(1.5 / alone[rep]) + 10):
                        step()
                    with torch.cuda.stream(side):
                        start = time.perf_counter()
                        for _ in range(20):
                            unit()
                        side.synchronize()
                        unit_beside = (time.perf_counter() - start) / 20
                    torch.cuda.synchronize()
                else:
                    beside, unit_beside = timed(step, 3), timed(unit, 3)
                rows.append([name, priority, rep, alone[rep], beside, beside / alone[rep] - 1,
                             unit_alone[rep], unit_beside, unit_beside / unit_alone[rep] - 1])
    write("interference.csv", ["corunner", "decode_priority", "repeat", "decode_alone_s", "decode_beside_s",
                               "decode_slowdown", "corunner_alone_s", "corunner_beside_s", "corunner_slowdown"],
          rows)


def _int8_kv(nbytes: int) -> bytes:
    g = torch.Generator().manual_seed(0)
    x = torch.randn(nbytes // 128, 128, generator=g)
    scale = x.abs().amax(1, keepdim=True)
    return torch.round(x / scale * 127).to(torch.int8).numpy().tobytes()


def _inflate_loop(blob: bytes, seconds: float, result) -> None:
    end, done = time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        done += len(zlib.decompress(blob))
    result.put(done)


def host_inflate() -> None:
    raw = _int8_kv(1 << 20)
    blob = zlib.compress(raw, 1)
    rows = []
    seconds = 0.5 if SMOKE else 3.0
    for procs in (1, 4, 8, 16) if not SMOKE else (1, 2):
        for rep in range(REPEATS):
            q = mp.Queue()
            workers = [mp.Process(target=_inflate_loop, args=(blob, seconds, q)) for _ in range(procs)]
            for p in workers:
                p.start()
            total = sum(q.get() for _ in workers)
            for p in workers:
                p.join()
            rows.append([procs, rep, len(raw) / len(blob), total / seconds / 1e9])
    write("host_inflate.csv", ["processes", "repeat", "compression_ratio", "output_gb_per_s"], rows)


def cpu_contention(model: Model) -> None:
    raw = _int8_kv(1 << 20)
    blob = zlib.compress(raw, 1)
    batch, context = (1, 64) if SMOKE else (8, 1024)
    x = torch.randn(batch, HIDDEN, device=DEV, dtype=torch.bfloat16)
    rows = []
    cpus = os.cpu_count() or 2
    for busy in sorted({0, 4, 8, 12, cpus - 1} if not SMOKE else {0, 1}):
        if busy >= cpus:
            continue
        q = mp.Queue()
        workers = [mp.Process(target=_inflate_loop, args=(blob, 60.0, q)) for _ in range(busy)]
        for p in workers:
            p.start()
        time.sleep(0.5)
        for rep in range(REPEATS):
            rows.append([busy, cpus, rep, timed(lambda: model.step(x, context), 3 if SMOKE else 20)])
        for p in workers:
            p.terminate()
            p.join()
    write("decode_cpu_contention.csv", ["busy_processes", "cpus", "repeat", "eager_seconds_per_step"], rows)


if __name__ == "__main__":
    t0 = time.perf_counter()
    machine()
    copies()
    print(f"copies done {time.perf_counter() - t0:.0f}s", flush=True)
    host_inflate()
    print(f"inflate done {time.perf_counter() - t0:.0f}s", flush=True)
    model = Model(32 if not SMOKE else 2, 8192 if not SMOKE else 128)
    decode(model)
    print(f"decode done {time.perf_counter() - t0:.0f}s", flush=True)
    interference(model)
    print(f"interference done {time.perf_counter() - t0:.0f}s", flush=True)
    cpu_contention(model)
    print(f"all done {time.perf_counter() - t0:.0f}s", flush=True)
