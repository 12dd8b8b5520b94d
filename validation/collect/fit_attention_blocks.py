"""Fit the rate one block of decode's attention streams at (``attention_grid.block_bandwidth``) to the
profiled attention kernels, not to any step time (docs/modeling.md, The decode step).

Each cuDNN SDPA decode kernel in h200/decode_shapes*/decode_kernels.csv (44 decode points, batch 1-96,
64-768 blocks; median over a point's 32 layers and repeats) is modelled as a fixed cost per kernel t0
plus its KV bytes (batch x context x 2 x KV heads x head dim x 2 B) at the step's HBM bandwidth
(peak x decode_efficiency, the H200 spec's), stretched by its waves (attention.wave_stretch: every wave
takes as long as HBM's bandwidth over one block's rate of blocks would, at least). t0 and the block
rate are fitted by least squares on relative error. The step model keeps t0 out (the step's fixed
overhead holds its kernels' fixed costs); the decode step times (h200_decode*.csv) stay held out.

Run: python validation/collect/fit_attention_blocks.py [--gpu h200|h100-sxm]   (prints the fit and each point)
--gpu h100-sxm reads validation/traces/h100/decode_shapes*/ with the H100 spec's bandwidth and efficiency (its
kernels profiled at 38 points, 2026-12-05, a twenty-first session).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.optimize import least_squares

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from nicmodel.engines.plan import compile_scenario  # noqa: E402
from nicmodel.engines.serving.attention import wave_stretch  # noqa: E402
from nicmodel.engines.serving.occupancy import blocks_per_sm, shape_at  # noqa: E402
from nicmodel.spec.loader import load_scenario  # noqa: E402


FOLDERS = {"h200": "h200", "h100-sxm": "h100"}  # the GPU spec -> its traces' folder


def kernels(folder: str = "h200") -> list[tuple[int, int, int, float]]:
    """(batch, context, blocks, median seconds) of the SDPA kernels at each profiled decode point."""
    found = defaultdict(list)
    for path in sorted((ROOT / "validation/traces" / folder).glob("decode_shapes*/decode_kernels.csv")):
        with open(path) as handle:
            for r in csv.DictReader(handle):
                if "sdpa" in r["name"]:
                    found[(int(r["batch"]), int(r["context"]), int(r["blocks"]))].append(float(r["duration_us"]) * 1e-6)
    return [(b, c, n, statistics.median(v)) for (b, c, n), v in sorted(found.items())]


def main() -> None:
    ap = argparse.ArgumentParser(description="fit attention's per-block rate to the profiled SDPA kernels")
    ap.add_argument("--gpu", choices=sorted(FOLDERS), default="h200")
    gpu = ap.parse_args().gpu
    _, p = compile_scenario(load_scenario(str(ROOT / "pipelines/shadowserve.yaml"), [f"gpu={gpu}"]))
    bandwidth = float(p["gpu.memory.peak_bandwidth"]) * float(p["gpu.decode_efficiency"])
    slots = float(p["gpu.sms"]) * blocks_per_sm(p, shape_at(p, "gpu.decode_kernels.attention"))
    per_token = 2 * float(p["model.kv_heads"]) * float(p["model.head_dim"]) * 2  # K and V of one layer, bf16
    points = kernels(FOLDERS[gpu])

    def model(x, point):
        t0_us, rate_gbs = x
        batch, context, blocks, _ = point
        return t0_us * 1e-6 + batch * context * per_token / bandwidth * wave_stretch(blocks, slots, bandwidth / (rate_gbs * 1e9))

    fit = least_squares(lambda x: [(model(x, pt) - pt[3]) / pt[3] for pt in points], [3.0, 45.0], diff_step=1e-4)
    jac = fit.jac
    cov = np.linalg.inv(jac.T @ jac) * float(np.sum(fit.fun ** 2)) / (len(points) - 2)
    err = np.sqrt(np.diag(cov))
    print(f"{len(points)} kernels; step bandwidth {bandwidth / 1e12:.3f} TB/s, {slots:.0f} slots")
    print(f"t0 {fit.x[0]:.2f} us (+-{err[0]:.2f}), block rate {fit.x[1]:.2f} GB/s (+-{err[1]:.2f}); "
          f"rms {np.sqrt(np.mean(fit.fun ** 2)) * 100:.2f}%, worst {max(fit.fun, key=abs) * 100:+.1f}%")
    for pt, r in zip(points, fit.fun):
        print(f"  {pt[0]:3d} x {pt[1]:6d}  {pt[2]:4d} blocks  {pt[3] * 1e6:7.1f} us  {r * 100:+5.1f}%")


if __name__ == "__main__":
    main()
