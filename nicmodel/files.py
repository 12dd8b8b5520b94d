"""Writing output files without destroying anything.

- A regular file is written atomically: readers see the old content or the new, never a part.
- ``-`` is standard output; an existing device node or FIFO is written to in place, never
  replaced by a regular file.
- A symbolic link is followed: its target is (atomically) rewritten, the link stays.
- A rewritten file keeps its mode; a new one gets the mode the umask gives (as ``open`` would).
- Text never replaces a SQLite database (a results database is written only as a database).
- ``check_outputs`` runs before a command does any work: every output's folder exists, no output
  is an input or another output (after resolving links).
- ``staged()`` holds a command's files until it succeeds: a failing command leaves none.

Foundation layer: imports nothing of nicmodel but errors, so every layer may write through it.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterable, Iterator

from .errors import SpecError

STDOUT = "-"
_SQLITE_MAGIC = b"SQLite format 3\x00"
_STAGE: list[list[tuple[str, Path]] | None] = []  # open staged() blocks: (temporary, target) per file


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _special(path: Path) -> bool:
    """An existing file that is not a regular file or a folder (a device, a FIFO, a socket)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def is_sqlite_file(path: str | Path) -> bool:
    """An existing regular file that starts with SQLite's header."""
    try:
        if not Path(path).is_file():
            return False
        with open(path, "rb") as f:
            return f.read(16) == _SQLITE_MAGIC
    except OSError:
        return False


def _chunks(text: str | bytes | Iterable[str]) -> Iterator[bytes]:
    if isinstance(text, (str, bytes)):
        yield text.encode() if isinstance(text, str) else text
    else:  # streamed: a long table is written block by block, never held whole
        for chunk in text:
            yield chunk.encode()


def write_atomic(path: str | Path, text: str | bytes | Iterable[str], flag: str = "--output") -> None:
    """Write ``text`` to ``path`` (see the module's rules). A process killed at any point leaves the
    old file (or none) and at most a stray `.NAME.*.tmp`."""
    if str(path) == STDOUT:
        if isinstance(text, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
        else:
            for chunk in ([text] if isinstance(text, str) else text):
                sys.stdout.write(chunk)
        sys.stdout.flush()
        return
    target = Path(os.path.realpath(path))  # a link is followed: its target is what gets written
    if target.is_dir():
        raise SpecError("is a folder; expected a file path", str(path), None, (flag,))
    if _special(target):
        try:
            with open(target, "wb") as handle:
                for chunk in _chunks(text):
                    handle.write(chunk)
        except OSError as exc:
            raise SpecError(f"cannot write: {exc.strerror}", str(path), None, (flag,)) from None
        return
    if is_sqlite_file(target):
        raise SpecError("is a SQLite database; refusing to replace it with text (a results database is written "
                        "with -o by the commands that store rows)", str(path), None, (flag,))
    folder = target.parent
    if not folder.is_dir():
        raise SpecError(f"cannot write: folder {str(Path(path).parent)!r} does not exist", str(path), None, (flag,))
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else _umask_mode()
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise SpecError(f"cannot write: {exc.strerror}", str(path), None, (flag,)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in _chunks(text):
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if _STAGE and _STAGE[-1] is not None:
            _STAGE[-1].append((tmp, target))  # renamed when the command succeeds
        else:
            os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise SpecError(f"cannot write: {exc.strerror}", str(path), None, (flag,)) from None
    except BaseException:  # a failed or interrupted stream leaves the old file, not a partial one
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def staged() -> Iterator[None]:
    """Files written inside appear together when the block succeeds; none appears if it fails."""
    _STAGE.append([])
    try:
        yield
    except BaseException:
        for tmp, _ in _STAGE.pop() or []:
            Path(tmp).unlink(missing_ok=True)
        raise
    for tmp, target in _STAGE.pop() or []:
        os.replace(tmp, target)


@contextlib.contextmanager
def unstaged() -> Iterator[None]:
    """Files written inside appear at once, even within staged() (a command's scratch files)."""
    _STAGE.append(None)
    try:
        yield
    finally:
        _STAGE.pop()


def _identity(path: str) -> str:
    return os.path.realpath(path)


def check_outputs(outputs: dict[str, str | None], inputs: Iterable[str | None] = ()) -> None:
    """Refuse, before any work, an output path that cannot be written, that is one of the inputs,
    or that another output also names (links resolved). ``outputs``: flag -> path."""
    seen: dict[str, str] = {}
    ins = {_identity(str(p)): str(p) for p in inputs if p and str(p) != STDOUT and Path(str(p)).exists()}
    for flag, path in outputs.items():
        if not path or path == STDOUT:
            continue
        target = Path(_identity(path))
        if target.is_dir():
            raise SpecError("is a folder; expected a file path", path, None, (flag,))
        if not target.parent.is_dir():
            raise SpecError(f"cannot write: folder {str(Path(path).parent)!r} does not exist", path, None, (flag,))
        key = str(target)
        if key in ins:
            raise SpecError(f"is an input of this command ({ins[key]}); refusing to overwrite it", path, None, (flag,))
        if key in seen:
            raise SpecError(f"is also the {seen[key]} output; give each output its own file", path, None, (flag,))
        seen[key] = flag


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
    write_atomic(path, buffer.getvalue(), "--plot")
