"""Building blocks of the spec language: strict models, provenance, unit-bearing parameters.

A *parameter* is a number that came from somewhere. In YAML it is written either in full,

    clock: {value: 2.0 GHz, kind: assumed, source: "...", range: [2.0 GHz, 2.25 GHz]}

or bare (``clock: 2.0 GHz``), in which case it takes the ``provenance:`` of the nearest
enclosing component. A bare number with no provenance anywhere above it is an error, so
every hardware and workload number in the repository says where it came from.
"""

# The spec modules evaluate their annotations, not postpone them (no `from __future__ import
# annotations`): pydantic would otherwise compile each string annotation into a ForwardRef at
# import (~300 of them, a tenth of the spec's import).
import types
import typing
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr, field_validator, model_validator

from ..units import UnitError, parse_quantity

ProvenanceKind = Literal["datasheet", "measured", "derived", "fitted", "assumed"]

# No number in a spec is this large in SI units (1e21 B = 1 ZB, 1e21 B/s, 1e21 s); larger values
# are typos or overflow bait (1e308), and would turn results into inf or nan.
MAGNITUDE_LIMIT = 1e21
# the smallest nonzero magnitude of each dimension, in SI: a byte, a byte per second, a
# picosecond, a hertz; below these an input is a typo or an attack, and the arithmetic of the
# engines (and the simulator's integer clock) would overflow on it
SMALLEST = {"bytes": 1.0, "bandwidth": 1.0, "time": 1e-12, "frequency": 1.0, "transfer_rate": 1.0, "flops": 1.0,
            "dimensionless": 1e-9, "money": 0.01, "money_rate": 0.01 / 3600}


class StrictModel(BaseModel):
    """Base of every spec type: unknown keys are errors; field docstrings become the schema.

    The docstrings are read from the source only when the schema is exported (``schema.py``):
    pydantic's ``use_attribute_docstrings`` reads them at import, 0.2 s of every command's start."""

    model_config = ConfigDict(extra="forbid", frozen=False, defer_build=True)


class Provenance(StrictModel):
    """Where a number came from."""

    kind: ProvenanceKind
    """datasheet (vendor document), measured (a benchmark run), derived (arithmetic on other
    sourced numbers), fitted (solved from measurements by a stated procedure) or assumed
    (an engineering estimate; give a `range` so sensitivity studies know how unsure it is)."""
    source: str
    """Citation: URL, document and table, or the script and trace that produced the number."""
    fitted_to: str | None = None
    """For kind=fitted: the measurements the number was fitted to, and how."""

    @model_validator(mode="after")
    def _fitted_needs_target(self) -> "Provenance":
        if not self.source.strip():
            raise ValueError("source must not be empty")
        if self.kind == "fitted" and not self.fitted_to:
            raise ValueError("a fitted number must say what it was fitted to (fitted_to)")
        return self


