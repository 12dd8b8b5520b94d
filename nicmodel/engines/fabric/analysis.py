"""What a schedule means for one ToR pair: circuit share, bandwidth, waits, hops, buffers.

Timing (seconds) follows docs/sources/optical.md:
- guard g = reconfiguration + 2 x sync error (the NOS relation);
- intra_slice: a port whose circuit changes after slice s is usable in
  [s T_s, (s+1) T_s - g - d] (d: ToR->OCS delay, so the last bit reaches the OCS before it
  reconfigures); a circuit kept into the next slice stays up across the boundary;
- whole_slice: after every slice a dark slice is inserted; ports that keep their circuit stay up
  through it (OpenOptics on Tofino), so a cycle is 2 S slices;
- one hop (ToR -> OCS -> ToR) takes 2 d + ToR latency.
Waits are over the arrival phase, uniform over one cycle.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np

from ...errors import InfeasibleError

MTU_BYTES = 1500


@dataclass(frozen=True)
class Timing:
    slice_s: float
    guard_s: float
    tor_ocs_s: float
    tor_latency_s: float
    rate_Bps: float
    whole_slice: bool

    @property
    def hop_s(self) -> float:
        return 2 * self.tor_ocs_s + self.tor_latency_s


Span = tuple[float, float, int]  # (start, end, destination ToR) of one port's usable circuit


def port_timeline(table: np.ndarray, t: Timing) -> tuple[float, dict[tuple[int, int], list[Span]]]:
    """(cycle seconds, usable circuit spans per (tor, port)), consecutive slices with the same
    circuit merged; a port that never reconfigures is up the whole cycle."""
    slices, n, k = table.shape
    step = 2 * t.slice_s if t.whole_slice else t.slice_s
    cycle = slices * step
    timeline: dict[tuple[int, int], list[Span]] = {}
    for tor in range(n):
        for port in range(k):
            dests = table[:, tor, port]
            spans: list[Span] = []
            if (dests == dests[0]).all():
                if dests[0] >= 0:
                    spans.append((0.0, cycle, int(dests[0])))
                timeline[(tor, port)] = spans
                continue
            for s in range(slices):
                dest = int(dests[s])
                if dest < 0:
                    continue
                changes = dests[(s + 1) % slices] != dest
                start = s * step
                if t.whole_slice:
                    end = start + t.slice_s + (0.0 if changes else t.slice_s)
                else:
                    end = start + t.slice_s - ((t.guard_s + t.tor_ocs_s) if changes else 0.0)
                if spans and spans[-1][2] == dest and abs(spans[-1][1] - start) < 1e-15:
                    spans[-1] = (spans[-1][0], end, dest)
                else:
                    spans.append((start, end, dest))
            timeline[(tor, port)] = spans
    return cycle, timeline


@dataclass
class Windows:
    """Usable circuit windows over one cycle."""

    cycle_s: float
    timeline: dict[tuple[int, int], list[Span]]  # per (tor, port)
    pair: dict[tuple[int, int], list[tuple[float, float]]]  # per ordered pair, union over ports
    port_up_s: float  # usable port-seconds per cycle, all ports
    ports: int

    @property
    def port_duty(self) -> float:
        return self.port_up_s / (self.ports * self.cycle_s)

    def pair_seconds(self, i: int, j: int) -> float:
        """Usable circuit-seconds i -> j per cycle, ports counted separately (for bandwidth)."""
        k = self.ports // len({tor for tor, _ in self.timeline})
        return sum(e - s for p in range(k) for s, e, d in self.timeline[(i, p)] if d == j)

    def pair_spans(self, i: int, j: int) -> list[tuple[float, float]]:
        """Per-port (not merged) windows i -> j, for byte accounting."""
        k = self.ports // len({tor for tor, _ in self.timeline})
        return sorted((s, e) for p in range(k) for s, e, d in self.timeline[(i, p)] if d == j)


def port_windows(table: np.ndarray, t: Timing) -> Windows:
    """Usable windows from a schedule table[slice, tor, port]."""
    cycle, timeline = port_timeline(table, t)
    pair: dict[tuple[int, int], list[tuple[float, float]]] = {}
    up = 0.0
    for (tor, _), spans in timeline.items():
        for start, end, dest in spans:
            up += end - start
            pair.setdefault((tor, dest), []).append((start, end))
    for key, spans in pair.items():
        pair[key] = _merge(sorted(spans))
    return Windows(cycle, timeline, pair, up, table.shape[1] * table.shape[2])


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Union of windows (a first byte can leave whenever any port has the circuit)."""
    out: list[list[float]] = []
    for start, end in spans:
        if out and start <= out[-1][1] + 1e-15:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def gap_stats(windows: list[tuple[float, float]], cycle: float) -> dict[str, float]:
    """Exact wait-for-window statistics over a uniform arrival phase."""
    if not windows:
        return {"mean": float("inf"), "p50": float("inf"), "p99": float("inf"), "max": float("inf"), "std": 0.0}
    gaps = []
    for (a0, b0), (a1, _) in zip(windows, windows[1:] + [(windows[0][0] + cycle, 0.0)]):
        gaps.append(max(a1 - b0, 0.0))
    gaps_arr = np.array(gaps)
    mean = float((gaps_arr**2).sum() / (2 * cycle))
    second = float((gaps_arr**3).sum() / (3 * cycle))

    def quantile(q: float) -> float:
        # P(wait > w) = sum(max(gap - w, 0)) / cycle, decreasing in w
        target = (1 - q) * cycle
        if gaps_arr.sum() <= target:
            return 0.0
        lo, hi = 0.0, float(gaps_arr.max())
        for _ in range(60):
            mid = (lo + hi) / 2
            if np.maximum(gaps_arr - mid, 0).sum() > target:
                lo = mid
            else:
                hi = mid
        return hi

    return {"mean": mean, "p50": quantile(0.5), "p99": quantile(0.99), "max": float(gaps_arr.max()),
            "std": float(np.sqrt(max(second - mean**2, 0.0)))}


