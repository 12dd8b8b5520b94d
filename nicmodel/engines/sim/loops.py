"""Which variant of the event loop runs: the compiled one (numba) or the same code interpreted.

Both come from the one implementation in ``loop/``. The interpreted variant is the package loaded a
second time, under another name, with numba's JIT disabled while it loads, so every decorator
returns the plain function. It needs no compilation (good for small runs: loading the compiled
loop costs about 0.7 s per process, compiling it the first time 20-40 s) and is the reference the
compiled loop is checked against.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

_FOLDER = Path(__file__).resolve().parent / "loop"
COMPILED = __package__ + ".loop"
INTERPRETED = __package__ + ".loop_interpreted"


def numba_available() -> bool:
    return importlib.util.find_spec("numba") is not None


def compiled() -> ModuleType:
    """The loop compiled by numba (compiled on first use, then cached on disk)."""
    return importlib.import_module(COMPILED)


def compiled_loaded() -> bool:
    return COMPILED in sys.modules


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
