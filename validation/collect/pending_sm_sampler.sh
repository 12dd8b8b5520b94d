#!/usr/bin/env bash
# A declared diagnostic (validation/collect/declared_runs.md, the thirty-first session's SM-sampler entry; nothing
# fitted to it): which SMs decode's kernels leave free over a step, sampled by short one-SM blocks on a side stream
# (sm_sampler.py), beside the 405B shape (3 layers) and the 70B shape (12 layers) at 2 x 2048 and 16 x 4096, and
# Llama-3-8B as a control. Rules in tests/test_sm_sampler.py, written before the run. Declared for an H100; on anything
# else it measures nothing. About 3 minutes. Then, on this repository: untar OUT/sm_sampler.tgz into
# validation/traces/h100/ (windows.csv is large: keep summary.csv, alone.csv and the log; windows.csv gzipped).
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_sm_sampler.sh
set -u
exec "$(dirname "$0")/sampler_runs.sh" s sm_sampler sm_sampler.tgz 150 "" \
    405b:llama-3.1-405b:3:2x2048,16x4096 70b:llama-3-70b:12:2x2048,16x4096 8b:llama-3-8b::2x2048,16x4096
