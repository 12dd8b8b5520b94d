#!/usr/bin/env bash
# A declared diagnostic (validation/collect/declared_runs.md, the thirty-seventh session's marked-timeline entry;
# nothing fitted to it, every point held out): the graph-timeline run (pending_graph_timeline.sh) again with the
# decode step marked before and after each weight GEMM (block_timeline.py --marks, marked_decode.py), beside the 70B
# shape (12 layers) and the 405B shape (3 layers), at 4 x 2048 (the tail-GEMM diagnostic's batch), 12 x 2048 and
# 3 x 4096: in which decode kernel each scatter and ALU launch became ready, waited and ran. Seed 39. Under a
# minute on an H100; on anything else it measures nothing. Then, on this repository: untar
# OUT/marked_timeline.tgz into validation/traces/h100/ and read it with validation/collect/timeline_marks.py.
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_marked_timeline.sh
set -u
: "${OUT:?set OUT to the output folder}"
name=$(nvidia-smi --query-gpu=name --format=csv,noheader); echo "$name"
case "$name" in *H100*) ;; *) echo "not an H100: nothing measured"; exit 0;; esac
here=$(cd "$(dirname "$0")" && pwd)
t0=$(date +%s)
mkdir -p "$OUT/m"
for spec in 70b:llama-3-70b:12 405b:llama-3.1-405b:3; do
    IFS=: read -r tag model layers <<< "$spec"
    dir="$OUT/m/marked_timeline_$tag"
    timeout 120 python3 "$here/block_timeline.py" "$dir" --points 4x2048,12x2048,3x4096 --phase random --seed 39 \
        --model "$model" --layers "$layers" --target-us 200 --one-iters 64 --marks \
        --corunners scatter:32,scatter:32:graph,one1024:32,one1024:32:graph > "$OUT/m/$tag.log" 2>&1
    echo "$tag rc $? $(( $(date +%s) - t0 ))s"; tail -4 "$OUT/m/$tag.log"
    cp "$OUT/m/$tag.log" "$dir/collector_log.txt" 2>/dev/null
    (cd "$OUT/m" && tar czf ../marked_timeline.tgz marked_timeline_*/)
done
