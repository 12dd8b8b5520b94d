#!/usr/bin/env bash
# A declared sealed set (validation/collect/declared_runs.md, the thirty-first session's second graph-landing entry):
# the same units as the first graph-landing set (interference_grid.py --short --twins: the ~2.7- and ~6.6-us ALU
# units and the 2-byte streaming unit, 1,024 blocks of 128 threads, from Python and as CUDA graphs, and the scatter
# three ways) beside Qwen2.5-14B (24 of 48 layers; its only GEMM holding every SM is its 500-us LM head), Llama-3-70B
# (12 of 80), Yi-34B (16 of 60) and Llama-3.1-405B (3 of 126) at 2 x 2k, 16 x 4k and 32 x 1k, points no short run
# had. Every row held out. Measured ahead of any form: the archive is committed unopened (its SHA-256 in the entry)
# and is read by no model or screen until a candidate form for launches beside long GEMMs is committed; the claims
# are the first set's, S1-S4 (tests/test_graph_landing.py, claims). Declared for an H100; on anything else it
# measures nothing. About 6 minutes.
# Then, after the candidate's commit: untar the archive into validation/traces/h100/ and build each trace:
#   for m in qwen14b 70b yi34b 405b; do python validation/collect/make_interference_traces.py \
#       --run h100/graph_sealed2_${m}_random:short --gpu h100-sxm --out h100_graph_sealed2_${m}_interference.csv; done
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_graph_sealed2.sh
set -u
exec "$(dirname "$0")/short_twin_runs.sh" graph_sealed2 graph_sealed2.tgz 2x2048,16x4096,32x1024 \
    qwen14b:qwen2.5-14b:24 70b:llama-3-70b:12 yi34b:yi-34b:16 405b:llama-3.1-405b:3
