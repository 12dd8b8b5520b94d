#!/usr/bin/env bash
# The blocker diagnostics' run, shared by the declared scripts that make them (pending_tail_blockers.sh,
# pending_tail_memory.sh): residual_wait.py in one mode on an H100 or an H200, its folder named for the GPU.
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/blocker_runs.sh MODE FOLDER SEED
#     (MODE a residual_wait.py flag such as --tail; the folder OUT/<h100|h200>/FOLDER/, its log OUT/FOLDER.log)
set -u
: "${OUT:?set OUT to the output folder}"
mode=$1 folder=$2 seed=$3
name=$(nvidia-smi --query-gpu=name --format=csv,noheader); echo "$name"
case "$name" in *H100*) gpu=h100;; *H200*) gpu=h200;; *) echo "not an H100 or H200: nothing measured"; exit 0;; esac
dir="$OUT/$gpu/$folder"
mkdir -p "$dir"
timeout 200 python3 "$(dirname "$0")/residual_wait.py" "$dir" "$mode" --units 120 --budget 150 --seed "$seed" \
    > "$OUT/$folder.log" 2>&1
echo "rc $?"; tail -3 "$OUT/$folder.log"
cp "$OUT/$folder.log" "$dir/collector_log.txt" 2>/dev/null
