"""Start-up behaviour of the simulator: no writable cache never fails a run, a slow first load
says why, and sweeps print their plan with the Ray crossover."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from nicmodel.planning import budget

ROOT = Path(__file__).resolve().parent.parent

NO_CACHE_RUN = """
import sys
from numba.core import caching
# neither the source tree nor the user's cache folder can hold numba's cache
caching.CacheImpl._locator_classes = [caching.UserProvidedCacheLocator]
from nicmodel.cli import main
sys.exit(main(["simulate", "pipelines/shadowserve.yaml", "--requests", "50", "--sim-kernel", "compiled"]))
"""


def test_no_writable_cache_still_runs_the_compiled_loop():
    done = subprocess.run([sys.executable, "-c", NO_CACHE_RUN], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "50 requests" in done.stdout
    assert "Traceback" not in done.stderr


def test_plan_line_by_hand():
    # 15 runs of 3e5 events on the compiled loop (3M events/s): 0.1 s each; 2 workers: 15 x 0.1 / 2 + 1 s
    line = budget.plan_line(3, 15, 15 * 3e5, 2, "local", "compiled")
    assert "15 runs of ~0.1 s" in line and "~2 s" in line and "would not pay off" in line
    # 100 runs of 2 s: 100 s on 2 workers; a cluster of W beats it when 12 + 200 / W < 100: W > 2.27
    line = budget.plan_line(100, 100, 100 * 6e6, 2, "local", "compiled")
    assert "more than 3 workers" in line
