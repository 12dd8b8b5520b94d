"""nicmodel: capacity-planning models of SmartNIC-offloaded data planes.

Public API (stable): load, evaluate_scenario, evaluate_file, design_table, compare, analyze,
SpecError. Spec types live in nicmodel.spec; engines in nicmodel.engine.
"""

from .errors import SpecError
from .version import __version__  # noqa: F401 - re-exported

__all__ = ["SpecError", "analyze", "compare", "design_table", "evaluate_file", "evaluate_scenario", "load"]


def __getattr__(name: str):
    # the API (numpy, pydantic, scipy) is imported on first use, so that
    # `nicmodel --help` and other light commands start fast
    if name in __all__ or name == "api":
        import importlib

        api = importlib.import_module(".api", __name__)
        return api if name == "api" else getattr(api, name)
    raise AttributeError(f"module 'nicmodel' has no attribute {name!r}")
