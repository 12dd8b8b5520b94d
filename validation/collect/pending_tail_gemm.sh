#!/usr/bin/env bash
# A declared diagnostic (validation/collect/declared_runs.md, the thirty-third session's tail-GEMM entry; rule in
# tests/test_tail_gemm.py, written before the run): whether another stream's launch gets the SMs a real cuBLAS GEMM's
# last round of tiles frees, as it gets those of spin blockers whose last blocks exit early (the tail blockers, r ~ f^2).
# residual_wait.py --tail-gemm: the copy (1,024 blocks) and the ~6.5- and ~18.7-us ALU units, one launch a unit,
# beside the 70B shape's gate/up GEMM at batch 4 back to back, and beside most0 and most40 at its length; both
# priorities. Declared for an H100 (the GEMM's tail as gemm_tails_70b measured it); on anything else it measures
# nothing. Under a minute.
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_tail_gemm.sh
set -u
name=$(nvidia-smi --query-gpu=name --format=csv,noheader)
case "$name" in *H100*) ;; *) echo "$name: not an H100: nothing measured"; exit 0;; esac
exec "$(dirname "$0")/blocker_runs.sh" --tail-gemm residual_wait_tail_gemm 35
