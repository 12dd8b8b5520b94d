"""The compiled simulator's Python side: lowers a DataPlane to tables, owns the state arrays,
drives ``fastloop.run`` and returns the same ``SimRun`` as the reference.

The tables are read off the reference's own objects (``DataPlane.step`` on a ``_Resources``), so
stage demands, resource capacities, fabric windows and float tolerances have one source. Which
path runs is ``DataPlane(kernel=...)``, else the environment variable NICMODEL_SIM_KERNEL
(``auto``, the default, ``compiled`` or ``reference``; see ``datapath.kernel_choice``); both give
the same numbers.

Serving shares the event loop: ``CompiledLoop`` has the reference ``Simulator``'s interface
(``now``, ``at``, ``run``, ``events``) and ``CompiledFetch`` that of ``datapath._Run`` (``submit``
and the interference counters). A fetch's completion callback runs after the event that
finished it, not inside it; the serving model's callback only queues the request and may
schedule one priority-2 event at the same cycle, and nothing else that event does is a
priority-2 event at that cycle, so the order of every event is the reference's.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from . import fastloop as k
from .kernel import Simulator, WindowedBandwidth

Tables = namedtuple("Tables", "TI STG SUCC_PTR SUCC SOURCES STI STF FLOW_PTR FLOW_RES FLOW_BYTES "
                              "WINDOWED EPS PERIOD WPTR WSE WCAP CORUNNER OPSLOT OPSTAGE")
State = namedtuple("State", "I F EV WK ND NB SV RF RI FK FI RQ WAIT CH CHP CHH SLOTSTACK OP MF ML "
                            "GSEEN GORDER GBUSY REC CD SMP NOTE")


@dataclass
class Usage:
    """A resource's busy time at the end of a run (what the report reads off the reference's
    Servers and SharedBandwidth)."""

    name: str
    busy: int
    n: int = 1
    moved: float = 0.0
    open_fraction: float = 1.0


def _ints(rows: int, cols: int, fill: int = 0) -> np.ndarray:
    return np.full((rows, cols), fill, dtype=np.int64)


class Lowered:
    """A DataPlane as arrays: stages, steps (stage x chunk size), servers, resources."""

    def __init__(self, model, prefixes: list[int]):
        from .datapath import _Resources  # the reference's resources, read for their numbers

        self.model = model
        plan = model.plan
        res = _Resources(model, Simulator())
        self.res = res
        self.servers = list(res.executors.items())  # executors then threads, the reference's order
        sv = {id(s): i for i, (_, s) in enumerate(self.servers)}
        self.shared_names = list(res.shared)
        self.engine_names = list(res.engine_bw)
        self.resources = list(res.shared.values()) + list(res.engine_bw.values())
        rid = {id(r): i for i, r in enumerate(self.resources)}
        self.memories = list(res.held)
        mid = {m: i for i, m in enumerate(self.memories)}
        stages = plan.stages
        self.stage_names = [s.name for s in stages]
        self.stage_resource = [s.resource_name for s in stages]
        index = {name: i for i, name in enumerate(self.stage_names)}
        S = len(stages)

        # chunk sizes: one class per distinct token count
        self.chunking: dict[int, tuple[int, int, int, int]] = {}
        tokens_of: list[int] = []
        class_of: dict[int, int] = {}

        def cls(tokens: int) -> int:
            if tokens not in class_of:
                class_of[tokens] = len(tokens_of)
                tokens_of.append(tokens)
            return class_of[tokens]

        for tokens in dict.fromkeys(prefixes):
            sizes = model.chunks_of(tokens)
            n_full = len(sizes) if sizes[-1] == sizes[0] else len(sizes) - 1
            self.chunking[tokens] = (len(sizes), n_full, cls(sizes[0]), cls(sizes[-1]))
        self.class_tokens = tokens_of

        stg = _ints(S, k.ST_COLS, k.NONE)
        succ_ptr, succ = [0], []
        for i, st in enumerate(stages):
            step = model.step(st, 1, res)
            stg[i, k.ST_THREAD] = sv[id(step.thread)] if step.thread is not None else k.NONE
            stg[i, k.ST_TFIRST], stg[i, k.ST_TLAST] = step.thread_first, step.thread_last
            stg[i, k.ST_NPREDS] = len(model.preds[st.name])
            stg[i, k.ST_SINK] = step.sink
            stg[i, k.ST_SERVER] = sv[id(step.server)]
            succ += [index[n] for n in step.succs]
            succ_ptr.append(len(succ))
        self.gpu_classes: list[str] = []
        rows = len(tokens_of) * S
        sti, stf = _ints(rows, k.S_COLS, k.NONE), np.zeros((rows, k.SF_COLS))
        flow_ptr, flow_res, flow_bytes = [0], [], []
        for c, tokens in enumerate(tokens_of):
            for i, st in enumerate(stages):
                step, row = model.step(st, tokens, res), c * S + i
                sti[row, k.S_SERVICE] = step.service
                sti[row, k.S_ENGINE] = rid[id(step.engine)] if step.engine is not None else k.NONE
                sti[row, k.S_MEMORY] = mid[step.memory] if step.memory else k.NONE
                if step.gpu_class is not None and step.gpu_class not in self.gpu_classes:
                    self.gpu_classes.append(step.gpu_class)
                sti[row, k.S_GCLASS] = self.gpu_classes.index(step.gpu_class) if step.gpu_class else k.NONE
                sti[row, k.S_HOST], sti[row, k.S_DMA] = step.host_cores, step.dma_to_gpu
                sti[row, k.S_DELAY] = step.request_delay
                stf[row, k.S_ENGINE_BYTES], stf[row, k.S_OUT_BYTES] = step.engine_bytes, step.out_bytes
                for resource, nbytes in step.flows:
                    flow_res.append(rid[id(resource)])
                    flow_bytes.append(nbytes)
                flow_ptr.append(len(flow_res))
        windowed = [isinstance(r, WindowedBandwidth) for r in self.resources]
        wptr, wse, wcap, period = [0], [], [], []
        for r, w in zip(self.resources, windowed):
            steps = r.steps if w else []
            wse += [(a, b) for a, b, _ in steps]
            wcap += [c for _, _, c in steps]
            wptr.append(len(wcap))
            period.append(r.period if w else 1)
        network = res.shared.get("network")
        self.slots, self.S = model.slots, S
        ti = np.zeros(k.T_N, dtype=np.int64)
        ti[k.T_STAGES], ti[k.T_SINKS] = S, len(model.sinks)
        ti[k.T_NET] = rid[id(network)] if network is not None else k.NONE
        ti[k.T_SLOTS], ti[k.T_FIXED_SV] = model.slots, len(self.servers)
        ti[k.T_RTT] = model.rtt_cycles()
        ti[k.T_RECORD] = model.record
        self.tables = Tables(
            ti, stg, np.array(succ_ptr, np.int64), np.array(succ, np.int64),
            np.array([index[n] for n in model.sources], np.int64), sti, stf,
            np.array(flow_ptr, np.int64), np.array(flow_res, np.int64), np.array(flow_bytes, np.float64),
            np.array(windowed, np.int64), np.array([r._eps for r in self.resources], np.float64),
            np.array(period, np.int64), np.array(wptr, np.int64),
            np.array(wse, np.int64).reshape(-1, 2), np.array(wcap, np.float64),
            np.zeros(max(1, len(self.gpu_classes))),
            # an op is slot x stages + stage; these save a division on every lookup
            np.repeat(np.arange(model.slots, dtype=np.int64), S), np.tile(np.arange(S, dtype=np.int64), model.slots),
        )
        # the most events one event can schedule, and the deepest nesting of its work
        ops = self.slots * S
        self.margin = ops * (len(self.resources) + 3) + 16
        self.work_rows = ops * 2 + 4 * S + 256

    def new_state(self, requests: int, chunks: int, policy: str, sample_step: int) -> State:
        """Arrays for a run of up to ``requests`` requests and ``chunks`` chunks."""
        ops, S, nres = self.slots * self.S, self.S, len(self.resources)
        requests = max(1, requests)
        I = np.zeros(k.N_I, dtype=np.int64)
        I[k.FREE_SLOTS] = I[k.FREE_TOP] = self.slots
        I[k.SAMPLE_STEP] = sample_step
        I[k.POLICY] = 0 if policy == "fifo" else 1
        sv = _ints(len(self.servers) + requests, k.SV_COLS)
        sv[:, k.SV_QHEAD] = sv[:, k.SV_QTAIL] = k.NONE
        sv[:len(self.servers), k.SV_N] = [s.n for _, s in self.servers]
        sv[len(self.servers):, k.SV_N] = self.model.request_window  # one window per request
        sv[:, k.SV_FREE] = sv[:, k.SV_N]
        nodes = 2 * ops + 64
        nd = _ints(nodes, k.ND_COLS)
        nd[:, k.ND_NEXT] = np.arange(1, nodes + 1)
        nd[-1, k.ND_NEXT] = k.NONE
        rf = np.zeros((nres, k.RF_COLS))
        rf[:, k.R_CAP] = [r.capacity for r in self.resources]
        ri = _ints(nres, k.RI_COLS)
        ri[:, k.R_DUE] = k.NONE
        rq = _ints(requests, k.RQ_COLS)
        rq[:, k.RQ_FINISH] = rq[:, k.RQ_SQHEAD] = rq[:, k.RQ_SQTAIL] = k.NONE
        memories = len(self.memories)
        classes = len(self.tables.CORUNNER)
        snapshot = 1 + len(self.servers) + nres + 1 + memories
        return State(
            I, np.zeros(k.N_F), _ints(max(1024, 2 * self.margin + requests), 6), _ints(self.work_rows, 3),
            nd, np.zeros(nodes), sv, rf, ri, np.zeros((nres, ops + 4)), np.zeros((nres, ops + 4, 3), np.int64),
            rq, np.zeros(requests, np.int64), _ints(self.slots, k.CH_COLS), _ints(self.slots, S),
            _ints(self.slots, S), np.arange(self.slots, dtype=np.int64), _ints(ops, k.OP_COLS),
            np.zeros((memories, k.M_COLS)), np.zeros(memories, np.int64),
            np.zeros(classes, np.int64), np.zeros(classes, np.int64), np.zeros(classes, np.int64),
            _ints(chunks * S if self.model.record else 1, 7), _ints(max(1, chunks), 3),
            np.zeros((128 if sample_step else 1, snapshot)), np.zeros(requests, np.int64),
        )

    def set_requests(self, st: State, first: int, tokens: list[int]) -> None:
        """Rows of requests ``first``, ``first + 1``, ... of these prefix sizes."""
        chunking = np.array([self.chunking[t] for t in tokens], dtype=np.int64).reshape(-1, 4)
        rows = st.RQ[first:first + len(tokens)]
        rows[:, k.RQ_NCHUNKS], rows[:, k.RQ_NFULL] = chunking[:, 0], chunking[:, 1]
        rows[:, k.RQ_FULLCLS], rows[:, k.RQ_LASTCLS] = chunking[:, 2], chunking[:, 3]


def drive(lowered: Lowered, st: State, on_external: Callable[[int], None] | None = None,
          on_notify: Callable[[list[int]], None] | None = None) -> State:
    """Runs the loop to the end, growing arrays and calling back into Python as it asks."""
    tb = lowered.tables
    while True:
        code = k.run(st, tb, lowered.margin)
        if code == k.DONE:
            return st
        if code == k.GROW:
            st = grow(st, lowered.margin)
        elif code == k.EXTERNAL:
            on_external(int(st.I[k.EXT_ID]))
        else:
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


def run_requests(model, requests, policy: str):
    """``DataPlane.run`` on the compiled loop; returns the reference's SimRun."""
    from .datapath import SimRun, StageRecord

    tokens = [r.prefix_tokens for r in requests]
    low = Lowered(model, tokens)
    chunks = sum(low.chunking[t][0] for t in tokens)
    sample_step = max(1, model.cycles(model.sample_every_s)) if model.sample_every_s else 0
    st = low.new_state(len(requests), chunks, policy, sample_step)
    low.set_requests(st, 0, tokens)
    st.I[k.N_UNFINISHED] = len(requests)
    arrival = [model.cycles(r.arrival_s) for r in requests]
    rtt = model.rtt_cycles()
    k.schedule_arrivals(st, np.array([t + rtt for t in arrival], dtype=np.int64))
    if sample_step:
        k.schedule_sample(st)
    st = drive(low, st)

    finish = st.RQ[:len(requests), k.RQ_FINISH].tolist()
    end = max(finish) if finish else 0
    mf, ml = st.MF, st.ML
    area = {}
    for i, m in enumerate(low.memories):
        area[m] = float(mf[i, k.M_AREA]) + float(mf[i, k.M_HELD]) * (end - int(ml[i]))
    k.touch_all(st, low.tables)
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
    """The reference's samples: (time, busy so far per resource) and (time, bytes held)."""
    rows = st.SMP[:int(st.I[k.N_SMP])]
    servers = [(name, s.n) for name, s in low.servers]
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


