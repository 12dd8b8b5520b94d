"""The loop itself: events popped in order, each one's work drained, sampling of busy time and
memory, and the entry points Python calls (run, scheduling arrivals, samples and external events)."""

from __future__ import annotations

from .jit import leaf, inline, entry
from ..layout import (C_BEGIN, C_EXEC_DONE, C_GRANTED, C_ISSUED, C_PART, C_STREAM_NEXT, DONE, EVENTS,
    EV_EXEC, EV_EXT, EV_FLOW, EV_GRANT, EV_READY, EV_SAMPLE, EV_SREQ, EXTERNAL, EXT_ID, GRANT_PENDING,
    GROW, HEAP_N, M_HELD, NOTIFY, NOW, N_NOTE, N_SMP, N_UNFINISHED, OP_PARTS, PRIORITY_SAMPLE,
    PRIORITY_TASK, R_BUSY, SAMPLE_STEP, SLOT_AREA, ST_SERVER, SV_BUSY, S_DELAY, S_ENGINE, S_ENGINE_BYTES,
    T_FIXED_SV, T_RTT, T_SLOTS, WORK_N, W_GRANT_LOOP, W_NEW_OP, W_STAGE_DONE)
from .queues import _account, _pop_event, _request, _work, push_event, push_event_seq
from .flows import _advance, _flow_check, _flow_start
from .ops import (_begin, _count_slots, _exec_done, _grant_loop, _granted, _new_op, _request_ready, _row,
    _stage_done, _stream_next)

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
    """Runs the work stack empty: each item is one step of what would be a chain of nested calls."""
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
def push_external_seq(st, time, priority, ext, seq):
    """An external event with its own sequence number (arrivals fed one at a time, serving_loop.py)."""
    push_event_seq(st.I, st.EV, time, priority, seq, EV_EXT, ext, 0)


@entry
def push_ready(st, tb, req):
    """A request submitted now: its chunks queue after the round trip."""
    push_event(st.I, st.EV, st.I[NOW] + tb.TI[T_RTT], PRIORITY_TASK, EV_READY, req, 0)
