#!/usr/bin/env bash
# A declared run (validation/collect/declared_runs.md, the twenty-eighth session's second entry): the grid wait's
# second sealed check, on another GPU. The ladder's three data-plane units beside five decode shapes on an H200:
# Yi-34B (16 of 60 layers), Qwen2.5-7B (every layer), Qwen2.5-14B (24 of 48), Llama-2-7B (8 of 32: its KV cache at
# 12 x 8k does not fit with every layer) and Mistral-7B (every layer). The candidate (grid_wait_screen.py, values
# in grid_wait_candidate.json) is unchanged since the first check; claims in tests/test_grid_rungs.py, written
# before the run. Declared for an H200; on anything else it measures nothing. About 3 minutes.
# Then, on this repository: untar OUT/grid_rungs_h200.tgz into validation/traces/h200/ and build each trace:
#   for m in yi34b qwen7b qwen14b llama2_7b mistral7b; do python validation/collect/make_interference_traces.py \
#       --run h200/dataplane_ladder_${m}_random:regime --gpu h200 --out h200_dataplane_ladder_${m}_interference.csv; done
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_grid_rungs_h200.sh
set -u
LADDER_GPU=H200 exec "$(dirname "$0")/ladder_runs.sh" ladder grid_rungs_h200.tgz 12x2048,4x4096,8x8192 \
    yi34b:yi-34b:16 qwen7b:qwen2.5-7b: qwen14b:qwen2.5-14b:24 llama2_7b:llama-2-7b:8 mistral7b:mistral-7b:
