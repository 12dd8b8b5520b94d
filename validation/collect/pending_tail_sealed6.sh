#!/usr/bin/env bash
# A declared sealed set (validation/collect/declared_runs.md, the fortieth session's sixth-set entry): the graph-landing
# sets' units (interference_grid.py --short --twins: the ~2.7- and ~6.6-us ALU units and the 2-byte streaming unit,
# 1,024 blocks of 128 threads, from Python and as CUDA graphs, and the scatter three ways) beside Qwen2.5-7B (all 28
# layers), Llama-2-7B (all 32), Qwen2.5-14B (24 of 48) and Llama-3-70B (12 of 80) at 5 x 8k, 14 x 2k and 36 x 1k,
# points no short run had: roomy GEMMs (the 7B and 14B shapes leave SMs free) and full ones (the 70B's). Every row held
# out. Measured ahead of any form: the archive is committed unopened (its SHA-256 in the entry) and read by no model or
# screen until a next candidate for short launches beside roomy GEMMs (the roomy-GEMM form, or any later form for
# short and graph launches) is committed and passes its screen (S4); the claims are the graph-landing sets', S1-S4
# (tests/test_graph_landing.py, claims). Declared for an H100; on anything else it measures nothing. About 3 minutes.
# Then, after the candidate's commit: untar the archive into validation/traces/h100/ and build each trace:
#   for m in qwen7b llama2_7b qwen14b 70b; do python validation/collect/make_interference_traces.py \
#       --run h100/tail_sealed6_${m}_random:short --gpu h100-sxm --out h100_tail_sealed6_${m}_interference.csv; done
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_tail_sealed6.sh
set -u
exec "$(dirname "$0")/short_twin_runs.sh" tail_sealed6 tail_sealed6.tgz 5x8192,14x2048,36x1024 \
    qwen7b:qwen2.5-7b:28 llama2_7b:llama-2-7b:32 qwen14b:qwen2.5-14b:24 70b:llama-3-70b:12
