"""Discrete-event kernel: integer-cycle clock, deterministic ordering, two kinds of resource.

Events are ordered by (time, priority, sequence number), so a run is a pure function of its
inputs. Time is an integer count of NIC clock cycles; seconds appear only at the edges.

- ``Servers``: n identical servers with one FIFO queue (Arm core groups, engine channels, GPU).
- ``SharedBandwidth``: a fluid processor-sharing resource (a memory, a link, the network, an
  engine's data path). While k flows are active each moves bytes at capacity / k; completion
  times are recomputed whenever the set of flows changes. Implemented with a virtual clock V
  (bytes served to every active flow so far): a flow of b bytes started at V0 ends when
  V = V0 + b, so each change costs O(log k), not O(k). Flows may belong to a *stream* (one
  transport connection): a stream's flows are served in order, one at a time, so sharing is
  between streams, not between the pieces of one stream.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections import deque
from typing import Any, Callable

PRIORITY_FLOW = 0  # completions first, so freed capacity is seen by same-cycle arrivals
PRIORITY_TASK = 1
PRIORITY_GRANT = 2  # slot grants after every same-cycle arrival has queued (fair round-robin)
PRIORITY_SAMPLE = 3


class Simulator:
    """The event loop. ``at`` schedules a callback; ``run`` executes events in order."""

    def __init__(self) -> None:
        self.now = 0
        self.heap: list[tuple[int, int, int, Callable[..., None], tuple]] = []
        self.seq = itertools.count()  # ties in (time, priority) run in scheduling order
        self.events = 0

    def at(self, time: int, priority: int, fn: Callable[..., None], *args: Any) -> None:
        heapq.heappush(self.heap, (time, priority, next(self.seq), fn, args))

    def run(self) -> None:
        heap = self.heap
        pop = heapq.heappop
        count = 0
        while heap:
            time, _, _, fn, args = pop(heap)
            self.now = time
            fn(*args)
            count += 1
        self.events += count


class Servers:
    """n servers, one FIFO queue; tracks busy server-cycles for utilization."""

    __slots__ = ("sim", "name", "n", "free", "queue", "busy", "_last", "_in_use")

    def __init__(self, sim: Simulator, name: str, n: int):
        self.sim, self.name, self.n = sim, name, n
        self.free = n
        self.queue: deque[Callable[[], None]] = deque()
        self.busy = 0  # server-cycles
        self._last = 0
        self._in_use = 0

    def _account(self) -> None:
        now = self.sim.now
        self.busy += (now - self._last) * self._in_use
        self._last = now

    def request(self, granted: Callable[[], None]) -> None:
        if self.free:
            self.free -= 1
            self._account()
            self._in_use += 1
            granted()
        else:
            self.queue.append(granted)

    def release(self) -> None:
        if self.queue:
            self.queue.popleft()()
        else:
            self.free += 1
            self._account()
            self._in_use -= 1

    def busy_now(self) -> int:
        self._account()
        return self.busy


class SharedBandwidth:
    """Fluid processor sharing of ``capacity`` bytes per cycle among active flows."""

    __slots__ = ("sim", "name", "capacity", "virtual", "_last", "flows", "_version", "_due", "busy", "moved",
                 "_seq", "_eps", "_streams")

    def __init__(self, sim: Simulator, name: str, bytes_per_cycle: float):
        self.sim, self.name, self.capacity = sim, name, bytes_per_cycle
        self.virtual = 0.0
        self._last = 0
        self.flows: list[tuple[float, int, Callable[[], None]]] = []
        self._version = 0
        self._due = -1  # time of the pending completion check, -1 if none
        self.busy = 0  # cycles with at least one flow
        self.moved = 0.0
        self._seq = 0
        self._eps = 1e-6 * max(1.0, bytes_per_cycle)  # float slack when comparing virtual times
        self._streams: dict[Any, deque[tuple[float, Callable[[], None]]]] = {}

    def _advance(self) -> None:
        now = self.sim.now
        dt = now - self._last
        if dt and self.flows:
            self.virtual += dt * self.capacity / len(self.flows)
            self.busy += dt
            self.moved += dt * self.capacity
        self._last = now

    def start_in_stream(self, stream: Any, nbytes: float, done: Callable[[], None]) -> None:
        """Like ``start``, but after every earlier flow of ``stream`` has finished."""
        queue = self._streams.get(stream)
        if queue is not None:
            queue.append((nbytes, done))
            return
        self._streams[stream] = deque()
        self.start(nbytes, lambda: self._next_in_stream(stream, done))

    def _next_in_stream(self, stream: Any, done: Callable[[], None]) -> None:
        queue = self._streams[stream]
        if queue:
            nbytes, following = queue.popleft()
            self.start(nbytes, lambda: self._next_in_stream(stream, following))
        else:
            del self._streams[stream]
        done()

    def start(self, nbytes: float, done: Callable[[], None]) -> None:
        """Move ``nbytes`` through this resource, then call ``done``."""
        if nbytes <= 0:
            done()
            return
        # _advance() inlined here and in _complete: this is the simulator's hottest path
        sim = self.sim
        now = sim.now
        flows = self.flows
        dt = now - self._last
        if dt and flows:
            self.virtual += dt * self.capacity / len(flows)
            self.busy += dt
            self.moved += dt * self.capacity
        self._last = now
        self._seq += 1
        heapq.heappush(flows, (self.virtual + nbytes, self._seq, done))
        # A new flow only slows the others, so a pending check stays valid unless the new flow
        # itself finishes first; a check that fires early just finds nothing done and re-arms.
        left = (flows[0][0] - self.virtual) * len(flows) / self.capacity
        when = now + (math.ceil(left - 1e-9) if left > 1 else 1)
        if self._due < 0 or when < self._due:
            self._version += 1
            self._due = when
            heapq.heappush(sim.heap, (when, PRIORITY_FLOW, next(sim.seq), self._complete, (self._version,)))

    def _complete(self, version: int) -> None:
        if version != self._version:
            return  # superseded by an earlier check
        self._due = -1
        sim = self.sim
        now = sim.now
        flows = self.flows
        dt = now - self._last
        if dt and flows:
            self.virtual += dt * self.capacity / len(flows)
            self.busy += dt
            self.moved += dt * self.capacity
        self._last = now
        limit = self.virtual + self._eps
        pop = heapq.heappop
        done = pop(flows)[2] if flows and flows[0][0] <= limit else None
        if done is None:  # woke early: a flow added since slowed everyone; re-arm
            finished = ()
        elif flows and flows[0][0] <= limit:
            finished = [done]
            while flows and flows[0][0] <= limit:
                finished.append(pop(flows)[2])
        else:
            finished = (done,)
        if flows:
            left = (flows[0][0] - self.virtual) * len(flows) / self.capacity
            when = now + (math.ceil(left - 1e-9) if left > 1 else 1)
            self._version += 1
            self._due = when
            heapq.heappush(sim.heap, (when, PRIORITY_FLOW, next(sim.seq), self._complete, (self._version,)))
        for callback in finished:
            callback()

    def busy_now(self) -> int:
        self._advance()
        return self.busy


class WindowedBandwidth(SharedBandwidth):
    """Processor sharing whose capacity follows a periodic schedule (circuit windows of an
    optical fabric): ``steps`` are (start, end, bytes per cycle) within one ``period`` of cycles.
    While the capacity is zero, transfers wait for the next window."""

    __slots__ = ("steps", "period", "open_fraction")

    def __init__(self, sim: Simulator, name: str, steps: list[tuple[int, int, float]], period: int):
        super().__init__(sim, name, max(c for _, _, c in steps) or 1.0)
        self.steps, self.period = steps, period
        self.capacity = self._step_at(0)[0]
        # utilization is busy time over the time a circuit is up
        self.open_fraction = sum(end - start for start, end, c in steps if c > 0) / period

    def _step_at(self, now: int) -> tuple[float, int]:
        """(capacity now, time of the next change)."""
        base = (now // self.period) * self.period
        phase = now - base
        for start, end, capacity in self.steps:
            if start <= phase < end:
                return capacity, base + end
        return self.steps[0][2], base + self.period

    def _advance(self) -> None:
        now = self.sim.now
        dt = now - self._last
        if dt and self.flows and self.capacity > 0:
            self.virtual += dt * self.capacity / len(self.flows)
            self.busy += dt
            self.moved += dt * self.capacity
        self._last = now

    def start(self, nbytes: float, done: Callable[[], None]) -> None:
        if nbytes <= 0:
            done()
            return
        self._advance()
        self.capacity = self._step_at(self.sim.now)[0]
        self._seq += 1
        heapq.heappush(self.flows, (self.virtual + nbytes, self._seq, done))
        self._rearm()

    def _rearm(self) -> None:
        sim = self.sim
        capacity, change = self._step_at(sim.now)
        when = change
        if capacity > 0:
            left = (self.flows[0][0] - self.virtual) * len(self.flows) / capacity
            when = min(when, sim.now + (math.ceil(left - 1e-9) if left > 1 else 1))
        self._version += 1
        self._due = when
        heapq.heappush(sim.heap, (when, PRIORITY_FLOW, next(sim.seq), self._complete, (self._version,)))

    def _complete(self, version: int) -> None:
        if version != self._version:
            return
        self._advance()
        self.capacity = self._step_at(self.sim.now)[0]
        flows = self.flows
        finished = []
        limit = self.virtual + self._eps
        while flows and flows[0][0] <= limit:
            finished.append(heapq.heappop(flows)[2])
        if flows:
            self._rearm()
        else:
            self._due = -1
        for done in finished:
            done()
