"""The event loop compiled ahead of time: a C extension that numba's pycc builds, once per machine,
from the same code as the JIT loop (``loop/``), so a process that runs the simulator loads it in
about a millisecond instead of importing numba, loading its CPU target and its JIT cache (~1 s).

How it comes to exist: a process that ran the JIT loop (pool workers too) remembers the argument
types its entry points were called with (one signature each: the State and Tables arrays of
``lower.py``, and integers). Once every entry point's signature is known (a ``simulate`` and a
``serve`` between them call all seven), the CLI builds the extension at the end of the next
command that uses the simulator (~40 s, once, announced on stderr) into the user's cache folder.
A key over the loop's sources, numba's and numpy's versions and the interpreter names the file,
so a changed loop or upgraded library builds again. Where the build fails (no C compiler), a
marker file records why and the JIT loop stays in use. ``NICMODEL_AOT=0`` turns all of this off
(the test suite does, except the test that checks the extension against the JIT loop).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import pickle
import sys
import sysconfig
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

from ... import cachedir

ENTRIES = ("touch_all", "run_loop", "schedule_arrivals", "schedule_sample", "push_external", "push_external_seq",
           "push_ready")
OFF = "NICMODEL_AOT"
FOLDER = "NICMODEL_AOT_DIR"
_SOURCES = Path(__file__).resolve().parent


def enabled() -> bool:
    return cachedir.switched_on(OFF)


def folder() -> Path:
    """Where the extension lives: $NICMODEL_AOT_DIR, else the user's cache folder."""
    return cachedir.folder(FOLDER, "aot")


@functools.lru_cache(maxsize=1)
def key() -> str:
    """What the extension was built from: the loop's sources, numba's and numpy's versions and
    the interpreter (read without importing numba; once per process)."""
    h = hashlib.sha256()
    for path in sorted((_SOURCES / "loop").glob("*.py")) + [_SOURCES / "layout.py", _SOURCES / "lower.py"]:
        h.update(path.name.encode() + path.read_bytes())
    numba = importlib.util.find_spec("numba")
    if numba is not None and numba.origin:
        version = Path(numba.origin).with_name("_version.py")
        h.update(version.read_bytes() if version.exists() else numba.origin.encode())
    import numpy

    h.update(f"{numpy.__version__} {sys.version} {sysconfig.get_config_var('EXT_SUFFIX')}".encode())
    return h.hexdigest()[:16]


def _name(k: str) -> str:
    return f"nicmodel_loop_{k}"


def _path(k: str, into: Path | None = None) -> Path:
    return (into or folder()) / (_name(k) + (sysconfig.get_config_var("EXT_SUFFIX") or ".so"))


def load() -> ModuleType | None:
    """The extension, if it was built for this loop and has every entry point; else None."""
    if not enabled():
        return None
    k = key()
    path = _path(k)
    if not path.exists():
        return None
    found = importlib.util.spec_from_file_location(_name(k), path)
    if found is None or found.loader is None:
        return None
    try:
        module = importlib.util.module_from_spec(found)
        found.loader.exec_module(module)
    except ImportError:  # built for another machine or library; the JIT loop serves
        return None
    return module if all(hasattr(module, e) for e in ENTRIES) else None


def known() -> dict[str, Any]:
    """The entry points' signatures remembered so far (a file beside the extension)."""
    path = folder() / f"signatures_{key()}.pickle"
    if not path.exists():
        return {}
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # a stale or foreign file: start again
        return {}


def remember(jit: ModuleType) -> dict[str, Any]:
    """The entry points' signatures this process ran the JIT loop with (pool workers too),
    merged into those remembered before; returns them all."""
    signatures = known()
    new = {e: getattr(jit, e).signatures[0] for e in ENTRIES if len(getattr(jit, e).signatures) == 1}
    if any(signatures.get(e) != s for e, s in new.items()):
        signatures.update(new)
        _write(folder() / f"signatures_{key()}.pickle", pickle.dumps(signatures))
        # the names alone, so that checking whether all are known does not import numba
        _write(folder() / f"signatures_{key()}.names", " ".join(sorted(signatures)).encode())
    return signatures


def complete() -> bool:
    """Whether every entry point's signature has been remembered (without importing numba)."""
    names = folder() / f"signatures_{key()}.names"
    return names.exists() and set(ENTRIES) <= set(names.read_text().split())


def build(jit: ModuleType, signatures: dict[str, Any], into: Path | None = None) -> Path:
    """Compile every entry point with its signature into the extension (atomically in place)."""
    import warnings

    k = key()
    target = (into or folder())
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target) as work, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pycc's pending-deprecation notice
        from numba.pycc import CC

        cc = CC(_name(k))
        cc.output_dir = work
        cc.verbose = False
        cc.use_nrt = False  # as the JIT loop (jit.py: _nrt=False); with it every array access counts references
        # cc.target_cpu stays generic: a cache folder can be shared by machines of other CPUs
        for entry in ENTRIES:
            dispatcher = getattr(jit, entry)
            dispatcher.compile(tuple(signatures[entry]))  # from numba's cache: gives the return type
            cc.export(entry, dispatcher.overloads[tuple(signatures[entry])].signature)(dispatcher.py_func)
        cc.compile()
        final = _path(k, target)
        os.replace(next(Path(work).glob(_name(k) + "*")), final)
    return final


def offer(load_jit: Callable[[], ModuleType]) -> None:
    """After a command: once every entry point's signature is remembered and no extension exists
    for this loop, build it (announced; a failure is recorded once and not retried)."""
    if not enabled() or _in_worker():
        return
    try:
        k = key()
        if _path(k).exists() or (folder() / f"unavailable_{k}").exists() or not complete():
            return  # (checked first: reading the signatures themselves imports numba)
        signatures = known()
        if set(ENTRIES) - set(signatures):
            return
        print("nicmodel: compiling the simulator's event loop ahead of time, so that later runs start in "
              "milliseconds (once, ~40 s; NICMODEL_AOT=0 skips it) ...", file=sys.stderr, flush=True)
        build(load_jit(), signatures)
    except Exception as exc:  # no C compiler, no writable folder: the JIT loop serves as before
        reason = (str(exc).splitlines() or [type(exc).__name__])[0][:200]
        try:
            _write(folder() / f"unavailable_{key()}", reason.encode())
        except OSError:
            return
        print(f"nicmodel: the ahead-of-time event loop could not be built ({reason}); the JIT loop is used",
              file=sys.stderr, flush=True)


def _in_worker() -> bool:
    import multiprocessing

    return multiprocessing.parent_process() is not None


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
