#!/usr/bin/env bash
# The marked pace diagnostic beside roomy GEMMs (validation/collect/declared_runs.md, the thirty-ninth session's
# free-SM pace entry; nothing fitted to it): the rerun's two many-wave units (pending_marked_pace2.sh) beside
# Qwen2.5-14B (24 of 48 layers) at 6 x 4k and 12 x 2k and Yi-34B (16 of 60) at 6 x 4k and 12 x 2k, whose weight GEMMs
# leave SMs free for 0.28-0.31 of their time (Yi-34B at 12 x 2k: 0.09, the contrast), seed 43, into marked_pace3_*/.
# The pace there gives the pace a launch keeps on a GEMM's free SMs (crawl_free_pace, assumed 1, range 0.5-1).
# Under a minute on an H100. Then: untar OUT/marked_pace3.tgz into validation/traces/h100/.
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_marked_pace3.sh
set -u
PACE_SEED=43 PACE_PREFIX=marked_pace3 PACE_SPECS="qwen14b:qwen2.5-14b:24:6x4096,12x2048 yi34b:yi-34b:16:6x4096,12x2048" \
    exec "$(dirname "$0")/pending_marked_pace.sh"
