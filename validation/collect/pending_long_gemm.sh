#!/usr/bin/env bash
# A declared run that waits for a device (validation/collect/declared_runs.md, the twenty-third session's entry):
# the data-plane units beside the first 12 layers of a Llama-3-70B-shaped decode (weight GEMMs 4x the 8B's), and
# the paged-KV scatter beside the 8B's decode at the same points, in the same session. Its questions: whether the
# turn wait follows the GEMMs' length on one GPU (tests/test_long_gemms.py's claims), and which charge of decode's
# loss the waits follow (gpu.interference.wait_charge). Declared for an H100 (the claims' numbers are the H100's);
# on anything else it measures nothing. About 4 minutes with CacheGen's decoder built from TORCHAC_SRC (a copy of
# torchac_cuda's sources, as the earlier data-plane runs built it; without it the decoder rows are left out).
# Then, on this repository: untar OUT/long_gemm.tgz into validation/traces/h100/ and build the traces:
#   python validation/collect/make_interference_traces.py --run h100/dataplane_long_gemm_random:regime \
#       --gpu h100-sxm --out h100_dataplane_long_gemm_interference.csv
#   python validation/collect/make_interference_traces.py --run h100/dataplane_long_gemm_8b_random:regime \
#       --gpu h100-sxm --out h100_dataplane_long_gemm_8b_interference.csv
#
# Usage (device machine, repository root): OUT=/some/dir [TORCHAC_SRC=.ext/torchac_cuda] validation/collect/pending_long_gemm.sh
set -u
: "${OUT:?set OUT to the output folder}"
here=$(cd "$(dirname "$0")" && pwd)
name=$(nvidia-smi --query-gpu=name --format=csv,noheader); echo "$name"
case "$name" in *H100*) ;; *) echo "not an H100: nothing measured"; exit 0;; esac
if [ -n "${TORCHAC_SRC:-}" ]; then
    (cd "$TORCHAC_SRC" && TORCH_CUDA_ARCH_LIST=9.0 MAX_JOBS=16 timeout 240 python3 setup.py build_ext --inplace) \
        > "$OUT/torchac_build.log" 2>&1
    echo "decoder build rc $?"
    export TORCHAC_PATH=$(cd "$TORCHAC_SRC" && pwd)
fi
points=12x2048,4x4096,8x8192
mkdir -p "$OUT/g"
timeout 250 python3 "$here/interference_grid.py" "$OUT/g/dataplane_long_gemm_random" --dataplane --phase random \
    --points "$points" --model llama-3-70b --layers 12 --budget 200 > "$OUT/g/long.log" 2>&1
echo "70B-shaped rc $?"; tail -3 "$OUT/g/long.log"
timeout 150 python3 "$here/interference_grid.py" "$OUT/g/dataplane_long_gemm_8b_random" --dataplane --phase random \
    --points "$points" --units paged_scatter --budget 100 > "$OUT/g/short.log" 2>&1
echo "8B rc $?"; tail -3 "$OUT/g/short.log"
cp "$OUT/g/long.log" "$OUT/g/dataplane_long_gemm_random/collector_log.txt" 2>/dev/null
cp "$OUT/g/short.log" "$OUT/g/dataplane_long_gemm_8b_random/collector_log.txt" 2>/dev/null
(cd "$OUT/g" && tar czf ../long_gemm.tgz dataplane_long_gemm_*/)
