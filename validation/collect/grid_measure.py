"""One measured point of interference_grid.py: decode beside k co-runner launches every m steps,
each timed with events on its own stream, and the grid CSV it is written to (with its declared role)."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import torch

from gpu_common import Model, capture, event, not_profiled, time_on, write_csv


HOLDOUT_SHARE = 0.35


DUTY_TARGETS = {"low": 0.1, "mid": 0.4, "sat": 4.0}


def role_of(key: str, section: str) -> str:
    if section == "copyfit":
        return "fitted"
    if section not in ("synthetic", "regime", "widths", "paced", "short", "onewave"):
        return "held-out"
    h = int(hashlib.sha256(key.encode()).hexdigest()[:12], 16) / float(1 << 48)
    return "held-out" if h < HOLDOUT_SHARE else "fitted"


class Decode:
    """One decode point: a graph per priority, and the step time alone."""

    def __init__(self, model: Model, batch: int, context: int, streams: dict[str, torch.cuda.Stream], steps: int):
        self.batch, self.context = batch, context
        self.replay, self.graphs, self.alone = {}, {}, {}
        self.streams, self.steps = streams, steps
        for prio, stream in streams.items():
            self.replay[prio], self.graphs[prio] = capture(model, batch, context, stream)
            self.alone[prio] = self.time_alone(prio)

    def time_alone(self, prio: str) -> float:
        """The step time alone at this priority: the median of three timed runs of ``steps`` steps."""
        return sorted(time_on(self.replay[prio], self.steps, self.streams[prio]) for _ in range(3))[1]


def beside(decode: Decode, prio: str, dstream, side, batch, k: int, m: int, steps: int, phase=None) -> dict:
    """Decode replayed for `steps` measured steps (after 2 warm-up ones); at the start of every
    m-th step the side stream waits for that step to start and runs `batch` (k launches), or,
    with `phase` (gpu_common.RandomPhase), waits a further random part of the step first.
    Returns decode's per-step time, the co-runner's time per launch over the batches wholly
    inside the decode window, its busy share of that window, and the CPU time per enqueued step."""
    not_profiled("beside")
    warm = 2
    torch.cuda.synchronize()
    ref = event()
    ref.record(dstream)
    w0, w1 = event(), event()
    groups = []
    t0 = time.perf_counter()
    for i in range(warm + steps):
        if i == warm:
            w0.record(dstream)
        s_i = event()
        s_i.record(dstream)
        decode.replay[prio]()
        if k and i % m == 0:
            side.wait_event(s_i)
            if phase is not None:
                phase(side, decode.alone[prio])
            with torch.cuda.stream(side):
                g0, g1 = event(), event()
                g0.record(side)
                batch()
                g1.record(side)
                groups.append((g0, g1))
    w1.record(dstream)
    cpu = (time.perf_counter() - t0) / (warm + steps)
    return window(ref, w0, w1, groups, k, steps, cpu)


def saturated(decode: Decode, prio: str, dstream, side, group, per_group: int, t_group: float, steps: int) -> dict:
    """Decode beside a co-runner that never lets its stream idle: groups of `per_group` launches
    (about one decode step of work alone each) are topped up before every decode step so that
    about four decode steps of co-runner work stay queued, and the CPU stays at most two decode
    steps ahead of the GPU, so neither queue starves and the backlog left after the window is
    bounded. Same returns as `beside`."""
    not_profiled("saturated")
    warm = 2
    depth = max(2, int(round(4 * decode.alone[prio] / max(t_group, 1e-9))))
    torch.cuda.synchronize()
    ref = event()
    ref.record(dstream)
    w0, w1 = event(), event()
    done_steps, groups, pending = [], [], []
    t0 = time.perf_counter()
    for i in range(warm + steps):
        if i >= 2:
            done_steps[i - 2].synchronize()
        pending = [g for g in pending if not g[1].query()]
        with torch.cuda.stream(side):
            while len(pending) < depth:
                g0, g1 = event(), event()
                g0.record(side)
                group()
                g1.record(side)
                pending.append((g0, g1))
                groups.append((g0, g1))
        if i == warm:
            w0.record(dstream)
        decode.replay[prio]()
        e = event()
        e.record(dstream)
        done_steps.append(e)
    w1.record(dstream)
    cpu = (time.perf_counter() - t0) / (warm + steps)
    return window(ref, w0, w1, groups, per_group, steps, cpu)


def window(ref, w0, w1, groups: list, per_group: int, steps: int, cpu: float) -> dict:
    """The measured window (after a device-wide synchronize, once both streams are done): decode's
    time per step between events w0 and w1 on its stream, and the co-runner groups (start and end
    events on theirs) that began and ended inside it."""
    torch.cuda.synchronize()
    a, b = ref.elapsed_time(w0), ref.elapsed_time(w1)
    inside, busy = [], 0.0
    for g0, g1 in groups:
        s, e = ref.elapsed_time(g0), ref.elapsed_time(g1)
        busy += max(0.0, min(e, b) - max(s, a))
        if s >= a and e <= b:
            inside.append(e - s)
    inside_n = per_group * len(inside)
    return {"decode_beside_s": (b - a) / 1e3 / steps,
            "corunner_beside_s": sum(inside) / 1e3 / inside_n if inside_n else float("nan"),
            "corunner_sem_s": launch_sem(inside, per_group),
            "busy_share": busy / (b - a) if b > a else float("nan"), "inside_launches": inside_n,
            "cpu_per_step_s": cpu}


def launch_sem(group_ms: list[float], per_group: int) -> float:
    """The standard error of the co-runner's mean time per launch, in seconds, from its groups'
    times (ms; each group `per_group` launches, one sample each: at a random phase every group
    lands somewhere else in the step): their standard deviation over the square root of their
    count, per launch. NaN with fewer than two groups."""
    n = len(group_ms)
    if n < 2:
        return float("nan")
    mean = sum(group_ms) / n
    sd = (sum((t - mean) ** 2 for t in group_ms) / (n - 1)) ** 0.5
    return sd / n ** 0.5 / per_group / 1e3


def plan_duty(target: float, t_unit: float, t_step: float) -> tuple[int, int]:
    """k launches every m steps giving about `target` of the decode step's time alone."""
    per_step = target * t_step / t_unit
    if per_step >= 0.75:
        return max(1, int(round(per_step))), 1
    return 1, max(2, int(round(1.0 / per_step)))