class Param(Provenance):
    """A sourced number with a unit. Subclasses fix the dimension and the allowed sign."""

    value: str | float | int
    """The number with its unit, e.g. '25 Gbps'; dimensionless parameters are plain numbers."""
    range: tuple[str | float | int, str | float | int] | None = None
    """Plausible low and high values, for sensitivity studies of uncertain numbers."""

    dimension: ClassVar[str] = "dimensionless"
    minimum: ClassVar[float] = 0.0
    """Lowest legal value; ``exclusive_minimum`` decides whether it is itself allowed."""
    exclusive_minimum: ClassVar[bool] = True
    maximum: ClassVar[float | None] = None
    integer: ClassVar[bool] = False

    _si: float = PrivateAttr(default=float("nan"))

    @field_validator("value", mode="before")
    @classmethod
    def _no_boolean(cls, raw: object) -> object:
        if isinstance(raw, bool):  # YAML's true/false would otherwise count as 1 and 0
            raise ValueError(f"expected a number, got the boolean {raw!r}")
        return raw

    @field_validator("range", mode="before")
    @classmethod
    def _no_boolean_range(cls, raw: object) -> object:
        if isinstance(raw, (list, tuple)) and any(isinstance(v, bool) for v in raw):
            raise ValueError(f"expected numbers, got a boolean in {raw!r}")
        return raw

    @model_validator(mode="after")
    def _parse(self) -> "Param":
        self._si = self._check(self.value)
        if self.range is not None:
            low, high = (self._check(v) for v in self.range)
            if not low <= high:
                raise ValueError(f"range low {self.range[0]!r} is above high {self.range[1]!r}")
            if not low * (1 - 1e-9) <= self._si <= high * (1 + 1e-9):
                raise ValueError(f"value {self.value!r} is outside its own range [{self.range[0]!r}, "
                                 f"{self.range[1]!r}]; widen the range or change the value")
        return self

    @classmethod
    def _check(cls, raw: object) -> float:
        if isinstance(raw, bool):
            raise ValueError(f"expected a number, got the boolean {raw!r}")
        try:
            value = parse_quantity(raw, cls.dimension)
        except UnitError as exc:
            raise ValueError(str(exc)) from None
        if cls.exclusive_minimum and value <= cls.minimum:
            raise ValueError(f"must be greater than {cls.minimum:g}, got {raw!r}")
        if not cls.exclusive_minimum and value < cls.minimum:
            raise ValueError(f"must be at least {cls.minimum:g}, got {raw!r}")
        if cls.maximum is not None and value > cls.maximum:
            limit = f"{int(cls.maximum):,}" if float(cls.maximum).is_integer() else f"{cls.maximum:g}"
            raise ValueError(f"must be at most {limit}, got {raw!r}")
        if abs(value) > MAGNITUDE_LIMIT:
            raise ValueError(f"{raw!r} is beyond any plausible hardware or workload (at most {MAGNITUDE_LIMIT:g} "
                             "in SI units)")
        if value != 0 and abs(value) < SMALLEST.get(cls.dimension, 1e-9):
            raise ValueError(f"{raw!r} is below any plausible hardware or workload value (the smallest nonzero "
                             f"{cls.dimension} taken is {SMALLEST.get(cls.dimension, 1e-9):g} in SI units)")
        if cls.integer and value != int(value):
            raise ValueError(f"must be a whole number, got {raw!r}")
        return value

    @property
    def si(self) -> float:
        """The value in the SI base unit of its dimension (bytes, B/s, s, Hz, T/s)."""
        return self._si


class Bandwidth(Param):
    """A rate of data, e.g. '25 Gbps' or '55 GB/s'; must be positive."""

    dimension: ClassVar[str] = "bandwidth"


class Bytes(Param):
    """A size, e.g. '32 GB' or '256 B'; must be positive."""

    dimension: ClassVar[str] = "bytes"


class OverheadBytes(Bytes):
    """A per-item byte overhead, e.g. '24 B'; zero allowed."""

    exclusive_minimum: ClassVar[bool] = False


class Duration(Param):
    """A time, e.g. '7 us'; zero allowed (a cost that is absent)."""

    dimension: ClassVar[str] = "time"
    exclusive_minimum: ClassVar[bool] = False


class Frequency(Param):
    """A clock rate, e.g. '2.0 GHz'."""

    dimension: ClassVar[str] = "frequency"


class TransferRate(Param):
    """A signalling rate, e.g. '32 GT/s'."""

    dimension: ClassVar[str] = "transfer_rate"


class FlopRate(Param):
    """An arithmetic rate, e.g. '989 TFLOPS'."""

    dimension: ClassVar[str] = "flops"


class Money(Param):
    """A price, e.g. '2500 USD'."""

    dimension: ClassVar[str] = "money"


class MoneyRate(Param):
    """A price per unit of time, e.g. '1.861 USD/h' (SI: USD per second)."""

    dimension: ClassVar[str] = "money_rate"


class Count(Param):
    """A whole number of things (layers, heads, weights); at least 1, at most 1e13 (weights of the
    largest models are ~1e12)."""

    integer: ClassVar[bool] = True
    maximum: ClassVar[float | None] = 1e13


