"""A DataPlane lowered to the event loop's arrays: the design as tables (stages, steps of each
stage on each chunk size, successors, flows, windows) and a run's state (event heap, work
stack, servers, bandwidths, requests, slots, chunks, ops, memories, records, samples)."""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass

import numpy as np

from . import layout as k

Tables = namedtuple("Tables", "TI STG SUCC_PTR SUCC SOURCES STI STF FLOW_PTR FLOW_RES FLOW_BYTES "
                              "WINDOWED EPS PERIOD WPTR WSE WCAP CORUNNER OPSLOT OPSTAGE")
State = namedtuple("State", "I F EV WK ND NB SV RF RI FK FI RQ WAIT CH CHP CHH SLOTSTACK OP MF ML "
                            "GSEEN GORDER GBUSY REC CD SMP NOTE")


@dataclass
class Usage:
    """A resource's use over a run: busy cycles (server-cycles for n servers), bytes moved, and the
    share of time a windowed resource was open."""

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
        self.model = model
        plan = model.plan
        res = model.resources()
        self.res = res
        self.servers = res.servers  # (name, servers): executors then threads
        self.shared_names = [b.name for b in res.shared]
        self.engine_names = [b.name.removesuffix(":bandwidth") for b in res.engines]
        self.resources = res.bandwidths
        self.memories = list(res.memories)
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
            step = model.step(st, 1)
            stg[i, k.ST_THREAD] = step.thread if step.thread is not None else k.NONE
            stg[i, k.ST_TFIRST], stg[i, k.ST_TLAST] = step.thread_first, step.thread_last
            stg[i, k.ST_NPREDS] = len(model.preds[st.name])
            stg[i, k.ST_SINK] = step.sink
            stg[i, k.ST_SERVER] = step.server
            succ += [index[n] for n in step.succs]
            succ_ptr.append(len(succ))
        self.gpu_classes: list[str] = []
        rows = len(tokens_of) * S
        sti, stf = _ints(rows, k.S_COLS, k.NONE), np.zeros((rows, k.SF_COLS))
        flow_ptr, flow_res, flow_bytes = [0], [], []
        for c, tokens in enumerate(tokens_of):
            for i, st in enumerate(stages):
                step, row = model.step(st, tokens), c * S + i
                sti[row, k.S_SERVICE] = step.service
                sti[row, k.S_ENGINE] = step.engine if step.engine is not None else k.NONE
                sti[row, k.S_MEMORY] = mid[step.memory] if step.memory else k.NONE
                if step.gpu_class is not None and step.gpu_class not in self.gpu_classes:
                    self.gpu_classes.append(step.gpu_class)
                sti[row, k.S_GCLASS] = self.gpu_classes.index(step.gpu_class) if step.gpu_class else k.NONE
                sti[row, k.S_HOST], sti[row, k.S_DMA] = step.host_cores, step.dma_to_gpu
                sti[row, k.S_DELAY] = step.request_delay
                stf[row, k.S_ENGINE_BYTES], stf[row, k.S_OUT_BYTES] = step.engine_bytes, step.out_bytes
                for resource, nbytes in step.flows:
                    flow_res.append(resource)
                    flow_bytes.append(nbytes)
                flow_ptr.append(len(flow_res))
        windowed = [r.windowed for r in self.resources]
        wptr, wse, wcap, period = [0], [], [], []
        for r, w in zip(self.resources, windowed):
            steps = r.steps if w else []
            wse += [(a, b) for a, b, _ in steps]
            wcap += [c for _, _, c in steps]
            wptr.append(len(wcap))
            period.append(r.period if w else 1)
        network = self.shared_names.index("network") if "network" in self.shared_names else None
        self.slots, self.S = model.slots, S
        ti = np.zeros(k.T_N, dtype=np.int64)
        ti[k.T_STAGES], ti[k.T_SINKS] = S, len(model.sinks)
        ti[k.T_NET] = network if network is not None else k.NONE
        ti[k.T_SLOTS], ti[k.T_FIXED_SV] = model.slots, len(self.servers)
        ti[k.T_RTT] = model.rtt_cycles()
        ti[k.T_RECORD] = model.record
        self.tables = Tables(
            ti, stg, np.array(succ_ptr, np.int64), np.array(succ, np.int64),
            np.array([index[n] for n in model.sources], np.int64), sti, stf,
            np.array(flow_ptr, np.int64), np.array(flow_res, np.int64), np.array(flow_bytes, np.float64),
            np.array(windowed, np.int64), np.array([r.eps for r in self.resources], np.float64),
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

    def new_state(self, requests: int, chunks: int, policy: str, sample_step: int, events: int | None = None,
                  chunk_log: bool = True) -> State:
        """Arrays for a run of up to ``requests`` requests and ``chunks`` chunks; room for
        ``events`` pending events to start with (default: one per request; the heap grows), and a
        log of every chunk's completion unless ``chunk_log`` is off."""
        ops, S, nres = self.slots * self.S, self.S, len(self.resources)
        requests = max(1, requests)
        I = np.zeros(k.N_I, dtype=np.int64)
        I[k.FREE_SLOTS] = I[k.FREE_TOP] = self.slots
        I[k.SAMPLE_STEP] = sample_step
        I[k.POLICY] = 0 if policy == "fifo" else 1
        sv = _ints(len(self.servers) + requests, k.SV_COLS)
        sv[:, k.SV_QHEAD] = sv[:, k.SV_QTAIL] = k.NONE
        sv[:len(self.servers), k.SV_N] = [n for _, n in self.servers]
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
            I, np.zeros(k.N_F), _ints(max(1024, 2 * self.margin + (requests if events is None else events)), 6),
            _ints(self.work_rows, 3),
            nd, np.zeros(nodes), sv, rf, ri, np.zeros((nres, ops + 4)), np.zeros((nres, ops + 4, 3), np.int64),
            rq, np.zeros(requests, np.int64), _ints(self.slots, k.CH_COLS), _ints(self.slots, S),
            _ints(self.slots, S), np.arange(self.slots, dtype=np.int64), _ints(ops, k.OP_COLS),
            np.zeros((memories, k.M_COLS)), np.zeros(memories, np.int64),
            np.zeros(classes, np.int64), np.zeros(classes, np.int64), np.zeros(classes, np.int64),
            _ints(chunks * S if self.model.record else 1, 7), _ints(max(1, chunks) if chunk_log else 1, 3),
            np.zeros((128 if sample_step else 1, snapshot)), np.zeros(requests, np.int64),
        )

    def set_requests(self, st: State, first: int, tokens: list[int]) -> None:
        """Rows of requests ``first``, ``first + 1``, ... of these prefix sizes."""
        chunking = np.array([self.chunking[t] for t in tokens], dtype=np.int64).reshape(-1, 4)
        rows = st.RQ[first:first + len(tokens)]
        rows[:, k.RQ_NCHUNKS], rows[:, k.RQ_NFULL] = chunking[:, 0], chunking[:, 1]
        rows[:, k.RQ_FULLCLS], rows[:, k.RQ_LASTCLS] = chunking[:, 2], chunking[:, 3]
