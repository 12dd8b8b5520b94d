"""Pieces the GPU collectors share: the Llama-3-8B-shaped decode model, graph capture, timing
with CUDA events, the kernel descriptors torch's profiler reports, and atomic CSV writes.

Only the collectors import this (it needs torch, which nicmodel itself never does).
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from decode_models import LLAMA3_8B, MODELS  # the decode models (torch-free: the calibration screens read them too)
# the bundled scenario's codec (cachegen-deflate) quantizes its first 10 layers' keys apart: a model cut to
# fewer takes a codec without leading groups in its overrides
CODEC_GROUPED_LAYERS = 10
TINY = dict(layers=2, hidden=256, heads=4, kv_heads=2, head_dim=64, inter=512, vocab=1000)


def decode_model(name: str, layers: int | None) -> tuple[dict, list[str]]:
    """A decode model's shapes, its first ``layers`` layers where given, and the nicmodel overrides that
    describe the same step (model=NAME; where cut, model.layers; where cut or where the model ties its LM head
    to its embedding, model.parameters: the layers' weights, norms included, and the embedding and LM head as
    two tables, as this model holds them and as the model spec counts an untied model's)."""
    shapes = dict(MODELS[name])
    tied = bool(shapes.pop("tied", False))
    overrides = [f"model={name}"] if name != "llama-3-8b" else []
    cut = layers is not None and layers != shapes["layers"]
    if cut:
        shapes["layers"] = layers
        overrides += [f"model.layers={layers}"]
        if layers < CODEC_GROUPED_LAYERS:  # the bundled codec's groups need that many; no interference metric reads it
            overrides += ["codec=int8-deflate"]
    if cut or tied:
        s = shapes
        qkv = (s["heads"] + 2 * s["kv_heads"]) * s["head_dim"]
        per_layer = (s["hidden"] * qkv + s["heads"] * s["head_dim"] * s["hidden"] + s["hidden"] * 3 * s["inter"]
                     + 2 * s["hidden"])
        overrides += [f"model.parameters={s['layers'] * per_layer + 2 * s['vocab'] * s['hidden']}"]
    return shapes, overrides


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    """Write atomically (temporary file, then rename): a run cut short keeps every finished row."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", newline="") as handle:
        w = csv.writer(handle, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    os.replace(tmp, path)


class Model:
    """A decoder with random bf16 weights and a preallocated KV cache (timing, not accuracy).

    ``part``: "all" (the step), or one phase of it for measuring a co-runner beside each alone:
    "attention" (the 32 attention kernels, back to back) or "rest" (the step without them); "gemv" and
    "elementwise" split the rest: its weight GEMMs alone (each layer's four and the LM head, on inputs of
    the step's shapes), or its elementwise kernels alone (each layer's SiLU, product and two residual adds); "gemm0" to
    "gemm3" one of a layer's weight GEMMs alone, every layer's (QKV, O, gate/up, down)."""

    part = "all"

    def __init__(self, max_batch: int, max_context: int, device: str = "cuda", shapes: dict = LLAMA3_8B):
        self.s = s = shapes
        g = torch.Generator(device=device).manual_seed(0)
        dt = torch.bfloat16

        def w(*shape):
            return (torch.randn(*shape, generator=g, device=device, dtype=torch.float32) * 0.02).to(dt)

        qkv = (s["heads"] + 2 * s["kv_heads"]) * s["head_dim"]
        self.layers = [(w(s["hidden"], qkv), w(s["heads"] * s["head_dim"], s["hidden"]),
                        w(s["hidden"], 2 * s["inter"]), w(s["inter"], s["hidden"])) for _ in range(s["layers"])]
        self.lm_head = w(s["hidden"], s["vocab"])
        self.qkv = w(max_batch, qkv)  # the attention part's queries, laid out as the step's projection
        self.k = torch.zeros(s["layers"], max_batch, s["kv_heads"], max_context, s["head_dim"], device=device, dtype=dt)
        self.v = torch.zeros_like(self.k)
        self.device = device
        self._buffers: dict[int, tuple[torch.Tensor, ...]] = {}  # the split parts' inputs, per batch

    def step(self, x: torch.Tensor, context: int) -> torch.Tensor:
        s, b = self.s, x.shape[0]
        if self.part in ("gemv", "elementwise") or self.part.startswith("gemm"):
            return self._split(x, context)
        if self.part == "attention":
            q = self.qkv[:b, : s["heads"] * s["head_dim"]].view(b, s["heads"], 1, s["head_dim"])  # the step's strides
            for i in range(len(self.layers)):
                att = F.scaled_dot_product_attention(q, self.k[i, :b, :, :context], self.v[i, :b, :, :context],
                                                     enable_gqa=True)
            return att
        for i, (wqkv, wo, wgu, wd) in enumerate(self.layers):
            qkv = x @ wqkv
            q = qkv[:, : s["heads"] * s["head_dim"]].view(b, s["heads"], 1, s["head_dim"])
            k = self.k[i, :b, :, :context]
            v = self.v[i, :b, :, :context]
            att = q if self.part == "rest" else F.scaled_dot_product_attention(q, k, v, enable_gqa=True)
            x = x + att.reshape(b, s["heads"] * s["head_dim"]) @ wo
            gate, up = (x @ wgu).chunk(2, dim=-1)
            x = x + (F.silu(gate) * up) @ wd
        return x @ self.lm_head

    def _split(self, x: torch.Tensor, context: int) -> torch.Tensor:
        """The rest of the step split: its weight GEMMs alone, or its elementwise kernels alone, each on
        contiguous tensors of the step's shapes, allocated once per batch (timing, not values)."""
        s, b = self.s, x.shape[0]
        if b not in self._buffers:
            z = lambda *shape: torch.zeros(*shape, device=self.device, dtype=torch.bfloat16)  # noqa: E731
            self._buffers[b] = (z(b, s["heads"] * s["head_dim"]), z(b, s["hidden"]), z(b, 2 * s["inter"]),
                                z(b, s["inter"]))
        attended, down, gate_up, act = self._buffers[b]
        for wqkv, wo, wgu, wd in self.layers:
            if self.part.startswith("gemm"):  # one of a layer's four weight GEMMs alone ("gemm0" QKV ... "gemm3" down)
                a, w = ((x, wqkv), (attended, wo), (x, wgu), (act, wd))[int(self.part[4:])]
                a @ w
            elif self.part == "gemv":
                x @ wqkv
                attended @ wo
                x @ wgu
                act @ wd
            else:  # the step's order: residual add, SiLU of the gate times up, residual add
                x = x + attended
                gate, up = gate_up.chunk(2, dim=-1)
                F.silu(gate) * up
                x = x + down
        return x @ self.lm_head if self.part == "gemv" else x

    def inputs(self, batch: int) -> torch.Tensor:
        return torch.randn(batch, self.s["hidden"], device=self.device, dtype=torch.bfloat16)


def capture(model: Model, batch: int, context: int, stream: torch.cuda.Stream, mode: str = "global"):
    """A decode step captured as a CUDA graph on ``stream`` (so its kernels carry that stream's
    priority) and a function that replays it on ``stream``; ``mode``: torch's capture_error_mode
    ("relaxed" where the step launches CuPy kernels: marked_decode.py)."""
    x = model.inputs(batch)
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        for _ in range(2):
            model.step(x, context)
    torch.cuda.synchronize()
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph, stream=stream, capture_error_mode=mode):
        model.step(x, context)
    torch.cuda.synchronize()

    def replay(inputs=x):  # the graph reads x: it lives as long as the replay does (freed, a replay may fault)
        with torch.cuda.stream(stream):
            graph.replay()
    return replay, graph


