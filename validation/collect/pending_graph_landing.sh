#!/usr/bin/env bash
# A declared sealed set (validation/collect/declared_runs.md, the thirty-first session's graph-landing entry): the
# short units and the paged-KV scatter from Python and as CUDA graphs (interference_grid.py --short --twins) beside
# four long-GEMM decode shapes at three points no short run had (1 x 8k, 8 x 4k, 24 x 1k): Qwen2.5-32B (16 of 64
# layers; its GEMMs hold every SM at batch 1 and leave 12 free at 8 and 24), Llama-3-70B (12 of 80; nearly every SM
# at each), Yi-34B (16 of 60; 52 SMs free for most of batch 1's and 8's GEMM time, nearly none at 24) and
# Llama-3.1-405B (3 of 126). Units: the ALU units of ~2.7 and ~6.6 us and the 2-byte streaming unit (4 iterations),
# 1,024 blocks of 128 threads each, and the scatter three ways. Every row held out. The traces stay out of the tree
# and unread by any model until a candidate form is committed (the entry's sealing rule); claims in
# tests/test_graph_landing.py, written before the run. Declared for an H100 (the committed graph readings are an
# H100's); on anything else it measures nothing. About 6 minutes.
# Then, after the candidate's commit: untar OUT/graph_landing.tgz into validation/traces/h100/ and build each trace:
#   for m in qwen32b 70b yi34b 405b; do python validation/collect/make_interference_traces.py \
#       --run h100/graph_landing_${m}_random:short --gpu h100-sxm --out h100_graph_landing_${m}_interference.csv; done
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_graph_landing.sh
set -u
exec "$(dirname "$0")/short_twin_runs.sh" graph_landing graph_landing.tgz 1x8192,8x4096,24x1024 \
    qwen32b:qwen2.5-32b:16 70b:llama-3-70b:12 yi34b:yi-34b:16 405b:llama-3.1-405b:3
