"""nicmodel: capacity-planning models of SmartNIC-offloaded data planes.

Public API (stable): load, evaluate_scenario, evaluate_file, design_table, compare, analyze,
SpecError. Spec types live in nicmodel.spec; engines in nicmodel.engine.
"""

from .api import analyze, compare, design_table, evaluate_file, evaluate_scenario, load
from .errors import SpecError

__version__ = "0.1.0"
__all__ = ["SpecError", "analyze", "compare", "design_table", "evaluate_file", "evaluate_scenario", "load"]
