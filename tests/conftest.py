import os
from pathlib import Path

import pytest

# the suite never builds the ahead-of-time event loop into the user's cache (engines/sim/aot.py);
# tests/test_sim_aot.py builds one in a temporary folder and checks it against the JIT loop
os.environ["NICMODEL_AOT"] = "0"

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "pipelines" / "shadowserve.yaml"
NAIVE = ROOT / "pipelines" / "shadowserve-naive.yaml"
COPYING = ROOT / "pipelines" / "shadowserve-copying.yaml"
TWO_STAGE = Path(__file__).resolve().parent / "fixtures" / "two_stage.yaml"


@pytest.fixture
def root() -> Path:
    return ROOT
