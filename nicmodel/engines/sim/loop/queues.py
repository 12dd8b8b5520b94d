"""Ordering and waiting: the event heap (least (time, priority, sequence) first), the LIFO work
stack that replaces nested calls, a pool of queue nodes, and n identical servers with one FIFO
queue (core groups, engine channels, threads, request windows)."""

from __future__ import annotations

from .jit import leaf
from ..layout import (HEAP_N, ND_KIND, ND_NEXT, ND_OP, NODE_FREE, NONE, NOW, SEQ, SV_BUSY, SV_FREE,
    SV_INUSE, SV_LAST, SV_QHEAD, SV_QTAIL, WORK_N)

# ---- the event heap: rows (time, priority, seq, kind, a, b), least (time, priority, seq) first
@leaf
def _ev_before(EV, i, t, p, s):
    if EV[i, 0] != t:
        return EV[i, 0] < t
    if EV[i, 1] != p:
        return EV[i, 1] < p
    return EV[i, 2] < s


@leaf
def _ev_put(EV, i, time, priority, seq, kind, a, b):
    EV[i, 0] = time
    EV[i, 1] = priority
    EV[i, 2] = seq
    EV[i, 3] = kind
    EV[i, 4] = a
    EV[i, 5] = b


@leaf
def push_event(I, EV, time, priority, kind, a, b):
    seq = I[SEQ]
    I[SEQ] = seq + 1
    push_event_seq(I, EV, time, priority, seq, kind, a, b)


@leaf
def push_event_seq(I, EV, time, priority, seq, kind, a, b):
    """An event with the sequence number ``seq`` (ties in (time, priority) run in its order)."""
    i = I[HEAP_N]
    I[HEAP_N] = i + 1
    while i > 0:
        parent = (i - 1) >> 1
        if _ev_before(EV, parent, time, priority, seq):
            break
        for c in range(6):
            EV[i, c] = EV[parent, c]
        i = parent
    _ev_put(EV, i, time, priority, seq, kind, a, b)


@leaf
def _pop_event(I, EV):
    """Removes the least event; returns (time, kind, a, b)."""
    time, kind, a, b = EV[0, 0], EV[0, 3], EV[0, 4], EV[0, 5]
    n = I[HEAP_N] - 1
    I[HEAP_N] = n
    if n > 0:
        t, p, s = EV[n, 0], EV[n, 1], EV[n, 2]
        k, x, y = EV[n, 3], EV[n, 4], EV[n, 5]
        i = 0
        while True:
            c = 2 * i + 1
            if c >= n:
                break
            if c + 1 < n and not _ev_before(EV, c, EV[c + 1, 0], EV[c + 1, 1], EV[c + 1, 2]):
                c += 1
            if not _ev_before(EV, c, t, p, s):
                break
            for j in range(6):
                EV[i, j] = EV[c, j]
            i = c
        _ev_put(EV, i, t, p, s, k, x, y)
    return time, kind, a, b


# ---- the work stack ------------------------------------------------------------------------------
@leaf
def _work(I, WK, kind, a, b):
    n = I[WORK_N]
    if n >= WK.shape[0]:
        raise RuntimeError("compiled simulator: work stack overflow")
    WK[n, 0] = kind
    WK[n, 1] = a
    WK[n, 2] = b
    I[WORK_N] = n + 1


# ---- FIFO queues of continuations in a node pool --------------------------------------------------
@leaf
def _node(I, ND, kind, op):
    node = I[NODE_FREE]
    if node < 0:
        raise RuntimeError("compiled simulator: queue node pool exhausted")
    I[NODE_FREE] = ND[node, ND_NEXT]
    ND[node, ND_NEXT] = NONE
    ND[node, ND_KIND] = kind
    ND[node, ND_OP] = op
    return node


@leaf
def _free_node(I, ND, node):
    ND[node, ND_NEXT] = I[NODE_FREE]
    I[NODE_FREE] = node


# ---- n servers, one FIFO queue ----------------------------------------------------------------------
@leaf
def _account(I, SV, sv):
    now = I[NOW]
    SV[sv, SV_BUSY] += (now - SV[sv, SV_LAST]) * SV[sv, SV_INUSE]
    SV[sv, SV_LAST] = now


@leaf
def _request(I, SV, ND, WK, sv, kind, op):
    """A server is asked for: granted at once (a tail call: the continuation runs next) or queued."""
    if SV[sv, SV_FREE] > 0:
        SV[sv, SV_FREE] -= 1
        _account(I, SV, sv)
        SV[sv, SV_INUSE] += 1
        _work(I, WK, kind, op, 0)
    else:
        node = _node(I, ND, kind, op)
        if SV[sv, SV_QTAIL] < 0:
            SV[sv, SV_QHEAD] = node
        else:
            ND[SV[sv, SV_QTAIL], ND_NEXT] = node
        SV[sv, SV_QTAIL] = node


@leaf
def _release(I, SV, ND, sv):
    """A server is given back: returns the queued continuation handed the server as (kind, op), or
    (NONE, NONE); the caller runs it before its own remaining work."""
    node = SV[sv, SV_QHEAD]
    if node >= 0:
        SV[sv, SV_QHEAD] = ND[node, ND_NEXT]
        if SV[sv, SV_QHEAD] < 0:
            SV[sv, SV_QTAIL] = NONE
        kind, op = ND[node, ND_KIND], ND[node, ND_OP]
        _free_node(I, ND, node)
        return kind, op
    SV[sv, SV_FREE] += 1
    _account(I, SV, sv)
    SV[sv, SV_INUSE] -= 1
    return NONE, NONE
