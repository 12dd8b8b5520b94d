"""Fast-switched optical fabric spec: ToRs joined by circuits that change every slice.

See docs/sources/optical.md. The schedule says, per slice, which uplink of which ToR reaches
which ToR (a time-flow table); routing says how a transfer uses it. Pure data.
"""

from typing import Literal

from pydantic import Field, model_validator

from .base import Bandwidth, Bytes, Component, Count, Duration, StrictModel


class Schedule(StrictModel):
    """How circuits are laid out over the slices of one cycle."""

    kind: Literal["round_robin", "opera", "sirius", "static", "explicit"]
    """round_robin: RotorNet-style rotor, every port steps through the N-1 matchings of the circle
    method (ports offset), one slice each; opera: Opera-style expander, each port holds a matching
    for k slices and ports reconfigure one per slice; sirius: cyclic shifts, ToR i reaches
    i + 1 + s + p x S on port p in slice s; static: k fixed matchings, never reconfigured;
    explicit: the time-flow table in `table`."""
    seed: int = 0
    """Seed of the random matching order (opera, static)."""
    table: list[list[list[int]]] | None = None
    """explicit only: table[slice][tor][port] = destination ToR, or -1 for no circuit. Give it
    inline or as `table_file:` (CSV rows slice,tor,port,dest), which the loader reads."""
    table_file: str | None = None
    """explicit only: CSV time-flow table (slice,tor,port,dest), relative to the spec file."""

    @model_validator(mode="after")
    def _explicit_has_table(self) -> "Schedule":
        if self.kind == "explicit" and self.table is None:
            raise ValueError("an explicit schedule needs a table (inline or table_file)")
        if self.kind != "explicit" and (self.table is not None or self.table_file is not None):
            raise ValueError(f"a {self.kind} schedule is generated; remove table / table_file")
        return self


class OpticalFabric(Component):
    """A fast-switched optical data-center fabric between ToRs."""

    name: str
    """Description."""
    tors: Count
    """ToR switches (N)."""
    uplinks_per_tor: Count
    """OCS-facing uplinks per ToR (k)."""
    uplink_rate: Bandwidth
    """Rate of one uplink (R)."""
    slice: Duration
    """Duration of one time slice (T_s)."""
    reconfiguration: Duration
    """Time an OCS port is dark while it changes circuit."""
    sync_error: Duration
    """Clock-synchronization error between a ToR and the OCS (NOS: 28 ns)."""
    guard_mode: Literal["intra_slice", "whole_slice"] = "intra_slice"
    """intra_slice: the guard (reconfiguration + 2 x sync error) is dark time at the end of a
    slice whose port changes; whole_slice: a whole dark slice is inserted after every slice and
    ports that change stay dark through it (OpenOptics on Tofino)."""
    tor_ocs_delay: Duration
    """Propagation ToR -> OCS (one way); a hop crosses it twice."""
    tor_latency: Duration
    """Forwarding latency of one ToR pass."""
    tor_buffer: Bytes
    """Buffer per ToR for traffic waiting for circuits."""
    schedule: Schedule
    """Circuit schedule (time-flow table)."""
    routing: Literal["direct", "vlb", "fastest_path"] = "direct"
    """direct: wait for a circuit to the destination; vlb: two-hop Valiant load balancing via the
    current neighbour; fastest_path: earliest arrival over the time-expanded graph (URO-like)."""
    background_load: float = Field(0.0, ge=0.0, lt=1.0)
    """Share of every circuit's capacity other traffic already uses (a workload number, 0 to
    below 1; default 0: an otherwise idle fabric). Multi-hop routing (vlb, fastest_path) borrows
    other pairs' circuits and gets only the rest; a pair's direct circuits are its own."""

    @property
    def guard_s(self) -> float:
        """Dark time per reconfiguration: reconfiguration + 2 x sync error (sender and OCS may
        be skewed in opposite directions)."""
        return self.reconfiguration.si + 2 * self.sync_error.si

    @model_validator(mode="after")
    def _sizes(self) -> "OpticalFabric":
        n, k = int(self.tors.si), int(self.uplinks_per_tor.si)
        if self.schedule.kind != "static" and self.guard_mode == "intra_slice":
            usable = self.slice.si - self.guard_s - self.tor_ocs_delay.si
            if self.guard_s >= self.slice.si:
                raise ValueError(
                    f"guard ({self.guard_s * 1e9:.0f} ns = reconfiguration + 2 x sync error) is not shorter "
                    f"than the slice ({self.slice.si * 1e9:.0f} ns): no circuit time is left"
                )
            packet = 1500 * 8 / (self.uplink_rate.si * 8)
            if usable < packet:
                raise ValueError(
                    f"a hop does not fit in a slice: {usable * 1e9:.0f} ns usable after guard and ToR-OCS delay, "
                    f"a 1500 B packet needs {packet * 1e9:.0f} ns"
                )
        if n < 2:
            raise ValueError("a fabric needs at least 2 ToRs")
        if k >= n:
            raise ValueError(f"uplinks_per_tor ({k}) must be below tors ({n})")
        if self.schedule.kind == "opera" and n % k:
            raise ValueError(f"an opera schedule needs tors ({n}) divisible by uplinks_per_tor ({k})")
        entries = n * n * k  # a cycle has at most `tors` slices of tors x uplinks circuits
        if entries > MAX_CIRCUIT_ENTRIES:
            raise ValueError(
                f"{n} ToRs x {k} uplinks give up to {entries:,} circuit entries per cycle (ToRs^2 x uplinks); "
                f"the schedule analysis takes ~27 us per entry (~{entries * 27e-6:.0f} s here) and is limited to "
                f"{MAX_CIRCUIT_ENTRIES:,} (about {MAX_CIRCUIT_ENTRIES * 27e-6:.0f} s)")
        return self


# Largest schedule analysed (ToRs^2 x uplinks), so that a run's time stays bounded: 400 ToRs x 2
# uplinks (320,000 entries) take ~9 s on one core (measured on the 2-core development machine).
MAX_CIRCUIT_ENTRIES = 350_000


class FabricPath(StrictModel):
    """Where a network link's two ends sit on a fabric."""

    source_tor: int
    """ToR of the KV-cache store."""
    dest_tor: int
    """ToR of the inference server."""
