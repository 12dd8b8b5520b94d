"""Recorded held-out accuracy, the CI guard's data (tests/test_held_out_gates.py reads it): per reference set
and metric (per family for the interference traces: "metric/family"), (MAPE %, worst |error| %). CI
fails when the model regresses past these; improve the model, then lower them. Pure data (the families above the
target and their causes are read from validation/above_target.yaml): the checks live in the tests."""

from pathlib import Path

from held_out_grids import INTERFERENCE_H100, INTERFERENCE_H200

from nicmodel.validation.ledger import read_ledger

# the data-plane kernels' families, as the traces name them
DATA_PLANE = ("cachegen-decoder", "lmcache-chunk-sequence", "lmcache-dequantization", "paged-kv-scatter", "torch-cat")

HELD_OUT = {
    "validation/reference/public_figures.csv": {"kv_bytes_per_token": (0.01, 0.01),
                                                 "pcie_payload_bandwidth": (0.1, 0.1)},
    "validation/traces/h100_copy.csv": {"h2d_copy_bandwidth": (15.0, 61.0)},
    "validation/traces/h200_copy.csv": {"h2d_copy_bandwidth": (19.5, 48.0)},
    "validation/reference/bluefield_components.csv": {"network_goodput": (2.0, 3.0), "stage_alone": (26.0, 26.0)},
    "validation/reference/bluefield_dma.csv": {"nic_dma_bandwidth": (2.5, 4.5)},
    "validation/traces/h100_decode.csv": {"decode_step_time": (2.0, 3.0)},
    "validation/traces/h200_decode.csv": {"decode_step_time": (2.0, 4.5)},
    # every decode point of the interference collector's unprofiled runs (their decode_alone_s); their
    # misses below one attention block per SM and just past one wave led to attention's waves
    "validation/traces/h200_decode_points.csv": {"decode_step_time": (2.0, 9.0)},
    # the sealed set of the step alone (h200/decode_waves/, declared in decode_waves.py before the run)
    "validation/traces/h200_decode_waves.csv": {"decode_step_time": (3.25, 11.0)},
    "validation/traces/h100_host_contention.csv": {"engine_step_ratio": (27.0, 65.0)},
    # the whole second GPU held out: its co-runner ratios and the DMA decode point
    "validation/traces/h100_interference.csv": {
        "corunner_time_ratio/h100-dequant-memory-bound": (1.0, 2.0),
        "corunner_time_ratio/h100-integer-compute-bound": (3.0, 5.5),
        "decode_time_ratio/h100-h2d-dma": (4.5, 4.5),
    },
    # the probe and the eager regime kernels again, unprofiled, at a random point of the step (declared
    # before the run, 2026-12-04, a fifth session; h200/probe_random/, regime_eager_random/): the copy
    # probes' misses at the step's start were the phase's and the profiler's; the ALU probe's are the
    # model's (15.5-wave launches of 2.6-us blocks at high priority)
    "validation/traces/h200_probe_random_interference.csv": {
        "corunner_time_ratio/probe-alu": (15.0, 40.0),
        "corunner_time_ratio/probe-copy-16-byte": (11.0, 37.0),
        "corunner_time_ratio/probe-copy-2-byte": (9.5, 51.5),
        "corunner_time_ratio/probe-torch-strided-copy": (9.0, 39.0),
        "corunner_time_ratio/regime-eager-compute": (8.0, 46.0),
        "corunner_time_ratio/regime-eager-memory": (8.5, 40.5),
        "decode_time_ratio/probe-alu": (1.0, 2.0),
        "decode_time_ratio/probe-copy-16-byte": (0.5, 1.0),
        "decode_time_ratio/probe-copy-2-byte": (0.5, 2.0),
        "decode_time_ratio/probe-torch-strided-copy": (0.5, 2.0),
        "decode_time_ratio/regime-eager-compute": (9.0, 188.5),
        "decode_time_ratio/regime-eager-memory": (8.0, 120.0),
    },
    # the tenth sealed set (h200/probe_points_random/): the probe at four decode points it never had
    "validation/traces/h200_probe_points_interference.csv": {
        "corunner_time_ratio/probe-alu": (11.0, 40.0),
        "corunner_time_ratio/probe-copy-16-byte": (12.0, 48.5),
        "corunner_time_ratio/probe-copy-2-byte": (10.5, 52.5),
        "corunner_time_ratio/probe-torch-strided-copy": (9.5, 44.5),
        "decode_time_ratio/probe-alu": (1.0, 2.5),
        "decode_time_ratio/probe-copy-16-byte": (1.0, 3.0),
        "decode_time_ratio/probe-copy-2-byte": (1.0, 3.0),
        "decode_time_ratio/probe-torch-strided-copy": (1.0, 2.0),
    },
    # the thirteenth sealed set (h200/probe_points2_random/): the probe at four more decode points
    "validation/traces/h200_probe_points2_interference.csv": {
        "corunner_time_ratio/probe-alu": (12.5, 33.0),
        "corunner_time_ratio/probe-copy-16-byte": (15.5, 52.0),
        "corunner_time_ratio/probe-copy-2-byte": (9.0, 48.5),
        "corunner_time_ratio/probe-torch-strided-copy": (8.5, 43.0),
        "decode_time_ratio/probe-alu": (0.5, 2.0),
        "decode_time_ratio/probe-copy-16-byte": (0.5, 2.0),
        "decode_time_ratio/probe-copy-2-byte": (0.5, 1.5),
        "decode_time_ratio/probe-torch-strided-copy": (0.5, 1.5),
    },
    # the fifteenth sealed set (h200/probe_points3_random/, --window 0.4): four more decode points
    "validation/traces/h200_probe_points3_interference.csv": {
        "corunner_time_ratio/probe-alu": (9.0, 37.0),
        "corunner_time_ratio/probe-copy-16-byte": (10.5, 51.0),
        "corunner_time_ratio/probe-copy-2-byte": (10.5, 52.5),
        "corunner_time_ratio/probe-torch-strided-copy": (8.5, 51.5),
        "decode_time_ratio/probe-alu": (0.5, 3.0),
        "decode_time_ratio/probe-copy-16-byte": (0.5, 2.0),
        "decode_time_ratio/probe-copy-2-byte": (0.5, 2.5),
        "decode_time_ratio/probe-torch-strided-copy": (0.5, 2.0),
    },
    "validation/traces/h200_interference.csv": INTERFERENCE_H200,
    "validation/traces/h100_grid_interference.csv": INTERFERENCE_H100,
    # the data-plane and one-wave regime points measured again a day later, twice (h200/rerun*/)
    "validation/traces/h200_rerun_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (14.0, 41.0),
        "corunner_time_ratio/lmcache-chunk-sequence": (5.5, 15.5),
        "corunner_time_ratio/lmcache-dequantization": (5.5, 19.0),
        "corunner_time_ratio/paged-kv-scatter": (2.5, 8.5),
        "corunner_time_ratio/regime-compute": (20.0, 32.0),
        "corunner_time_ratio/torch-cat": (5.5, 11.5),
        "decode_time_ratio/cachegen-decoder": (6.0, 18.5),
        "decode_time_ratio/lmcache-chunk-sequence": (2.0, 6.0),
        "decode_time_ratio/lmcache-dequantization": (3.0, 9.5),
        "decode_time_ratio/paged-kv-scatter": (1.5, 3.0),
        "decode_time_ratio/pinned-copies": (0.5, 2.0),
        "decode_time_ratio/regime-compute": (4.0, 7.5),
        "decode_time_ratio/torch-cat": (3.0, 8.0),
    },
    # the rerun's points with torch's profiler never started (h200/rerun_noprof/): CacheGen's
    # decoder slows far less than the profiled runs say (docs/serving.md)
    "validation/traces/h200_noprofiler_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (7.5, 26.0),
        "corunner_time_ratio/lmcache-chunk-sequence": (5.0, 18.0),
        "corunner_time_ratio/lmcache-dequantization": (4.5, 14.5),
        "corunner_time_ratio/paged-kv-scatter": (2.5, 7.5),
        "corunner_time_ratio/regime-compute": (13.5, 21.5),
        "corunner_time_ratio/torch-cat": (5.0, 12.0),
        "decode_time_ratio/cachegen-decoder": (2.5, 9.0),
        "decode_time_ratio/lmcache-chunk-sequence": (1.5, 3.5),
        "decode_time_ratio/lmcache-dequantization": (2.5, 10.0),
        "decode_time_ratio/paged-kv-scatter": (1.0, 2.5),
        "decode_time_ratio/pinned-copies": (1.0, 2.0),
        "decode_time_ratio/regime-compute": (2.0, 4.5),
        "decode_time_ratio/torch-cat": (3.0, 8.5),
    },
    # one launch per decode step at the step's start or at a random point of it (h200/phase/): the
    # one-wave decoder's slowdown depends on where it lands (docs/serving.md, Interference)
    "validation/traces/h200_phase_interference.csv": {
        "corunner_time_ratio/cachegen-decoder-random-phase": (10.5, 25.5),
        "corunner_time_ratio/cachegen-decoder-step-start": (13.5, 30.0),
        "corunner_time_ratio/lmcache-chunk-sequence-random-phase": (3.0, 5.5),
        "corunner_time_ratio/lmcache-chunk-sequence-step-start": (6.0, 11.0),
        "corunner_time_ratio/lmcache-dequantization-random-phase": (6.0, 13.0),
        "corunner_time_ratio/lmcache-dequantization-step-start": (5.5, 15.0),
        "corunner_time_ratio/paged-kv-scatter-random-phase": (3.5, 5.5),
        "corunner_time_ratio/paged-kv-scatter-step-start": (3.0, 6.5),
        "corunner_time_ratio/regime-compute-random-phase": (7.5, 15.5),
        "corunner_time_ratio/regime-compute-step-start": (7.5, 25.0),
        "corunner_time_ratio/torch-cat-random-phase": (6.0, 9.5),
        "corunner_time_ratio/torch-cat-step-start": (4.5, 13.0),
    },
    # the three grids again with the fixed collector (profiler never run before measuring), every
    # co-runner at a random point of the decode step (h200/random/, regime_random/, widths_random/):
    # 4,561 points no spec number is fitted to (docs/serving.md, Interference)
    "validation/traces/h200_random_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (5.5, 21.5),
        "corunner_time_ratio/earlier-collector": (8.5, 17.5),
        "corunner_time_ratio/lmcache-chunk-sequence": (3.5, 6.5),
        "corunner_time_ratio/lmcache-dequantization": (3.5, 8.0),
        "corunner_time_ratio/paged-kv-scatter": (4.0, 7.0),
        "corunner_time_ratio/regime-compute": (11.5, 91.0),
        "corunner_time_ratio/regime-memory": (11.5, 92.5),
        "corunner_time_ratio/synthetic-compute": (13.0, 114.0),
        "corunner_time_ratio/synthetic-memory": (11.5, 47.5),
        "corunner_time_ratio/torch-cat": (6.5, 11.0),
        "corunner_time_ratio/widths-16-byte": (9.0, 32.0),
        "corunner_time_ratio/widths-2-byte": (12.5, 61.0),
        "corunner_time_ratio/widths-4-byte": (10.0, 39.0),
        "corunner_time_ratio/widths-8-byte": (12.0, 49.0),
        "decode_time_ratio/cachegen-decoder": (3.0, 8.0),
        "decode_time_ratio/earlier-collector": (7.5, 29.0),
        "decode_time_ratio/lmcache-chunk-sequence": (1.5, 3.5),
        "decode_time_ratio/lmcache-dequantization": (2.5, 8.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 2.5),
        "decode_time_ratio/pinned-copies": (0.5, 2.0),
        "decode_time_ratio/regime-compute": (10.0, 201.5),
        "decode_time_ratio/regime-memory": (7.5, 133.0),
        "decode_time_ratio/synthetic-compute": (9.5, 71.5),
        "decode_time_ratio/synthetic-memory": (6.0, 131.5),
        "decode_time_ratio/torch-cat": (2.5, 7.5),
        "decode_time_ratio/widths-16-byte": (7.5, 51.0),
        "decode_time_ratio/widths-2-byte": (4.0, 35.0),
        "decode_time_ratio/widths-4-byte": (4.5, 31.5),
        "decode_time_ratio/widths-8-byte": (6.0, 31.0),
    },
    # the first grid again at the step's start, profiler never run first (h200/start_noprof/)
    "validation/traces/h200_start_interference.csv": {
        "corunner_time_ratio/earlier-collector": (7.5, 17.5),
        "corunner_time_ratio/lmcache-dequantization": (4.5, 13.5),
        "corunner_time_ratio/paged-kv-scatter": (2.5, 9.0),
        "corunner_time_ratio/synthetic-compute": (14.5, 91.0),
        "corunner_time_ratio/synthetic-memory": (11.5, 43.0),
        "corunner_time_ratio/torch-cat": (5.5, 13.5),
        "decode_time_ratio/earlier-collector": (5.5, 18.5),
        "decode_time_ratio/lmcache-dequantization": (2.5, 10.0),
        "decode_time_ratio/paged-kv-scatter": (0.5, 2.0),
        "decode_time_ratio/pinned-copies": (0.5, 2.0),
        "decode_time_ratio/synthetic-compute": (8.5, 78.5),
        "decode_time_ratio/synthetic-memory": (6.5, 153.0),
        "decode_time_ratio/torch-cat": (2.5, 8.5),
    },
    # units of 32 short launches from Python and as CUDA graphs, and from Python at host intervals
    # (h200/short_random/, paced_random/): what launch_wait and graph_wait were fitted on (their
    # fitted points); held out: the hash's 35% and the paged-KV scatter measured beside them
    "validation/traces/h200_launch_interference.csv": {
        "corunner_time_ratio/paced-2-byte": (6.5, 19.5),
        "corunner_time_ratio/paced-compute": (4.0, 12.0),
        "corunner_time_ratio/paged-kv-scatter": (3.5, 12.0),
        "corunner_time_ratio/short-2-byte": (6.0, 14.5),
        "corunner_time_ratio/short-compute": (10.0, 41.5),
        "corunner_time_ratio/short-memory": (9.5, 29.5),
        "decode_time_ratio/paced-2-byte": (4.0, 16.0),
        "decode_time_ratio/paced-compute": (3.5, 23.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 3.0),
        "decode_time_ratio/short-2-byte": (3.0, 8.5),
        "decode_time_ratio/short-compute": (3.0, 9.0),
        "decode_time_ratio/short-memory": (3.5, 12.0),
    },
    # the same short units at four other decode points (32x1k, 32x4k, 8x8k, 1x8k tokens), measured after
    # the launch waits were fitted (h200/short_points_random/): every point held out
    "validation/traces/h200_launch_points_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (5.5, 11.0),
        "corunner_time_ratio/short-2-byte": (9.5, 24.5),
        "corunner_time_ratio/short-compute": (11.5, 23.5),
        "corunner_time_ratio/short-memory": (5.0, 14.5),
        "decode_time_ratio/paged-kv-scatter": (0.5, 2.0),
        "decode_time_ratio/short-2-byte": (2.5, 8.0),
        "decode_time_ratio/short-compute": (3.0, 10.0),
        "decode_time_ratio/short-memory": (2.0, 6.5),
    },
    # one-wave kernels of 1, 2 or 4 blocks per SM (h200/onewave_random/), split by hash; nothing
    # is fitted to them (they were measured to test the one-wave terms)
    # the same units at the same points again, each point's spread recorded (h200/short_points_repeat_random/):
    # point by point within 0.37% of the first run, so their misses are the model's
    "validation/traces/h200_launch_points_repeat_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (5.0, 10.5),
        "corunner_time_ratio/short-2-byte": (9.0, 24.0),
        "corunner_time_ratio/short-compute": (11.5, 23.0),
        "corunner_time_ratio/short-memory": (4.5, 12.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 1.0),
        "decode_time_ratio/short-2-byte": (3.0, 7.0),
        "decode_time_ratio/short-compute": (3.0, 10.0),
        "decode_time_ratio/short-memory": (2.0, 6.5),
    },
    # the short launches' sweep (h200/short_sweep_random/): its short units' co-runner rows are l2_loss's
    # fitted set; the scatter beside them and every decode row held out
    "validation/traces/h200_short_sweep_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (3.5, 7.5),
        "decode_time_ratio/paged-kv-scatter": (0.5, 1.0),
        "decode_time_ratio/short-2-byte": (3.0, 9.0),
        "decode_time_ratio/short-compute": (3.0, 8.5),
        "decode_time_ratio/short-memory": (3.0, 9.0),
    },
    # the seventeenth sealed set (h200/short_sealed_random/): the check of L2 residency
    "validation/traces/h200_short_sealed_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (6.0, 12.5),
        "corunner_time_ratio/short-2-byte": (11.0, 32.0),
        "corunner_time_ratio/short-compute": (13.5, 32.0),
        "corunner_time_ratio/short-memory": (11.5, 35.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 1.5),
        "decode_time_ratio/short-2-byte": (2.5, 8.0),
        "decode_time_ratio/short-compute": (3.0, 8.5),
        "decode_time_ratio/short-memory": (4.5, 17.5),
    },
    "validation/traces/h200_onewave_interference.csv": {
        "corunner_time_ratio/onewave-compute": (8.0, 42.5),
        "corunner_time_ratio/onewave-memory": (12.0, 52.5),
        "decode_time_ratio/onewave-compute": (11.5, 69.0),
        "decode_time_ratio/onewave-memory": (9.5, 62.5),
    },
    # a later session (h200/dataplane_points_random/, h200/drain_random/), measured after every
    # coefficient was fitted: the data-plane units at the four other decode points, and many-wave
    # kernels of block lifetimes from ~3 us to ~1 ms. Every point held out
    "validation/traces/h200_dataplane_points_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (7.5, 27.5),
        "corunner_time_ratio/lmcache-chunk-sequence": (3.5, 7.5),
        "corunner_time_ratio/lmcache-dequantization": (6.0, 13.0),
        "corunner_time_ratio/paged-kv-scatter": (6.0, 10.5),
        "corunner_time_ratio/torch-cat": (5.5, 10.0),
        "decode_time_ratio/cachegen-decoder": (4.5, 22.0),
        "decode_time_ratio/lmcache-chunk-sequence": (1.5, 3.0),
        "decode_time_ratio/lmcache-dequantization": (3.0, 10.0),
        "decode_time_ratio/paged-kv-scatter": (1.0, 2.0),
        "decode_time_ratio/pinned-copies": (1.0, 1.5),
        "decode_time_ratio/torch-cat": (2.5, 8.5),
    },
    "validation/traces/h200_drain_interference.csv": {
        "corunner_time_ratio/drain-2-byte": (6.0, 19.0),
        "corunner_time_ratio/drain-compute": (7.5, 38.5),
        "corunner_time_ratio/drain-memory": (5.5, 17.5),
        "decode_time_ratio/drain-2-byte": (5.0, 59.5),
        "decode_time_ratio/drain-compute": (8.5, 42.5),
        "decode_time_ratio/drain-memory": (5.5, 38.0),
    },
    # the width and regime grids at four decode points (h200/widths_points_random/, regime_points_random/):
    # the regime kernels' co-runner rows, here and in grid_points2, are wave_spill's fitted set
    "validation/traces/h200_grid_points_interference.csv": {
        "corunner_time_ratio/widths-16-byte": (8.0, 22.0),
        "corunner_time_ratio/widths-2-byte": (7.5, 20.5),
        "corunner_time_ratio/widths-4-byte": (5.5, 15.5),
        "corunner_time_ratio/widths-8-byte": (9.0, 32.5),
        "decode_time_ratio/regime-compute": (9.5, 122.0),
        "decode_time_ratio/regime-memory": (8.0, 135.5),
        "decode_time_ratio/widths-16-byte": (7.5, 45.0),
        "decode_time_ratio/widths-2-byte": (4.0, 35.5),
        "decode_time_ratio/widths-4-byte": (5.0, 31.0),
        "decode_time_ratio/widths-8-byte": (5.5, 30.0),
    },
    # the width and regime grids beside multi-wave attention (h200/widths_points2_random/,
    # regime_points2_random/: 48x8k, 80x4k, 56x4k, 64x2k), declared before the run, after the grid
    # waits' fit and check: no synthetic co-runner had been measured past one wave
    "validation/traces/h200_grid_points2_interference.csv": {
        "corunner_time_ratio/widths-16-byte": (8.5, 34.5),
        "corunner_time_ratio/widths-2-byte": (7.0, 18.0),
        "corunner_time_ratio/widths-4-byte": (5.0, 25.5),
        "corunner_time_ratio/widths-8-byte": (6.0, 20.5),
        "decode_time_ratio/regime-compute": (10.5, 166.0),
        "decode_time_ratio/regime-memory": (9.5, 196.0),
        "decode_time_ratio/widths-16-byte": (9.0, 42.5),
        "decode_time_ratio/widths-2-byte": (5.0, 25.0),
        "decode_time_ratio/widths-4-byte": (6.5, 32.5),
        "decode_time_ratio/widths-8-byte": (7.5, 33.0),
    },
    "validation/traces/h200_dataplane_points2_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (5.5, 28.0),
        "corunner_time_ratio/lmcache-chunk-sequence": (3.5, 7.0),
        "corunner_time_ratio/lmcache-dequantization": (5.0, 14.5),
        "corunner_time_ratio/paged-kv-scatter": (6.0, 15.0),
        "corunner_time_ratio/torch-cat": (3.5, 8.0),
        "decode_time_ratio/cachegen-decoder": (3.5, 22.5),
        "decode_time_ratio/lmcache-chunk-sequence": (2.5, 7.0),
        "decode_time_ratio/lmcache-dequantization": (3.5, 10.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 3.5),
        "decode_time_ratio/pinned-copies": (1.0, 2.0),
        "decode_time_ratio/torch-cat": (3.0, 10.0),
    },
    "validation/traces/h200_dataplane_points3_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (5.0, 18.5),
        "corunner_time_ratio/lmcache-chunk-sequence": (5.0, 13.0),
        "corunner_time_ratio/lmcache-dequantization": (6.5, 15.5),
        "corunner_time_ratio/paged-kv-scatter": (5.0, 12.0),
        "corunner_time_ratio/torch-cat": (4.0, 9.5),
        "decode_time_ratio/cachegen-decoder": (1.0, 6.5),
        "decode_time_ratio/lmcache-chunk-sequence": (2.5, 6.5),
        "decode_time_ratio/lmcache-dequantization": (3.0, 9.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 3.0),
        "decode_time_ratio/pinned-copies": (0.5, 1.0),
        "decode_time_ratio/torch-cat": (2.5, 8.0),
    },
    "validation/traces/h200_dataplane_points4_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (7.0, 28.5),
        "corunner_time_ratio/lmcache-chunk-sequence": (4.5, 12.5),
        "corunner_time_ratio/lmcache-dequantization": (5.0, 12.0),
        "corunner_time_ratio/paged-kv-scatter": (8.0, 22.5),
        "corunner_time_ratio/torch-cat": (4.0, 14.5),
        "decode_time_ratio/cachegen-decoder": (3.0, 28.5),
        "decode_time_ratio/lmcache-chunk-sequence": (2.0, 6.5),
        "decode_time_ratio/lmcache-dequantization": (3.0, 9.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 3.5),
        "decode_time_ratio/pinned-copies": (1.0, 2.5),
        "decode_time_ratio/torch-cat": (2.5, 8.5),
    },
    "validation/traces/h200_dataplane_points6_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (8.0, 32.5),
        "corunner_time_ratio/lmcache-chunk-sequence": (5.0, 14.5),
        "corunner_time_ratio/lmcache-dequantization": (5.0, 17.0),
        "corunner_time_ratio/paged-kv-scatter": (7.5, 18.5),
        "corunner_time_ratio/torch-cat": (5.0, 12.0),
        "decode_time_ratio/cachegen-decoder": (3.5, 27.0),
        "decode_time_ratio/lmcache-chunk-sequence": (2.0, 6.5),
        "decode_time_ratio/lmcache-dequantization": (3.0, 11.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 4.5),
        "decode_time_ratio/pinned-copies": (1.0, 3.5),
        "decode_time_ratio/torch-cat": (2.5, 10.5),
    },
    # the long-attention regime (h200/dataplane_points8_random/, _points9_random/), declared before the
    # run: 32 x 8k, 12k-16k tokens (one wave) and two-wave grids of 8k tokens. Its co-runner rows are
    # the grid waits' fitted set since (2026-12-04; docs/serving.md, Attention's load): its decode rows
    # stay held out
    "validation/traces/h200_dataplane_points8_interference.csv": {
        "decode_time_ratio/cachegen-decoder": (2.5, 9.5),
        "decode_time_ratio/lmcache-chunk-sequence": (2.0, 7.5),
        "decode_time_ratio/lmcache-dequantization": (2.5, 9.5),
        "decode_time_ratio/paged-kv-scatter": (2.0, 8.0),
        "decode_time_ratio/pinned-copies": (1.5, 9.0),
        "decode_time_ratio/torch-cat": (3.0, 11.5),
    },
    # the check of multiwave_stretch's first range (h200/dataplane_points10_random/, _points11_random/;
    # declared before the run): seven multi-wave grids no run had, every point beside one. Held out from
    # every fit, but seen when the grid waits' form was chosen (docs/serving.md, Attention's load)
    "validation/traces/h200_dataplane_points10_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (9.0, 25.5),
        "corunner_time_ratio/lmcache-chunk-sequence": (5.0, 11.0),
        "corunner_time_ratio/lmcache-dequantization": (8.0, 21.0),
        "corunner_time_ratio/paged-kv-scatter": (5.5, 14.5),
        "corunner_time_ratio/torch-cat": (7.0, 17.5),
        "decode_time_ratio/cachegen-decoder": (2.0, 9.0),
        "decode_time_ratio/lmcache-chunk-sequence": (1.5, 4.5),
        "decode_time_ratio/lmcache-dequantization": (2.0, 8.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 3.5),
        "decode_time_ratio/pinned-copies": (1.0, 3.0),
        "decode_time_ratio/torch-cat": (2.5, 9.0),
    },
    # the check of the grid waits, declared and committed before the run, measured after every
    # calibration's fixed point (h200/dataplane_points12_random/, _points13_random/): attention loads no
    # run had, 0.61-2.67
    "validation/traces/h200_dataplane_points12_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (9.5, 24.0),
        "corunner_time_ratio/lmcache-chunk-sequence": (6.0, 18.5),
        "corunner_time_ratio/lmcache-dequantization": (7.0, 17.0),
        "corunner_time_ratio/paged-kv-scatter": (7.5, 16.0),
        "corunner_time_ratio/torch-cat": (6.0, 17.0),
        "decode_time_ratio/cachegen-decoder": (2.0, 10.0),
        "decode_time_ratio/lmcache-chunk-sequence": (1.5, 6.5),
        "decode_time_ratio/lmcache-dequantization": (2.0, 7.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 2.5),
        "decode_time_ratio/pinned-copies": (1.5, 2.5),
        "decode_time_ratio/torch-cat": (2.0, 7.5),
    },
    # the first sealed set (h200/dataplane_points14_random/, _points15_random/), evaluated once with the
    # spill per launch (every family within 15% but the decoder at 12k-16k tokens, 17.1%); the spill
    # beside half-full SMs was chosen after seeing it, so it is seen data now, gated like the rest
    "validation/traces/h200_dataplane_points14_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (9.5, 25.0),
        "corunner_time_ratio/lmcache-chunk-sequence": (7.0, 16.5),
        "corunner_time_ratio/lmcache-dequantization": (8.0, 20.5),
        "corunner_time_ratio/paged-kv-scatter": (7.0, 20.0),
        "corunner_time_ratio/torch-cat": (7.0, 17.0),
        "decode_time_ratio/cachegen-decoder": (2.5, 10.0),
        "decode_time_ratio/lmcache-chunk-sequence": (2.0, 5.5),
        "decode_time_ratio/lmcache-dequantization": (2.5, 8.5),
        "decode_time_ratio/paged-kv-scatter": (1.5, 3.0),
        "decode_time_ratio/pinned-copies": (1.5, 2.5),
        "decode_time_ratio/torch-cat": (2.5, 8.0),
    },
    # one-wave ALU launches of six shapes at a random point of the step, where their blocks land
    # (h200/placement/, placement_probe.py): crowding and pack_blocks fitted at 8 x 4k and 1 x 1k,
    # 8 x 8k and 32 x 8k held out
    "validation/traces/h200_placement_interference.csv": {
        "corunner_time_ratio/placement-t1024-s0-g132": (2.0, 4.5),
        "corunner_time_ratio/placement-t128-s0-g132": (10.5, 22.5),
        "corunner_time_ratio/placement-t128-s0-g264": (7.5, 13.5),
        "corunner_time_ratio/placement-t128-s0-g33": (9.5, 22.0),
        "corunner_time_ratio/placement-t128-s100k-g132": (13.0, 20.0),
        "corunner_time_ratio/placement-t128-s48k-g132": (6.0, 10.5),
        "decode_time_ratio/placement-t1024-s0-g132": (4.0, 4.0),
        "decode_time_ratio/placement-t128-s0-g132": (4.0, 4.5),
        "decode_time_ratio/placement-t128-s0-g264": (5.0, 6.5),
        "decode_time_ratio/placement-t128-s0-g33": (1.5, 2.0),
        "decode_time_ratio/placement-t128-s100k-g132": (1.0, 1.5),
        "decode_time_ratio/placement-t128-s48k-g132": (2.0, 2.5),
    },
    # the same launches copying 2-byte elements (h200/placement_copy/, placement_probe.py --body copy),
    # measured after every fit; since the loaded latency (2026-12-04, a ninth session) latency_loss is
    # fitted on its 8 x 4k and 1 x 1k points, 8 x 8k and 32 x 8k held out (these)
    "validation/traces/h200_placement_copy_interference.csv": {
        "corunner_time_ratio/placement-copy-t1024-s0-g132": (13.5, 20.0),
        "corunner_time_ratio/placement-copy-t128-s0-g132": (10.0, 14.0),
        "corunner_time_ratio/placement-copy-t128-s0-g264": (9.5, 18.0),
        "corunner_time_ratio/placement-copy-t128-s0-g33": (9.5, 16.0),
        "corunner_time_ratio/placement-copy-t128-s100k-g132": (7.0, 8.5),
        "corunner_time_ratio/placement-copy-t128-s200k-g66": (12.0, 17.5),
        "corunner_time_ratio/placement-copy-t128-s48k-g132": (7.5, 16.0),
        "decode_time_ratio/placement-copy-t1024-s0-g132": (2.5, 3.0),
        "decode_time_ratio/placement-copy-t128-s0-g132": (4.0, 4.5),
        "decode_time_ratio/placement-copy-t128-s0-g264": (3.0, 4.0),
        "decode_time_ratio/placement-copy-t128-s0-g33": (2.0, 2.5),
        "decode_time_ratio/placement-copy-t128-s100k-g132": (2.0, 2.5),
        "decode_time_ratio/placement-copy-t128-s200k-g66": (3.0, 5.5),
        "decode_time_ratio/placement-copy-t128-s48k-g132": (4.0, 4.5),
    },
    # the packed streaming launches' sealed set (placement_probe.py --sealed; its claims' test below)
    "validation/traces/h200_placement_copy_sealed_interference.csv": {
        "corunner_time_ratio/placement-copy-t128-s0-g198": (5.5, 12.5),
        "corunner_time_ratio/placement-copy-t128-s0-g66": (4.0, 11.0),
        "corunner_time_ratio/placement-copy-t128-s24k-g132": (8.0, 19.0),
        "corunner_time_ratio/placement-copy-t256-s0-g132": (9.0, 20.5),
        "corunner_time_ratio/placement-copy-t512-s0-g132": (6.5, 20.0),
        "decode_time_ratio/placement-copy-t128-s0-g198": (2.5, 4.0),
        "decode_time_ratio/placement-copy-t128-s0-g66": (2.0, 3.0),
        "decode_time_ratio/placement-copy-t128-s24k-g132": (3.5, 7.0),
        "decode_time_ratio/placement-copy-t256-s0-g132": (4.5, 5.5),
        "decode_time_ratio/placement-copy-t512-s0-g132": (2.5, 3.0),
    },
    # the loaded latency's sealed set (placement_probe.py --sealed2; its claims' test below)
    "validation/traces/h200_placement_copy_sealed2_interference.csv": {
        "corunner_time_ratio/placement-copy-t128-s0-g100": (6.0, 18.0),
        "corunner_time_ratio/placement-copy-t128-s0-g400": (9.0, 19.5),
        "corunner_time_ratio/placement-copy-t192-s64k-g132": (8.5, 27.0),
        "corunner_time_ratio/placement-copy-t256-s0-g66": (5.0, 14.5),
        "corunner_time_ratio/placement-copy-t64-s0-g132": (6.5, 12.0),
        "decode_time_ratio/placement-copy-t128-s0-g100": (3.0, 3.0),
        "decode_time_ratio/placement-copy-t128-s0-g400": (1.5, 2.5),
        "decode_time_ratio/placement-copy-t192-s64k-g132": (2.5, 4.0),
        "decode_time_ratio/placement-copy-t256-s0-g66": (0.5, 1.0),
        "decode_time_ratio/placement-copy-t64-s0-g132": (4.0, 7.0),
    },
    # the latency relief's sealed set (placement_probe.py --sealed3; its claims' test below)
    "validation/traces/h200_placement_copy_sealed3_interference.csv": {
        "corunner_time_ratio/placement-copy-t128-s0-g120": (11.5, 19.5),
        "corunner_time_ratio/placement-copy-t128-s32k-g132": (9.5, 20.5),
        "corunner_time_ratio/placement-copy-t256-s0-g100": (7.0, 15.5),
        "corunner_time_ratio/placement-copy-t64-s0-g66": (7.5, 14.0),
        "corunner_time_ratio/placement-copy-t96-s0-g132": (11.5, 21.0),
        "decode_time_ratio/placement-copy-t128-s0-g120": (4.5, 6.5),
        "decode_time_ratio/placement-copy-t128-s32k-g132": (1.5, 2.5),
        "decode_time_ratio/placement-copy-t256-s0-g100": (1.0, 1.5),
        "decode_time_ratio/placement-copy-t64-s0-g66": (1.0, 1.5),
        "decode_time_ratio/placement-copy-t96-s0-g132": (3.0, 5.0),
    },
    # the L2 boundary (declared 2026-12-05, a fifteenth session; measured a sixteenth): one-wave copies of
    # 32-80 MiB a launch around the H200's 60 MiB L2. Its short-memory co-runner rows are the partial fit's
    # fitted set (l2_resident_share, a seventeenth session; 16.6% under the step form before it, in the
    # ledger then): not held out, so not here
    "validation/traces/h200_l2_boundary_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (4.5, 9.5),
        "corunner_time_ratio/short-2-byte": (6.5, 18.0),
        "decode_time_ratio/paged-kv-scatter": (1.0, 2.5),
        "decode_time_ratio/short-2-byte": (3.5, 11.5),
        "decode_time_ratio/short-memory": (4.0, 18.5),
    },
    # the first grid's probe and regime sections at the step's start, unprofiled (declared and measured
    # 2026-12-05, a sixteenth session): which of the profiled grid's misses were the profiler's
    "validation/traces/h200_start_probe_interference.csv": {
        "corunner_time_ratio/probe-alu": (17.5, 39.0),
        "corunner_time_ratio/probe-copy-16-byte": (16.0, 46.0),
        "corunner_time_ratio/probe-copy-2-byte": (14.0, 51.5),
        "corunner_time_ratio/probe-torch-strided-copy": (11.0, 49.0),
        "corunner_time_ratio/regime-compute": (12.5, 83.5),
        "corunner_time_ratio/regime-memory": (11.5, 79.0),
        "decode_time_ratio/probe-alu": (0.5, 2.0),
        "decode_time_ratio/probe-copy-16-byte": (0.5, 0.5),
        "decode_time_ratio/probe-copy-2-byte": (0.5, 1.0),
        "decode_time_ratio/probe-torch-strided-copy": (0.5, 2.0),
        "decode_time_ratio/regime-compute": (10.0, 176.0),
        "decode_time_ratio/regime-memory": (8.0, 180.5),
    },
    # decode's loss against the SMs a co-runner holds, on an H100 (declared 2026-12-05, an eighteenth session;
    # measured as amended in a nineteenth; h100/coverage_sms_random1/, _random2/): one-wave ALU launches of one
    # block on 16-132 SMs and the scatter beside decode at four points, twice; read in docs/serving.md, The
    # SMs a co-runner holds
    "validation/traces/h100_coverage1_interference.csv": {
        "corunner_time_ratio/coverage-compute": (29.0, 58.0),
        "corunner_time_ratio/paged-kv-scatter": (8.5, 14.5),
        "decode_time_ratio/coverage-compute": (2.5, 10.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 2.5),
    },
    "validation/traces/h100_coverage2_interference.csv": {
        "corunner_time_ratio/coverage-compute": (29.0, 58.0),
        "corunner_time_ratio/paged-kv-scatter": (8.0, 11.0),
        "decode_time_ratio/coverage-compute": (2.5, 10.0),
        "decode_time_ratio/paged-kv-scatter": (1.0, 2.5),
    },
    # the same coverage run on the H200 (declared 2026-12-05, an eighteenth session; measured a twentieth, when an
    # H200 was lent; h200/coverage_sms_random1/, _random2/): read in docs/serving.md, Where the coverage
    # launches' time goes
    "validation/traces/h200_coverage1_interference.csv": {
        "corunner_time_ratio/coverage-compute": (20.5, 49.5),
        "corunner_time_ratio/paged-kv-scatter": (2.5, 7.0),
        "decode_time_ratio/coverage-compute": (3.0, 10.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 2.0),
    },
    "validation/traces/h200_coverage2_interference.csv": {
        "corunner_time_ratio/coverage-compute": (20.0, 50.5),
        "corunner_time_ratio/paged-kv-scatter": (3.0, 7.0),
        "decode_time_ratio/coverage-compute": (3.0, 10.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 2.5),
    },
    # the L2 partial fit's sealed set (declared 2026-12-05, a sixteenth session; measured a twentieth;
    # h200/l2_partial_random/): its claims hold (tests/test_l2_residency.py)
    "validation/traces/h200_l2_partial_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (4.0, 13.0),
        "corunner_time_ratio/short-2-byte": (6.5, 14.5),
        "corunner_time_ratio/short-memory": (10.0, 28.5),
        "decode_time_ratio/paged-kv-scatter": (0.5, 1.5),
        "decode_time_ratio/short-2-byte": (2.5, 9.0),
        "decode_time_ratio/short-memory": (4.5, 14.5),
    },
    # the H100's data-plane units again, unprofiled, at a random point of the step (declared 2026-12-05, an
    # eighteenth session, before the run; h100/dataplane_random/): the profiled grid's decoder miss was the
    # profiler's or the phase's (10.8% here)
    "validation/traces/h100_dataplane_random_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (10.5, 25.5),
        "corunner_time_ratio/lmcache-chunk-sequence": (6.5, 12.0),
        "corunner_time_ratio/lmcache-dequantization": (8.0, 16.5),
        "corunner_time_ratio/paged-kv-scatter": (8.5, 14.5),
        "corunner_time_ratio/torch-cat": (12.0, 29.0),
        "decode_time_ratio/cachegen-decoder": (3.5, 10.5),
        "decode_time_ratio/lmcache-chunk-sequence": (1.5, 4.0),
        "decode_time_ratio/lmcache-dequantization": (2.5, 8.0),
        "decode_time_ratio/paged-kv-scatter": (1.0, 3.0),
        "decode_time_ratio/pinned-copies": (1.0, 3.0),
        "decode_time_ratio/torch-cat": (2.5, 6.0),
    },
    # the sealed check of narrow_attention through the GPU's loaded latency beside attention (declared 2026-12-05,
    # a twenty-first session; h100/dataplane_sealed_random/): the H100's data-plane units at four new decode points
    "validation/traces/h100_dataplane_sealed_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (10.5, 21.0),
        "corunner_time_ratio/lmcache-chunk-sequence": (7.0, 16.0),
        "corunner_time_ratio/lmcache-dequantization": (9.5, 21.5),
        "corunner_time_ratio/paged-kv-scatter": (9.0, 21.0),
        "corunner_time_ratio/torch-cat": (11.0, 17.0),
        "decode_time_ratio/cachegen-decoder": (3.0, 13.5),
        "decode_time_ratio/lmcache-chunk-sequence": (1.5, 4.5),
        "decode_time_ratio/lmcache-dequantization": (2.5, 6.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 1.5),
        "decode_time_ratio/pinned-copies": (1.0, 2.5),
        "decode_time_ratio/torch-cat": (2.0, 4.5),
    },
    # the sealed check of the turn wait in GEMM lengths (declared 2026-12-05, a twenty-second session;
    # h100/dataplane_sealed2_random/): the H100's data-plane units at four more decode points
    "validation/traces/h100_dataplane_sealed2_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (8.0, 17.0),
        "corunner_time_ratio/lmcache-chunk-sequence": (4.0, 9.0),
        "corunner_time_ratio/lmcache-dequantization": (5.5, 13.0),
        "corunner_time_ratio/paged-kv-scatter": (4.5, 10.0),
        "corunner_time_ratio/torch-cat": (10.0, 21.5),
        "decode_time_ratio/cachegen-decoder": (3.0, 9.5),
        "decode_time_ratio/lmcache-chunk-sequence": (1.5, 4.5),
        "decode_time_ratio/lmcache-dequantization": (2.5, 8.0),
        "decode_time_ratio/paged-kv-scatter": (1.0, 3.0),
        "decode_time_ratio/pinned-copies": (1.5, 4.0),
        "decode_time_ratio/torch-cat": (2.5, 7.5),
    },
    # decode of longer GEMMs on one GPU (declared 2026-12-05, a twenty-third session; h100/dataplane_long_gemm_random/):
    # the data-plane units beside a 12-layer Llama-3-70B-shaped decode, GEMMs 3.7x the 8B's
    "validation/traces/h100_dataplane_long_gemm_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (7.0, 21.0),
        "corunner_time_ratio/lmcache-chunk-sequence": (7.0, 13.0),
        "corunner_time_ratio/lmcache-dequantization": (7.5, 15.0),
        "corunner_time_ratio/paged-kv-scatter": (15.0, 20.5),
        "corunner_time_ratio/torch-cat": (16.0, 30.5),
        "decode_time_ratio/cachegen-decoder": (2.5, 9.5),
        "decode_time_ratio/lmcache-chunk-sequence": (3.0, 6.0),
        "decode_time_ratio/lmcache-dequantization": (3.5, 9.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 2.0),
        "decode_time_ratio/pinned-copies": (1.0, 2.5),
        "decode_time_ratio/torch-cat": (3.0, 8.0),
    },
    # its twin in the same session: the scatter beside the 8B's decode at the same points
    "validation/traces/h100_dataplane_long_gemm_8b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (6.5, 12.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 3.5),
    },
    # the GEMM-length ladder (declared 2026-12-05, a twenty-fourth session; h100/dataplane_ladder_*_random/): the
    # scatter, torch.cat and the dequantization beside 1B-, 8B-, 70B- and 405B-shaped decode on one H100
    "validation/traces/h100_dataplane_ladder_1b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (14.5, 39.5),
        "corunner_time_ratio/paged-kv-scatter": (24.0, 41.0),
        "corunner_time_ratio/torch-cat": (13.0, 29.0),
        "decode_time_ratio/lmcache-dequantization": (4.5, 11.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 4.0),
        "decode_time_ratio/torch-cat": (3.0, 9.0),
    },
    "validation/traces/h100_dataplane_ladder_8b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (5.5, 9.0),
        "corunner_time_ratio/paged-kv-scatter": (7.0, 12.5),
        "corunner_time_ratio/torch-cat": (7.0, 15.0),
        "decode_time_ratio/lmcache-dequantization": (2.5, 8.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 3.5),
        "decode_time_ratio/torch-cat": (2.5, 7.5),
    },
    "validation/traces/h100_dataplane_ladder_70b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (8.0, 15.5),
        "corunner_time_ratio/paged-kv-scatter": (15.0, 19.0),
        "corunner_time_ratio/torch-cat": (16.0, 31.5),
        "decode_time_ratio/lmcache-dequantization": (3.5, 9.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 2.0),
        "decode_time_ratio/torch-cat": (3.5, 8.0),
    },
    "validation/traces/h100_dataplane_ladder_405b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (26.0, 32.5),
        "corunner_time_ratio/paged-kv-scatter": (5.5, 19.0),
        "corunner_time_ratio/torch-cat": (31.5, 41.0),
        "decode_time_ratio/lmcache-dequantization": (6.5, 11.0),
        "decode_time_ratio/paged-kv-scatter": (0.5, 1.0),
        "decode_time_ratio/torch-cat": (4.5, 7.5),
    },
    # two more rungs on another model family, a sealed check (declared 2026-12-06, the twenty-seventh session,
    # before the run; tests/test_qwen_rungs.py): the ladder's units beside Qwen2.5-14B- and 32B-shaped decode on an
    # H100 (mean GEMMs 47.6 and 82.5 us); all held out
    "validation/traces/h100_dataplane_ladder_qwen14b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (7.5, 14.5),
        "corunner_time_ratio/paged-kv-scatter": (9.5, 19.0),
        "corunner_time_ratio/torch-cat": (3.5, 7.5),
        "decode_time_ratio/lmcache-dequantization": (2.5, 8.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 2.0),
        "decode_time_ratio/torch-cat": (2.0, 7.5),
    },
    "validation/traces/h100_dataplane_ladder_qwen32b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (8.0, 13.0),
        "corunner_time_ratio/paged-kv-scatter": (3.5, 7.5),
        "corunner_time_ratio/torch-cat": (13.0, 28.5),
        "decode_time_ratio/lmcache-dequantization": (3.0, 6.5),
        "decode_time_ratio/paged-kv-scatter": (0.5, 1.0),
        "decode_time_ratio/torch-cat": (3.5, 7.5),
    },
    # four more decode shapes, the grid wait's first sealed check (declared 2026-12-06, the twenty-eighth session,
    # before the run; tests/test_grid_rungs.py): the ladder's units beside Llama-2-7B- (8 of 32 layers), Qwen2.5-7B-,
    # Yi-34B- (16 of 60) and Mistral-7B-shaped decode on an H100; all held out, read here against the committed model
    "validation/traces/h100_dataplane_ladder_llama2_7b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (9.5, 16.0),
        "corunner_time_ratio/paged-kv-scatter": (3.5, 6.5),
        "corunner_time_ratio/torch-cat": (12.5, 25.5),
        "decode_time_ratio/lmcache-dequantization": (4.5, 13.5),
        "decode_time_ratio/paged-kv-scatter": (2.0, 5.5),
        "decode_time_ratio/torch-cat": (4.5, 10.5),
    },
    "validation/traces/h100_dataplane_ladder_qwen7b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (6.5, 20.5),
        "corunner_time_ratio/paged-kv-scatter": (9.0, 18.5),
        "corunner_time_ratio/torch-cat": (5.5, 12.0),
        "decode_time_ratio/lmcache-dequantization": (2.5, 8.5),
        "decode_time_ratio/paged-kv-scatter": (0.5, 1.5),
        "decode_time_ratio/torch-cat": (2.5, 6.5),
    },
    "validation/traces/h100_dataplane_ladder_yi34b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (16.0, 23.5),
        "corunner_time_ratio/paged-kv-scatter": (8.5, 17.5),
        "corunner_time_ratio/torch-cat": (5.5, 13.5),
        "decode_time_ratio/lmcache-dequantization": (2.0, 6.0),
        "decode_time_ratio/paged-kv-scatter": (0.5, 1.0),
        "decode_time_ratio/torch-cat": (2.5, 7.0),
    },
    "validation/traces/h100_dataplane_ladder_mistral7b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (5.5, 9.5),
        "corunner_time_ratio/paged-kv-scatter": (8.5, 14.5),
        "corunner_time_ratio/torch-cat": (6.0, 11.5),
        "decode_time_ratio/lmcache-dequantization": (3.0, 8.0),
        "decode_time_ratio/paged-kv-scatter": (1.0, 2.0),
        "decode_time_ratio/torch-cat": (3.0, 7.5),
    },
    # the grid crawl's sealed check (declared 2026-12-06, the twenty-eighth session, before the run;
    # tests/test_grid_crawl.py): the ladder's units beside Yi-34B (16 of 60 layers), Qwen2.5-14B (24 of 48),
    # Qwen2.5-32B (16 of 64) and Llama-3-70B (12 of 80) at 2 x 4k, 6 x 8k and 16 x 2k on an H100; all held out
    "validation/traces/h100_dataplane_crawlgrid_yi34b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (15.0, 24.0),
        "corunner_time_ratio/paged-kv-scatter": (4.5, 8.5),
        "corunner_time_ratio/torch-cat": (7.0, 18.0),
        "decode_time_ratio/lmcache-dequantization": (2.0, 6.0),
        "decode_time_ratio/paged-kv-scatter": (0.5, 1.0),
        "decode_time_ratio/torch-cat": (3.0, 8.0),
    },
    "validation/traces/h100_dataplane_crawlgrid_qwen14b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (7.0, 16.5),
        "corunner_time_ratio/paged-kv-scatter": (9.5, 16.5),
        "corunner_time_ratio/torch-cat": (4.5, 8.5),
        "decode_time_ratio/lmcache-dequantization": (2.0, 8.0),
        "decode_time_ratio/paged-kv-scatter": (1.0, 3.0),
        "decode_time_ratio/torch-cat": (2.0, 6.5),
    },
    "validation/traces/h100_dataplane_crawlgrid_qwen32b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (8.5, 18.0),
        "corunner_time_ratio/paged-kv-scatter": (4.5, 11.0),
        "corunner_time_ratio/torch-cat": (13.0, 27.0),
        "decode_time_ratio/lmcache-dequantization": (3.0, 6.0),
        "decode_time_ratio/paged-kv-scatter": (0.5, 2.0),
        "decode_time_ratio/torch-cat": (3.5, 7.5),
    },
    "validation/traces/h100_dataplane_crawlgrid_70b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (8.0, 16.0),
        "corunner_time_ratio/paged-kv-scatter": (15.5, 19.5),
        "corunner_time_ratio/torch-cat": (15.0, 30.0),
        "decode_time_ratio/lmcache-dequantization": (2.5, 8.0),
        "decode_time_ratio/paged-kv-scatter": (1.0, 1.5),
        "decode_time_ratio/torch-cat": (3.0, 7.0),
    },
    # the turn rounds' sealed check (declared 2026-12-06, a twenty-ninth session, before the run;
    # tests/test_turn_rounds.py, claim 5 failed, not adopted): short one-wave units (blocks of ~2.5-44 us) and the
    # scatter beside Qwen2.5-14B (24 of 48 layers), Yi-34B (16 of 60) and Llama-3-8B at 3 x 4k, 10 x 4k and 20 x 2k on
    # an H100; all held out
    "validation/traces/h100_short_rounds_qwen14b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (8.0, 21.0),
        "corunner_time_ratio/short-2-byte": (6.5, 13.5),
        "corunner_time_ratio/short-compute": (9.5, 23.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 2.5),
        "decode_time_ratio/short-2-byte": (1.5, 4.0),
        "decode_time_ratio/short-compute": (2.5, 8.0),
    },
    "validation/traces/h100_short_rounds_yi34b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (5.0, 7.0),
        "corunner_time_ratio/short-2-byte": (9.0, 19.5),
        "corunner_time_ratio/short-compute": (12.5, 33.0),
        "decode_time_ratio/paged-kv-scatter": (0.5, 1.0),
        "decode_time_ratio/short-2-byte": (1.5, 3.5),
        "decode_time_ratio/short-compute": (1.5, 5.0),
    },
    "validation/traces/h100_short_rounds_8b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (6.0, 13.5),
        "corunner_time_ratio/short-2-byte": (6.5, 19.0),
        "corunner_time_ratio/short-compute": (9.0, 25.0),
        "decode_time_ratio/paged-kv-scatter": (1.0, 1.5),
        "decode_time_ratio/short-2-byte": (1.0, 2.5),
        "decode_time_ratio/short-compute": (2.5, 6.5),
    },
    # the turn rounds' second sealed check (declared 2026-12-06, a twenty-ninth session, before the run;
    # tests/test_turn_rounds.py, claim 2 failed, not adopted): the ladder's units beside Qwen2.5-7B, Mistral-7B, the
    # 8B, Qwen2.5-14B (24 of 48 layers) and Yi-34B (16 of 60) where their GEMMs leave SMs free, on an H100; all held out
    "validation/traces/h100_dataplane_rounds2_qwen7b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (11.0, 19.0),
        "corunner_time_ratio/paged-kv-scatter": (13.5, 20.0),
        "corunner_time_ratio/torch-cat": (5.0, 10.0),
        "decode_time_ratio/lmcache-dequantization": (3.0, 9.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 2.0),
        "decode_time_ratio/torch-cat": (2.0, 8.0),
    },
    "validation/traces/h100_dataplane_rounds2_mistral7b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (6.5, 12.5),
        "corunner_time_ratio/paged-kv-scatter": (10.0, 13.0),
        "corunner_time_ratio/torch-cat": (3.0, 6.0),
        "decode_time_ratio/lmcache-dequantization": (2.0, 6.0),
        "decode_time_ratio/paged-kv-scatter": (1.0, 1.5),
        "decode_time_ratio/torch-cat": (2.0, 5.0),
    },
    "validation/traces/h100_dataplane_rounds2_8b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (6.0, 12.0),
        "corunner_time_ratio/paged-kv-scatter": (10.5, 13.5),
        "corunner_time_ratio/torch-cat": (3.5, 8.5),
        "decode_time_ratio/lmcache-dequantization": (1.5, 6.0),
        "decode_time_ratio/paged-kv-scatter": (1.0, 1.5),
        "decode_time_ratio/torch-cat": (2.0, 5.5),
    },
    "validation/traces/h100_dataplane_rounds2_qwen14b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (3.5, 8.5),
        "corunner_time_ratio/paged-kv-scatter": (5.0, 12.5),
        "corunner_time_ratio/torch-cat": (7.0, 12.5),
        "decode_time_ratio/lmcache-dequantization": (2.0, 7.0),
        "decode_time_ratio/paged-kv-scatter": (1.0, 2.5),
        "decode_time_ratio/torch-cat": (2.5, 7.5),
    },
    "validation/traces/h100_dataplane_rounds2_yi34b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (20.0, 25.5),
        "corunner_time_ratio/paged-kv-scatter": (2.0, 4.0),
        "corunner_time_ratio/torch-cat": (7.5, 14.0),
        "decode_time_ratio/lmcache-dequantization": (2.0, 6.0),
        "decode_time_ratio/paged-kv-scatter": (1.0, 1.5),
        "decode_time_ratio/torch-cat": (2.5, 7.5),
    },
    # the sealed check of a candidate crawl share by each launch's pace on a GEMM's free SMs (declared 2026-12-06,
    # the twenty-seventh session, before the run; tests/test_pace_crawl.py): the ladder's units beside the 70B and
    # 405B shapes at three new points on an H100; all held out, read here against the committed model
    "validation/traces/h100_dataplane_pace_70b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (7.0, 12.0),
        "corunner_time_ratio/paged-kv-scatter": (17.5, 20.5),
        "corunner_time_ratio/torch-cat": (15.0, 29.0),
        "decode_time_ratio/lmcache-dequantization": (3.5, 10.0),
        "decode_time_ratio/paged-kv-scatter": (1.0, 1.5),
        "decode_time_ratio/torch-cat": (3.0, 8.0),
    },
    "validation/traces/h100_dataplane_pace_405b_interference.csv": {
        "corunner_time_ratio/lmcache-dequantization": (21.0, 32.5),
        "corunner_time_ratio/paged-kv-scatter": (5.5, 11.5),
        "corunner_time_ratio/torch-cat": (28.5, 40.0),
        "decode_time_ratio/lmcache-dequantization": (6.5, 11.5),
        "decode_time_ratio/paged-kv-scatter": (0.5, 1.5),
        "decode_time_ratio/torch-cat": (5.0, 9.5),
    },
    # the fit set declared for a co-runner form beside long GEMMs (2026-12-05, the twenty-fourth session;
    # measured the twenty-fifth on an H100, h100/regime_ladder_*_random/): the regime's synthetic co-runners,
    # launched from Python at a random point, beside 8B-, 70B-shaped and 405B-shaped decode. The crawl beside long
    # GEMMs is fitted on its co-runner rows beside the 70B and 405B shapes (2026-12-06, long_gemm_fit.py: those rows
    # are fitted, not held out); decode's side and the 8B's rows (inside the checked lengths, the form adds nothing)
    # stay held out
    "validation/traces/h100_regime_ladder_8b_interference.csv": {
        "corunner_time_ratio/regime-compute": (7.5, 98.0),
        "corunner_time_ratio/regime-memory": (8.0, 28.5),
        "decode_time_ratio/regime-compute": (8.5, 71.5),
        "decode_time_ratio/regime-memory": (5.5, 66.5),
    },
    "validation/traces/h100_regime_ladder_70b_interference.csv": {
        "decode_time_ratio/regime-compute": (6.5, 33.0),
        "decode_time_ratio/regime-memory": (5.5, 76.0),
    },
    "validation/traces/h100_regime_ladder_405b_interference.csv": {
        "decode_time_ratio/regime-compute": (5.0, 39.5),
        "decode_time_ratio/regime-memory": (7.5, 21.0),
    },
    # the designs' own pattern beside long GEMMs (declared 2026-12-05, a twenty-fifth session; h100/design_pattern_*_random/):
    # CacheGen's decoder, LMCache's dequantization and the two in sequence beside 405B-, 70B-shaped and 8B decode
    "validation/traces/h100_design_pattern_405b_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (5.5, 16.0),
        "corunner_time_ratio/lmcache-chunk-sequence": (7.0, 15.0),
        "corunner_time_ratio/lmcache-dequantization": (25.5, 31.0),
        "decode_time_ratio/cachegen-decoder": (1.0, 3.0),
        "decode_time_ratio/lmcache-chunk-sequence": (3.0, 6.0),
        "decode_time_ratio/lmcache-dequantization": (6.5, 10.5),
    },
    "validation/traces/h100_design_pattern_70b_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (6.5, 19.0),
        "corunner_time_ratio/lmcache-chunk-sequence": (7.5, 13.5),
        "corunner_time_ratio/lmcache-dequantization": (7.5, 15.5),
        "decode_time_ratio/cachegen-decoder": (2.5, 9.0),
        "decode_time_ratio/lmcache-chunk-sequence": (3.0, 5.5),
        "decode_time_ratio/lmcache-dequantization": (3.5, 9.5),
    },
    "validation/traces/h100_design_pattern_8b_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (8.0, 17.0),
        "corunner_time_ratio/lmcache-chunk-sequence": (4.5, 9.5),
        "corunner_time_ratio/lmcache-dequantization": (5.0, 10.0),
        "decode_time_ratio/cachegen-decoder": (3.0, 8.0),
        "decode_time_ratio/lmcache-chunk-sequence": (2.0, 4.0),
        "decode_time_ratio/lmcache-dequantization": (2.5, 8.5),
    },
    # its repeat at other decode points (declared 2026-12-05; measured 2026-12-06 on an H100 after the crawl form's
    # coefficients were fixed, so a sealed set for it too; h100/design_pattern_{405b,70b}_repeat/)
    "validation/traces/h100_design_pattern_405b_repeat_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (6.0, 15.5),
        "corunner_time_ratio/lmcache-chunk-sequence": (5.0, 14.0),
        "corunner_time_ratio/lmcache-dequantization": (16.0, 32.5),
        "decode_time_ratio/cachegen-decoder": (1.5, 5.0),
        "decode_time_ratio/lmcache-chunk-sequence": (3.5, 5.5),
        "decode_time_ratio/lmcache-dequantization": (6.0, 11.0),
    },
    "validation/traces/h100_design_pattern_70b_repeat_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (5.5, 14.5),
        "corunner_time_ratio/lmcache-chunk-sequence": (6.5, 9.5),
        "corunner_time_ratio/lmcache-dequantization": (7.0, 13.0),
        "decode_time_ratio/cachegen-decoder": (1.5, 5.0),
        "decode_time_ratio/lmcache-chunk-sequence": (2.0, 5.0),
        "decode_time_ratio/lmcache-dequantization": (3.0, 9.5),
    },
    # the decode-side form's fitted set (declared 2026-12-05, a sixteenth session): its form fitted to 0 and
    # was not adopted, so every point is held out (the regime kernels at four attention-heavy decode points)
    "validation/traces/h200_regime_decode_fit_interference.csv": {
        "corunner_time_ratio/regime-compute": (11.5, 41.5),
        "corunner_time_ratio/regime-memory": (8.5, 33.5),
        "decode_time_ratio/regime-compute": (12.5, 219.5),
        "decode_time_ratio/regime-memory": (10.5, 163.0),
    },
    # the stream/graph diagnostic (declared 2026-12-06, a thirtieth session, before its run; h100/stream_graph_*_random/):
    # the short ALU units and the scatter from Python and as graphs along the GEMM-length ladder, every point held out
    "validation/traces/h100_stream_graph_1b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (27.0, 64.5),
        "corunner_time_ratio/short-compute": (10.5, 48.5),
        "decode_time_ratio/paged-kv-scatter": (3.0, 10.5),
        "decode_time_ratio/short-compute": (3.5, 10.5),
    },
    "validation/traces/h100_stream_graph_8b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (12.0, 26.5),
        "corunner_time_ratio/short-compute": (10.5, 28.0),
        "decode_time_ratio/paged-kv-scatter": (2.5, 8.0),
        "decode_time_ratio/short-compute": (2.5, 8.0),
    },
    "validation/traces/h100_stream_graph_70b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (17.0, 21.0),
        "corunner_time_ratio/short-compute": (4.5, 13.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 3.0),
        "decode_time_ratio/short-compute": (2.0, 5.0),
    },
    "validation/traces/h100_stream_graph_405b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (6.5, 13.5),
        "corunner_time_ratio/short-compute": (19.5, 38.0),
        "decode_time_ratio/paged-kv-scatter": (0.5, 1.0),
        "decode_time_ratio/short-compute": (1.0, 2.0),
    },    # the graph-landing sealed set (declared 2026-12-06, a thirty-first session, before its run; h100/graph_landing_*_random/):
    # the short units and the scatter from Python and as CUDA graphs beside four long-GEMM shapes; opened under
    # the graph crawl's first candidate (not adopted: tests/test_graph_landing.py), every row held out
    "validation/traces/h100_graph_landing_qwen32b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (8.0, 18.0),
        "corunner_time_ratio/short-2-byte": (4.0, 11.5),
        "corunner_time_ratio/short-compute": (11.0, 25.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 4.0),
        "decode_time_ratio/short-2-byte": (1.0, 3.0),
        "decode_time_ratio/short-compute": (2.0, 5.0),
    },
    "validation/traces/h100_graph_landing_70b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (20.0, 23.5),
        "corunner_time_ratio/short-2-byte": (3.5, 11.0),
        "corunner_time_ratio/short-compute": (8.5, 22.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 2.5),
        "decode_time_ratio/short-2-byte": (2.5, 5.0),
        "decode_time_ratio/short-compute": (2.0, 4.5),
    },
    "validation/traces/h100_graph_landing_yi34b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (11.0, 21.0),
        "corunner_time_ratio/short-2-byte": (10.0, 22.0),
        "corunner_time_ratio/short-compute": (19.5, 36.5),
        "decode_time_ratio/paged-kv-scatter": (1.5, 4.5),
        "decode_time_ratio/short-2-byte": (1.5, 4.5),
        "decode_time_ratio/short-compute": (2.0, 5.0),
    },
    "validation/traces/h100_graph_landing_405b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (13.5, 23.0),
        "corunner_time_ratio/short-2-byte": (9.5, 32.0),
        "corunner_time_ratio/short-compute": (19.5, 67.5),
        "decode_time_ratio/paged-kv-scatter": (0.5, 1.5),
        "decode_time_ratio/short-2-byte": (3.5, 6.5),
        "decode_time_ratio/short-compute": (1.0, 1.5),
    },
    # the second graph-landing set (declared 2026-12-06, a thirty-first session, before its run, measured ahead of any
    # form and committed unopened; h100/graph_sealed2_*_random/): the same units beside Qwen2.5-14B, 70B, Yi-34B and
    # 405B shapes at 2 x 2k, 16 x 4k, 32 x 1k; opened under the graph crawl's third candidate (not adopted), held out
    "validation/traces/h100_graph_sealed2_qwen14b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (11.0, 32.0),
        "corunner_time_ratio/short-2-byte": (7.5, 12.0),
        "corunner_time_ratio/short-compute": (8.5, 23.5),
        "decode_time_ratio/paged-kv-scatter": (2.5, 9.0),
        "decode_time_ratio/short-2-byte": (1.5, 6.0),
        "decode_time_ratio/short-compute": (4.0, 9.5),
    },
    "validation/traces/h100_graph_sealed2_70b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (17.5, 22.5),
        "corunner_time_ratio/short-2-byte": (3.5, 8.0),
        "corunner_time_ratio/short-compute": (12.5, 31.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 2.5),
        "decode_time_ratio/short-2-byte": (3.5, 5.5),
        "decode_time_ratio/short-compute": (1.0, 2.5),
    },
    "validation/traces/h100_graph_sealed2_yi34b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (9.0, 17.5),
        "corunner_time_ratio/short-2-byte": (8.0, 19.5),
        "corunner_time_ratio/short-compute": (13.5, 32.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 5.0),
        "decode_time_ratio/short-2-byte": (1.0, 2.5),
        "decode_time_ratio/short-compute": (2.0, 5.5),
    },
    "validation/traces/h100_graph_sealed2_405b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (9.5, 24.0),
        "corunner_time_ratio/short-2-byte": (15.5, 44.5),
        "corunner_time_ratio/short-compute": (20.5, 57.0),
        "decode_time_ratio/paged-kv-scatter": (1.0, 2.0),
        "decode_time_ratio/short-2-byte": (3.5, 7.5),
        "decode_time_ratio/short-compute": (1.0, 2.5),
    },
    # the tile-tail sealed set (declared 2026-12-06, the thirty-second session, before its run; measured ahead of any
    # form and committed unopened, the 405B shape run again after the collector fix; h100/tail_sealed3_*_random/): the
    # graph-landing units beside 405B, 70B, Qwen2.5-32B and Qwen2.5-7B shapes at 4 x 4k, 20 x 2k, 40 x 1k; opened
    # 2026-12-07 under the tile tail's seventh candidate (S3 failed, not adopted), held out
    "validation/traces/h100_tail_sealed3_405b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (11.0, 22.5),
        "corunner_time_ratio/short-2-byte": (14.0, 31.0),
        "corunner_time_ratio/short-compute": (21.0, 55.0),
        "decode_time_ratio/paged-kv-scatter": (1.0, 1.5),
        "decode_time_ratio/short-2-byte": (4.5, 6.5),
        "decode_time_ratio/short-compute": (1.0, 2.0),
    },
    "validation/traces/h100_tail_sealed3_70b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (15.0, 20.5),
        "corunner_time_ratio/short-2-byte": (3.5, 6.0),
        "corunner_time_ratio/short-compute": (11.0, 26.0),
        "decode_time_ratio/paged-kv-scatter": (0.5, 1.5),
        "decode_time_ratio/short-2-byte": (3.5, 5.0),
        "decode_time_ratio/short-compute": (1.5, 3.0),
    },
    "validation/traces/h100_tail_sealed3_qwen32b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (10.0, 24.0),
        "corunner_time_ratio/short-2-byte": (5.5, 14.5),
        "corunner_time_ratio/short-compute": (10.0, 21.0),
        "decode_time_ratio/paged-kv-scatter": (1.0, 4.0),
        "decode_time_ratio/short-2-byte": (2.0, 4.0),
        "decode_time_ratio/short-compute": (2.0, 5.0),
    },
    "validation/traces/h100_tail_sealed3_qwen7b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (8.5, 16.5),
        "corunner_time_ratio/short-2-byte": (8.5, 20.0),
        "corunner_time_ratio/short-compute": (10.5, 25.0),
        "decode_time_ratio/paged-kv-scatter": (2.0, 6.0),
        "decode_time_ratio/short-2-byte": (1.0, 2.0),
        "decode_time_ratio/short-compute": (2.5, 6.5),
    },
    # the fourth sealed set for short and graph launches (declared and measured 2026-12-07, the thirty-ninth session,
    # ahead of any form, committed unopened; h100/tail_sealed4_*_random/): the same units beside Mistral-7B, Qwen2.5-14B,
    # Yi-34B and 70B shapes at 6 x 4k, 12 x 2k, 28 x 1k; opened the same day under the tile tail's eighth candidate
    # (S3 failed, not adopted), held out
    "validation/traces/h100_tail_sealed4_mistral7b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (12.0, 24.0),
        "corunner_time_ratio/short-2-byte": (8.5, 23.5),
        "corunner_time_ratio/short-compute": (10.5, 29.0),
        "decode_time_ratio/paged-kv-scatter": (2.5, 6.5),
        "decode_time_ratio/short-2-byte": (1.0, 3.5),
        "decode_time_ratio/short-compute": (2.5, 6.0),
    },
    "validation/traces/h100_tail_sealed4_qwen14b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (7.5, 15.0),
        "corunner_time_ratio/short-2-byte": (7.0, 15.0),
        "corunner_time_ratio/short-compute": (8.5, 20.5),
        "decode_time_ratio/paged-kv-scatter": (2.0, 7.5),
        "decode_time_ratio/short-2-byte": (1.0, 3.0),
        "decode_time_ratio/short-compute": (3.0, 8.0),
    },
    "validation/traces/h100_tail_sealed4_yi34b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (7.0, 11.0),
        "corunner_time_ratio/short-2-byte": (8.5, 23.0),
        "corunner_time_ratio/short-compute": (17.5, 35.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 4.5),
        "decode_time_ratio/short-2-byte": (1.5, 3.5),
        "decode_time_ratio/short-compute": (2.0, 5.5),
    },
    "validation/traces/h100_tail_sealed4_70b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (15.0, 18.5),
        "corunner_time_ratio/short-2-byte": (5.5, 10.0),
        "corunner_time_ratio/short-compute": (11.0, 25.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 3.0),
        "decode_time_ratio/short-2-byte": (3.0, 5.0),
        "decode_time_ratio/short-compute": (1.5, 4.5),
    },
    # the fifth sealed set for short and graph launches (declared and measured 2026-12-07, the thirty-ninth session,
    # ahead of any form, committed unopened; h100/tail_sealed5_*_random/): the same units beside Llama-3-8B,
    # Qwen2.5-32B, Yi-34B and 405B shapes at 3 x 8k, 10 x 2k, 48 x 1k; opened the same day under the tile tail's ninth
    # candidate (S1-S4 held: adopted by its declared rule, not yet in the engine), held out
    "validation/traces/h100_tail_sealed5_8b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (12.0, 26.0),
        "corunner_time_ratio/short-2-byte": (10.5, 24.0),
        "corunner_time_ratio/short-compute": (13.5, 29.5),
        "decode_time_ratio/paged-kv-scatter": (2.5, 6.5),
        "decode_time_ratio/short-2-byte": (1.0, 2.5),
        "decode_time_ratio/short-compute": (3.0, 7.5),
    },
    "validation/traces/h100_tail_sealed5_qwen32b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (13.0, 26.0),
        "corunner_time_ratio/short-2-byte": (7.5, 17.5),
        "corunner_time_ratio/short-compute": (8.5, 19.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 4.0),
        "decode_time_ratio/short-2-byte": (2.5, 4.5),
        "decode_time_ratio/short-compute": (2.0, 5.0),
    },
    "validation/traces/h100_tail_sealed5_yi34b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (6.5, 12.0),
        "corunner_time_ratio/short-2-byte": (6.5, 20.5),
        "corunner_time_ratio/short-compute": (12.0, 32.5),
        "decode_time_ratio/paged-kv-scatter": (1.5, 4.5),
        "decode_time_ratio/short-2-byte": (1.5, 3.5),
        "decode_time_ratio/short-compute": (2.0, 5.0),
    },
    "validation/traces/h100_tail_sealed5_405b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (8.5, 17.5),
        "corunner_time_ratio/short-2-byte": (10.0, 24.5),
        "corunner_time_ratio/short-compute": (21.5, 53.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 1.5),
        "decode_time_ratio/short-2-byte": (3.0, 4.0),
        "decode_time_ratio/short-compute": (1.5, 3.0),
    },
    # the sixth sealed set for short and graph launches (declared and measured 2026-12-07, the fortieth session, ahead
    # of any form, committed unopened; h100/tail_sealed6_*_random/, Llama-2-7B rerun at 8 of 32 layers): the same
    # units beside Qwen2.5-7B, Llama-2-7B, Qwen2.5-14B and 70B shapes at 5 x 8k, 14 x 2k, 36 x 1k; opened the
    # forty-first session under the roomy dispatch (the tenth candidate: S1 and S3 failed, not adopted), held out
    "validation/traces/h100_tail_sealed6_qwen7b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (13.5, 39.0),
        "corunner_time_ratio/short-2-byte": (24.5, 64.5),
        "corunner_time_ratio/short-compute": (22.5, 73.5),
        "decode_time_ratio/paged-kv-scatter": (2.0, 5.5),
        "decode_time_ratio/short-2-byte": (1.0, 2.0),
        "decode_time_ratio/short-compute": (2.5, 6.0),
    },
    "validation/traces/h100_tail_sealed6_llama2_7b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (8.5, 18.5),
        "corunner_time_ratio/short-2-byte": (18.5, 53.0),
        "corunner_time_ratio/short-compute": (14.5, 42.5),
        "decode_time_ratio/paged-kv-scatter": (1.5, 5.5),
        "decode_time_ratio/short-2-byte": (1.5, 4.0),
        "decode_time_ratio/short-compute": (2.0, 4.5),
    },
    "validation/traces/h100_tail_sealed6_qwen14b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (12.0, 20.5),
        "corunner_time_ratio/short-2-byte": (8.0, 46.5),
        "corunner_time_ratio/short-compute": (10.5, 51.0),
        "decode_time_ratio/paged-kv-scatter": (2.0, 6.5),
        "decode_time_ratio/short-2-byte": (1.0, 2.5),
        "decode_time_ratio/short-compute": (3.0, 7.0),
    },
    "validation/traces/h100_tail_sealed6_70b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (17.0, 22.5),
        "corunner_time_ratio/short-2-byte": (4.0, 7.5),
        "corunner_time_ratio/short-compute": (10.0, 30.0),
        "decode_time_ratio/paged-kv-scatter": (1.0, 3.0),
        "decode_time_ratio/short-2-byte": (3.0, 6.0),
        "decode_time_ratio/short-compute": (2.0, 4.5),
    },
    # the seventh sealed set (declared and measured 2026-12-07, the forty-first session, ahead of any form, committed
    # unopened; h100/tail_sealed7_*_random/, Mistral-7B rerun at 16 of 32 layers): the same units beside Yi-34B,
    # Qwen2.5-14B, Qwen2.5-32B and Mistral-7B shapes at 2 x 16k, 6 x 6k, 20 x 1.5k; opened the same session under the
    # run at the loaded latency (the eleventh candidate: S3 failed, not adopted), held out
    "validation/traces/h100_tail_sealed7_yi34b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (5.5, 13.0),
        "corunner_time_ratio/short-2-byte": (11.5, 24.0),
        "corunner_time_ratio/short-compute": (20.5, 36.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 4.5),
        "decode_time_ratio/short-2-byte": (1.0, 3.0),
        "decode_time_ratio/short-compute": (2.0, 5.0),
    },
    "validation/traces/h100_tail_sealed7_qwen14b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (9.5, 19.0),
        "corunner_time_ratio/short-2-byte": (8.5, 18.0),
        "corunner_time_ratio/short-compute": (10.5, 21.5),
        "decode_time_ratio/paged-kv-scatter": (2.5, 7.5),
        "decode_time_ratio/short-2-byte": (1.5, 3.5),
        "decode_time_ratio/short-compute": (3.0, 7.0),
    },
    "validation/traces/h100_tail_sealed7_qwen32b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (7.5, 16.0),
        "corunner_time_ratio/short-2-byte": (4.0, 7.5),
        "corunner_time_ratio/short-compute": (11.5, 23.5),
        "decode_time_ratio/paged-kv-scatter": (1.5, 4.5),
        "decode_time_ratio/short-2-byte": (1.5, 2.5),
        "decode_time_ratio/short-compute": (2.0, 5.0),
    },
    "validation/traces/h100_tail_sealed7_mistral7b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (9.0, 17.0),
        "corunner_time_ratio/short-2-byte": (10.0, 21.5),
        "corunner_time_ratio/short-compute": (10.0, 27.0),
        "decode_time_ratio/paged-kv-scatter": (2.0, 7.0),
        "decode_time_ratio/short-2-byte": (1.5, 3.0),
        "decode_time_ratio/short-compute": (2.0, 6.0),
    },
    # the eighth sealed set (declared and measured 2026-12-07, the forty-first session, ahead of any form, committed
    # unopened; h100/tail_sealed8_*_random/): the same units beside Llama-3-8B (16 of 32 layers), Qwen2.5-7B, Yi-34B
    # and Qwen2.5-14B shapes at 2 x 12k, 8 x 3k, 16 x 1.5k; opened the same session under the first round's room (the
    # twelfth candidate: S1-S4 held, adopted by its declaration, not yet in the engine), held out
    "validation/traces/h100_tail_sealed8_8b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (11.5, 28.5),
        "corunner_time_ratio/short-2-byte": (10.5, 20.5),
        "corunner_time_ratio/short-compute": (10.5, 28.0),
        "decode_time_ratio/paged-kv-scatter": (2.5, 8.5),
        "decode_time_ratio/short-2-byte": (1.0, 3.5),
        "decode_time_ratio/short-compute": (3.0, 7.5),
    },
    "validation/traces/h100_tail_sealed8_qwen7b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (4.0, 12.0),
        "corunner_time_ratio/short-2-byte": (10.5, 15.0),
        "corunner_time_ratio/short-compute": (11.0, 23.5),
        "decode_time_ratio/paged-kv-scatter": (2.5, 5.5),
        "decode_time_ratio/short-2-byte": (0.5, 1.5),
        "decode_time_ratio/short-compute": (2.5, 5.0),
    },
    "validation/traces/h100_tail_sealed8_yi34b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (10.5, 19.5),
        "corunner_time_ratio/short-2-byte": (11.0, 24.5),
        "corunner_time_ratio/short-compute": (21.0, 37.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 5.0),
        "decode_time_ratio/short-2-byte": (1.0, 3.5),
        "decode_time_ratio/short-compute": (2.0, 5.0),
    },
    "validation/traces/h100_tail_sealed8_qwen14b_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (12.0, 20.5),
        "corunner_time_ratio/short-2-byte": (9.0, 21.0),
        "corunner_time_ratio/short-compute": (11.0, 27.5),
        "decode_time_ratio/paged-kv-scatter": (2.5, 8.0),
        "decode_time_ratio/short-2-byte": (1.5, 4.0),
        "decode_time_ratio/short-compute": (3.0, 8.0),
    },
    # the ninth sealed set (declared the forty-third session, measured the forty-fourth ahead of any form, opened under
    # the packed room, the fifteenth candidate: h100/decoder_sealed9_*_random/): CacheGen's decoder and the chunk
    # sequence beside the 405B, Yi-34B and Qwen2.5-14B shapes, the coverage launches beside the 8B
    "validation/traces/h100_decoder_sealed9_405b_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (7.5, 21.5),
        "corunner_time_ratio/lmcache-chunk-sequence": (6.5, 11.0),
        "decode_time_ratio/cachegen-decoder": (1.5, 3.5),
        "decode_time_ratio/lmcache-chunk-sequence": (4.0, 8.5),
    },
    "validation/traces/h100_decoder_sealed9_yi34b_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (4.5, 13.5),
        "corunner_time_ratio/lmcache-chunk-sequence": (9.5, 15.5),
        "decode_time_ratio/cachegen-decoder": (3.0, 9.0),
        "decode_time_ratio/lmcache-chunk-sequence": (1.0, 2.5),
    },
    "validation/traces/h100_decoder_sealed9_qwen14b_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (4.5, 17.5),
        "corunner_time_ratio/lmcache-chunk-sequence": (7.0, 11.0),
        "decode_time_ratio/cachegen-decoder": (2.5, 9.0),
        "decode_time_ratio/lmcache-chunk-sequence": (1.5, 3.5),
    },
    "validation/traces/h100_decoder_sealed9_cover8b_interference.csv": {
        "corunner_time_ratio/coverage-compute": (23.0, 43.5),
        "corunner_time_ratio/paged-kv-scatter": (8.5, 17.0),
        "decode_time_ratio/coverage-compute": (1.5, 5.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 1.5),
    },
    # the H200 data-plane sealed sets of 2026-12-04 (h200/dataplane_points16_random/ to _points40_random/, each declared
    # before its run and gated since by test_held_out_gates.py's decode-side target and test_sealed_sets.py /
    # test_busy_share.py's declared claims), recorded here from 2026-12-07 so the ledger's count covers every
    # held-out trace (none was in a fit): the data-plane units at decode points of contexts no run had
    "validation/traces/h200_dataplane_points16_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (8.5, 26.0),
        "corunner_time_ratio/lmcache-chunk-sequence": (5.0, 12.0),
        "corunner_time_ratio/lmcache-dequantization": (7.0, 19.5),
        "corunner_time_ratio/paged-kv-scatter": (6.0, 14.5),
        "corunner_time_ratio/torch-cat": (7.0, 19.5),
        "decode_time_ratio/cachegen-decoder": (2.5, 18.0),
        "decode_time_ratio/lmcache-chunk-sequence": (1.5, 4.5),
        "decode_time_ratio/lmcache-dequantization": (2.5, 8.0),
        "decode_time_ratio/paged-kv-scatter": (2.0, 3.5),
        "decode_time_ratio/pinned-copies": (2.0, 3.5),
        "decode_time_ratio/torch-cat": (2.5, 8.0),
    },
    "validation/traces/h200_dataplane_points18_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (9.5, 23.0),
        "corunner_time_ratio/lmcache-chunk-sequence": (6.5, 17.0),
        "corunner_time_ratio/lmcache-dequantization": (9.0, 21.5),
        "corunner_time_ratio/paged-kv-scatter": (7.5, 17.5),
        "corunner_time_ratio/torch-cat": (7.0, 18.5),
        "decode_time_ratio/cachegen-decoder": (2.0, 9.0),
        "decode_time_ratio/lmcache-chunk-sequence": (1.5, 3.5),
        "decode_time_ratio/lmcache-dequantization": (2.0, 6.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 3.0),
        "decode_time_ratio/pinned-copies": (1.0, 2.0),
        "decode_time_ratio/torch-cat": (2.0, 7.0),
    },
    "validation/traces/h200_dataplane_points21_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (10.0, 29.0),
        "corunner_time_ratio/lmcache-chunk-sequence": (7.0, 21.5),
        "corunner_time_ratio/lmcache-dequantization": (9.5, 23.5),
        "corunner_time_ratio/paged-kv-scatter": (9.0, 28.5),
        "corunner_time_ratio/torch-cat": (8.0, 26.0),
        "decode_time_ratio/cachegen-decoder": (2.5, 10.5),
        "decode_time_ratio/lmcache-chunk-sequence": (2.0, 6.0),
        "decode_time_ratio/lmcache-dequantization": (2.5, 9.5),
        "decode_time_ratio/paged-kv-scatter": (1.5, 4.0),
        "decode_time_ratio/pinned-copies": (1.5, 4.0),
        "decode_time_ratio/torch-cat": (2.5, 10.0),
    },
    "validation/traces/h200_dataplane_points24_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (7.0, 27.5),
        "corunner_time_ratio/lmcache-chunk-sequence": (5.0, 15.0),
        "corunner_time_ratio/lmcache-dequantization": (7.0, 17.0),
        "corunner_time_ratio/paged-kv-scatter": (6.5, 16.5),
        "corunner_time_ratio/torch-cat": (5.5, 16.5),
        "decode_time_ratio/cachegen-decoder": (3.0, 19.0),
        "decode_time_ratio/lmcache-chunk-sequence": (1.5, 6.0),
        "decode_time_ratio/lmcache-dequantization": (2.5, 9.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 3.5),
        "decode_time_ratio/pinned-copies": (1.0, 3.5),
        "decode_time_ratio/torch-cat": (2.5, 8.0),
    },
    "validation/traces/h200_dataplane_points27_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (7.5, 25.0),
        "corunner_time_ratio/lmcache-chunk-sequence": (4.5, 11.0),
        "corunner_time_ratio/lmcache-dequantization": (6.0, 18.5),
        "corunner_time_ratio/paged-kv-scatter": (5.5, 14.5),
        "corunner_time_ratio/torch-cat": (5.5, 18.0),
        "decode_time_ratio/cachegen-decoder": (2.5, 23.0),
        "decode_time_ratio/lmcache-chunk-sequence": (2.0, 6.5),
        "decode_time_ratio/lmcache-dequantization": (2.5, 9.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 3.5),
        "decode_time_ratio/pinned-copies": (1.0, 3.0),
        "decode_time_ratio/torch-cat": (2.5, 8.0),
    },
    "validation/traces/h200_dataplane_points30_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (6.0, 26.5),
        "corunner_time_ratio/lmcache-chunk-sequence": (4.5, 11.5),
        "corunner_time_ratio/lmcache-dequantization": (7.0, 21.0),
        "corunner_time_ratio/paged-kv-scatter": (4.5, 15.5),
        "corunner_time_ratio/torch-cat": (6.0, 18.5),
        "decode_time_ratio/cachegen-decoder": (1.0, 22.0),
        "decode_time_ratio/lmcache-chunk-sequence": (2.5, 6.0),
        "decode_time_ratio/lmcache-dequantization": (3.0, 7.5),
        "decode_time_ratio/paged-kv-scatter": (1.5, 3.0),
        "decode_time_ratio/pinned-copies": (0.5, 2.5),
        "decode_time_ratio/torch-cat": (3.0, 7.0),
    },
    "validation/traces/h200_dataplane_points33_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (8.5, 25.0),
        "corunner_time_ratio/lmcache-chunk-sequence": (6.0, 14.5),
        "corunner_time_ratio/lmcache-dequantization": (6.0, 13.5),
        "corunner_time_ratio/paged-kv-scatter": (11.0, 21.0),
        "corunner_time_ratio/torch-cat": (4.0, 12.0),
        "decode_time_ratio/cachegen-decoder": (4.5, 26.5),
        "decode_time_ratio/lmcache-chunk-sequence": (1.5, 5.5),
        "decode_time_ratio/lmcache-dequantization": (2.5, 9.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 3.0),
        "decode_time_ratio/pinned-copies": (1.0, 2.5),
        "decode_time_ratio/torch-cat": (2.5, 7.5),
    },
    "validation/traces/h200_dataplane_points35_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (8.0, 35.5),
        "corunner_time_ratio/lmcache-chunk-sequence": (4.0, 14.0),
        "corunner_time_ratio/lmcache-dequantization": (5.0, 13.0),
        "corunner_time_ratio/paged-kv-scatter": (5.0, 15.0),
        "corunner_time_ratio/torch-cat": (4.0, 9.5),
        "decode_time_ratio/cachegen-decoder": (4.0, 24.0),
        "decode_time_ratio/lmcache-chunk-sequence": (1.5, 5.5),
        "decode_time_ratio/lmcache-dequantization": (2.5, 7.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 3.0),
        "decode_time_ratio/pinned-copies": (1.0, 2.5),
        "decode_time_ratio/torch-cat": (2.5, 7.5),
    },
    "validation/traces/h200_dataplane_points37_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (7.0, 31.0),
        "corunner_time_ratio/lmcache-chunk-sequence": (4.0, 11.0),
        "corunner_time_ratio/lmcache-dequantization": (4.5, 15.0),
        "corunner_time_ratio/paged-kv-scatter": (5.5, 14.0),
        "corunner_time_ratio/torch-cat": (4.0, 16.5),
        "decode_time_ratio/cachegen-decoder": (3.5, 32.0),
        "decode_time_ratio/lmcache-chunk-sequence": (2.0, 5.5),
        "decode_time_ratio/lmcache-dequantization": (2.5, 9.5),
        "decode_time_ratio/paged-kv-scatter": (1.0, 2.5),
        "decode_time_ratio/pinned-copies": (1.0, 4.0),
        "decode_time_ratio/torch-cat": (2.5, 7.5),
    },
    "validation/traces/h200_dataplane_points39_interference.csv": {
        "corunner_time_ratio/cachegen-decoder": (7.0, 33.0),
        "corunner_time_ratio/lmcache-chunk-sequence": (4.0, 9.5),
        "corunner_time_ratio/lmcache-dequantization": (5.0, 13.5),
        "corunner_time_ratio/paged-kv-scatter": (4.5, 19.5),
        "corunner_time_ratio/torch-cat": (5.0, 18.5),
        "decode_time_ratio/cachegen-decoder": (3.0, 30.0),
        "decode_time_ratio/lmcache-chunk-sequence": (2.5, 8.0),
        "decode_time_ratio/lmcache-dequantization": (3.0, 9.5),
        "decode_time_ratio/paged-kv-scatter": (2.0, 7.5),
        "decode_time_ratio/pinned-copies": (2.0, 7.0),
        "decode_time_ratio/torch-cat": (3.0, 12.5),
    },
    # the grid points' third set (h200/grid_points3_random/), held out; with the short points' sets below, the same
    # 2026-12-07 completion of the ledger
    "validation/traces/h200_grid_points3_interference.csv": {
        "corunner_time_ratio/regime-compute": (10.0, 50.0),
        "corunner_time_ratio/regime-memory": (9.5, 46.5),
        "decode_time_ratio/regime-compute": (11.0, 163.5),
        "decode_time_ratio/regime-memory": (11.5, 158.5),
    },
    # the eighth sealed set (h200/short_points2_random/): the short units and the scatter at four one-block points
    "validation/traces/h200_short_points2_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (2.0, 6.5),
        "corunner_time_ratio/short-2-byte": (12.0, 24.0),
        "corunner_time_ratio/short-compute": (11.0, 38.0),
        "corunner_time_ratio/short-memory": (8.0, 17.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 2.5),
        "decode_time_ratio/short-2-byte": (2.0, 6.5),
        "decode_time_ratio/short-compute": (4.0, 10.5),
        "decode_time_ratio/short-memory": (7.0, 15.5),
    },
    # the quantization screen (h200/short_points3_random/): ALU launches of 1,984-4,224 blocks and the scatter
    "validation/traces/h200_short_points3_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (2.5, 6.0),
        "corunner_time_ratio/short-compute": (9.5, 20.0),
        "decode_time_ratio/paged-kv-scatter": (1.5, 3.5),
        "decode_time_ratio/short-compute": (4.5, 12.0),
    },
    # the ninth sealed set (h200/short_points4_random/): ALU launches of 2,000-4,160 blocks, the 3.5-us 2-byte units
    # and the scatter
    "validation/traces/h200_short_points4_interference.csv": {
        "corunner_time_ratio/paged-kv-scatter": (4.0, 12.5),
        "corunner_time_ratio/short-2-byte": (15.0, 26.0),
        "corunner_time_ratio/short-compute": (9.5, 18.5),
        "decode_time_ratio/paged-kv-scatter": (1.5, 3.0),
        "decode_time_ratio/short-2-byte": (1.0, 2.5),
        "decode_time_ratio/short-compute": (4.0, 11.5),
    },
}

# Every held-out interference family above the 15% target, and why: validation/above_target.yaml, the ledger
# `nicmodel validate --ledger` reads too (tests/test_held_out_gates.py checks it is exact: a family crossing 15% either
# way must be entered or removed there, with its evidence and cause). "profiled": measured in a process where torch's
# profiler had run, which changes how concurrent blocks are dispatched (docs/serving.md, Repeatability, the profiler,
# and launch phase); the same units measured again without it are named with their MAPE there.
LEDGER_FILE = "validation/above_target.yaml"
_LEDGER = read_ledger(Path(__file__).resolve().parents[1] / LEDGER_FILE)
ABOVE_TARGET = {(f"validation/{e.trace}", e.family): e.note for e in _LEDGER.families}
ABOVE_TARGET_CAUSE = {(f"validation/{e.trace}", e.family): e.cause for e in _LEDGER.families}
CAUSES = _LEDGER.causes
