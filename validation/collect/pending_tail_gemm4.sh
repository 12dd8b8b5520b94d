#!/usr/bin/env bash
# A declared replicate (validation/collect/declared_runs.md, the thirty-sixth session's entry): the tail-GEMM third run
# (pending_tail_gemm3.sh) read **frees**; the same run again, seed 38, into h100/residual_wait_tail_gemm4/, read by the
# same rule (tests/test_tail_gemm.py, third_verdict). The verdict stands as reproduced if this one reads frees too;
# any other reading makes it not reproducible, and no form takes it. Declared for an H100; on anything else it
# measures nothing. Under a minute.
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_tail_gemm4.sh
set -u
name=$(nvidia-smi --query-gpu=name --format=csv,noheader)
case "$name" in *H100*) ;; *) echo "$name: not an H100: nothing measured"; exit 0;; esac
exec "$(dirname "$0")/blocker_runs.sh" --tail-gemm residual_wait_tail_gemm4 38
