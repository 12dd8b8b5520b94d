"""The interference model's terms by hand (engines/serving/interference.py): block residency,
blocking of decode, and each term of the co-runner's growth."""

from dataclasses import replace

import pytest

from nicmodel.engines.serving import interference as m, launches

from hopper import HOPPER, PROFILE, SHAPES, THIN


def test_blocks_per_sm_by_hand():
    # 38 registers -> 1,280 per warp (units of 256), 5,120 per 4-warp block: 65,536 // 5,120 = 12
    assert m.blocks_per_sm(HOPPER, (128, 38, 0)) == 12
    # 48 KiB of shared memory + 1 KiB reserved per block: 233,472 // 50,176 = 4
    assert m.blocks_per_sm(HOPPER, (128, 32, 48 << 10)) == 4
    # a GEMV block takes 64,512 registers: one per SM, and no 4-warp block fits beside it
    assert m.blocks_per_sm(HOPPER, SHAPES["weights"]) == 1
    assert not m.fits_beside(HOPPER, SHAPES["weights"], THIN, 1)
    assert m.fits_beside(HOPPER, SHAPES["attention"], THIN, 1)


def test_blocks_fit_together_within_the_fullest_sub_partition_by_hand():
    # the GEMV's 12 warps of 168 registers (5,376 a warp) are 3 on each of 4 sub-partitions: 16,128
    # of 16,384, 256 left on each. The SM-wide count leaves 1,024: room for one warp of 14 registers
    # (512 a warp), which no sub-partition has (h200/residency_synthetic/: it waited); a warp of 8
    # (256) fits on one, four of them one on each, a fifth needs a second on one of them
    one_warp_14, one_warp_8, four_warps_8, five_warps_8 = (32, 14, 0), (32, 8, 0), (128, 8, 0), (160, 8, 0)
    whole_sm = {**HOPPER, "gpu.sm_limits.sub_partitions": 1}
    assert m.fits_beside(whole_sm, one_warp_14, SHAPES["weights"], 1)
    assert not m.fits_beside(HOPPER, one_warp_14, SHAPES["weights"], 1)
    assert m.fits_beside(HOPPER, one_warp_8, SHAPES["weights"], 1)
    assert m.fits_beside(HOPPER, four_warps_8, SHAPES["weights"], 1)
    assert not m.fits_beside(HOPPER, five_warps_8, SHAPES["weights"], 1)
    # two attention blocks (4 warps of 183 registers, 5,888 a warp) are 2 warps on each: 11,776,
    # 4,608 left on each, room for one 4-warp block of up to 144 registers a thread (4,608 a warp)
    assert m.fits_beside(HOPPER, (128, 144, 0), SHAPES["attention"], 2)
    assert not m.fits_beside(HOPPER, (128, 152, 0), SHAPES["attention"], 2)


def test_latency_relief_by_hand():
    # 132 blocks of 4 warps, one per SM (s = 1) of 16 it could hold (o = 1/16, o^0.5 = 0.25): the
    # blocking counts 0.25 of its SMs, the relief takes latency_relief (0.6) x 1 x (1 - 0.25) = 0.45
    # of the loaded latency's term; one block of 200 KiB per SM (o = 1) is spared none
    p = {**HOPPER, "gpu.interference.latency_loss": 0.6}
    relieved = {**p, "gpu.interference.latency_relief": 0.6}
    thin = m.CoRunner(THIN, 132, 500e-6, 0.01, 2.0)
    assert m.couple(relieved, thin, "equal", SHAPES).latency == pytest.approx(
        m.couple(p, thin, "equal", SHAPES).latency * (1 - 0.6 * 1.0 * (1 - 0.25)))
    full = m.CoRunner((128, 32, 200 << 10), 132, 500e-6, 0.01, 2.0)
    assert m.couple(relieved, full, "equal", SHAPES).latency == pytest.approx(
        m.couple(p, full, "equal", SHAPES).latency)
    # half the SMs (66 blocks, s = 0.5): half the relief
    half = m.CoRunner(THIN, 66, 500e-6, 0.01, 2.0)
    assert m.couple(relieved, half, "equal", SHAPES).latency == pytest.approx(
        m.couple(p, half, "equal", SHAPES).latency * (1 - 0.6 * 0.5 * (1 - 0.25)))


def test_one_wave_compute_bound_corunner_by_hand():
    c = m.CoRunner(THIN, 132, 100e-6, 0.0)  # one thin block per SM, 100 us, no HBM traffic
    cp = m.couple(HOPPER, c, "equal", SHAPES)
    # only the GEMVs cannot sit beside it: x = 0.7; cover = 1 x (1/16)^0.5 = 0.25
    assert cp.exclusive(PROFILE) == pytest.approx(0.7)
    blocking = 0.25 * 0.7 * 100 / (100 + 2 * 14)
    assert cp.blocking(PROFILE) == pytest.approx(blocking)
    # packing: 33 SMs free (a quarter held) -> 4 blocks (16 warps) on its most-packed SM against 1
    # (4 warps) alone; issue saturates at 8 warps: 16/8 = 2x slower. Fewer than its 16 per SM fit
    # beside every decode kernel (none beside a GEMV, 4 beside attention, 14 beside elementwise)
    wait = 1.5 * 0.7 * 14 / (100 + 14)
    beside = 0.5 * (2 - 1) * (0.7 + 0.24 + 0.06)
    assert cp.slowdown(PROFILE) == pytest.approx(wait + (1 - blocking) * beside)


