#!/usr/bin/env bash
# The marked pace diagnostic's rerun (validation/collect/declared_runs.md, the thirty-ninth session): the first run
# (pending_marked_pace.sh, seed 41) read void by its declared instrument check, the collector counting one of the
# blocks that share a launch's last end where the global timer gives several the same tick. The count fixed
# (timeline_pace.pace_rows), the same run and rule, seed 42, into marked_pace2_*/. Under a minute on an H100.
# Then: untar OUT/marked_pace2.tgz into validation/traces/h100/.
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_marked_pace2.sh
set -u
PACE_SEED=42 PACE_PREFIX=marked_pace2 exec "$(dirname "$0")/pending_marked_pace.sh"
