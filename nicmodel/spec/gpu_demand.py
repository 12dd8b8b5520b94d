"""GPU demand spec types: what a GPU kernel holds on an SM (block shapes, launches), the SM's limits,
decode's own kernels and attention grid, and the interference coefficients. Pure data."""

from pydantic import model_validator

from .base import (
    Bandwidth,
    Bytes,
    Component,
    Count,
    Duration,
    Fraction,
    Multiple,
    OverheadBytes,
    Ratio,
    Share,
    Stretch,
)


class BlockShape(Component):
    """What one thread block of a kernel holds on an SM while it runs (CUPTI reports these for
    every kernel: validation/collect/interference_grid.py, kernels.csv)."""

    threads_per_block: Count
    """Threads per block."""
    registers_per_thread: Count
    """Registers per thread (allocated per warp in units of 256)."""
    shared_memory_per_block: OverheadBytes
    """Static plus dynamic shared memory per block (0 B for none)."""


class DecodeBlocks(BlockShape):
    """The blocks of one kind of decode kernel: their shape and how many sit on an SM at once."""

    blocks_per_sm: Ratio
    """Blocks of this kind resident on an SM that holds any (its grid over the SMs, at most the
    occupancy limit): a co-runner block that fits beside them, but fewer than the co-runner needs
    per SM, leaves the rest of its launch to a second wave (Interference.wave_spill)."""
    issue_slots: Fraction | None = None
    """Share of its SM's instruction issue slots one block of this kind uses while it runs, alone
    (Nsight Compute's sm__issue_active); unset: none charged. Read for attention where it leaves
    every SM at most one block: a co-runner's compute-bound blocks on an SM holding one keep only
    the rest (docs/serving.md, Attention's issue slots)."""
    per_layer: Count | None = None
    """Kernels of this kind launched per layer per step (the weights: the layer's GEMMs; the LM
    head adds one a step); unset: the step's kernels share its time evenly. Gives one kernel's mean
    duration, what a co-runner's launch waits out at its turn (Interference.launch_turns)."""


class KernelLaunch(BlockShape):
    """One launch of a data-plane kernel: its blocks and the HBM traffic it makes."""

    blocks: Count
    """Blocks per launch (for the reference model; see blocks_per_kv_channel)."""
    blocks_per_kv_channel: Ratio | None = None
    """When set, blocks = this x the model's K/V channels (2 x layers x kv_heads x head_dim):
    a kernel with one thread per K/V layer and channel."""
    launches_per_chunk: Count
    """Kernel launches per chunk (an unfused chain launches several)."""
    hbm_bytes_per_output_byte: Ratio
    """HBM bytes read and written per byte of output."""
    access_bytes: Bytes | None = None
    """Bytes each thread loads or stores per memory instruction, for a kernel that streams memory
    (2 for bf16 scalars, 16 for 128-bit vectors); unset for one that does not (an arithmetic
    decoder). Narrow accesses slow more beside decode (Interference.narrow_high)."""
    issue_share: Ratio | None = None
    """Instruction issue per resident warp, relative to the integer-ALU probe body's (measured
    alone: issue-slot utilization over resident warps, Nsight Compute); unset: as the ALU body
    (1). Says whether its blocks saturate an SM's issue slots, and so whether the blocks left on
    an SM make up the wait of those that find no slot (Interference.wave_spill)."""
    graph_share: Fraction | None = None
    """Share of its launches replayed from a CUDA graph; unset: none, every launch issued one by
    one through a stream (as LMCache's and CacheGen's Python code issues them). Sets which
    per-launch wait applies beside decode (Interference.launch_turns, graph_wait)."""


