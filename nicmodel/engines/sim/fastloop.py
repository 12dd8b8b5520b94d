"""The compiled event loop: the reference simulator (``kernel.py`` + ``datapath.py``) replayed on
arrays, compiled with numba.

It makes the same events in the same order, with the same (time, priority, sequence) keys and
the same floating-point operations, so its runs equal the reference's to the cycle and the bit;
``tests/test_compiled_sim.py`` holds it to that. Nothing here is a model decision: a change to
the model is made in the reference first and mirrored here.

How the reference's callbacks become arrays:
- A continuation (what a queue or a transfer calls when it is done) is a (kind, op) pair; an op
  is one stage of one chunk, numbered slot x stages + stage (a chunk lives in a buffer slot).
- Nested calls become a LIFO work stack: a handler that would call A and then do B pushes B
  beneath A, so A and everything it sets off runs first, exactly as a call would.
- Events the serving model schedules are "external": the loop returns their id to Python, which
  runs them and calls back in. Fetch completions with a callback are handed to Python after the
  event that caused them (the callback only schedules a priority-2 event at the same cycle,
  which no other work of that event can precede or follow differently; see compiled.py).

State lives in a namedtuple of arrays owned by Python (``compiled.State``); the loop only ever
returns at an event boundary, so Python may grow an array and call back in.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

# ---- scalar slots of State.I -------------------------------------------------------------
NOW, SEQ, EVENTS, HEAP_N, WORK_N, NODE_FREE, FREE_SLOTS, GRANT_PENDING, SLOT_AREA, SLOT_LAST = range(10)
WAIT_HEAD, WAIT_N, N_REC, N_CD, N_SMP, N_NOTE, EXT_ID, HOST_BUSY, DECODE_RUNNING, HOOK = range(10, 20)
FREE_TOP, N_GCLS_USED, N_UNFINISHED, SAMPLE_STEP, POLICY, N_I = range(20, 26)  # POLICY: 0 fifo, 1 round-robin
DMA_BYTES, N_F = 0, 1  # State.F

# ---- table scalars (Tables.TI) --------------------------------------------------------------
T_STAGES, T_SINKS, T_NET, T_SLOTS, T_FIXED_SV, T_RTT, T_RECORD, T_N = range(8)

# ---- columns ----------------------------------------------------------------------------------
SV_N, SV_FREE, SV_BUSY, SV_LAST, SV_INUSE, SV_QHEAD, SV_QTAIL, SV_COLS = range(8)  # servers
R_VIRT, R_MOVED, R_CAP, RF_COLS = range(4)  # shared bandwidth, float part
R_LAST, R_VERSION, R_DUE, R_BUSY, R_SEQ, R_NFLOWS, RI_COLS = range(7)  # shared bandwidth, int part
RQ_FINISH, RQ_REMAINING, RQ_NCHUNKS, RQ_NFULL, RQ_FULLCLS, RQ_LASTCLS = range(6)  # requests
RQ_CALLBACK, RQ_NEXT, RQ_STREAM, RQ_SQHEAD, RQ_SQTAIL, RQ_COLS = range(6, 12)
CH_REQ, CH_IDX, CH_CLS, CH_LEFT, CH_NHELD, CH_COLS = range(6)  # chunks (by slot)
OP_READY, OP_START, OP_EXEC_END, OP_PARTS, OP_COLS = range(5)
ND_NEXT, ND_KIND, ND_OP, ND_COLS = range(4)  # queue nodes
ST_THREAD, ST_TFIRST, ST_TLAST, ST_NPREDS, ST_SINK, ST_SERVER, ST_COLS = range(7)  # stages
S_SERVICE, S_ENGINE, S_MEMORY, S_GCLASS, S_HOST, S_DMA, S_DELAY, S_COLS = range(8)  # steps, int part
S_ENGINE_BYTES, S_OUT_BYTES, SF_COLS = range(3)  # steps, float part
M_HELD, M_PEAK, M_AREA, M_COLS = range(4)  # memories

# ---- events, continuations, work ---------------------------------------------------------------
EV_READY, EV_GRANT, EV_SREQ, EV_EXEC, EV_FLOW, EV_SAMPLE, EV_EXT = range(7)
PRIORITY_FLOW, PRIORITY_TASK, PRIORITY_GRANT, PRIORITY_SAMPLE = 0, 1, 2, 3  # as kernel.py
C_BEGIN, C_ISSUED, C_GRANTED, C_PART, C_EXEC_DONE, C_STREAM_NEXT = range(6)
W_STAGE_DONE, W_GRANT_LOOP, W_NEW_OP = 6, 7, 8

# ---- what run() returns ---------------------------------------------------------------------
DONE, EXTERNAL, NOTIFY, GROW = range(4)
NONE = -1


# Two kinds of function. A call passes every array of a tuple argument one by one (hundreds of
# registers and stack slots for State + Tables), so:
# - helpers used in many places take only the arrays they touch (cheap to call);
# - handlers used in one place take (st, tb) and are inlined where they are used.
leaf = njit(cache=True, _nrt=False)
inline = njit(cache=True, _nrt=False, inline="always")
entry = njit(cache=True, _nrt=False)


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


# ---- Servers: n servers, one FIFO queue (kernel.Servers) -------------------------------------------
@leaf
def _account(I, SV, sv):
    now = I[NOW]
    SV[sv, SV_BUSY] += (now - SV[sv, SV_LAST]) * SV[sv, SV_INUSE]
    SV[sv, SV_LAST] = now


@leaf
def _request(I, SV, ND, WK, sv, kind, op):
    """Servers.request: granted at once (a tail call: the continuation runs next) or queued."""
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
    """Servers.release: returns the queued continuation handed the server as (kind, op), or
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


