"""The user's cache folder for what nicmodel keeps between processes (the ahead-of-time event loop,
validated scenarios). Foundation layer: imports nothing of nicmodel."""

from __future__ import annotations

import os
from pathlib import Path


def switched_on(variable: str) -> bool:
    """A cache is on unless ``variable`` is set to 0."""
    return os.environ.get(variable) != "0"


def folder(variable: str, name: str) -> Path:
    """``$variable`` if set, else ``$XDG_CACHE_HOME/nicmodel/<name>`` (``~/.cache`` by default)."""
    if os.environ.get(variable):
        return Path(os.environ[variable])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "nicmodel" / name
