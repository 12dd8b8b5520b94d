"""Validated scenarios kept between processes, so a command's start does not parse YAML and build
pydantic's validators again for a scenario it has validated before (about 70 ms of `eval`'s 0.4 s).

An entry holds the validated Scenario and what it was made from: the content hash of every file
the load read (the scenario, each referenced spec, each time-flow table) and every named reference
with the file it resolved to. A lookup re-hashes those files and resolves those references again
(stat calls, no parsing): a changed file, a new file that now shadows a name on the search path, or
a changed ``$NICMODEL_PATH`` is a miss. The key also covers the overrides, nicmodel's sources
(names, sizes and modification times of every module) and pydantic's and Python's versions, so
an edited or upgraded validator never serves an old answer.

Where: ``$NICMODEL_SPEC_CACHE_DIR``, else ``<user cache>/nicmodel/specs``; ``NICMODEL_SPEC_CACHE=0``
turns it off. An unwritable or missing folder only means no caching. Entries are pickles, so one
is read only from a folder that is the user's own and writable by nobody else, from a file the
user owns; any entry that fails to load is a miss. At most ``MAX_ENTRIES`` are kept (the least
recently used go first). Failed loads are never cached: their errors come from the loader.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator

from .. import cachedir

OFF = "NICMODEL_SPEC_CACHE"
FOLDER = "NICMODEL_SPEC_CACHE_DIR"
MAX_ENTRIES = 256  # ~40 KB each
_PACKAGE = Path(__file__).resolve().parents[1]


class Recording:
    """What one load depended on: files (path -> sha256) and references (category, name, near, file)."""

    def __init__(self) -> None:
        self.files: dict[str, str] = {}
        self.references: list[tuple[str, str, str, str]] = []
        self.cacheable = True  # False once a file is not a regular file (a pipe cannot be read twice)


_ACTIVE: list[Recording] = []


def file_read(path: Path) -> None:
    """Called by the loader for every file whose content a load uses."""
    if _ACTIVE:
        resolved = str(Path(path).resolve())
        digest = _digest(resolved)
        _ACTIVE[-1].files[resolved] = digest
        if not digest:
            _ACTIVE[-1].cacheable = False


def reference_resolved(category: str, name: str, near: Path, found: Path) -> None:
    """Called by the loader for every named reference it resolved."""
    if _ACTIVE:
        _ACTIVE[-1].references.append((category, name, str(Path(near).resolve()), str(found)))


def _digest(path: str) -> str:
    """The content hash of a regular file; "" for anything else (never read: a FIFO or a device
    would be consumed or block)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return ""
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def enabled() -> bool:
    return cachedir.switched_on(OFF)


def folder() -> Path:
    return cachedir.folder(FOLDER, "specs")


@functools.lru_cache(maxsize=1)
def _code_stamp() -> str:
    """nicmodel's modules (name, size, mtime) and the validator's and interpreter's versions."""
    import pydantic
    import pydantic_core

    h = hashlib.sha256(f"{sys.version}|{pydantic.VERSION}|{pydantic_core.__version__}".encode())
    for path in sorted(_PACKAGE.rglob("*.py")):
        st = path.stat()
        h.update(f"{path.relative_to(_PACKAGE)}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _key(path: str | Path, overrides: tuple[str, ...]) -> str:
    h = hashlib.sha256(_code_stamp().encode())
    for part in (str(Path(path).resolve()), os.environ.get("NICMODEL_PATH", ""), *overrides):
        h.update(b"\x00" + part.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:32]


def _trusted(entry: Path) -> bool:
    """A file we own in a folder nobody else can write to (pickles run code when loaded)."""
    try:
        st, dst = entry.stat(), entry.parent.stat()
    except OSError:
        return False
    uid = os.getuid() if hasattr(os, "getuid") else None
    if uid is not None and (st.st_uid != uid or dst.st_uid != uid):
        return False
    return not (dst.st_mode & (stat.S_IWGRP | stat.S_IWOTH)) and stat.S_ISREG(st.st_mode)


def lookup(path: str | Path, overrides: tuple[str, ...], resolve: Callable[[str, str, Path], Path]) -> Any | None:
    """The cached Scenario for this load, if nothing it was made from has changed; else None.
    ``resolve(category, name, near)``: the loader's reference lookup (resolving again also
    re-reports references found in unexpected folders, as a fresh load would)."""
    if not enabled():
        return None
    entry = folder() / f"{_key(path, overrides)}.pickle"
    if not _trusted(entry):
        return None
    try:
        saved = pickle.loads(entry.read_bytes())
        files, references, scenario = saved["files"], saved["references"], saved["scenario"]
    except Exception:  # stale classes, a truncated file: rebuild
        return None
    if any(not digest or _digest(f) != digest for f, digest in files.items()):
        return None
    for category, name, near, found in references:
        try:
            if str(resolve(category, name, Path(near))) != found:
                return None
        except Exception:
            return None
    with contextlib.suppress(OSError):
        os.utime(entry)  # recently used
    return scenario


@contextlib.contextmanager
def recording() -> Iterator[Recording]:
    rec = Recording()
    _ACTIVE.append(rec)
    try:
        yield rec
    finally:
        _ACTIVE.pop()


def store(path: str | Path, overrides: tuple[str, ...], rec: Recording, scenario: Any) -> None:
    """Keep a validated Scenario; any failure to write only means no caching."""
    if not enabled() or not rec.cacheable:
        return
    where = folder()
    try:
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
        if where.stat().st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return  # a shared folder: never read back (see _trusted), so never written
        data = pickle.dumps({"files": rec.files, "references": rec.references, "scenario": scenario},
                            protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".entry-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, where / f"{_key(path, overrides)}.pickle")
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        _prune(where)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        return


def _prune(where: Path) -> None:
    entries = list(where.glob("*.pickle"))
    if len(entries) <= MAX_ENTRIES:
        return
    def used(p: Path) -> int:
        try:
            return p.stat().st_mtime_ns
        except OSError:  # removed by another process meanwhile
            return 0

    entries.sort(key=used)
    for old in entries[: len(entries) - MAX_ENTRIES // 2]:
        with contextlib.suppress(OSError):
            old.unlink()
