"""The data-plane simulation written with SimPy, as a speed reference (not used by nicmodel).

Same model as nicmodel.engines.sim (dataplane.py, loop/): FIFO buffer slots, FIFO executors released after their own
phase, engines (channel held for per-job time + data through the engine's bandwidth), fluid
processor sharing on memories and links, one in-order connection per request on the network.
Stage demands come from the same nicmodel functions so the two compute the same thing.
Requires: pip install simpy
"""

from __future__ import annotations

import heapq
import math

import simpy

from nicmodel.engines.sim import DataPlane, RequestSpec


class CountingEnvironment(simpy.Environment):
    """A SimPy environment that counts processed events."""

    def __init__(self) -> None:
        super().__init__()
        self.events = 0

    def step(self) -> None:
        self.events += 1
        super().step()


class ProcessorSharing:
    """Fluid processor sharing in SimPy: a manager process re-plans on every change."""

    def __init__(self, env: CountingEnvironment, capacity: float):
        self.env, self.capacity = env, capacity
        self.virtual, self.last = 0.0, 0
        self.flows: list[tuple[float, int, simpy.Event]] = []
        self.seq = 0
        self.changed = env.event()
        env.process(self._manager())

    def _advance(self) -> None:
        now = self.env.now
        if self.flows:
            self.virtual += (now - self.last) * self.capacity / len(self.flows)
        self.last = now

    def transfer(self, nbytes: float) -> simpy.Event:
        done = self.env.event()
        if nbytes <= 0:
            done.succeed()
            return done
        self._advance()
        self.seq += 1
        heapq.heappush(self.flows, (self.virtual + nbytes, self.seq, done))
        if not self.changed.triggered:
            self.changed.succeed()
        return done

    def _manager(self):
        while True:
            if not self.flows:
                self.changed = self.env.event()
                yield self.changed
                continue
            left = (self.flows[0][0] - self.virtual) * len(self.flows) / self.capacity
            self.changed = self.env.event()
            yield self.env.timeout(max(1, math.ceil(left - 1e-9))) | self.changed
            self._advance()
            limit = self.virtual + 1e-6 * max(1.0, self.capacity)
            while self.flows and self.flows[0][0] <= limit:
                heapq.heappop(self.flows)[2].succeed()


def run_simpy(model: DataPlane, requests: list[RequestSpec]) -> tuple[list[int], CountingEnvironment]:
    """Simulate ``requests`` (FIFO policy); returns per-request finish times (cycles) and the env."""
    env = CountingEnvironment()
    plan, hz = model.plan, model.clock_hz
    slots = simpy.Resource(env, capacity=model.slots)
    executors, engines = {}, {}
    for st in plan.stages:
        if st.resource_name not in executors:
            n = max(1, int(round(model.demand(st, 1).servers)))
            executors[st.resource_name] = simpy.Resource(env, capacity=n)
        if st.executor_kind == "engine" and st.resource_name not in engines:
            engines[st.resource_name] = ProcessorSharing(env, float(model.p[f"{st.cost}.bandwidth"]) / hz)
    shared = {name: ProcessorSharing(env, cap / hz) for name, cap in model.caps.items()}
    finish = [0] * len(requests)
    preds = model.preds

    def stage(st, tokens, conn, window, before):
        if before:
            yield simpy.AllOf(env, before)
        if model.transport and st.reads == "network":  # a GET per chunk: window slot, round trip
            with window.request() as slot:
                yield slot
                yield env.timeout(model.request_cycles)
                yield from _work(st, tokens, conn)
        else:
            yield from _work(st, tokens, conn)

    def _work(st, tokens, conn):
        d = model.demand(st, tokens)
        with executors[st.resource_name].request() as req:
            yield req
            flows = [env.process(_network(conn, shared["network"], b)) if r == "network"
                     else shared[r].transfer(b) for r, b in d.flows.items()]
            if st.executor_kind == "engine":
                yield env.timeout(model.cycles(d.fixed))
                yield engines[st.resource_name].transfer(d.engine_bytes)
            else:
                yield env.timeout(model.cycles(d.fixed + d.work))
        if flows:
            yield simpy.AllOf(env, flows)

    def chunk(tokens, conn, window):
        with slots.request() as slot:
            yield slot
            procs = {}
            for st in plan.stages:  # topological order
                procs[st.name] = env.process(stage(st, tokens, conn, window, [procs[p] for p in preds[st.name]]))
            yield simpy.AllOf(env, [procs[s] for s in model.sinks])

    def request(i, spec):
        yield env.timeout(model.cycles(spec.arrival_s) + model.rtt_cycles())
        conn = simpy.Resource(env, capacity=1)  # one in-order connection per request
        window = simpy.Resource(env, capacity=max(1, model.request_window))  # outstanding GETs
        yield simpy.AllOf(env, [env.process(chunk(t, conn, window)) for t in model.chunks_of(spec.prefix_tokens)])
        finish[i] = env.now

    for i, spec in enumerate(requests):
        env.process(request(i, spec))
    env.run()
    return finish, env


def _network(conn, link, nbytes):
    with conn.request() as turn:
        yield turn
        yield link.transfer(nbytes)
