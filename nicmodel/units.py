"""Parsing of unit-bearing quantities ("25 Gbps", "16 GiB", "7.5 us").

Every dimensional number in a spec is written with its unit and converted here to one
SI base per dimension: bytes, bytes per second, seconds, hertz, transfers per second.
Unit symbols are case-sensitive and must match the table exactly, because the case of
"b" versus "B" is the difference between bits and bytes; anything else is rejected.
"""

from __future__ import annotations

import math
import re

# dimension -> {symbol: factor to the dimension's SI base}
_DECIMAL = {"": 1.0, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
_BINARY = {"Ki": 2.0**10, "Mi": 2.0**20, "Gi": 2.0**30, "Ti": 2.0**40}


def _byte_units(suffix: str) -> dict[str, float]:
    units = {f"{p}B{suffix}": f for p, f in _DECIMAL.items()}
    units.update({f"{p}B{suffix}": f for p, f in _BINARY.items()})
    return units


UNITS: dict[str, dict[str, float]] = {
    "bytes": _byte_units(""),
    "bandwidth": {
        **_byte_units("/s"),
        **{f"{p}bps": f / 8.0 for p, f in _DECIMAL.items()},
        **{f"{p}b/s": f / 8.0 for p, f in _DECIMAL.items() if p},
    },
    "time": {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9, "min": 60.0, "h": 3600.0},
    "frequency": {"Hz": 1.0, "kHz": 1e3, "MHz": 1e6, "GHz": 1e9},
    "transfer_rate": {"MT/s": 1e6, "GT/s": 1e9},
    "flops": {"TFLOPS": 1e12, "GFLOPS": 1e9, "PFLOPS": 1e15},
    "dimensionless": {"": 1.0, "%": 0.01, "x": 1.0},
    "money": {"USD": 1.0, "kUSD": 1e3},
    "money_rate": {"USD/h": 1.0 / 3600.0, "USD/s": 1.0},
}

# How each dimension is named in error messages.
DIMENSION_NAMES = {
    "bytes": "size",
    "bandwidth": "bandwidth",
    "time": "duration",
    "frequency": "frequency",
    "transfer_rate": "transfer rate",
    "flops": "compute rate",
    "dimensionless": "plain number",
    "money": "price",
    "money_rate": "price per hour",
}

EXAMPLES = {
    "bytes": "'16 GiB' or '256 B'",
    "bandwidth": "'25 Gbps' or '55 GB/s'",
    "time": "'7.5 us' or '2 ms'",
    "frequency": "'2.0 GHz'",
    "transfer_rate": "'32 GT/s' or '5600 MT/s'",
    "flops": "'989 TFLOPS'",
    "dimensionless": "a plain number such as 1.16",
    "money": "'2500 USD'",
    "money_rate": "'1.861 USD/h'",
}

_QUANTITY = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*(\S*)\s*$")


class UnitError(ValueError):
    """A quantity string that does not parse as the expected dimension."""


def _known_dimensions(unit: str) -> list[str]:
    return [dim for dim, table in UNITS.items() if unit in table and unit]


def parse_quantity(text: object, dimension: str) -> float:
    """Return ``text`` in the SI base of ``dimension``; raise UnitError with a hint otherwise."""
    table = UNITS[dimension]
    if isinstance(text, bool):
        raise UnitError(f"expected a quantity such as {EXAMPLES[dimension]}, got {text!r}")
    if isinstance(text, (int, float)):
        if dimension != "dimensionless":
            raise UnitError(
                f"a bare number {text!r} is ambiguous: write it with a unit, e.g. {EXAMPLES[dimension]}"
            )
        value = float(text)
    elif isinstance(text, str):
        match = _QUANTITY.match(text)
        if not match:
            raise UnitError(f"cannot read {text!r} as a quantity; expected e.g. {EXAMPLES[dimension]}")
        number, unit = match.groups()
        if unit not in table:
            others = _known_dimensions(unit)
            if others:
                raise UnitError(
                    f"{text!r} is a {DIMENSION_NAMES[others[0]]}, expected a "
                    f"{DIMENSION_NAMES[dimension]} such as {EXAMPLES[dimension]}"
                )
            if unit == "" and dimension != "dimensionless":
                raise UnitError(f"{text!r} has no unit; expected e.g. {EXAMPLES[dimension]}")
            raise UnitError(
                f"unknown unit {unit!r} in {text!r}; expected e.g. {EXAMPLES[dimension]} "
                f"(units are case-sensitive: b = bit, B = byte)"
            )
        value = float(number) * table[unit]
    else:
        raise UnitError(f"expected a quantity such as {EXAMPLES[dimension]}, got {type(text).__name__}")
    if not math.isfinite(value):
        raise UnitError(f"{text!r} is not a finite number")
    return value


# The unit each dimension is written in when the tool writes a spec file (calibrate -o).
SPEC_UNIT = {"bandwidth": "GB/s", "time": "us", "bytes": "B", "frequency": "GHz", "transfer_rate": "GT/s",
             "flops": "TFLOPS", "money": "USD", "money_rate": "USD/h"}


def spec_string(value: float, dimension: str) -> str | float:
    """An SI value as a spec writes it: '55.3554 GB/s'; dimensionless values stay numbers."""
    unit = SPEC_UNIT.get(dimension)
    if unit is None:
        return float(f"{value:.6g}")
    return f"{value / UNITS[dimension][unit]:.6g} {unit}"
