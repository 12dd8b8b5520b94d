"""The decode step's time (engines/serving/gpu.py) and attention's waves in it (attention.py,
wave_stretch), by hand and as invariants."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nicmodel.engines.serving import attention, gpu

# A Hopper-like GPU and a Llama-3-8B-like model (only what the step reads)
P = {"gpu.sms": 132, "gpu.sm_limits.max_threads": 2048, "gpu.sm_limits.registers": 65536,
     "gpu.sm_limits.shared_memory": 233472, "gpu.sm_limits.max_blocks": 32, "gpu.sm_limits.sub_partitions": 4,
     "gpu.decode_kernels.attention.threads_per_block": 128, "gpu.decode_kernels.attention.registers_per_thread": 183,
     "gpu.decode_kernels.attention.shared_memory_per_block": 86336,
     "gpu.decode_kernels.attention_grid.split_max_heads": 64, "gpu.decode_kernels.attention_grid.split_target_blocks": 256,
     "gpu.decode_kernels.attention_grid.split_min_tokens": 128,
     "gpu.decode_kernels.attention_grid.block_bandwidth": 50e9,
     "gpu.memory.peak_bandwidth": 5e12, "gpu.decode_efficiency": 0.9, "gpu.step_overhead": 1e-3,
     "gpu.bf16_dense": 989e12, "model.parameters": 8e9, "model.vocab": 128256, "model.hidden": 4096,
     "model.kv_heads": 8}
KV = 131072.0  # bytes per token


def test_wave_stretch_by_hand():
    # k = 4.5 TB/s over 50 GB/s = 90 blocks saturate HBM; 264 slots (2 attention blocks on 132 SMs)
    k = 4.5e12 / 50e9
    assert attention.wave_stretch(72, 264, k) == pytest.approx(90 / 72)  # too few blocks: 72 of 90
    assert attention.wave_stretch(96, 264, k) == 1.0  # one wave that saturates HBM
    assert attention.wave_stretch(264, 264, k) == 1.0
    assert attention.wave_stretch(288, 264, k) == pytest.approx((264 + 90) / 288)  # a last wave of 24
    assert attention.wave_stretch(528, 264, k) == 1.0  # two full waves
    assert attention.wave_stretch(540, 264, k) == pytest.approx((2 * 264 + 90) / 540)
    assert attention.wave_stretch(400, 80, k) == pytest.approx(5 * 90 / 400)  # slots below k: every wave short


def test_the_step_reads_the_kv_cache_stretched_by_attentions_waves():
    bandwidth = 5e12 * 0.9
    weights = (8e9 - 128256 * 4096) * 2.0 / bandwidth
    # batch 36: 288 blocks (no split past 64 heads), a last wave of 24 blocks: (264 + 90) / 288
    step = gpu.decode_step_time(P, KV, 36, 4096)
    assert step == pytest.approx(1e-3 + weights + 36 * 4096 * KV / bandwidth * (264 + 90) / 288)
    # batch 12: 96 blocks saturate HBM: the bytes alone
    assert gpu.decode_step_time(P, KV, 12, 4096) == pytest.approx(1e-3 + weights + 12 * 4096 * KV / bandwidth)
    # without a block bandwidth the grid does not matter
    bare = {k: v for k, v in P.items() if not k.endswith("block_bandwidth")}
    assert gpu.decode_step_time(bare, KV, 36, 4096) == pytest.approx(1e-3 + weights + 36 * 4096 * KV / bandwidth)


def test_the_vectorized_rules_match_the_scalar_ones():
    blocks = np.array([1, 50, 72, 96, 264, 288, 540, 801])
    assert list(attention.wave_stretch(blocks, 264, 90.0)) == [attention.wave_stretch(int(n), 264, 90.0) for n in blocks]
    batch, context = np.array([1, 9, 36, 70]), np.array([192, 4096, 2048, 8192])
    assert list(attention.attention_stretch(P, batch, context)) == [
        attention.attention_stretch(P, int(b), int(c)) for b, c in zip(batch, context)]


def test_grid_blocks_matches_the_scalar_rule_on_arrays():
    batch = np.array([1, 4, 8, 9, 33, 36, 64, 100])
    context = np.array([1024, 8192, 4096, 4096, 8192, 2048, 512, 64])
    expected = [attention.attention_blocks(P, float(b), float(c)) for b, c in zip(batch, context)]
    assert list(attention.grid_blocks(P, batch, context)) == expected
    assert expected[:4] == [64.0, 256.0, 256.0, 72.0]  # 1 x 1k: 8 splits of 128 tokens


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 160), st.integers(64, 32768), st.floats(10e9, 200e9))
def test_the_stretch_never_shortens_and_more_block_bandwidth_never_slows(batch, context, rate):
    faster = {**P, "gpu.decode_kernels.attention_grid.block_bandwidth": rate * 1.5}
    slower = {**P, "gpu.decode_kernels.attention_grid.block_bandwidth": rate}
    assert attention.attention_stretch(slower, batch, context) >= 1.0
    assert gpu.decode_step_time(faster, KV, batch, context) <= gpu.decode_step_time(slower, KV, batch, context)
    # past the split grids (batch x 8 KV heads above 64), a longer context never takes less time; with
    # splits it can: more context starts more blocks (batch 1: 8 blocks at 192 tokens, 16 at 256)
    if batch > 8:
        assert gpu.decode_step_time(slower, KV, batch, context + 64) >= gpu.decode_step_time(slower, KV, batch, context)
