"""The chunk-level discrete-event simulator of a data plane: the same specs and plan the
analytical model reads, run chunk by chunk with contention in time, queueing, fill and drain.

Owns: the data plane to simulate (``dataplane``: chunking, per-stage demands, resources), the
event loop (``loop/``: one implementation, run compiled or interpreted, ``loops``), lowering to
the loop's arrays (``lower``, ``layout``), running and collecting a run (``run``), the loop the
serving model shares (``serving_loop``, ``events``), and run summaries (``report``, ``simulate``).
May import: the plan and analytical engines, spec types and the foundation.
"""

from .dataplane import DataPlane
from .record import SimRun
from .report import chrome_trace, simulate_summary, stage_records_csv
from ...spec.requests import RequestSpec

__all__ = ["DataPlane", "RequestSpec", "SimRun", "chrome_trace", "simulate_summary", "stage_records_csv"]
