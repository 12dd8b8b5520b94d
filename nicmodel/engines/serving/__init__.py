"""Serving: continuous batching of LLM requests on one GPU, with each request's KV fetched by a
data-plane design on the same event loop (or recomputed), GPU memory planning, and the GPU's
prefill, decode and interference times.

May import: the analytical engine, the simulator, spec types and the foundation.
"""