class CompiledLoop:
    """An event loop with the reference Simulator's interface, whose data-plane events run
    compiled; events scheduled with ``at`` run in Python, in their place in the same order."""

    def __init__(self, model, prefixes: list[int]):
        self.low = Lowered(model, prefixes)
        chunks = sum(self.low.chunking[t][0] for t in prefixes)
        self.st = self.low.new_state(len(prefixes), chunks, "fifo", 0)
        self._calls: dict[int, tuple[Callable[..., None], tuple]] = {}
        self._next = 0
        self.fetch = CompiledFetch(self)

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
        k.push_external(self.st, time, priority, ext)

    def _external(self, ext: int) -> None:
        fn, args = self._calls.pop(ext)
        fn(*args)

    def run(self) -> None:
        self.st = drive(self.low, self.st, self._external, self.fetch._notify)


class CompiledFetch:
    """The fetch service a serving model drives (the interface of datapath._Run)."""

    def __init__(self, loop: CompiledLoop):
        self.loop = loop
        self.gpu_classes = list(loop.low.gpu_classes)
        self._callbacks: dict[int, Callable[[], None]] = {}
        self._submitted = 0
        self._corunner: dict[str, float] | None = None

    def submit(self, prefix_tokens: int, on_done: Callable[[], None]) -> int:
        loop = self.loop
        index = self._submitted
        if index >= loop.st.RQ.shape[0]:
            raise RuntimeError("compiled simulator: more fetches submitted than it was sized for")
        self._submitted += 1
        loop.low.set_requests(loop.st, index, [prefix_tokens])
        loop.st.RQ[index, k.RQ_CALLBACK] = 1
        loop.st.I[k.N_UNFINISHED] += 1
        self._callbacks[index] = on_done
        loop.room()
        k.push_ready(loop.st, loop.low.tables, index)
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


def available() -> bool:
    """Whether numba imports (the compiled path's one dependency)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True
