"""The decode models the GPU collectors build, by shape (pure data, no torch: the calibration screens read it too).
gpu_common.py imports them for the collectors."""

# Llama-3-8B shapes (docs/sources/hwspecs.md §7)
LLAMA3_8B = dict(layers=32, hidden=4096, heads=32, kv_heads=8, head_dim=128, inter=14336, vocab=128256)
# Llama-3-70B shapes (docs/sources/hwspecs.md §7): its GEMMs are about 4x the 8B's (hidden 8192, 28,672 wide)
LLAMA3_70B = dict(layers=80, hidden=8192, heads=64, kv_heads=8, head_dim=128, inter=28672, vocab=128256)
# Llama-3.1-405B shapes (docs/sources/hwspecs.md §7): GEMMs about 3.5x the 70B's (hidden 16384, 53,248 wide)
LLAMA31_405B = dict(layers=126, hidden=16384, heads=128, kv_heads=8, head_dim=128, inter=53248, vocab=128256)
# Llama-3.2-1B shapes (docs/sources/hwspecs.md §7): GEMMs about a quarter of the 8B's; its LM head shares the
# embedding's weights, which this model holds as two tables (the step reads the same bytes)
LLAMA32_1B = dict(layers=16, hidden=2048, heads=32, kv_heads=8, head_dim=64, inter=8192, vocab=128256, tied=True)
# Qwen2.5-14B and -32B shapes (workloads/models/qwen2.5-*.yaml; intermediate 13,824 and 27,648 from their
# config.json): weight GEMMs between an 8B's and a 70B's (about 1.3x and 2.3x the 8B's); their QKV biases are left
# out (a few KiB a layer)
QWEN25_14B = dict(layers=48, hidden=5120, heads=40, kv_heads=8, head_dim=128, inter=13824, vocab=152064)
QWEN25_32B = dict(layers=64, hidden=5120, heads=40, kv_heads=8, head_dim=128, inter=27648, vocab=152064)
# the other bundled models' shapes (workloads/models/*.yaml; intermediate sizes from their config.json, each giving
# the yaml's parameter count within its biases): for their decode GEMMs' grids (decode_shapes.py --model)
QWEN25_7B = dict(layers=28, hidden=3584, heads=28, kv_heads=4, head_dim=128, inter=18944, vocab=152064)
LLAMA2_7B = dict(layers=32, hidden=4096, heads=32, kv_heads=32, head_dim=128, inter=11008, vocab=32000)
MISTRAL_7B = dict(layers=32, hidden=4096, heads=32, kv_heads=8, head_dim=128, inter=14336, vocab=32000)
YI_34B = dict(layers=60, hidden=7168, heads=56, kv_heads=8, head_dim=128, inter=20480, vocab=64000)
MODELS = {"llama-3-8b": LLAMA3_8B, "llama-3-70b": LLAMA3_70B, "llama-3.1-405b": LLAMA31_405B,
          "llama-3.2-1b": LLAMA32_1B, "qwen2.5-14b": QWEN25_14B, "qwen2.5-32b": QWEN25_32B,
          "qwen2.5-7b": QWEN25_7B, "llama-2-7b": LLAMA2_7B, "mistral-7b": MISTRAL_7B, "yi-34b": YI_34B}
