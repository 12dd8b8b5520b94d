#!/usr/bin/env bash
# A declared run that waits for an H200 (validation/collect/declared_runs.md, the twenty-first session's last
# entry): the data-plane units beside the H200's weight GEMMs alone and beside the rest of its step, at 1 x 1k and
# 16 x 8k, as the H100 ran them (validation/traces/h100/dataplane_phase_gemv/, dataplane_phase_rest*/). Its
# question: whether the scatter's third-low charge beside the H100's GEMMs (6.8-7.2x per kernel against the
# model's 4.5-4.7x) is the H100's (its GEMMs run 1.4x longer) or the model's on both GPUs. On anything but an H200
# it measures nothing. About 2 minutes. Then, on this repository: untar OUT/h200_gemm.tgz and copy its folders to
# validation/traces/h200/; read as declared (never a trace).
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_h200_gemm.sh
set -u
: "${OUT:?set OUT to the output folder}"
here=$(cd "$(dirname "$0")" && pwd)
name=$(nvidia-smi --query-gpu=name --format=csv,noheader); echo "$name"
case "$name" in *H200*) ;; *) echo "not an H200: nothing measured"; exit 0;; esac
mkdir -p "$OUT/g"
for part in gemv rest; do
    timeout 150 python3 "$here/interference_grid.py" "$OUT/g/dataplane_phase_$part" --dataplane --phase random \
        --points 1x1024,16x8192 --part "$part" --budget 100 > "$OUT/g/dataplane_phase_$part.log" 2>&1
    echo "$part rc $?"; tail -2 "$OUT/g/dataplane_phase_$part.log"
    cp "$OUT/g/dataplane_phase_$part.log" "$OUT/g/dataplane_phase_$part/collector_log.txt" 2>/dev/null
    (cd "$OUT/g" && tar czf ../h200_gemm.tgz dataplane_phase_*/)
done
