#!/usr/bin/env bash
# The graph-landing sets' runs, shared by the declared scripts that make them (pending_graph_landing.sh,
# pending_graph_sealed2.sh): the short units (the ~2.7- and ~6.6-us ALU units and the 2-byte streaming unit, 1,024
# blocks of 128 threads) from Python and as CUDA graphs, and the paged-KV scatter three ways (interference_grid.py
# --short --twins), beside decode of one or more model shapes on an H100, one process a shape, the folders packed into
# one tarball after each shape (a cut-off run keeps the rest).
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/short_twin_runs.sh PREFIX TARBALL POINTS \
#     TAG:MODEL:LAYERS ...      (folders OUT/g/PREFIX_TAG_random/)
set -u
: "${OUT:?set OUT to the output folder}"
prefix=$1 tarball=$2 points=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
name=$(nvidia-smi --query-gpu=name --format=csv,noheader); echo "$name"
case "$name" in *H100*) ;; *) echo "not an H100: nothing measured"; exit 0;; esac
mkdir -p "$OUT/g"
for spec in "$@"; do
    IFS=: read -r tag model layers <<< "$spec"
    dir="$OUT/g/${prefix}_${tag}_random"
    timeout 140 python3 "$here/interference_grid.py" "$dir" --short --twins --phase random \
        --points "$points" --kernels mem2:1024:4,alu:1024:64,alu:1024:256 \
        --model "$model" ${layers:+--layers "$layers"} --budget 95 > "$OUT/g/$tag.log" 2>&1
    echo "$tag rc $?"; tail -3 "$OUT/g/$tag.log"
    cp "$OUT/g/$tag.log" "$dir/collector_log.txt" 2>/dev/null
    (cd "$OUT/g" && tar czf "../$tarball" "${prefix}_"*/)
done
