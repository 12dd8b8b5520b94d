#!/usr/bin/env bash
# A declared sealed set (validation/collect/declared_runs.md, the forty-first session's eighth-set entry): the
# graph-landing sets' units (interference_grid.py --short --twins: the ~2.7- and ~6.6-us ALU units and the 2-byte
# streaming unit, 1,024 blocks of 128 threads, from Python and as CUDA graphs, and the scatter three ways) beside
# Llama-3-8B (16 of 32 layers), Qwen2.5-7B (all 28), Yi-34B (16 of 60) and Qwen2.5-14B (24 of 48) at 2 x 12k,
# 8 x 3k and 16 x 1.5k, points no short run had: near-full GEMMs (the 8B's and Qwen2.5-7B's 120-132 CTAs with tails,
# where the launch path splits the committed model's error) and roomy ones (Yi-34B's and Qwen2.5-14B's 72-80 CTAs).
# Every row held out. Measured ahead of any form: the archive is committed unopened (its SHA-256 in the entry) and read
# by no model or screen until a next candidate for short launches beside decode's GEMMs is committed and passes its
# screen (S4); the claims are the graph-landing sets', S1-S4 (tests/test_graph_landing.py, claims). Declared for an
# H100; on anything else it measures nothing. About 4 minutes.
# Then, after the candidate's commit: untar the archive into validation/traces/h100/ and build each trace:
#   for m in 8b qwen7b yi34b qwen14b; do python validation/collect/make_interference_traces.py \
#       --run h100/tail_sealed8_${m}_random:short --gpu h100-sxm --out h100_tail_sealed8_${m}_interference.csv; done
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_tail_sealed8.sh
set -u
exec "$(dirname "$0")/short_twin_runs.sh" tail_sealed8 tail_sealed8.tgz 2x12288,8x3072,16x1536 \
    8b:llama-3-8b:16 qwen7b:qwen2.5-7b:28 yi34b:yi-34b:16 qwen14b:qwen2.5-14b:24