def test_one_wave_launch_packs_onto_its_most_packed_sm_by_hand():
    """A one-wave launch landing while decode holds 95% of the SMs: its blocks go to the 6.6 free
    ones, at most pack_blocks more per SM than its share alone and at most its per-SM limit; it lasts
    as long as that SM's blocks, slowed once they exceed issue_warps warps. A launch that fills every
    SM to its limit alone cannot pack."""
    p = {**HOPPER, "gpu.decode_kernels.weights_sm_share": 0.95, "gpu.interference.pack_blocks": 6.0}
    none = {**p, "gpu.interference.crowding": 0.0}
    cases = [  # (shape, blocks, blocks on the most-packed SM, alone, kinds it packs beside)
        (THIN, 132, 7, 1, ("weights", "attention", "elementwise")),  # ceil(132 / 6.6) = 20 > 1 + 6
        (THIN, 33, 5, 1, ("weights", "attention", "elementwise")),  # ceil(33 / 6.6) = 5
        (THIN, 1056, 14, 8, ("weights", "attention", "elementwise")),  # 8 alone, + 6
        ((128, 32, 48 << 10), 132, 4, 1, ("weights", "attention")),  # its limit (4) fits beside elementwise
    ]
    for shape, blocks, packed, alone, kinds in cases:
        c = m.CoRunner(shape, blocks, 100e-6, 0.0)
        cp = m.couple(p, c, "equal", SHAPES)
        slow = max(1, packed * 4 / 8) / max(1, alone * 4 / 8) - 1  # 4 warps a block, 8 saturate an SM
        assert cp.packing == kinds and cp.packed == pytest.approx(0.5 * slow), (shape, blocks)
        share = sum(PROFILE.shares[k] for k in kinds)
        run = 1 - cp.blocking(PROFILE)
        assert (cp.slowdown(PROFILE) - m.couple(none, c, "equal", SHAPES).slowdown(PROFILE)
                == pytest.approx(run * 0.5 * slow * share))
    # 16 thin blocks per SM alone: nowhere to pack tighter
    full = m.couple(p, m.CoRunner(THIN, 2112, 100e-6, 0.0), "equal", SHAPES)
    assert full.packed == 0.0


def test_multi_wave_memory_bound_corunner_at_high_priority_by_hand():
    # 6,336 thin blocks (38 registers: 12 per SM): 4 waves of 12 per SM; 60% of HBM, 40 us
    c = m.CoRunner((128, 38, 0), 6336, 40e-6, 0.6)
    cp = m.couple(HOPPER, c, "high", SHAPES)
    # 12 resident blocks hold 61,440 registers: neither a GEMV nor an attention block (23,552)
    # fits beside them, an elementwise block (3,072) does: x = 0.7 + 0.24
    x = 0.94
    assert cp.exclusive(PROFILE) == pytest.approx(x)
    tau = 40e-6 / 4
    blocking = 1.0 * 1.0 ** 0.5 * x * tau / (tau + 2 * 14e-6)
    assert cp.blocking(PROFILE) == pytest.approx(blocking)
    # decode's blocks go first: what it keeps beside them (kept.py) is what it waits for and loses at
    # the wave boundaries. Its 12 blocks of 4 warps saturate the issue slots (48 warps, 8 saturate);
    # none fits beside a GEMV block, 3 beside two attention blocks and 11 beside two elementwise
    # blocks, which still saturate them: it loses only the GEMVs' share, k = 0.7. The lost SM time
    # costs it in proportion to its compute-boundness, HBM-bound 0.6: 0.4 + 0.6 x wave_memory (0.5)
    k, sensitivity = 0.7, 0.4 + 0.6 * 0.5
    assert dict(cp.lost) == pytest.approx({"weights": 1.0, "attention": 0.0, "elementwise": 0.0})
    wait = 1.5 * k * 14 / (40 + 14)
    waves = 0.4 * k * (1 - 1 / 4) * sensitivity
    # memory-bound share 0.6 over all SMs; 12 x 128 = 1,536 of 2,048 threads resident: 25% exposed
    memory = 2.0 * 0.6 * 0.25
    # packing: already 12 per SM everywhere, its limit: it cannot pack tighter
    assert cp.slowdown(PROFILE) == pytest.approx(wait + (1 - blocking) * (waves + memory))
    # at equal priority decode does not take the wave boundaries
    equal = m.couple(HOPPER, c, "equal", SHAPES)
    assert equal.wave_yield == 0.0


def test_short_lived_blocks_lose_more_to_decodes_cut_ins_by_hand():
    """At high priority the wave term grows by 1 + cut_in_gain x cut_in_time / (tau + cut_in_time),
    tau the block lifetime: the same kernel with 10-us blocks and with 1-ms blocks; at equal
    priority, and for a one-wave kernel, no change at all."""
    p = {**HOPPER, "gpu.interference.cut_in_gain": 4.0, "gpu.interference.cut_in_time": 2.5e-6}
    for duration, tau in ((40e-6, 10e-6), (4e-3, 1e-3)):  # 4 waves of 12 per SM either way
        c = m.CoRunner((128, 38, 0), 6336, duration, 0.6)
        base, cut = m.couple(HOPPER, c, "high", SHAPES), m.couple(p, c, "high", SHAPES)
        factor = 1 + 4.0 * 2.5 / (tau * 1e6 + 2.5)  # 1.8 for 10-us blocks, 1.01 for 1-ms ones
        assert base.cut_in == 1.0 and cut.cut_in == pytest.approx(factor)
        k, run = 0.7, 1 - base.blocking(PROFILE)  # the co-runner's view: the GEMVs' share (above)
        grown = run * 0.4 * k * (1 - 1 / 4) * (factor - 1) * (0.4 + 0.6 * 0.5)
        assert cut.slowdown(PROFILE) - base.slowdown(PROFILE) == pytest.approx(grown)
        assert (m.couple(p, c, "equal", SHAPES).slowdown(PROFILE)
                == pytest.approx(m.couple(HOPPER, c, "equal", SHAPES).slowdown(PROFILE)))
    one = m.CoRunner((128, 38, 0), 1584, 40e-6, 0.6)  # one wave of 12 per SM: no later waves to lose
    assert m.couple(p, one, "high", SHAPES).slowdown(PROFILE) == pytest.approx(
        m.couple(HOPPER, one, "high", SHAPES).slowdown(PROFILE))


