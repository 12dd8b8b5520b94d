"""Cycle-approximate discrete-event simulation of the same specs the analytical model reads."""

from .datapath import DataPlane, RequestSpec, SimRun
from .report import simulate_summary, stage_records_csv, chrome_trace

__all__ = ["DataPlane", "RequestSpec", "SimRun", "chrome_trace", "simulate_summary", "stage_records_csv"]
