"""The resources of a simulated data plane, as data: servers (core groups, engine channels, the
GPU, software threads) with their counts, and shared bandwidths (memories, links, the network,
engines' data paths) with their capacities in bytes per cycle; for direct routing over an
optical fabric, the network's capacity follows the circuit schedule.

The event loop holds their state in arrays; this is what it is built from (``lower.py``) and what
a run's report names (``run.py``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..plan import thread_resource


@dataclass(frozen=True)
class Bandwidth:
    """Fluid processor sharing of ``capacity`` bytes per cycle; windowed: (start, end, bytes per
    cycle) steps within a ``period`` of cycles."""

    name: str
    capacity: float
    steps: tuple[tuple[int, int, float], ...] = ()
    period: int = 1

    @property
    def windowed(self) -> bool:
        return bool(self.steps)

    @property
    def eps(self) -> float:
        """Float slack when comparing virtual times."""
        return 1e-6 * max(1.0, self.capacity)

    @property
    def open_fraction(self) -> float:
        """The share of the period the resource carries bytes (1 unless windowed)."""
        if not self.steps:
            return 1.0
        return sum(end - start for start, end, c in self.steps if c > 0) / self.period


@dataclass
class Resources:
    """Every resource of one data plane, in the order the report lists them."""

    servers: list[tuple[str, int]] = field(default_factory=list)  # executors, then threads
    stage_server: dict[str, int] = field(default_factory=dict)  # stage -> its executor
    thread_server: dict[str, int] = field(default_factory=dict)  # thread -> its server
    shared: list[Bandwidth] = field(default_factory=list)
    engines: list[Bandwidth] = field(default_factory=list)  # an engine executor's data path
    engine_of: dict[str, int] = field(default_factory=dict)  # executor name -> index into engines
    memories: list[str] = field(default_factory=list)

    @property
    def bandwidths(self) -> list[Bandwidth]:
        """Shared bandwidths, then engines' (the loop's resource numbering)."""
        return self.shared + self.engines

    def bandwidth_index(self, name: str) -> int:
        return [b.name for b in self.shared].index(name)


def build(model) -> Resources:
    """The resources of a DataPlane ``model``."""
    plan, hz, p = model.plan, model.clock_hz, model.p
    res = Resources()
    index: dict[str, int] = {}
    for st in plan.stages:
        name = st.resource_name
        if name not in index:
            index[name] = len(res.servers)
            res.servers.append((name, max(1, int(round(model.demand(st, 1).servers)))))
        res.stage_server[st.name] = index[name]
        if st.executor_kind == "engine" and name not in res.engine_of:
            res.engine_of[name] = len(res.engines)
            res.engines.append(Bandwidth(f"{name}:bandwidth", float(p[f"{st.cost}.bandwidth"]) / hz))
    used = {r for st in plan.stages for r in model.demand(st, 1).flows}
    for name, cap in model.caps.items():
        if name in used:
            res.shared.append(Bandwidth(name, cap / hz))
    path = plan.network_path
    names = [b.name for b in res.shared]
    if path is not None and path.windows and "network" in names:
        # direct routing over an optical fabric: the link carries bytes only while a circuit
        # to the server's ToR is up, at up to (circuits up) x uplink rate
        line = float(p["network.bandwidth"])
        if plan.network_on_nic:
            line = min(line, float(p["nic.ports"] * p["nic.port_rate"]))
        efficiency = float(p[f"network.efficiency.{plan.protocol}"])
        steps = tuple((model.cycles(a), model.cycles(b), efficiency * min(line, ports * path.uplink_Bps) / hz)
                      for a, b, ports in path.windows)
        res.shared[names.index("network")] = Bandwidth("network", max(c for _, _, c in steps) or 1.0, steps,
                                                       model.cycles(path.cycle_s))
    for thread, _ in plan.threads:
        res.thread_server[thread] = len(res.servers)
        res.servers.append((thread_resource(thread), 1))
    res.memories = [m for m, _ in plan.memory_capacity]
    return res
