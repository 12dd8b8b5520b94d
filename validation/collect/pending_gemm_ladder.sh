#!/usr/bin/env bash
# A declared run (validation/collect/declared_runs.md, the twenty-fourth session's entry): three data-plane
# units (the paged-KV scatter, torch.cat of eight chunks, LMCache's dequantization) beside decode steps whose
# weight GEMMs run from a quarter of the 8B's to about 13x them, on one H100 in one session: Llama-3.2-1B-shaped
# (all 16 layers), Llama-3-8B (32), Llama-3-70B-shaped (first 12 layers, as the twenty-third session's run) and
# Llama-3.1-405B-shaped (first 3 layers). Its questions (tests/test_gemm_ladder.py's claims): how a launch's turn
# wait follows decode's GEMM length on one GPU, whether the many-wave launches' miss grows with it, and a second
# reading of which charge of decode's loss the waits follow. Declared for an H100 (the claims read the H100's
# spec); on anything else it measures nothing. About 5 minutes; no decoder build (the units need none).
# Then, on this repository: untar OUT/gemm_ladder.tgz into validation/traces/h100/ and build each trace:
#   for m in 1b 8b 70b 405b; do python validation/collect/make_interference_traces.py \
#       --run h100/dataplane_ladder_${m}_random:regime --gpu h100-sxm --out h100_dataplane_ladder_${m}_interference.csv; done
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_gemm_ladder.sh
set -u
exec "$(dirname "$0")/ladder_runs.sh" ladder gemm_ladder.tgz 12x2048,4x4096,8x8192 \
    1b:llama-3.2-1b: 8b:llama-3-8b: 70b:llama-3-70b:12 405b:llama-3.1-405b:3
