#!/usr/bin/env bash
# A declared run (validation/collect/declared_runs.md, the twenty-seventh session's last entry): the sealed check of
# the crawl share by each launch's own pace on a GEMM's free SMs (validation/calibration/pace_crawl_screen.py, its
# four coefficients fitted on the declared fit set before this run): the ladder's three data-plane units beside the
# 70B shape (12 layers) and the 405B shape (3 layers) at three decode points no run had (6 x 4k, 16 x 2k, 2 x 8k), on
# an H100 (the crawl was fitted there); on anything else it measures nothing. Claims in tests/test_pace_crawl.py,
# written before the run. About 4 minutes. Then, on this repository: untar OUT/pace_crawl.tgz into
# validation/traces/h100/ and build each trace:
#   for m in 70b 405b; do python validation/collect/make_interference_traces.py \
#       --run h100/dataplane_pace_${m}_random:regime --gpu h100-sxm --out h100_dataplane_pace_${m}_interference.csv; done
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_pace_crawl.sh
set -u
exec "$(dirname "$0")/ladder_runs.sh" pace pace_crawl.tgz 6x4096,16x2048,2x8192 \
    70b:llama-3-70b:12 405b:llama-3.1-405b:3
