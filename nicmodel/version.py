"""The version of nicmodel (foundation layer: imports nothing)."""

__version__ = "0.1.0"