def window_steps(m: int, t_step: float, window_s: float) -> int:
    return min(max(8, 2 * m, int(window_s / t_step)), max(8, 2 * m, int(0.8 / t_step)))


class Grid:
    HEADER = ["section", "corunner", "batch", "context_tokens", "decode_priority", "k", "m", "steps",
              "decode_alone_s", "decode_beside_s", "decode_slowdown", "corunner_alone_s", "corunner_beside_s",
              "corunner_slowdown", "offered_duty", "busy_share", "inside_launches", "cpu_per_step_s", "graph",
              "repeat", "role", "phase", "corunner_sem_s"]

    def __init__(self, out: Path):
        self.path, self.rows = out / "interference_grid.csv", []

    def add(self, section: str, name: str, dec: Decode, prio: str, k: int, m: int, steps: int, t_unit: float,
            r: dict, graph: bool, repeat: int = 0, phase: str = "start") -> None:
        alone = dec.alone[prio]
        key = f"{name}|b{dec.batch}|c{dec.context}|{prio}|k{k}|m{m}"
        self.rows.append([section, name, dec.batch, dec.context, prio, k, m, steps, f"{alone:.7g}",
                          f"{r['decode_beside_s']:.7g}", f"{r['decode_beside_s'] / alone - 1:.5f}", f"{t_unit:.7g}",
                          f"{r['corunner_beside_s']:.7g}", f"{r['corunner_beside_s'] / t_unit - 1:.5f}",
                          f"{k * t_unit / (m * alone):.5f}" if m else "saturated", f"{r['busy_share']:.5f}", r["inside_launches"],
                          f"{r['cpu_per_step_s']:.4g}", int(graph), repeat, role_of(key, section), phase,
                          f"{r['corunner_sem_s']:.4g}"])
        write_csv(self.path, self.HEADER, self.rows)


def eager_batch(unit, k: int):
    def batch():
        for _ in range(k):
            unit()
    return batch


def graph_batch(unit, k: int, stream: torch.cuda.Stream):
    """k launches of `unit` captured once as a CUDA graph on `stream` (one CPU launch per batch,
    so a short co-runner's queue is never limited by Python's launch rate)."""
    g = torch.cuda.CUDAGraph()
    torch.cuda.synchronize()
    with torch.cuda.graph(g, stream=stream, capture_error_mode="relaxed"):
        for _ in range(k):
            unit()
    torch.cuda.synchronize()

    def batch():
        g.replay()
    batch.graph = g
    return batch


def run_config(grid: Grid, section: str, name: str, dec: Decode, prio: str, streams, side, unit, t_unit: float,
               duty: str, window_s: float, use_graph: bool = False, repeat: int = 0, phase=None) -> None:
    """One grid point: `duty` names a target share of the decode step ("low", "mid") or "sat"
    (a co-runner that is always queued, whatever `phase`). Launches are captured as CUDA graphs
    when use_graph; `phase` as in `beside`."""
    t_step = dec.alone[prio]
    if duty == "sat":
        per_group = max(1, int(round(t_step / t_unit)))
        k, m = per_group, 0
    else:
        k, m = plan_duty(DUTY_TARGETS[duty], t_unit, t_step)
        per_group = k
    batch, graph = None, False
    if use_graph and (per_group > 1 or use_graph == "always"):
        try:
            batch, graph = graph_batch(unit, per_group, side), True
        except Exception as exc:  # noqa: BLE001 - fall back to launching from Python
            print(f"graph capture failed for {name}: {exc}", flush=True)
    if batch is None:
        batch = eager_batch(unit, per_group)
    if duty == "sat":
        steps = max(8, int(0.6 * window_s / t_step))
        r = saturated(dec, prio, streams[prio], side, batch, per_group, per_group * t_unit, steps)
    else:
        steps = window_steps(m, t_step, window_s)
        r = beside(dec, prio, streams[prio], side, batch, k, m, steps, phase)
    grid.add(section, name, dec, prio, k, m, steps, t_unit, r, graph, repeat,
             "queued" if duty == "sat" else phase_label(phase))


def phase_label(phase) -> str:
    return "start" if phase is None else phase.label


def guarded(fn, *args, **kwargs) -> None:
    """One point failing (a capture, an out-of-memory) loses that point, not the run."""
    try:
        fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001
        print(f"point failed: {args[1:3]}: {type(exc).__name__}: {exc}", flush=True)
        torch.cuda.synchronize()


def section_point(grid: Grid, section: str, name: str, dec: Decode, prio: str, streams, side, batch, t_unit: float,
                  k: int, window_s: float, graph: bool = False, phase=None) -> None:
    """k launches (``batch``) every decode step (at its start, or `phase`), recorded under ``section``."""
    n = window_steps(1, dec.alone[prio], window_s)
    r = beside(dec, prio, streams[prio], side, batch, k, 1, n, phase)
    grid.add(section, name, dec, prio, k, 1, n, t_unit, r, graph, phase=phase_label(phase))
