#!/usr/bin/env bash
# A declared run (validation/collect/declared_runs.md, the twenty-eighth session's entry): the ladder's three
# data-plane units (the paged-KV scatter, torch.cat of eight chunks, LMCache's dequantization) beside four decode
# shapes no interference run had: Llama-2-7B, Qwen2.5-7B (every layer), Yi-34B (first 16 of 60) and Mistral-7B
# (every layer). The first three's weight GEMMs leave a one-wave launch much of its room at some batch
# (h100/model_grids/: the share of their GEMM time in grids of 120 blocks or more 0.41-0.85), Mistral-7B's hold
# nearly every SM (0.83-0.93): a sealed check of the grid wait (validation/calibration/grid_wait_screen.py, its
# values in grid_wait_candidate.json, both committed before the run) against the committed turn wait; claims in
# tests/test_grid_rungs.py, written before the run. Declared for an H100; on anything else it measures nothing.
# About 8 minutes. Then, on this repository: untar OUT/grid_rungs.tgz into validation/traces/h100/ and build each trace:
#   for m in llama2_7b qwen7b yi34b mistral7b; do python validation/collect/make_interference_traces.py \
#       --run h100/dataplane_ladder_${m}_random:regime --gpu h100-sxm --out h100_dataplane_ladder_${m}_interference.csv; done
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_grid_rungs.sh
set -u
exec "$(dirname "$0")/ladder_runs.sh" ladder grid_rungs.tgz 12x2048,4x4096,8x8192 \
    llama2_7b:llama-2-7b: qwen7b:qwen2.5-7b: yi34b:yi-34b:16 mistral7b:mistral-7b:
