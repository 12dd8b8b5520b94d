"""GPU interference from what the co-running kernels demand (docs/serving.md, Interference).

A decode step is a sequence of kernels: weight GEMVs that each take a whole SM (their blocks use
nearly every register and most of the shared memory), attention, and short elementwise kernels.
A data-plane kernel (a co-runner) holds SMs with its blocks. First-order rules, from how NVIDIA
GPUs dispatch blocks (no preemption of running blocks; stream priority acts only when blocks are
dispatched; the hardware places blocks breadth-first over the SMs):

- Decode loses time while a co-runner runs, a *blocking share* sigma of the co-runner's time:
  - coverage: the co-runner's blocks touch s = min(1, blocks / SMs) of the SMs and hold a share o
    of each one's block slots; blocking scales with s x o^a (``occupancy_exponent``);
  - equal priority: kernels are dispatched in order of launch, so a decode kernel waits behind a
    co-runner kernel for all but the last of its waves, and in the last wave for the blocks it
    cannot sit beside; the share lost is T / (T + c x t_d), T the co-runner kernel's duration and
    t_d the mean decode kernel's (``dispatch_grain`` c): short co-runner kernels interleave
    with decode's, long ones serialize with it;
  - high priority: decode waits only for resident co-runner blocks it cannot sit beside, each for
    its lifetime tau (the kernel's duration over its waves): tau / (tau + c x t_d);
  - where decode is not blocked it shares HBM: a further ``hbm_sharing`` x u of the rest, u the
    co-runner's share of HBM bandwidth.
  With co-runners busy for shares b_k of the step, decode takes 1 / (1 - sum sigma_k b_k) as long.
- Copy-engine and DMA writes into HBM slow decode by ``dma_factor`` x their bandwidth share.
- The co-runner grows too (``slowdown``: its time beside decode over alone, minus one), the sum of:
  - a dispatch wait per launch for the decode kernels it cannot sit beside (a share x of decode's
    time): ``dispatch_wait`` x x x t_d / (T + t_d) (short launches wait about a decode kernel), decode's weight
    share in x counted only where the GEMMs' first rounds leave no room, and a streaming launch's run in that room
    at the loaded latency (first_round.py);
  - at high decode priority, decode's kernels take its wave boundaries: ``wave_yield_high`` x k
    x (1 - 1/waves) x (1 + ``cut_in_gain`` x ``cut_in_time`` / (tau + ``cut_in_time``)) x m x r,
    tau its block lifetime, r = 1 - blocking, the share of its time decode runs beside it: blocks
    of a few microseconds hand their slots to decode's pending kernels as fast as they retire, so
    such a kernel loses more (torch.cat's, the dequantization's; h200/drain_random/). Decode's
    blocks are dispatched first, so k is the co-runner's view (kept.py): the share of decode's time
    weighted by the throughput it loses beside each kind's resident blocks (all of it beside a GEMV,
    none beside attention for a kernel whose fewer blocks still saturate the issue slots); and m =
    compute-boundness + memory-boundness x ``wave_memory``: a kernel bound by HBM bandwidth streams
    from the SMs it keeps (h200/probe_phase_*/); at high priority the dispatch wait uses k too;
  - HBM: ``hbm_loss`` x memory-boundness (its HBM share per SM held) x latency exposure (1 - its
    resident threads per SM over the maximum) x e, e the share of its time decode streams beside it:
    r, but at equal priority at most 1 - x (1 - 1/waves) (decode's kernels that cannot sit beside its
    blocks are dispatched after all of them: beside later waves only the others run; probe_points2);
  - packing: a one-wave launch that holds fewer blocks per SM than it could (its limit L) lands,
    most of the time, while decode's kernels hold SMs: its blocks go to the few SMs free, or to the
    first ones decode's kernels free, up to min(L, its share alone + ``pack_blocks``, blocks / free
    SMs) on one SM (free: 1 - ``decode_kernels.weights_sm_share`` of the SMs; beside the weight GEMMs,
    where their grids are measured, each GEMM's first round's free SMs, as the first round's room reads
    them, a GEMM leaving none keeping that count: packing.gemm_pack_slowdown, the packed room), and the
    launch lasts as long as its most-packed SM, whose blocks' issue rate falls once it holds more than
    ``issue_warps`` warps:
    ``crowding`` x (share of decode time in kernels beside which fewer than L of its blocks fit) x
    (issue slowdown - 1) x compute-boundness x r (validation/traces/h200/placement/: the launch's
    time follows its most-packed SM's, 68-98% of 132-block launches pack); none for a kernel that
    streams memory with no measured issue share (its packed blocks overlap their loads);
  - loaded latency, for a kernel whose blocks wait on memory (an access width, no measured issue
    share): ``latency_loss`` x latency-boundness x compute-boundness x (``latency_beside_decode`` -
    1) x (1 - ``latency_relief`` x s x (1 - o^a)) x e. Decode streams HBM through most of its step,
    and each load queues behind its traffic: a dependent load takes 2.23x its idle latency beside
    decode (h200/loaded_latency/, measured). Latency-boundness: the share of a block's life alone its
    loads take one after another at ``idle_latency``, at most 1 (``latency_boundness``). The relief:
    decode's weight GEMVs cannot start on an SM holding any of its blocks (h200/residency/), which
    the blocking counts only by the share of slots the blocks hold (o^a); on the SMs it leaves out,
    s x (1 - o^a), the GEMVs stream less and the loads queue behind less;
  - narrow accesses at high priority, with narrowness n = log2(16 / access bytes) / log2(16 / 2):
    ``narrow_high`` x n x (1 - 1/waves) x r (the loss comes with decode's cut-ins at its wave
    boundaries: a one-wave launch has none);
  - narrow accesses beside attention: ``narrow_attention`` x n x (the GPU's excess load latency
    beside attention over the fitting GPU's, ``attention_latency_scale``) x (share of decode time in
    attention, for a co-runner whose resident blocks leave room for attention's) x (the share of
    an attention kernel's time its blocks live within it: a_s / (a_s + tau)) x r, in place of the
    loaded latency there. Attention streams the KV cache beside the co-runner's blocks, and a
    block that lives inside one attention kernel waits on that traffic (h200/timeline/: a 2-byte
    copy's blocks 3.9x slower beside 32 x 8k decode, not beside 8 x 4k; the chase beside
    attention's kernels alone, 1.1-4.5x by its grid); one that outlives it sees the step's loaded
    latency (h200/placement_copy/: long-lived 2-byte copies lose no more beside 32 x 8k than
    beside 1 x 1k);
  - L2 residency, for a launch whose footprint (the bytes it touches, the same every launch) fits in
    the GPU's L2: alone its launches find their data there, beside decode the weights decode streams
    through L2 have evicted it: ``l2_loss`` x its HBM share alone x the share of the footprint L2 holds
    alone (whole up to ``l2_resident_share`` of the capacity, none from all of it, linear between) x e
    (h200/short_sweep_random/: one-wave copies of 8-34 MB under-predicted by 12-38%, those of 67 MB and
    more not; h200/l2_boundary_random/: a third of the loss at 48 MiB, a fifth at 56);
  - a wait per launch for its turn at dispatch, whatever the launch's length: for launches issued
    one by one through a stream ``launch_turns`` of decode's weight GEMMs, each their mean duration
    on this GPU (blocks are dispatched in launch order, so a burst's launches and decode's kernels
    alternate, each launch waiting out a kernel: h100/residual_wait3/; a GPU whose GEMMs run longer
    makes it wait longer), ``graph_wait`` for launches replayed from a CUDA graph, over its waves
    (a many-wave launch keeps its blocks running while decode's kernel cuts in) and its duration:
    short one-wave launches lose most (h200/short_random/). Past ``turn_gemms_to`` the GEMM length it
    counts grows as the length to the power ``turn_growth``, and a launch landing in a GEMM crawls on
    a share ``crawl_share`` of the SMs until the GEMM ends, ``crawl_free_pace`` on those its measured
    grids leave free (long_gemm.py; h100/regime_ladder_*/, dataplane_crawlgrid_*/). Beside measured grids a
    stream launch's turn is scaled by its rounds on the SMs a GEMM leaves free (``turn_free_pace``: it loses
    min(R, a_g), not the GEMM left R; gemm_grids.turn_rounds; h100/residual_wait_rounds/, short_rounds_*/), a
    persistent GEMM's rounds in launch order (its last, partial round frees SMs: the turn ends at the round whose
    free SMs hold the launch). Past ``turn_gemms_to`` a graph-replayed launch waits ``graph_turn_share`` of that turn
    too, ramped in with log GEMM length to ``graph_turn_gemms`` (docs/serving.md, The graph turn).
  - a spill, for a one-wave launch needing more than one block per SM where decode's resident
    blocks of a kind (attention's too where it leaves an SM one block, if some SM holds two) leave
    room for some but not all: the rest wait for slots, every launch, ``wave_spill`` x (share of
    decode time in such kernels) x latency exposure x compute-boundness x the share it does not make
    up (blocks that saturate their SM's issue slots, by the kernel's measured ``issue_share``, run
    faster beside fewer of their own; h200/decoder_timeline/, twin_timeline/, h200_grid_points*);
  - grid waits: while attention's blocks wait for slots the co-runner waits behind them, by attention's
    whole share x its load (blocks over the SMs' attention slots; none where no SM holds two: no block
    waits): at equal priority ``grid_wait_equal`` once per launch, over its duration, at high
    ``grid_wait_high`` x cut_in_time / (tau + cut_in_time) (short-lived blocks hand their slots to
    attention's as they retire; h200_dataplane_points*: the miss grew with the load).
  Every other co-runner term sees decode's attention only for the share of attention's time its blocks
  fill SMs whole (``DecodeProfile.beside``; attention.py: its grid follows the batch and context),
  the rest as time beside no decode kernel (one attention block leaves half an SM; dataplane_points4).
  Where no SM holds two, launches average over the phases harmonically, and in attention's phase a
  compute-bound launch's blocks keep only the issue slots attention's block leaves (phases.py).
  Fitted on the H200's synthetic co-runners (form by 5-fold cross-validation); each later term fitted
  on its own declared set with the others held, every calibration iterated to a fixed point, forms
  checked on sealed sets measured after the fit (docs/serving.md, a section each). Three assumptions
  span what no term carries: ``multiwave_stretch`` beside multi-wave attention grids, ``fill_stretch``
  beside one-wave grids that fill SMs whole (the decoder's own loss there), ``many_wave_stretch`` for
  many-wave launches beside GEMMs longer than ``turn_gemms_to`` (what the crawl leaves); all 1.

What it leaves out: how tightly a launch packs from one landing to the next (a mean), where a launch
landing inside a GEMM that holds every SM stacks its blocks once the GEMM's CTAs retire (the packed room
keeps the one count there), the GEMVs' grids by batch beyond the crawl, the turn and the packing (measured
per model and batch, gemm_grids.py; the blocking counts every GEMM as holding its SMs), that a stream
launch queued behind its predecessor waits no turn (h100/short_rounds_*/: long launches from Python as
their graph twins), that beside GEMMs past
``turn_gemms_to`` a graph launch loses much of what the turn gives a stream launch (h100/stream_graph_*/:
its time 22-47% under), the elementwise kernels'
grids, decode's side of attention's grid, SM placement beyond that (clusters, GPC/TPC), partial overlap
of a kernel's last wave (a persistent GEMM's last round of tiles too: docs/serving.md, The tile tail), L2 contention, clocks, kernel order within a step, preemption (none for compute
kernels), any effect of the access width on decode's side (none beyond its HBM share), and a host slower
than the GPU at issuing launches.

All functions take the flat parameter table (dotted spec paths, SI units).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from . import first_round, lifetime
from .access import attention_latency_scale, latency_boundness, narrowness
from .issue import attention_issue_demand, unrecovered
from .kept import lost_beside, sm_sensitivity
from .l2 import l2_hit, l2_term
from .gemm_grids import turn_rounds
from .long_gemm import crawl_growth, graph_turn_part, turn_gemm
from .occupancy import Shape, blocks_beside, blocks_per_sm, fits_beside, warps
from .packing import gemm_pack_slowdown, pack_slowdown, packing
from .phases import across_phases, attention_phase, issue_loss
from .profile import DECODE_KINDS, DecodeProfile, decode_profile, decode_shapes, step_profile

# the model's names; the decode step's side (profile.py) is re-exported: callers reach it here
__all__ = ["CoRunner", "Coupling", "DECODE_KINDS", "DecodeProfile", "attention_latency_scale", "blocking",
           "corunner_slowdown", "couple", "decode_profile", "decode_ratio", "decode_residency", "decode_shapes",
           "dma_sigma", "exclusive_share", "l2_hit", "latency_boundness", "narrowness", "pack_slowdown",
           "resident_threads", "sigma", "spilling_kinds", "step_profile"]

Params = dict[str, Any]


@dataclass(frozen=True)
class CoRunner:
    """One launch of a co-running kernel: its block shape, blocks, duration alone and HBM share."""

    shape: Shape
    blocks: float
    duration_s: float
    hbm_share: float  # of the GPU's peak HBM bandwidth, alone
    access_bytes: float | None = None  # bytes per thread per load/store, for kernels that stream memory
    graph_share: float = 0.0  # share of its launches replayed from a CUDA graph (the rest: one by one)
    issue_share: float | None = None  # issue per resident warp over the integer-ALU body's (None: unmeasured)
    footprint_bytes: float | None = None  # bytes one launch touches, the same every launch (None: not given)


def decode_residency(p: Params) -> dict[str, int]:
    """Blocks of each decode kernel kind on an SM that holds any."""
    return {k: math.ceil(float(p[f"gpu.decode_kernels.{k}.blocks_per_sm"])) for k in DECODE_KINDS}


def spilling_kinds(p: Params, c: CoRunner, shapes: dict[str, Shape]) -> tuple[str, ...]:
    """The decode kernels whose resident blocks leave room for some, but not all, of the blocks a
    one-wave co-runner needs per SM, and ``none`` (attention's time with its SMs part full,
    ``DecodeProfile.beside``: one block, where a full SM holds more) where one attention block
    does so too; none for co-runners of one block per SM or of many waves."""
    sms = float(p["gpu.sms"])
    limit = blocks_per_sm(p, c.shape)
    need = min(limit, math.ceil(c.blocks / sms))
    if need <= 1 or c.blocks > sms * limit:
        return ()
    resident = decode_residency(p)
    kinds = tuple(kind for kind, shape in shapes.items()
                  if 1 <= blocks_beside(p, c.shape, shape, resident[kind], need) < need)
    partial = ("attention" in shapes and blocks_per_sm(p, shapes["attention"]) > 1
               and 1 <= blocks_beside(p, c.shape, shapes["attention"], 1, need) < need)
    return kinds + (("none",) if partial else ())


def _geometry(p: Params, c: CoRunner) -> tuple[float, float, int, float, float]:
    """(SMs touched, share of block slots held, waves, blocks resident per SM, block lifetime)."""
    sms = float(p["gpu.sms"])
    limit = blocks_per_sm(p, c.shape)
    per_sm = min(limit, c.blocks / sms)
    waves = max(1, math.ceil(c.blocks / (sms * limit)))
    return min(1.0, c.blocks / sms), min(1.0, max(per_sm, 1.0) / limit), waves, per_sm, c.duration_s / waves


def resident_threads(p: Params, c: CoRunner) -> float:
    """The co-runner's threads resident on one of the SMs it holds."""
    _, _, _, per_sm, _ = _geometry(p, c)
    return max(per_sm, 1.0) * c.shape[0]


def exclusive_share(p: Params, profile: DecodeProfile, c: CoRunner, resident: float) -> float:
    """Share of decode's kernel time in kernels that cannot sit beside the co-runner's resident
    blocks (interpolated between whole numbers of resident blocks)."""
    low, high, frac = _exclusive_kinds(p, profile.shapes, c, resident)
    return _share(profile, low) * (1 - frac) + _share(profile, high) * frac


def _exclusive_kinds(p: Params, shapes: dict[str, Shape], c: CoRunner,
                     resident: float) -> tuple[tuple[str, ...], tuple[str, ...], float]:
    """The decode kernels that cannot sit beside the whole numbers of resident blocks around
    ``resident``, and the interpolation weight of the higher one."""
    def at(n: int) -> tuple[str, ...]:
        return tuple(kind for kind, shape in shapes.items() if not fits_beside(p, shape, c.shape, n))
    frac = resident - int(resident) if resident > 1 else 1.0
    return at(max(1, int(resident))), at(max(1, math.ceil(resident))), frac


def _share(profile: DecodeProfile, kinds: tuple[str, ...]) -> float:
    return sum(share for kind, share in profile.shares.items() if kind in kinds)


@dataclass(frozen=True)
class Coupling:
    """What a co-runner does to decode, and decode to it, apart from the step: its geometry on
    the SMs and which decode kernels cannot sit beside it. Built once per co-runner
    (``couple``); the serving engine evaluates it at every decode step."""

    priority: str
    cover: float  # s x o^a
    waves: int
    duration_s: float
    tau: float  # block lifetime
    low: tuple[str, ...]  # decode kernels that cannot sit beside the resident blocks (rounded down)
    high: tuple[str, ...]  # ... (rounded up)
    frac: float
    grain: float  # dispatch_grain
    hbm_sharing: float
    hbm_share: float  # the co-runner's share of HBM bandwidth
    dispatch_wait: float
    wave_yield: float  # wave_yield_high at high priority, else 0
    memory: float  # hbm_loss x memory-boundness^m x latency exposure x HBM headroom^h
    packed: float  # crowding x (issue slowdown of its most-packed SM - 1) x compute-boundness (0: it cannot pack)
    narrow: float  # narrow_high x narrowness x (1 - 1/waves) at high priority (0 at equal)
    spilling: tuple[str, ...] = ()  # decode kernels that leave room for only part of a launch
    spill: float = 0.0  # wave_spill x latency exposure x compute-boundness, per launch
    launch: float = 0.0  # seconds a launch waits for its turn from a graph (graph_wait; launch_wait where pinned)
    cut_in: float = 1.0  # 1 + cut_in_gain x cut_in_time / (tau + cut_in_time): short-lived blocks lose more
    packing: tuple[str, ...] = ()  # decode kernels beside which fewer of its blocks fit than on a free SM
    narrow_attention: float = 0.0  # narrow_attention x narrowness (0 if attention cannot sit beside it)
    multiwave: float = 1.0  # multiwave_stretch: its time beside a multi-wave attention grid, over the terms'
    fill: float = 1.0  # fill_stretch: the same beside a one-wave grid that fills some SMs whole
    grid: float = 0.0  # its growth per unit of attention's share x load (grid_wait_equal or _high)
    issue: float = 0.0  # its blocks' issue demand on an SM they hold (at most 1: all its slots)
    compute: float = 0.0  # compute-boundness, 1 - memory-boundness
    sms: float = 0.0  # SMs its blocks touch
    latency: float = 0.0  # latency_loss x latency-boundness x compute-boundness x (latency_beside_decode - 1) x relief
    lost: tuple[tuple[str, float], ...] = ()  # at high priority: its throughput lost beside each decode kind (kept.py)
    sensitivity: float = 1.0  # share of SM time lost that costs it (kept.sm_sensitivity)
    l2: float = 0.0  # l2_loss x its HBM share alone x the share of its footprint L2 holds alone (l2_hit)
    turns: float = 0.0  # launch_turns x turn_share x its share of stream launches (0 where launch_wait is pinned)
    wait_charge: float = 1.0  # the share of its turn wait decode's loss is charged on (wait_charge)
    long_gemm: float = 1.0  # many_wave_stretch for a launch of many waves (1 for one wave)
    gemm_to: float = math.inf  # turn_gemms_to: decode's mean GEMM past which long_gemm applies
    gemm_top: float = math.inf  # many_wave_gemms: the GEMM length at which long_gemm applies whole
    crawl: float = 0.0  # crawl_share: the SMs' share it progresses on inside a long GEMM (0: no crawl)
    crawl_gain: float = 1.0  # crawl_high for a launch of many waves at high priority, else 1
    turn_growth: float = 1.0  # the turn wait's GEMM length past gemm_to grows as the length to this power
    crawl_free: float = 0.0  # crawl_free_pace: its pace inside a long GEMM on the SMs the GEMM leaves free
    blocks: float = 0.0  # its blocks a launch, and on an SM alone (at least 1): the turn rounds' (gemm_grids)
    per_sm: float = 1.0
    turn_free: float = 0.0  # turn_free_pace: its pace while it waits its turn on the SMs a GEMM leaves free
    graph_turns: float = 0.0  # launch_turns x turn_share x graph_turn_share x its share of graph launches
    graph_turn_gemms: float = math.inf  # graph_turn_gemms: the GEMM length from which graph_turns apply whole
    limit: float = 1.0  # its blocks per SM at its limit (the first round's room: what a free SM holds)
    pack_blocks: float = 0.0  # pack_blocks: how many more than its share alone a free SM takes (packing.py)
    free_latency: float = 0.0  # latency_beside_decode - 1 for a launch streaming memory with an issue share, else 0
    pack_scale: float = 0.0  # crowding x compute-boundness: ``packed`` over its issue slowdown - 1 (``pack_full``)
    pack_full: float = 0.0  # that slowdown - 1 at weights_sm_share's free SMs (beside a GEMM leaving none free)
    block_warps: float = 0.0  # its warps a block, and the warps an SM issues for at full rate (issue_warps)
    issue_warps: float = 1.0

    def exclusive(self, profile: DecodeProfile) -> float:
        """Share of decode's kernel time in kernels that cannot sit beside the co-runner."""
        return _share(profile, self.low) * (1 - self.frac) + _share(profile, self.high) * self.frac

    def unheld(self, profile: DecodeProfile) -> float:
        """U, the share of its blocks the first rounds' free SMs cannot hold (first_round.py; 1 unmeasured)."""
        return first_round.unheld(profile, self.blocks, self.limit, self.pack_blocks)

    def packed_beside(self, profile: DecodeProfile) -> float:
        """Its packing growth over its run beside decode: ``packed`` by the share of decode's time in the kinds it
        packs beside, the weight GEMMs' part read per GEMM at its first round's free SMs where their grids are
        measured (the packed room: packing.gemm_pack_slowdown)."""
        if "weights" not in self.packing or profile.grids is None or "weights" not in profile.shares:
            return self.packed * _share(profile, self.packing)
        slow = gemm_pack_slowdown(profile.grids, profile.sms, self.blocks, self.limit, self.pack_blocks,
                                  self.block_warps, self.issue_warps, self.pack_full)
        others = tuple(kind for kind in self.packing if kind != "weights")
        return self.packed * _share(profile, others) + self.pack_scale * slow * profile.shares["weights"]

    def kept_exclusive(self, profile: DecodeProfile, x: float) -> float:
        """The co-runner's view of ``x`` where decode's blocks are dispatched first (``lost``):
        decode's time weighted by the throughput it loses beside each kind; ``x`` otherwise."""
        if not self.lost:
            return x
        return sum(profile.shares.get(kind, 0.0) * lost for kind, lost in self.lost)

    def turn_wait(self, profile: DecodeProfile) -> float:
        """Seconds a launch waits at its turn: ``launch`` (launch_wait, graph_wait), and ``turns`` of
        decode's weight GEMMs, each their mean duration (the kernels decode's stream alternates with), less
        what its rounds on the SMs the GEMMs leave free make up (gemm_grids.turn_rounds; none unmeasured).
        Past turn_gemms_to a launch replayed from a graph waits ``graph_turns`` too, ramped in with the GEMMs'
        log length up to graph_turn_gemms (long_gemm.graph_turn_part)."""
        length = turn_gemm(profile.gemm, self.gemm_to, self.turn_growth)
        turns = self.turns
        if self.graph_turns > 0:
            turns += self.graph_turns * graph_turn_part(profile.gemm, self.gemm_to, self.graph_turn_gemms)
        if self.turn_free <= 0 or profile.grids is None or turns <= 0:
            return self.launch + turns * length
        return self.launch + turns * length * turn_rounds(profile.grids, profile.sms, self.blocks, self.per_sm,
                                                          self.tau, length, self.turn_free)

    def charged(self, profile: DecodeProfile, slowdown: float | None = None) -> float:
        """The share of its time beside decode that decode's loss is charged on: all of it but the
        uncharged part (1 - wait_charge) of its turn wait, which is never more than its growth (its time
        alone is always charged; ``slowdown``: its growth, if known)."""
        if self.wait_charge >= 1.0:
            return 1.0
        growth = self.slowdown(profile) if slowdown is None else slowdown
        wait = min(self.turn_wait(profile) / self.waves / self.duration_s, max(growth, 0.0))
        return 1.0 - (1.0 - self.wait_charge) * wait / (1.0 + growth)

    def blocking(self, profile: DecodeProfile, x: float | None = None) -> float:
        """Share of the co-runner's time decode cannot run (``x``: the exclusive share, if known)."""
        x = self.exclusive(profile) if x is None else x
        grain = self.grain * profile.kernel_s
        if self.priority == "high":
            return self.cover * x * self.tau / (self.tau + grain)
        return self.cover * ((self.waves - 1) + x) / self.waves * self.duration_s / (self.duration_s + grain)

    def sigma(self, profile: DecodeProfile) -> float:
        blk = self.blocking(profile)
        return blk + (1 - blk) * self.hbm_sharing * self.hbm_share

    def slowdown(self, profile: DecodeProfile) -> float:
        """Relative growth of the co-runner's time beside decode (its time over alone, minus one), with
        the crawl inside GEMMs longer than those checked (long_gemm.py; none up to gemm_to), scaled by
        multiwave_stretch where attention's grid runs more than one wave, by fill_stretch where it runs
        one that fills some SMs whole (none without a grid in the spec), and for a
        launch of many waves by many_wave_stretch where decode's GEMMs run past those it was checked
        beside (whole from many_wave_gemms on, in proportion to log GEMM length before). Where no SM
        holds a second attention block, averaged over attention's phase and the rest (phases.py): a
        queue of short launches completes more of them where each is quick."""
        share = profile.crawl_share(self.crawl, self.crawl_free)  # more where the GEMMs leave SMs free
        growth = self._grown(profile) + crawl_growth(profile.gemm, self.gemm_to, self.duration_s, share,
                                                     profile.shares.get("weights", 0.0), self.crawl_gain)
        if self.long_gemm == 1.0 or profile.gemm <= self.gemm_to:
            return growth
        # whole from gemm_top on; between, in proportion to log GEMM length (as measured: 1.3-1.9x at 144 us)
        part = min(1.0, math.log(profile.gemm / self.gemm_to) / math.log(self.gemm_top / self.gemm_to))
        return (1.0 + growth) * (1.0 + (self.long_gemm - 1.0) * part) - 1.0

    def _grown(self, profile: DecodeProfile) -> float:
        growth = self._growth(profile.beside)
        if profile.attention_load > 0 and profile.attention_residency <= 0:  # one block per SM: none waits
            b = profile.beside
            growth -= (self.spill * _share(b, ("none",) if "none" in self.spilling else ())
                       + self.grid * _share(b, ("attention", "none")) * profile.attention_load)
            launch, run, held = self.turn_wait(b) / self.waves / self.duration_s, 1.0 - self.blocking(b), profile.attention_sms
            slow = issue_loss(self.issue, self.compute, profile.attention_issue, held, self.waves == 1, self.sms)
            loads = self.streamed(run, self.exclusive(b)) * (self.memory + self.latency + self.l2)
            growth = across_phases(growth, _share(b, ("none",)), launch + loads + run * self.narrow,
                                   attention_phase(launch, loads, run * self.narrow, held, slow),
                                   profile.attention_s, self.duration_s)
        if profile.attention_waves > 1:
            return (1.0 + growth) * self.multiwave - 1.0
        if profile.attention_load > 0 and profile.attention_residency > 0:
            return (1.0 + growth) * self.fill - 1.0
        return growth

    def _growth(self, profile: DecodeProfile) -> float:
        x = self.exclusive(profile)
        run = 1.0 - self.blocking(profile, x)
        streamed = self.streamed(run, x)
        k = self.kept_exclusive(profile, x)  # what it waits for: decode's view, or its own at high priority
        k_wait, free_run = first_round.room(self, profile, k)  # its wave-boundary losses keep the whole share
        wait = self.dispatch_wait * k_wait * profile.kernel_s / (self.duration_s + profile.kernel_s)
        waves = self.wave_yield * k * (1 - 1 / self.waves) * self.cut_in * self.sensitivity
        # a block that lives within one attention kernel waits on attention's own traffic, which is
        # narrow_attention's (fitted there); one that outlives it sees the step's loaded latency
        within = profile.attention_s / (profile.attention_s + self.tau) if profile.attention_s > 0 else 1.0
        attention = _share(profile, ("attention",)) * within
        latency = self.latency * (1.0 - attention if self.narrow_attention > 0 else 1.0)
        beside = self.packed_beside(profile) + self.narrow + self.narrow_attention * attention
        # attention's whole share (room or not): its blocks wait for slots whichever SMs they find
        grid = self.grid * _share(profile, ("attention", "none")) * profile.attention_load
        return (grid + wait + run * (waves + beside) + streamed * (self.memory + latency + self.l2)
                + self.spill * _share(profile, self.spilling) + self.turn_wait(profile) / self.waves / self.duration_s
                + free_run)

    def streamed(self, run: float, x: float) -> float:
        """Share of its time decode streams HBM beside its blocks: ``run`` (1 - blocking), but at
        equal priority a decode kernel that cannot sit beside its blocks is dispatched after all of
        them in launch order, so beside a launch of many waves only the kernels that can sit beside
        them run, and the rest only in its last wave: at most 1 - x (1 - 1/waves)."""
        if self.priority == "high":
            return run
        return min(run, 1.0 - x * (1.0 - 1.0 / self.waves))


