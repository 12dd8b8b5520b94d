"""One stage applied to one chunk (an op): waiting for its thread, request window and executor,
its executor phase and byte flows, its end (successors, memory freed when the chunk is done),
and the buffer slots chunks take in FIFO or round-robin order over requests."""

from __future__ import annotations

import numpy as np

from .jit import leaf, inline
from ..layout import (CH_CLS, CH_IDX, CH_LEFT, CH_NHELD, CH_REQ, C_BEGIN, C_GRANTED, C_ISSUED, C_PART,
    C_STREAM_NEXT, DECODE_RUNNING, DMA_BYTES, EV_EXEC, EV_GRANT, FREE_SLOTS, FREE_TOP, GRANT_PENDING, HOOK,
    HOST_BUSY, M_AREA, M_HELD, M_PEAK, ND_NEXT, ND_OP, NONE, NOW, N_CD, N_GCLS_USED, N_NOTE, N_REC,
    N_UNFINISHED, OP_EXEC_END, OP_PARTS, OP_READY, OP_START, POLICY, PRIORITY_GRANT, PRIORITY_TASK,
    RQ_CALLBACK, RQ_FINISH, RQ_FULLCLS, RQ_LASTCLS, RQ_NCHUNKS, RQ_NEXT, RQ_NFULL, RQ_REMAINING, RQ_SQHEAD,
    RQ_SQTAIL, RQ_STREAM, SLOT_AREA, SLOT_LAST, ST_NPREDS, ST_SERVER, ST_SINK, ST_TFIRST, ST_THREAD,
    ST_TLAST, S_DELAY, S_DMA, S_ENGINE_BYTES, S_GCLASS, S_HOST, S_MEMORY, S_OUT_BYTES, S_SERVICE,
    T_FIXED_SV, T_NET, T_RECORD, T_SINKS, T_SLOTS, T_STAGES, WAIT_HEAD, WAIT_N, W_GRANT_LOOP, W_NEW_OP,
    W_STAGE_DONE)
from .queues import _free_node, _node, _release, _request, _work, push_event
from .flows import _flow_start

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


# ---- one op: a stage applied to a chunk ----------------------------------------------------------
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
    """The request's next queued network transfer starts, then the op's part is done."""
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
    if n < st.CD.shape[0]:  # the chunk log: sized 1 where nobody reads it (serving runs)
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
    """A stage has ended, resumable: phase 0 releases the request window, 1 the thread,
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
