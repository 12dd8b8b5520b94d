"""Offered versus served load: is a run inside the capacity it was given?

A loaded run is only meaningful below capacity. Two independent signs of overload are checked:
the offered arrival rate against a capacity known up front (the analytical model), and a queue
that grows during the run (the last quarter of requests waits much longer than the first).
"""

from __future__ import annotations

from typing import Any

import numpy as np

# A queue "grows" when the last quarter's mean latency is this many times the first quarter's.
# Below capacity a Poisson queue's latency has no trend; far above it grows linearly with time.
GROWTH_FACTOR = 2.0


def load_verdict(arrivals_s: list[float], latencies_s: list[float], capacity_per_s: float | None,
                 capacity_note: str = "", nominal_rate: float | None = None) -> dict[str, Any]:
    """Offered and served rates, the capacity, and whether the run is overloaded (with why).
    ``nominal_rate`` is the rate the arrivals were drawn at (Poisson): it is the offered load,
    since a finite sample can arrive slower than its rate and hide an overload; without it the
    offered rate is measured from the arrivals (traces)."""
    a = np.asarray(arrivals_s, dtype=float)
    lat = np.asarray(latencies_s, dtype=float)
    n = len(a)
    span_in = float(a.max() - a.min()) if n else 0.0
    offered = (n - 1) / span_in if n > 1 and span_in > 0 else None  # None: arriving together
    if nominal_rate is not None:
        offered = nominal_rate
    span_out = float((a + lat).max() - a.min()) if n else 0.0
    served = n / span_out if span_out > 0 else None
    growth = None
    if n >= 8 and span_in > 0:
        order = np.argsort(a, kind="stable")
        q = n // 4
        first, last = lat[order[:q]].mean(), lat[order[-q:]].mean()
        growth = float(last / first) if first > 0 else None
    reasons = []
    if offered is not None and capacity_per_s is not None and offered > capacity_per_s:
        reasons.append(f"offered {offered:.3g}/s exceeds the capacity {capacity_per_s:.3g}/s"
                       + (f" ({capacity_note})" if capacity_note else ""))
    if growth is not None and growth >= GROWTH_FACTOR:
        reasons.append(f"the queue grows: the last quarter of requests waits {growth:.1f}x as long as the first")
    return {
        "offered_rate_per_s": offered,
        "served_rate_per_s": served,
        "capacity_per_s": capacity_per_s,
        "capacity_basis": capacity_note,
        "offered_share_of_capacity": offered / capacity_per_s if offered is not None and capacity_per_s else None,
        "latency_growth": growth,
        "overloaded": bool(reasons),
        "overload_reasons": reasons,
    }
