#!/usr/bin/env bash
# A declared sealed set (validation/collect/declared_runs.md, the thirty-second session's tile-tail entry): the
# graph-landing sets' units (interference_grid.py --short --twins: the ~2.7- and ~6.6-us ALU units and the 2-byte
# streaming unit, 1,024 blocks of 128 threads, from Python and as CUDA graphs, and the scatter three ways) beside
# Llama-3.1-405B (3 of 126 layers), Llama-3-70B (12 of 80), Qwen2.5-32B (16 of 64) and Qwen2.5-7B (all 28) at
# 4 x 4k, 20 x 2k and 40 x 1k, points no short run had; shapes whose persistent GEMMs end on 76, 92, 84 and 78 CTAs
# (gate/up's last round of tiles). Every row held out. Measured ahead of any form: the archive is committed unopened
# (its SHA-256 in the entry) and is read by no model or screen until a candidate form giving decode's grids the tile
# tail is committed; the claims are the graph-landing sets', S1-S4 (tests/test_graph_landing.py, claims). Declared
# for an H100; on anything else it measures nothing. About 6 minutes.
# Then, after the candidate's commit: untar the archive into validation/traces/h100/ and build each trace:
#   for m in 405b 70b qwen32b qwen7b; do python validation/collect/make_interference_traces.py \
#       --run h100/tail_sealed3_${m}_random:short --gpu h100-sxm --out h100_tail_sealed3_${m}_interference.csv; done
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_tail_sealed3.sh
set -u
exec "$(dirname "$0")/short_twin_runs.sh" tail_sealed3 tail_sealed3.tgz 4x4096,20x2048,40x1024 \
    405b:llama-3.1-405b:3 70b:llama-3-70b:12 qwen32b:qwen2.5-32b:16 qwen7b:qwen2.5-7b:28
