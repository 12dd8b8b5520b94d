#!/usr/bin/env bash
# A declared run (validation/collect/declared_runs.md, the twenty-ninth session's entry): the sealed check of the turn
# rounds (validation/calibration/turn_rounds_screen.py, its values in turn_rounds_candidate.json, both committed
# before the run; claims in tests/test_turn_rounds.py, written before the run). Short one-wave units whose blocks live
# from ~2 to ~44 us (the integer-ALU body, 1,024 blocks of 128 threads, 64 to 2,048 iterations, and the 2-byte
# streaming body), 32 launches from Python back to back and as a CUDA graph, and the paged-KV scatter, beside decode
# of three shapes at three points no short run had (3 x 4k, 10 x 4k, 20 x 2k): Qwen2.5-14B (24 of 48 layers), whose
# GEMMs leave 52-60 SMs free for most of their time at every one of them; Yi-34B (16 of 60), at 3 x 4k alike and
# nearly all held at the other two; Llama-3-8B (every layer), whose GEMMs hold nearly every SM there (the control).
# Every point held out. Declared for an H100; on anything else it measures nothing. About 9 minutes.
# Then, on this repository: untar OUT/turn_rounds.tgz into validation/traces/h100/ and build each trace:
#   for m in qwen14b yi34b 8b; do python validation/collect/make_interference_traces.py \
#       --run h100/short_rounds_${m}_random:short --gpu h100-sxm --out h100_short_rounds_${m}_interference.csv; done
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_turn_rounds.sh [TAG ...]
#   (TAG: qwen14b, yi34b, 8b; none: all three, in that order)
set -u
: "${OUT:?set OUT to the output folder}"
name=$(nvidia-smi --query-gpu=name --format=csv,noheader); echo "$name"
case "$name" in *H100*) ;; *) echo "not an H100: nothing measured"; exit 0;; esac
here=$(cd "$(dirname "$0")" && pwd)
declare -A shapes=([qwen14b]=qwen2.5-14b:24 [yi34b]=yi-34b:16 [8b]=llama-3-8b:)
mkdir -p "$OUT/g"
for tag in "${@:-qwen14b yi34b 8b}"; do
  for t in $tag; do
    IFS=: read -r model layers <<< "${shapes[$t]}"
    dir="$OUT/g/short_rounds_${t}_random"
    timeout 190 python3 "$here/interference_grid.py" "$dir" --short --phase random --points 3x4096,10x4096,20x2048 \
        --kernels alu:1024:64,alu:1024:256,alu:1024:1024,alu:1024:2048,mem2:1024:4 \
        --model "$model" ${layers:+--layers "$layers"} --budget 130 > "$OUT/g/$t.log" 2>&1
    echo "$t rc $?"; tail -3 "$OUT/g/$t.log"
    cp "$OUT/g/$t.log" "$dir/collector_log.txt" 2>/dev/null
  done
done
(cd "$OUT/g" && tar czf "../turn_rounds.tgz" short_rounds_*/)