# ---- SharedBandwidth / WindowedBandwidth (fluid processor sharing) --------------------------------
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
    """SharedBandwidth._advance (windowed: only while a circuit is up)."""
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
    """WindowedBandwidth._step_at: (capacity now, time of the next change)."""
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
    """WindowedBandwidth.start (fabric circuits; rare, so it takes the whole state)."""
    _advance(st.I, st.RF, st.RI, tb.WINDOWED, r)
    st.RF[r, R_CAP] = _step_at(tb, r, st.I[NOW])[0]
    _flow_push(st.RI, st.FK, st.FI, r, st.RF[r, R_VIRT] + nbytes, kind, op)
    _rearm_windowed(st, tb, r)


@inline
def _flow_start(st, tb, r, nbytes, kind, op):
    """SharedBandwidth.start: move nbytes through resource r, then continue with (kind, op)."""
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
    """SharedBandwidth._complete: the flows that have ended continue, in order of ending."""
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


# ---- memory, slots ---------------------------------------------------------------------------------
@leaf
def _change_memory(I, MF, ML, m, delta):
    now = I[NOW]
    MF[m, M_AREA] += MF[m, M_HELD] * (now - ML[m])
    ML[m] = now
    MF[m, M_HELD] += delta
    if MF[m, M_HELD] > MF[m, M_PEAK]:
        MF[m, M_PEAK] = MF[m, M_HELD]


@leaf
def _count_slots(I, slots):
    now = I[NOW]
    I[SLOT_AREA] += (slots - I[FREE_SLOTS]) * (now - I[SLOT_LAST])
    I[SLOT_LAST] = now


# ---- one op: a stage applied to a chunk (datapath._Op) ---------------------------------------------
@inline
def _row(st, tb, op):
    """The op's step: its chunk's size class x stages + its stage."""
    return st.CH[tb.OPSLOT[op], CH_CLS] * tb.TI[T_STAGES] + tb.OPSTAGE[op]


@inline
def _begin(st, tb, op):
    if tb.STI[_row(st, tb, op), S_DELAY] != 0:  # a per-chunk GET: wait for the request's window
        _request(st.I, st.SV, st.ND, st.WK, tb.TI[T_FIXED_SV] + st.CH[tb.OPSLOT[op], CH_REQ], C_ISSUED, op)
    else:
        _request(st.I, st.SV, st.ND, st.WK, tb.STG[tb.OPSTAGE[op], ST_SERVER], C_GRANTED, op)


