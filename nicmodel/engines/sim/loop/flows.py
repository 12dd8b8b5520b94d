"""Fluid processor sharing (memories, links, the network, an engine's data path): while k flows
are active each moves bytes at capacity / k, tracked with a virtual clock; a windowed resource
(an optical fabric's circuits) has a capacity that follows a periodic schedule. A request's
transfers over the network are one stream, served in order."""

from __future__ import annotations

import math

import numpy as np

from .jit import leaf, inline
from ..layout import (EV_FLOW, NONE, NOW, PRIORITY_FLOW, R_BUSY, R_CAP, R_DUE, R_LAST, R_MOVED, R_NFLOWS,
    R_SEQ, R_VERSION, R_VIRT, WORK_N)
from .queues import _work, push_event

# ---- fluid processor sharing, plain and windowed ------------------------------------------------
# Each resource r has a heap of flows: FK[r] the virtual time it ends, FI[r] (seq, kind, op).
@leaf
def _flow_less(FK, FI, r, i, j):
    a, b = FK[r, i], FK[r, j]
    if a != b:
        return a < b
    return FI[r, i, 0] < FI[r, j, 0]


@leaf
def _flow_swap(FK, FI, r, i, j):
    x = FK[r, i]
    FK[r, i] = FK[r, j]
    FK[r, j] = x
    for c in range(3):
        y = FI[r, i, c]
        FI[r, i, c] = FI[r, j, c]
        FI[r, j, c] = y


@leaf
def _flow_push(RI, FK, FI, r, key, kind, op):
    RI[r, R_SEQ] += 1
    i = RI[r, R_NFLOWS]
    if i >= FK.shape[1]:
        raise RuntimeError("compiled simulator: flow heap overflow")
    RI[r, R_NFLOWS] = i + 1
    FK[r, i] = key
    FI[r, i, 0] = RI[r, R_SEQ]
    FI[r, i, 1] = kind
    FI[r, i, 2] = op
    while i > 0:
        parent = (i - 1) >> 1
        if not _flow_less(FK, FI, r, i, parent):
            break
        _flow_swap(FK, FI, r, i, parent)
        i = parent


@leaf
def _flow_pop(RI, FK, FI, r):
    """Removes the flow that ends first; returns its (kind, op)."""
    kind, op = FI[r, 0, 1], FI[r, 0, 2]
    n = RI[r, R_NFLOWS] - 1
    RI[r, R_NFLOWS] = n
    if n > 0:
        FK[r, 0] = FK[r, n]
        for c in range(3):
            FI[r, 0, c] = FI[r, n, c]
        i = 0
        while True:
            c = 2 * i + 1
            if c >= n:
                break
            if c + 1 < n and _flow_less(FK, FI, r, c + 1, c):
                c += 1
            if not _flow_less(FK, FI, r, c, i):
                break
            _flow_swap(FK, FI, r, i, c)
            i = c
    return kind, op


@leaf
def _advance(I, RF, RI, WINDOWED, r):
    """Brings resource r's virtual clock, busy time and bytes moved up to now (windowed: only while
    a circuit is up)."""
    now = I[NOW]
    dt = now - RI[r, R_LAST]
    n = RI[r, R_NFLOWS]
    if dt != 0 and n > 0 and (WINDOWED[r] == 0 or RF[r, R_CAP] > 0):
        cap = RF[r, R_CAP]
        RF[r, R_VIRT] += dt * cap / n
        RI[r, R_BUSY] += dt
        RF[r, R_MOVED] += dt * cap
    RI[r, R_LAST] = now


@leaf
def _until(left, now):
    """The cycle a check is due ``left`` cycles from now (at least the next cycle)."""
    return now + (np.int64(math.ceil(left - 1e-9)) if left > 1 else 1)


@leaf
def _arm(I, EV, RI, r, when):
    """A new completion check for resource r; earlier ones become stale."""
    RI[r, R_VERSION] += 1
    RI[r, R_DUE] = when
    push_event(I, EV, when, PRIORITY_FLOW, EV_FLOW, r, RI[r, R_VERSION])


