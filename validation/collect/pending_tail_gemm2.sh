#!/usr/bin/env bash
# A declared rerun (validation/collect/declared_runs.md, the thirty-fifth session's entry): the tail-GEMM diagnostic
# (pending_tail_gemm.sh) read **void** by its rule on its first run (2026-12-07): the host issued a launch every
# ~8 us and the ALU calibration, timing 20 launches issued one by one, took that rate for the kernels' (the ~18.7-us
# unit at 143 iterations, ~3 us of GPU time; 820-832 in the valid runs). The same run with the calibration's
# launches queued behind a busy launch (residual_wait.py CALIBRATION_QUEUE), seed 36, into
# h100/residual_wait_tail_gemm2/. The rule is tests/test_tail_gemm.py's, unchanged. Declared for an H100; on
# anything else it measures nothing. Under a minute.
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_tail_gemm2.sh
set -u
name=$(nvidia-smi --query-gpu=name --format=csv,noheader)
case "$name" in *H100*) ;; *) echo "$name: not an H100: nothing measured"; exit 0;; esac
exec "$(dirname "$0")/blocker_runs.sh" --tail-gemm residual_wait_tail_gemm2 36
