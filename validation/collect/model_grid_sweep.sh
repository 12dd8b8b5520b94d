#!/usr/bin/env bash
# Decode's kernels for the ten bundled models' shapes (the first two layers each) at sixteen batches from 1 to 64,
# for the weight-GEMM grid entries of the GPU specs (validation/calibration/gemm_grids.py; gpu.decode_gemm_grids):
# cuBLAS's tiles follow the batch, and between two measured batches an entry is used only where both ran the same
# grids, so a sweep is what lets an answer at any batch up to 64 read them. Spec data: nothing is fitted to it or
# checked on it. The context is 1k everywhere (grids do not follow it: validation/traces/h100/decode_shapes*/).
# Then, on this repository: untar OUT/model_grid_sweep.tgz into validation/traces/<gpu>/ and run
#   python validation/calibration/gemm_grids.py --write
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/model_grid_sweep.sh
set -u
: "${OUT:?set OUT to the output folder}"
name=$(nvidia-smi --query-gpu=name --format=csv,noheader); echo "$name"
case "$name" in *H100*) dir=model_grid_sweep;; *H200*) dir=model_grid_sweep;; *) echo "not an H100 or H200"; exit 0;; esac
points=$(for b in 1 2 3 4 6 8 10 12 16 20 24 28 32 40 48 64; do printf '%sx1024,' "$b"; done)
timeout 400 python3 "$(dirname "$0")/decode_shapes.py" "$OUT/$dir" --points "${points%,}" --layers 2 \
    --model llama-3.2-1b --model llama-3-8b --model mistral-7b --model llama-2-7b --model qwen2.5-7b \
    --model qwen2.5-14b --model qwen2.5-32b --model yi-34b --model llama-3-70b --model llama-3.1-405b \
    > "$OUT/sweep.log" 2>&1
echo "rc $?"; tail -3 "$OUT/sweep.log"; cp "$OUT/sweep.log" "$OUT/$dir/collector_log.txt"
(cd "$OUT" && tar czf model_grid_sweep.tgz "$dir")