def test_narrow_accesses_add_their_term_by_hand():
    # the memory-bound co-runner above (4 waves of 12 per SM), streaming 4-byte accesses:
    # log2(16/4) / log2(16/2) = 2/3 of narrow_high (1.2) on its later waves, 1 - 1/4 of its time,
    # while decode runs beside it; 16-byte accesses and ALU kernels add nothing. Its 12 resident
    # blocks (61,440 registers) leave no room for an attention block (24,576): no attention term
    shape, blocks, duration, share = (128, 38, 0), 6336, 40e-6, 0.6
    vector = m.CoRunner(shape, blocks, duration, share, 16.0)
    narrow = m.CoRunner(shape, blocks, duration, share, 4.0)
    cp = m.couple(HOPPER, narrow, "high", SHAPES)
    assert cp.waves == 4 and cp.narrow_attention == 0.0
    run = 1 - cp.blocking(PROFILE)
    extra = m.corunner_slowdown(HOPPER, PROFILE, narrow, "high") - m.corunner_slowdown(HOPPER, PROFILE, vector, "high")
    assert extra == pytest.approx(1.2 * (2 / 3) * (1 - 1 / 4) * run)
    # 16-byte accesses add no narrow term (the kernel still counts as waiting on memory in kept.py)
    assert m.narrowness(vector) == 0.0 and m.couple(HOPPER, vector, "high", SHAPES).narrow == 0.0
    # 2-byte scalars at equal priority: no narrow term (what narrow_equal carried is the loaded latency's)
    scalar = m.CoRunner(shape, blocks, duration, share, 2.0)
    assert m.corunner_slowdown(HOPPER, PROFILE, scalar) == pytest.approx(m.corunner_slowdown(HOPPER, PROFILE, vector))
    # narrower never slows less; decode's side does not depend on the width
    widths = [m.corunner_slowdown(HOPPER, PROFILE, m.CoRunner(shape, blocks, duration, share, w), "high")
              for w in (16.0, 8.0, 4.0, 2.0, 1.0)]
    assert widths == sorted(widths)
    assert m.sigma(HOPPER, PROFILE, scalar, "high") == pytest.approx(m.sigma(HOPPER, PROFILE, vector, "high"))


def test_a_one_wave_narrow_kernel_beside_attention_by_hand():
    # the paged-KV scatter's shape: 1,024 blocks of 4 warps, 32 registers (4,096 per block), one
    # wave of 8 per SM at most (32,768 registers), which leaves room for an attention block
    # (24,576): narrow_attention (0.5) x the attention share (0.24) at either priority; narrow_high
    # on no later wave (one wave). The profile gives no attention kernel's duration: its blocks are
    # taken to live within one
    shape, blocks, duration, share = THIN, 1024, 5e-6, 0.1
    scalar, vector = m.CoRunner(shape, blocks, duration, share, 2.0), m.CoRunner(shape, blocks, duration, share, 16.0)
    assert "attention" not in m.couple(HOPPER, scalar, "high", SHAPES).low
    for priority in ("high", "equal"):
        run = 1 - m.blocking(HOPPER, PROFILE, scalar, priority)
        extra = (m.corunner_slowdown(HOPPER, PROFILE, scalar, priority)
                 - m.corunner_slowdown(HOPPER, PROFILE, vector, priority))
        assert extra == pytest.approx(0.5 * 0.24 * run)
    # attention kernels of 15 us: a 5-us block lives within one for 15 / (15 + 5) of the term
    timed = replace(PROFILE, attention_s=15e-6)
    run = 1 - m.blocking(HOPPER, timed, scalar, "equal")
    extra = m.corunner_slowdown(HOPPER, timed, scalar) - m.corunner_slowdown(HOPPER, timed, vector)
    assert extra == pytest.approx(0.5 * 0.24 * 0.75 * run)
    # on a GPU whose loads wait 4x idle beside attention, against 2.5x where narrow_attention was
    # fitted: (4 - 1) / (2.5 - 1) = 2x the term (h100/loaded_latency/: the H100 3.51, the H200 2.46)
    slower = {**HOPPER, "gpu.interference.latency_beside_attention": 4.0}
    assert m.attention_latency_scale(slower) == pytest.approx(2.0) and m.attention_latency_scale(HOPPER) == 1.0
    extra = m.corunner_slowdown(slower, timed, scalar) - m.corunner_slowdown(slower, timed, vector)
    assert extra == pytest.approx(2.0 * 0.5 * 0.24 * 0.75 * run)
    # no attention in the step, no attention term
    no_attention = m.DecodeProfile(14e-6, {"weights": 0.94, "attention": 0.0, "elementwise": 0.06}, SHAPES)
    assert m.corunner_slowdown(HOPPER, no_attention, scalar, "high") == pytest.approx(
        m.corunner_slowdown(HOPPER, no_attention, vector, "high"))


