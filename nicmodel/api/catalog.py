"""What ships and what was written: bundled specs, the scenario language's schema, optical
fabrics, and queries of a results database."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def specs() -> dict[str, Any]:
    """``nicmodel specs list``: the bundled (and NICMODEL_PATH) specs by category, with their
    folders, and the designs in pipelines/ with their descriptions."""
    from ..spec.loader import REFERENCE_DIRS, available, library_roots, package_root

    categories = {category: {"folder": folder, "names": available(category)}
                  for category, folder in REFERENCE_DIRS.items()}
    designs = []
    for path in sorted({p for root in library_roots() for p in (root / "pipelines").glob("*.yaml")}):
        try:
            rel = path.relative_to(package_root())
        except ValueError:
            rel = path
        desc = ""
        for line in path.read_text().splitlines():
            if line.startswith("description:"):
                desc = line.split(":", 1)[1].strip()
                break
        designs.append({"path": str(rel), "description": desc})
    return {"categories": categories, "designs": designs}


def schema(of: str = "scenario") -> dict[str, Any]:
    """``nicmodel schema``: the JSON Schema of the scenario language (for editors), or with ``of="ledger"`` of the
    held-out ledger that ``validate --ledger`` reads."""
    from ..errors import SpecError
    from ..spec.schema import ledger_schema, scenario_schema

    if of not in ("scenario", "ledger"):
        raise SpecError("expected scenario or ledger", "--of")
    return scenario_schema() if of == "scenario" else ledger_schema()


def fabric(name_or_path: str | Path, pair: tuple[int, int] | None = None, transfer_bytes: str | None = None,
           overrides: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """``nicmodel fabric``: an optical fabric's schedule summary, and for a ToR ``pair`` its
    figures under each routing scheme (a transfer of ``transfer_bytes`` such as '600 MB')."""
    from ..engines.fabric.summary import fabric_report
    from ..errors import SpecError
    from ..spec.fabric import OpticalFabric
    from ..spec.loader import load_component
    from ..units import UnitError, parse_quantity

    spec = load_component(name_or_path, "fabric", OpticalFabric, overrides)
    nbytes = None
    if transfer_bytes is not None:
        try:
            nbytes = parse_quantity(transfer_bytes, "bytes")
        except UnitError as exc:
            raise SpecError(str(exc), "--bytes") from None
    return fabric_report(spec, tuple(pair) if pair else None, nbytes)


def query(database: str | Path, sql: str, timeout_s: float = 5.0, limit: int = 10_000) -> list[dict[str, Any]]:
    """Rows of ``sql`` on a results database (written with ``-o FILE.sqlite``), as dicts: read-only,
    stopped after ``timeout_s``, at most ``limit`` rows."""
    from ..store.query import query as run_query

    names, rows = run_query(database, sql, timeout_s, limit)
    return [dict(zip(names, r)) for r in rows]


def query_frame(database: str | Path, sql: str, timeout_s: float = 5.0, limit: int = 10_000):
    """``query`` as a pandas DataFrame (needs nicmodel[pandas])."""
    from ..store.frames import _pandas

    return _pandas().DataFrame.from_records(query(database, sql, timeout_s, limit))


def to_frame(rows: list[dict[str, Any]], command: str = "serve", seeds: bool = False):
    """Results of ``serve``, ``simulate_sweep``, ``compare`` (...) as a pandas DataFrame with the
    results database's typed SI columns: the mean over replications in the plain column, or one
    row per replication with ``seeds=True`` (needs nicmodel[pandas])."""
    from ..output.rows import point_row
    from ..planning.runs import METRICS
    from ..store.frames import frame

    return frame([point_row(r) for r in rows], command, METRICS.get(command), seeds=seeds)
