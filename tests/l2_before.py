"""The model before L2 residency (hwspecs/gpus/h200.yaml at 5c3fa0b): every interference coefficient
as it was, l2_loss 1e-9 (the term off: a Ratio is positive). Pure data, for the seventeenth sealed set's claim on the spent sets."""

BEFORE_L2 = tuple(f"gpu.interference.{kv}" for kv in (
    "occupancy_exponent=0.798997", "dispatch_grain=4.60456", "hbm_sharing=0.326993", "dispatch_wait=2.04596",
    "wave_yield_high=0.324626", "cut_in_gain=6.87311", "wave_memory=0.590004", "hbm_loss=3.14951",
    "crowding=0.965063", "pack_blocks=5.67388", "narrow_high=0.777546", "narrow_attention=1.47869",
    "latency_loss=0.968617", "latency_relief=0.62734", "launch_wait=7.24662us", "graph_wait=1.40291us",
    "wave_spill=0.52776", "grid_wait_equal=6.75092us", "grid_wait_high=2.24613", "memory_exponent=2.4343",
    "headroom_exponent=0.650506", "l2_loss=1e-9"))
