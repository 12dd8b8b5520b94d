#!/usr/bin/env bash
# A declared sealed set (validation/collect/declared_runs.md, the thirty-ninth session's entry): the graph-landing
# sets' units (interference_grid.py --short --twins: the ~2.7- and ~6.6-us ALU units and the 2-byte streaming unit,
# 1,024 blocks of 128 threads, from Python and as CUDA graphs, and the scatter three ways) beside Mistral-7B (all 32
# layers), Qwen2.5-14B (24 of 48), Yi-34B (16 of 60) and Llama-3-70B (12 of 80) at 6 x 4k, 12 x 2k and 28 x 1k,
# points no short run had. Every row held out. Measured ahead of any form: the archive is committed unopened (its
# SHA-256 in the entry) and read by no model or screen until a next candidate for short and graph launches beside
# decode's GEMMs (the tile tail's eighth or later) is committed and passes its screen (S4); the claims are the
# graph-landing sets', S1-S4 (tests/test_graph_landing.py, claims). Declared for an H100; on anything else it
# measures nothing. About 3 minutes.
# Then, after the candidate's commit: untar the archive into validation/traces/h100/ and build each trace:
#   for m in mistral7b qwen14b yi34b 70b; do python validation/collect/make_interference_traces.py \
#       --run h100/tail_sealed4_${m}_random:short --gpu h100-sxm --out h100_tail_sealed4_${m}_interference.csv; done
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_tail_sealed4.sh
set -u
exec "$(dirname "$0")/short_twin_runs.sh" tail_sealed4 tail_sealed4.tgz 6x4096,12x2048,28x1024 \
    mistral7b:mistral-7b:32 qwen14b:qwen2.5-14b:24 yi34b:yi-34b:16 70b:llama-3-70b:12
