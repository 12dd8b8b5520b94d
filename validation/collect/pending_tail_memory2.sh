#!/usr/bin/env bash
# A declared replicate (validation/collect/declared_runs.md, the thirty-third session's tail-memory replicate entry;
# rule unchanged, tests/test_tail_memory.py): the tail-memory diagnostic again with another seed (34), after its first
# run's verdict (wait) was carried unevenly over its cells. Declared for an H100 or an H200. Under a minute.
#
# Usage (device machine, repository root): OUT=/some/dir validation/collect/pending_tail_memory2.sh
set -u
exec "$(dirname "$0")/blocker_runs.sh" --tail-memory residual_wait_tail_memory2 34