def _packing(p: Params, c: CoRunner, shapes: dict[str, Shape]) -> tuple[tuple[str, ...], float]:
    """packing.packing with decode's residency (a name the screens replace: grid_packing_screen.py)."""
    return packing(p, c, shapes, decode_residency(p))


def couple(p: Params, c: CoRunner, priority: str, shapes: dict[str, Shape]) -> Coupling:
    """The step-independent part of the co-runner ``c`` beside decode kernels of ``shapes``."""
    s, o, waves, resident, tau = _geometry(p, c)
    low, high, frac = _exclusive_kinds(p, shapes, c, resident)
    memory_bound = min(1.0, c.hbm_share / max(s, 1e-9))
    # few warps per SM hide little memory latency: they lose most when decode loads HBM
    latency_bound = 1.0 - min(1.0, resident_threads(p, c) / float(p["gpu.sm_limits.max_threads"]))
    q = "gpu.interference."
    packs, slow = _packing(p, c, shapes)
    pinned = p.get(q + "launch_wait")  # a fixed wait, where a run before launch_turns is reproduced
    stream_wait, turns = (float(pinned), 0.0) if pinned is not None else (0.0, float(p[q + "launch_turns"]))
    return Coupling(priority, s * o ** float(p[q + "occupancy_exponent"]), waves, c.duration_s, tau,
                    low, high, frac, float(p[q + "dispatch_grain"]), float(p[q + "hbm_sharing"]), c.hbm_share,
                    float(p[q + "dispatch_wait"]), float(p[q + "wave_yield_high"]) if priority == "high" else 0.0,
                    float(p[q + "hbm_loss"]) * memory_bound ** float(p[q + "memory_exponent"]) * latency_bound
                    * (1.0 - min(1.0, c.hbm_share)) ** float(p[q + "headroom_exponent"]),
                    float(p[q + "crowding"]) * slow * (1 - memory_bound),
                    (float(p[q + "narrow_high"]) * (1 - 1 / waves) if priority == "high" else 0.0)
                    * narrowness(c),
                    spilling_kinds(p, c, shapes), float(p[q + "wave_spill"]) * latency_bound * (1 - memory_bound)
                    * unrecovered(p, c, resident),
                    (1 - c.graph_share) * stream_wait + c.graph_share * float(p[q + "graph_wait"]),
                    lifetime.cut_in(p, tau), packs,
                    0.0 if "attention" in low else float(p[q + "narrow_attention"]) * narrowness(c)
                    * attention_latency_scale(p),
                    float(p[q + "multiwave_stretch"]), float(p[q + "fill_stretch"]),
                    lifetime.grid_wait(p, c, priority, tau), attention_issue_demand(p, c, resident), 1.0 - memory_bound,
                    s * float(p["gpu.sms"]),
                    float(p[q + "latency_loss"]) * latency_boundness(p, c, tau) * (1.0 - memory_bound)
                    * (float(p[q + "latency_beside_decode"]) - 1.0)
                    * (1.0 - float(p[q + "latency_relief"]) * (s - s * o ** float(p[q + "occupancy_exponent"]))),
                    lost_beside(p, c, shapes, decode_residency(p), resident, waves) if priority == "high" else (),
                    sm_sensitivity(1.0 - memory_bound, float(p[q + "wave_memory"])) if priority == "high" else 1.0,
                    l2_term(p, c), (1 - c.graph_share) * turns * float(p[q + "turn_share"]),
                    float(p[q + "wait_charge"]), float(p[q + "many_wave_stretch"]) if waves > 1 else 1.0,
                    float(p[q + "turn_gemms_to"]), float(p[q + "many_wave_gemms"]), float(p[q + "crawl_share"]),
                    float(p[q + "crawl_high"]) if priority == "high" and waves > 1 else 1.0,
                    float(p[q + "turn_growth"]), float(p[q + "crawl_free_pace"]), c.blocks, max(1.0, resident),
                    float(p[q + "turn_free_pace"]),
                    c.graph_share * turns * float(p[q + "turn_share"]) * float(p[q + "graph_turn_share"]),
                    float(p[q + "graph_turn_gemms"]), float(blocks_per_sm(p, c.shape)), float(p[q + "pack_blocks"]),
                    first_round.free_latency(p, c), float(p[q + "crowding"]) * (1 - memory_bound), slow,
                    float(warps(c.shape[0])), float(p[q + "issue_warps"]))


def blocking(p: Params, profile: DecodeProfile, c: CoRunner, priority: str) -> float:
    """The share of the co-runner's time decode cannot run (SM time-sharing)."""
    return couple(p, c, priority, profile.shapes).blocking(profile)


def sigma(p: Params, profile: DecodeProfile, c: CoRunner, priority: str = "equal") -> float:
    """Decode's loss per unit of the co-runner's busy share: blocking, then HBM sharing."""
    return couple(p, c, priority, profile.shapes).sigma(profile)


def corunner_slowdown(p: Params, profile: DecodeProfile, c: CoRunner, priority: str = "equal") -> float:
    """Relative growth of the co-runner's time while decode runs."""
    return couple(p, c, priority, profile.shapes).slowdown(profile)


def dma_sigma(p: Params, bytes_per_s: float) -> float:
    """Decode's loss while copy-engine or DMA writes stream into HBM at ``bytes_per_s``."""
    return float(p["gpu.interference.dma_factor"]) * bytes_per_s / float(p["gpu.memory.peak_bandwidth"])


def decode_ratio(losses: list[float]) -> float:
    """How much longer decode takes beside co-runners whose sigma x busy share are ``losses``."""
    return 1.0 / (1.0 - min(sum(losses), 0.97))
