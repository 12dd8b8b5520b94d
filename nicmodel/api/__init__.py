"""The public Python API: everything a command does, with the command's defaults.

Owns: composing the layers below into answers (load, evaluate, sweep, run, render a report).
May import: planning, validation, output, engines, spec and the foundation (errors, units,
files, version); never the CLI.

By command family (the CLI calls exactly these):
  eval        load, evaluate_scenario, evaluate_file, analyze, uncertainty_of
  table       design_table_report (the command: table, optima, intervals and optima under uncertainty from one
              preparation), design_table, design_table_and_optima, design_table_csv, table_optimum, optimum_of,
              design_table_uncertainty, table_robust_optimum
  compare     compare, compare_winner, compare_uncertainty, break_even
  size        size
  simulate    simulate, simulate_file, simulate_sweep
  serve       serve, serve_events (the run budget it is checked against)
  fabric      fabric
  validate    validate, validate_standing, calibrate, write_calibrated, sensitivity
  report      report;  query, query_frame (results database);  to_frame (results as pandas);  specs, schema
"""

from importlib import import_module
from typing import Any

# each public name -> the module that defines it; imported on first use, so a command loads only
# what it needs (`eval` does not pay for scipy.stats, which calibration imports)
_WHERE = {
    "fabric": "catalog", "query": "catalog", "query_frame": "catalog", "schema": "catalog", "specs": "catalog",
    "to_frame": "catalog", "calibrate": "checks", "validate": "checks", "validate_standing": "checks", "write_calibrated": "checks",
    "analyze": "evaluate", "compare": "evaluate", "compare_winner": "evaluate", "evaluate_file": "evaluate",
    "evaluate_scenario": "evaluate", "hardware": "evaluate", "load": "evaluate", "uncertainty_of": "evaluate",
    "break_even": "planning", "compare_uncertainty": "planning", "nic_price": "planning", "sensitivity": "planning",
    "size": "planning", "report": "reporting", "serve": "runs", "serve_events": "runs", "simulate": "runs", "simulate_file": "runs",
    "simulate_sweep": "runs", "design_table": "tables", "design_table_and_optima": "tables", "design_table_csv": "tables",
    "design_table_uncertainty": "tables", "optimum_of": "tables", "table_optimum": "tables",
    "table_robust_optimum": "tables", "design_table_report": "tables", "TableReport": "tables",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        value = getattr(import_module(f".{_WHERE[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'nicmodel.api' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


__all__ = [
    "analyze", "break_even", "calibrate", "compare", "compare_uncertainty", "compare_winner", "design_table",
    "design_table_and_optima", "design_table_report", "TableReport",
    "design_table_csv", "design_table_uncertainty", "evaluate_file", "evaluate_scenario", "fabric", "hardware",
    "load", "nic_price", "optimum_of", "query", "report", "schema", "sensitivity", "serve", "serve_events", "simulate", "simulate_file",
    "simulate_sweep", "size", "specs", "table_optimum", "table_robust_optimum", "to_frame", "query_frame", "uncertainty_of", "validate", "validate_standing",
    "write_calibrated",
]