@inline
def _new_op(st, tb, op):
    stage = tb.OPSTAGE[op]
    st.OP[op, OP_READY] = st.I[NOW]
    if tb.STG[stage, ST_TFIRST] != 0:
        _request(st.I, st.SV, st.ND, st.WK, tb.STG[stage, ST_THREAD], C_BEGIN, op)
    else:
        _begin(st, tb, op)


@inline
def _granted(st, tb, op):
    I = st.I
    slot, stage = tb.OPSLOT[op], tb.OPSTAGE[op]
    row = _row(st, tb, op)
    now = I[NOW]
    st.OP[op, OP_START] = now
    st.OP[op, OP_PARTS] = 1 + tb.FLOW_PTR[row + 1] - tb.FLOW_PTR[row]
    memory = tb.STI[row, S_MEMORY]
    if memory >= 0:
        _change_memory(I, st.MF, st.ML, memory, tb.STF[row, S_OUT_BYTES])
        n = st.CH[slot, CH_NHELD]
        st.CHH[slot, n] = stage
        st.CH[slot, CH_NHELD] = n + 1
    for k in range(tb.FLOW_PTR[row], tb.FLOW_PTR[row + 1]):
        r = tb.FLOW_RES[k]
        if r == tb.TI[T_NET]:  # one connection per request: its chunks arrive in order
            req = st.CH[slot, CH_REQ]
            if st.RQ[req, RQ_STREAM] != 0:
                node = _node(I, st.ND, C_PART, op)
                st.NB[node] = tb.FLOW_BYTES[k]
                if st.RQ[req, RQ_SQTAIL] < 0:
                    st.RQ[req, RQ_SQHEAD] = node
                else:
                    st.ND[st.RQ[req, RQ_SQTAIL], ND_NEXT] = node
                st.RQ[req, RQ_SQTAIL] = node
            else:
                st.RQ[req, RQ_STREAM] = 1
                _flow_start(st, tb, r, tb.FLOW_BYTES[k], C_STREAM_NEXT, op)
        else:
            _flow_start(st, tb, r, tb.FLOW_BYTES[k], C_PART, op)
    service = tb.STI[row, S_SERVICE]
    gclass = tb.STI[row, S_GCLASS]
    if gclass >= 0 and I[HOOK] != 0:
        slowdown = tb.CORUNNER[gclass] if I[DECODE_RUNNING] != 0 else 0.0
        service = np.int64(service * (1.0 + slowdown))
    if gclass >= 0:
        if st.GSEEN[gclass] == 0:  # the serving model reads the classes in order of first use
            st.GSEEN[gclass] = 1
            st.GORDER[I[N_GCLS_USED]] = gclass
            I[N_GCLS_USED] += 1
        st.GBUSY[gclass] += service
    if tb.STI[row, S_HOST] != 0:
        I[HOST_BUSY] += tb.STI[row, S_HOST] * service
    if tb.STI[row, S_DMA] != 0:
        st.F[DMA_BYTES] += tb.STF[row, S_ENGINE_BYTES]
    push_event(I, st.EV, now + service, PRIORITY_TASK, EV_EXEC, op, 0)


@inline
def _stream_next(st, tb, op):
    """SharedBandwidth._next_in_stream: the request's next queued transfer starts, then the op's
    part is done."""
    I = st.I
    req = st.CH[tb.OPSLOT[op], CH_REQ]
    node = st.RQ[req, RQ_SQHEAD]
    _work(I, st.WK, C_PART, op, 0)  # beneath: done() runs after start()
    if node >= 0:
        st.RQ[req, RQ_SQHEAD] = st.ND[node, ND_NEXT]
        if st.RQ[req, RQ_SQHEAD] < 0:
            st.RQ[req, RQ_SQTAIL] = NONE
        following, nbytes = st.ND[node, ND_OP], st.NB[node]
        _free_node(I, st.ND, node)
        _flow_start(st, tb, tb.TI[T_NET], nbytes, C_STREAM_NEXT, following)
    else:
        st.RQ[req, RQ_STREAM] = 0


@inline
def _exec_done(st, tb, op):
    I = st.I
    st.OP[op, OP_EXEC_END] = I[NOW]
    _work(I, st.WK, C_PART, op, 0)
    kind, other = _release(I, st.SV, st.ND, tb.STG[tb.OPSTAGE[op], ST_SERVER])
    if kind >= 0:
        _work(I, st.WK, kind, other, 0)


