"""Running a lowered data plane: the loop driven to the end (growing arrays, calling back into
Python when it asks), and what it leaves in its arrays turned into a SimRun."""

from __future__ import annotations

from types import ModuleType
from typing import Callable

import numpy as np

from . import layout as k
from . import loops
from .lower import Lowered, State, Usage

class Holder:
    """Holds the loop's state; a callback that grows the arrays replaces ``st`` here."""

    def __init__(self, st: State):
        self.st = st


def drive(loop: ModuleType, lowered: Lowered, holder: Holder, on_external: Callable[[int], None] | None = None,
          on_notify: Callable[[list[int]], None] | None = None) -> None:
    """Runs ``loop`` (compiled or interpreted) to the end, growing arrays and calling back into
    Python as it asks; the state is re-read from ``holder`` after every callback, which may have
    grown it (pushing events from Python)."""
    tb = lowered.tables
    while True:
        code = loop.run_loop(holder.st, tb, lowered.margin)
        loops.ready()
        if code == k.DONE:
            loops.used(loop)
            return
        if code == k.GROW:
            holder.st = grow(holder.st, lowered.margin)
        elif code == k.EXTERNAL:
            on_external(int(holder.st.I[k.EXT_ID]))
        else:
            st = holder.st
            n = int(st.I[k.N_NOTE])
            done = st.NOTE[:n].tolist()
            st.I[k.N_NOTE] = 0
            on_notify(done)


def grow(st: State, margin: int) -> State:
    """The same state with room for more events and samples."""
    ev, smp = st.EV, st.SMP
    if int(st.I[k.HEAP_N]) + margin + 1 > ev.shape[0]:
        ev = np.concatenate([ev, np.zeros_like(ev)])
    if int(st.I[k.N_SMP]) >= smp.shape[0]:
        smp = np.concatenate([smp, np.zeros_like(smp)])
    return st._replace(EV=ev, SMP=smp)


def run_requests(model, requests, policy: str, loop: ModuleType):
    """``DataPlane.run`` on ``loop``: requests arrive, run to the end, a SimRun comes back."""
    from .record import SimRun, StageRecord

    tokens = [r.prefix_tokens for r in requests]
    low = Lowered(model, tokens)
    chunks = sum(low.chunking[t][0] for t in tokens)
    sample_step = max(1, model.cycles(model.sample_every_s)) if model.sample_every_s else 0
    st = low.new_state(len(requests), chunks, policy, sample_step)
    low.set_requests(st, 0, tokens)
    st.I[k.N_UNFINISHED] = len(requests)
    arrival = [model.cycles(r.arrival_s) for r in requests]
    rtt = model.rtt_cycles()
    loop.schedule_arrivals(st, np.array([t + rtt for t in arrival], dtype=np.int64))
    if sample_step:
        loop.schedule_sample(st)
    holder = Holder(st)
    drive(loop, low, holder)
    st = holder.st

    finish = st.RQ[:len(requests), k.RQ_FINISH].tolist()
    end = max(finish) if finish else 0
    mf, ml = st.MF, st.ML
    area = {}
    for i, m in enumerate(low.memories):
        area[m] = float(mf[i, k.M_AREA]) + float(mf[i, k.M_HELD]) * (end - int(ml[i]))
    loop.touch_all(st, low.tables)
    run = SimRun(
        clock_hz=model.clock_hz, plan=model.plan, requests=requests, arrival=arrival, finish=finish,
        chunk_done=_chunk_done(low, st), records=_records(low, st, StageRecord),
        executors=_executors(low, st), shared=_shared(low, st, low.shared_names, 0),
        engine_bandwidth=_shared(low, st, low.engine_names, len(low.shared_names)),
        memory_peak={m: float(mf[i, k.M_PEAK]) for i, m in enumerate(low.memories)}, memory_area=area,
        events=int(st.I[k.EVENTS]), end=end, slots=model.slots, slot_area=int(st.I[k.SLOT_AREA]),
    )
    run.samples, run.memory_samples = _samples(low, st)
    return run


def _chunk_done(low: Lowered, st: State) -> list[tuple[int, int, float, float]]:
    model = low.model
    net = [model.sizes(t)[model.net_form] if model.net_form else 0.0 for t in low.class_tokens]
    kv = [model.sizes(t)["kv"] for t in low.class_tokens]
    rows = st.CD[:int(st.I[k.N_CD])].tolist()
    return [(t, r, net[c], kv[c]) for t, r, c in rows]


def _records(low: Lowered, st: State, record_type) -> list:
    rows = st.REC[:int(st.I[k.N_REC])].tolist()
    names, resources = low.stage_names, low.stage_resource
    return [record_type(r, c, names[s], resources[s], ready, start, exec_end, end)
            for r, c, s, ready, start, exec_end, end in rows]


def _executors(low: Lowered, st: State) -> dict[str, Usage]:
    return {name: Usage(name, int(st.SV[i, k.SV_BUSY]), int(st.SV[i, k.SV_N]))
            for i, (name, _) in enumerate(low.servers)}


def _shared(low: Lowered, st: State, names: list[str], first: int) -> dict[str, Usage]:
    out = {}
    for j, name in enumerate(names):
        r = first + j
        obj = low.resources[r]
        out[name] = Usage(obj.name, int(st.RI[r, k.R_BUSY]), 1, float(st.RF[r, k.R_MOVED]),
                          getattr(obj, "open_fraction", 1.0))
    return out


def _samples(low: Lowered, st: State) -> tuple[list, list]:
    """The samples: (time, busy so far per resource) and (time, bytes held)."""
    rows = st.SMP[:int(st.I[k.N_SMP])]
    servers = list(low.servers)
    nsv, nres = len(servers), len(low.resources)
    names = low.shared_names + [f"{n}:bandwidth" for n in low.engine_names]
    samples, memory = [], []
    for row in rows.tolist():
        time = int(row[0])
        snap = {name: int(row[1 + i]) / n for i, (name, n) in enumerate(servers)}
        snap.update({name: int(row[1 + nsv + j]) for j, name in enumerate(names)})
        snap["buffers"] = int(row[1 + nsv + nres]) / low.slots
        samples.append((time, snap))
        base = 2 + nsv + nres
        memory.append((time, {m: row[base + i] for i, m in enumerate(low.memories)}))
    return samples, memory
