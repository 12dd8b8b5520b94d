"""Which variant of the event loop runs: the compiled one (numba) or the same code interpreted.

Both come from the one implementation in ``loop/``. The interpreted variant is the package loaded a
second time, under another name, with numba's JIT disabled while it loads, so every decorator
returns the plain function. It needs no compilation (good for small runs: loading the compiled
loop costs about 0.7 s per process, compiling it the first time 20-40 s) and is the reference the
compiled loop is checked against.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.util
import os
import sys
import tempfile
import threading
from pathlib import Path
from types import ModuleType
from typing import Iterator

_FOLDER = Path(__file__).resolve().parent / "loop"
COMPILED = __package__ + ".loop"
INTERPRETED = __package__ + ".loop_interpreted"
NO_CACHE = "NICMODEL_NUMBA_NO_CACHE"


def numba_available() -> bool:
    return importlib.util.find_spec("numba") is not None


NOTICE_AFTER_S = 1.0  # a user is told what is happening once loading takes longer than this
_notice: threading.Timer | None = None


def compiled() -> ModuleType:
    """The compiled loop: built ahead of time where it exists (``aot.py``: loads in about a
    millisecond), else compiled by numba (on first use, then cached on disk). The first JIT use
    in a process starts a timer: if the loop is not running within a second (compiling after
    an install takes 20-40 s), one line on stderr says why the wait."""
    global _notice
    module = sys.modules.get(COMPILED)
    if module is not None:
        return module
    ahead = ahead_of_time()
    if ahead is not None:
        return ahead
    _notice = threading.Timer(NOTICE_AFTER_S, _say_loading)
    _notice.daemon = True
    _notice.start()
    return _import_with_a_cache()


def ready() -> None:
    """The compiled loop has run once in this process: it is loaded; no notice is due."""
    global _notice
    if _notice is not None:
        _notice.cancel()
        _notice = None


def _say_loading() -> None:
    print("nicmodel: loading the simulator's compiled event loop (the first run after an install compiles "
          "it: 20-40 s, once; later runs load it in under a second) ...", file=sys.stderr, flush=True)


def _import_with_a_cache() -> ModuleType:
    """Import the compiled loop. numba caches it beside the source, else in the user's cache
    folder; where neither is writable its import fails ("cannot cache function"), so the cache
    moves to a folder under the system's temporary directory, and if that fails too the loop is
    compiled without a cache (slow every process, but it runs)."""
    with _numba_without_blas():
        for fallback in (None, _temporary_cache, _no_cache):
            if fallback is not None:
                _forget(COMPILED)
                fallback()
            try:
                return importlib.import_module(COMPILED)
            except RuntimeError as exc:
                if "cannot cache" not in str(exc) or fallback is _no_cache:
                    raise
    raise AssertionError("unreachable")


@contextlib.contextmanager
def _numba_without_blas() -> Iterator[None]:
    """Load numba's CPU target with BLAS reported missing. Its array-math registry imports
    scipy.linalg when it first loads, only to learn whether np.dot can be compiled: 0.15-0.3 s
    of a process that loads the loop, which uses no BLAS or LAPACK. scipy.linalg is hidden for
    that load only (and not at all when something already imported it), so later imports of
    scipy.linalg, scipy.stats and the rest are unaffected."""
    if "scipy.linalg" in sys.modules:
        yield
        return
    sys.modules["scipy.linalg"] = None  # type: ignore[assignment]  # makes "import scipy.linalg..." fail fast
    try:
        from numba.core.registry import cpu_target

        cpu_target.target_context.refresh()  # loads every registry now, while BLAS looks absent
        yield
    finally:
        if sys.modules.get("scipy.linalg", 0) is None:
            del sys.modules["scipy.linalg"]


def _temporary_cache() -> None:
    import numba

    numba.core.config.CACHE_DIR = os.path.join(tempfile.gettempdir(), f"nicmodel-numba-{os.getuid()}")


def _no_cache() -> None:
    os.environ[NO_CACHE] = "1"  # read by loop/jit.py (and by pool workers, which inherit it)
    print("nicmodel: no writable cache folder for the compiled event loop: it is compiled in every process "
          "(set NUMBA_CACHE_DIR to a writable folder to keep it)", file=sys.stderr, flush=True)


def _forget(name: str) -> None:
    for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
        del sys.modules[key]


@functools.lru_cache(maxsize=1)
def ahead_of_time() -> ModuleType | None:
    """The loop compiled ahead of time (``aot.py``), if it was built for this code; else None
    (looked for once per process)."""
    from . import aot

    return aot.load()


def compiled_loaded() -> bool:
    """Whether the compiled loop costs nothing more to use in this process: the JIT loop is
    loaded, or the ahead-of-time one exists."""
    return COMPILED in sys.modules or ahead_of_time() is not None


_REMEMBERED: set[str] = set()  # entry points whose signatures this process has handed to aot.py


def used(module: ModuleType) -> None:
    """After a run: if it ran the JIT loop, hand the entry points' argument types to ``aot.py``
    (once per entry point and process), for the ahead-of-time build."""
    if module is not sys.modules.get(COMPILED) or not hasattr(module.run_loop, "signatures"):
        return  # the interpreted loop, or the ahead-of-time one
    from . import aot

    seen = {e for e in aot.ENTRIES if len(getattr(module, e).signatures) == 1}
    if not aot.enabled() or seen <= _REMEMBERED:
        return
    try:
        aot.remember(module)
    except OSError:  # no writable cache folder: the JIT loop serves as before
        pass
    _REMEMBERED.update(seen)


def offer_ahead_of_time() -> None:
    """After a command that used the simulator: let ``aot.py`` build the ahead-of-time loop once
    every entry point's signature is known."""
    from . import aot

    if COMPILED in sys.modules:  # the entry points called after the last run (touch_all) too
        used(sys.modules[COMPILED])
    aot.offer(_import_with_a_cache)


def interpreted() -> ModuleType:
    """The same loop, run by the Python interpreter."""
    module = sys.modules.get(INTERPRETED)
    if module is not None:
        return module
    found = importlib.util.spec_from_file_location(INTERPRETED, _FOLDER / "__init__.py",
                                                  submodule_search_locations=[str(_FOLDER)])
    module = importlib.util.module_from_spec(found)
    sys.modules[INTERPRETED] = module
    try:
        import numba
    except ImportError:  # without numba the decorators are already plain
        found.loader.exec_module(module)
        return module
    saved = numba.config.DISABLE_JIT
    numba.config.DISABLE_JIT = True
    try:
        found.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(INTERPRETED, None)
        raise
    finally:
        numba.config.DISABLE_JIT = saved
    return module


def get(kind: str) -> ModuleType:
    """``compiled`` or ``reference`` (the interpreted loop)."""
    return compiled() if kind == "compiled" else interpreted()
