"""CacheGen's decoder (LMCache's torchac_cuda) built with per-block timing, for decoder_timeline.py.

A copy of LMCache's third_party/torchac_cuda sources, changed in three places by exact text
substitution (each must match once, or the build stops):
  - device globals: a record buffer, its capacity in launches, and counters of launches and
    finished blocks;
  - decode_prefix_with_accessor_kernel (the kernel decode_fast_prefsum launches, one per chunk):
    thread 0 of each block writes %globaltimer and %smid at its start and, after a __syncthreads()
    at its end (the kernel has no early return), %globaltimer again; the last block of a launch to
    finish advances the launch counter (launches of one stream never overlap, so every block of a
    launch reads the same index);
  - the extension: named torchac_cuda_timed, with set_block_records(tensor, launches), which
    points the kernel at a uint64 tensor of launches x blocks x 3 (start ns, end ns, SM) and
    resets the counters (an empty tensor turns recording off).
The decoding itself is unchanged. Usage: ``build(TORCHAC_PATH folder, work folder)`` returns the
imported module.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

GLOBALS = """
__device__ unsigned long long* g_block_rec = nullptr;
__device__ unsigned int g_block_cap = 0;
__device__ unsigned int g_launch = 0;
__device__ unsigned int g_blocks_done = 0;

__device__ __forceinline__ unsigned long long timed_now() {
    unsigned long long t; asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t)); return t;
}
__device__ __forceinline__ unsigned int timed_smid() {
    unsigned int s; asm volatile("mov.u32 %0, %%smid;" : "=r"(s)); return s;
}

void set_block_records(at::Tensor rec, int64_t launches) {
    unsigned long long* ptr = rec.numel() ? (unsigned long long*)rec.data_ptr() : nullptr;
    unsigned int cap = (unsigned int)launches, zero = 0;
    cudaMemcpyToSymbol(g_block_rec, &ptr, sizeof(ptr));
    cudaMemcpyToSymbol(g_block_cap, &cap, sizeof(cap));
    cudaMemcpyToSymbol(g_launch, &zero, sizeof(zero));
    cudaMemcpyToSymbol(g_blocks_done, &zero, sizeof(zero));
    cudaDeviceSynchronize();
}
"""

PREFIX_KERNEL = "__global__ void decode_prefix_with_accessor_kernel("
KERNEL_START = ("    const int layer_id = blockIdx.x;\n",
                "    const int layer_id = blockIdx.x;\n"
                "    const unsigned int timed_blocks = gridDim.x * gridDim.y;\n"
                "    const unsigned int timed_block = blockIdx.x * gridDim.y + blockIdx.y;\n"
                "    unsigned long long* timed_rec = g_block_rec;\n"
                "    const unsigned int timed_launch = g_launch;\n"
                "    if (timed_rec && threadIdx.x == 0 && timed_launch < g_block_cap) {\n"
                "        timed_rec[3ull * (timed_launch * timed_blocks + timed_block)] = timed_now();\n"
                "        timed_rec[3ull * (timed_launch * timed_blocks + timed_block) + 2] = timed_smid();\n"
                "    }\n")
KERNEL_END = ("""                break;
            }
        }
    }

}
""", """                break;
            }
        }
    }
    if (timed_rec) {
        __syncthreads();
        if (threadIdx.x == 0) {
            if (timed_launch < g_block_cap)
                timed_rec[3ull * (timed_launch * timed_blocks + timed_block) + 1] = timed_now();
            __threadfence();
            if (atomicAdd(&g_blocks_done, 1u) == timed_blocks - 1) {
                g_blocks_done = 0;
                __threadfence();
                g_launch = timed_launch + 1;
            }
        }
    }
}
""")


def _substitute(text: str, old: str, new: str, what: str) -> str:
    if text.count(old) != 1:
        raise SystemExit(f"torchac_timed: {what}: expected the text once, found it {text.count(old)} times")
    return text.replace(old, new)


def build(source: str | Path, work: str | Path):
    """Copy ``source`` (torchac_cuda's folder) to ``work``, instrument it, build it in place, import it."""
    src, dst = Path(source), Path(work)
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("build", "*.so"))
    dec = dst / "torchac_kernel_dec_new.cu"
    text = dec.read_text()
    text = _substitute(text, '#include "torchac_kernel.cuh"\n', '#include "torchac_kernel.cuh"\n' + GLOBALS, "globals")
    head, sep, tail = text.partition(PREFIX_KERNEL)  # the file's other kernel shares both texts
    if not sep:
        raise SystemExit("torchac_timed: decode_prefix_with_accessor_kernel not found")
    tail = _substitute(tail, *KERNEL_START, "kernel start")
    tail = _substitute(tail, *KERNEL_END, "kernel end")
    dec.write_text(head + sep + tail)
    main = dst / "main.cpp"
    mtext = _substitute(main.read_text(), "PYBIND11_MODULE(torchac_cuda, m) {",
                        "void set_block_records(at::Tensor rec, int64_t launches);\n"
                        "PYBIND11_MODULE(torchac_cuda_timed, m) {\n"
                        '    m.def("set_block_records", &set_block_records);', "module")
    main.write_text(mtext)
    setup = dst / "setup.py"
    setup.write_text(_substitute(setup.read_text(), "'torchac_cuda', ", "'torchac_cuda_timed', ", "setup name"))
    done = subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=dst, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"torchac_timed: build failed: {done.stderr[-2000:]}")
    sys.path.insert(0, str(dst))
    return importlib.import_module("torchac_cuda_timed")