class Fabric:
    """Time-expanded view of a schedule for earliest-arrival queries."""

    def __init__(self, table: np.ndarray, timing: Timing):
        self.table, self.timing = table, timing
        self.n = table.shape[1]
        self.windows = port_windows(table, timing)
        width = max((len(w) for w in self.windows.pair.values()), default=1)
        self.starts = np.full((self.n, self.n, width), np.inf)
        self.ends = np.full((self.n, self.n, width), -np.inf)
        for (i, j), spans in self.windows.pair.items():
            for w, (a, b) in enumerate(spans):
                self.starts[i, j, w], self.ends[i, j, w] = a, b

    @property
    def cycle(self) -> float:
        return self.windows.cycle_s

    def departures(self, u: int, at: float) -> np.ndarray:
        """Earliest time >= ``at`` that u can send to each ToR directly (inf if never)."""
        base = np.floor(at / self.cycle) * self.cycle
        phase = at - base
        starts, ends = self.starts[u], self.ends[u]
        inside = (starts <= phase) & (phase < ends - 1e-12)
        later = np.where(starts > phase, starts, starts + self.cycle)
        depart = np.where(inside, phase, later)
        return base + depart.min(axis=1)

    def earliest_arrival(self, src: int, dst: int, at: float, max_hops: int | None = None) -> tuple[float, int, float]:
        """(arrival time at dst, hops, departure from src) of the fastest path; ties -> fewer hops."""
        if src == dst:
            return at, 0, at
        hop = self.timing.hop_s
        best = {src: (at, 0, at)}
        heap = [(at, 0, src, at)]
        done = set()
        while heap:
            time, hops, u, first = heapq.heappop(heap)
            if u in done:
                continue
            done.add(u)
            if u == dst:
                return time, hops, first
            if max_hops is not None and hops >= max_hops:
                continue
            dep = self.departures(u, time)
            for v in np.nonzero(np.isfinite(dep))[0]:
                v = int(v)
                if v in done:
                    continue
                arrive = float(dep[v]) + hop
                leave = float(dep[v]) if u == src else first
                old = best.get(v)
                if old is None or (arrive, hops + 1) < (old[0] - 1e-15, old[1]):
                    best[v] = (arrive, hops + 1, leave)
                    heapq.heappush(heap, (arrive, hops + 1, v, leave))
        return float("inf"), 0, float("inf")

    def port_next(self, u: int, port: int, at: float) -> tuple[float, int]:
        """Earliest time >= ``at`` that ``port`` of u is usable, and the ToR it reaches then."""
        spans = self.windows.timeline[(u, port)]
        if not spans:
            return float("inf"), -1
        base = np.floor(at / self.cycle) * self.cycle
        phase = at - base
        for start, end, dest in spans:
            if start <= phase < end - 1e-12:
                return at, dest
            if start > phase:
                return base + start, dest
        start, _, dest = spans[0]
        return base + self.cycle + start, dest

    def vlb_arrival(self, src: int, dst: int, at: float, port: int) -> tuple[float, int, float]:
        """Two-hop VLB: direct if a circuit to dst is up now, else via the ToR that ``port``
        reaches next, which forwards at its next circuit to dst. (arrival, hops, departure)."""
        hop = self.timing.hop_s
        if self.departures(src, at)[dst] <= at + 1e-15:
            return at + hop, 1, at
        depart, middle = self.port_next(src, port, at)
        if middle == dst:
            return depart + hop, 1, depart
        if middle < 0:
            return float("inf"), 0, float("inf")
        second = float(self.departures(middle, depart + hop)[dst])
        return second + hop, 2, depart


