"""The public Python API: everything a command does, with the command's defaults.

Owns: composing the layers below into answers (load, evaluate, sweep, run, render a report).
May import: planning, validation, output, engines, spec and the foundation (errors, units,
files, version); never the CLI.

By command family (the CLI calls exactly these):
  eval        load, evaluate_scenario, evaluate_file, analyze, uncertainty_of
  table       design_table, design_table_csv, table_optimum, optimum_of, design_table_uncertainty,
              table_robust_optimum
  compare     compare, compare_winner, compare_uncertainty, break_even
  size        size
  simulate    simulate, simulate_file, simulate_sweep
  serve       serve
  fabric      fabric
  validate    validate, calibrate, write_calibrated, sensitivity
  report      report;  query, query_frame (results database);  to_frame (results as pandas);  specs, schema
"""

from .catalog import fabric, query, query_frame, schema, specs, to_frame
from .checks import calibrate, validate, write_calibrated
from .evaluate import (analyze, compare, compare_winner, evaluate_file, evaluate_scenario, hardware, load,
                       uncertainty_of)
from .planning import break_even, compare_uncertainty, nic_price, sensitivity, size
from .report import report
from .runs import serve, simulate, simulate_file, simulate_sweep
from .tables import (design_table, design_table_csv, design_table_uncertainty, optimum_of, table_optimum,
                     table_robust_optimum)

__all__ = [
    "analyze", "break_even", "calibrate", "compare", "compare_uncertainty", "compare_winner", "design_table",
    "design_table_csv", "design_table_uncertainty", "evaluate_file", "evaluate_scenario", "fabric", "hardware",
    "load", "nic_price", "optimum_of", "query", "report", "schema", "sensitivity", "serve", "simulate", "simulate_file",
    "simulate_sweep", "size", "specs", "table_optimum", "table_robust_optimum", "to_frame", "query_frame", "uncertainty_of", "validate",
    "write_calibrated",
]