def test_loaded_latency_by_hand():
    # 132 blocks of 4 warps (one per SM), 500 us alone, copying 2-byte elements at 1% of peak HBM:
    # 24 MB a launch, 24e6 / (132 x 128 threads x 2 B) / 2 = 355.1 loads a thread, at 400 ns each
    # 0.2841 of its 500-us life (latency-boundness); compute-boundness 1 - 0.01 (its HBM share per SM
    # held); beside decode a load takes 2x as long: latency_loss (0.6) x 0.2841 x 0.99 x (2 - 1)
    shape, blocks, alone_s, share = THIN, 132, 500e-6, 0.01
    copy = m.CoRunner(shape, blocks, alone_s, share, 2.0)
    p = {**HOPPER, "gpu.interference.latency_loss": 0.6}
    boundness = 24e6 / (132 * 128 * 2) / 2 * 400e-9 / 500e-6
    assert m.latency_boundness(p, copy, alone_s) == pytest.approx(boundness)
    cp = m.couple(p, copy, "equal", SHAPES)
    assert cp.latency == pytest.approx(0.6 * boundness * 0.99 * 1.0)
    # outside attention in full; within attention its blocks (500 us) outlive an attention kernel
    # (100 us): narrow_attention takes 100 / 600 of attention's share, the loaded latency the rest
    timed = replace(PROFILE, attention_s=100e-6)
    run = 1 - m.blocking(p, timed, copy, "equal")
    within = 100e-6 / 600e-6
    extra = m.corunner_slowdown(p, timed, copy) - m.corunner_slowdown(HOPPER, timed, copy)
    assert extra == pytest.approx(cp.latency * (1 - 0.24 * within) * run)
    # an ALU kernel, or one with a measured issue share, waits on no load: none
    assert m.latency_boundness(p, m.CoRunner(shape, blocks, alone_s, share), alone_s) == 0.0
    assert m.latency_boundness(p, replace(copy, issue_share=0.3), alone_s) == 0.0
    # at most 1: one moving 5x the bytes in the same time (1.42 of its life in loads, one at a time)
    assert m.latency_boundness(p, replace(copy, hbm_share=0.05), alone_s) == 1.0
    # decode's side does not see it
    assert m.sigma(p, timed, copy) == pytest.approx(m.sigma(HOPPER, timed, copy))


def test_spill_of_a_decoder_shaped_launch_by_hand():
    # CacheGen's decoder: 512 blocks of 128 threads, 32 registers, 48 KiB of shared memory: 4 per
    # SM (50,176 B each with the reserved 1 KiB), one wave of 512 <= 528 slots, so it needs 4 on
    # nearly every SM. Two attention blocks (2 x 87,360 B) leave room for one (224,896 B in all,
    # a second would need 275,072 B > 233,472 B): attention is the kind it spills beside; a GEMV
    # leaves room for none (exclusive, not spilling); two elementwise blocks leave room for all 4.
    decoder = (128, 32, 48 << 10)
    assert m.blocks_beside(HOPPER, decoder, SHAPES["attention"], 2, 4) == 1
    assert m.blocks_beside(HOPPER, decoder, SHAPES["weights"], 1, 4) == 0
    assert m.blocks_beside(HOPPER, decoder, SHAPES["elementwise"], 2, 4) == 4
    one = m.CoRunner(decoder, 512, 550e-6, 0.02)
    assert m.spilling_kinds(HOPPER, one, SHAPES) == ("attention", "none")
    # wave_spill (1.0) x attention's share of decode time (0.24) x latency exposure (1 - its 512 / 132
    # blocks per SM x 128 threads / 2,048 = 0.758) x compute-boundness (1 - its HBM share 0.02 over the
    # SMs it holds, all) x the share of the wait it does not make up: an ALU-like body (issue share 1)
    # at 512 / 132 x 4 warps per SM saturates the issue slots (15.5 warps over issue_warps 8: 1.94),
    # so the blocks left run 1.94x faster and make up all but 1 / 1.94 of it: every launch pays it
    # (launches of one stream never overlap)
    exposure = 1 - 512 / 132 * 128 / 2048
    alu_kept = 1 / (512 / 132 * 4 / 8.0)
    none = {**HOPPER, "gpu.interference.wave_spill": 0.0}
    spill = m.corunner_slowdown(HOPPER, PROFILE, one) - m.corunner_slowdown(none, PROFILE, one)
    assert spill == pytest.approx(0.24 * exposure * 0.98 * alu_kept)
    # blocks issuing 0.3 as much per warp (4.65 warp-equivalents, under 8) make up nothing: the whole wait
    sparse = m.CoRunner(decoder, 512, 550e-6, 0.02, issue_share=0.3)
    assert (m.corunner_slowdown(HOPPER, PROFILE, sparse) - m.corunner_slowdown(none, PROFILE, sparse)
            == pytest.approx(0.24 * exposure * 0.98))
    # at 0.5 (7.76 warp-equivalents) still nothing; at 0.6 (9.3) all but 8 / 9.3
    for share, kept in ((0.5, 1.0), (0.6, 8 / (512 / 132 * 4 * 0.6))):
        c = m.CoRunner(decoder, 512, 550e-6, 0.02, issue_share=share)
        assert (m.corunner_slowdown(HOPPER, PROFILE, c) - m.corunner_slowdown(none, PROFILE, c)
                == pytest.approx(0.24 * exposure * 0.98 * kept))
    # beside an attention grid that fills its SMs half the time (the rest one block per SM: "none"),
    # the decoder spills all the same (2 of its 4 blocks fit beside one attention block): the same loss
    half = m.DecodeProfile(14e-6, PROFILE.shares, SHAPES, 0.5)
    assert half.beside.shares["none"] == pytest.approx(0.12)
    assert (m.corunner_slowdown(HOPPER, half, one) - m.corunner_slowdown(none, half, one)
            == pytest.approx(0.24 * exposure * 0.98 * alu_kept))
    # ... but where no SM holds a second attention block (a grid of at most one block per SM, load
    # under 0.5: residency 0), attention's short blocks retire before the wait grows: no spill beside
    # them (validation/traces/h200/decoder_timeline/: no launch left a block without a slot there)
    sparse_grid = m.DecodeProfile(14e-6, PROFILE.shares, SHAPES, 0.0, 1, 0.48)
    assert sparse_grid.beside.shares["none"] == pytest.approx(0.24)
    assert m.corunner_slowdown(HOPPER, sparse_grid, one) == pytest.approx(m.corunner_slowdown(none, sparse_grid, one))
    # where an SM holds one attention block at most (150 KiB of shared memory), "none" is an SM
    # without attention: though one attention block leaves room for 1 of the 3 blocks a 384-block
    # launch needs per SM, nothing spills there
    small = {**HOPPER, "gpu.sm_limits.shared_memory": 153600}
    assert m.blocks_per_sm(small, SHAPES["attention"]) == 1 and m.blocks_per_sm(small, decoder) == 3
    assert m.blocks_beside(small, decoder, SHAPES["attention"], 1, 3) == 1
    assert "none" not in m.spilling_kinds(small, m.CoRunner(decoder, 384, 550e-6, 0.02), SHAPES)
    # a memory-bound launch of the same grid (60% of HBM) makes up most of the wait
    memory = m.CoRunner(decoder, 512, 550e-6, 0.6)
    assert (m.corunner_slowdown(HOPPER, PROFILE, memory) - m.corunner_slowdown(none, PROFILE, memory)
            == pytest.approx(0.24 * exposure * 0.4 * alu_kept))
    # blocks of 1,024 threads, 2 per SM, fill the SM's threads: one beside two elementwise blocks runs
    # in the time two would share, so though it spills there it loses nothing
    full = m.CoRunner((1024, 32, 0), 264, 550e-6, 0.02)
    assert m.spilling_kinds(HOPPER, full, SHAPES) == ("elementwise", "none")
    assert m.corunner_slowdown(HOPPER, PROFILE, full) == pytest.approx(m.corunner_slowdown(none, PROFILE, full))
    # decode's side does not change with the spill
    assert m.sigma(HOPPER, PROFILE, one) == pytest.approx(m.sigma(none, PROFILE, one))
    # one block per SM needed (132 blocks), or more than one wave (1,056): nothing spills
    assert m.spilling_kinds(HOPPER, m.CoRunner(decoder, 132, 550e-6, 0.02), SHAPES) == ()
    assert m.spilling_kinds(HOPPER, m.CoRunner(decoder, 1056, 550e-6, 0.02), SHAPES) == ()


