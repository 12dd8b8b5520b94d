"""Decode's weight-GEMM grids as a GPU's library launches them, per model and batch. Pure data."""

from pydantic import Field, field_validator, model_validator

from .base import Provenance, StrictModel


class GemmRounds(StrictModel):
    """One of a layer's weight GEMMs (or several alike: the same kernel and grid at the same place in every
    layer), as the rounds of its grid run. A persistent cuBLAS GEMM with more output tiles than CTAs runs full
    rounds on every CTA, then a last round on the tiles left, whose SMs the rest leave free; that round takes
    the tiles left over a round's CTAs of a round's time (its weight bytes at the bandwidth the fewer CTAs
    still draw; validation/traces/h100/sm_sampler_*/ read the tail nearer this than equal tile times)."""

    share: float
    """The GEMM's share of one layer's weight-GEMM time (above 0, at most 1)."""
    rounds: list[tuple[int, float]] = Field(min_length=1)
    """[CTAs busy, share of the GEMM's time] of each of its rounds, in launch order (one entry where every
    round holds the whole grid: a split-K GEMM, or no more tiles than CTAs)."""

    @model_validator(mode="after")
    def _shares(self) -> "GemmRounds":
        if not 0 < self.share <= 1:
            raise ValueError(f"share: expected a share of the layer's time above 0 and at most 1, got {self.share}")
        if any(b < 1 or not 0 < s <= 1 for b, s in self.rounds):
            raise ValueError("rounds: expected [CTAs busy (at least 1), share of the GEMM's time (above 0, at most 1)]")
        if abs(sum(s for _, s in self.rounds) - 1) > 0.001:
            raise ValueError(f"rounds: the shares sum to {sum(s for _, s in self.rounds):.4f}, expected 1")
        return self


class GemmGrids(Provenance):
    """One model's decode weight GEMMs on this GPU at one batch, as profiled: how many blocks each
    GEMM's grid launches and its share of the time. cuBLAS picks a GEMM's tiles, so its grid, by the
    GEMM's shape and the batch, not the context: the same model can hold every SM at one batch and
    leave half of them free at the next (validation/calibration/gemm_grids.py writes these from every
    profiled decode step; docs/serving.md, The grid wait). Give ``gemms`` (each GEMM's rounds, from which
    ``layer`` follows) or ``layer`` alone (each GEMM then holds its grid for all its time)."""

    model: str
    """The model's name, as its spec gives it (workloads/models/*.yaml, name)."""
    batch: int
    """Sequences in the decode step."""
    layer: dict[int, float] | None = None
    """{blocks busy: share of one layer's weight-GEMM time}; the shares sum to 1. Derived from ``gemms``
    where they are given (given too, it must agree)."""
    gemms: list[GemmRounds] | None = None
    """A layer's weight GEMMs, each with its rounds (the turn a launch waits in a GEMM ends at the round
    whose free SMs hold it: engines/serving/gemm_grids.py, turn_rounds)."""
    head: int
    """Blocks of the LM head's GEMM."""
    head_over_layer: float
    """The LM head GEMM's time over one layer's weight GEMMs' time (a step weighs layers x 1 and the
    head by this)."""

    @field_validator("batch", "head")
    @classmethod
    def _positive(cls, v: int) -> int:
        if v < 1:
            raise ValueError(f"expected a whole number of at least 1, got {v}")
        return v

    @model_validator(mode="after")
    def _shares(self) -> "GemmGrids":
        if self.layer is None and self.gemms is None:
            raise ValueError("expected layer (blocks: share) or gemms (each GEMM's rounds)")
        if self.gemms is not None:
            if abs(sum(g.share for g in self.gemms) - 1) > 0.01:
                raise ValueError(f"gemms: the shares sum to {sum(g.share for g in self.gemms):.4f}, expected 1")
            derived = by_blocks(self.gemms)
            if self.layer is not None and (self.layer.keys() != derived.keys() or any(
                    abs(self.layer[b] - s) > 2e-4 for b, s in derived.items())):
                raise ValueError(f"layer: expected the shares its gemms give, {derived}, or no layer")
            self.layer = derived
        if not self.layer or any(b < 1 or not 0 < s <= 1 for b, s in self.layer.items()):
            raise ValueError("layer: expected {blocks (at least 1): share of the layer's time (above 0, at most 1)}")
        if abs(sum(self.layer.values()) - 1) > 0.01:
            raise ValueError(f"layer: the shares sum to {sum(self.layer.values()):.4f}, expected 1")
        if not self.head_over_layer > 0:
            raise ValueError(f"head_over_layer: expected a positive ratio, got {self.head_over_layer}")
        return self


def by_blocks(gemms: list[GemmRounds]) -> dict[int, float]:
    """A layer's time shares by CTAs busy, over its GEMMs' rounds (rounded to 4 places; none of 0)."""
    shares: dict[int, float] = {}
    for g in gemms:
        for blocks, share in g.rounds:
            shares[blocks] = shares.get(blocks, 0.0) + g.share * share
    return {b: round(s, 4) for b, s in sorted(shares.items()) if round(s, 4) > 0}
