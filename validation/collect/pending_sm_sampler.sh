#!/usr/bin/env bash
# A declared diagnostic (validation/collect/declared_runs.md, the thirty-first session's SM-sampler entry; nothing
# fitted to it): which SMs decode's kernels leave free over a step, sampled by short one-SM blocks on a side stream
# (sm_sampler.py), beside the 405B shape (3 layers) and the 70B shape (12 layers) at 2 x 2048 and 16 x 4096, and
# Llama-3-8B as a control. Rules in tests/test_sm_sampler.py, written before the run. Declared for an H100; on anything
# else it measures nothing. About 3 minutes. Then, on this repository: untar OUT/sm_sampler.tgz into
# validation/traces/h100/ (windows.csv is large: keep summary.csv, alone.csv and the log; windows.csv gzipped).
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_sm_sampler.sh
set -u
: "${OUT:?set OUT to the output folder}"
name=$(nvidia-smi --query-gpu=name --format=csv,noheader); echo "$name"
case "$name" in *H100*) ;; *) echo "not an H100: nothing measured"; exit 0;; esac
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT/s"
for spec in 405b:llama-3.1-405b:3 70b:llama-3-70b:12 8b:llama-3-8b:; do
    IFS=: read -r tag model layers <<< "$spec"
    dir="$OUT/s/sm_sampler_$tag"
    timeout 150 python3 "$here/sm_sampler.py" "$dir" --model "$model" ${layers:+--layers "$layers"} \
        --points 2x2048,16x4096 --steps 3 > "$OUT/s/$tag.log" 2>&1
    echo "$tag rc $?"; tail -3 "$OUT/s/$tag.log"
    cp "$OUT/s/$tag.log" "$dir/collector_log.txt" 2>/dev/null
    gzip -f "$dir/windows.csv" 2>/dev/null
    (cd "$OUT/s" && tar czf ../sm_sampler.tgz sm_sampler_*/)
done
