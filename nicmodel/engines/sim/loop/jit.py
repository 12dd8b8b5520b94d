"""How the loop's functions are compiled: numba when it is installed, else they stay Python.

Two kinds of function. A call passes every array of a tuple argument one by one (hundreds of
registers and stack slots for State + Tables), so:
- helpers used in many places take only the arrays they touch (cheap to call): ``leaf``;
- handlers used in one place take (st, tb) and are inlined where they are used: ``inline``;
- ``entry``: what Python calls.
Loaded while numba's DISABLE_JIT is set (``loops.interpreted``), every decorator returns the
function itself: the same code, run by the interpreter.
"""

from __future__ import annotations

import os

try:
    from numba import njit
except ImportError:  # no numba: the loop runs as plain Python
    def njit(**_options):
        return lambda function: function

# no cache where no folder is writable (engines/sim/loops.py sets this after numba refused one)
CACHE = os.environ.get("NICMODEL_NUMBA_NO_CACHE") != "1"
leaf = njit(cache=CACHE, _nrt=False)
inline = njit(cache=CACHE, _nrt=False, inline="always")
entry = njit(cache=CACHE, _nrt=False)
