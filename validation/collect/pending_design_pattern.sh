#!/usr/bin/env bash
# A declared run (validation/collect/declared_runs.md, the twenty-fifth session's entry): the GPU-decoding designs'
# own pattern beside long GEMMs. CacheGen's decoder alone, LMCache's dequantization alone, and the two in sequence
# one chunk at a time (the chunk sequence, as the designs run them), beside the 405B-shaped decode (3 layers; the
# model's mean GEMM 560 us), the 70B-shaped (12 layers; 144 us) and the 8B's (36 us), on one H100 in one session.
# Its question (tests/test_design_pattern.py's claims): whether many_wave_stretch's range, read on the units alone
# (the dequantization 1.3-1.6x the model's time beside 144-us GEMMs, 2.3x beside 560-us ones), holds for the
# pattern the designs run (the chunk sequence read 0.94-1.04x beside 144-us GEMMs in the long-GEMM run). On anything
# but an H100 it measures nothing. About 8 minutes, the decoder's build included: carry .ext/torchac_cuda
# (CacheGen's torchac_cuda sources, docs/sources/lmcache.md). Then, on this repository: untar OUT/design_pattern.tgz
# into validation/traces/h100/ and build each trace:
#   for m in 405b 70b 8b; do python validation/collect/make_interference_traces.py \
#       --run h100/design_pattern_${m}_random:regime --gpu h100-sxm --out h100_design_pattern_${m}_interference.csv; done
#
# REPEAT=1 (declared the same session, after the first run): the 405B and 70B shapes only, at other decode points
# (1x1024, 16x4096, 32x2048), into design_pattern_{405b,70b}_repeat/ and h100_design_pattern_*_repeat_interference.csv.
#
# Usage (device machine, repository root): OUT=/some/dir [REPEAT=1] validation/collect/pending_design_pattern.sh
set -u
: "${OUT:?set OUT to the output folder}"
here=$(cd "$(dirname "$0")" && pwd)
name=$(nvidia-smi --query-gpu=name --format=csv,noheader); echo "$name"
case "$name" in *H100*) ;; *) echo "not an H100: nothing measured"; exit 0;; esac
t0=$(date +%s)
(cd .ext/torchac_cuda && TORCH_CUDA_ARCH_LIST=9.0 MAX_JOBS=16 timeout 200 python3 setup.py build_ext --inplace) \
    > "$OUT/torchac_build.log" 2>&1
echo "build rc $? $(( $(date +%s) - t0 ))s"
export TORCHAC_PATH="$(pwd)/.ext/torchac_cuda"
points=12x2048,4x4096,8x8192; shapes="405b:llama-3.1-405b:3 70b:llama-3-70b:12 8b:llama-3-8b:"; suffix=random
if [ "${REPEAT:-0}" = 1 ]; then points=1x1024,16x4096,32x2048; shapes="405b:llama-3.1-405b:3 70b:llama-3-70b:12"; suffix=repeat; fi
units=ac_decode,lmcache_chunk,dequantize_as_written
mkdir -p "$OUT/g"
# the longest GEMMs first: a run cut short by the device's limit keeps the question's sharpest shape
for spec in $shapes; do
    IFS=: read -r tag model layers <<< "$spec"
    dir="$OUT/g/design_pattern_${tag}_${suffix}"
    timeout 130 python3 "$here/interference_grid.py" "$dir" --dataplane --phase random --points "$points" \
        --model "$model" ${layers:+--layers "$layers"} --units "$units" --budget 90 > "$OUT/g/$tag.log" 2>&1
    echo "$tag rc $? $(( $(date +%s) - t0 ))s"; tail -3 "$OUT/g/$tag.log"
    cp "$OUT/g/$tag.log" "$dir/collector_log.txt" 2>/dev/null
    (cd "$OUT/g" && tar czf ../design_pattern.tgz design_pattern_*/)
done
