"""Entropy bound of arithmetic coding on synthetic CacheGen-style symbols.

Deflate's ratio in workloads/codecs/cachegen-deflate.yaml (1.16) was measured on synthetic,
Gaussian KV-like data. For a comparison on the same basis, this computes what an ideal
arithmetic coder (order-0, per-layer-group symbol frequencies) achieves on the same kind of
data: Llama-3-8B shapes, per-(layer, token) max-abs scaling over 1024 channels, LMCache's bins
(K: 32 bins for layers 0-9, 16 after; V: 32 for layers 0-1, 16 after). Real KV has channel
structure that CacheGen's context models exploit (its paper implies ~2x); i.i.d. Gaussian
has none, so this is the synthetic-data basis, not a prediction for real KV.
Run: python validation/collect/entropy_bound.py
"""

from __future__ import annotations

import numpy as np


def symbols(rng: np.random.Generator, tokens: int, bins: int) -> np.ndarray:
    x = rng.standard_normal((tokens, 1024))
    scale = np.abs(x).max(axis=1, keepdims=True)
    top = bins // 2 - 1
    return np.rint(x / scale * top).astype(np.int64) + top


def entropy_bits(s: np.ndarray) -> float:
    counts = np.bincount(s.ravel())
    p = counts[counts > 0] / counts.sum()
    return float(-(p * np.log2(p)).sum())


def main() -> None:
    rng = np.random.default_rng(0)
    layers = 32
    groups = {"key": [(10, 32), (22, 16)], "value": [(2, 32), (30, 16)]}
    raw_bits = coded_bits = 0.0
    for parts in groups.values():
        for n_layers, bins in parts:
            width = int(np.log2(bins))
            h = entropy_bits(symbols(rng, 4096, bins))
            raw_bits += n_layers * width
            coded_bits += n_layers * h
            print(f"{bins} bins: {width} bits stored, entropy {h:.3f} bits")
    assert layers == sum(n for parts in groups.values() for n, _ in parts) // 2
    print(f"ideal order-0 arithmetic coding ratio over the quantized symbols: {raw_bits / coded_bits:.3f}")


if __name__ == "__main__":
    main()