class CoreCount(Count):
    """Cores of a core pool: at most 1,024 (the partition hands them out one at a time)."""

    maximum: ClassVar[float | None] = 1024


class Ratio(Param):
    """A positive dimensionless ratio, e.g. a compression ratio of 1.16."""


class Multiple(Param):
    """A dimensionless multiple that may be zero, e.g. decode kernels a launch waits out (0.3)."""

    exclusive_minimum: ClassVar[bool] = False


class Stretch(Param):
    """A ratio above 1, e.g. a load's latency under load over idle (2.23)."""

    minimum: ClassVar[float] = 1.0


class OverheadRatio(Param):
    """A dimensionless ratio that may be zero or slightly negative within measurement noise
    (e.g. a slowdown of -0.01); at least -1."""

    minimum: ClassVar[float] = -1.0


class Fraction(Param):
    """A share in (0, 1], e.g. 0.949 or '94.9%'."""

    maximum: ClassVar[float | None] = 1.0


class Share(Param):
    """A share in [0, 1] that may be zero, e.g. the part of a wait that is charged (0 or 1)."""

    exclusive_minimum: ClassVar[bool] = False
    maximum: ClassVar[float | None] = 1.0


class CyclesPerByte(Param):
    """Processor cycles per byte of output; zero allowed."""

    exclusive_minimum: ClassVar[bool] = False


def _inner_types(annotation: Any) -> list[type]:
    """Model classes reachable through Optional/Union/list/dict/tuple in an annotation."""
    origin = typing.get_origin(annotation)
    if origin is None:
        return [annotation] if isinstance(annotation, type) else []
    if origin is typing.Annotated:
        return _inner_types(typing.get_args(annotation)[0])
    found: list[type] = []
    args = typing.get_args(annotation)
    if origin is dict:
        args = args[1:]
    for arg in args:
        found.extend(_inner_types(arg))
    return found


def _field_kind(annotation: Any) -> str:
    inner = _inner_types(annotation)
    if any(issubclass(t, Param) for t in inner if isinstance(t, type)):
        return "param"
    if any(issubclass(t, Component) for t in inner if isinstance(t, type)):
        return "component"
    return "other"


def _is_container(annotation: Any) -> str | None:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            kind = _is_container(arg)
            if kind:
                return kind
        return None
    if origin is dict:
        return "dict"
    if origin in (list, tuple):
        return "list"
    return None


class Component(StrictModel):
    """A spec object whose bare numbers inherit its ``provenance`` (or its parent's)."""

    provenance: Provenance | None = None
    """Default provenance for the bare numbers in this component and the ones nested in it."""

    @model_validator(mode="before")
    @classmethod
    def _spread_provenance(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        default = data.get("provenance")
        for name, field in cls.model_fields.items():
            if name not in data or name == "provenance":
                continue
            kind = _field_kind(field.annotation)
            container = _is_container(field.annotation)
            if kind == "param" and container == "dict" and isinstance(data[name], dict):
                data[name] = {k: _wrap_param(v, default) for k, v in data[name].items()}
            elif kind == "param" and container != "dict":
                data[name] = _wrap_param(data[name], default)
            elif kind == "component" and default is not None:
                raw = data[name]
                if container == "dict" and isinstance(raw, dict):
                    data[name] = {k: _inherit(v, default) for k, v in raw.items()}
                elif container == "list" and isinstance(raw, list):
                    data[name] = [_inherit(v, default) for v in raw]
                else:
                    data[name] = _inherit(raw, default)
        return data


def _wrap_param(raw: Any, default: Any) -> Any:
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, (list, tuple)):
        return raw  # let the field's own validation complain
    wrapped: dict[str, Any] = {"value": raw}
    if isinstance(default, dict):
        wrapped.update({k: v for k, v in default.items() if k in ("kind", "source", "fitted_to")})
    elif isinstance(default, Provenance):
        wrapped.update(default.model_dump(exclude_none=True))
    return wrapped


def _inherit(raw: Any, default: Any) -> Any:
    if isinstance(raw, dict) and "provenance" not in raw:
        return {**raw, "provenance": default}
    return raw
