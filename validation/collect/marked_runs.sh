#!/usr/bin/env bash
# The marked timelines' run, shared by the declared scripts that make them (pending_marked_timeline*.sh):
# block_timeline.py --marks beside each decode shape given, at 4 x 2048, 12 x 2048 and 3 x 4096 (MARKED_POINTS, where
# set, in their place), seed 39 (MARKED_SEED, where set), the graph-timeline
# run's co-runners (the scatter and the ~2.7-us ALU unit, from Python and as graphs); on an H100 only.
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/marked_runs.sh TGZ TAG:MODEL:LAYERS...
#     (LAYERS empty for every layer; the folders OUT/m/marked_timeline_TAG/, tarred into OUT/TGZ after each shape)
set -u
: "${OUT:?set OUT to the output folder}"
tgz=$1; shift
name=$(nvidia-smi --query-gpu=name --format=csv,noheader); echo "$name"
case "$name" in *H100*) ;; *) echo "not an H100: nothing measured"; exit 0;; esac
here=$(cd "$(dirname "$0")" && pwd)
t0=$(date +%s)
mkdir -p "$OUT/m"
for spec in "$@"; do
    IFS=: read -r tag model layers <<< "$spec"
    dir="$OUT/m/marked_timeline_$tag"
    timeout 120 python3 "$here/block_timeline.py" "$dir" --points "${MARKED_POINTS:-4x2048,12x2048,3x4096}" --phase random --seed "${MARKED_SEED:-39}" \
        --model "$model" ${layers:+--layers "$layers"} --target-us 200 --one-iters 64 --marks \
        --corunners scatter:32,scatter:32:graph,one1024:32,one1024:32:graph > "$OUT/m/$tag.log" 2>&1
    echo "$tag rc $? $(( $(date +%s) - t0 ))s"; tail -4 "$OUT/m/$tag.log"
    cp "$OUT/m/$tag.log" "$dir/collector_log.txt" 2>/dev/null
    (cd "$OUT/m" && tar czf "../$tgz" marked_timeline_*/)
done
