#!/usr/bin/env bash
# The ladder's runs, shared by the declared scripts that make them (pending_gemm_ladder.sh, pending_qwen_rungs.sh,
# pending_pace_crawl.sh): the ladder's three data-plane units beside decode of one or more model shapes on an H100,
# one interference_grid.py process a shape, the folders packed into one tarball after each shape (the device returns few
# files; a cut-off run keeps the shapes it finished).
#
# Usage (device machine, repository root): OUT=/some/dir [LADDER_GPU=H200] validation/collect/ladder_runs.sh PREFIX TARBALL POINTS \
#     TAG:MODEL:LAYERS ...      (LAYERS empty: every layer; folders OUT/g/dataplane_PREFIX_TAG_random/)
set -u
: "${OUT:?set OUT to the output folder}"
prefix=$1 tarball=$2 points=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
name=$(nvidia-smi --query-gpu=name --format=csv,noheader); echo "$name"
want=${LADDER_GPU:-H100}  # the GPU the declaring script names (an H100 unless it says otherwise)
case "$name" in *"$want"*) ;; *) echo "not an $want: nothing measured"; exit 0;; esac
units=paged_scatter,cat_8_chunks,dequantize_as_written
mkdir -p "$OUT/g"
for spec in "$@"; do
    IFS=: read -r tag model layers <<< "$spec"
    dir="$OUT/g/dataplane_${prefix}_${tag}_random"
    timeout 170 python3 "$here/interference_grid.py" "$dir" --dataplane --phase random --points "$points" \
        --model "$model" ${layers:+--layers "$layers"} --units "$units" --budget 110 > "$OUT/g/$tag.log" 2>&1
    echo "$tag rc $?"; tail -3 "$OUT/g/$tag.log"
    cp "$OUT/g/$tag.log" "$dir/collector_log.txt" 2>/dev/null
    (cd "$OUT/g" && tar czf "../$tarball" "dataplane_${prefix}_"*/)  # after each shape: a cut-off run keeps the rest
done