@leaf
def _step_at(tb, r, now):
    """A windowed resource's (capacity now, time of the next change)."""
    period = tb.PERIOD[r]
    base = (now // period) * period
    phase = now - base
    for k in range(tb.WPTR[r], tb.WPTR[r + 1]):
        if tb.WSE[k, 0] <= phase < tb.WSE[k, 1]:
            return tb.WCAP[k], base + tb.WSE[k, 1]
    return tb.WCAP[tb.WPTR[r]], base + period


@leaf
def _rearm_windowed(st, tb, r):
    now = st.I[NOW]
    capacity, change = _step_at(tb, r, now)
    when = change
    if capacity > 0:
        left = (st.FK[r, 0] - st.RF[r, R_VIRT]) * st.RI[r, R_NFLOWS] / capacity
        when = min(when, _until(left, now))
    _arm(st.I, st.EV, st.RI, r, when)


@leaf
def _start_windowed(st, tb, r, nbytes, kind, op):
    """A flow starts on a windowed resource (fabric circuits; rare, so it takes the whole state)."""
    _advance(st.I, st.RF, st.RI, tb.WINDOWED, r)
    st.RF[r, R_CAP] = _step_at(tb, r, st.I[NOW])[0]
    _flow_push(st.RI, st.FK, st.FI, r, st.RF[r, R_VIRT] + nbytes, kind, op)
    _rearm_windowed(st, tb, r)


@inline
def _flow_start(st, tb, r, nbytes, kind, op):
    """Move nbytes through resource r, then continue with (kind, op)."""
    if nbytes <= 0:
        _work(st.I, st.WK, kind, op, 0)  # done() at once: every caller does nothing after start
    elif tb.WINDOWED[r] != 0:
        _start_windowed(st, tb, r, nbytes, kind, op)
    else:
        I, RF, RI = st.I, st.RF, st.RI
        _advance(I, RF, RI, tb.WINDOWED, r)
        _flow_push(RI, st.FK, st.FI, r, RF[r, R_VIRT] + nbytes, kind, op)
        now = I[NOW]
        left = (st.FK[r, 0] - RF[r, R_VIRT]) * RI[r, R_NFLOWS] / RF[r, R_CAP]
        when = _until(left, now)
        # a new flow only slows the others: the pending check stays valid unless it ends first
        if RI[r, R_DUE] < 0 or when < RI[r, R_DUE]:
            _arm(I, st.EV, RI, r, when)


@inline
def _flow_check(st, tb, r, version):
    """A due completion check: the flows that have ended continue, in order of ending."""
    I, RF, RI, WK = st.I, st.RF, st.RI, st.WK
    if version == RI[r, R_VERSION]:
        windowed = tb.WINDOWED[r] != 0
        if not windowed:
            RI[r, R_DUE] = NONE
        _advance(I, RF, RI, tb.WINDOWED, r)
        now = I[NOW]
        if windowed:
            RF[r, R_CAP] = _step_at(tb, r, now)[0]
        limit = RF[r, R_VIRT] + tb.EPS[r]
        first = I[WORK_N]
        while RI[r, R_NFLOWS] > 0 and st.FK[r, 0] <= limit:
            kind, op = _flow_pop(RI, st.FK, st.FI, r)
            _work(I, WK, kind, op, 0)
        if RI[r, R_NFLOWS] > 0:
            if windowed:
                _rearm_windowed(st, tb, r)
            else:
                left = (st.FK[r, 0] - RF[r, R_VIRT]) * RI[r, R_NFLOWS] / RF[r, R_CAP]
                _arm(I, st.EV, RI, r, _until(left, now))
        elif windowed:
            RI[r, R_DUE] = NONE
        # the callbacks run in the order the flows ended: reverse them on the stack
        last = I[WORK_N] - 1
        while first < last:
            for c in range(3):
                x = WK[first, c]
                WK[first, c] = WK[last, c]
                WK[last, c] = x
            first += 1
            last -= 1
