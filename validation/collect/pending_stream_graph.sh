#!/usr/bin/env bash
# A declared diagnostic (validation/collect/declared_runs.md, the thirtieth session's entry; nothing fitted, nothing
# adopted from it alone): stream launches against their graph twins along the GEMM-length ladder. The short ALU units
# (1,024 blocks of 128 threads, 64 / 256 / 1,024 iterations: ~2.7, ~6.6, ~22 us) 32 launches from Python and as a CUDA
# graph, and the paged-KV scatter three ways (from Python on the legacy stream as the ladder ran it, from Python on the
# synthetic units' stream, and as a graph on it), beside decode of the ladder's four shapes at its three points
# (12 x 2k, 4 x 4k, 8 x 8k): Llama-3.2-1B (12-us weight GEMMs), Llama-3-8B (36 us), Llama-3-70B (12 of 80 layers,
# 144 us), Llama-3.1-405B (3 of 126 layers, 560 us). Question and decision rules in tests/test_stream_graph.py,
# written before the run. Declared for an H100 or an H200 (amended before any run: no H100 could be started); on
# anything else it measures nothing. About 6 minutes.
# Then, on this repository: untar OUT/stream_graph.tgz into validation/traces/GPU/ (h100 or h200, as it printed) and
# build each trace:
#   for m in 1b 8b 70b 405b; do python validation/collect/make_interference_traces.py \
#       --run GPU/stream_graph_${m}_random:short --gpu SPEC --out GPU_stream_graph_${m}_interference.csv; done
#   (SPEC h100-sxm or h200)
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_stream_graph.sh
set -u
: "${OUT:?set OUT to the output folder}"
name=$(nvidia-smi --query-gpu=name --format=csv,noheader); echo "$name"
case "$name" in *H100*|*H200*) ;; *) echo "not an H100 or H200: nothing measured"; exit 0;; esac
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT/g"
for spec in 8b:llama-3-8b: 405b:llama-3.1-405b:3 70b:llama-3-70b:12 1b:llama-3.2-1b:; do  # the rules' shapes first
    IFS=: read -r tag model layers <<< "$spec"
    dir="$OUT/g/stream_graph_${tag}_random"
    timeout 170 python3 "$here/interference_grid.py" "$dir" --short --twins --phase random \
        --points 12x2048,4x4096,8x8192 --kernels alu:1024:64,alu:1024:256,alu:1024:1024 \
        --model "$model" ${layers:+--layers "$layers"} --budget 110 > "$OUT/g/$tag.log" 2>&1
    echo "$tag rc $?"; tail -3 "$OUT/g/$tag.log"
    cp "$OUT/g/$tag.log" "$dir/collector_log.txt" 2>/dev/null
    (cd "$OUT/g" && tar czf "../stream_graph.tgz" stream_graph_*/)  # after each shape: a cut-off run keeps the rest
done