# The integer ALU body's loop (a dependent LCG step per iteration), shared by interference_grid.py's
# synthetic co-runners and block_timeline.py's probes so that an iteration count calibrated for
# one (e.g. the regime grid's 43,573 for ~0.5 ms) means the same work in the other.
ALU_LOOP = """for (long long k = 0; k < iters; ++k) {
        x = x * 1103515245u + 12345u;
        x ^= x >> 13;
    }"""


# %globaltimer and a one-thread spin for a given number of nanoseconds: the random launch phase of
# interference_grid.py --phase random and block_timeline.py's probes.
GTIME_DELAY = r"""
__device__ __forceinline__ unsigned long long gtime() {
    unsigned long long t; asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t)); return t;
}
extern "C" __global__ void delay(long long ns) {
    unsigned long long t0 = gtime();
    while ((long long)(gtime() - t0) < ns) { }
}
"""


class RandomPhase:
    """Delays a co-runner's launch to a uniformly random point of the decode step it waits for (a
    one-thread spin kernel on its stream first, seeded): a serving system's co-runner is not aligned
    with decode steps, and where in a step it lands moves its slowdown (h200/phase/: CacheGen's
    decoder 1.06x at the step's start, 1.18x at a random point, batch 8)."""

    label = "random"

    def __init__(self, seed: int):
        import random

        import cupy as cp

        self.cp, self.rng = cp, random.Random(seed)
        self.kernel = cp.RawModule(code=GTIME_DELAY).get_function("delay")

    def __call__(self, stream: torch.cuda.Stream, step_s: float) -> None:
        with self.cp.cuda.ExternalStream(stream.cuda_stream):
            self.kernel((1,), (1,), (self.cp.int64(int(self.rng.uniform(0.0, step_s) * 1e9)),))


def priority_streams() -> dict[str, torch.cuda.Stream]:
    """Decode's two streams: normal priority ("equal", as the co-runner's) and the highest."""
    _, hi = torch.cuda.Stream.priority_range() if hasattr(torch.cuda.Stream, "priority_range") else (0, -1)
    return {"equal": torch.cuda.Stream(priority=0), "high": torch.cuda.Stream(priority=hi)}


def event() -> torch.cuda.Event:
    return torch.cuda.Event(enable_timing=True)


