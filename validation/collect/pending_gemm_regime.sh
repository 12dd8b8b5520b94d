#!/usr/bin/env bash
# A declared fit set (validation/collect/declared_runs.md, the twenty-fourth session's second entry): the synthetic
# co-runners of the data-plane kernels' regime (interference_grid.py --regime: thin many-wave elementwise kernels of
# 2,048-32,768 blocks and 10-250 us, one-wave kernels of 132 or 512 blocks with 48 KiB of shared memory and 0.1-2 ms;
# memory and ALU bodies), each launched from Python as the data-plane units are (--eager), at a random point of the
# step, beside three decode shapes on one H100 in one session: Llama-3-8B (its GEMMs 36 us by the model), the
# 70B shape (12 layers, 144 us) and the 405B shape (3 layers, 560 us). Its use: the set a form for a co-runner beside
# long GEMMs (the GEMM ladder's finding: one-wave launches run on the SMs a long GEMM leaves free, many-wave ones
# crawl there for its length) is fitted on, by the next session; the data-plane sets measured so far beside those
# GEMMs are its first check and a data-plane set measured after the form is committed its sealed one.
# Declared for an H100 or an H200 (amended before it ran, when only an H200 was lent: the H200 is the GPU every
# coefficient was fitted on, so a fit there is checked on the H100's data-plane ladder, another GPU); on anything
# else it measures nothing. About 9 minutes. OUT/gpu.txt names the GPU.
# Then, on this repository: untar OUT/gemm_regime.tgz into validation/traces/<h100|h200>/ and build each trace:
#   for m in 8b 70b 405b; do python validation/collect/make_interference_traces.py \
#       --run <gpu>/regime_ladder_${m}_random:regime --gpu <h100-sxm|h200> --out <gpu>_regime_ladder_${m}_interference.csv; done
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_gemm_regime.sh
set -u
: "${OUT:?set OUT to the output folder}"
here=$(cd "$(dirname "$0")" && pwd)
name=$(nvidia-smi --query-gpu=name --format=csv,noheader); echo "$name"
case "$name" in *H100*|*H200*) echo "$name" > "$OUT/gpu.txt";; *) echo "not an H100 or H200: nothing measured"; exit 0;; esac
points=12x2048,4x4096,8x8192
mkdir -p "$OUT/g"
# the extremes first (8B, 405B), then the 70B shape: a run cut short by the device budget keeps the widest span
for spec in 8b:llama-3-8b: 405b:llama-3.1-405b:3 70b:llama-3-70b:12; do
    IFS=: read -r tag model layers <<< "$spec"
    dir="$OUT/g/regime_ladder_${tag}_random"
    timeout 175 python3 "$here/interference_grid.py" "$dir" --regime --eager --phase random --points "$points" \
        --model "$model" ${layers:+--layers "$layers"} --budget 135 > "$OUT/g/$tag.log" 2>&1
    echo "$tag rc $?"; tail -3 "$OUT/g/$tag.log"
    cp "$OUT/g/$tag.log" "$dir/collector_log.txt" 2>/dev/null
    (cd "$OUT/g" && tar czf ../gemm_regime.tgz regime_ladder_*/)  # after each shape: a cut run keeps what finished
done
