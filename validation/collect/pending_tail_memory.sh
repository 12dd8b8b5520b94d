#!/usr/bin/env bash
# A declared diagnostic (validation/collect/declared_runs.md, the thirty-second session's tail-memory entry; rule in
# tests/test_tail_memory.py, written before the run): after the tail blockers (a persistent kernel's exiting blocks
# free their SMs for another stream's launch, with no HBM traffic), whether a launch on the 40 SMs a blocker leaves
# free loses what one beside the 70B shape's decode does once the blocker streams HBM as a weight GEMM does.
# residual_wait.py --tail-memory: the copy (1,024 blocks) and the ~6.6- and ~18.6-us ALU units, one launch a unit,
# beside most40 (92 spin blocks holding their SMs whole) and stream40 (the same grid streaming a 1 GiB buffer),
# L = 80, 160, 320 us, both priorities; stream40's bandwidth alone in stream40.json. Declared for an H100 or an H200;
# on anything else it measures nothing. Under a minute.
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_tail_memory.sh
set -u
exec "$(dirname "$0")/blocker_runs.sh" --tail-memory residual_wait_tail_memory 33