class SmLimits(Component):
    """Per-SM capacities that decide how many blocks of a kernel fit on one SM at once."""

    max_threads: Count
    """Resident threads per SM."""
    registers: Count
    """32-bit registers per SM."""
    shared_memory: Bytes
    """Shared memory per SM (the largest carveout)."""
    max_blocks: Count
    """Resident blocks per SM."""
    sub_partitions: Count
    """Processing blocks (sub-partitions) per SM. Each holds its own warps and an equal share of
    the register file, so blocks fit together only if the fullest one's registers do: a decode
    GEMV that leaves 256 registers on each cannot take a co-runner's warp of 512, though the
    SM-wide count leaves it 1,024 (validation/traces/h200/residency_synthetic/)."""


class AttentionGrid(Component):
    """How many blocks decode's attention kernel launches at a batch and context (cuDNN's SDPA
    decode kernel: one block per sequence and KV head, the context split into parts when that is
    few blocks; validation/traces/h200/decode_shapes*/). The co-runners see attention's blocks hold
    only part of the SMs' attention slots when the grid is small (docs/serving.md, Attention's grid)."""

    split_max_heads: Count
    """The context is split only when batch x KV heads is at most this many blocks."""
    split_target_blocks: Count
    """The split count is the largest power of two that keeps batch x KV heads x splits at or
    below this many blocks ..."""
    split_min_tokens: Count
    """... and keeps at least this many context tokens per split."""
    block_bandwidth: Bandwidth | None = None
    """The rate one block streams the KV cache at when HBM has room (it keeps few loads in
    flight): a wave of fewer blocks than the step's HBM bandwidth over this leaves HBM idle, so a
    small grid, or a small last wave, takes longer than its bytes say (docs/modeling.md, The decode
    step); unset: attention reads at the step's share of peak whatever its grid."""


class DecodeKernels(Component):
    """The kernels of one decode step as this GPU's libraries launch them: weight GEMVs and
    attention (sharing the step's kernel time as the time each reads memory: the weights, and the
    KV cache with its grid's waves, AttentionGrid.block_bandwidth), and elementwise kernels
    (norms, activations, residuals)."""

    weights: DecodeBlocks
    """The GEMV (cuBLAS) kernels reading the weights."""
    attention: DecodeBlocks
    """The attention (cuDNN/flash) kernels reading the KV cache."""
    elementwise: DecodeBlocks
    """Elementwise kernels."""
    elementwise_share: Fraction
    """Share of a decode step's kernel time in elementwise kernels."""
    kernels_per_layer: Count
    """Kernels launched per layer per step (decode time / kernels is the grain of dispatch)."""
    weights_sm_share: Fraction
    """Share of the SMs the weight GEMVs hold while they run (their grid over the SM count,
    weighted by time): a co-runner dispatched meanwhile finds only the rest free."""
    attention_grid: AttentionGrid | None = None
    """How attention's grid follows the batch and context; without it, attention's blocks fill
    every SM's attention slots (blocks_per_sm on each) whatever the batch."""


class ModelError(Component):
    """How far the interference model was off beside one class of data-plane kernel, at points it
    was not fitted to: factors on what it predicts, 1 as fitted, whose ranges are what
    --uncertainty draws and what a verdict's flips are checked over (docs/serving.md, The model's
    own error). validation/calibration/model_error.py computes them from the held-out traces."""

    decode_loss: Ratio
    """Decode's measured loss over the model's (the share of its time lost, 1 - 1/ratio, with the
    kernel stretched as it was): multiplies the decode time the kernel costs, stretch included."""
    stretch: Ratio | None = None
    """The kernel's measured growth beside decode over the model's (its time beside decode over
    alone, minus 1): multiplies how much longer it runs beside decode. Required for a kernel class;
    absent for ``dma`` (DMA and copy-engine writes into HBM: no kernel to stretch)."""


