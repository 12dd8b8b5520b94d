"""The declared GEMM split of the scatter's time (validation/collect/declared_runs.md, the twenty-first
session's entries): its time per kernel beside decode's weight GEMMs alone, read from the committed runs as
declared, on both GPUs. A reading, not a fit: nothing in the model is fitted to these folders."""

import csv
import statistics
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def per_kernel(folder: str, unit: str = "paged_scatter") -> dict[tuple[int, int], float]:
    """{(batch, context): mean over the run's rows of the unit's time beside decode over its kernels' time alone}."""
    path = ROOT / "validation/traces" / folder
    kernels = [float(r["duration_us"]) * 1e-6 for r in csv.DictReader(open(path / "kernels.csv")) if r["unit"] == unit]
    alone = sum(kernels)
    by: dict[tuple[int, int], list[float]] = {}
    for r in csv.DictReader(open(path / "interference_grid.csv")):
        if r["corunner"] == unit:
            by.setdefault((int(r["batch"]), int(r["context_tokens"])), []).append(float(r["corunner_beside_s"]) / alone)
    return {k: statistics.mean(v) for k, v in by.items()}


def test_the_h100_reading_as_recorded():
    got = per_kernel("h100/dataplane_phase_gemv")
    assert got[(1, 1024)] == pytest.approx(6.80, abs=0.005) and got[(16, 8192)] == pytest.approx(7.23, abs=0.005)


def test_the_h200_reading_and_its_declared_outcome():
    gemv, rest = per_kernel("h200/dataplane_phase_gemv"), per_kernel("h200/dataplane_phase_rest")
    assert gemv[(1, 1024)] == pytest.approx(5.70, abs=0.005) and gemv[(16, 8192)] == pytest.approx(5.84, abs=0.005)
    assert rest[(1, 1024)] == pytest.approx(5.35, abs=0.005) and rest[(16, 8192)] == pytest.approx(5.08, abs=0.005)
    # the rule: near the model of the time (4.43x, 4.70x) on the H200 -> the GPU's GEMM length; above on both -> both
    model = {(1, 1024): 4.43, (16, 8192): 4.70}
    assert all(gemv[k] > 1.15 * m for k, m in model.items())
    h100 = per_kernel("h100/dataplane_phase_gemv")
    assert all(1.15 < h100[k] / gemv[k] < 1.25 for k in model)  # the H100's GEMMs 1.4x longer, its growth 1.2x
