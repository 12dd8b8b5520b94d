"""The synthetic co-runner kernels of interference_grid.py (CuPy raw kernels: streaming bodies of
2-16 byte accesses and an integer ALU body), their calibration to a target time, and timing alone."""

from __future__ import annotations

import time

import torch

from gpu_common import ALU_LOOP, time_on
from grid_measure import graph_batch


# bytes each thread of a narrow streaming body loads and stores per iteration (the "mem" body: 16)
WIDTH_BYTES = {"mem2": 2, "mem4": 4, "mem8": 8}


SOURCE = r"""
extern "C" __global__ void mem_body(const float4* __restrict__ src, float4* __restrict__ dst,
                                    long long n4, long long iters) {
    extern __shared__ float4 pad[];
    long long stride = (long long)gridDim.x * blockDim.x;
    long long j = ((long long)blockIdx.x * blockDim.x + threadIdx.x) % n4;
    for (long long k = 0; k < iters; ++k) {
        float4 v = src[j];
        v.x = v.x * 0.5f + 1.0f;
        dst[j] = v;
        j += stride;
        if (j >= n4) j -= n4;
    }
    if (iters < 0) pad[threadIdx.x] = make_float4(0.f, 0.f, 0.f, 0.f);
}
#define NARROW(NAME, T) \
extern "C" __global__ void NAME(const T* __restrict__ src, T* __restrict__ dst, long long n, long long iters) { \
    long long stride = (long long)gridDim.x * blockDim.x; \
    long long j = ((long long)blockIdx.x * blockDim.x + threadIdx.x) % n; \
    for (long long k = 0; k < iters; ++k) { \
        dst[j] = src[j] + (T)1; \
        j += stride; \
        if (j >= n) j -= n; \
    } \
}
NARROW(mem2_body, unsigned short)
NARROW(mem4_body, unsigned int)
NARROW(mem8_body, unsigned long long)
extern "C" __global__ void copy2_body(const unsigned short* __restrict__ src, unsigned short* __restrict__ dst,
                                      long long n) {
    // PyTorch's elementwise_kernel<128, 4> shape: 4 scalars per thread, one tile per block, no loop
    long long base = (long long)blockIdx.x * blockDim.x * 4 + threadIdx.x;
    #pragma unroll
    for (int u = 0; u < 4; ++u) {
        long long j = base + (long long)u * blockDim.x;
        if (j < n) dst[j] = src[j];
    }
}
extern "C" __global__ void copy16_body(const float4* __restrict__ src, float4* __restrict__ dst, long long n4) {
    long long j = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (j < n4) dst[j] = src[j];
}
extern "C" __global__ void alu_body(unsigned int* out, long long iters) {
    extern __shared__ unsigned int pad2[];
    unsigned int x = blockIdx.x * blockDim.x + threadIdx.x;
    ALU_LOOP
    if (x == 0x9e3779b9u) out[0] = x;
    if (iters < 0) pad2[threadIdx.x] = x;
}
""".replace("ALU_LOOP", ALU_LOOP)


class Synthetic:
    """The synthetic co-runner kernels, compiled at run time with CuPy (NVRTC)."""

    def __init__(self):
        import cupy as cp

        self.cp = cp
        module = cp.RawModule(code=SOURCE, options=("-std=c++17",))
        self.module = module
        self.kern = {"mem": module.get_function("mem_body"), "alu": module.get_function("alu_body"),
                     **{f"mem{w}": module.get_function(f"mem{w}_body") for w in (2, 4, 8)}}
        for k in self.kern.values():
            k.max_dynamic_shared_size_bytes = 220 << 10
        n4 = (2 << 30) // 16  # 2 GiB each way: far beyond the L2, so the traffic reaches HBM
        self.src = torch.ones(n4 * 4, dtype=torch.float32, device="cuda")
        self.dst = torch.empty_like(self.src)
        self.sink = torch.zeros(1, dtype=torch.int32, device="cuda")
        self.n4 = n4
        self.c_src, self.c_dst, self.c_sink = cp.asarray(self.src), cp.asarray(self.dst), cp.asarray(self.sink)

    def registers(self, body: str) -> int:
        return int(self.kern[body].attributes.get("num_regs", 0))

    def launcher(self, body: str, grid: int, threads: int, smem: int, iters: int, stream: torch.cuda.Stream):
        cp = self.cp
        cs = cp.cuda.ExternalStream(stream.cuda_stream)
        kern = self.kern[body]
        if body == "mem":
            args = (self.c_src, self.c_dst, cp.int64(self.n4), cp.int64(iters))
        elif body in WIDTH_BYTES:  # the same 2 GiB buffers, read as elements of that width
            args = (self.c_src, self.c_dst, cp.int64(self.n4 * 16 // WIDTH_BYTES[body]), cp.int64(iters))
        else:
            args = (self.c_sink, cp.int64(iters))

        def launch():
            with cs:
                kern((grid,), (threads,), args, shared_mem=smem)
        return launch

    @staticmethod
    def hbm_bytes(body: str, grid: int, threads: int, iters: int) -> int:
        if body == "mem":
            return grid * threads * iters * 32
        return grid * threads * iters * 2 * WIDTH_BYTES.get(body, 0)


def time_alone(launch, stream, window_s: float = 0.03) -> float:
    """Seconds per launch alone: one timed launch sizes a back-to-back run of about window_s."""
    one = time_on(launch, 1, stream)
    return time_on(launch, int(min(400, max(3, window_s / max(one, 1e-6)))), stream)


def calibrate(syn: Synthetic, body: str, grid: int, threads: int, smem: int, target_s: float, stream) -> tuple[int, float]:
    """Iterations that make one launch last about target_s alone: grow until the time is well
    above the fixed launch cost, fit time = a + b x iterations, then one correction step."""
    def t_of(iters: int) -> float:
        return time_alone(syn.launcher(body, grid, threads, smem, iters, stream), stream, 0.01)

    i_a = 16
    t_a = t_of(i_a)
    i_b, t_b = i_a * 4, t_of(i_a * 4)
    while t_b < max(3 * t_a, min(target_s, 2e-3)) and i_b < (1 << 34):
        i_b *= 4
        t_b = t_of(i_b)
    slope = max((t_b - t_a) / (i_b - i_a), 1e-15)
    iters = max(1, int(round(i_a + (target_s - t_a) / slope)))
    t = t_of(iters)
    if abs(t / target_s - 1) > 0.15 and t > t_a:
        iters = max(1, int(round(i_a + (iters - i_a) * (target_s - t_a) / (t - t_a))))
    iters = min(iters, 1 << 34)
    return iters, time_alone(syn.launcher(body, grid, threads, smem, iters, stream), stream, 0.03)


def paced_unit(launches: list, interval_s: float):
    """One unit: the launches issued in order, the host waiting until `interval_s` after the
    previous launch was issued (a spin on the CPU clock) before the next."""
    def unit():
        t = time.perf_counter()
        for launch in launches:
            while time.perf_counter() < t:
                pass
            t = time.perf_counter() + interval_s
            launch()
    return unit


def time_graph(launch, stream: torch.cuda.Stream, n: int = 32) -> float:
    """Seconds per launch of ``launch`` on the GPU alone: a CUDA graph of n launches, replayed."""
    g = graph_batch(launch, n, stream)
    return time_on(g, 20, stream) / n
