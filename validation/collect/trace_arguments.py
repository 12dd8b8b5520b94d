"""A trace row's argument for each kind of measured unit (make_interference_traces.py writes the rows):
the data-plane units from their CUPTI kernel list, the synthetic co-runners and the probe from their
launch shapes, with the units' byte counts and the host's time per Python-issued launch. Pure
functions of the committed raw runs (validation/traces/h200/...)."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRACES = HERE.parent / "traces"
COLUMNS = ["scenario", "overrides", "metric", "argument", "value", "unit", "repeat", "spread", "role",
           "tolerance_pct", "machine", "source"]
SCENARIO = "../../pipelines/shadowserve.yaml"
KV = 256 * 64 * 1024 * 2  # bytes of one 256-token Llama-3-8B chunk in bf16


def host_issue_s() -> float:
    """The host's time per kernel launch issued from Python (the H200 machine): the shortest
    Python-issued unit of the launch grid alone over its launches (its GPU time is ~1.8 us)."""
    with open(TRACES / "h200" / "short_random" / "short_corunners.csv") as f:
        return min(float(r["unit_alone_s"]) / float(r["launches"]) for r in csv.DictReader(f) if r["graph"] == "0")


HOST_ISSUE_S = host_issue_s()
STREAM = 5.3e6  # its entropy-coded bytestream (validation/traces/h100/gpu_decode_path.csv: 4.6-5.3 MB)
# the chunk's grids per launch, whatever decode shape the unit ran beside (the units are the 8B chunk's,
# grid_units.dataplane_units; every committed kernels.csv reads these, tests/test_validation.py): the decoder one
# thread per K/V layer and channel in blocks of 128 (torchac_kernel_dec_new.cu), the dequantization's long passes
# and the scatter's copies as CUPTI names them
DECODER_BLOCKS = 2 * 32 * 1024 // 128
DEQUANTIZE_BLOCKS, SCATTER_BLOCKS = 32768, 1024
FAMILIES = {"ac_decode": "cachegen-decoder", "dequantize_as_written": "lmcache-dequantization",
            "paged_scatter": "paged-kv-scatter", "cat_8_chunks": "torch-cat", "h2d_compressed_chunk": "pinned-copies",
            "h2d_raw_chunk": "pinned-copies", "lmcache_chunk": "lmcache-chunk-sequence"}


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.2f}us"


def mb(nbytes: float) -> str:
    return f"{nbytes / 1e6:.4f}MB"


def kernel_times(rows: list[dict]) -> dict[str, list[tuple[str, float]]]:
    """Per measured unit: (kernel name, seconds) of every kernel or copy it launched (CUPTI)."""
    out = defaultdict(list)
    for r in rows:
        out[r["unit"]].append((r["name"], float(r["duration_us"]) * 1e-6))
    return out


def dataplane_argument(unit: str, kernels: list[tuple[str, float]]) -> str:
    total = sum(t for _, t in kernels)
    ac = sum(t for n, t in kernels if "decode_prefix" in n)
    scatter = sum(t for n, t in kernels if "index_elementwise" in n)
    if unit == "ac_decode":
        return f"kernel=decompress,duration={us(ac)},launches=1,blocks={DECODER_BLOCKS},bytes={mb(STREAM + KV / 2)}"
    if unit == "dequantize_as_written":
        return f"kernel=dequantize,duration={us(total)},launches={len(kernels)},bytes={mb(21.5 * KV)}"
    if unit == "paged_scatter":
        return f"kernel=copy,duration={us(scatter)},launches={len(kernels)},bytes={mb(2 * KV)}"
    if unit == "cat_8_chunks":
        return (f"kernel=shape,threads=128,regs=18,smem=0,blocks=32768,width=2B,duration={us(total)},"
                f"launches={len(kernels)},bytes={mb(2 * 8 * KV)}")
    if unit.startswith("h2d_"):
        nbytes = 10_000_000 if "compressed" in unit else KV
        return f"kernel=dma,rate={nbytes / total / 1e9:.4g}GB/s,duration={us(total)}"
    if unit == "lmcache_chunk":
        rest = total - ac - scatter
        return (f"kernel=decompress+dequantize+copy,duration={us(ac)}+{us(rest)}+{us(scatter)},"
                f"launches=1+{len(kernels) - 33}+32,blocks={DECODER_BLOCKS}+{DEQUANTIZE_BLOCKS}+{SCATTER_BLOCKS},"
                f"bytes={mb(STREAM + KV / 2)}+{mb(21.5 * KV)}+{mb(2 * KV)}")
    if unit == "legacy_dequant_memory_bound":
        return (f"kernel=shape,threads=128,regs=18,smem=0,blocks=524288,width=2B,duration={us(total)},launches=2,"
                f"bytes={mb(7 * (256 << 20))}")
    if unit == "legacy_integer_compute_bound":
        return f"kernel=shape,threads=128,regs=18,smem=0,blocks=4096,duration={us(total)},bytes={mb(8 * (1 << 22))}"
    if unit == "legacy_h2d_dma":
        return f"kernel=dma,rate={(256 << 20) / total / 1e9:.4g}GB/s,duration={us(total)}"
    raise KeyError(unit)


# bytes per thread per load or store of each synthetic body (interference_grid.py); ALU bodies stream nothing
BODY_WIDTHS = {"mem": 16, "mem2": 2, "mem4": 4, "mem8": 8}


def width(nbytes: int | None) -> str:
    return f",width={nbytes}B" if nbytes else ""


# each buffer of the synthetic bodies (interference_grid.py): their loops start at the thread's index every
# launch, so a launch touches again the bytes the last one touched, up to these
SYNTHETIC_BUFFER_BYTES = 2 << 30


def footprint(hbm_bytes: float) -> str:
    """A synthetic launch's footprint, the bytes it touches, every launch the same (its loads and
    stores each stay within one 2 GiB buffer): what it can keep in L2 alone (gpu.interference.l2_loss)."""
    if hbm_bytes <= 0:
        return ""
    return f",footprint={mb(min(hbm_bytes, 2 * SYNTHETIC_BUFFER_BYTES))}"


def synthetic_argument(c: dict) -> str:
    return (f"kernel=shape,threads={c['threads']},regs={c['registers_per_thread']},"
            f"smem={int(c['shared_memory_bytes'])}B,blocks={c['blocks']}{width(BODY_WIDTHS.get(c['body']))},"
            f"duration={us(float(c['alone_s']))},bytes={mb(float(c['hbm_bytes']))}"
            f"{footprint(float(c['hbm_bytes']))}").replace("smem=0B", "smem=0")


# --probe units (interference_grid.py): family, HBM bytes per launch, access width. All held out
# (a diagnostic; the run's role column predates that declaration, see interference_grid.py). PyTorch's
# contiguous copy is left out: CUDA runs it as a device-to-device memcpy, which reports no launch shape.
PROBE_CHUNK_BYTES = 32 * 2 * 256 * 8 * 128 * 2
PROBES = {"torch_copy_strided": ("probe-torch-strided-copy", 2 * PROBE_CHUNK_BYTES, 2),
          "cupy_copy2": ("probe-copy-2-byte", 2 * PROBE_CHUNK_BYTES, 2),
          "cupy_copy16": ("probe-copy-16-byte", 2 * PROBE_CHUNK_BYTES, 16),
          "cupy_alu": ("probe-alu", 0, None)}


def probe_argument(unit: str, kernel: dict, alone_s: float) -> tuple[str, str]:
    family, nbytes, access = PROBES[unit]
    return family, (f"kernel=shape,threads={kernel['threads']},regs={kernel['registers_per_thread']},smem=0,"
                    f"blocks={kernel['blocks']}{width(access)},duration={us(alone_s)},bytes={mb(nbytes)}")


# family suffix of a synthetic co-runner by its body (the access-width grid names all four widths)
BODY_FAMILIES = {"mem": "memory", "alu": "compute", "mem2": "2-byte", "mem4": "4-byte", "mem8": "8-byte",
                 ("widths", "mem"): "16-byte"}

H200_MACHINE = "NVIDIA H200 141GB, 132 SMs, driver 580.159.04, torch 2.11, CUDA 13.0 (validation/traces/h200/gpu.json)"
