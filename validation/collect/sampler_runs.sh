#!/usr/bin/env bash
# The SM sampler's runs, shared by the declared scripts that make them (pending_sm_sampler.sh, pending_gemm_tails.sh):
# sm_sampler.py beside decode (or its GEMMs) of one or more model shapes on an H100, one process a shape, windows.csv
# gzipped, the folders packed into one tarball after each shape (a cut-off run keeps the rest).
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/sampler_runs.sh SUB PREFIX TARBALL SECONDS \
#     "EXTRA ARGUMENTS" TAG:MODEL:LAYERS:POINTS ...      (folders OUT/SUB/PREFIX_TAG/)
set -u
: "${OUT:?set OUT to the output folder}"
sub=$1 prefix=$2 tarball=$3 seconds=$4 extra=$5
shift 5
name=$(nvidia-smi --query-gpu=name --format=csv,noheader); echo "$name"
case "$name" in *H100*) ;; *) echo "not an H100: nothing measured"; exit 0;; esac
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT/$sub"
for spec in "$@"; do
    IFS=: read -r tag model layers points <<< "$spec"
    dir="$OUT/$sub/${prefix}_$tag"
    # shellcheck disable=SC2086  # extra: several arguments
    timeout "$seconds" python3 "$here/sm_sampler.py" "$dir" $extra --model "$model" ${layers:+--layers "$layers"} \
        --points "$points" --steps 3 > "$OUT/$sub/$tag.log" 2>&1
    echo "$tag rc $?"; tail -3 "$OUT/$sub/$tag.log"
    cp "$OUT/$sub/$tag.log" "$dir/collector_log.txt" 2>/dev/null
    gzip -f "$dir/windows.csv" 2>/dev/null
    (cd "$OUT/$sub" && tar czf "../$tarball" "${prefix}"_*/)
done
