"""The decode-side screen (validation/calibration/decode_issue_screen.py; docs/serving.md, Decode's
side beside compute-bound co-runners): what it reads and prints, held to the committed traces."""

import pytest

from conftest import ROOT, script_module

# the H200 traces measured after this screen's figures were recorded (2026-12-05, a twentieth session): the
# screen reads every H200 trace, so its recorded figures are held to the traces before them
MEASURED_SINCE = {"h200_l2_partial_interference.csv", "h200_coverage1_interference.csv",
                  "h200_coverage2_interference.csv"}


def _recorded() -> list[str]:
    return [str(p) for p in sorted((ROOT / "validation/traces").glob("h200*_interference.csv"))
            if p.name not in MEASURED_SINCE]


@pytest.fixture(scope="module")
def screen():
    return script_module("validation/calibration/decode_issue_screen.py", "decode_issue_screen")


@pytest.fixture(scope="module")
def rows(screen):
    return screen.points("h200", _recorded())


def test_charged_by_hand(screen):
    """Two points of one family: predicted 0.01 and 0.02 with terms 0.1 and 0.3, measured 0.02 and
    0.04; charged (0.01 + 0.02) / 0.06 = 0.5, with k 0.1 (0.03 + 0.04) / 0.06; least squares k =
    (0.1 x 0.01 + 0.3 x 0.02) / (0.01 + 0.09) = 0.07."""
    rows = [{"family": "f", "predicted": 0.01, "measured": 0.02, "term": 0.1},
            {"family": "f", "predicted": 0.02, "measured": 0.04, "term": 0.3}]
    assert screen.charged(rows, "f") == pytest.approx(0.5)
    assert screen.charged(rows, "f", 0.1) == pytest.approx(0.07 / 0.06)
    assert screen.least_squares_k(rows) == pytest.approx(0.07)


def test_the_miss_it_screens(screen, rows):
    """Beside the paged-KV scatter and the short ALU units the model charges decode about half of
    what it measured; beside memory-bound co-runners, which the term never touches, about all."""
    assert screen.charged(rows, "paged-kv-scatter") == pytest.approx(0.48, abs=0.02)
    assert screen.charged(rows, "short-compute") == pytest.approx(0.50, abs=0.02)
    for name in ("regime-memory", "synthetic-memory", "short-2-byte"):
        assert 0.85 < screen.charged(rows, name) < 1.15, name
        assert not any(r["term"] for r in rows if r["family"] == name)


def test_the_least_squares_k_closes_it(screen, rows):
    """k fitted by least squares on every held-out point (the screen, not a calibration): 0.241 (0.245
    before the sixteenth session's three held-out traces joined), and
    with it the scatter's and the short ALU units' charged shares come within 0.15 of 1."""
    k = screen.least_squares_k(rows)
    assert k == pytest.approx(0.241, abs=0.003)
    for name in ("paged-kv-scatter", "short-compute", "probe-alu"):
        assert abs(screen.charged(rows, name, k) - 1.0) < 0.15, name


def test_a_bad_gpu_is_refused(screen, capsys):
    with pytest.raises(SystemExit) as exc:
        screen.main(["h300"])
    assert exc.value.code == 2 and "invalid choice" in capsys.readouterr().err


def test_relative_k_by_hand(screen):
    """Measured 0.02 and 0.04, predicted 0.01 and 0.02, terms 0.1 and 0.3: t/m = 5 and 7.5, gaps 0.5
    and 0.5; k = (5 x 0.5 + 7.5 x 0.5) / (25 + 56.25) = 6.25 / 81.25 = 0.0769."""
    rows = [{"family": "f", "predicted": 0.01, "measured": 0.02, "term": 0.1},
            {"family": "f", "predicted": 0.02, "measured": 0.04, "term": 0.3}]
    assert screen.relative_k(rows) == pytest.approx(6.25 / 81.25)


@pytest.mark.usefixtures("before_fifteenth")  # read on the model of its day: before the packed room
def test_the_old_term_under_the_declared_estimator(screen, capsys):
    """On the next form's declared fitted set (its 692 decode points that lost at least 1%), the relative
    loss-share estimator puts the old term's k at 0.098 (the ratio's estimator put it at 0), and the
    regime compute kernels' loss-share MAPE falls 40.8 -> 31.7%; carried to every held-out point, the
    scatter's charged share would rise only 0.48 -> 0.64, short of the 0.7 its sealed set claims."""
    assert screen.main(["--fitted-set"]) == 0
    out = capsys.readouterr().out
    assert "692 decode points" in out and "k = 0.098" in out
    assert "regime-compute        332  at 0: loss-share MAPE 40.8%" in out and "at k: loss-share MAPE 31.7%" in out
    rows = screen.points("h200", _recorded())
    assert screen.charged(rows, "paged-kv-scatter", 0.098) == pytest.approx(0.64, abs=0.01)
