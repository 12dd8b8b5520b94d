"""The event loop the serving model shares with the data plane: its own events (arrivals,
prefills, decode steps) are scheduled from Python with ``at`` and run in their place in the
(time, priority, sequence) order; fetches are submitted to the data plane and call back when a
request's KV is in GPU memory.

A fetch's completion callback runs after the event that finished it, not inside it; the serving
model's callback only queues the request and may schedule one priority-2 event at the same cycle,
and nothing else that event does is a priority-2 event at that cycle, so the order of every
event is the same as if it ran inside."""

from __future__ import annotations

from types import ModuleType

import numpy as np
from typing import Any, Callable

from . import layout as k
from .lower import Lowered
from .run import Holder, drive, grow


class ServingLoop(Holder):
    """An event loop (``now``, ``at``, ``arrivals``, ``run``, ``events``) whose data-plane events
    run in ``loop`` (compiled or interpreted); events scheduled from Python run there, in order."""

    def __init__(self, model, prefixes, loop: ModuleType):
        self.loop = loop
        prefixes = np.asarray(prefixes, dtype=np.int64)
        _, first = np.unique(prefixes, return_index=True)  # distinct sizes, in order of first use
        self.low = Lowered(model, prefixes[np.sort(first)].tolist())
        # pending events are few (arrivals are fed one at a time); the heap grows if needed
        super().__init__(self.low.new_state(len(prefixes), 0, "fifo", 0, events=0, chunk_log=False))
        self._calls: dict[int, tuple[Callable[..., None], tuple]] = {}
        self._next = 0
        self._arrivals: tuple[np.ndarray, np.ndarray, int, Callable[[int], None]] | None = None
        self.fetch = FetchService(self)

    @property
    def now(self) -> int:
        return int(self.st.I[k.NOW])

    @property
    def events(self) -> int:
        return int(self.st.I[k.EVENTS])

    def room(self) -> None:
        """Room for one more event pushed from Python, beyond what the loop keeps free."""
        if int(self.st.I[k.HEAP_N]) + self.low.margin + 1 > self.st.EV.shape[0]:
            self.st = grow(self.st, self.low.margin)

    def at(self, time: int, priority: int, fn: Callable[..., None], *args: Any) -> None:
        self.room()
        ext = self._next
        self._next += 1
        self._calls[ext] = (fn, args)
        self.loop.push_external(self.st, time, priority, ext)

    def arrivals(self, times, priority: int, fn: Callable[[int], None]) -> None:
        """``fn(i)`` at ``times[i]`` for every i, in the order they would run if each were
        scheduled with ``at`` before anything else (by time, then index), but held one at a time:
        the next is pushed when one fires, with a sequence number below every other event's
        (its place in that order minus n), so a run keeps no per-request event or callback."""
        times = np.asarray(times, dtype=np.int64)
        order = np.argsort(times, kind="stable")
        self._arrivals = (times[order], order, priority, fn)
        if order.shape[0]:
            self._push_arrival(0)

    def _push_arrival(self, j: int) -> None:
        times, order, priority, _ = self._arrivals
        self.room()
        self.loop.push_external_seq(self.st, int(times[j]), priority, -1 - j, j - order.shape[0])

    def _external(self, ext: int) -> None:
        if ext < 0:  # the j-th arrival: the next is in the heap before this one's work runs
            j = -1 - ext
            _, order, _, fn = self._arrivals
            if j + 1 < order.shape[0]:
                self._push_arrival(j + 1)
            fn(int(order[j]))
            return
        fn, args = self._calls.pop(ext)
        fn(*args)

    def run(self) -> None:
        drive(self.loop, self.low, self, self._external, self.fetch._notify)


class FetchService:
    """The data plane as the serving model drives it: submit fetches, set how much decode slows
    the data-plane GPU kernels, read the GPU, host and DMA work done so far."""

    def __init__(self, loop: ServingLoop):
        self.loop = loop
        self.gpu_classes = list(loop.low.gpu_classes)
        self._callbacks: dict[int, Callable[[], None]] = {}
        self._submitted = 0
        self._corunner: dict[str, float] | None = None

    def submit(self, prefix_tokens: int, on_done: Callable[[], None]) -> int:
        loop = self.loop
        index = self._submitted
        if index >= loop.st.RQ.shape[0]:
            raise RuntimeError("simulator: more fetches submitted than it was sized for")
        self._submitted += 1
        loop.low.set_requests(loop.st, index, [prefix_tokens])
        loop.st.RQ[index, k.RQ_CALLBACK] = 1
        loop.st.I[k.N_UNFINISHED] += 1
        self._callbacks[index] = on_done
        loop.room()
        loop.loop.push_ready(loop.st, loop.low.tables, index)
        return index

    def _notify(self, done: list[int]) -> None:
        for index in done:
            self._callbacks.pop(index)()

    @property
    def corunner_slowdown(self) -> dict[str, float] | None:
        return self._corunner

    @corunner_slowdown.setter
    def corunner_slowdown(self, slowdown: dict[str, float]) -> None:
        """Relative slowdown of each class of data-plane GPU kernel while decode runs."""
        self._corunner = dict(slowdown)
        for i, cls in enumerate(self.gpu_classes):
            self.loop.low.tables.CORUNNER[i] = slowdown[cls]
        self.loop.st.I[k.HOOK] = 1

    @property
    def decode_running(self) -> bool:
        return bool(self.loop.st.I[k.DECODE_RUNNING])

    @decode_running.setter
    def decode_running(self, running: bool) -> None:
        self.loop.st.I[k.DECODE_RUNNING] = int(running)

    @property
    def gpu_busy(self) -> dict[str, int]:
        """GPU kernel cycles started, by class, in order of first use."""
        st = self.loop.st
        order = st.GORDER[:int(st.I[k.N_GCLS_USED])].tolist()
        return {self.gpu_classes[c]: int(st.GBUSY[c]) for c in order}

    @property
    def host_busy(self) -> int:
        return int(self.loop.st.I[k.HOST_BUSY])

    @property
    def dma_bytes(self) -> float:
        return float(self.loop.st.F[k.DMA_BYTES])