class Interference(Component):
    """How data-plane work on the GPU and decode slow each other, from what each demands
    (docs/serving.md, Interference). The coefficients are properties of block dispatch, not of a
    kernel: fitted once on a designed grid of co-runners (validation/traces/h200) and applied to
    every kernel through its launch shape, duration and HBM traffic."""

    occupancy_exponent: Ratio
    """How a co-runner holding part of each SM's capacity blocks decode: blocking scales with
    (SMs touched) x (share of each SM's block slots held) ^ this."""
    dispatch_grain: Ratio
    """A decode kernel waits this many mean decode-kernel durations at a co-runner's kernel (or,
    at high priority, block) boundary before it is dispatched."""
    hbm_sharing: Fraction
    """Decode loss, where not blocked, per unit of HBM bandwidth share the co-runner uses."""
    dma_factor: Ratio
    """Decode slowdown per unit of HBM bandwidth taken by copy-engine or DMA writes, relative to
    the bytes alone (1.0 = only the bandwidth the writes use)."""
    dispatch_wait: Ratio
    """Co-runner: a launch waits this many mean decode-kernel durations for the decode kernels it
    cannot sit beside (per share of decode's time in them; short launches relative to them). Beside
    measured grids the weight GEMMs count only for the share of its blocks their first round's free
    SMs cannot hold (docs/serving.md, The first round's room)."""
    wave_yield_high: Ratio
    """Co-runner, decode at high priority: share of its later waves' time lost to decode's
    kernels taking the wave boundaries (per share of decode time it cannot sit beside, while
    decode runs), for blocks that live much longer than cut_in_time."""
    cut_in_gain: Ratio
    """Decode at high priority: how much more of its later waves' time a co-runner loses when its
    blocks live much less than cut_in_time: wave_yield_high x (1 + cut_in_gain x cut_in_time /
    (block lifetime + cut_in_time)). Blocks of a few microseconds hand their SM slots to decode's
    pending kernels as fast as they retire (torch.cat's ~2.6-us blocks; docs/serving.md)."""
    cut_in_time: Duration
    """The block lifetime below which decode's cut-ins take most of a co-runner's slots (see
    cut_in_gain; 0 turns the factor off)."""
    wave_memory: Fraction
    """Decode at high priority: the share of the SM time decode's cut-ins take from a co-runner
    bound by HBM bandwidth that costs it (it streams from the SMs it keeps); a compute-bound one
    pays all of it: wave_yield_high's term is x (compute-boundness + memory-boundness x this)
    (docs/serving.md, What a co-runner keeps)."""
    hbm_loss: Ratio
    """Co-runner growth per unit of memory-boundness (its HBM share per SM it holds, to the power
    memory_exponent) x latency exposure (1 - its resident threads per SM over the SM's maximum)
    x HBM headroom (1 - its HBM share, to the power headroom_exponent), while decode runs."""
    memory_exponent: Ratio
    """Shape of memory-boundness in hbm_loss: (the co-runner's HBM share per SM it holds) ^ this."""
    headroom_exponent: Ratio
    """Shape of the HBM headroom in hbm_loss: (1 - the co-runner's own HBM share) ^ this. A
    co-runner that already pulls much of HBM alone loses less to decode's traffic than one that
    pulls little (8-33-block streaming kernels slow 2-3x beside decode)."""
    crowding: Ratio
    """Co-runner growth per unit of the issue slowdown of a one-wave launch's most-packed SM, per
    share of decode time in kernels beside which it packs (compute-bound share, while decode
    runs); 1 where every such landing packs as pack_blocks says."""
    issue_warps: Ratio
    """Warps per SM at which a compute-bound kernel's issue rate saturates (blocks packed above it
    slow each in proportion)."""
    pack_blocks: Ratio
    """Blocks beyond its share alone that a one-wave launch puts on its most-packed SM when it
    arrives while decode's kernels hold the SMs (its blocks take the few free ones, or the first
    ones decode frees); at most its per-SM limit in all. The same density sets how many of its
    blocks a weight GEMM's free SMs take at once (the first round's room)."""
    narrow_high: Ratio
    """Co-runner growth, decode at high priority, of a kernel streaming memory in 2-byte accesses
    (log2(16 / access bytes) / 3 of it for wider ones, none at 16), while decode runs, times
    1 - 1/waves (decode's kernels cut in at its wave boundaries; a one-wave launch has none)."""
    narrow_attention: Ratio
    """Co-runner growth, either priority, of a kernel streaming memory in 2-byte accesses (scaled
    as narrow_high) whose resident blocks leave room for attention's, per share of decode's
    kernel time in attention, while decode runs, for blocks that live within one attention kernel
    (x its duration / (its duration + the block's lifetime)): attention's KV traffic lengthens
    their loads. Where it applies, the loaded latency (latency_loss) counts outside it. The value
    is the fitting GPU's: on each GPU it is scaled by (latency_beside_attention - 1) /
    (narrow_attention_latency - 1), the excess load latency beside attention it stands for."""
    latency_beside_attention: Stretch
    """A dependent HBM load's latency beside decode's attention kernels alone, replayed back to
    back, over idle: the median over the decode points of loaded_latency.py's default set (the
    wait narrow_attention charges; the H100 reads 3.51, the H200 2.46)."""
    narrow_attention_latency: Stretch
    """latency_beside_attention on the GPU narrow_attention was fitted on (more than 1): the
    latency its value stands for. Equal to latency_beside_attention on that GPU, so the term is
    as fitted there."""
    idle_latency: Duration
    """One dependent HBM load's latency with the GPU otherwise idle (a pointer chase far beyond
    L2; validation/collect/loaded_latency.py)."""
    latency_beside_decode: Ratio
    """The same load's latency while a decode step runs, over idle: decode streams HBM through
    most of its step, and every load queues behind its traffic (loaded_latency.py). A launch
    streaming memory with a measured issue share runs on a weight GEMM's free SMs this much slower
    (the first round's room)."""
    latency_loss: Ratio
    """Co-runner growth per unit of its latency-boundness x (latency_beside_decode - 1), while
    decode runs. Latency-boundness: for a kernel that streams memory with no measured issue share,
    the share of its time alone its loads take one after another at idle_latency (at most 1), x
    its compute-boundness (1 - its HBM share per SM held: a bandwidth-bound kernel is hbm_loss's);
    0 for any other (docs/serving.md, Loaded latency)."""
    latency_relief: Fraction
    """Share of the loaded latency's excess a launch is spared per share of the SMs it holds
    beyond what the blocking counts: decode's weight GEMVs cannot start on an SM that holds any
    block of it (their registers fill each sub-partition; validation/traces/h200/residency/), while
    the blocking counts a block by the share of its SM's block slots it holds (occupancy_exponent).
    On the rest, s x (1 - o^a), the GEMVs stream HBM from fewer SMs and its loads queue behind less
    traffic: latency_loss's term is x (1 - latency_relief x s x (1 - o^a)) (docs/serving.md,
    Sub-partitions and the latency relief)."""
    l2_loss: Ratio
    """Co-runner growth per unit of its HBM share alone (its bytes over its time, over the peak, at
    most 1), while decode streams beside it, for a launch whose footprint (the bytes it touches, the
    same every launch) fits in the GPU's L2 (gpu.l2_cache): alone its launches find their data in L2,
    beside decode the weights decode streams through L2 have evicted it, and its loads go to HBM
    (docs/serving.md, L2 residency). No term for a kernel with no footprint given (the designs' kernels:
    their data is new every chunk)."""
    l2_resident_share: Fraction
    """Share of the GPU's L2 (gpu.l2_cache) up to which a launch finds all of its footprint there
    alone; from there to the whole capacity the share it finds falls linearly to none, and so does
    l2_loss's term (validation/traces/h200/l2_boundary_random/: the loss whole at 40 MiB of 60, about
    a third of it at 48 and a fifth at 56, none from 60; docs/serving.md, L2 residency)."""
    graph_wait: Duration
    """Co-runner: time each of its launches replayed from a CUDA graph waits beside decode for its
    turn, over its waves (a graph's launches reach the GPU together and wait far less)."""
    launch_turns: Multiple
    """Co-runner: decode kernels each of its launches issued one by one through a stream waits out
    at its turn, in units of decode's weight GEMMs' mean duration on this GPU, over its waves (a
    launch of many waves keeps its resident blocks running meanwhile). Blocks are dispatched in
    launch order, so a burst's launches and decode's kernels alternate, each launch waiting out
    about one whole kernel it cannot sit beside (validation/traces/h100/residual_wait3/); a GPU
    whose GEMMs run longer makes every launch wait longer (docs/serving.md, The turn wait in GEMM
    lengths)."""
    launch_wait: Duration | None = None
    """Where given, a fixed time each stream launch waits at its turn, in launch_turns' place: the
    form before 2026-12-05 (seconds fitted on the H200, the same on every GPU), kept so that runs
    made before can be reproduced at their own values; unset in every GPU spec."""
    turn_share: Share
    """Co-runner: the share of launch_turns' wait (launch_turns x decode's mean weight GEMM) a stream
    launch waits. 1 as fitted: the form holds beside GEMMs of the lengths every fit and sealed set saw
    (an 8B's on the H200 and H100, 25-37 us by the model, turn_gemms_from/_to: measured over the form's 0.87-1.1); on one H100 beside
    other decode shapes it was 0.29 (a 1B's GEMMs, 12 us), 0.65 (a 70B's, 144 us) and 0.26 (a 405B's,
    560 us; validation/traces/h100/dataplane_ladder_*_random/), so where decode's GEMMs run far from
    those lengths (the L40S's and L4's, or any GPU serving another model) the wait is an assumption
    (docs/serving.md, The turn wait along a GEMM-length ladder). Those readings are against the wait in
    proportion to the GEMMs' length; past turn_gemms_to it now grows as turn_growth says, beside which
    the 405B shape's scatter read 0.88 of the model's time (docs/serving.md, The crawl beside long GEMMs)."""
    wait_charge: Share
    """Decode: the share of a co-runner's turn wait (launch_turns', graph_wait's, launch_wait's part of
    its time beside decode) that counts in the busy time decode's loss is charged on; the rest of its
    busy time is charged whole. 1 charges the wait as if the launch ran; 0 charges only the time its
    blocks run (validation/traces/h100/waiting_cost/: a stream of blocking kernels loses 0.3-0.45 us a
    kernel beside bursts that wait or run 96-99% of the time, its loss over their busy share falling
    fivefold with the kernels' length; docs/serving.md, What a waiting launch costs decode)."""
    wave_spill: Ratio
    """Co-runner growth per launch of a one-wave kernel that needs more than one block per SM,
    per share of decode time in kernels that leave room for some of its blocks but not all
    (attention beside a decoder of 4 blocks per SM, whether two attention blocks hold an SM or its
    grid leaves one), at full latency exposure and compute-bound:
    the blocks that find no room wait for slots. Scaled by the latency exposure (1 - its resident
    threads per SM over the maximum) and compute-boundness (1 - its HBM share per SM held): a
    block that waits on HBM runs faster beside fewer of its own and makes up the wait; so does one
    that saturates its SM's issue slots, by the part the blocks left run faster (1 / max(1, warps
    per SM x its issue_share / issue_warps) is what stays). Every launch pays it: launches of one
    stream never overlap. None beside an attention grid that holds at most one block per SM
    (docs/serving.md, The spill per launch; The spill's make-up)."""
    grid_wait_equal: Duration
    """Co-runner, decode at equal priority: time each of its launches waits, once, per
    unit of decode's attention share of the step x attention's load (its blocks over the SMs'
    attention slots). Blocks are dispatched in launch order: a launch that finds attention's
    blocks waiting for slots waits behind them before any of its blocks starts, whatever its
    length or waves (docs/serving.md, Attention's load; The spill per launch)."""
    grid_wait_high: Ratio
    """Co-runner, decode at high priority: growth per unit of decode's attention share x
    attention's load, for blocks that live much less than cut_in_time (x cut_in_time / (block
    lifetime + cut_in_time)): attention's waiting blocks take every slot such blocks free as they
    retire; long-lived blocks keep theirs (docs/serving.md, Attention's load)."""
    multiwave_stretch: Ratio
    """Co-runner: its time beside decode whose attention grid runs more than one wave, over what
    the terms above give (1: none). While attention has blocks pending no block of a later launch
    is dispatched (validation/traces/h200/timeline_waves/); the grid waits take this in through
    attention's load, and this spans what they leave (docs/serving.md, Two-wave attention grids)."""
    fill_stretch: Ratio
    """Co-runner: its time beside decode whose attention grid runs one wave that fills some SMs
    whole (more blocks than SMs hold one each), over what the terms above give (1: none).
    CacheGen's decoder is under-predicted there: about half its launches leave a few blocks
    without a slot, which run a whole block lifetime later, and its blocks, which do not saturate
    the SM's issue slots, make up none of that wait (its synthetic twin's do); no term carries it
    yet, and this spans it (docs/serving.md, The third sealed set)."""
    crawl_share: Share
    """Co-runner, past turn_gemms_to: the share of the SMs a launch that lands in one of decode's
    weight GEMMs progresses on until the GEMM ends (its pace there over alone). Beside GEMMs that hold
    nearly every SM with one large block each (a 70B's and a 405B's on an H100: 120-132 blocks of
    160-229 KiB of shared memory) a launch loses min(T (1/share - 1), R (1 - share)), T its time alone
    and R the GEMM left; beside the GEMMs every earlier fit saw the committed terms carry that, so only
    its growth past turn_gemms_to is added (engines/serving/long_gemm.py; docs/serving.md, The crawl
    beside long GEMMs)."""
    crawl_high: Ratio
    """Co-runner, decode at high priority: the crawl of a launch of more than one wave over the crawl
    at equal priority (decode's next GEMM takes the SMs its waves free; 1: as at equal)."""
    crawl_free_pace: Share
    """Co-runner, past turn_gemms_to: the share of its pace a launch that lands in a weight GEMM keeps on
    the SMs the GEMM leaves free (the time-weighted free share of decode's measured grids,
    gpu.decode_gemm_grids; where none are measured, none is counted free). 1: its whole pace there, the
    grid crawl as adopted; 0: crawl_share on every SM, the crawl as first fitted (docs/serving.md, The
    grid crawl)."""
    turn_free_pace: Share
    """Co-runner, a stream launch waiting its turn in one of decode's weight GEMMs: the share of its pace alone
    (per SM) it keeps on the SMs the GEMM leaves free (the grids, gpu.decode_gemm_grids; where none are
    measured, none is counted free). Its blocks run there in rounds while the rest wait, so a launch the
    free SMs finish before the GEMM ends loses those rounds, not the GEMM left (engines/serving/gemm_grids.py,
    turn_rounds). 0: the whole turn beside every grid, the turn wait as fitted (docs/serving.md, The turn
    rounds)."""
    turn_growth: Ratio
    """Past turn_gemms_to, the GEMM length a stream launch's turn wait counts grows as decode's mean
    weight GEMM to this power (1: in proportion, the form as first fitted; 0: held at turn_gemms_to).
    The scatter waited 0.65 of the proportional wait beside 144-us GEMMs and 0.26 beside 560-us ones
    (h100/dataplane_ladder_*_random/)."""
    graph_turn_share: Ratio
    """Co-runner, a launch replayed from a CUDA graph beside decode whose mean weight GEMM runs past
    turn_gemms_to: the turn it waits over a stream launch's (launch_turns x turn_share of the GEMM length
    the turn counts, its rounds on the GEMMs' free SMs made up), ramped in with the GEMMs' log length from
    turn_gemms_to to graph_turn_gemms. A graph's launches reach the GPU's queue together, each behind the
    one before, so inside a long GEMM they wait it out as launches from Python do (h100/marked_timeline_70b/:
    137-141 against 135-146 us); beside the GEMMs every fit saw they wait graph_wait only (0: none past it).
    The ninth tile-tail candidate's, adopted 2026-12-07 after its sealed set (docs/serving.md, The graph
    turn)."""
    graph_turn_gemms: Duration
    """The mean weight GEMM (the model's) from which graph_turn_share applies whole; between turn_gemms_to
    and this length it applies in proportion to the GEMMs' log length."""
    many_wave_stretch: Ratio
    """Co-runner: the time beside decode of a launch of more than one wave, over what the terms above
    give, where decode's mean weight GEMM (the model's) runs longer than turn_gemms_to (1: none; within
    the lengths checked, and beside shorter GEMMs, it does not apply). The crawl (crawl_share) carries
    most of a many-wave launch's loss beside long GEMMs; on one H100 what it leaves is the designs'
    chunk sequence (CacheGen's decoder, then LMCache's dequantization) at 0.97-1.02x the model beside
    144- and 560-us GEMMs (sealed on a repeat: 0.97x), while the dequantization and torch.cat run alone
    read up to 1.3-1.55x beside 560-us ones; the range is the designs' pattern's. This is the stretch
    beside GEMMs of many_wave_gemms and longer; between turn_gemms_to and that length it applies in
    proportion to the GEMMs' log length (docs/serving.md, The crawl beside long GEMMs)."""
    many_wave_gemms: Duration
    """The mean weight GEMM (the model's) from which many_wave_stretch applies whole: the longest
    beside which many-wave launches were measured."""
    grid_load_measured: Ratio
    """The largest attention load (decode's attention blocks over the SMs' attention slots) the
    co-runners were measured beside. A serving answer whose batch that fits puts attention past it
    carries an UNVALIDATED note: the grid waits grow with the load, checked only up to here."""
    turn_gemms_from: Duration
    """The shortest mean weight GEMM (the model's, decode_kernels.weights) beside which the turn wait's
    form and the data-plane co-runners were checked to hold (every fit and sealed set: an 8B's GEMMs
    on the H200 and H100). With turn_gemms_to it bounds a serving answer's GEMMs: outside, the answer
    carries an UNVALIDATED note (validity.py; docs/serving.md, The turn wait along a GEMM-length ladder)."""
    turn_gemms_to: Duration
    """The longest such mean weight GEMM (see turn_gemms_from)."""
    checked_on: str | None = None
    """Where coefficients carried from another GPU's fit were checked on this GPU's own co-runners
    (held-out traces, and how they were measured); absent where no co-runner was measured on this
    GPU. Serving answers say what their interference rests on from this and the coefficients'
    provenance."""
    model_error: dict[str, ModelError] = {}
    """The model's held-out error by GPU kernel class of the data plane (a gpu.kernels kind, or
    copy for the stages with none, such as the scatter into paged KV), and ``dma`` for DMA and
    copy-engine writes into GPU memory (decode's side only); a class absent here is taken as the
    model predicts, with no band (docs/serving.md, The model's own error)."""

    @model_validator(mode="after")
    def _gemm_lengths_in_order(self) -> "Interference":
        # many_wave_stretch grows in log GEMM length from turn_gemms_to to many_wave_gemms: they must part
        low, high, top = self.turn_gemms_from.si, self.turn_gemms_to.si, self.many_wave_gemms.si
        if not low <= high < top:
            raise ValueError(f"expected turn_gemms_from <= turn_gemms_to < many_wave_gemms, got "
                             f"{low * 1e6:g}, {high * 1e6:g} and {top * 1e6:g} us")
        return self
