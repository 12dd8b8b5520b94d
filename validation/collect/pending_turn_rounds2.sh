#!/usr/bin/env bash
# A declared run (validation/collect/declared_runs.md, the twenty-ninth session's second entry): the turn rounds'
# second sealed check, on the data-plane kernels the designs run. The ladder's three data-plane units beside five
# decode shapes at points no run had, each where the shape's weight GEMMs leave SMs free for much of their time
# (gpu.decode_gemm_grids): Qwen2.5-7B at batch 10, Mistral-7B and Llama-3-8B at batch 8, Qwen2.5-14B (24 of 48
# layers) at batches 24-32, Yi-34B (16 of 60) at batches 1-4. The candidate (turn_rounds_screen.py, its values in
# turn_rounds_candidate.json) is unchanged since the first check; claims in tests/test_turn_rounds.py
# (test_the_second_check_as_declared), written before the run. Declared for an H100; on anything else it measures
# nothing. About 3 minutes.
# Then, on this repository: untar OUT/turn_rounds2.tgz into validation/traces/h100/ and build each trace:
#   for m in qwen7b mistral7b 8b qwen14b yi34b; do python validation/collect/make_interference_traces.py \
#       --run h100/dataplane_rounds2_${m}_random:regime --gpu h100-sxm --out h100_dataplane_rounds2_${m}_interference.csv; done
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_turn_rounds2.sh
set -u
here=$(dirname "$0")
"$here/ladder_runs.sh" rounds2 turn_rounds2.tgz 10x2048,10x4096,10x8192 qwen7b:qwen2.5-7b: || exit $?
"$here/ladder_runs.sh" rounds2 turn_rounds2.tgz 8x2048,8x4096,8x6144 mistral7b:mistral-7b: 8b:llama-3-8b: || exit $?
"$here/ladder_runs.sh" rounds2 turn_rounds2.tgz 24x2048,28x2048,32x1024 qwen14b:qwen2.5-14b:24 || exit $?
exec "$here/ladder_runs.sh" rounds2 turn_rounds2.tgz 1x8192,2x2048,4x2048 yi34b:yi-34b:16