def test_corunner_growth_rises_with_decode_share_it_cannot_sit_beside():
    c = m.CoRunner(THIN, 132, 100e-6, 0.0)
    light = m.DecodeProfile(14e-6, {"weights": 0.3, "attention": 0.64, "elementwise": 0.06}, SHAPES)
    assert m.corunner_slowdown(HOPPER, light, c) < m.corunner_slowdown(HOPPER, PROFILE, c)


def test_memory_term_shape_by_hand():
    """hbm_loss x (HBM share per SM held) ^ memory_exponent x latency exposure x (1 - HBM share) ^
    headroom_exponent: a streaming kernel of 8 thin blocks pulls 4% of HBM alone."""
    p = {**HOPPER, "gpu.interference.memory_exponent": 1.5, "gpu.interference.headroom_exponent": 0.5}
    few = m.couple(p, m.CoRunner((128, 38, 0), 8, 200e-6, 0.04), "equal", SHAPES)
    # 8 of 132 SMs: 0.04 / (8/132) = 0.66 per SM held; 128 of 2,048 threads resident: 93.75% exposed
    assert few.memory == pytest.approx(2.0 * 0.66 ** 1.5 * (1 - 128 / 2048) * 0.96 ** 0.5)
    # the same intensity per SM from 132 blocks pulling 66% of HBM keeps less headroom
    many = m.couple(p, m.CoRunner((128, 38, 0), 132, 200e-6, 0.66), "equal", SHAPES)
    assert many.memory == pytest.approx(2.0 * 0.66 ** 1.5 * (1 - 128 / 2048) * 0.34 ** 0.5)
    assert many.memory < few.memory
    # with the exponents 1 and 0 it is the plain product (the hand cases above)
    plain = m.couple(HOPPER, m.CoRunner((128, 38, 0), 8, 200e-6, 0.04), "equal", SHAPES)
    assert plain.memory == pytest.approx(2.0 * 0.66 * (1 - 128 / 2048))


def test_launch_wait_over_waves_by_hand():
    """Each launch waits launch_wait (issued one by one) or graph_wait (from a CUDA graph) for its
    turn, over its waves and its duration: the term is what the fitted coefficients add."""
    p = {**HOPPER, "gpu.interference.launch_wait": 8e-6, "gpu.interference.graph_wait": 2e-6}
    base = {**HOPPER}
    # 1,024 thin blocks (32 registers: 16 per SM) fit in one wave; 4 us alone
    one = m.CoRunner(THIN, 1024, 4e-6, 0.1)
    extra = m.corunner_slowdown(p, PROFILE, one) - m.corunner_slowdown(base, PROFILE, one)
    assert extra == pytest.approx(8e-6 / 4e-6)
    # replayed from a graph: graph_wait
    graphed = m.CoRunner(THIN, 1024, 4e-6, 0.1, graph_share=1.0)
    extra = m.corunner_slowdown(p, PROFILE, graphed) - m.corunner_slowdown(base, PROFILE, graphed)
    assert extra == pytest.approx(2e-6 / 4e-6)
    # 8,448 blocks: 4 waves of 16 per SM, 40 us: a quarter of the wait per its duration
    many = m.CoRunner(THIN, 8448, 40e-6, 0.1)
    extra = m.corunner_slowdown(p, PROFILE, many) - m.corunner_slowdown(base, PROFILE, many)
    assert extra == pytest.approx(8e-6 / 4 / 40e-6)
    # half its launches from a graph: the mean of the two waits
    half = m.CoRunner(THIN, 1024, 4e-6, 0.1, graph_share=0.5)
    extra = m.corunner_slowdown(p, PROFILE, half) - m.corunner_slowdown(base, PROFILE, half)
    assert extra == pytest.approx(5e-6 / 4e-6)


