#!/usr/bin/env bash
# The declared runs that waited for an H200 (validation/collect/declared_runs.md), in one device call. Ran
# 2026-12-05 (a twentieth session; validation/traces/h200/README.md): kept as the record of how; nothing waits now.
#   1. l2_partial_random/: the L2 partial fit's sealed set (tests/test_l2_residency.py,
#      test_l2_partial_sealed_set_holds_as_declared skips until it is committed raw);
#   2. coverage_sms_random1/, _random2/: decode's coverage against the SMs a co-runner holds, twice (on an
#      H100 since: h100/coverage_sms_random*/), and decode_shapes/: the H200's GEMV grids at its points.
#   3. coverage_timeline/: the coverage launches' block timeline (block_timeline.py), as on the H100.
# Everything goes into OUT/h200.tgz, re-tarred after each run so a cut-off call still returns what finished
# (a device call returns only a few files). Then, on this repository: untar, copy each folder to
# validation/traces/h200/, and follow declared_runs.md (the raw set first, then its grid_trace line in
# make_interference_traces.py, then its block in tests/held_out.py). About 5 minutes on an H200 (the budgets
# are as declared; on the H100 a repetition of the coverage run took under a minute, its budget unspent; the 52 x 8k
# KV cache of the coverage run does not fit in an H100's 80 GB; neither do run 1's 14k-token points).
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_h200.sh
set -u
: "${OUT:?set OUT to the output folder}"
mkdir -p "$OUT/h2"
here=$(cd "$(dirname "$0")" && pwd)
C="$here/interference_grid.py"
K=alu:16:2048,alu:36:2048,alu:66:2048,alu:100:2048,alu:132:2048
pack() { (cd "$OUT" && tar czf h200.tgz h2); }
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
timeout 200 python3 "$C" "$OUT/h2/l2_partial_random" --short --phase random --points 10x5632,30x3584,3x14336,17x10240 \
    --kernels mem:1024:9,mem:1024:11,mem:1024:13,mem2:1024:96,mem2:1024:112 --budget 150 > "$OUT/h2/l2_partial_random.log" 2>&1
echo "l2_partial_random rc $?"; tail -2 "$OUT/h2/l2_partial_random.log"; pack
for r in 1 2; do
    timeout 240 python3 "$C" "$OUT/h2/coverage_sms_random$r" --short --phase random --points 1x1024,8x4096,32x8192,52x3840 \
        --kernels "$K" --budget 200 > "$OUT/h2/coverage_sms_random$r.log" 2>&1
    echo "coverage_sms_random$r rc $?"; tail -1 "$OUT/h2/coverage_sms_random$r.log"; pack
done
timeout 60 python3 "$here/decode_shapes.py" "$OUT/h2/decode_shapes" --points 1x1024,8x4096,32x8192,52x3840 \
    > "$OUT/h2/decode_shapes.log" 2>&1
echo "decode_shapes rc $?"; pack
# 3. coverage_timeline/: the coverage launches' block timeline (declared 2026-12-05, a twentieth session)
timeout 120 python3 "$here/block_timeline.py" "$OUT/h2/coverage_timeline" --points 1x1024,8x4096,32x8192,52x3840 \
    --corunners one16:32,one36:32,one66:32,one100:32,one132:32 --phase random > "$OUT/h2/coverage_timeline.log" 2>&1
echo "coverage_timeline rc $?"; pack; rm -rf "$OUT/h2"