@inline
def _chunk_finished(st, tb, slot):
    I, S = st.I, tb.TI[T_STAGES]
    cls = st.CH[slot, CH_CLS]
    for h in range(st.CH[slot, CH_NHELD]):
        row = cls * S + st.CHH[slot, h]
        _change_memory(I, st.MF, st.ML, tb.STI[row, S_MEMORY], -tb.STF[row, S_OUT_BYTES])
    now = I[NOW]
    req = st.CH[slot, CH_REQ]
    n = I[N_CD]
    st.CD[n, 0] = now
    st.CD[n, 1] = req
    st.CD[n, 2] = cls
    I[N_CD] = n + 1
    st.RQ[req, RQ_REMAINING] -= 1
    if st.RQ[req, RQ_REMAINING] == 0:
        st.RQ[req, RQ_FINISH] = now
        I[N_UNFINISHED] -= 1
        if st.RQ[req, RQ_CALLBACK] != 0:  # handed to Python after this event
            st.NOTE[I[N_NOTE]] = req
            I[N_NOTE] += 1
    _count_slots(I, tb.TI[T_SLOTS])
    I[FREE_SLOTS] += 1
    st.SLOTSTACK[I[FREE_TOP]] = slot
    I[FREE_TOP] += 1
    _work(I, st.WK, W_GRANT_LOOP, 0, 0)


@leaf
def _release_then(I, SV, ND, WK, sv, op, phase):
    """Releases server sv; if that hands it to a queued continuation, runs that first and the
    rest of stage_done (from ``phase``) after it. Returns whether it did."""
    kind, other = _release(I, SV, ND, sv)
    if kind < 0:
        return False
    _work(I, WK, W_STAGE_DONE, op, phase)
    _work(I, WK, kind, other, 0)
    return True


@inline
def _stage_done(st, tb, op, phase):
    """datapath._Run.stage_done, resumable: phase 0 releases the request window, 1 the thread,
    2 records, 3 + j starts the j-th successor; then the chunk may be finished."""
    I, WK = st.I, st.WK
    slot, stage = tb.OPSLOT[op], tb.OPSTAGE[op]
    resumed = False
    if phase == 0:
        phase = 1
        if tb.STI[_row(st, tb, op), S_DELAY] != 0:
            resumed = _release_then(I, st.SV, st.ND, WK, tb.TI[T_FIXED_SV] + st.CH[slot, CH_REQ], op, 1)
    if phase == 1 and not resumed:
        phase = 2
        if tb.STG[stage, ST_TLAST] != 0:
            resumed = _release_then(I, st.SV, st.ND, WK, tb.STG[stage, ST_THREAD], op, 2)
    if phase == 2 and not resumed:
        phase = 3
        if tb.TI[T_RECORD] != 0:
            n = I[N_REC]
            st.REC[n, 0] = st.CH[slot, CH_REQ]
            st.REC[n, 1] = st.CH[slot, CH_IDX]
            st.REC[n, 2] = stage
            st.REC[n, 3] = st.OP[op, OP_READY]
            st.REC[n, 4] = st.OP[op, OP_START]
            st.REC[n, 5] = st.OP[op, OP_EXEC_END]
            st.REC[n, 6] = I[NOW]
            I[N_REC] = n + 1
    if not resumed:
        for k in range(tb.SUCC_PTR[stage] + phase - 3, tb.SUCC_PTR[stage + 1]):
            nxt = tb.SUCC[k]
            st.CHP[slot, nxt] -= 1
            if st.CHP[slot, nxt] == 0:
                _work(I, WK, W_STAGE_DONE, op, k - tb.SUCC_PTR[stage] + 4)
                _work(I, WK, W_NEW_OP, slot * tb.TI[T_STAGES] + nxt, 0)
                resumed = True
                break
    if not resumed and tb.STG[stage, ST_SINK] != 0:
        st.CH[slot, CH_LEFT] -= 1
        if st.CH[slot, CH_LEFT] == 0:
            _chunk_finished(st, tb, slot)


