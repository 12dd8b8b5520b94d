"""Statistics, per-chunk CSV and Chrome/Perfetto trace from a simulation run."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import numpy as np

from .record import SimRun

GBPS = 8 / 1e9
SATURATED = 0.95  # a window's busiest resource counts as its bottleneck only above this


def steady_rates(run: SimRun) -> tuple[float, float]:
    """Steady-state (network, kv) bytes per second: the least-squares slope of bytes delivered
    against completion time over the middle 80% of the run. A slope is insensitive to fill,
    drain, and bursts of completions (chunks of one request finishing together)."""
    done = sorted(run.chunk_done)
    if len(done) < 2:
        span = max(run.end - min(run.arrival, default=0), 1) / run.clock_hz
        return sum(c[2] for c in done) / span, sum(c[3] for c in done) / span
    t = np.array([c[0] for c in done], dtype=float) / run.clock_hz
    net = np.cumsum([c[2] for c in done])
    kv = np.cumsum([c[3] for c in done])
    low, high = t[0] + 0.1 * (t[-1] - t[0]), t[-1] - 0.1 * (t[-1] - t[0])
    middle = (t >= low) & (t <= high)
    if middle.sum() < 10 or np.ptp(t[middle]) <= 0:
        return (net[-1] - net[0]) / (t[-1] - t[0]), (kv[-1] - kv[0]) / (t[-1] - t[0])
    return float(np.polyfit(t[middle], net[middle], 1)[0]), float(np.polyfit(t[middle], kv[middle], 1)[0])


def utilization(run: SimRun) -> dict[str, float]:
    """Busy share of each resource over the run (engines: the larger of channels and bandwidth)."""
    span = max(1, run.end - min(run.arrival, default=0))
    out = {name: s.busy / (s.n * span) for name, s in run.executors.items()}
    for name, bw in run.engine_bandwidth.items():
        out[name] = max(out[name], bw.busy / span)
    out.update({name: r.busy / (span * getattr(r, "open_fraction", 1.0)) for name, r in run.shared.items()})
    out["buffers"] = run.slot_area / (run.slots * span)
    return out


def bottleneck_timeline(run: SimRun) -> list[dict[str, Any]]:
    """Per sampling window, the most utilized resource; consecutive equal windows merged."""
    timeline: list[dict[str, Any]] = []
    for (t0, a), (t1, b) in zip(run.samples, run.samples[1:]):
        if t1 == t0:
            continue
        util = {}
        for name in b:
            base = name.split(":bandwidth")[0]
            share = (b[name] - a.get(name, 0.0)) / (t1 - t0)
            util[base] = max(util.get(base, 0.0), share)
        busiest = _bottleneck(util)
        name = busiest if util[busiest] >= SATURATED else "none saturated"
        start, end = t0 / run.clock_hz, t1 / run.clock_hz
        if timeline and timeline[-1]["resource"] == name:
            timeline[-1]["end_s"] = end
            timeline[-1]["utilization"] = max(timeline[-1]["utilization"], util[busiest])
        else:
            timeline.append({"start_s": start, "end_s": end, "resource": name, "utilization": util[busiest]})
    return timeline


def _bottleneck(util: dict[str, float]) -> str:
    """The most utilized hardware resource; the buffer pool only when no hardware is saturated
    (in a saturated pipeline every slot is taken by chunks queueing for the real bottleneck)."""
    hardware = {n: u for n, u in util.items() if n != "buffers"}
    busiest = max(hardware, key=lambda n: (hardware[n], n))
    if hardware[busiest] < SATURATED and util.get("buffers", 0.0) >= SATURATED:
        return "buffers"
    return busiest


def simulate_summary(run: SimRun, name: str = "") -> dict[str, Any]:
    """Latency distribution, throughput, utilization, memory and bottleneck of a run."""
    hz = run.clock_hz
    latency = np.array([(f - a) / hz for f, a in zip(run.finish, run.arrival)])
    net_rate, kv_rate = steady_rates(run)
    span = (run.end - min(run.arrival, default=0)) / hz
    util = utilization(run)
    total_net = sum(c[2] for c in run.chunk_done)
    return {
        "scenario": name,
        "requests": len(run.requests),
        "chunks": len(run.chunk_done),
        "simulated_s": span,
        "events": run.events,
        "latency_s": {
            "mean": float(latency.mean()), "p50": float(np.percentile(latency, 50)),
            "p99": float(np.percentile(latency, 99)), "max": float(latency.max()),
        },
        "throughput_gbps": net_rate * GBPS,
        "kv_throughput_gbps": kv_rate * GBPS,
        "throughput_over_run_gbps": total_net / span * GBPS if span else 0.0,
        "bottleneck": _bottleneck(util),
        "resources": util,
        "nic_memory_peak_bytes": run.memory_peak.get("nic.memory", 0.0),
        "nic_memory_mean_bytes": run.memory_area.get("nic.memory", 0.0) / max(1, run.end),
        "memory_peak_bytes": dict(run.memory_peak),
        "bottleneck_over_time": bottleneck_timeline(run),
    }


def stage_records_csv(run: SimRun) -> str:
    """One row per (chunk, stage): when it became ready, started, left its executor, ended."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["request", "chunk", "stage", "resource", "ready_s", "start_s", "exec_end_s", "end_s"])
    hz = run.clock_hz
    for r in run.records:
        writer.writerow([r.request, r.chunk, r.stage, r.resource, f"{r.ready / hz:.9f}", f"{r.start / hz:.9f}",
                         f"{r.exec_end / hz:.9f}", f"{r.end / hz:.9f}"])
    return out.getvalue()


