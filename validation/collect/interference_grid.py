"""GPU interference, measured on a designed grid of co-runners and on the data-plane kernels the
bundled designs run, beside the decode step of a Llama-3-8B-shaped model.

What it measures (one GPU, one run; every CSV is rewritten atomically after each finished row, so
a run cut short keeps what it finished):

  gpu.json                 the device's properties (SMs, threads/shared memory/registers per SM,
                           L2, clocks, stream priority range) and the software
  kernels.csv              every kernel each measured unit launches, as CUPTI reports it through
                           torch's profiler: grid, block, registers per thread, shared memory,
                           blocks per SM, duration alone (the demand descriptors of the model)
  decode_step.csv          decode step time (CUDA graph) over batch 1..32, context 1k..8k
  copy_bandwidth.csv       pinned host-to-device and device-to-host copies, 4 KiB..256 MiB,
                           back to back (per-copy time in a queue) and one at a time
  synthetic_corunners.csv  the synthetic co-runners: body (streaming HBM or integer ALU), threads
                           and dynamic shared memory per block, grid, iterations, registers,
                           HBM bytes, time alone
  interference_grid.csv    one row per (co-runner, decode point, priority, k kernels every m
                           decode steps): decode step alone and beside, the co-runner's time per
                           launch alone and beside, the offered duty (k x co-runner time alone /
                           (m x decode step alone)) and the realized busy share of the co-runner
                           stream over the decode window, and the declared role (fitted/held-out)

How it measures: the decode step is a CUDA graph captured on its own stream (high or normal
priority; a graph's kernels run at the priority of the stream it is captured and launched on).
For step i the decode stream records an event and replays the graph; the co-runner stream waits
for that event and enqueues k co-runner launches (or none, on steps that are not a multiple of m).
Decode is timed with events on its own stream over the measured steps (after two warm-up steps);
the co-runner with events on its own stream, counting only launches that both started and ended
inside the decode window. Nothing is timed with a device-wide synchronize while the other stream
is queued. A saturating co-runner (offered duty >= 4) keeps its stream busy for the whole window.

The data-plane co-runners run on the legacy default stream, because CacheGen's decoder launches
there (torchac_cuda passes no stream); the synthetic ones use CuPy raw kernels on the same stream.

Kernel descriptors (kernels.csv) are recorded last (2026-12-03): torch's profiler, once run,
changes how concurrent kernels are dispatched for the rest of the process (gpu_common.PROFILED;
validation/traces/h200/collector_timeline/), and every run before that date recorded them first.
The split, declared here before any fit (nicmodel's interference fit reads the column `role`):
  - every data-plane kernel point (CacheGen's decoder, LMCache's dequantization, paged-KV
    scatter, torch.cat, pinned copies, LMCache's per-chunk sequence) is held out;
  - every point of the earlier collector's co-runners (`legacy_*`) is held out;
  - a synthetic point is held out when the SHA-256 of its key, read as a fraction, is below
    grid_measure.HOLDOUT_SHARE (so the split does not depend on run order or on which points finished);
  - on the second GPU (the H100: validation/traces/h100/interference.csv, and every run of this
    collector there, h100/grid/ and h100/regime/) every point is held out: no H100 number is
    used to fit the model;
  - `--regime` (added 2026-12-02, before any fit of its points): synthetic co-runners in the regime
    of the data-plane kernels, which the first grid did not reach: many-wave elementwise kernels
    of thin blocks (2,048-32,768 blocks, memory- and compute-bound bodies, ~10-250 us) and
    decoder-like one-wave kernels of 4 blocks per SM (132 and 512 blocks of 128 threads with 48 KiB
    of shared memory, 0.1-2 ms), at every decode point, both priorities and three duties. They
    are split like the synthetic points (section "regime", same hash rule). `--regime --eager`
    launches them from Python one by one, as the data-plane units are launched, instead of as a
    CUDA graph (same split);
  - `--probe` (added 2026-12-02, before any fit of its points): why PyTorch's elementwise kernels
    slow more beside decode than synthetic kernels of the same grid and duration. One-kernel units
    of ~40 us over 8,192-32,768 blocks of 128 threads, each at k = 1 and 8 launches per decode
    step, every decode point, both priorities, launched on the legacy default stream (as the
    data-plane units are) and on a created stream: PyTorch's strided copy (one of torch.cat's
    kernels), PyTorch's contiguous (vectorized) copy, and CuPy kernels that copy 2-byte scalars
    (as PyTorch's strided copy does), 16-byte vectors, or run integer ALU work. Every PyTorch
    probe point is held out (they are the data-plane kernels' own code). The CuPy probe points
    were first declared split by the synthetic hash rule; before any fit of them was written to a
    spec, the whole probe was made held out (the conservative direction: it is a diagnostic, and
    no spec number rests on it);
  - `--widths` (added 2026-12-02, after the probe, before any fit of its points): streaming
    co-runners that load and store 2, 4, 8 or 16 bytes per thread per iteration (grid-stride loops
    over 2 GiB), 8,192 and 32,768 blocks of 128 threads, ~10, 50 and 250 us, at every decode point,
    both priorities and three duties, launched as CUDA graphs: the designed grid a model with an
    access-width input would be fitted on. Split by the synthetic hash rule (section "widths");
    first written to a trace of its own; after the trial of a width term on it, merged into
    validation/traces/h200_interference.csv with the same roles for the fit of narrow_high and
    narrow_equal (retired 2026-12-04: it refit to 0 beside the loaded latency);
  - the copy-engine points of `--section copyfit` (pinned host-to-device copies of 1, 4, 64 and
    128 MiB, none of the data-plane chunk sizes) are fitted: they set dma_factor, which no
    synthetic kernel point can (added 2026-12-02, after the first run, before any fit of it).

  - `--phase random` (added 2026-12-03, before any fit of its points): every co-runner launch that
    waits for a decode step waits a further uniformly random part of that step (a one-thread spin
    kernel on its stream, seeded: gpu_common.RandomPhase), as a serving system's co-runner, which
    is not aligned with decode steps, lands; saturating co-runners are always queued (phase
    "queued"). Column `phase` says which. The split is the same rule (the key leaves out the
    phase): the data-plane points held out, the synthetic, regime and widths points by the hash.

  - `--paced` (added 2026-12-03, before any fit of its points): units of 32 launches issued from
    Python with the host holding a fixed interval between launches (none, 20 us, 60 us; a spin on
    the CPU clock), as LMCache issues its per-layer paged-KV scatter. Synthetic kernels of the
    scatter's launch shape (1,024 blocks of 128 threads; a 2-byte streaming body and an integer
    ALU body, ~5, 15 and 40 us per launch), every decode point, both priorities, duties low and
    mid, at random phase: the grid a host-paced launch term would be fitted on. Split by the
    synthetic hash rule (section "paced"). The paged-KV scatter itself at the same intervals (on
    the legacy default stream, as in the data-plane rows) is held out. (Found in its run: beside
    decode the launches queue while the stream waits its turn, so the host's interval shows in the
    unit's time alone and not beside decode; it became the evidence for that, and `--short` the
    grid the per-launch wait is fitted on);
  - `--short` (added 2026-12-03, after the paced run showed that a unit's launches queue beside
    decode whatever its launch gaps alone, before any fit of its points): units of 32 short
    kernels (fixed iteration counts: 2-byte and 16-byte streaming bodies and an integer ALU body,
    1,024 and 4,096 blocks of 128 threads, ~2-40 us each), launched from Python back to back and
    as a CUDA graph, every decode point, both priorities, duties low and mid, at random phase; each
    kernel's time alone per launch is timed as a CUDA graph of 32 launches (no host in the way) and
    recorded in short_corunners.csv. The grid a per-launch wait term for short kernels would be
    fitted on. Split by the synthetic hash rule (section "short"). The paged-KV scatter again
    beside it, with its time alone as a graph as well, is held out. `--short --points 32x1024,...
    --kernels mem2:1024:1,...` (added later the same day, before any fit of its points): the same
    units at other decode points (batch x context), to separate the wait's growth with decode's
    kernel length from batch; split the same way;
  - `--onewave` (added 2026-12-03, before any fit of its points): one-wave kernels whose blocks
    cannot all spread one per SM beside decode's weight GEMVs: 128-thread blocks holding 200, 100
    or 48 KiB of shared memory (1, 2 or 4 per SM), 66-528 blocks, ALU and streaming bodies,
    0.1-2 ms, every decode point, both priorities, three duties, CUDA graphs, at random phase.
    Split by the synthetic hash rule (section "onewave");
  - `--drain` (added 2026-12-03, in a later session, after every coefficient was fitted): many-wave
    kernels of 128-thread blocks (8,448 and 33,792 blocks: 4 and 16 waves of 16 per SM) calibrated
    to ~50 us, 0.5 ms and 5 ms, so their blocks live ~3 us to ~1 ms; 2-byte and 16-byte streaming
    and ALU bodies; every decode point, both priorities, three duties, CUDA graphs, at random
    phase: how decode's kernels cut in at a many-wave kernel's block boundaries. Every point held
    out (section "drain");
  - `--dataplane --points ...` (the same session): only the data-plane units (k = 1, 2, 4, 8 per
    step, both priorities) at the given decode points; held out, as every data-plane point is.
  - `--widths --points ...` and `--regime --points ...` (2026-12-03, a later session, before any fit
    that uses them and before the form of an attention term was chosen): the access-width and
    regime grids at the four other decode points (32 x 1k, 32 x 4k, 8 x 8k, 1 x 8k tokens), at
    random phase. Every point held out: they check how a co-runner's loss grows with the share of
    decode's time in attention, which the three grid points fit on only at 32 x 8k;
  - `--dataplane --points 16x8192,32x6144,24x2048,4x8192` (the same session, after narrow_attention
    was fitted and every coefficient iterated to its fixed point): the data-plane units at four
    decode points no run had used, a check measured after the fit. Every point held out;
  - `--dataplane --points 12x8192,20x8192,16x4096,16x2048` (the same session, after the batch-16 miss
    above was traced to cuDNN's attention grid, which changes with the batch: decode_shapes.py): the
    data-plane units where that grid changes, for the next form of attention's residency. Every
    point held out;
  - `--dataplane --points 14x8192,28x4096,40x2048,12x2048` and `--points 48x2048,24x8192,10x8192,36x4096`
    (2026-12-03, a later session, before the batch-dependent attention residency was written or any
    coefficient refitted with it): the data-plane units where the grid rule predicts attention grids
    no measured point had (112, 224, 320, 384 and 288 blocks, the last three more than one wave of 2
    per SM; 96 at 2k context; 192 at 8k; 256 at batch 10). Every point held out, and not looked at
    until the residency's form was fixed: the check of that form (its first form; the second, the one
    adopted, was chosen after seeing them, so the next set is its check);
  - `--dataplane --points 9x4096,18x8192,26x8192,44x4096` and `--points 6x8192,64x1024,30x2048,3x4096`
    (the same session, after the adopted residency was refitted with every coefficient): eight decode
    points no run had, where the grid rule predicts 72, 144, 208, 352, 192, 512, 240 and 192 blocks
    (72: the first grid above 64 sequence-heads, unsplit if the rule holds). Every point held out:
    the check of the adopted form after its fit;
  - `--dataplane --points 32x8192,32x16384,16x16384,24x12288` and `--points 48x8192,40x8192,64x8192,33x8192`
    (2026-12-03, the session after, declared and committed before the run, no coefficient refitted):
    the long-attention regime. The H100's data-plane points miss by 16-43% at 32 x 8k only (its
    attention kernels run about 320 us); the H200 had no point past 8k tokens, nor any at 32 x 8k.
    The first set puts the H200 at the H100's point and at 12k-16k tokens (attention grids of 256,
    256, 128 and 192 blocks, as long as 450 us); the second at two-wave grids of 8k tokens (384,
    320, 512 and 264 blocks). Every point held out: they say whether the H100's miss is the GPU or
    a regime the H200 was never measured in;
  - `--dataplane --points 56x8192,44x8192,36x12288,40x12288` and `--points 80x4096,96x4096,72x2048,128x2048`
    (the same session, after those: declared and committed before the run, nothing refitted): the
    check of `gpu.interference.multiwave_stretch`'s range (1.0-1.45, set from the two-wave points
    above), at multi-wave grids no run had: two waves at 8k and 12k tokens (448, 352, 288 and 320
    blocks) and three and four at 2k-4k (640, 768, 576, 1,024 blocks). The claim checked: beside each,
    every data-plane family's measured-over-predicted time (geometric mean) lies within the range.
    Run as declared but for 128 x 2k: the collector sizes its KV cache for at least 8k tokens, and
    128 x 8k does not fit the H200 (out of memory; the other three ran, seven points in all);
  - `--dataplane --points 52x8192,60x6144,88x2048,76x4096` and `--points 28x12288,40x6144,36x8192,20x16384`
    (2026-12-04, a later session, after the grid waits were fitted on the co-runner rows of the
    long-attention sets above (dataplane_points8/9) and every interference calibration iterated to its fixed point; declared and
    committed before the run, nothing refitted after it): the check of the grid waits and of
    `multiwave_stretch`'s new range (0.91-1.16). Attention loads no run had: 1.58, 1.82, 2.67, 2.30
    (two and three waves) and 0.85, 1.21, 1.09, 0.61 (one and two waves at 6k-16k tokens). The
    claims checked: every data-plane family's co-runner MAPE within 15% on each set but CacheGen's
    decoder (it misses at 12k-16k tokens at one wave too: recorded, not claimed), decode's side
    within 15%, and beside multi-wave grids each family's measured-over-predicted time (geometric
    mean) within the range. Every point held out;
  - `--widths --points 48x8192,80x4096,56x4096,64x2048` and `--regime --points` the same (the same
    session, after that check; declared and committed before the run, nothing refitted after it):
    the synthetic grids beside multi-wave attention (loads 1.45, 2.42, 1.70, 1.94), where no
    synthetic co-runner was measured (the grid waits' form was chosen, and fitted, on the data-plane
    kernels alone). The claims checked: every synthetic family's co-runner MAPE within 20% (their
    target held out elsewhere) and decode's side within 15%. Every point held out;
  - `--dataplane --points 68x4096,48x6144,84x2048,92x1024` and `--points 30x12288,20x12288,44x6144,26x16384`
    (the same session, last; declared and committed before the run): a sealed check for the next
    form of the co-runner model (the grid waits' per-launch wait over a launch's waves, which the
    dequantization's multi-wave misses question, and CacheGen's decoder at long contexts). Measured
    and committed as raw runs only: not turned into a trace, not predicted, not looked at, until
    that form is fixed and fitted (attention loads 2.06, 1.45, 2.55, 2.79 and 0.91, 0.61, 1.33, 0.79).
    Every point held out. Evaluated after the spill per launch was committed: every family within 15%
    but CacheGen's decoder at 12k-16k tokens (17.1%);
  - `--dataplane --points 40x10240,24x14336,12x14336,36x10240` and `--points 64x3072,92x3072,52x5120,72x5120`
    (2026-12-04, a later session; declared and committed before the run, after the sealed set above was
    spent): the next sealed check, for CacheGen's decoder at long contexts and beside attention grids
    that leave SMs half full (contexts no run had: 14k, 10k, 3k, 5k). Committed raw, not turned into
    a trace, not predicted, until the next form is fixed and fitted. Every point held out. Evaluated
    after the spill beside half-full SMs was committed: every claim held (decoder 12.9 / 9.0%);
  - `--dataplane --points 44x7168,60x7168,18x11264,30x11264`, `--points 80x2560,96x2560` and
    `--points 14x13312,26x13312` (the same session, last; declared and committed before the run,
    after the second sealed set was spent): the third sealed set, for whatever form comes next
    (contexts no run had: 7k, 11k, 2.5k, 13k). Declared first as two runs of four; the second
    (96 sequences' cache sized for 13k tokens) ran out of GPU memory before measuring anything, so
    it runs as two. Committed raw, not turned into a trace, not predicted. Every point held out.
    The form it was kept for (what a packed launch demands) was screened and not adopted; it was
    then predicted with the model as committed, its claims declared first: every claim held
    (every data-plane family 6.0-14.3% on each run, the decoder 11.0 / 7.4 / 13.7%);
  - `--dataplane --points 50x9216,70x9216,34x5632,62x5632`, `--points 16x15360,22x15360,28x10752,42x10752`
    and `--points 56x1536,84x1536,66x3584,88x3584` (2026-12-04, a fourth session that day; declared and
    committed before the run, before the third sealed set above was predicted): the fourth sealed
    set, for the form after whichever the third checks (contexts no run had: 9k, 5.5k, 15k, 10.5k,
    1.5k, 3.5k; grouped so that each run's cache, max batch x max(8k, max context) tokens, stays
    within 70 x 9k). Committed raw, not turned into a trace, not predicted. Every point held out.
    Its claims, declared (2026-12-04, with fill_stretch) before it is predicted, whatever form it
    checks: on each of its three runs every data-plane family within 15% on the co-runner side and
    decode's within 15%; each family's measured over predicted time (geometric mean) beside
    multi-wave grids inside multiwave_stretch's range and beside one-wave grids that fill some SMs
    inside fill_stretch's. Predicted (the next session, the claims' test committed first) with the
    spill's make-up factor and fill_stretch: every claim held (co-runner 3.5-14.7% by family and run,
    the decoder 13.3 / 10.1 / 7.4%; decode 0.3-6.9%; means 0.97-1.08 and 0.95-1.09);
  - `--dataplane --points 2x6656,7x4608,12x9728,20x7680`, `--points 4x14848,10x12800,30x14848,36x12800`
    and `--points 38x3328,58x4608,74x1792,78x6656` (2026-12-04, a fifth session; declared and committed
    before the run, after the fourth sealed set was spent): the fifth sealed set, for whatever form
    comes next, the scatter's wait beside the weight GEMVs above all (contexts no run had: 6.5k, 4.5k,
    9.5k, 7.5k, 14.5k, 12.5k, 3.25k, 1.75k; five decode points below batch 13, where the GEMVs hold
    the SMs; each run's cache within 78 x 8k). Committed raw, not turned into a trace, not predicted.
    Every point held out. Its claims, declared now, whatever form it checks (the model as committed
    if none is adopted): on each of its three runs every data-plane family within 15% on the
    co-runner side and decode's within 15%; each family's measured over predicted time (geometric
    mean) beside multi-wave grids inside multiwave_stretch's range and beside one-wave grids that
    fill some SMs inside fill_stretch's. Predicted (its claims' test committed first) with the model
    refitted without the host-bound points: one claim failed, the scatter on the second run at 16.1%
    (the model before the refit: 16.1% too; 10 x 12.5k and 12 x 9.5k, one-wave grids at loads
    0.30-0.36, over-predicted by 25-47%); every other claim held (the decoder 5.3 / 11.6 / 5.3%);
  - `--dataplane --points 6x13824,9x11776,11x8704,15x13824`, `--points 5x16128,13x16128,24x11776,32x8704`
    and `--points 46x2816,60x5376,70x2304,86x3840` (the same session, last; declared and committed
    before the run, after the fifth sealed set was spent): the sixth sealed set, for the next form
    (the scatter's wait beside the GEMVs; no grid wait where no attention block waits, loads below
    one), contexts no run had (13.5k, 11.5k, 8.5k, 15.75k, 2.75k, 5.25k, 2.25k, 3.75k); four decode
    points at one-wave loads 0.27-0.45 that leave every SM at most one attention block, where the
    fifth set's one claim failed. Committed raw, not turned into a trace, not predicted. Every point
    held out. Its claims, declared now, whatever form it checks: as the fifth set's (each run, every
    data-plane family within 15% on both sides; the multi-wave and fill means inside the stretches'
    ranges). Predicted (its claims' test committed first) with the grid waits stopped where no SM
    holds a second attention block: one claim failed, the scatter on the first run at 18.9% (24.6%
    without the form; 11 x 8.5k and 13 x 15.75k over-predicted by 20-28%); every other claim held;
  - `--dataplane --points 10x10496,12x12032,14x13056,16x14592`, `--points 9x12544,11x15104,13x8448,15x11008`
    and `--points 20x9472,40x4352,72x2688,10x8960` (2026-12-04, a sixth session; declared and committed
    before the run, after the sixth sealed set was spent): the seventh sealed set, for the next form
    (the scatter beside one-wave attention grids that leave every SM at most one attention block,
    where the sixth set's one claim failed). Contexts no run had (10.25k, 11.75k, 12.75k, 14.25k,
    12.25k, 14.75k, 8.25k, 10.75k, 9.25k, 4.25k, 2.625k, 8.75k); the first two runs are all such
    one-block decode points (loads 0.27-0.49), the third one fill point (20 x 9.25k, load 0.61), two
    multi-wave (1.21 and 2.18) and one more one-block point; each run's cache within 72 x 9.25k.
    Committed raw, not turned into a trace, not predicted. Every point held out. Its claims, declared
    now, whatever form it checks: as the fifth and sixth sets' (each run, every data-plane family
    within 15% on both sides; the multi-wave and fill means inside the stretches' ranges). Predicted
    (its claims' test committed first) with launches averaged across decode's phases: every claim
    held (the scatter 3.7 / 3.8 / 7.5% by run, 18.5 / 24.3 / 13.5% without the form);
  - `--short --phase random --points 9x9984,11x13568,13x11520,15x15872 --kernels mem2:1024:1,alu:1024:64,
    mem2:1024:16,mem:4096:4,alu:4096:256 --budget 150` (2026-12-04, a sixth session; declared and
    committed before the run, after the seventh sealed set was spent): the eighth sealed set, the check
    of launches averaged across decode's phases on kernels it was not chosen on: the short synthetic
    kernels (2-4 us to ~80 us, from Python and as graphs) and the paged-KV scatter beside one-wave
    attention grids that leave every SM at most one block (loads 0.27, 0.33, 0.39, 0.45; contexts no
    run had), where no synthetic co-runner was measured. Every point held out. Its claims, declared
    now: each short synthetic family within 20% co-runner MAPE (their target held out elsewhere), the
    scatter within 15%, decode's side within 15%. Predicted (its claims' test committed first): every
    claim held (the scatter 3.4%, the short families 10.0-18.4%; without the form 19.4% and 6.8-23.8%);
  - `--short --phase random --points 9x9472,12x12544,16x13312 --kernels alu:1984:256,alu:2048:256,
    alu:3968:256,alu:4096:256,alu:4224:256 --budget 150` (2026-12-04, a seventh session; declared and
    committed before the run; short_points3_random): the screen of what attention's phase costs ALU
    launches that fill every SM. The eighth set's 4,096-block ALU units were under-predicted by 21%
    beside 72-120 attention blocks and by 9% beside 64 (the launch set), where 2 x (2,112 - 64) slots
    still hold 4,096 blocks. The grids straddle the slots one attention block per SM leaves (16 per
    SM alone, 15 beside it; 72, 96 and 128 attention blocks): 1,984 and 3,968 blocks fit one and two
    waves beside every point, 2,048 and 4,096 and 4,224 need one more wave there. If the loss steps
    with the waves, the launch's waves beside attention's blocks enter the model; if it is smooth in
    the blocks, they do not. Every point held out; the screen is spent by whatever form it chooses.
    Read: smooth (1.98 and 1.94 for the one-wave pair, 1.59 / 1.58 / 1.57 for the two-wave three, equal
    priority, graphs); the waves do not enter;
  - `--short --phase random --points 10x11264,14x9216,11x15360 --kernels alu:2000:256,alu:2080:256,
    alu:4000:256,alu:4160:256,mem2:1024:16 --budget 150` (the same session, declared and committed
    with the screen, before its run; short_points4_random): the ninth sealed set, the check of
    whatever form the screen chooses, on grids and decode points it does not have (80, 112 and 88
    attention blocks; 2,000 and 4,000 blocks fit beside every point, 2,080 and 4,160 need one more
    wave), with the 3.5-us 2-byte units and the scatter. Committed raw, not turned into a trace, not
    predicted, until the form and its claims' test are committed. Every point held out. Its claims,
    declared now, whatever form it checks: the short-compute family within 15% co-runner MAPE and
    each of its four grids within 20%; the short-2-byte family and the scatter within their targets
    elsewhere (20%, 15%); decode's side within 15%. Predicted with attention's issue slots (its claims'
    test committed first): every claim held (the ALU family 8.6%, its grids 6.2-10.5%, 21.1% and
    20.7-21.7% without the term; 2-byte 14.8%, scatter 4.0%, decode 1.2-4.1%);
  - `--short --phase random --part attention` and `--part rest`, `--points 9x9984,15x15872 --kernels
    mem2:1024:1,alu:1024:64,mem2:1024:16,mem:4096:4,alu:4096:256,alu:2048:256 --budget 150` (the same
    session, after the screen showed the ALU launches' loss smooth in their blocks; declared and
    committed before the run; short_phase_attention/, short_phase_rest/): the eighth set's units and
    the scatter beside each part of the decode step alone (`--part`: its 32 attention kernels back to
    back, or the step without them), at two of the eighth set's one-block points. Not decode steps:
    never turned into a trace. What is read from it, declared now: each unit's time beside each
    part (t_att, t_rest), the model's per-phase terms against them, and whether the unit's time
    beside the whole step (short_points2/, short_points3/) is nearer the harmonic or the arithmetic
    mean of the two at attention's share of the step (phases.py). Read: harmonic, within 5% for 19 of
    the 20 graph cases (the arithmetic up to 33% high); attention's phase costs the ALU launches
    1.41-1.87x where the model charged 1.02-1.47x, the rest phase as modelled (3.77-3.88 against
    3.73-3.75 for the 2.5-us ALU launches): attention's block takes a quarter of its SM's issue slots
    (issue_profile.py --units attention_b<B>_c<L>), what phases.issue_loss now charges;
  - `--probe --phase random --part attention --points 8x4096,32x8192` and `--part rest --points
    1x1024,8x4096,32x8192` (2026-12-04, an eleventh session; declared and committed before the run;
    probe_phase_attention/, probe_phase_rest/): the probe units (many-wave launches of 2-3 us blocks,
    128 threads) beside each part of the decode step alone, at the probe's own decode points. Not
    decode steps: never turned into a trace; the measurement a form for the ALU probe's miss is fitted
    on. What is read from it, declared now: each unit's time beside each part at each priority; whether
    its time beside the whole step (probe_random/) is the harmonic mean of the two at attention's share;
    and which view of fit holds at high priority. The model's (decode's view) charges the ALU probe's
    cut-ins alike beside attention and the GEMVs, as its 16 blocks per SM keep either off an SM. If
    decode's blocks are dispatched first, the probe keeps what fits beside them instead: nothing beside
    a GEMV block, 9 of its 16 blocks beside two attention blocks (the co-runner's view, which predicts
    its loss beside attention well below its loss beside the rest). Read: the co-runner's view (the
    ALU probe at high priority 1.60-1.75 beside attention, 3.13-3.21 beside the rest, where the model
    charged 2.5-3.2 beside attention alone); the whole step the harmonic mean of the parts (2.61 and
    2.10 against 2.65 and 2.15); the ALU loses more than the 16-byte copy beside the GEMVs (3.1-3.2
    against 2.4-2.7): engines/serving/kept.py;
  - `--probe --phase random --points 2x2048,16x3072,24x10240,64x5120` (the same session, declared and
    committed before the run; probe_points_random/): the tenth sealed set, the check of whatever form
    the phase runs above choose for the probe, at decode points the probe never had: GEMVs 91% of the
    step (2 x 2k), a one-block grid (16 x 3k, load 0.48), a fill grid (24 x 10k, 0.73) and a two-wave
    one (64 x 5k, 1.94). Committed raw, not turned into a trace, not predicted, until the form and its
    claims' test are committed. Every point held out. Its claims, declared now: each of the four probe
    families within 15% co-runner MAPE, the ALU probe's high-priority points within 15%, decode's side
    within 15%. Predicted with the co-runner's view (its claims' test committed first): one claim
    failed, the 2-byte copy 15.2% (14.1% without the form); the ALU probe 9.5% (13.9%), its
    high-priority points 6.9%, the 16-byte and strided copies 12.9% and 12.2%, decode 0.6-0.7%;
  - `--dataplane --points 8x10752,18x5632,26x3584,34x7168` and `--points 3x9216,22x6656,46x5632,58x2560`
    (the same session, declared and committed before the run; dataplane_points33_random/,
    dataplane_points34_random/): the eleventh sealed set, data-plane units with CacheGen's decoder
    (TORCHAC_SRC), for the next form on either side, decode's loss beside the short-launch units
    included (validate's excess charged). Contexts no run had (10.5k, 5.5k, 3.5k, 7k, 9k, 6.5k, 5.5k,
    2.5k); loads 0.55-0.97 one-wave (one of them one-block, 18 x 5.5k), 1.03, 1.39 and 1.76 multi-wave.
    Committed raw, not predicted, until a form and its claims' test are committed. Every point held
    out. Its claims, declared now: as the fifth to seventh sets' (each run, every data-plane family
    within 15% on both sides; the multi-wave and fill means inside the stretches' ranges), and for a
    decode-side form, each short-launch unit's excess charged between 0.5 and 2. Predicted with the
    co-runner's view at high priority, the first form after it (its claims' test committed first):
    every claim held (the data-plane units 5.9-10.0% on the co-runner side, 4.7-8.3% without the
    form; decode 0.7-6.9%); the excess-charged claim waits for a decode-side form;
  - `--dataplane --points 7x7424,17x6400,31x3328,44x5376` and `--points 3x12544,12x7936,26x9216,52x4864`
    (the same session, last; declared and committed before the run, after the eleventh set was spent;
    dataplane_points35_random/, dataplane_points36_random/): the twelfth sealed set, data-plane units
    with CacheGen's decoder, for a decode-side form (decode's loss beside the units of many short
    launches, which the gate's time ratio hides: validate's excess charged) or any other next form.
    Decode points no run had. Committed raw, not turned into a trace, not predicted, until a form and
    its claims' test are committed. Every point held out. Its claims, declared now: as the eleventh
    set's (each run, every data-plane family within 15% on both sides; the multi-wave and fill means
    inside the stretches' ranges), and, for a decode-side form, the scatter's, torch.cat's, the
    dequantization's and the pinned copies' excess charged on decode's side between 0.5 and 2;
  - `--probe --phase random --points 4x1536,12x9216,28x7680,96x3072` (the same session, last; declared
    and committed before the run, after the tenth set was spent; probe_points2_random/): the
    thirteenth sealed set, for the next form of the probe's losses (the 2-byte copy at equal priority,
    over-predicted by 19% on the tenth set; the ALU beside attention alone), at decode points the probe
    never had: GEMVs 89% of the step (4 x 1.5k), a one-block grid (12 x 9k, load 0.36), a fill grid
    (28 x 7.5k, 0.85) and a three-wave one (96 x 3k, 2.91). Committed raw, not turned into a trace, not
    predicted, until a form and its claims' test are committed. Every point held out. Its claims,
    declared now: each of the four probe families within 15% co-runner MAPE, each priority's points
    of each family within 20%, decode's side within 15%;
  - `--dataplane --points 5x11264,14x4608,21x8704,38x6144` and `--points 2x6912,10x10752,29x5888,48x3840`
    (2026-12-04, a later session; declared and committed before the run, with the offline screen of
    the next form written but not fitted; dataplane_points37_random/, dataplane_points38_random/): the
    fourteenth sealed set, data-plane units with CacheGen's decoder, the check on the designs' kernels
    of a form for the co-runner's loaded latency at equal priority (a many-wave launch's blocks run
    without decode's GEMVs beside them: those wait behind its waves in launch order), or of any next
    form. Decode points no run had; attention loads 0.61, 0.42 (one block per SM), 0.64, 1.15 (two
    waves), 0.97, 0.30 (one block per SM), 0.88, 1.45 (two waves). Committed raw, not turned into a
    trace, not predicted, until a form and its claims' test are committed. Every point held out. Its
    claims, declared now: as the eleventh set's (each run, every data-plane family within 15% on both
    sides; the multi-wave and fill means inside the stretches' ranges), and, for a co-runner-side form,
    torch.cat's and the dequantization's co-runner MAPE no worse than the model before it by more than
    one point. Measured (2026-12-04, 167 s of device time with the build), committed raw;
  - `--probe --phase random --points 6x2560,9x7168,20x5120,56x6656` (2026-12-04, a twelfth session,
    after the fourteenth set; declared and committed before the run, with an offline screen of the next
    form written, not fitted; probe_points3_random/): the fifteenth sealed set, the check of a form for
    the co-runner's dispatch wait at high priority (a bandwidth-bound kernel's resident blocks keep
    streaming while its pending ones wait for decode's, as in the cut-ins: the 16-byte copy is
    over-predicted by 30-70% beside GEMV-heavy steps at high priority), or of any next form of the
    probe's losses. Decode points the probe never had: GEMVs 83% of the step (6 x 2.5k), a one-block
    grid (9 x 7k, load 0.27), a fill grid (20 x 5k, 0.61) and a two-wave one (56 x 6.5k, 1.70).
    Committed raw, not turned into a trace, not predicted, until a form and its claims' test are
    committed. Every point held out. Its claims, declared now: each of the four probe families within
    15% co-runner MAPE, each priority's points of each family within 20%, the 16-byte copy's
    high-priority points within 15%, decode's side within 15%. Amended before it was measured
    (2026-12-04, a thirteenth session, no device lent): measured with `--window 0.4` (29-80 launches a
    point at random phase, against 8-20 at the default 0.1 s), and each point's co-runner spread
    recorded (corunner_sem_s). In the thirteenth set the same 16-byte copy launched from the legacy
    and from a created stream differs by |a - b| / sqrt(2) = 8.7% of their mean on average, the error
    a model exact at each point's expected value would show, half the copy's 16.6% miss: at 0.1 s its
    claims would rest on the sampling as much as on the model. Claims unchanged;
  - `--dataplane --points 4x9728,15x5632,27x7424,46x4608` and `--points 9x13312,19x3584,33x6912,60x4096`
    (2026-12-04, a twelfth session, last; declared and committed before the run, after the twelfth and
    fourteenth sets were spent, with no form written for it; dataplane_points39_random/,
    dataplane_points40_random/): the sixteenth sealed set, data-plane units with CacheGen's decoder, for
    whatever form comes next on either side. Decode points no run had; attention loads 0.97, 0.45
    (one block per SM), 0.82, 1.39 (two waves), 0.27 (one block per SM), 0.58, 1.00, 1.82 (two
    waves). Not measured the day it was declared (no device was lent). Committed raw when measured, not
    turned into a trace, not predicted, until a form and its claims' test are committed. Every point
    held out. Its claims, declared now: as the twelfth set's (on each run every data-plane family
    within 15% on both sides; the multi-wave and fill means inside the stretches' ranges; the
    scatter's, torch.cat's, the dequantization's and the pinned copies' excess charged on decode's side
    between 0.5 and 2 over the set);
  - `--short --phase random --points 32x1024,32x4096,8x8192,1x8192 --kernels
    mem2:1024:1,alu:1024:64,mem2:1024:16,mem:4096:4,alu:4096:256 --budget 150` (2026-12-04, a thirteenth
    session, no device lent; declared and committed before the run; short_points_repeat_random/): not
    a sealed set, the launch points' run (short_points_random/) repeated with each point's spread
    recorded (corunner_sem_s). What is read from it, declared now: each short family's repeatability
    against short_points_random/ (mean |a - b| / sqrt(2) of their mean, point by point) and its noise
    floor from the spread, beside the model's misses there (short-2-byte 19.0%, short-compute 16.2%,
    constant across decode points unit by unit: the 1.8-us 2-byte and 2.5-us ALU launches over-predicted
    by about a fifth, the 3.5-us 2-byte ones under by a sixth). Every point held out; a trace of its
    own, predicted with whatever model is committed when it is measured;
  - `--short --phase random --points 8x4096,32x8192,1x8192 --kernels alu:1:1,mem2:1:1,alu:132:1 --budget
    150` (the same session, last; declared and committed before the run; launch_cost_random/): what a
    launch costs decode by itself. Launches of one block (and of one block per SM), one iteration,
    from Python and as a graph: the blocking is nil for the one-block launches (they touch 1 of 132
    SMs), so decode's loss per launch beside them is a per-launch cost. Not a sealed set; raw, never
    turned into a trace until a form needs it. What is read from it, declared now: decode's loss per
    launch, (decode beside - alone) / launches per step, stream-issued against graph-replayed. The
    offline screen (docs/serving.md, What a co-runner keeps) charged 0.25 us per stream-issued launch
    and none per graph launch. Read: a null launch costs decode 0.1-0.35 us from a graph and 0.0-0.57 us
    from Python, alike (not the screen's premise); the paged-KV scatter beside it costs 0.9-2.9 us per
    launch, 5-10x a null launch: its cost is its blocks, not its launch;
  - `--probe --phase random` and `--regime --eager --phase random` (the same session, after the
    fifth sealed set; declared and committed before the run): the two sections still measured only
    at the step's start in a process that had run torch's profiler (probe/, regime_eager/), whose
    families miss by 16.7-22.3% (the probe) and 14.5-17.5% (the eager regime kernels), measured
    again unprofiled at a random point of the step, where a serving system's launches land and
    which the model describes (a mean over the step). Same units, decode points and launch counts.
    Every point held out, nothing refitted. What is read from it, declared now: each family's
    co-runner MAPE at random phase beside its start-phase MAPE; if every family is within 15% there,
    the start-phase misses are the phase's (left out by the model) or the profiler's, and are
    recorded as such; if not, they stand as misses of the model. Read: the three copies 11.8-12.7%
    (from 16.7-19.9%), the phase's and the profiler's; the ALU probe 23.5% (from 22.3%), the model's;
    the eager regime kernels' misses were host-bound rows (make_interference_traces.py leaves them
    out), without which they are 8.7-9.4%;
  - `--regime --points 18x8192,24x4096,24x12288,30x8192` (the same session, after the third sealed
    set was predicted; declared and committed before the run): the synthetic regime kernels beside
    one-wave attention grids that fill some SMs (loads 0.55, 0.73, 0.73, 0.91), where no synthetic
    co-runner was measured (the spill's fitted set has loads 0.97-2.42). Whether CacheGen's decoder's
    residual threshold (measured over predicted 0.93-1.06 below load 0.5, 1.02-1.46 at 0.73-0.91)
    is the spill's, shared by the decoder-like 512-block kernels, or the decoder's own. Every point
    held out; a later calibration may declare a fitted subset before it runs;

Run on the device machine:  python validation/collect/interference_grid.py $OUT [--quick] [--budget S]
                            [--phase random] [--points BxL,...]
                            [--regime | --widths | --probe | --paced | --short | --onewave | --drain | --dataplane]
CacheGen's decoder is imported from TORCHAC_PATH if set (see gpu_decode_path.py); without it the
decoder rows are skipped. measure_gpu.sh runs every section another GPU's check needs.

The code, one concept per module: grid_measure.py (one point: decode beside k launches every m
steps, timed with events, and its row with its declared role), grid_kernels.py (the synthetic CuPy
kernels and their calibration), grid_units.py (the data-plane units, the earlier collector's and
the probe's), grid_sections.py (the sections after the first grid); this file, the first grid and
the command line.
"""


