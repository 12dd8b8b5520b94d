#!/usr/bin/env bash
# The sixth sealed set's Llama-2-7B shape, rerun (validation/collect/declared_runs.md, the fortieth session's entries):
# at 32 of 32 layers its collector ran out of memory (the MHA shape's preallocated K and V for 36 x 8k, 144 GiB), so
# this runs it at 8 of 32 layers (36 GiB), the same units and points, into its own archive, before any form. Declared
# for an H100; on anything else it measures nothing. About a minute.
# Then, after the candidate's commit: untar the archive into validation/traces/h100/ (it replaces the failed run's
# folder, which holds no rows) and build the trace as pending_tail_sealed6.sh says (tag llama2_7b).
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_tail_sealed6_llama2.sh
set -u
exec "$(dirname "$0")/short_twin_runs.sh" tail_sealed6 tail_sealed6_llama2.tgz 5x8192,14x2048,36x1024 \
    llama2_7b:llama-2-7b:8