def time_on(fn, iters: int, stream: torch.cuda.Stream) -> float:
    """Mean seconds per call, timed with events on ``stream`` alone (after one warm-up call)."""
    with torch.cuda.stream(stream):
        fn()
        start, end = event(), event()
        start.record(stream)
        for _ in range(iters):
            fn()
        end.record(stream)
    end.synchronize()
    return start.elapsed_time(end) / 1e3 / iters


# Whether torch's profiler (CUPTI) has run in this process. Once it has, concurrent kernels' blocks
# are dispatched differently for the rest of the process (validation/traces/h200/collector_timeline/:
# a one-wave kernel beside decode 1.14x before, 1.47x after), so interference is measured only in a
# process where it has not: record kernel descriptors after every measurement, or in another process.
PROFILED = [False]


def not_profiled(what: str) -> None:
    """Refuse to measure ``what`` in a process that has run the profiler (see PROFILED)."""
    if PROFILED[0]:
        raise RuntimeError(f"{what}: torch's profiler already ran in this process, which changes how concurrent "
                           "kernels are dispatched; record kernel descriptors after the measurements")


def profiled_events(fn, cpu: bool = False) -> list[dict]:
    """The chrome-trace events of one call of ``fn`` under torch's profiler (CUDA activity, and the
    CPU's with ``cpu``), the GPU synchronized before the profile closes; marks the process PROFILED."""
    from torch.profiler import ProfilerActivity, profile

    PROFILED[0] = True
    activities = [ProfilerActivity.CUDA] + ([ProfilerActivity.CPU] if cpu else [])
    with profile(activities=activities) as prof:
        fn()
        torch.cuda.synchronize()
    fd, tmp = tempfile.mkstemp(suffix=".json")
    os.close(fd)
    prof.export_chrome_trace(tmp)
    with open(tmp) as handle:
        events = json.load(handle).get("traceEvents", [])
    os.unlink(tmp)
    return events


def kernel_descriptors(fn, label: str, warmup: int = 1) -> list[dict]:
    """The GPU kernels one call of ``fn`` launches, as CUPTI reports them through torch's profiler:
    name, duration, grid, block, registers per thread, shared memory, blocks per SM. Call it only
    after this process's interference measurements (PROFILED)."""
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    rows = []
    for ev in profiled_events(fn, cpu=True):
        cat = str(ev.get("cat", "")).lower()
        if cat not in ("kernel", "gpu_memcpy", "gpu_memset"):
            continue
        a = ev.get("args", {})
        grid, block = a.get("grid", [0, 0, 0]), a.get("block", [0, 0, 0])
        rows.append({
            "unit": label, "kind": cat, "name": str(ev.get("name", ""))[:160], "ts_us": float(ev.get("ts", 0.0)),
            "duration_us": float(ev.get("dur", 0.0)),
            "blocks": int(grid[0] * grid[1] * grid[2]) if cat == "kernel" else 0,
            "threads": int(block[0] * block[1] * block[2]) if cat == "kernel" else 0,
            "registers_per_thread": a.get("registers per thread", ""),
            "shared_memory_bytes": a.get("shared memory", ""),
            "blocks_per_sm": a.get("blocks per SM", ""), "warps_per_sm": a.get("warps per SM", ""),
            "occupancy_pct": a.get("est. achieved occupancy %", ""), "bytes": a.get("bytes", ""),
        })
    t0 = min((r["ts_us"] for r in rows), default=0.0)
    for r in rows:
        r["ts_us"] = round(r["ts_us"] - t0, 3)
    return rows



def write_descriptors(out: Path, rows: list[dict]) -> None:
    """kernels.csv: the kernel descriptors of kernel_descriptors(), one row per kernel launched."""
    hdr = list(rows[0].keys()) if rows else ["unit"]
    write_csv(out / "kernels.csv", hdr, [[r[h] for h in hdr] for r in rows])

def gpu_properties() -> dict:
    p = torch.cuda.get_device_properties(0)
    keys = ("name", "multi_processor_count", "max_threads_per_multi_processor", "shared_memory_per_multiprocessor",
            "shared_memory_per_block_optin", "regs_per_multiprocessor", "L2_cache_size", "total_memory",
            "clock_rate", "memory_clock_rate", "memory_bus_width", "max_threads_per_block", "warp_size")
    out = {k: getattr(p, k) for k in keys if hasattr(p, k)}
    out["torch"] = torch.__version__
    out["cuda"] = torch.version.cuda
    out["priority_range"] = list(torch.cuda.Stream.priority_range()) if hasattr(torch.cuda.Stream, "priority_range") else []
    out["driver"] = driver_version()
    return out


def driver_version() -> str:
    """The NVIDIA driver's version from nvidia-smi ("" where it cannot be read)."""
    import subprocess
    try:
        run = subprocess.run(["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return run.stdout.strip().splitlines()[0] if run.returncode == 0 and run.stdout.strip() else ""


class Deadline:
    """A wall-clock budget: sections stop starting new work when it is spent."""

    def __init__(self, seconds: float):
        self.end = time.perf_counter() + seconds
        self.t0 = time.perf_counter()

    def left(self) -> float:
        return self.end - time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.t0
