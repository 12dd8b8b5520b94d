#!/usr/bin/env bash
# A declared sealed set (validation/collect/declared_runs.md, the forty-third session's ninth-set entry): CacheGen's
# decoder (torchac_cuda's decode_prefix kernel, the 8B chunk's 512 blocks of 128 threads, 48 KiB of shared memory
# each) and the chunk sequence (decoder, LMCache's dequantization, the paged-KV scatter, one chunk at a time) beside
# decode shapes whose weight GEMMs leave SMs free in their first rounds for part of the launch: Yi-34B (16 of 60
# layers) and Qwen2.5-14B (24 of 48; 72-80-CTA GEMMs), the 405B (3 layers; 120-128-CTA GEMMs); then the coverage
# launches (one-wave ALU launches of 16, 66 and 132 blocks of 128 threads, ~16 us, as CUDA graphs) beside Llama-3-8B,
# at 6 x 4k, 20 x 2k and 2 x 12k, points no decoder or coverage run had. Every row held out. Measured ahead of any
# form: the archive is committed unopened (its SHA-256 in the entry) and read by no model or screen until a next
# candidate for one-wave launches that the first round's free SMs hold only in part is committed and passes its screen
# (S4); the claims are the graph-landing sets', S1-S4 (tests/test_graph_landing.py, claims). Declared for an H100; on
# anything else it measures nothing. About 8 minutes, the decoder's build included: carry .ext/torchac_cuda
# (CacheGen's torchac_cuda sources, docs/sources/lmcache.md [CG]).
# Then, after the candidate's commit: untar the archive into validation/traces/h100/ and build each trace:
#   for m in yi34b qwen14b 405b; do python validation/collect/make_interference_traces.py \
#       --run h100/decoder_sealed9_${m}_random:regime --gpu h100-sxm --out h100_decoder_sealed9_${m}_interference.csv; done
#   python validation/collect/make_interference_traces.py --run h100/decoder_sealed9_cover8b_random:coverage \
#       --gpu h100-sxm --out h100_decoder_sealed9_cover8b_interference.csv
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_decoder_sealed9.sh
set -u
: "${OUT:?set OUT to the output folder}"
here=$(cd "$(dirname "$0")" && pwd)
name=$(nvidia-smi --query-gpu=name --format=csv,noheader); echo "$name"
case "$name" in *H100*) ;; *) echo "not an H100: nothing measured"; exit 0;; esac
t0=$(date +%s)
(cd .ext/torchac_cuda && TORCH_CUDA_ARCH_LIST=9.0 MAX_JOBS=16 timeout 170 python3 setup.py build_ext --inplace) \
    > "$OUT/torchac_build.log" 2>&1
echo "build rc $? $(( $(date +%s) - t0 ))s"
export TORCHAC_PATH="$(pwd)/.ext/torchac_cuda"
points=6x4096,20x2048,2x12288
mkdir -p "$OUT/g"
pack() { (cd "$OUT/g" && tar czf ../decoder_sealed9.tgz decoder_sealed9_*/); }
for spec in 405b:llama-3.1-405b:3 yi34b:yi-34b:16 qwen14b:qwen2.5-14b:24; do
    IFS=: read -r tag model layers <<< "$spec"
    dir="$OUT/g/decoder_sealed9_${tag}_random"
    timeout 105 python3 "$here/interference_grid.py" "$dir" --dataplane --phase random --points "$points" \
        --model "$model" --layers "$layers" --units ac_decode,lmcache_chunk --budget 70 > "$OUT/g/$tag.log" 2>&1
    echo "$tag rc $? $(( $(date +%s) - t0 ))s"; tail -2 "$OUT/g/$tag.log"
    cp "$OUT/g/$tag.log" "$dir/collector_log.txt" 2>/dev/null; pack
done
dir="$OUT/g/decoder_sealed9_cover8b_random"
timeout 90 python3 "$here/interference_grid.py" "$dir" --short --phase random --points "$points" \
    --kernels alu:16:2048,alu:66:2048,alu:132:2048 --budget 60 > "$OUT/g/cover8b.log" 2>&1
echo "cover8b rc $? $(( $(date +%s) - t0 ))s"; tail -2 "$OUT/g/cover8b.log"
cp "$OUT/g/cover8b.log" "$dir/collector_log.txt" 2>/dev/null; pack
rm -rf "$OUT/g"
