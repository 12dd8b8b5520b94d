"""A plain event queue for serving runs with no data plane (recompute): callbacks ordered by
(time, priority, sequence number), as in the data plane's loop, with the same interface as
``ServingLoop`` (``now``, ``at``, ``run``, ``events``)."""

from __future__ import annotations

import heapq
import itertools
from typing import Any, Callable

import numpy as np


class EventQueue:
    def __init__(self) -> None:
        self.now = 0
        self.heap: list[tuple[int, int, int, Callable[..., None], tuple]] = []
        self.seq = itertools.count()  # ties in (time, priority) run in scheduling order
        self.events = 0

    def at(self, time: int, priority: int, fn: Callable[..., None], *args: Any) -> None:
        heapq.heappush(self.heap, (time, priority, next(self.seq), fn, args))

    def arrivals(self, times, priority: int, fn: Callable[[int], None]) -> None:
        """``fn(i)`` at ``times[i]`` for every i, ordered as if each were scheduled first (by
        time, then index; sequence numbers below every other event's); held one at a time, as
        ``ServingLoop`` does."""
        order = np.argsort(np.asarray(times, dtype=np.int64), kind="stable")
        n = order.shape[0]

        def arrive(j: int) -> None:
            if j + 1 < n:
                heapq.heappush(self.heap, (int(times[order[j + 1]]), priority, j + 1 - n, arrive, (j + 1,)))
            fn(int(order[j]))
        if n:
            heapq.heappush(self.heap, (int(times[order[0]]), priority, -n, arrive, (0,)))

    def run(self) -> None:
        heap, pop = self.heap, heapq.heappop
        while heap:
            time, _, _, fn, args = pop(heap)
            self.now = time
            fn(*args)
            self.events += 1
