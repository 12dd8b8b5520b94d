#!/usr/bin/env bash
# A declared run (validation/collect/declared_runs.md, the twenty-eighth session's grid-crawl entry): the ladder's
# three data-plane units beside four long-GEMM decode shapes at three points no run had (2 x 4k, 6 x 8k, 16 x 2k):
# Yi-34B (16 of 60 layers) and Qwen2.5-14B (24 of 48), whose GEMMs leave a third to a half of the SMs free for most
# of their time, Qwen2.5-32B (16 of 64) and Llama-3-70B (12 of 80), whose GEMMs hold nearly every SM. A sealed check
# of the grid crawl (validation/calibration/grid_crawl_screen.py, its values in grid_crawl_candidate.json, both
# committed before the run); claims in tests/test_grid_crawl.py, written before the run. Declared for an H100; on
# anything else it measures nothing. About 2 minutes.
# Then, on this repository: untar OUT/grid_crawl.tgz into validation/traces/h100/ and build each trace:
#   for m in yi34b qwen14b qwen32b 70b; do python validation/collect/make_interference_traces.py \
#       --run h100/dataplane_crawlgrid_${m}_random:regime --gpu h100-sxm --out h100_dataplane_crawlgrid_${m}_interference.csv; done
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_grid_crawl.sh
set -u
exec "$(dirname "$0")/ladder_runs.sh" crawlgrid grid_crawl.tgz 2x4096,6x8192,16x2048 \
    yi34b:yi-34b:16 qwen14b:qwen2.5-14b:24 qwen32b:qwen2.5-32b:16 70b:llama-3-70b:12
