#!/usr/bin/env bash
# A declared measurement (validation/collect/declared_runs.md, the thirty-third session's GEMM-tail entry; nothing fitted
# to it; reading and checks in tests/test_gemm_tails.py, written before the run): each of a layer's four weight GEMMs
# alone, every layer's back to back in one CUDA graph at high priority, beside the SM sampler (sm_sampler.py --gemms):
# how many SMs each leaves free and for what share of its time, its last round of tiles included, measured rather than
# from its tile count. One batch per cuBLAS configuration the committed grids show for the H100's shapes: Llama-3.1-405B
# (3 layers) at 4, 16, 48 and 64; Llama-3-70B (12) at 4 and 32; Llama-3-8B, Mistral-7B and Qwen2.5-7B (all) at 4 and
# 32; Qwen2.5-32B (16) at 4 and 16; Yi-34B (16) at 16; Llama-2-7B (8) at 4; context 1,024 (no attention runs).
# Declared for an H100; on anything else it measures nothing. About 6 minutes.
# Then, on this repository: untar OUT/gemm_tails.tgz into validation/traces/h100/.
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_gemm_tails.sh
set -u
exec "$(dirname "$0")/sampler_runs.sh" t gemm_tails gemm_tails.tgz 100 --gemms \
    70b:llama-3-70b:12:4x1024,32x1024 405b:llama-3.1-405b:3:4x1024,16x1024,48x1024,64x1024 \
    8b:llama-3-8b::4x1024,32x1024 mistral7b:mistral-7b::4x1024,32x1024 qwen7b:qwen2.5-7b::4x1024,32x1024 \
    qwen32b:qwen2.5-32b:16:4x1024,16x1024 yi34b:yi-34b:16:16x1024 llama2_7b:llama-2-7b:8:4x1024
