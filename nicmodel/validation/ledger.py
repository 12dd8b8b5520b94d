"""The held-out standing read against the ledger of families above the target (validation/above_target.yaml): which
families above the target are recorded, with their cause; which are new (not recorded: a regression, or a new trace's
miss that needs its cause written down); which recorded ones are now within the target (the ledger is out of date)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from ..errors import SpecError
from ..spec.ledger import Ledger
from .validate import family_name


def read_ledger(path: str | Path) -> Ledger:
    """The ledger file, validated: unknown keys, a cause no entry may name and a family recorded twice are refused
    with the file, line and field."""
    from ..spec.loader import read_yaml
    from ..spec.validate import validate_as

    doc = read_yaml(Path(path))
    ledger = validate_as(doc, str(path), Ledger)
    seen: set[tuple[str, str]] = set()
    for i, entry in enumerate(ledger.families):
        if entry.cause not in ledger.causes:
            file, line = doc.locate(("families", i, "cause"))
            raise SpecError(f"no cause {entry.cause!r}; expected one of: {', '.join(ledger.causes)}",
                            file or str(path), line, ("families", i, "cause"))
        key = (entry.trace, entry.family)
        if key in seen:
            file, line = doc.locate(("families", i, "family"))
            raise SpecError(f"{entry.family} of {entry.trace} is recorded twice", file or str(path), line,
                            ("families", i, "family"))
        seen.add(key)
    return ledger


def _identity(path: str | Path, base: Path) -> str:
    p = Path(path)
    return str((p if p.is_absolute() else base / p).resolve())


def against_ledger(standing: dict[str, Any], ledger: Ledger, ledger_file: str | Path,
                   cwd: Path | None = None) -> dict[str, Any]:
    """``standing`` (api.validate_standing, at the ledger's target) with each family above the target given its
    recorded cause (None: new), the count by cause, and the recorded families on the traces read that are now within
    the target. Traces are matched by their resolved paths (the standing's from ``cwd``, the ledger's from its
    folder)."""
    base = Path(ledger_file).resolve().parent
    here = cwd or Path.cwd()
    recorded = {(_identity(e.trace, base), e.family): e for e in ledger.families}
    read = {_identity(t, here) for t in standing["trace_paths"]}
    above, causes, found = [], Counter(), set()
    for row in standing["above"]:
        key = (_identity(row["trace"], here), family_name(row))
        found.add(key)
        entry = recorded.get(key)
        above.append({**row, "cause": entry.cause if entry else None})
        if entry:
            causes[entry.cause] += 1
    within = [{"trace": e.trace, "family": e.family, "cause": e.cause} for key, e in recorded.items()
              if key[0] in read and key not in found]
    return {**standing, "above": above, "ledger": {
        "file": str(ledger_file), "target_mape_pct": ledger.target_mape_pct,
        "by_cause": [{"cause": k, "title": c.title, "misses": c.misses, "families": causes[k]}
                     for k, c in ledger.causes.items()],
        "new": sum(1 for r in above if r["cause"] is None),
        "now_within": within,
        "not_read": sum(1 for key in recorded if key[0] not in read)}}
