#!/usr/bin/env bash
# A declared diagnostic (validation/collect/declared_runs.md, the thirty-seventh session's marked-timeline entry;
# nothing fitted to it, every point held out): the graph-timeline run (pending_graph_timeline.sh) again with the
# decode step marked before and after each weight GEMM (block_timeline.py --marks, marked_decode.py), beside the 70B
# shape (12 layers) and the 405B shape (3 layers), at 4 x 2048 (the tail-GEMM diagnostic's batch), 12 x 2048 and
# 3 x 4096: in which decode kernel each scatter and ALU launch became ready, waited and ran. Seed 39. Under a
# minute on an H100; on anything else it measures nothing. Then, on this repository: untar
# OUT/marked_timeline.tgz into validation/traces/h100/ and read it with validation/collect/timeline_marks.py.
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_marked_timeline.sh
set -u
exec "$(dirname "$0")/marked_runs.sh" marked_timeline.tgz 70b:llama-3-70b:12 405b:llama-3.1-405b:3
