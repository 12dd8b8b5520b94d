"""The analytical serving model: continuous batching on one GPU as queues, over arrays of points.

Every field of ``Points`` is an array with one entry per design point; every function here
broadcasts over them (and over a rate per point), so a screen of thousands of candidates is a
few numpy passes. The model, its assumptions and where it must not be trusted are in
docs/modeling.md (Analytical serving model). In short:

- Fetches queue for the data plane as an M/D/1 queue: its service is the analytical period of
  the fetch's chunks (1 / the fetch rate), its latency alone the analytical fetch latency; data-plane
  GPU kernels stretched by decode (interference.py) lengthen both while decode runs.
- The engine serves "held" work first (the one-token prefill after a fetch, the whole prefill for
  recompute, and the fetch itself under a sync control plane): a non-preemptive priority queue,
  M/D/1 among held work, plus the remainder of the decode step under way.
- Decode: the running batch N (time-average, Little: N = rate x decode duration) sets the step
  time; the step is stretched by data-plane kernels, DMA writes and busy host cores at their mean
  rates, and interrupted by held work, so TPOT = step(1 + N) / (1 - held share), solved as a fixed
  point. A request's TPOT varies with the others in its batch (M/D/infinity: the average over its
  own lifetime has variance 2/3 of the mean) and the held work that interrupts it: the arrivals
  during its steps (Poisson), each bringing more while it is served (a branching process). The
  arrivals that interrupt it also join its batch, so half the others are tied to that count;
  and requests reach decode in clumps (one busy period of held work), so the batch a request's
  steps carry exceeds the time-average by 1 / (1 - h)^2 - 1 (clump_excess).
- A request whose KV is ready waits for a batch slot when all are taken: the running batch as a
  birth-death process whose stays lengthen as it fills (slot_wait); an async fetch runs
  meanwhile, so the later of the fetch and the slot counts.
- Percentiles of sums come from fixed quasi-random samples (scrambled Sobol, seed 0) of those
  component distributions, so the model is deterministic and needs no simulation.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import stats
from scipy.special import gammaln

from .stretch import stretch_at, stretch_full

# Below this offered share of the tightest capacity the steady-state queue formulas hold well;
# above it the simulator's finite runs and the model part (docs/modeling.md) and results are flagged.
NEAR_SATURATION = 0.85
SAMPLES = 4096  # quasi-random samples per point for the percentiles (p99 error < 1% of the spread)
LOSS_CAP = 0.97  # decode never loses more than this share of its time (interference.decode_ratio)


@dataclass(frozen=True)
class Points:
    """One entry per design point; times in seconds, sizes in tokens, rates per second."""

    batch: Any  # the batch that fits GPU memory
    output: Any  # output tokens per request
    fetch_s: Any  # analytical fetch latency alone (0: recompute)
    fetch_service_s: Any  # data-plane time per fetch at its bottleneck (1 / fetch rate; 0: recompute)
    fetch_chunks: Any  # chunks per fetch
    prefill_s: Any  # the engine's prefill per request (one token after a fetch; the prompt for recompute)
    sync: Any  # bool: the engine stalls while it fetches
    step_overhead_s: Any  # fixed per decode step
    step_memory_s: Any  # weights read per step
    step_memory_per_seq_s: Any  # one sequence's KV read per step (at the mean context)
    step_compute_per_seq_s: Any  # arithmetic per sequence per step
    loss_one_s: Any  # decode time lost per fetch (sum of sigma x kernel busy) at batch 1
    loss_full_s: Any  # ... at the batch that fits
    dma_loss_s: Any  # decode time lost per fetch to DMA writes into HBM
    gpu_chunk_s: Any  # data-plane GPU kernel time per chunk, alone
    gpu_stretch_s: Any  # added to it per chunk while decode runs; per point a scalar, or a table by
    # running batch 1, 2, ... (analytic.STRETCH_BATCHES; stretch.stretch_at averages it over the batch)
    host_core_s: Any  # host core-seconds per fetch over the host's cores
    host_contention: Any  # engine_contention: step overhead growth per share of host cores busy
    ttft_slo_s: Any
    tpot_slo_s: Any
    fetch_serial: Any = 0.0  # 1: one chunk in flight, so every chunk's GPU stretch delays the next
    # the stretch decode's loss is charged with (as gpu_stretch_s; None: gpu_stretch_s itself): the
    # model's, where a draw of the interference model's error stretches the kernels apart from it
    # (model_error.py: decode loses its factor x the model's loss, whatever the stretch drawn)
    loss_stretch_s: Any = None

    def __post_init__(self) -> None:
        if self.loss_stretch_s is None:
            object.__setattr__(self, "loss_stretch_s", self.gpu_stretch_s)

    @classmethod
    def stack(cls, rows: list["Points"]) -> "Points":
        def column(name: str) -> np.ndarray:
            values = [np.asarray(getattr(r, name), dtype=float) for r in rows]
            width = max(v.size for v in values)
            if width == 1:
                return np.array([v.reshape(()) for v in values])
            return np.array([np.broadcast_to(v.reshape(-1), (width,)) for v in values])  # a scalar: flat
        return cls(**{f.name: column(f.name) for f in fields(cls)})

    def take(self, index: Any) -> "Points":
        return Points(**{f.name: np.asarray(getattr(self, f.name))[index] for f in fields(self)})


@lru_cache(maxsize=4)
def _uniforms(n: int) -> np.ndarray:
    """(7, n) scrambled Sobol points in (0, 1), the same on every call."""
    u = stats.qmc.Sobol(d=7, scramble=True, seed=0).random(n).T
    return np.clip(u, 1e-12, 1 - 1e-12)


def poisson_quantile(u: np.ndarray, mean: Any) -> np.ndarray:
    """The smallest k with P(Poisson(mean) <= k) >= u, elementwise: the CDF summed term by term
    (scipy's ppf is ~100x slower); means above POISSON_NORMAL by the normal approximation with a
    continuity correction (error < 1% of the spread there)."""
    mu = np.broadcast_to(np.asarray(mean, dtype=float), np.broadcast(u, mean).shape)
    uu = np.broadcast_to(u, mu.shape)
    small = mu <= POISSON_NORMAL
    m = np.where(small, mu, 0.0)
    term = np.exp(-m)
    cdf = term.copy()
    k = np.zeros(mu.shape)
    limit = int(POISSON_NORMAL + 12 * np.sqrt(POISSON_NORMAL) + 12)
    for j in range(1, limit):
        below = cdf < uu
        if not below.any():
            break
        k += below
        term = term * m / j
        cdf = cdf + term
    normal = np.maximum(np.ceil(mu + np.sqrt(mu) * stats.norm.ppf(uu) - 0.5), 0.0)
    return np.where(small, k, normal)


POISSON_NORMAL = 50.0


def _col(x: Any) -> np.ndarray:
    return np.asarray(x, dtype=float)[..., None]


@dataclass(frozen=True)
class State:
    """The steady state at one rate per point (arrays over points)."""

    rate: Any
    held_s: Any  # engine time each request holds ahead of decode
    held_share: Any
    running: Any  # time-average running batch
    tpot_s: Any  # mean TPOT
    decode_s: Any  # a request's decode duration
    fetch_s: Any  # fetch latency alone, with decode's stretch of the data-plane kernels
    fetch_service_s: Any
    loss_share: Any  # decode's loss share to interference at this rate (before the cap)
    step_factor: Any
    host_s: Any  # step overhead added by busy host cores
    gpu_capacity: Any  # requests/s the GPU sustains at the batch that fits
    fetch_capacity: Any  # requests/s the data plane sustains beside decode
    utilization: Any  # offered share of the tighter capacity


def step_time(pt: Points, n: Any) -> Any:
    """Decode step of a batch of ``n`` sequences, alone (gpu.decode_step_time)."""
    return pt.step_overhead_s + np.maximum(pt.step_memory_s + n * pt.step_memory_per_seq_s,
                                           n * pt.step_compute_per_seq_s)


def _chunk_period(pt: Points, period0: Any, stretch: Any) -> Any:
    """A chunk's period through the data plane when its GPU kernels stretch by ``stretch``: one chunk
    in flight carries the stretch; pipelined chunks hide it behind the bottleneck."""
    return np.where(np.asarray(pt.fetch_serial) > 0, period0 + stretch, np.maximum(period0, pt.gpu_chunk_s + stretch))


def _service(pt: Points, period: Any) -> Any:
    """Data-plane time per fetch at that chunk period (0 where there is no fetch: recompute)."""
    return np.where(pt.fetch_service_s > 0, period * pt.fetch_chunks, 0.0)


def _loss_per_fetch(pt: Points, n: Any, p_run: Any, stretch_s: Any) -> Any:
    """Decode seconds lost per fetch at running batch ``n``: sigma interpolated from batch 1 to
    the batch that fits, the kernels stretched by decode while it runs (``stretch_s`` per chunk,
    given it runs), plus DMA writes."""
    span = np.maximum(pt.batch - 1.0, 1.0)
    w = np.clip((n - 1.0) / span, 0.0, 1.0)
    stretch = 1.0 + p_run * stretch_s / np.maximum(pt.gpu_chunk_s, 1e-300)
    return (pt.loss_one_s + w * (pt.loss_full_s - pt.loss_one_s)) * stretch + pt.dma_loss_s


def step_factor(loss: Any, active: Any) -> Any:
    """Mean stretch of decode steps when the data plane works on the GPU for a share ``active``
    of the time and costs decode a share ``loss`` of all time, concentrated in the active share
    (decode runs at 1 - loss / active of its pace there, capped, and at full pace elsewhere). A
    request's TPOT is its time over its steps, so the stretch is the inverse of the mean pace,
    1 / (1 - loss): not the time-average of the stretch, (1 - a) + a / (1 - loss / a), which
    this was until this version (Jensen's inequality: on an L40S decoding CacheGen at 40 Gbps it
    put TPOT p50 25% above the simulator's)."""
    a = np.clip(active, 1e-12, 1.0)
    return 1.0 / (1.0 - a * np.minimum(loss / a, LOSS_CAP))


def steady(pt: Points, rate: Any, rounds: int = 4) -> State:
    """Solve the mean state at ``rate`` (per point): running batch, TPOT, held share, stretch."""
    lam = np.asarray(rate, dtype=float)
    O1 = np.maximum(pt.output - 1.0, 0.0)
    host = pt.host_contention * np.minimum(1.0, lam * pt.host_core_s) * pt.step_overhead_s
    running = np.zeros_like(lam + pt.batch)
    for _ in range(rounds):  # the stretch and the loss depend on the batch, the batch on them
        p_run = 1.0 - np.exp(-running)
        period0 = pt.fetch_service_s / np.maximum(pt.fetch_chunks, 1.0)
        per_chunk = stretch_at(pt, running)
        loss_chunk = stretch_at(pt, running, pt.loss_stretch_s)
        stretch = per_chunk * p_run
        period = _chunk_period(pt, period0, stretch)
        fetch_s = pt.fetch_s + stretch + np.maximum(pt.fetch_chunks - 1.0, 0.0) * (period - period0)
        service = _service(pt, period)
        held = pt.prefill_s + np.where(pt.sync, fetch_s, 0.0)
        share = lam * held
        loss = lam * _loss_per_fetch(pt, np.maximum(running, 1.0), p_run, loss_chunk)
        factor = step_factor(loss, np.minimum(1.0, lam * service))
        free = np.maximum(1.0 - share, 1e-9)
        # a request's own steps hold the batch it sees, larger than the time-average (clump_excess)
        extra = clump_excess(share)
        # TPOT = step(min(B, 1 + rate x (O-1) x TPOT + extra)) x factor / free: bisection on TPOT
        lo = (step_time(pt, 1.0) * factor + host) / free
        hi = (step_time(pt, pt.batch) * factor + host) / free
        for _ in range(48):
            mid = 0.5 * (lo + hi)
            n = np.minimum(pt.batch, 1.0 + lam * O1 * mid + extra)
            over = (step_time(pt, n) * factor + host) / free > mid
            lo, hi = np.where(over, mid, lo), np.where(over, hi, mid)
        tpot = hi
        running = np.minimum(pt.batch, lam * O1 * tpot)
    # at capacity the batch is full: its steps carry the interference of a full batch (the data
    # plane's stretch there, which attention's grid can make several times that at the running batch)
    at_full = stretch_full(pt)
    full_loss = lam * _loss_per_fetch(pt, pt.batch, 1.0, stretch_full(pt, pt.loss_stretch_s))
    full_service = _service(pt, _chunk_period(pt, period0, at_full))
    full = step_time(pt, pt.batch) * step_factor(full_loss, np.minimum(1.0, lam * full_service)) + host
    gpu_cap = pt.batch / (O1 * full + pt.batch * held)
    fetch_cap = np.where(service > 0, 1.0 / np.where(service > 0, service, 1.0), np.inf)
    util = lam / np.minimum(gpu_cap, fetch_cap)
    return State(lam, held, share, running, tpot, O1 * tpot, fetch_s, service, loss, factor, host,
                 gpu_cap, fetch_cap, util)


def clump_excess(held_share: Any) -> Any:
    """How many more others a request's steps carry than the time-average batch. Requests reach
    decode in clumps: those prefilled in one busy period of held work (prefills, sync fetches),
    a Borel total B of mean 1 / (1 - h) for held share h; they decode side by side. In M/G/inf
    with clumped (compound Poisson) arrivals the batch a member sees averages the time-average
    plus E[B^2] / E[B] - 1 = 1 / (1 - h)^2 - 1 (0 when held work never queues; h capped at 0.9).
    Checked on a recompute point at h = 0.42 (A100, Llama-2-7B, 3,000 requests): over its stay a
    request's steps carry 4.74 others in the simulator against a time-average batch of 3.19, an
    excess of 1.55; this gives 1.97 (the clumps' members leave a little apart)."""
    h = np.minimum(np.asarray(held_share, dtype=float), 0.9)
    return 1.0 / (1.0 - h) ** 2 - 1.0


def _exp_wait(u: np.ndarray, busy: Any, mean: Any) -> np.ndarray:
    """A wait that is zero with probability 1 - busy, else exponential with mean ``mean``/busy."""
    b = np.clip(_col(busy), 0.0, 1.0)
    cond = _col(mean) / np.maximum(b, 1e-12)
    return np.where(u < b, -cond * np.log1p(-np.minimum(u / np.maximum(b, 1e-300), 1 - 1e-12)), 0.0)


def md1_decay(rho: Any) -> tuple[Any, Any]:
    """(x, C) of the M/D/1 waiting-time tail P(W > t) = C exp(-x t / S): x solves
    rho (e^x - 1) = x (Cramer-Lundberg), C = (1 - rho) / (x + rho - 1). Checked against the exact
    M/D/1 wait (Lindley recursion, 2M customers): p50/p90/p99 within 2% for rho 0.3-0.9."""
    r = np.clip(np.asarray(rho, dtype=float), 1e-9, 1 - 1e-9)
    lo, hi = np.full_like(r, 1e-12), np.full_like(r, 60.0)
    for _ in range(64):
        mid = 0.5 * (lo + hi)
        below = r * np.expm1(mid) - mid < 0
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    x = 0.5 * (lo + hi)
    return x, (1 - r) / np.maximum(x + r - 1, 1e-300)


def md1_wait(u: np.ndarray, rho: Any, service: Any) -> np.ndarray:
    """Samples of the M/D/1 wait (service ``service``, load ``rho``) at quantile levels 1 - u:
    zero with probability 1 - rho, else the Cramer-Lundberg tail min(rho, C e^(-x t / S))."""
    x, c = md1_decay(rho)
    r, x, c, svc = _col(np.clip(rho, 0, 1 - 1e-9)), _col(x), _col(c), _col(service)
    wait = np.log(np.maximum(c, 1e-300) / np.maximum(u, 1e-300)) * svc / x
    return np.where(u < r, np.maximum(wait, 0.0), 0.0)


def slot_wait(pt: Points, s: State) -> tuple[Any, Any]:
    """(probability an arrival waits for a batch slot, mean wait of those that do).

    The running batch as a birth-death process whose stays lengthen with it: with k requests
    running, a stay is S(k) = decode_s x step((k + mean) / 2) / step(mean), mean the running
    batch's mean (over a stay the batch regresses to its mean, halfway on average), so requests
    leave at k / S(k). A full batch is a slow batch: it drains at c / S(c), and an
    arrival that finds it full waits an exponential time of mean S(c) / (c - rate x S(c)) (the
    M/M/c wait at the full batch's pace, scaled from 1 at light load to 1/2 in heavy traffic).
    With S constant the probability is Erlang C's."""
    c = np.asarray(pt.batch, dtype=float)
    lam = np.asarray(s.rate, dtype=float)
    mean = np.maximum(s.running, 1.0)

    def stay(k: Any, p: Points = pt, shape=lambda v: v) -> Any:
        at = shape(mean)
        wall = shape(s.step_factor), shape(s.host_s)
        return shape(s.decode_s) * (step_time(p, 0.5 * (k + at)) * wall[0] + wall[1]) / np.maximum(
            step_time(p, at) * wall[0] + wall[1], 1e-300)
    # x_k = rate x S(k) / k for every k up to the largest batch at once (points x k), then Erlang
    # B's recursion over k, frozen past each point's c
    ks = np.arange(1.0, int(np.max(c)) + 1.0)
    xs = _col(lam) * stay(ks, _expand(pt), _col) / ks
    blocked = np.ones(np.broadcast(c, lam).shape)
    for j, k in enumerate(ks):
        x = xs[:, j].reshape(blocked.shape)
        blocked = np.where(k <= c, x * blocked / (1.0 + x * blocked), blocked)
    full = stay(c)
    r = np.minimum(lam * full / c, 1.0 - 1e-9)
    # stays vary little, so the heavy-traffic wait is half the M/M/c one (Kingman's (1 + cs^2) / 2);
    # a lightly used batch fills only in a burst that then drains at the full batch's slow pace
    # (the simulator's waits there match the M/M/c one): interpolated between the two limits
    return blocked / (1.0 - r + r * blocked), (1.0 - 0.5 * r) * full / (c * (1.0 - r))


def samples(pt: Points, s: State, n: int = SAMPLES) -> tuple[np.ndarray, np.ndarray]:
    """(TTFT, TPOT) samples per point, shape (points, n)."""
    u = _uniforms(n)
    lam = _col(s.rate)
    async_fetch = ~np.asarray(pt.sync, dtype=bool)
    rho_f = np.where(async_fetch, np.minimum(s.rate * s.fetch_service_s, 1 - 1e-9), 0.0)
    rho_h = np.minimum(s.held_share, 1 - 1e-9)
    w_fetch = md1_wait(u[0], rho_f, s.fetch_service_s)  # the data plane's queue
    w_held = md1_wait(u[1], rho_h, s.held_s)  # held work ahead on the engine
    step_wall = step_time(pt, np.maximum(s.running, 1.0)) * s.step_factor + s.host_s
    decoding = (1 - rho_h) * (1 - np.exp(-s.running))
    w_step = np.where(u[2] < _col(decoding), _col(step_wall) * u[3], 0.0)  # the step under way
    # a batch slot: the running batch as a birth-death process whose stays lengthen as it fills
    p_wait, waited = slot_wait(pt, s)
    w_slot = _exp_wait(u[4], p_wait, p_wait * waited)
    # an async fetch runs while the request waits for a batch slot: its KV and a slot are both
    # needed, so the later of the two counts (a sync fetch is the engine's own held work)
    fetched = _col(np.where(pt.sync, 0.0, s.fetch_s)) + w_fetch
    ready = np.where(_col(async_fetch), np.maximum(fetched, w_slot), fetched + w_slot)
    ttft = ready + _col(s.held_s) + w_held + w_step
    # TPOT. Requests reach decode as the departures of the fetch (or held-work) queue: smoother
    # than Poisson when that queue is busy (squared variation 1 - rho^2, Whitt's QNA)
    smooth = np.sqrt(_col((1 - rho_f ** 2) * (1 - rho_h ** 2)))
    # more others lengthen every step, hence every request's stay, hence the others: the
    # spread grows by 1 / (1 - d running / d running) (the fixed point's slope)
    slope = (s.rate * np.maximum(pt.output - 1.0, 0.0) * pt.step_memory_per_seq_s * s.step_factor
             / np.maximum(1.0 - s.held_share, 1e-9))
    gain = _col(1.0 / np.maximum(1.0 - np.minimum(slope, 0.9), 0.1))
    # the others' time-average over a request's stay (M/D/infinity mean): half from those
    # running when it starts, gamma with half the spread (skewed like the Poisson count it
    # averages), half from those that arrive during its stay, which are the held work that
    # interrupts it (counted below; each joins for half its stay on average, and those queued
    # behind its own prefill, its clump, for all of it): the requests with the most
    # interruptions also run in the largest batches
    mean = np.maximum(_col(s.running), 1e-9)
    var = np.maximum((gain * smooth) ** 2 * 2.0 / 3.0 * mean, 1e-12)
    present = stats.gamma.ppf(u[2], 0.5 * mean ** 2 / var, scale=var / mean)
    # arrivals during the stay without interruptions (its steps alone): the held work they bring,
    # and the held work that arrives while that is served, are counted by the branching below
    mean_k = np.maximum(lam * _col(s.decode_s * (1.0 - np.minimum(s.held_share, 0.95))), 1e-12)
    k = np.maximum(mean_k + smooth * (poisson_quantile(u[5], mean_k) - mean_k), 0.0)
    # held work that arrived while the request waited and was prefilled interrupts it first
    # (adding the busy period it starts, 1 / (1 - rho), overstated the TPOT median of recompute
    # with few output tokens 1.8x at the 90th percentile of the validation points, and did not
    # change the SLO-bound rate's errors)
    queued = poisson_quantile(u[1], lam * (_col(s.held_s) + w_held))
    # the data plane works on the GPU for a share of the request's stay that follows its arrivals;
    # while it does, decode loses the same share of its time as on average
    a = np.clip(s.rate * s.fetch_service_s, 1e-12, 1.0)
    active = np.minimum(1.0, _col(a) * k / mean_k)
    factor = step_factor(active * _col(s.loss_share / a), active)
    steps = _col(np.maximum(pt.output - 1.0, 1.0))
    # each interruption lengthens the stay by a held period, in which more held work arrives: the
    # interruptions are a Poisson branching process (Borel-Tanner total from k + queued)
    def interrupted(k: Any) -> tuple[Any, Any]:
        held = borel_tanner_quantile(u[6], k + queued, _col(np.minimum(s.held_share, 0.95)))
        return held, np.minimum(present + 0.5 * (held + queued), _col(pt.batch) - 1.0)
    held, others = interrupted(k)
    # a request in a large batch takes longer steps, during which more arrive (the simulator's
    # slowest 1% of requests at a 42% held share: 16 others and 23 interruptions, against 4.7
    # and 3.7 on average): once more, with its arrivals scaled by its step over the mean step
    # (the same uniforms; the data plane's active share above keeps the first pass's arrivals)
    xp = _expand(pt)
    mean_k = mean_k * step_time(xp, 1.0 + others) / np.maximum(
        step_time(xp, 1.0 + _col(s.running) + _col(clump_excess(s.held_share))), 1e-300)
    held, others = interrupted(np.maximum(mean_k + smooth * (poisson_quantile(u[5], mean_k) - mean_k), 0.0))
    tpot = (step_time(xp, 1.0 + others) * factor + _col(s.host_s)
            + held * _col(s.held_s) / steps)
    return ttft, tpot


def borel_tanner_quantile(u: np.ndarray, start: np.ndarray, mean: Any, most: int = 60) -> np.ndarray:
    """The smallest total t with P(T <= t) >= u, T the total progeny of a Poisson(mean) branching
    process started by ``start`` individuals (Borel-Tanner): P(T = t) = start / t x e^(-mean t)
    (mean t)^(t - start) / (t - start)!, for t >= start. The CDF is summed term by term over the
    samples that have a start, at most ``most`` terms (u is capped at 0.999: the top 0.1% of
    samples does not move a p99, and the far tail near saturation would cost most of the time)."""
    n = np.asarray(start, dtype=float)
    total = n.copy()
    where = np.flatnonzero(n > 0)
    if not where.size:
        return total
    n0 = n.reshape(-1)[where]
    mu = np.maximum(np.broadcast_to(np.asarray(mean, dtype=float), n.shape).reshape(-1)[where], 1e-300)
    uu = np.minimum(np.broadcast_to(u, n.shape).reshape(-1)[where], 0.999)
    cdf = np.zeros_like(n0)
    extra = np.zeros_like(n0)
    live = np.arange(n0.size)  # samples whose CDF is still below their u
    for j in range(most):
        t = n0[live] + j
        cdf[live] += np.exp(np.log(n0[live] / t) - mu[live] * t + j * np.log(mu[live] * t) - gammaln(j + 1.0))
        live = live[cdf[live] < uu[live]]
        if not live.size:
            break
        extra[live] += 1
    flat = total.reshape(-1)
    flat[where] += extra
    return total


def _expand(pt: Points) -> Points:
    rank = np.ndim(pt.batch)  # a per-point table (gpu_stretch_s) is not a column
    return Points(**{f.name: _col(v) if np.ndim(v := getattr(pt, f.name)) <= rank else v for f in fields(pt)})


def metrics(pt: Points, rate: Any, n: int = SAMPLES) -> dict[str, Any]:
    """TTFT and TPOT p50/p99 (and means) at ``rate`` per point, with the steady state."""
    s = steady(pt, rate)
    ttft, tpot = samples(pt, s, n)
    q = np.quantile(ttft, [0.5, 0.99], axis=-1)
    r = np.quantile(tpot, [0.5, 0.99], axis=-1)
    over = s.utilization >= 1.0  # no steady state: the queues grow without bound

    def cut(x: Any) -> Any:
        return np.where(over, np.inf, x)
    return {"ttft_p50_s": cut(q[0]), "ttft_p99_s": cut(q[1]), "tpot_p50_s": cut(r[0]), "tpot_p99_s": cut(r[1]),
            "ttft_mean_s": cut(ttft.mean(-1)), "tpot_mean_s": cut(tpot.mean(-1)), "state": s,
            "overloaded": over, "near_saturation": s.utilization >= NEAR_SATURATION}


def kv_ready(pt: Points, s: State) -> tuple[Any, Any]:
    """(mean, p99) of arrival to KV in GPU memory: the fetch alone plus its M/D/1 wait."""
    async_fetch = ~np.asarray(pt.sync, dtype=bool)
    rho = np.where(async_fetch, np.minimum(s.rate * s.fetch_service_s, 1 - 1e-9), 0.0)
    mean = s.fetch_s + rho * s.fetch_service_s / (2 * (1 - rho))
    p99 = s.fetch_s + md1_wait(np.array([0.01 - 1e-12]), rho, s.fetch_service_s)[..., 0]
    return mean, p99


def unloaded(pt: Points) -> tuple[Any, Any]:
    """(TTFT, TPOT) of a lone request."""
    ttft = pt.fetch_s + pt.prefill_s
    return ttft, step_time(pt, 1.0)


def meets(pt: Points, rate: Any, n: int = 1024) -> Any:
    """Whether p99 TTFT and TPOT meet the SLOs below capacity, per point."""
    s = steady(pt, rate)
    ttft, tpot = samples(pt, s, n)
    ok_t = np.mean(ttft > _col(pt.ttft_slo_s), -1) <= 0.01
    ok_p = np.mean(tpot > _col(pt.tpot_slo_s), -1) <= 0.01
    return ok_t & ok_p & (s.utilization < 1.0)


def max_rate(pt: Points, iterations: int = 30, tolerance: float = 0.005) -> dict[str, Any]:
    """The largest rate meeting the SLOs without overload, per point (bisection under capacity)."""
    s = steady(pt, np.full(np.shape(pt.batch), 1e-9))  # the capacity with no interference: an upper bound
    high = np.minimum(s.gpu_capacity, s.fetch_capacity)
    # Interference lowers the capacity as the rate grows, but the capacity evaluated at a rate past
    # it is not a bound (there the data plane's kernels stretch without limit and the capacity
    # collapses far below the fixed point). `meets` refuses any rate at or past its own capacity,
    # so the bisection starts from the capacity without interference.
    lone = meets(pt, np.full_like(high, 1e-6))
    low = np.zeros_like(high)
    for _ in range(iterations):
        # a point stops when its own bracket is within tolerance: its answer never depends on which
        # other points share the call (nic-price's nominal row once moved with its number of draws)
        active = high - low > tolerance * high
        if not np.any(active):
            break
        mid = 0.5 * (low + high)
        ok = meets(pt, mid)
        low, high = np.where(active & ok, mid, low), np.where(active & ~ok, mid, high)
    rate = np.where(lone, low, 0.0)
    s = steady(pt, np.maximum(rate, 1e-9))
    return {"max_rate_per_s": rate, "capacity_per_s": np.minimum(s.gpu_capacity, s.fetch_capacity),
            "bound": np.where(s.fetch_capacity < s.gpu_capacity, "data plane", "GPU"), "lone_meets": lone}
