#!/usr/bin/env bash
# A declared sealed set (validation/collect/declared_runs.md, the forty-first session's seventh-set entry): the
# graph-landing sets' units (interference_grid.py --short --twins: the ~2.7- and ~6.6-us ALU units and the 2-byte
# streaming unit, 1,024 blocks of 128 threads, from Python and as CUDA graphs, and the scatter three ways) beside
# Yi-34B (16 of 60 layers), Qwen2.5-14B (24 of 48), Qwen2.5-32B (16 of 64) and Mistral-7B (32 of 32) at 2 x 16k,
# 6 x 6k and 20 x 1.5k, points no short run had: roomy GEMMs (Yi-34B's and Qwen2.5-14B's 72-80 CTAs; Qwen2.5-32B's
# 120-CTA rounds with a 72-CTA tail) and fuller ones (Mistral-7B's, Yi-34B's at batch 20). Every row held out.
# Measured ahead of any form: the archive is committed unopened (its SHA-256 in the entry) and read by no model or
# screen until a next candidate for short launches beside roomy GEMMs is committed and passes its screen (S4); the
# claims are the graph-landing sets', S1-S4 (tests/test_graph_landing.py, claims). Declared for an H100; on anything
# else it measures nothing. About 4 minutes.
# Then, after the candidate's commit: untar the archive into validation/traces/h100/ and build each trace:
#   for m in yi34b qwen14b qwen32b mistral7b; do python validation/collect/make_interference_traces.py \
#       --run h100/tail_sealed7_${m}_random:short --gpu h100-sxm --out h100_tail_sealed7_${m}_interference.csv; done
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_tail_sealed7.sh
set -u
exec "$(dirname "$0")/short_twin_runs.sh" tail_sealed7 tail_sealed7.tgz 2x16384,6x6144,20x1536 \
    yi34b:yi-34b:16 qwen14b:qwen2.5-14b:24 qwen32b:qwen2.5-32b:16 mistral7b:mistral-7b:32
