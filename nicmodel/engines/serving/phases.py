"""How a co-runner's launches average over decode's phases where attention leaves SMs free.

Beside a one-wave attention grid that leaves every SM at most one attention block (its load below
1 / blocks per SM), a co-runner meets two phases of decode's step: attention (a share ``a`` of the
step's kernel time), where its blocks find room on every SM, and the rest (weight GEMVs,
elementwise kernels), where every other term applies.

A queue of launches completes more of them in the phase where each is quicker, so its time per
launch is the phases' time-weighted *harmonic* mean; a launch longer than a phase averages the
phases within itself (the arithmetic mean). The two are blended by h = t_att / (t_att + T), t_att
one attention kernel's duration and T the launch's: h -> 1 for launches of a few microseconds
(the paged-KV scatter's, 4.4 us, beside the H200's attention kernels of 70-230 us at 8k-16k
tokens: h 0.94-0.98), 0.1-0.3 for CacheGen's decoder (550 us). Measured beside each phase alone
(h200/short_phase_attention/, short_phase_rest/), the short units' time beside the whole step is
the harmonic mean of their times beside each (within 5% in 19 of their 20 CUDA-graph cases).

In attention's phase a launch pays its launch wait and narrow-access terms where an SM holds an
attention block (a share ``held`` of them), the HBM term in full (attention streams the KV cache
at 60-92% of peak whichever SMs hold it), and, where its blocks are compute-bound, the issue slots
attention's block takes on its SM (``issue_loss``). Nothing here is fitted: attention's issue share
is measured (docs/serving.md, Launches across decode's phases; Attention's issue slots).
"""

from __future__ import annotations


def issue_loss(demand: float, compute: float, used: float, held: float, one_wave: bool, sms: float) -> float:
    """A launch's relative growth in attention's phase from the issue slots attention's block takes.

    On an SM holding one, attention's block uses a share ``used`` of the issue slots (measured
    alone); a co-runner's blocks there that need more than the rest (their ``demand``, 1 where they
    saturate an SM alone) run ``demand / (1 - used)`` as long, in proportion to their
    compute-boundness. A one-wave launch lasts as long as its slowest SM, so it pays that wherever
    one of the ``sms`` SMs it touches holds an attention block (share ``held``); a many-wave launch
    moves its later blocks to the free SMs, so it pays on the held share."""
    if used <= 0.0 or demand <= 1.0 - used:
        return 0.0
    slow = (demand / (1.0 - used) - 1.0) * compute
    return slow * ((1.0 - (1.0 - held) ** max(1.0, sms)) if one_wave else held)


def attention_phase(launch: float, memory: float, narrow: float, held: float, issue: float) -> float:
    """A launch's time in attention's phase over its time alone: its launch wait and narrow loads
    where an SM holds an attention block, its HBM term in full, its issue loss (``issue_loss``)."""
    return (1.0 + held * (launch + narrow) + memory) * (1.0 + issue)


def across_phases(growth: float, a: float, free: float, t_att: float, attention_s: float, duration_s: float) -> float:
    """The co-runner's growth (time over alone, minus one) over both phases.

    ``growth``: its growth by the arithmetic, share-weighted sum of the terms, in which ``free``
    (the terms that apply whichever decode kernel runs, per unit of decode's time) counts in full
    over attention's share ``a``; ``t_att``: its time in attention's phase over alone
    (``attention_phase``); ``attention_s``, ``duration_s``: one attention kernel's and one
    launch's duration alone."""
    if not 0.0 < a < 1.0:
        return growth
    t_rest = 1.0 + (growth - a * free) / (1.0 - a)
    h = attention_s / (attention_s + duration_s) if attention_s + duration_s > 0 else 0.0
    return h / (a / t_att + (1.0 - a) / t_rest) + (1.0 - h) * (a * t_att + (1.0 - a) * t_rest) - 1.0