@dataclass
class PairReport:
    """A ToR pair's figures under the fabric's routing scheme."""

    routing: str
    circuit_share: float  # fraction of slices with a direct circuit (summed over ports)
    port_duty: float  # usable share of port time, whole fabric
    direct_bandwidth_Bps: float
    bandwidth_Bps: float  # effective bandwidth under the routing scheme
    burst_bytes: float  # bytes one direct circuit window carries (R x usable slice)
    wait_s: dict[str, float]  # first-byte wait at the source ToR
    first_byte_s: dict[str, float]  # arrival of the first byte at the destination ToR
    hops: dict[str, float]
    jitter_s: float  # std of first-byte latency over arrival phase
    source_buffer_bytes: float  # paced at the effective bandwidth
    intermediate_buffer_bytes: float
    tor_buffer_bytes: float
    cycle_s: float
    samples: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0))  # first-byte latency per phase

    @property
    def loss_free(self) -> bool:
        return bool(max(self.source_buffer_bytes, self.intermediate_buffer_bytes) <= self.tor_buffer_bytes)


def _stats(values: np.ndarray) -> dict[str, float]:
    return {"mean": float(values.mean()), "p50": float(np.percentile(values, 50)),
            "p99": float(np.percentile(values, 99)), "max": float(values.max())}


