#!/usr/bin/env bash
# A declared diagnostic (validation/collect/declared_runs.md, the thirty-ninth session's pace entry; nothing fitted to
# it): the pace a many-wave launch keeps inside decode's weight GEMMs, read from its blocks against the marked step
# (block_timeline.py --marks --pace; timeline_pace.py). Two many-wave units from Python: the ALU unit (8,192 blocks of
# 128 threads, ~50 us alone, 4 launches a unit) and a memory-bound copy (wcopy: 8,192 blocks of 128 threads, 4 KiB
# each, 8 launches a unit), beside the 70B shape (12 of 80 layers) at 12 x 2k and 6 x 4k and the 405B shape (3 of 126)
# at 4 x 4k and 20 x 2k, random phase, seed 41. Under 3 minutes on an H100; on anything else it measures nothing.
# Then: untar OUT/marked_pace.tgz into validation/traces/h100/ and read it: python validation/collect/timeline_pace.py
# validation/traces/h100/marked_pace_*/ (the declared rule: tests/test_marked_pace.py).
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_marked_pace.sh
#     (PACE_SEED, PACE_PREFIX and PACE_SPECS, where set, in place of 41, marked_pace and the two shapes above: the
#     rerun, pending_marked_pace2.sh; the roomy GEMMs' run, pending_marked_pace3.sh)
set -u
seed=${PACE_SEED:-41} prefix=${PACE_PREFIX:-marked_pace}
specs=${PACE_SPECS:-"70b:llama-3-70b:12:12x2048,6x4096 405b:llama-3.1-405b:3:4x4096,20x2048"}
: "${OUT:?set OUT to the output folder}"
name=$(nvidia-smi --query-gpu=name --format=csv,noheader); echo "$name"
case "$name" in *H100*) ;; *) echo "not an H100: nothing measured"; exit 0;; esac
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT/m"
for spec in $specs; do
    IFS=: read -r tag model layers points <<< "$spec"
    dir="$OUT/m/${prefix}_$tag"
    timeout 150 python3 "$here/block_timeline.py" "$dir" --points "$points" --phase random --seed "$seed" \
        --model "$model" --layers "$layers" --many-us 50 --marks --pace \
        --corunners many8192:4,wcopy8192:8 > "$OUT/m/$tag.log" 2>&1
    echo "$tag rc $?"; tail -6 "$OUT/m/$tag.log"
    cp "$OUT/m/$tag.log" "$dir/collector_log.txt" 2>/dev/null
    rm -f "$dir/blocks.csv"  # the many-wave launches' blocks are in pace.csv, summed per segment
    (cd "$OUT/m" && tar czf "../$prefix.tgz" "${prefix}"_*/)
done
