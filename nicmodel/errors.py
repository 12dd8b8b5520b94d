"""The one error type a user sees: where the problem is and what was expected."""

from __future__ import annotations

from dataclasses import dataclass


def format_path(path: tuple) -> str:
    """('design', 'stages', 'fetch', 'cores') -> 'design.stages.fetch.cores'; list indices as [i]."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "<document>"


@dataclass
class SpecError(Exception):
    """Bad input. Rendered as one line: ``file:line: field.path: message``."""

    message: str
    file: str | None = None
    line: int | None = None
    path: tuple = ()

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        field = format_path(self.path) if self.path else None
        return f"{where}: {field}: {self.message}" if field else f"{where}: {self.message}"


class InfeasibleError(ValueError):
    """A valid spec that the hardware cannot serve (e.g. a ToR pair that never gets a circuit
    under direct routing, or core pools with fewer cores than stages). Engines raise it; the CLI
    reports it like bad input, and design tables mark the row invalid."""


# Exit codes: what a script can rely on (the CLI returns them; sweep rows carry them).
EXIT_OK = 0
EXIT_CHECK_FAILED = 1  # valid input, failed check: validate tolerance, rejected fit, infeasible design
EXIT_BAD_INPUT = 2  # bad input: file, field, value or command line
EXIT_INTERNAL = 3  # a bug in nicmodel (never expected; reported in one line)
