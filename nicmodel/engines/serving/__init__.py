"""Serving: LLM request scheduling on one GPU, with KV fetched by a data-plane design."""
