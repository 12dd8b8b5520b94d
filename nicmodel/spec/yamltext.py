"""YAML text to a raw spec tree with the file and line of every key: plain data only (no tags
that construct objects), with limits on size and depth. Imported only where a file is parsed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import SpecError
from .document import MAX_NODES, Document, Where
from .textio import read_text

# Limits that keep a hostile or broken file from exhausting time or memory (with MAX_NODES).
# Tags a spec may carry (the ones plain YAML resolves by itself); any other (!!python/..., !custom)
# is refused rather than ignored: specs are plain data.
PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")}
MAX_DEPTH = 40  # nesting of mappings and lists
# libyaml's parser where PyYAML was built with it (the same nodes and marks, ~10x faster than the
# pure-Python one, which took 0.1-0.4 s of a command's start on the bundled specs)
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _build(node: yaml.Node, path: tuple, file: str, where: Where, loader: yaml.SafeLoader,
           budget: list[int] | None = None) -> Any:
    """Python data for a YAML node; records the line of each key (or list item) under its path."""
    budget = budget if budget is not None else [MAX_NODES]
    budget[0] -= 1
    line = node.start_mark.line + 1
    if budget[0] < 0:
        raise SpecError(f"document expands to more than {MAX_NODES:,} values (YAML aliases?)", file, line, path)
    if len(path) > MAX_DEPTH:
        raise SpecError(f"nested more than {MAX_DEPTH} levels deep", file, line, path[:MAX_DEPTH])
    if node.tag not in PLAIN_TAGS:
        raise SpecError(f"YAML tag {node.tag!r} is not allowed: specs are plain data", file, line, path)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                raise SpecError("keys must be plain names, not lists or mappings", file, key_line, path)
            key = loader.construct_object(key_node)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise SpecError(f"key {key_node.value!r} must be a name (quote it if it is meant as text)",
                                file, key_line, path)
            if key in out:
                raise SpecError(f"duplicate key {key!r}", file, key_line, path)
            where[path + (key,)] = (file, key_line)
            out[key] = _build(value_node, path + (key,), file, where, loader, budget)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            where[path + (i,)] = (file, item.start_mark.line + 1)
            items.append(_build(item, path + (i,), file, where, loader, budget))
        return items
    return loader.construct_object(node)



def parse_yaml(path: Path) -> Document:
    file = str(path)
    text = read_text(path)
    loader = None
    try:
        loader = SAFE_LOADER(text)  # safe: plain data only, no tags that construct objects
        node = loader.get_single_node()
        where: Where = {(): (file, 1)}
        data = _build(node, (), file, where, loader) if node is not None else {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        if "maximum nesting depth" in str(exc.problem):  # libyaml's own limit, far above ours
            raise SpecError(f"nested more than {MAX_DEPTH} levels deep", file, line) from None
        raise SpecError(f"YAML syntax: {exc.problem or exc.context}", file, line) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise SpecError(f"YAML cannot contain the character {exc.character!r} (position {exc.position})", file,
                        line) from None
    except yaml.YAMLError as exc:
        raise SpecError(f"YAML syntax: {str(exc).splitlines()[0]}", file) from None
    except RecursionError:
        raise SpecError(f"nested more than {MAX_DEPTH} levels deep", file) from None
    finally:
        if loader is not None:
            loader.dispose()
    if not isinstance(data, dict):
        raise SpecError("expected a mapping of keys to values at the top level", file, 1)
    return Document(data, where)
