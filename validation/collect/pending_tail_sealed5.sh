#!/usr/bin/env bash
# A declared sealed set (validation/collect/declared_runs.md, the thirty-ninth session's fifth-set entry): the graph-landing
# sets' units (interference_grid.py --short --twins: the ~2.7- and ~6.6-us ALU units and the 2-byte streaming unit,
# 1,024 blocks of 128 threads, from Python and as CUDA graphs, and the scatter three ways) beside Llama-3-8B (all 32
# layers), Qwen2.5-32B (16 of 64), Yi-34B (16 of 60) and Llama-3.1-405B (3 of 126) at 3 x 8k, 10 x 2k and 48 x 1k,
# points no short run had. Every row held out. Measured ahead of any form: the archive is committed unopened (its
# SHA-256 in the entry) and read by no model or screen until a next candidate for short and graph launches beside
# decode's GEMMs (the tile tail's ninth or later) is committed and passes its screen (S4); the claims are the
# graph-landing sets', S1-S4 (tests/test_graph_landing.py, claims). Declared for an H100; on anything else it
# measures nothing. About 3 minutes.
# Then, after the candidate's commit: untar the archive into validation/traces/h100/ and build each trace:
#   for m in 8b qwen32b yi34b 405b; do python validation/collect/make_interference_traces.py \
#       --run h100/tail_sealed5_${m}_random:short --gpu h100-sxm --out h100_tail_sealed5_${m}_interference.csv; done
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_tail_sealed5.sh
set -u
exec "$(dirname "$0")/short_twin_runs.sh" tail_sealed5 tail_sealed5.tgz 3x8192,10x2048,48x1024 \
    8b:llama-3-8b:32 qwen32b:qwen2.5-32b:16 yi34b:yi-34b:16 405b:llama-3.1-405b:3
