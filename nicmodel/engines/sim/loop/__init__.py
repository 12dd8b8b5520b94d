"""The simulator's event loop: the one implementation of its rules.

Events are ordered by (time, priority, sequence number), so a run is a pure function of its
inputs; time is an integer count of clock cycles. The state lives in arrays (``State``, owned by
Python, see ``lower.py``) and the design in tables (``Tables``); a continuation (what a queue or a
transfer calls when it is done) is a (kind, op) pair, and nested calls become a LIFO work stack:
a handler that would call A and then do B pushes B beneath A.

The same code runs compiled (numba: ``loops.compiled``) or interpreted (``loops.interpreted``,
loaded with numba's JIT disabled); both give identical results. Every module of this package is
imported here, so that both variants are complete once this package is loaded.

Owns: queues and servers (``queues``), processor sharing (``flows``), stages on chunks (``ops``),
the loop and its entry points (``run``). The arrays' layout is ``sim/layout.py``.
May import: numpy, numba, its own modules and ``..layout`` only (relative imports).
"""

from . import flows, jit, ops, queues, run  # noqa: F401 - loaded together (see above)
from .run import push_external, push_external_seq, push_ready, run as run_loop, schedule_arrivals, schedule_sample, touch_all  # noqa: F401
