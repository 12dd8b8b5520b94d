"""Engines: they take validated spec objects and never read files."""
