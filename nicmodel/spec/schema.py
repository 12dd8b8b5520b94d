"""JSON Schema of the scenario language, for editors (YAML language servers)."""

from __future__ import annotations

from typing import Any

from .loader import REFERENCE_DIRS
from . import base
from .scenario import Scenario

PARAM_TYPES = {cls.__name__ for cls in vars(base).values()
               if isinstance(cls, type) and issubclass(cls, base.Param)}


def scenario_schema() -> dict[str, Any]:
    """Scenario schema; reference fields also accept a name or {use: name, ...overrides}."""
    schema = Scenario.model_json_schema()
    props = schema["properties"]
    for key, folder in REFERENCE_DIRS.items():
        if key not in props:
            continue
        props[key] = {
            "anyOf": [
                {"type": "string", "description": f"name of a file in {folder}/ (without .yaml)"},
                {"type": "object", "required": ["use"], "properties": {"use": {"type": "string"}},
                 "description": f"a file in {folder}/ with fields overridden"},
                props[key],
            ],
            "description": props[key].get("description", ""),
        }
    for name, definition in schema.get("$defs", {}).items():
        if name in PARAM_TYPES:  # bare values inherit the enclosing component's provenance
            schema["$defs"][name] = {
                "description": definition.get("description", ""),
                "anyOf": [{"type": ["string", "number"]}, definition],
            }
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "nicmodel scenario"
    return schema