def chrome_trace(run: SimRun) -> dict[str, Any]:
    """Chrome/Perfetto trace: one process per device, one track per executor server (slices of
    executor time per chunk), one counter track per shared resource (active transfers)."""
    hz_us = run.clock_hz / 1e6
    events: list[dict[str, Any]] = []
    groups: dict[str, int] = {}
    tracks: dict[tuple[str, int], int] = {}

    def pid_of(resource: str) -> int:
        group = resource.split(".")[0].split("[")[0]
        if group not in groups:
            groups[group] = len(groups) + 1
            events.append({"ph": "M", "name": "process_name", "pid": groups[group], "args": {"name": group}})
        return groups[group]

    def tid_of(resource: str, lane: int) -> int:
        key = (resource, lane)
        if key not in tracks:
            tracks[key] = len(tracks) + 1
            label = resource if lane == 0 else f"{resource} #{lane}"
            events.append({"ph": "M", "name": "thread_name", "pid": pid_of(resource), "tid": tracks[key],
                           "args": {"name": label}})
        return tracks[key]

    lanes: dict[str, list[int]] = {}  # resource -> end time of each lane's last slice
    for r in sorted(run.records, key=lambda r: (r.start, r.request, r.chunk)):
        busy = lanes.setdefault(r.resource, [])
        lane = next((i for i, end in enumerate(busy) if end <= r.start), len(busy))
        if lane == len(busy):
            busy.append(0)
        busy[lane] = r.exec_end
        events.append({"ph": "X", "name": f"{r.stage} r{r.request}c{r.chunk}", "cat": r.stage,
                       "pid": pid_of(r.resource), "tid": tid_of(r.resource, lane),
                       "ts": r.start / hz_us, "dur": max(r.exec_end - r.start, 0) / hz_us,
                       "args": {"request": r.request, "chunk": r.chunk, "ready_us": r.ready / hz_us,
                                "end_us": r.end / hz_us}})
    # transfers in flight per shared resource, as counters
    stages = {s.name: s for s in run.plan.stages}
    deltas: dict[str, list[tuple[int, int]]] = {}
    for r in run.records:
        st = stages[r.stage]
        for resource in {st.reads, st.writes, *st.crosses} - {None}:
            deltas.setdefault(resource, []).extend([(r.start, 1), (r.end, -1)])
    for resource, changes in deltas.items():
        level = 0
        for t, d in sorted(changes):
            level += d
            events.append({"ph": "C", "name": f"{resource} transfers", "pid": pid_of(resource),
                           "ts": t / hz_us, "args": {"active": level}})
    return {"traceEvents": events, "displayTimeUnit": "ms"}


def chrome_trace_json(run: SimRun) -> str:
    return json.dumps(chrome_trace(run))
