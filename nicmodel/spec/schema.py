"""JSON Schema of the scenario language, for editors (YAML language servers)."""

from __future__ import annotations

import ast
import inspect
import textwrap
from typing import Any

from .loader import REFERENCE_DIRS
from . import base
from .scenario import Scenario

PARAM_TYPES = {cls.__name__ for cls in vars(base).values()
               if isinstance(cls, type) and issubclass(cls, base.Param)}


def field_docs(cls: type) -> dict[str, str]:
    """The docstring under each field of a model class and of its bases (a string literal right
    after the annotated assignment, as pydantic's ``use_attribute_docstrings`` reads it)."""
    docs: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        if not (isinstance(klass, type) and issubclass(klass, base.StrictModel)):
            continue
        try:
            body = ast.parse(textwrap.dedent(inspect.getsource(klass))).body[0].body
        except (OSError, TypeError, IndexError, AttributeError):
            continue
        for stmt, following in zip(body, body[1:]):
            if (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)
                    and isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
                    and isinstance(following.value.value, str)):
                docs[stmt.target.id] = inspect.cleandoc(following.value.value)
    return docs


def _models(cls: type) -> dict[str, type]:
    """Every spec type by class name (the names the JSON Schema's $defs use)."""
    out, todo = {}, [cls]
    while todo:
        klass = todo.pop()
        if klass.__name__ not in out:
            out[klass.__name__] = klass
            todo += klass.__subclasses__()
    return out


def _describe(schema: dict[str, Any], root: type = Scenario) -> None:
    """Field descriptions from the source's docstrings, where the schema has none."""
    models = _models(base.StrictModel)
    targets = [(root, schema)] + [(models.get(name), d) for name, d in schema.get("$defs", {}).items()]
    for cls, definition in targets:
        if cls is None:
            continue
        docs = field_docs(cls)
        for name, prop in definition.get("properties", {}).items():
            if name in docs and "description" not in prop:
                prop["description"] = docs[name]


def scenario_schema() -> dict[str, Any]:
    """Scenario schema; reference fields also accept a name or {use: name, ...overrides}."""
    schema = Scenario.model_json_schema()
    _describe(schema)
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


def ledger_schema() -> dict[str, Any]:
    """Schema of the held-out ledger (validation/above_target.yaml), its fields described from their docstrings."""
    from .ledger import Ledger

    schema = Ledger.model_json_schema()
    _describe(schema, Ledger)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "nicmodel held-out ledger"
    return schema
