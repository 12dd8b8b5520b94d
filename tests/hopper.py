"""A Hopper-like GPU's parameters and a decode step, by hand: the fixtures the interference model's
closed-form tests share (test_interference.py, test_phases.py). Pure data."""

from nicmodel.engines.serving.profile import DecodeProfile

HOPPER = {"gpu.sms": 132, "gpu.sm_limits.max_threads": 2048, "gpu.sm_limits.registers": 65536,
          "gpu.sm_limits.shared_memory": 233472, "gpu.sm_limits.max_blocks": 32, "gpu.sm_limits.sub_partitions": 4,
          "gpu.decode_kernels.weights_sm_share": 0.75,
          "gpu.interference.occupancy_exponent": 0.5, "gpu.interference.dispatch_grain": 2.0,
          "gpu.interference.hbm_sharing": 0.3, "gpu.interference.dispatch_wait": 1.5,
          "gpu.interference.wave_yield_high": 0.4, "gpu.interference.hbm_loss": 2.0,
          "gpu.interference.crowding": 0.5, "gpu.interference.issue_warps": 8.0,
          "gpu.interference.pack_blocks": 8.0, "gpu.interference.narrow_high": 1.2,
          "gpu.interference.narrow_attention": 0.5, "gpu.memory.peak_bandwidth": 4.8e12,
          # the GPU narrow_attention was fitted on: the scale is 1
          "gpu.interference.latency_beside_attention": 2.5, "gpu.interference.narrow_attention_latency": 2.5,
          "gpu.interference.idle_latency": 400e-9, "gpu.interference.latency_beside_decode": 2.0,
          "gpu.interference.latency_loss": 0.0, "gpu.interference.latency_relief": 0.0,
          "gpu.interference.wave_spill": 1.0, "gpu.interference.multiwave_stretch": 1.0,
          "gpu.interference.fill_stretch": 1.0,
          "gpu.interference.memory_exponent": 1.0, "gpu.interference.headroom_exponent": 0.0,
          "gpu.interference.launch_wait": 0.0, "gpu.interference.graph_wait": 0.0, "gpu.interference.wait_charge": 1.0,
          "gpu.interference.turn_share": 1.0, "gpu.interference.many_wave_stretch": 1.0,
          "gpu.interference.turn_gemms_to": 37e-6, "gpu.interference.many_wave_gemms": 560e-6,
          # the crawl beside long GEMMs off (its hand cases: test_long_gemm.py), the turn wait in proportion
          "gpu.interference.crawl_share": 0.0, "gpu.interference.crawl_high": 1.0, "gpu.interference.turn_growth": 1.0,
          "gpu.interference.crawl_free_pace": 1.0,
          "gpu.interference.turn_free_pace": 0.0,
          # the graph turn off (its hand cases: test_gemm_grids.py, test_graph_turn.py)
          "gpu.interference.graph_turn_share": 0.0, "gpu.interference.graph_turn_gemms": 144e-6,
          "gpu.interference.cut_in_gain": 1.0, "gpu.interference.cut_in_time": 0.0, "gpu.interference.wave_memory": 0.5,
          "gpu.interference.grid_wait_equal": 0.0, "gpu.interference.grid_wait_high": 0.0,
          "gpu.decode_kernels.weights.blocks_per_sm": 1, "gpu.decode_kernels.attention.blocks_per_sm": 2,
          "gpu.decode_kernels.elementwise.blocks_per_sm": 2}
SHAPES = {"weights": (384, 168, 225652), "attention": (128, 183, 86336), "elementwise": (128, 20, 0)}
# a decode step of 14-us kernels: 70% weight GEMVs, 24% attention, 6% elementwise
PROFILE = DecodeProfile(14e-6, {"weights": 0.7, "attention": 0.24, "elementwise": 0.06}, SHAPES)
THIN = (128, 32, 0)
