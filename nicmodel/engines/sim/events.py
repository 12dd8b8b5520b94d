"""A plain event queue for serving runs with no data plane (recompute): callbacks ordered by
(time, priority, sequence number), as in the data plane's loop, with the same interface as
``ServingLoop`` (``now``, ``at``, ``run``, ``events``)."""

from __future__ import annotations

import heapq
import itertools
from typing import Any, Callable


class EventQueue:
    def __init__(self) -> None:
        self.now = 0
        self.heap: list[tuple[int, int, int, Callable[..., None], tuple]] = []
        self.seq = itertools.count()  # ties in (time, priority) run in scheduling order
        self.events = 0

    def at(self, time: int, priority: int, fn: Callable[..., None], *args: Any) -> None:
        heapq.heappush(self.heap, (time, priority, next(self.seq), fn, args))

    def run(self) -> None:
        heap, pop = self.heap, heapq.heappop
        while heap:
            time, _, _, fn, args = pop(heap)
            self.now = time
            fn(*args)
            self.events += 1