def test_launch_turns_by_hand():
    """A stream launch waits launch_turns of decode's weight GEMMs at its turn, each their mean duration
    (the profile's ``gemm_s``), over its waves and duration; launch_wait, where pinned, replaces it."""
    p = {k: v for k, v in HOPPER.items() if k != "gpu.interference.launch_wait"}
    p["gpu.interference.launch_turns"] = 0.5
    base = {**p, "gpu.interference.launch_turns": 0.0}
    # GEMMs of 30 us (the step's kernels 14 us on average)
    prof = m.DecodeProfile(14e-6, PROFILE.shares, SHAPES, gemm_s=30e-6)
    one = m.CoRunner(THIN, 1024, 4e-6, 0.1)
    extra = m.corunner_slowdown(p, prof, one) - m.corunner_slowdown(base, prof, one)
    assert extra == pytest.approx(0.5 * 30e-6 / 4e-6)
    # 8,448 blocks: 4 waves, 40 us: a quarter of the wait per its duration
    many = m.CoRunner(THIN, 8448, 40e-6, 0.1)
    extra = m.corunner_slowdown(p, prof, many) - m.corunner_slowdown(base, prof, many)
    assert extra == pytest.approx(0.5 * 30e-6 / 4 / 40e-6)
    # GEMMs twice as long (a GPU of half the bandwidth): twice the wait
    slow = m.DecodeProfile(28e-6, PROFILE.shares, SHAPES, gemm_s=60e-6)
    assert (m.corunner_slowdown(p, slow, one) - m.corunner_slowdown(base, slow, one)) == pytest.approx(2 * 0.5 * 30e-6 / 4e-6)
    # a pinned launch_wait replaces the turns
    pinned = {**p, "gpu.interference.launch_wait": 8e-6}
    assert m.corunner_slowdown(pinned, prof, one) - m.corunner_slowdown(base, prof, one) == pytest.approx(2.0)
    # turn_share 0.26 (its range's low end, the GEMM ladder's 405B rung): a quarter of the wait and a bit
    quarter = {**p, "gpu.interference.turn_share": 0.26}
    assert (m.corunner_slowdown(quarter, slow, one) - m.corunner_slowdown(base, slow, one)) == pytest.approx(
        0.26 * 0.5 * 60e-6 / 4e-6)
    # ... and not a pinned launch_wait's (the form before turns) nor a graph's
    assert m.corunner_slowdown({**pinned, "gpu.interference.turn_share": 0.26}, prof, one) == pytest.approx(
        m.corunner_slowdown(pinned, prof, one))


def test_many_wave_stretch_past_the_checked_gemms_by_hand():
    """many_wave_stretch s scales a launch of many waves, (1 + g) x f - 1, where decode's mean weight GEMM G
    runs past turn_gemms_to (37 us here): f = s from many_wave_gemms (560 us) on, and before it
    1 + (s - 1) x ln(G / 37 us) / ln(560 / 37); a one-wave launch, and any launch beside GEMMs within, keep g."""
    p = {**HOPPER, "gpu.interference.launch_turns": 0.5}
    stretched = {**p, "gpu.interference.many_wave_stretch": 2.0}
    many, one = m.CoRunner(THIN, 8448, 40e-6, 0.1), m.CoRunner(THIN, 132, 40e-6, 0.1)
    assert m.couple(p, many, "equal", SHAPES).waves == 4 and m.couple(p, one, "equal", SHAPES).waves == 1
    longest = m.DecodeProfile(280e-6, PROFILE.shares, SHAPES, gemm_s=600e-6)
    g = m.corunner_slowdown(p, longest, many)
    assert g > 0 and m.corunner_slowdown(stretched, longest, many) == pytest.approx((1 + g) * 2.0 - 1)
    # 60-us GEMMs: ln(60/37) / ln(560/37) = 0.4834 / 2.7172 = 0.1779 of the stretch
    long = m.DecodeProfile(28e-6, PROFILE.shares, SHAPES, gemm_s=60e-6)
    g = m.corunner_slowdown(p, long, many)
    assert m.corunner_slowdown(stretched, long, many) == pytest.approx((1 + g) * 1.1779 - 1, rel=1e-4)
    assert m.corunner_slowdown(stretched, long, one) == pytest.approx(m.corunner_slowdown(p, long, one))
    within = m.DecodeProfile(28e-6, PROFILE.shares, SHAPES, gemm_s=37e-6)  # at the bound: within
    assert m.corunner_slowdown(stretched, within, many) == pytest.approx(m.corunner_slowdown(p, within, many))
    assert m.corunner_slowdown(stretched, PROFILE, many) == pytest.approx(m.corunner_slowdown(p, PROFILE, many))
    # decode's side follows through the co-runner's time beside it (sigma does not move, its busy time does)
    assert m.sigma(stretched, long, many) == pytest.approx(m.sigma(p, long, many))


def test_wait_charge_by_hand():
    """Decode's loss is charged on the co-runner's time beside it less the uncharged share (1 -
    wait_charge) of its turn wait: a launch of 4 us (growth g) waiting 0.5 x 30-us GEMMs = 15 us is
    charged on 1 - (1 - w) x (15 / 4) / (1 + g) of its time; at w = 1 on all of it."""
    p = {k: v for k, v in HOPPER.items() if k != "gpu.interference.launch_wait"}
    p["gpu.interference.launch_turns"] = 0.5
    prof = m.DecodeProfile(14e-6, PROFILE.shares, SHAPES, gemm_s=30e-6)
    one = m.CoRunner(THIN, 1024, 4e-6, 0.1)
    g = m.corunner_slowdown(p, prof, one)
    assert m.couple(p, one, "equal", SHAPES).charged(prof) == 1.0
    for w in (0.0, 0.25):
        cp = m.couple({**p, "gpu.interference.wait_charge": w}, one, "equal", SHAPES)
        assert cp.charged(prof) == pytest.approx(1 - (1 - w) * (15e-6 / 4e-6) / (1 + g))
        assert cp.charged(prof, g) == cp.charged(prof)
    # a graph's launches wait graph_wait (0 here): nothing uncharged
    graph = m.CoRunner(THIN, 1024, 4e-6, 0.1, graph_share=1.0)
    assert m.couple({**p, "gpu.interference.wait_charge": 0.0}, graph, "equal", SHAPES).charged(prof) == 1.0


