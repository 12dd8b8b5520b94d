"""What the sealed sets' declared claims read (test_turn_wait.py, test_long_gemms.py): a family's MAPE on
one trace's held-out rows, optionally with spec values replaced (a form before, pinned)."""

import json
from pathlib import Path

from nicmodel.validation.predict import Predictor
from nicmodel.validation.trace import read_trace
from nicmodel.validation.validate import family

# the model before the turn rounds (2026-12-06, a twenty-ninth session: the plan's values of then, turn_free_pace 0)
BEFORE_TURN_ROUNDS = json.loads((Path(__file__).resolve().parents[1] / "validation/calibration/before_turn_rounds.json")
                                .read_text())
# the model before the crawl beside long GEMMs (2026-12-06): the one the claims declared before it were read against
BEFORE_CRAWL = {**BEFORE_TURN_ROUNDS, "gpu.interference.crawl_share": 0.0, "gpu.interference.turn_growth": 1.0}


def family_mape(trace: Path, metric: str, fam: str, replace: dict | None = None) -> float:
    """Mean |predicted / measured - 1| in percent over the held-out rows of ``fam`` and ``metric``."""
    predictor = Predictor()
    errors = [abs(predictor.predict(pt, replace) / pt.value - 1) * 100 for pt in read_trace(trace)
              if pt.metric == metric and family(pt.argument) == fam and pt.role == "held-out"]
    assert errors, (trace, metric, fam)
    return sum(errors) / len(errors)