@inline
def _grant_loop(st, tb):
    """One turn of grant_slots' while loop: a chunk takes a slot and its source stages start."""
    I = st.I
    if I[FREE_SLOTS] > 0 and I[WAIT_N] > 0:
        cap = st.WAIT.shape[0]
        req = st.WAIT[I[WAIT_HEAD]]
        idx = st.RQ[req, RQ_NEXT]
        st.RQ[req, RQ_NEXT] = idx + 1
        if idx + 1 == st.RQ[req, RQ_NCHUNKS]:  # its last chunk: the request leaves the line
            I[WAIT_HEAD] = (I[WAIT_HEAD] + 1) % cap
            I[WAIT_N] -= 1
        elif I[POLICY] != 0:  # round-robin: the request goes to the back of the line
            I[WAIT_HEAD] = (I[WAIT_HEAD] + 1) % cap
            st.WAIT[(I[WAIT_HEAD] + I[WAIT_N] - 1) % cap] = req
        # fifo: the head request keeps the front until its chunks are gone
        _count_slots(I, tb.TI[T_SLOTS])
        I[FREE_SLOTS] -= 1
        I[FREE_TOP] -= 1
        slot = st.SLOTSTACK[I[FREE_TOP]]
        S = tb.TI[T_STAGES]
        st.CH[slot, CH_REQ] = req
        st.CH[slot, CH_IDX] = idx
        st.CH[slot, CH_CLS] = st.RQ[req, RQ_FULLCLS] if idx < st.RQ[req, RQ_NFULL] else st.RQ[req, RQ_LASTCLS]
        st.CH[slot, CH_LEFT] = tb.TI[T_SINKS]
        st.CH[slot, CH_NHELD] = 0
        for s in range(S):
            st.CHP[slot, s] = tb.STG[s, ST_NPREDS]
        _work(I, st.WK, W_GRANT_LOOP, 0, 0)
        for k in range(tb.SOURCES.shape[0] - 1, -1, -1):
            _work(I, st.WK, W_NEW_OP, slot * S + tb.SOURCES[k], 0)


@inline
def _request_ready(st, tb, req):
    I = st.I
    cap = st.WAIT.shape[0]
    st.WAIT[(I[WAIT_HEAD] + I[WAIT_N]) % cap] = req
    I[WAIT_N] += 1
    st.RQ[req, RQ_REMAINING] = st.RQ[req, RQ_NCHUNKS]
    if I[GRANT_PENDING] == 0:
        I[GRANT_PENDING] = 1
        push_event(I, st.EV, I[NOW], PRIORITY_GRANT, EV_GRANT, 0, 0)


# ---- resource snapshots (sampling, end of run) -------------------------------------------------------
@entry
def touch_all(st, tb):
    """busy_now() of every server and shared resource, at the current time."""
    for sv in range(tb.TI[T_FIXED_SV]):
        _account(st.I, st.SV, sv)
    for r in range(st.RF.shape[0]):
        _advance(st.I, st.RF, st.RI, tb.WINDOWED, r)


@leaf
def _sample(st, tb):
    """One row of busy-so-far per server and resource, slot-cycles and bytes held; the next
    sample while any request is unfinished."""
    touch_all(st, tb)
    I, SMP = st.I, st.SMP
    _count_slots(I, tb.TI[T_SLOTS])
    n = I[N_SMP]
    SMP[n, 0] = I[NOW]
    k = 1
    for sv in range(tb.TI[T_FIXED_SV]):
        SMP[n, k] = st.SV[sv, SV_BUSY]
        k += 1
    for r in range(st.RF.shape[0]):
        SMP[n, k] = st.RI[r, R_BUSY]
        k += 1
    SMP[n, k] = I[SLOT_AREA]
    k += 1
    for m in range(st.MF.shape[0]):
        SMP[n, k] = st.MF[m, M_HELD]
        k += 1
    I[N_SMP] = n + 1
    if I[N_UNFINISHED] > 0:
        push_event(I, st.EV, I[NOW] + I[SAMPLE_STEP], PRIORITY_SAMPLE, EV_SAMPLE, 0, 0)


