#!/usr/bin/env bash
# A declared run (validation/collect/declared_runs.md, the twenty-seventh session's entry): the ladder's three
# data-plane units (the paged-KV scatter, torch.cat of eight chunks, LMCache's dequantization) beside two decode
# shapes no run had, whose weight GEMMs fall between the 8B's and the 70B's: Qwen2.5-14B (first 24 of 48 layers;
# the model's mean weight GEMM 47.6 us on an H100) and Qwen2.5-32B (first 16 of 64; 82.5 us). A sealed check of
# the crawl beside long GEMMs and the turn wait's growth between the lengths they were fitted on (144 and 560 us)
# and the checked ones (up to 37 us), on another model family; claims in tests/test_qwen_rungs.py, written before
# the run. Declared for an H100 (the crawl was fitted there); on anything else it measures nothing. About 4 minutes.
# Then, on this repository: untar OUT/qwen_rungs.tgz into validation/traces/h100/ and build each trace:
#   for m in qwen14b qwen32b; do python validation/collect/make_interference_traces.py \
#       --run h100/dataplane_ladder_${m}_random:regime --gpu h100-sxm --out h100_dataplane_ladder_${m}_interference.csv; done
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_qwen_rungs.sh
set -u
exec "$(dirname "$0")/ladder_runs.sh" ladder qwen_rungs.tgz 12x2048,4x4096,8x8192 \
    qwen14b:qwen2.5-14b:24 qwen32b:qwen2.5-32b:16
