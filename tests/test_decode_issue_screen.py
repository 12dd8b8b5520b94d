"""The decode-side screen (validation/calibration/decode_issue_screen.py; docs/serving.md, Decode's
side beside compute-bound co-runners): what it reads and prints, held to the committed traces."""

import numpy as np
import pytest

from conftest import script_module


@pytest.fixture(scope="module")
def screen():
    return script_module("validation/calibration/decode_issue_screen.py", "decode_issue_screen")


@pytest.fixture(scope="module")
def rows(screen):
    return screen.points("h200")


def _charged(rows, name, k=0.0):
    picked = [r for r in rows if r["family"] == name]
    return sum(r["predicted"] + k * r["term"] for r in picked) / sum(r["measured"] for r in picked)


def test_the_miss_it_screens(rows):
    """Beside the paged-KV scatter and the short ALU units the model charges decode about half of
    what it measured; beside memory-bound co-runners, which the term never touches, about all."""
    assert _charged(rows, "paged-kv-scatter") == pytest.approx(0.48, abs=0.02)
    assert _charged(rows, "short-compute") == pytest.approx(0.50, abs=0.02)
    for name in ("regime-memory", "synthetic-memory", "short-2-byte"):
        assert 0.85 < _charged(rows, name) < 1.15, name
        assert not any(r["term"] for r in rows if r["family"] == name)


def test_the_least_squares_k_closes_it(rows):
    """k fitted by least squares on every held-out point (the screen, not a calibration): 0.245, and
    with it the scatter's and the short ALU units' charged shares come within 0.15 of 1."""
    term = np.array([r["term"] for r in rows])
    gap = np.array([r["measured"] - r["predicted"] for r in rows])
    k = float(term @ gap / (term @ term))
    assert k == pytest.approx(0.245, abs=0.005)
    for name in ("paged-kv-scatter", "short-compute", "probe-alu"):
        assert abs(_charged(rows, name, k) - 1.0) < 0.15, name


def test_a_bad_gpu_is_refused(screen, capsys):
    with pytest.raises(SystemExit) as exc:
        screen.main(["h300"])
    assert exc.value.code == 2 and "invalid choice" in capsys.readouterr().err
