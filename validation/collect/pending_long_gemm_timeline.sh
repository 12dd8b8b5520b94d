#!/usr/bin/env bash
# A declared diagnostic (validation/collect/declared_runs.md, the twenty-sixth session's entry): block timelines of
# many-wave launches beside long GEMMs. block_timeline.py's manyN and seqN co-runners at a random point of the step,
# beside the 405B shape (3 layers; the model's mean GEMM 560 us), the 70B shape (12 layers; 144 us) and Llama-3-8B
# (36 us, the control inside the fitted band), at 12 x 2048 (the ladder's point, whose decode kernels the ladder's
# CUPTI timelines hold: h100/dataplane_ladder_*_random/decode_kernels.csv). Every point held out; nothing is fitted
# to it. About 4 minutes on an H100 or an H200 (an H100 first: the regime's traces are an H100's). Then, on this
# repository: untar OUT/long_gemm_timeline.tgz and summarize it into validation/traces/<gpu>/long_gemm_timeline/.
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_long_gemm_timeline.sh
set -u
: "${OUT:?set OUT to the output folder}"
here=$(cd "$(dirname "$0")" && pwd)
nvidia-smi --query-gpu=name --format=csv,noheader
t0=$(date +%s)
mkdir -p "$OUT/t"
for spec in 405b:llama-3.1-405b:3 70b:llama-3-70b:12 8b:llama-3-8b:; do
    IFS=: read -r tag model layers <<< "$spec"
    dir="$OUT/t/long_gemm_timeline_$tag"
    timeout 150 python3 "$here/block_timeline.py" "$dir" --points 12x2048 --phase random --seed 26 \
        --model "$model" ${layers:+--layers "$layers"} --target-us 200 --many-us 50 \
        --corunners many8192:1,many8192:4,many32768:1,seq8192:2 > "$OUT/t/$tag.log" 2>&1
    echo "$tag rc $? $(( $(date +%s) - t0 ))s"; tail -4 "$OUT/t/$tag.log"
    cp "$OUT/t/$tag.log" "$dir/collector_log.txt" 2>/dev/null
    (cd "$OUT/t" && tar czf ../long_gemm_timeline.tgz long_gemm_timeline_*/)
done
