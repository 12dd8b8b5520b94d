#!/usr/bin/env bash
# The seventh sealed set's Mistral-7B shape, rerun (validation/collect/declared_runs.md, the forty-first session's
# entries): at 32 of 32 layers its collector ran out of memory before any point (K and V preallocated for 20 x 16k), so
# this runs it at 16 of 32 layers, the same units and points, into its own archive, before any form. Declared for an
# H100; on anything else it measures nothing. About a minute.
# Then, after the candidate's commit: untar the archive into validation/traces/h100/ (it replaces the failed run's
# folder, which holds no rows) and build the trace as pending_tail_sealed7.sh says (tag mistral7b).
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_tail_sealed7_mistral.sh
set -u
exec "$(dirname "$0")/short_twin_runs.sh" tail_sealed7 tail_sealed7_mistral.tgz 2x16384,6x6144,20x1536 \
    mistral7b:mistral-7b:16
