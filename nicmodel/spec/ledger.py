"""The held-out ledger's types: the families above the interference model's target, each with its recorded cause
(validation/above_target.yaml). Pure data: nicmodel.validation.ledger reads and applies it."""

from __future__ import annotations

from pydantic import Field

from .base import StrictModel


class Cause(StrictModel):
    """One cause the ledger gives for families above the target."""

    title: str = Field(min_length=1)
    """Which families it covers, as the README's table of causes names them."""
    misses: str = Field(min_length=1)
    """What the model misses there, measured."""


class AboveTarget(StrictModel):
    """One held-out family above the target, recorded."""

    trace: str = Field(min_length=1)
    """The measured trace, relative to the ledger file's folder."""
    family: str = Field(min_length=1)
    """The family as `nicmodel validate` names it: the metric, and '/' and its family where it has one."""
    cause: str = Field(min_length=1)
    """A key of ``causes``."""
    note: str = Field(min_length=1)
    """What is known of the miss: its MAPE history, what was measured again, what a candidate form did."""


class Ledger(StrictModel):
    """The held-out families above the target, each with its recorded cause."""

    target_mape_pct: float = Field(gt=0)
    """The MAPE target a held-out family is held to, in percent."""
    causes: dict[str, Cause]
    """The causes, by a short key the families name."""
    families: list[AboveTarget]
    """Every held-out family above the target on the committed traces."""
