#!/usr/bin/env bash
# A declared diagnostic (validation/collect/declared_runs.md, the thirty-seventh session's third marked-timeline entry;
# nothing fitted to it, every point held out): the marked timeline (marked_runs.sh) beside the 405B shape (3 layers) at
# 16 x 2048, 32 x 1024 and 24 x 2048, the batches at which its launches from Python are over-charged 33-59% (the
# ledger's graph-and-short-launches cause; h100_graph_sealed2_405b at 16 x 4k and 32 x 1k). Under a minute on an H100;
# on anything else it measures nothing. Then: untar OUT/marked_timeline3.tgz into validation/traces/h100/ and read it
# with validation/collect/timeline_marks.py (the rule in tests/test_marked_timeline.py).
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_marked_timeline3.sh
set -u
MARKED_POINTS=16x2048,32x1024,24x2048 exec "$(dirname "$0")/marked_runs.sh" marked_timeline3.tgz \
    405b_large:llama-3.1-405b:3
