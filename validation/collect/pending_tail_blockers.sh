#!/usr/bin/env bash
# A declared diagnostic (validation/collect/declared_runs.md, the thirty-second session's tail-blocker entry; rule in
# tests/test_tail_blockers.py, written before the run): whether a launch uses the SMs a blocker's early-exiting blocks
# free (a persistent GEMM's last round of tiles) as it uses those a smaller grid leaves, with no HBM traffic on either
# side. residual_wait.py --tail: one launch a unit of the 2-byte copy (1,024 blocks, the scatter's grid) and the ~20-
# and ~2.5-us ALU units, from a drained stream after a random delay, beside a stream of spin blockers that hold every
# SM's shared memory whole: on all 132 SMs (most0), on 92 (most40), or on 132 with the last 40 exiting at 132/224 of L
# (tail40: the 70B shape's gate/up); L = 80, 160, 320 us; equal and high blocker priority. Nothing fitted to it.
# Declared for an H100 or, where none can be had, an H200 (amended before any run: the same 132 SMs and dispatch; the
# blockers move no HBM bytes, so the GPUs' memories do not enter); on anything else it measures nothing. About 2
# minutes. The folder is named for the GPU it ran on (h100 or h200).
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_tail_blockers.sh
set -u
exec "$(dirname "$0")/blocker_runs.sh" --tail residual_wait_tail 32
