#!/usr/bin/env bash
# The marked pace rerun's declared replicate (validation/collect/declared_runs.md, the thirty-ninth session): the same
# run and rule as pending_marked_pace2.sh (the 70B and 405B shapes), seed 44, into marked_pace4_*/. It reproduces the
# rerun if it reads committed again. Under a minute on an H100. Then: untar OUT/marked_pace4.tgz into
# validation/traces/h100/.
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_marked_pace4.sh
set -u
PACE_SEED=44 PACE_PREFIX=marked_pace4 exec "$(dirname "$0")/pending_marked_pace.sh"
