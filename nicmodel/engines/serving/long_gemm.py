"""A co-runner beside decode's long weight GEMMs (docs/serving.md, The crawl beside long GEMMs).

Decode's weight GEMMs hold nearly every SM with one large block each for the GEMM's whole length
(h100/dataplane_ladder_*_random/decode_kernels.csv: 120-132 blocks of 160-229 KiB of shared memory
beside a 70B's and a 405B's). A co-runner launch that lands in one progresses only on what the GEMM
leaves it, an effective share ``crawl_share`` of the SMs, until the GEMM ends, and then has the
GPU: it loses min(T (1/f - 1), R (1 - f)) for a launch of time alone T landing with R of the GEMM
left. Beside the GEMMs every fit saw (up to ``turn_gemms_to``) the committed terms carry that loss;
past them the crawl's growth over its value there is added, and the turn wait a stream launch waits
grows with the GEMMs' length to the power ``turn_growth`` instead of in proportion. At high decode
priority a many-wave launch's crawl is ``crawl_high`` as large: decode's next GEMM takes the SMs its
waves free. Fitted on the H100's regime ladder (h100/regime_ladder_{70b,405b}_random/, declared as
the fit set before it ran). Where decode's grids are measured, the share is higher on the SMs a GEMM
leaves free (``crawl_free_pace`` there; DecodeProfile.crawl_share: the grid crawl, sealed beside Yi-34B's
80-block GEMMs; docs/serving.md, The grid crawl).
"""

from __future__ import annotations

import math


def crawl_loss(gemm_s: float, duration_s: float, share: float) -> float:
    """Expected seconds lost by a launch of ``duration_s`` alone that lands at a uniformly random
    point of a GEMM of ``gemm_s`` and progresses at ``share`` of its pace until the GEMM ends:
    the mean over the GEMM left, R ~ U(0, gemm_s), of min(T (1/share - 1), R (1 - share))."""
    if gemm_s <= 0 or duration_s <= 0 or share >= 1:
        return 0.0
    cap = duration_s * (1 / share - 1)  # the loss of a launch that finishes inside the GEMM
    rate = 1 - share  # the loss per second of GEMM left, for one that outlasts it
    if cap >= rate * gemm_s:
        return rate * gemm_s / 2
    left = cap / rate  # the GEMM left from which on it outlasts the GEMM
    return (rate * left * left / 2 + cap * (gemm_s - left)) / gemm_s


def turn_gemm(gemm_s: float, checked_s: float, growth: float) -> float:
    """The GEMM length a stream launch's turn wait counts: the GEMM's own up to ``checked_s``
    (turn_gemms_to), past it growing as the length to the power ``growth``."""
    if gemm_s <= checked_s:
        return gemm_s
    return checked_s * (gemm_s / checked_s) ** growth


def crawl_growth(gemm_s: float, checked_s: float, duration_s: float, share: float, weights: float,
                 gain: float = 1.0) -> float:
    """Relative growth a launch of ``duration_s`` adds past the GEMMs checked: the crawl loss beside
    GEMMs of ``gemm_s`` over its value beside ``checked_s``, for the share ``weights`` of decode's
    time in weight GEMMs (where it lands), times ``gain`` (crawl_high, or 1), over its time alone."""
    if gemm_s <= checked_s or share <= 0:
        return 0.0
    extra = crawl_loss(gemm_s, duration_s, share) - crawl_loss(checked_s, duration_s, share)
    return gain * weights * extra / duration_s


def graph_turn_part(gemm_s: float, checked_s: float, whole_s: float) -> float:
    """The share of its graph turn a launch replayed from a CUDA graph waits beside decode of mean weight
    GEMM ``gemm_s``: none up to ``checked_s`` (turn_gemms_to: beside the 8B's GEMMs graph launches are within
    the model with no turn), all of it from ``whole_s`` (graph_turn_gemms: beside the 70B shape's GEMMs they
    waited as launches from Python do), in log length between (as many_wave_stretch's part)."""
    if gemm_s <= checked_s:
        return 0.0
    if gemm_s >= whole_s:
        return 1.0
    return math.log(gemm_s / checked_s) / math.log(whole_s / checked_s)
