"""The numbers a command takes besides its specs (seeds, counts, rates, budgets), validated one way
for the CLI and the Python API: a boolean is never a number, NaN and infinities are refused, and
every count has a ceiling the run budget can afford. Foundation layer (imports only errors).
"""

from __future__ import annotations

import math
from typing import Any

from .errors import SpecError

SEED_MAX = 2**32 - 1  # numpy's seed range
REPLICATIONS_MAX = 1_000
DRAWS_MAX = 1_000_000
REQUESTS_MAX = 10_000_000
JOBS_MAX = 1_024
RATE_MIN, RATE_MAX = 1e-6, 1e9  # requests per second: one a ~12 days to a billion a second
EVENTS_MAX = 1e12


def _number(value: Any, flag: str) -> float:
    if isinstance(value, bool):
        raise SpecError(f"expected a number, got the boolean {value!r}", flag)
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise SpecError(f"expected a number, got {value!r}", flag) from None
    if not math.isfinite(x):
        raise SpecError(f"expected a finite number, got {value!r}", flag)
    return x


def count(value: Any, flag: str, low: int = 1, high: int | None = None) -> int:
    """A whole number in [low, high]."""
    x = _number(value, flag)
    if x != int(x):
        raise SpecError(f"expected a whole number, got {value!r}", flag)
    if x < low or (high is not None and x > high):
        span = f"{low:,}..{high:,}" if high is not None else f"at least {low:,}"
        raise SpecError(f"expected {span}, got {int(x):,}", flag)
    return int(x)


def number(value: Any, flag: str, low: float, high: float, what: str = "") -> float:
    """A finite number in [low, high]."""
    x = _number(value, flag)
    if not low <= x <= high:
        raise SpecError(f"expected {what + ' ' if what else ''}between {low:g} and {high:g}, got {value!r}", flag)
    return x


def seed(value: Any, flag: str = "--seed") -> int:
    return count(value, flag, 0, SEED_MAX)


def replications(value: Any, flag: str = "--replications") -> int:
    return count(value, flag, 1, REPLICATIONS_MAX)


def draws(value: Any, flag: str = "--uncertainty", low: int = 2) -> int:
    return count(value, flag, low, DRAWS_MAX)


def requests(value: Any, flag: str = "--requests") -> int:
    return count(value, flag, 1, REQUESTS_MAX)


def jobs(value: Any, flag: str = "--jobs") -> int:
    return count(value, flag, 1, JOBS_MAX)


def rate(value: Any, flag: str = "--rate") -> float:
    return number(value, flag, RATE_MIN, RATE_MAX, "requests per second")


def max_events(value: Any, flag: str = "--max-events") -> float:
    return number(value, flag, 1.0, EVENTS_MAX, "events")
