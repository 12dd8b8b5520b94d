"""Decode's weight-GEMM grids as a GPU's library launches them, per model and batch. Pure data."""

from pydantic import field_validator, model_validator

from .base import Provenance


class GemmGrids(Provenance):
    """One model's decode weight GEMMs on this GPU at one batch, as profiled: how many blocks each
    GEMM's grid launches and its share of the time. cuBLAS picks a GEMM's tiles, so its grid, by the
    GEMM's shape and the batch, not the context: the same model can hold every SM at one batch and
    leave half of them free at the next (validation/calibration/gemm_grids.py writes these from every
    profiled decode step; docs/serving.md, The grid wait)."""

    model: str
    """The model's name, as its spec gives it (workloads/models/*.yaml, name)."""
    batch: int
    """Sequences in the decode step."""
    layer: dict[int, float]
    """{blocks of a grid: its share of one layer's weight-GEMM time}; the shares sum to 1."""
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
        if not self.layer or any(b < 1 or not 0 < s <= 1 for b, s in self.layer.items()):
            raise ValueError("layer: expected {blocks (at least 1): share of the layer's time (above 0, at most 1)}")
        if abs(sum(self.layer.values()) - 1) > 0.01:
            raise ValueError(f"layer: the shares sum to {sum(self.layer.values()):.4f}, expected 1")
        if not self.head_over_layer > 0:
            raise ValueError(f"head_over_layer: expected a positive ratio, got {self.head_over_layer}")
        return self
