"""Validating a resolved YAML tree into spec objects, and turning pydantic's errors into one
line a planner can act on: the file, the line, the field path and what was expected."""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import SpecError
from .base import Param, _inner_types
from .checks import Problem, check_scenario
from .document import Document
from .scenario import Scenario


def _clean_loc(loc: tuple, data: Any, kind: str) -> tuple:
    """Drop pydantic's union-branch tags from an error location, keeping real keys."""
    out: list = []
    node = data
    for i, seg in enumerate(loc):
        if isinstance(node, dict) and seg in node:
            out.append(seg)
            node = node[seg]
        elif isinstance(node, list) and isinstance(seg, int) and seg < len(node):
            out.append(seg)
            node = node[seg]
        elif i == len(loc) - 1 and kind in ("missing", "extra_forbidden"):
            out.append(seg)
    return tuple(out)


_EXPECTS = {
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "string_type": "a string",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
}


def _expectation(err: dict) -> str:
    if err["type"] == "literal_error":
        return err["msg"].replace("Input should be ", "")
    return _EXPECTS.get(err["type"], err["msg"])


def _node(data: Any, path: tuple) -> Any:
    for seg in path:
        if isinstance(data, dict) and seg in data:
            data = data[seg]
        elif isinstance(data, list) and isinstance(seg, int) and seg < len(data):
            data = data[seg]
        else:
            return None
    return data


def _fields_at(path: tuple, root: type = Scenario) -> list[str]:
    kind, target = "model", root
    for seg in path:
        if kind == "model":
            if seg not in target.model_fields:
                return []
            kind, target = field_kind(target.model_fields[seg].annotation)
        elif kind in ("dict", "list"):
            kind, target = field_kind(target)
        else:
            return []
    return list(target.model_fields) if kind in ("model", "param") else []


def _explain(err: dict, path: tuple, root: type = Scenario) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        allowed = _fields_at(path[:-1], root)
        return f"unknown key {path[-1]!r}; expected one of: {', '.join(allowed)}" if allowed else "unknown key"
    if kind == "missing":
        return "required field is missing"
    message = err["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            message = message[len(prefix):]
    return message.replace("Input should be", "expected")


def validate_as(doc: Document, default_file: str, root: type[BaseModel]) -> Any:
    """Validate a resolved raw tree as ``root``, or raise one SpecError."""
    try:
        return root.model_validate(doc.data)
    except ValidationError as exc:
        errors = exc.errors()
        err = errors[0]
        path = _clean_loc(tuple(err["loc"]), doc.data, err["type"])
        parent = _node(doc.data, path[:-1])
        if err["type"] == "missing" and path[-1:] in (("kind",), ("source",)) and parent is not None:
            path = path[:-1]
            message = ("number without provenance: write {value, kind, source} or give the enclosing "
                       "component a `provenance:` default")
        else:
            message = _explain(err, path, root)
            same = [e for e in errors if _clean_loc(tuple(e["loc"]), doc.data, e["type"]) == path]
            if len(same) > 1 and len(err["loc"]) > len(path):  # a union: say what each branch wanted
                wanted = " or ".join(dict.fromkeys(_expectation(e) for e in same))
                message = f"expected {wanted}, got {err['input']!r}"
        file, line = doc.locate(path)
        raise SpecError(message, file or default_file, line, path) from None


def validate(doc: Document, default_file: str) -> Scenario:
    """Validate a resolved raw tree into a Scenario (fields, then the stage DAG), or raise."""
    scenario = validate_as(doc, default_file, Scenario)
    try:
        check_scenario(scenario)
    except Problem as problem:
        file, line = doc.locate(problem.path)
        raise SpecError(problem.message, file or default_file, line, problem.path) from None
    return scenario


def field_kind(annotation: Any) -> tuple[str, Any]:
    """Classify a field annotation: ('model', cls) | ('dict', value_annotation) | ('leaf', ann)."""
    origin = typing.get_origin(annotation)
    if origin is dict:
        return "dict", typing.get_args(annotation)[1]
    if origin is list:
        return "list", typing.get_args(annotation)[0]
    models = [t for t in _inner_types(annotation) if isinstance(t, type) and issubclass(t, BaseModel)]
    params = [t for t in models if issubclass(t, Param)]
    if params:
        return "param", params[0]
    if models:
        return "model", models[0]
    return "leaf", annotation
