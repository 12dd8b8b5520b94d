"""A raw spec tree as read from YAML, with the file and line every path came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Where = dict[tuple, tuple[str, int | None]]

# The most values one raw tree may hold after YAML aliases are expanded and references resolved
# (a "billion laughs" file hits this): a spec is a few hundred nodes, an explicit fabric table a
# few hundred thousand.
MAX_NODES = 500_000



@dataclass
class Document:
    """A raw YAML tree and, for every path in it, the file and line it came from."""

    data: Any
    where: Where = field(default_factory=dict)

    def locate(self, path: tuple) -> tuple[str | None, int | None]:
        for cut in range(len(path), -1, -1):
            if path[:cut] in self.where:
                return self.where[path[:cut]]
        return None, None
