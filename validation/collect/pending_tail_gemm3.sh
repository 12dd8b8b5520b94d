#!/usr/bin/env bash
# A declared third run (validation/collect/declared_runs.md, the thirty-sixth session's entry): the tail-GEMM
# diagnostic's rerun (pending_tail_gemm2.sh) calibrated its ALU units at the collector's targets (18.6 and 3.1 us a
# launch against residual_wait.py ROUNDS_TARGETS_US's 20 and 2.5), and read **void** because the rule's window for the
# short unit (4-10 us) had been written from earlier calibrations that timed the host's issue. The same run, seed 37,
# into h100/residual_wait_tail_gemm3/, read by tests/test_tail_gemm.py's rule with the window taken from the targets
# (each unit within 0.6-1.4x: third_verdict). Declared after two runs' ratios were seen (both under 0.7): a
# replication, not a blind read. Declared for a later session (a further void ended the diagnostic for the session
# that saw it); it ran in the same session, 2026-12-07, on an H100 that came warm for an H200 call, after this file
# and its rule were committed (32d5d3b). Declared for an H100; on anything else it measures nothing. Under a minute.
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_tail_gemm3.sh
set -u
name=$(nvidia-smi --query-gpu=name --format=csv,noheader)
case "$name" in *H100*) ;; *) echo "$name: not an H100: nothing measured"; exit 0;; esac
exec "$(dirname "$0")/blocker_runs.sh" --tail-gemm residual_wait_tail_gemm3 37
