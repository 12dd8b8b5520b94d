#!/usr/bin/env bash
# A declared diagnostic (validation/collect/declared_runs.md, the thirty-first session's graph-timeline entry; nothing
# fitted to it, every point held out): block timelines of short launches from Python and replayed from a CUDA graph
# beside long GEMMs. block_timeline.py's scatter (32 launches of 1,024 blocks copying 512 2-byte elements each, the
# paged-KV scatter's grid and traffic) and one1024 (32 launches of 1,024 blocks of 128 threads, ALU body, 64
# iterations: the short units' ~2.7-us launch), each from Python and as a graph, at a random point of the step, beside
# the 405B shape (3 layers), the 70B shape (12 layers), Yi-34B (16 layers) and Llama-3-8B (the control), at 12 x 2048
# and 3 x 4096 (points the stream/graph and short-rounds runs had; none of the graph-landing sealed set's). About 5
# minutes on an H100. Then, on this repository: untar OUT/graph_timeline.tgz into validation/traces/h100/.
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_graph_timeline.sh
set -u
: "${OUT:?set OUT to the output folder}"
name=$(nvidia-smi --query-gpu=name --format=csv,noheader); echo "$name"
case "$name" in *H100*) ;; *) echo "not an H100: nothing measured"; exit 0;; esac
here=$(cd "$(dirname "$0")" && pwd)
t0=$(date +%s)
mkdir -p "$OUT/t"
for spec in 405b:llama-3.1-405b:3 70b:llama-3-70b:12 yi34b:yi-34b:16 8b:llama-3-8b:; do
    IFS=: read -r tag model layers <<< "$spec"
    dir="$OUT/t/graph_timeline_$tag"
    timeout 120 python3 "$here/block_timeline.py" "$dir" --points 12x2048,3x4096 --phase random --seed 31 \
        --model "$model" ${layers:+--layers "$layers"} --target-us 200 --one-iters 64 \
        --corunners scatter:32,scatter:32:graph,one1024:32,one1024:32:graph > "$OUT/t/$tag.log" 2>&1
    echo "$tag rc $? $(( $(date +%s) - t0 ))s"; tail -4 "$OUT/t/$tag.log"
    cp "$OUT/t/$tag.log" "$dir/collector_log.txt" 2>/dev/null
    (cd "$OUT/t" && tar czf ../graph_timeline.tgz graph_timeline_*/)
done
