#!/usr/bin/env bash
# A declared diagnostic (validation/collect/declared_runs.md, the thirty-seventh session's second marked-timeline
# entry; nothing fitted to it, every point held out): the marked timeline (marked_runs.sh, as pending_marked_timeline.sh)
# beside the shapes whose GEMMs leave SMs free or are short: Yi-34B (16 of 60 layers) and Qwen2.5-14B (24 of 48), whose
# grids leave 52 SMs free (the ledger's roomy-gemms cause), Llama-3-8B and Qwen2.5-7B (every layer: the roomy GEMMs
# beside which the second and third tile-tail candidates over-charged the scatter). Not Llama-3.2-1B: its markers
# (128 one-thread nodes) would add about a fifth to a step of ~12-us GEMMs. Under two minutes on an H100; on anything else it
# measures nothing. Then, on this repository: untar OUT/marked_timeline2.tgz into validation/traces/h100/ and read it
# with validation/collect/timeline_marks.py (the rule in tests/test_marked_timeline.py).
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_marked_timeline2.sh
set -u
exec "$(dirname "$0")/marked_runs.sh" marked_timeline2.tgz yi34b:yi-34b:16 qwen14b:qwen2.5-14b:24 8b:llama-3-8b: \
    qwen7b:qwen2.5-7b:
