"""The layout of the event loop's arrays: which scalar lives in which slot of State.I and State.F, the
columns of every table, event and continuation kinds, priorities, and run()'s return codes.
Plain integers: numba folds them in as constants."""

from __future__ import annotations


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
PRIORITY_FLOW, PRIORITY_TASK, PRIORITY_GRANT, PRIORITY_SAMPLE = 0, 1, 2, 3
C_BEGIN, C_ISSUED, C_GRANTED, C_PART, C_EXEC_DONE, C_STREAM_NEXT = range(6)
W_STAGE_DONE, W_GRANT_LOOP, W_NEW_OP = 6, 7, 8

# ---- what run() returns ---------------------------------------------------------------------
DONE, EXTERNAL, NOTIFY, GROW = range(4)
NONE = -1