from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import torch
import warnings

warnings.filterwarnings("ignore")
sys.path.insert(0, str(Path(__file__).resolve().parent))
# the collector's parts (one concept each); the names other scripts use are re-exported here
from gpu_common import (Deadline, Model, event, gpu_properties, kernel_descriptors,  # noqa: E402,F401
                        priority_streams, write_descriptors, RandomPhase)
from grid_kernels import Synthetic, time_alone  # noqa: E402,F401
from grid_measure import (DUTY_TARGETS, Decode, Grid, beside, eager_batch, guarded, plan_duty,  # noqa: E402,F401
                          run_config)
from grid_sections import (DRAIN, ONEWAVE, WIDTHS, calibrate_all, copy_fit, paced, probe, regime,  # noqa: E402
                           section_copies, section_decode_grid, short)
from grid_units import dataplane, dataplane_point, dataplane_units, legacy_units, unit_descriptors  # noqa: E402,F401

__all__ = ["DECODE_POINTS", "FOOTPRINTS", "Decode", "Grid", "Synthetic", "beside", "dataplane_point", "dataplane_units",
           "eager_batch", "event", "gpu_properties", "guarded", "kernel_descriptors", "main", "run_config", "time_alone"]

SEED = 20261202
DECODE_POINTS = [(8, 4096), (1, 1024), (32, 8192)]  # the first is the main point of the grid
FOOTPRINTS = {  # name -> (threads per block, dynamic shared memory per block)
    "thin": (128, 0),          # up to 16 blocks per SM: co-resides with almost anything
    "wide": (1024, 0),         # 2 blocks per SM fill its 2048 thread slots
    "fat": (1024, 200 << 10),  # 1 block per SM: half the threads, nearly all shared memory
    "smem": (128, 100 << 10),  # 2 blocks per SM of few threads that hold most shared memory
}
GRIDS = [8, 33, 132, 264, 1056]
DURATIONS_S = [20e-6, 200e-6, 2e-3, 20e-3]
BODIES = ["mem", "alu"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--quick", action="store_true", help="a few points of every section (a check of the code)")
    ap.add_argument("--budget", type=float, default=480.0, help="seconds; no new point starts after it")
    ap.add_argument("--skip", default="", help="comma-separated sections to skip")
    ap.add_argument("--section", default="", help="run only this section (copyfit)")
    ap.add_argument("--regime", action="store_true",
                    help="only the synthetic co-runners in the data-plane kernels' regime (REGIME)")
    ap.add_argument("--widths", action="store_true",
                    help="only the access-width grid of streaming co-runners (WIDTHS), as CUDA graphs")
    ap.add_argument("--probe", action="store_true",
                    help="only the probe units: PyTorch's copies against CuPy kernels of the same shape (PROBE_*)")
    ap.add_argument("--phase", choices=("start", "random"), default="start",
                    help="launch co-runners at the start of each decode step they wait for, or at a uniformly "
                         "random point of it (seeded; gpu_common.RandomPhase)")
    ap.add_argument("--paced", action="store_true",
                    help="only the host-paced units: 32 launches from Python at fixed host intervals (PACED_*)")
    ap.add_argument("--short", action="store_true",
                    help="only the short-kernel units: 32 launches back to back, from Python and as a graph (SHORT_KERNELS)")
    ap.add_argument("--points", default="",
                    help="decode points as batch x context tokens, comma-separated (default: DECODE_POINTS)")
    ap.add_argument("--kernels", default="",
                    help="with --short: only these kernels, as body:blocks:iterations (body mem2, mem or alu; any grid), comma-separated")
    ap.add_argument("--onewave", action="store_true",
                    help="only the one-wave kernels of 1, 2 or 4 blocks per SM (ONEWAVE), as CUDA graphs")
    ap.add_argument("--drain", action="store_true",
                    help="only the many-wave kernels of short to long block lifetimes (DRAIN), as CUDA graphs")
    ap.add_argument("--dataplane", action="store_true",
                    help="only the data-plane units, k = 1, 2, 4, 8 per step, at every decode point and priority")
    ap.add_argument("--part", choices=("all", "attention", "rest"), default="all",
                    help="run beside this part of the decode step only (gpu_common.Model.part): its attention "
                         "kernels back to back, or the step without them; every row is then of that part")
    ap.add_argument("--eager", action="store_true",
                    help="with --regime: launch each co-runner from Python, as the data-plane units are, not as a graph")
    ap.add_argument("--window", type=float, default=0.1,
                    help="with --probe: seconds of decode each point measures (at least 8 steps); a longer "
                         "window averages more launches at random phase (corunner_sem_s)")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    skip = set(filter(None, args.skip.split(",")))
    dl = Deadline(args.budget)
    quick = args.quick
    rng = random.Random(SEED)
    phase = RandomPhase(SEED) if args.phase == "random" else None
    props = gpu_properties()
    (out / "gpu.json").write_text(json.dumps(props, indent=1))
    print(f"[{dl.elapsed():.0f}s] {props.get('name')}, {props.get('multi_processor_count')} SMs", flush=True)

    from gpu_decode_path import load_torchac
    ac = load_torchac(out)
    print(f"torchac_cuda: {'yes' if ac else 'no'}", flush=True)
    side = torch.cuda.default_stream()  # CacheGen's decoder launches on the legacy default stream
    syn_side = torch.cuda.Stream(priority=0)  # synthetic co-runners: capturable (not the legacy stream)
    streams = priority_streams()
    steps = 5 if quick else 20
    points = DECODE_POINTS[:1] if quick else DECODE_POINTS
    if args.points:  # e.g. 32x1024,32x4096: other decode points (batch x context tokens)
        points = [tuple(int(v) for v in pt.split("x")) for pt in args.points.split(",")]
    # The KV cache holds the largest point (a batch above 32 needs it; 32 x 8k keeps earlier runs' layout)
    model = Model(max(32, *(b for b, _ in points)), max(8192, *(c for _, c in points)))
    model.part = args.part
    decodes = {p: Decode(model, p[0], p[1], streams, steps) for p in points}
    print(f"[{dl.elapsed():.0f}s] decode alone: " + ", ".join(
        f"b{p[0]} c{p[1]} {d.alone['equal'] * 1e3:.2f}/{d.alone['high'] * 1e3:.2f} ms" for p, d in decodes.items()),
        flush=True)

    if args.section == "copyfit":
        copy_fit(out, decodes, streams, side, dl)
        return
    syn = Synthetic()
    if args.probe:
        probe(out, syn, decodes, streams, dl, quick, phase, args.window)
        return
    if args.widths:
        regime(out, syn, decodes, points, streams, syn_side, dl, rng, quick, table=WIDTHS, section="widths",
               phase=phase)
        return
    if args.onewave:
        regime(out, syn, decodes, points, streams, syn_side, dl, rng, quick, table=ONEWAVE, section="onewave",
               phase=phase)
        return
    if args.drain:
        regime(out, syn, decodes, points, streams, syn_side, dl, rng, quick, table=DRAIN, section="drain",
               phase=phase)
        return
    if args.dataplane:
        units = dataplane_units(ac, side)
        dataplane(Grid(out), units, decodes, streams, side, dl, quick, phase)
        unit_descriptors(out, units, side)
        return
    if args.short:
        short(out, syn, decodes, points, streams, syn_side, side, dl, rng, quick, phase, args.kernels)
        return
    if args.paced:
        paced(out, syn, decodes, points, streams, syn_side, side, dl, rng, quick, phase)
        return
    if args.regime:
        regime(out, syn, decodes, points, streams, syn_side, dl, rng, quick, graph=not args.eager, phase=phase)
        return
    legacy = legacy_units()
    units = dataplane_units(ac, side)
    if quick:
        units = dict(list(units.items())[:2] + ([("ac_decode", units["ac_decode"])] if "ac_decode" in units else []))

    if "decode" not in skip:
        section_decode_grid(out, model, quick, dl)
    if "copies" not in skip:
        section_copies(out, quick, dl)

    grid = Grid(out)
    window = 0.06 if quick else 0.1
    # legacy co-runners: saturating, at the main point, both priorities
    main_dec = decodes[points[0]]
    for name, unit in legacy.items():
        t_unit = time_alone(unit, side, 0.03)
        for prio in ("equal", "high"):
            if dl.left() > 0:
                guarded(run_config, grid, "legacy", name, main_dec, prio, streams, side, unit, t_unit, "sat", window)
    print(f"[{dl.elapsed():.0f}s] legacy done", flush=True)

    dataplane(grid, units, decodes, streams, side, dl, quick, phase)

    # synthetic co-runners: calibrate every one, then run the grid in a seeded random order
    defs = [(body, fp, g, d) for body in BODIES for fp in FOOTPRINTS for g in GRIDS for d in DURATIONS_S]
    if quick:
        defs = [("mem", "wide", 264, 200e-6), ("alu", "fat", 33, 2e-3), ("alu", "thin", 1056, 20e-6)]
    corunners = calibrate_all(out, syn, [(body, fp, g, d, *FOOTPRINTS[fp]) for body, fp, g, d in defs], "syn",
                              syn_side, dl)
    print(f"[{dl.elapsed():.0f}s] calibrated {len(corunners)} synthetic co-runners", flush=True)
    configs = []
    for name in corunners:
        for duty in DUTY_TARGETS:
            configs.append((name, points[0], "equal", duty))
        for duty in DUTY_TARGETS:
            configs.append((name, points[0], "high", duty))
        for p in points[1:]:
            if rng.random() < 0.3:
                configs += [(name, p, "equal", duty) for duty in DUTY_TARGETS]
    rng.shuffle(configs)
    seen = set()
    for name, p, prio, duty in configs:
        if dl.left() <= 0:
            print(f"budget spent: {len(seen)} of {len(configs)} synthetic configs", flush=True)
            break
        launch, alone = corunners[name]
        dec = decodes[p]
        km = plan_duty(DUTY_TARGETS[duty], alone, dec.alone[prio]) if duty != "sat" else "sat"
        if (name, p, prio, km) in seen:
            continue
        seen.add((name, p, prio, km))
        guarded(run_config, grid, "synthetic", name, dec, prio, streams, syn_side, launch, alone, duty, window,
                use_graph=True, phase=phase)
    # a second measurement of a random tenth of the points, for the spread of the method itself
    again = rng.sample(sorted(seen, key=str), k=min(len(seen), max(3, len(seen) // 10)))
    for name, p, prio, km in again:
        if dl.left() <= 0:
            break
        launch, alone = corunners[name]
        duty = "sat" if km == "sat" else next(d for d in ("low", "mid") if plan_duty(DUTY_TARGETS[d], alone, decodes[p].alone[prio]) == km)
        guarded(run_config, grid, "synthetic", name, decodes[p], prio, streams, syn_side, launch, alone, duty, window,
                use_graph=True, repeat=1, phase=phase)
    print(f"[{dl.elapsed():.0f}s] done: {len(grid.rows)} grid rows", flush=True)
    # kernel descriptors, last: the profiler changes how concurrent kernels are dispatched for the rest
    # of the process (gpu_common.PROFILED). Decode at each point (eager), the data-plane and legacy
    # units, one of each synthetic footprint x body (their grids differ only in count)
    kernels = []
    x = {p: model.inputs(p[0]) for p in points}
    for p in points:
        kernels += kernel_descriptors(lambda p=p: model.step(x[p], p[1]), f"decode_b{p[0]}_c{p[1]}")
    for name, unit in {**units, **legacy}.items():
        with torch.cuda.stream(side):
            kernels += kernel_descriptors(unit, name)
    for fp, (threads, smem) in FOOTPRINTS.items():
        for body in BODIES:
            kernels += kernel_descriptors(syn.launcher(body, 132, threads, smem, 64, syn_side), f"synthetic_{body}_{fp}")
    write_descriptors(out, kernels)
    print(f"[{dl.elapsed():.0f}s] kernels: {len(kernels)} rows", flush=True)


if __name__ == "__main__":
    main()
