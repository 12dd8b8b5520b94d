#!/usr/bin/env bash
# A declared replicate (validation/collect/declared_runs.md, the thirty-seventh session's marked-timeline replicate;
# nothing fitted to it): the first marked set (pending_marked_timeline.sh) again, seed 40, beside the 70B shape (12
# layers) only, into marked_timeline_70b_rep/. Read by the same rule (tests/test_marked_timeline.py): it reproduces
# the first set if every configuration reads tail again. Under a minute on an H100; on anything else it measures
# nothing. Then: untar OUT/marked_timeline4.tgz into validation/traces/h100/.
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_marked_timeline4.sh
set -u
MARKED_SEED=40 exec "$(dirname "$0")/marked_runs.sh" marked_timeline4.tgz 70b_rep:llama-3-70b:12