# ---- the loop ---------------------------------------------------------------------------------------
@inline
def _drain(st, tb):
    """Runs the work stack empty: each item is one step of the reference's call chain."""
    I, WK = st.I, st.WK
    while I[WORK_N] > 0:
        n = I[WORK_N] - 1
        I[WORK_N] = n
        kind, a, b = WK[n, 0], WK[n, 1], WK[n, 2]
        if kind == C_PART or kind == W_STAGE_DONE:
            go = True
            if kind == C_PART:  # part_done: the stage ends with its last part
                st.OP[a, OP_PARTS] -= 1
                go = st.OP[a, OP_PARTS] == 0
                b = 0
            if go:
                _stage_done(st, tb, a, b)
        elif kind == C_GRANTED:
            _granted(st, tb, a)
        elif kind == C_STREAM_NEXT:
            _stream_next(st, tb, a)
        elif kind == C_EXEC_DONE:
            _exec_done(st, tb, a)
        elif kind == W_NEW_OP:
            _new_op(st, tb, a)
        elif kind == W_GRANT_LOOP:
            _grant_loop(st, tb)
        elif kind == C_BEGIN:
            _begin(st, tb, a)
        elif kind == C_ISSUED:  # the GET is sent; its first byte is back after the delay
            push_event(I, st.EV, I[NOW] + tb.STI[_row(st, tb, a), S_DELAY], PRIORITY_TASK, EV_SREQ, a, 0)


@entry
def run(st, tb, margin):
    """Runs events until none is left (DONE), an external event is due (EXTERNAL: its id in
    I[EXT_ID]), fetches with callbacks finished (NOTIFY: their requests in NOTE[:I[N_NOTE]]),
    or an array needs room (GROW: the event heap within ``margin`` rows of full, or the sample
    buffer full)."""
    I = st.I
    events = 0
    code = DONE
    while I[HEAP_N] > 0:
        if I[HEAP_N] + margin > st.EV.shape[0] or I[N_SMP] >= st.SMP.shape[0]:
            code = GROW
            break
        time, kind, a, b = _pop_event(I, st.EV)
        I[NOW] = time
        events += 1
        if kind == EV_FLOW:
            _flow_check(st, tb, a, b)
        elif kind == EV_EXEC:  # the executor's phase is over; an engine's data phase follows
            row = _row(st, tb, a)
            engine = tb.STI[row, S_ENGINE]
            if engine >= 0:
                _flow_start(st, tb, engine, tb.STF[row, S_ENGINE_BYTES], C_EXEC_DONE, a)
            else:
                _work(I, st.WK, C_EXEC_DONE, a, 0)
        elif kind == EV_SREQ:
            _request(I, st.SV, st.ND, st.WK, tb.STG[tb.OPSTAGE[a], ST_SERVER], C_GRANTED, a)
        elif kind == EV_READY:
            _request_ready(st, tb, a)
        elif kind == EV_GRANT:
            I[GRANT_PENDING] = 0
            _work(I, st.WK, W_GRANT_LOOP, 0, 0)
        elif kind == EV_SAMPLE:
            _sample(st, tb)
        elif kind == EV_EXT:
            I[EXT_ID] = a
            code = EXTERNAL
            break
        _drain(st, tb)
        if I[N_NOTE] > 0:
            code = NOTIFY
            break
    I[EVENTS] += events
    return code


@entry
def schedule_arrivals(st, times):
    """Every request's arrival, in order (reference: one sim.at per request)."""
    for i in range(times.shape[0]):
        push_event(st.I, st.EV, times[i], PRIORITY_TASK, EV_READY, i, 0)


@entry
def schedule_sample(st):
    """The first sample, at time zero."""
    push_event(st.I, st.EV, 0, PRIORITY_SAMPLE, EV_SAMPLE, 0, 0)


@entry
def push_external(st, time, priority, ext):
    push_event(st.I, st.EV, time, priority, EV_EXT, ext, 0)


@entry
def push_ready(st, tb, req):
    """A request submitted now: its chunks queue after the round trip."""
    push_event(st.I, st.EV, st.I[NOW] + tb.TI[T_RTT], PRIORITY_TASK, EV_READY, req, 0)