def analyze_pair(fabric: Fabric, src: int, dst: int, routing: str, tor_buffer: float, phases: int,
                 background_load: float = 0.0) -> PairReport:
    """Figures for one ordered pair under ``routing``, sampled over ``phases`` arrival phases.
    Multi-hop routing borrows other pairs' circuits: ``background_load`` is the share of their
    capacity other traffic already uses (0: an idle fabric), so only the rest is borrowed; the
    pair's own direct circuits are its own."""
    t = fabric.timing
    w = fabric.windows
    k = fabric.table.shape[2]
    direct_windows = w.pair.get((src, dst), [])
    direct_bw = t.rate_Bps * w.pair_seconds(src, dst) / w.cycle_s
    share = float((fabric.table[:, src, :] == dst).sum()) / fabric.table.shape[0]
    grid = (np.arange(phases) + 0.5) / phases * w.cycle_s
    if routing == "direct":
        if not direct_windows:
            raise InfeasibleError(f"ToRs {src} and {dst} never have a direct circuit; use vlb or fastest_path")
        arrivals = np.array([fabric.departures(src, a)[dst] - a for a in grid])
        wait = arrivals
        hops = np.ones(phases)
        bandwidth = direct_bw
    elif routing == "vlb":
        res = [fabric.vlb_arrival(src, dst, a, p) for a in grid for p in range(k)]
        if not all(np.isfinite(r[0]) for r in res):
            raise InfeasibleError(f"VLB cannot reach ToR {dst} from ToR {src} in two hops in this schedule")
        arrive = np.array([r[0] for r in res]) - np.repeat(grid, k)
        wait = np.array([r[2] for r in res]) - np.repeat(grid, k)
        hops = np.array([r[1] for r in res], dtype=float)
        arrivals = arrive - hops * t.hop_s
        bandwidth = max(direct_bw, k * t.rate_Bps * w.port_duty * (1 - background_load) / 2)
    else:
        res = [fabric.earliest_arrival(src, dst, a) for a in grid]
        if not all(np.isfinite(r[0]) for r in res):
            raise InfeasibleError(f"no path from ToR {src} to ToR {dst} in this schedule")
        arrive = np.array([r[0] for r in res]) - grid
        wait = np.array([r[2] for r in res]) - grid
        hops = np.array([r[1] for r in res], dtype=float)
        arrivals = arrive - hops * t.hop_s
        bandwidth = max(direct_bw, k * t.rate_Bps * w.port_duty * (1 - background_load) / hops.mean())
    first_byte = arrivals + hops * t.hop_s
    if routing == "direct":
        wait_stats = gap_stats(direct_windows, w.cycle_s)
        wait_stats.pop("std")
    else:
        wait_stats = _stats(wait)
    longest_window = max((b - a for a, b in direct_windows), default=t.slice_s)
    gaps = gap_stats(direct_windows, w.cycle_s)["max"] if direct_windows else w.cycle_s
    source_buffer = bandwidth * (gaps if routing == "direct" else t.slice_s)
    intermediate = 0.0 if routing == "direct" else t.rate_Bps * min(longest_window, t.slice_s)
    return PairReport(
        routing=routing, circuit_share=share, port_duty=w.port_duty, direct_bandwidth_Bps=direct_bw,
        bandwidth_Bps=bandwidth, burst_bytes=t.rate_Bps * max(t.slice_s - t.guard_s - t.tor_ocs_s, 0.0),
        wait_s=wait_stats, first_byte_s=_stats(first_byte), hops=_stats(hops), jitter_s=float(first_byte.std()),
        source_buffer_bytes=source_buffer, intermediate_buffer_bytes=intermediate, tor_buffer_bytes=tor_buffer,
        cycle_s=w.cycle_s, samples=first_byte,
    )


def transfer_times(fabric: Fabric, report: PairReport, src: int, dst: int, nbytes: float) -> dict[str, float]:
    """Time to move ``nbytes`` from src to dst (first byte sent to last byte delivered), over
    arrival phase. Direct routing walks the circuit windows exactly; multi-hop routing adds
    nbytes / effective bandwidth to the first-byte latency (fluid)."""
    if report.routing != "direct":
        return _stats(report.samples + nbytes / report.bandwidth_Bps)
    t = fabric.timing
    cycle = fabric.windows.cycle_s
    spans = fabric.windows.pair_spans(src, dst)
    # cumulative bytes over one cycle at every breakpoint
    points = sorted({0.0, cycle, *[a for a, _ in spans], *[b for _, b in spans]})
    cum = [0.0]
    for a, b in zip(points, points[1:]):
        ports = sum(1 for s, e in spans if s <= a and b <= e + 1e-15)
        cum.append(cum[-1] + ports * t.rate_Bps * (b - a))
    points_arr, cum_arr = np.array(points), np.array(cum)
    per_cycle = cum_arr[-1]
    grid = (np.arange(len(report.samples)) + 0.5) / len(report.samples) * cycle
    times = []
    for a in grid:
        start_bytes = np.interp(a, points_arr, cum_arr)
        target = start_bytes + nbytes
        cycles, rest = divmod(target, per_cycle)
        if rest <= 1e-9 and cycles > 0:
            cycles, rest = cycles - 1, per_cycle
        idx = int(np.searchsorted(cum_arr, rest - 1e-9))
        idx = min(max(idx, 1), len(points_arr) - 1)
        slope = (cum_arr[idx] - cum_arr[idx - 1]) / (points_arr[idx] - points_arr[idx - 1])
        end = points_arr[idx - 1] + (rest - cum_arr[idx - 1]) / slope if slope > 0 else points_arr[idx]
        times.append(cycles * cycle + end - a + t.hop_s)
    return _stats(np.array(times))