def test_a_designs_graph_share_selects_the_graph_wait():
    """A kernel's launch spec may say its launches are replayed from a CUDA graph
    (`graph_share`); the serving engine's co-runner then waits graph_wait per launch, where a stream
    launch waits launch_turns of decode's GEMMs."""
    import nicmodel
    from nicmodel.engines.plan import compile_scenario

    def launch_of(sets):
        _, p = compile_scenario(nicmodel.load("pipelines/cachegen-async.yaml", ["gpu=h200", *sets]))
        c = launches.kernel_launch(p, "copy", 1024, 32 << 20, 136e-6)
        return c, m.couple(p, c, "equal", m.decode_shapes(p)), p

    c, cp, p = launch_of([])
    assert c.graph_share == 0.0 and cp.launch == 0.0 and cp.turns == pytest.approx(p["gpu.interference.launch_turns"])
    c, cp, p = launch_of(["gpu.copy_kernel.graph_share=1"])
    assert c.graph_share == 1.0 and cp.turns == 0.0 and cp.launch == pytest.approx(p["gpu.interference.graph_wait"])


def test_attention_grid_and_the_co_runners_view_of_it_by_hand():
    """Attention's grid (attention.py): batch x 8 KV heads blocks, split by the largest power of two
    that keeps 256 or fewer and 128 tokens a split, while batch x 8 <= 64. The co-runner sees
    attention only for the share of its time its blocks fill SMs whole (2 to an SM): none below
    132 blocks; the rest of attention's share counts as no decode kernel."""
    from nicmodel.engines.serving.attention import attention_blocks
    grid = {**HOPPER, "model.kv_heads": 8, "gpu.decode_kernels.attention_grid.split_max_heads": 64,
            "gpu.decode_kernels.attention_grid.split_target_blocks": 256,
            "gpu.decode_kernels.attention_grid.split_min_tokens": 128}
    # batch 1 at 1k: 8 x min(32, 8) = 64; batch 6 at 1k: 48 x 4 (5.3 -> 4) = 192; batch 9: 72, unsplit
    assert [attention_blocks(grid, b, c) for b, c in ((1, 1024), (6, 1024), (9, 4096), (32, 8192))] == [64, 192, 72, 256]
    assert attention_blocks(HOPPER, 9, 4096) is None  # no grid in the spec: attention fills its slots
    beside = m.DecodeProfile(14e-6, PROFILE.shares, SHAPES, attention_residency=0.25).beside
    assert beside.shares == pytest.approx({"weights": 0.7, "attention": 0.06, "elementwise": 0.06, "none": 0.18})
    assert PROFILE.beside is PROFILE  # a full residency changes nothing
    # a full-occupancy co-runner cannot sit beside any decode kernel: its exclusive share is the
    # step's kernel time less the time attention leaves SMs room (the 'none' share)
    full = m.CoRunner((1024, 32, 0), 264, 50e-6, 0.2)
    coupling = m.couple(HOPPER, full, "high", SHAPES)
    assert coupling.exclusive(PROFILE) == pytest.approx(1.0)
    assert coupling.exclusive(beside) == pytest.approx(0.82)
    # decode_profile takes the residency from the grid at the batch and context
    step = dict(grid, **{"gpu.decode_kernels.elementwise_share": 0.06, "model.layers": 32,
                         "gpu.decode_kernels.kernels_per_layer": 12})
    for k in ("weights", "attention", "elementwise"):
        step.update({f"gpu.decode_kernels.{k}.{f}": v for f, v in zip(
            ("threads_per_block", "registers_per_thread", "shared_memory_per_block"), SHAPES[k])})
    assert m.decode_profile(step, 5e-3, 16e9, 4e9, 32, 8192).attention_residency == pytest.approx(124 / 132)
    assert m.decode_profile(step, 5e-3, 16e9, 4e9, 16, 8192).attention_residency == 0.0
    assert m.decode_profile(step, 5e-3, 16e9, 4e9).attention_residency == 1.0
    # and the waves: 64 x 8 = 512 blocks on 132 SMs x 2 run two; 256 one
    assert [m.decode_profile(step, 5e-3, 16e9, 4e9, b, 8192).attention_waves for b in (64, 32, 33, 34)] == [2, 1, 1, 2]
    # and the load, its blocks over the slots: 512 / 264; none without a grid
    assert m.decode_profile(step, 5e-3, 16e9, 4e9, 64, 8192).attention_load == pytest.approx(512 / 264)
    assert m.decode_profile(step, 5e-3, 16e9, 4e9).attention_load == 0.0


