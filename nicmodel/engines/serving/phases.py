"""How a co-runner's launches average over decode's phases where attention leaves SMs free.

Beside a one-wave attention grid that leaves every SM at most one attention block (its load below
1 / blocks per SM), a co-runner meets two phases of decode's step: attention (a share ``a`` of the
step's kernel time), where its blocks find room on every SM and it waits only where an SM holds an
attention block, and the rest (weight GEMVs, elementwise kernels), where every other term applies.

A queue of launches shorter than a phase completes more of them in the phase where each is
quicker, so its time per launch is the phases' time-weighted *harmonic* mean; a launch longer than
a phase averages the phases within itself (the arithmetic mean). The two are blended by
h = t_att / (t_att + T), t_att one attention kernel's duration and T the launch's: h -> 1 for
launches of a few microseconds (the paged-KV scatter's, 4.4 us, beside the H200's attention
kernels of 70-230 us at 8k-16k tokens: h 0.94-0.98), 0.1-0.3 for CacheGen's decoder (550 us).

In the attention phase the launch pays the terms that apply whichever kernel runs (its launch
wait, HBM, narrow accesses) only on the share of SMs that hold an attention block; nothing here is
fitted (docs/serving.md, Launches across decode's phases).
"""

from __future__ import annotations


def across_phases(growth: float, a: float, free: float, held: float, attention_s: float, duration_s: float) -> float:
    """The co-runner's growth (time over alone, minus one) over both phases.

    ``growth``: its growth by the arithmetic, share-weighted sum of the terms, in which ``free``
    (the terms that apply whichever decode kernel runs, per unit of decode's time) counts in full
    over attention's share ``a``; ``held``: the share of SMs holding an attention block;
    ``attention_s``, ``duration_s``: one attention kernel's and one launch's duration alone."""
    if not 0.0 < a < 1.0:
        return growth
    t_att = 1.0 + held * free
    t_rest = 1.0 + (growth - a * free) / (1.0 - a)
    h = attention_s / (attention_s + duration_s) if attention_s + duration_s > 0 else 0.0
    return h / (a / t_att + (1.0 - a) / t_rest) + (1.0 - h) * (a * t_att + (1.0 - a) * t_rest) - 1.0
