"""Writing output files: atomically (readers see the old file or the new one, never a part),
and the image formats plots may be written in. Foundation layer: imports nothing of nicmodel but
errors, so every layer may write its files through it."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable

from .errors import SpecError


def write_atomic(path: str | Path, text: str | bytes | Iterable[str]) -> None:
    """Write a file so that readers see the old content or the new, never a partial one: the
    bytes go to a temporary file in the same folder, are flushed to disk, and the temporary file
    is renamed over the target (atomic on POSIX). A process killed at any point leaves the old
    file (or none) and at most a stray `.NAME.*.tmp`."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise SpecError("is a folder; expected a file path", str(path), None, ("--output",))
    if not folder.is_dir():
        raise SpecError(f"cannot write: folder {str(folder)!r} does not exist", str(path), None, ("--output",))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise SpecError(f"cannot write: {exc.strerror}", str(path), None, ("--output",)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(text, (str, bytes)):
                handle.write(text.encode() if isinstance(text, str) else text)
            else:  # streamed: a long table is written block by block, never held whole
                for chunk in text:
                    handle.write(chunk.encode())
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SpecError(f"cannot write: {exc.strerror}", str(path), None, ("--output",)) from None
    except BaseException:  # a failed or interrupted stream leaves the old file, not a partial one
        Path(tmp).unlink(missing_ok=True)
        raise
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def plot_format(path: str | Path) -> str:
    """The image format a plot path names (png, svg, pdf), or a SpecError."""
    fmt = Path(path).suffix.lstrip(".").lower() or "png"
    if fmt not in ("png", "svg", "pdf"):
        raise SpecError(f"unknown plot format {fmt!r}; expected .png, .svg or .pdf", str(path), None, ("--plot",))
    folder = Path(path).parent
    if str(folder) and not folder.is_dir():
        raise SpecError(f"cannot write: folder {str(folder)!r} does not exist", str(path), None, ("--plot",))
    return fmt


def save_figure(fig: Any, path: str | Path) -> None:
    """Render a matplotlib figure in the format its suffix names and write it atomically."""
    fmt = plot_format(path)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=110)
    write_atomic(path, buffer.getvalue())