def test_grid_waits_by_hand():
    """The grid waits grow a co-runner's time by attention's whole share of the step (room or not)
    x attention's load: at equal priority a wait once per launch over its duration, at high a
    growth for short-lived blocks (x cut_in_time / (block lifetime + cut_in_time)); decode's side
    never moves, and a profile without a grid (load 0) has none (docs/serving.md, Attention's load)."""
    c = m.CoRunner(THIN, 1024, 4e-6, 0.3)  # 1,024 blocks of 16 per SM on 132 SMs: one wave, blocks live 4 us
    plain = m.DecodeProfile(14e-6, PROFILE.shares, SHAPES, 0.5, 2)
    loaded = m.DecodeProfile(14e-6, PROFILE.shares, SHAPES, 0.5, 2, attention_load=1.5)
    p = {**HOPPER, "gpu.interference.grid_wait_equal": 5e-6, "gpu.interference.grid_wait_high": 2.0,
         "gpu.interference.cut_in_time": 2e-6}
    # equal: 5 us / (1 wave x 4 us) x (attention 0.24, half of it beside no decode kernel) x 1.5
    assert m.corunner_slowdown(p, loaded, c) - m.corunner_slowdown(p, plain, c) == pytest.approx(1.25 * 0.24 * 1.5)
    # high: 2 x 2 / (4 + 2) x 0.24 x 1.5 (one wave: the cut-in term, and its factor, add nothing)
    assert (m.corunner_slowdown(p, loaded, c, "high") - m.corunner_slowdown(p, plain, c, "high")
            == pytest.approx(2.0 / 3.0 * 0.24 * 1.5))
    # long-lived blocks keep their slots at high priority: a 4-ms launch of the same grid gains 1/1,000 of it
    slow = m.CoRunner(THIN, 1024, 4e-3, 0.3)
    assert (m.corunner_slowdown(p, loaded, slow, "high") - m.corunner_slowdown(p, plain, slow, "high")
            == pytest.approx(2.0 * 2e-6 / (4e-3 + 2e-6) * 0.36))
    # a launch of two waves (4,224 blocks, 8 us) waits once, before any of its blocks starts: 5 us / 8 us
    two = m.CoRunner(THIN, 4224, 8e-6, 0.3)
    assert m.corunner_slowdown(p, loaded, two) - m.corunner_slowdown(p, plain, two) == pytest.approx(5 / 8 * 0.24 * 1.5)
    assert m.sigma(p, loaded, c) == m.sigma(p, plain, c) and m.sigma(p, loaded, c, "high") == m.sigma(p, plain, c, "high")
    assert loaded.beside.attention_load == 1.5  # the load survives the co-runner's view of attention
    # where no SM holds a second attention block (residency 0: a one-wave grid of at most one block per
    # SM, load 0.4), every attention block is resident at once and none waits: no grid wait at either
    # priority (h200_dataplane_points24, _points27: the scatter beside such grids runs as fast as alone)
    sparse = m.DecodeProfile(14e-6, PROFILE.shares, SHAPES, 0.0, 1, attention_load=0.4)
    off = {**p, "gpu.interference.grid_wait_equal": 0.0, "gpu.interference.grid_wait_high": 1e-9}
    for priority in ("equal", "high"):
        assert m.corunner_slowdown(p, sparse, c, priority) == pytest.approx(m.corunner_slowdown(off, sparse, c, priority))
    # ... while at residency 0.25 (some SMs hold two) the same grid at load 0.6 waits: 1.25 x 0.24 x 0.6
    some = m.DecodeProfile(14e-6, PROFILE.shares, SHAPES, 0.25, 1, attention_load=0.6)
    assert (m.corunner_slowdown(p, some, c) - m.corunner_slowdown(off, some, c)) == pytest.approx(1.25 * 0.24 * 0.6)


def test_multiwave_stretch_scales_the_co_runner_beside_a_multi_wave_attention_grid_only():
    """multiwave_stretch scales the co-runner's time beside decode whose attention grid runs more
    than one wave (docs/serving.md, Two-wave attention grids); at 1, the model as fitted, nothing
    moves; decode's side never does."""
    stretched = {**HOPPER, "gpu.interference.multiwave_stretch": 1.25}
    c = m.CoRunner(THIN, 1024, 4e-6, 0.3, access_bytes=2.0)
    one = m.DecodeProfile(14e-6, PROFILE.shares, SHAPES)
    two = m.DecodeProfile(14e-6, PROFILE.shares, SHAPES, attention_waves=2)
    base = m.corunner_slowdown(HOPPER, one, c)
    assert base > 0.5
    assert m.corunner_slowdown(HOPPER, two, c) == pytest.approx(base)
    assert m.corunner_slowdown(stretched, one, c) == pytest.approx(base)
    assert 1 + m.corunner_slowdown(stretched, two, c) == pytest.approx(1.25 * (1 + base))
    # the waves survive the co-runner's view of attention
    assert m.DecodeProfile(14e-6, PROFILE.shares, SHAPES, 0.5, 2).beside.attention_waves == 2
    assert m.sigma(stretched, two, c) == pytest.approx(m.sigma(HOPPER, one, c))


def test_fill_stretch_scales_the_co_runner_beside_a_one_wave_grid_that_fills_some_sms_only():
    """fill_stretch scales the co-runner's time beside decode whose attention grid runs one wave with
    more blocks than SMs (a second block on some SMs: residency above 0); not beside a grid of at
    most one block per SM, not beside a multi-wave grid (multiwave_stretch's), not where the spec
    gives no grid (load 0); decode's side never moves."""
    stretched = {**HOPPER, "gpu.interference.fill_stretch": 1.2}
    c = m.CoRunner(THIN, 1024, 4e-6, 0.3, access_bytes=2.0)
    fills = m.DecodeProfile(14e-6, PROFILE.shares, SHAPES, 0.45, 1, 0.73)  # 192 blocks on 132 SMs of 2 slots
    sparse = m.DecodeProfile(14e-6, PROFILE.shares, SHAPES, 0.0, 1, 0.48)  # 128 blocks: one per SM at most
    two = m.DecodeProfile(14e-6, PROFILE.shares, SHAPES, 0.5, 2, 1.5)
    no_grid = m.DecodeProfile(14e-6, PROFILE.shares, SHAPES)  # residency 1, load 0: the spec gives no grid
    for prof in (fills, sparse, two, no_grid):
        assert m.sigma(stretched, prof, c) == pytest.approx(m.sigma(HOPPER, prof, c))
    base = m.corunner_slowdown(HOPPER, fills, c)
    assert base > 0.5
    assert 1 + m.corunner_slowdown(stretched, fills, c) == pytest.approx(1.2 * (1 + base))
    for prof in (sparse, two, no_grid):
        assert m.corunner_slowdown(stretched, prof, c) == pytest.approx(m.corunner_slowdown(HOPPER, prof, c))


def test_gemm_lengths_out_of_order_are_refused():
    """many_wave_stretch grows in log GEMM length from turn_gemms_to to many_wave_gemms: a many_wave_gemms at or
    below turn_gemms_to is refused with the spec's file, line and field, not divided by a log of one or less."""
    import nicmodel
    from nicmodel.errors import SpecError
    from conftest import ROOT
    with pytest.raises(SpecError, match=r"gpu\.interference: expected turn_gemms_from <= turn_gemms_to < "
                                        r"many_wave_gemms, got 25, 37 and 37 us") as err:
        nicmodel.load(ROOT / "pipelines/shadowserve.yaml", ["gpu.interference.many_wave_gemms=37us"])
    assert err.value.line is not None
