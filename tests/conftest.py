from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "pipelines" / "shadowserve.yaml"
NAIVE = ROOT / "pipelines" / "shadowserve-naive.yaml"
COPYING = ROOT / "pipelines" / "shadowserve-copying.yaml"
TWO_STAGE = Path(__file__).resolve().parent / "fixtures" / "two_stage.yaml"


@pytest.fixture
def root() -> Path:
    return ROOT
