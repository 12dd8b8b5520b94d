"""Results as pandas DataFrames and Parquet files: the same typed SI columns as the results
database, so a notebook user never parses text. pandas and pyarrow are optional
(``pip install 'nicmodel[pandas]'``); without them these functions say so in one line."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path
from typing import Any

from ..errors import SpecError
from ..files import write_atomic
from .columns import table_rows


def _pandas():
    try:
        import pandas
    except ImportError:
        raise SpecError("pandas is not installed; pip install 'nicmodel[pandas]'", "pandas") from None
    return pandas


def frame(rows: list[dict[str, Any]], table: str = "results", metrics: dict[str, tuple] | None = None,
          inputs: dict[str, Any] | None = None, seeds: bool = False):
    """A DataFrame of ``rows`` (API results), one row per point (or per replication with
    ``seeds``), columns as in the results database: inputs typed, outputs in SI, the mean over
    replications in the plain column."""
    pd = _pandas()
    flat, per_seed = table_rows(table, rows, None, metrics, inputs)
    return pd.DataFrame.from_records(per_seed if seeds else flat)


def write_parquet(path: str | Path, df: Any, flag: str = "--output") -> None:
    """``df`` as a Parquet file, written atomically."""
    _pandas()
    if importlib.util.find_spec("pyarrow") is None:
        raise SpecError("writing Parquet needs pyarrow; pip install 'nicmodel[pandas]'", str(path), None,
                        (flag,))
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    write_atomic(path, buf.getvalue(), flag)
