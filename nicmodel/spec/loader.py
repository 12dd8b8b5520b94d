"""Reading scenario files: YAML with line numbers, named references, --set overrides.

The loader turns files into validated spec objects and nothing else; engines never parse.
Any problem becomes a SpecError naming the file, the line where known, the field path and
what was expected.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..errors import SpecError, format_path
from .textio import read_text
from .document import MAX_NODES, Document, Where
from . import cache
from .validate import field_kind, validate, validate_as
from .scenario import Scenario

# A key with one of these names may hold a name (or {use: name, ...overrides}) that is
# looked up as <root>/<directory>/<name>.yaml.
REFERENCE_DIRS = {
    "nic": "hwspecs/nics",
    "gpu": "hwspecs/gpus",
    "host": "hwspecs/cpus",
    "network": "hwspecs/networks",
    "pcie": "hwspecs/pcie",
    "model": "workloads/models",
    "codec": "workloads/codecs",
    "fabric": "hwspecs/fabrics",
    "dataplane": "workloads/dataplanes",
}
DEFAULT_DATAPLANE = "kv-cache"  # the data plane a scenario is written in unless it names one



def package_root() -> Path:
    """The checkout that holds the bundled hwspecs/, workloads/ and pipelines/."""
    return Path(__file__).resolve().parents[2]


def library_roots(near: Path | None = None) -> list[Path]:
    """Folders searched for named references: $NICMODEL_PATH, the file's ancestors, the package."""
    roots = [Path(p) for p in os.environ.get("NICMODEL_PATH", "").split(os.pathsep) if p]
    if near is not None:
        roots.extend(Path(near).resolve().parents)
    roots.append(package_root())
    seen: list[Path] = []
    for root in roots:
        if ((root / "hwspecs").is_dir() or (root / "workloads").is_dir()) and root not in seen:
            seen.append(root)
    return seen


MAX_REFERENCE_CHAIN = 16  # spec files referring to spec files


# Parsed files, by path and modification stamp: each spec file is parsed once per process
# however many designs, sweep points or references name it (callers get a private copy).
_PARSED: dict[tuple[str, int, int], Document] = {}
_PARSED_MAX = 512


def read_yaml(path: Path) -> Document:
    """Parse one YAML file, keeping line numbers (cached: see _PARSED)."""
    cache.file_read(path)
    try:
        st = Path(path).stat()
        key = (str(Path(path).resolve()), st.st_mtime_ns, st.st_size)
    except OSError:
        key = None
    if key is not None and key in _PARSED:
        doc = _PARSED[key]
        return Document(copy.deepcopy(doc.data), dict(doc.where))
    from .yamltext import parse_yaml  # PyYAML only where a file is parsed (a cached load parses none)

    doc = parse_yaml(path)
    if key is not None and Path(path).is_file():  # never cache a device or a pipe
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = Document(copy.deepcopy(doc.data), dict(doc.where))
    return doc


def allowed_roots(near: Path) -> list[Path]:
    """Folders a reference from the file ``near`` may point into: the spec search path (see
    library_roots) and the file's own folder. Symbolic links are followed before the check."""
    return [p.resolve() for p in (*library_roots(near), Path(near).resolve().parent)]


def confined(candidate: Path, near: Path, what: str) -> Path:
    """``candidate`` resolved, if it lies inside the spec search path; else a SpecError."""
    try:
        resolved = Path(candidate).resolve()
    except (OSError, ValueError, RuntimeError) as exc:  # NUL bytes, symlink loops
        raise SpecError(f"{what} {str(candidate)!r} cannot be resolved: {exc}", str(near)) from None
    roots = allowed_roots(near)
    if not any(resolved == r or r in resolved.parents for r in roots):
        raise SpecError(f"{what} {str(candidate)!r} resolves to {resolved}, outside the spec search path "
                        f"({', '.join(str(r) for r in roots)}); set NICMODEL_PATH to add a folder", str(near))
    return resolved


def find_reference(category: str, name: str, near: Path) -> Path:
    """Path of the spec file a name refers to (inside the spec search path)."""
    if not name or any(ord(c) < 32 for c in name) or len(name) > 1024:
        raise SpecError(f"{name[:40]!r} is not a spec name or file path", str(near))
    if name.endswith((".yaml", ".yml")) or "/" in name or "\\" in name:
        if Path(name).is_absolute():
            raise SpecError(f"reference {name!r} is an absolute path; write it relative to the spec file or "
                            "by name", str(near))
        candidate = confined(Path(near).parent / name, near, "reference")
        if candidate.is_file():
            cache.reference_resolved(category, name, near, candidate)
            return candidate
        raise FileNotFoundError(str(candidate))
    for root in library_roots(near):
        candidate = root / REFERENCE_DIRS[category] / f"{name}.yaml"
        if candidate.is_file():
            if not _own(root, near):
                _FOREIGN.append(f"{category} {name!r} from {candidate} (a hwspecs/ or workloads/ folder above the "
                                "scenario's project, not the bundled one; set NICMODEL_PATH to choose)")
            cache.reference_resolved(category, name, near, candidate)
            return candidate
    raise FileNotFoundError(name)


# References resolved outside the bundled specs, $NICMODEL_PATH and the scenario's own project
# (its folder and the one above): named on stderr by the CLI, so a stray hwspecs/ folder higher
# up the tree cannot silently change an answer.
_FOREIGN: list[str] = []


def _own(root: Path, near: Path) -> bool:
    here = Path(near).resolve().parent
    mine = {package_root(), here, here.parent}
    mine.update(Path(p).resolve() for p in os.environ.get("NICMODEL_PATH", "").split(os.pathsep) if p)
    return root.resolve() in mine


def foreign_references() -> list[str]:
    """The references resolved outside the expected folders since the last call (then cleared)."""
    found = list(dict.fromkeys(_FOREIGN))
    _FOREIGN.clear()
    return found


def available(category: str, near: Path | None = None) -> list[str]:
    """Names that a reference of this category may use."""
    names: set[str] = set()
    for root in library_roots(near):
        folder = root / REFERENCE_DIRS[category]
        if folder.is_dir():
            names.update(p.stem for p in folder.glob("*.yaml"))
    return sorted(names)


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        if "value" in extra and "value" in base:
            # a sourced number given anew replaces the old one whole: the old range and fit
            # belonged to the old value's source (as with --set)
            return dict(extra)
        out = dict(base)
        for key, value in extra.items():
            out[key] = _merge(base.get(key), value) if key in base else value
        return out
    return extra


def _extended(doc: Document, category: str, file: Path, chain: tuple[Path, ...] = ()) -> Document:
    """A spec file whose top level says ``use: NAME`` extends another spec of its category: that
    one's contents with this file's keys merged over them (as a reference written ``{use: NAME, ...}``
    in a scenario), so a variant (a data plane with one stage kind more, a card with less memory)
    names its base instead of copying it."""
    if not (isinstance(doc.data, dict) and "use" in doc.data):
        return doc
    data, where = _resolve_reference(doc.data, category, (), file, doc.where, chain)
    return Document(data, where)


def _resolve_reference(value: Any, category: str, path: tuple, doc_file: Path, where: Where,
                       chain: tuple[Path, ...] = ()) -> tuple[Any, Where]:
    """Load the file a reference names and merge local overrides onto it."""
    local: dict[str, Any] = {}
    if isinstance(value, str):
        name = value
    else:
        local = {k: v for k, v in value.items() if k != "use"}
        name = value["use"]
        if not isinstance(name, str):
            file, line = where.get(path + ("use",), (str(doc_file), None))
            raise SpecError("expected the name of a spec file", file, line, path + ("use",))
    file, line = where.get(path, (str(doc_file), None))
    try:
        ref_file = find_reference(category, name, doc_file)
    except FileNotFoundError:
        names = ", ".join(available(category, doc_file)) or "none"
        raise SpecError(f"no {category} spec named {name!r}; available: {names}", file, line, path) from None
    except SpecError as exc:
        raise SpecError(exc.message, file, line, path) from None
    chain = chain + (Path(doc_file).resolve(),)
    if ref_file in chain:
        cycle = " -> ".join(p.name for p in (*chain[chain.index(ref_file):], ref_file))
        raise SpecError(f"cyclic reference: {cycle}", file, line, path)
    if len(chain) > MAX_REFERENCE_CHAIN:
        raise SpecError(f"references nest more than {MAX_REFERENCE_CHAIN} files deep", file, line, path)
    ref = _extended(read_yaml(ref_file), category, ref_file, chain)
    _inline_tables(ref.data, ref.where, ref_file)
    ref_data, ref_where = resolve_references(ref.data, ref.where, ref_file, (), chain)
    _spend(ref_data, file, line, path)
    merged_where = {path + k: v for k, v in ref_where.items()}
    for k, v in where.items():  # local overrides written beside `use:` keep their own lines
        if k[: len(path)] == path and len(k) > len(path) and k[len(path)] != "use" and v[0] == str(doc_file):
            merged_where[k] = v
    return _merge(ref_data, local), merged_where


# Values every reference of one load may add together (a file naming another several times, nine
# levels deep, would otherwise grow without bound); reset by load_document.
_BUDGET = [MAX_NODES]


def _spend(tree: Any, file: str, line: int | None, path: tuple) -> None:
    stack = [tree]
    while stack:
        node = stack.pop()
        _BUDGET[0] -= 1
        if _BUDGET[0] < 0:
            raise SpecError(f"the referenced spec files expand to more than {MAX_NODES:,} values in all", file, line,
                            path)
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def resolve_references(data: Any, where: Where, doc_file: Path, path: tuple = (),
                       chain: tuple[Path, ...] = ()) -> tuple[Any, Where]:
    """Replace every named reference in a raw tree by the file it names (``chain``: the files
    being resolved above this one, to refuse cycles)."""
    if not isinstance(data, dict):
        return data, where
    out: dict[str, Any] = {}
    new_where = dict(where)
    for key, value in data.items():
        sub = path + (key,)
        is_ref = key in REFERENCE_DIRS and (isinstance(value, str) or (isinstance(value, dict) and "use" in value))
        if is_ref:
            value, sub_where = _resolve_reference(value, key, sub, doc_file, where, chain)
            new_where = {k: v for k, v in new_where.items() if k[: len(sub)] != sub}
            new_where.update(sub_where)
            new_where.setdefault(sub, where.get(sub, (str(doc_file), None)))
        value, new_where = resolve_references(value, new_where, doc_file, sub, chain)
        out[key] = value
    return out, new_where


def _inline_tables(data: Any, where: Where, doc_file: Path, path: tuple = ()) -> None:
    """Read every `table_file:` (a CSV time-flow table: slice,tor,port,dest) into `table:`."""
    if not isinstance(data, dict):
        return
    for key, value in list(data.items()):
        _inline_tables(value, where, doc_file, path + (key,))
    name = data.get("table_file")
    if not isinstance(name, str):
        return
    file, line = where.get(path + ("table_file",), (str(doc_file), None))
    if Path(name).is_absolute():
        raise SpecError("a time-flow table is named relative to its spec file, not by an absolute path", file, line,
                        path + ("table_file",))
    try:
        csv_path = confined(doc_file.parent / name, doc_file, "time-flow table")
    except SpecError as exc:
        raise SpecError(exc.message, file, line, path + ("table_file",)) from None
    rows = read_text(csv_path).splitlines()
    cache.file_read(csv_path)
    entries = []
    for number, row in enumerate(rows, 1):
        cells = [c.strip() for c in row.split(",")]
        if number == 1 and cells == ["slice", "tor", "port", "dest"]:
            continue
        try:
            slice_, tor, port, dest = (int(c) for c in cells)
        except ValueError:
            raise SpecError("expected four integers slice,tor,port,dest", str(csv_path), number) from None
        if min(slice_, tor, port) < 0 or dest < -1:
            raise SpecError("slice, tor and port must be >= 0 and dest >= -1", str(csv_path), number)
        entries.append((slice_, tor, port, dest))
    if not entries:
        raise SpecError("time-flow table is empty", str(csv_path))
    slices = max(e[0] for e in entries) + 1
    tors = max(e[1] for e in entries) + 1
    ports = max(e[2] for e in entries) + 1
    table = [[[-1] * ports for _ in range(tors)] for _ in range(slices)]
    for slice_, tor, port, dest in entries:
        table[slice_][tor][port] = dest
    data["table"] = table
    del data["table_file"]


# --- overrides -------------------------------------------------------------------------


def _override_target(path: tuple, data: dict, root: type = Scenario) -> tuple[str, Any]:
    """Check that ``path`` names a field of the schema; return what kind of field."""
    kind, target = "model", root
    node: Any = data
    for i, seg in enumerate(path):
        here = format_path(path[: i + 1])
        if kind == "model":
            fields = target.model_fields
            if seg not in fields:
                raise SpecError(f"no such field; expected one of: {', '.join(fields)}", "--set", None, path[: i + 1])
            kind, target = field_kind(fields[seg].annotation)
        elif kind in ("dict", "list"):
            keys = list(node) if isinstance(node, dict) else list(range(len(node or [])))
            if kind == "list" and isinstance(seg, str) and seg.isdigit():
                seg = int(seg)
            if seg not in keys:
                raise SpecError(
                    f"no entry {seg!r} at {here}; expected one of: {', '.join(map(str, keys))}", "--set", None, path
                )
            kind, target = field_kind(target)
        else:
            raise SpecError(f"{format_path(path[:i])} is a value, it has no field {seg!r}", "--set", None, path)
        node = node.get(seg) if isinstance(node, dict) else (node[seg] if isinstance(node, list) else None)
    return kind, target


def parse_override(text: str) -> tuple[tuple, str]:
    """'network.bandwidth=40Gbps' -> (('network', 'bandwidth'), '40Gbps')."""
    if "=" not in text:
        raise SpecError(f"expected PATH=VALUE, got {text!r}", "--set")
    key, value = text.split("=", 1)
    path = tuple(int(p) if p.isdigit() else p for p in key.strip().split("."))
    if not key.strip() or any(p == "" for p in path):
        raise SpecError(f"expected a dotted field path, got {key!r}", "--set")
    return path, value.strip()


def apply_override(doc: Document, path: tuple, value: str, doc_file: Path, origin: str = "--set",
                   root: type = Scenario) -> None:
    """Set one field of a resolved raw tree; numbers become `assumed` with the override as source."""
    kind, target = _override_target(path, doc.data, root)
    parent = doc.data
    for seg in path[:-1]:
        parent = parent.setdefault(seg, {}) if isinstance(parent, dict) else parent[seg]
    leaf = path[-1]
    label = f"{origin} {format_path(path)}={value}"
    if leaf in REFERENCE_DIRS and kind == "model" and not value.startswith("{"):
        resolved, sub_where = _resolve_reference(value, leaf, path, doc_file, {path: (origin, None)})
        parent[leaf] = resolved
        doc.where = {k: v for k, v in doc.where.items() if k[: len(path)] != path}
        doc.where.update(sub_where)
        return
    if kind == "param":
        parent[leaf] = {"value": _scalar(value), "kind": "assumed", "source": label}
    else:
        parent[leaf] = _scalar(value)
    doc.where = {k: v for k, v in doc.where.items() if k[: len(path)] != path}
    doc.where[path] = (origin, None)


def _scalar(text: str) -> Any:
    import yaml

    try:
        parsed = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    return parsed if isinstance(parsed, (int, float, str, bool, list, dict)) else text


def load_component(path_or_name: str | Path, category: str, root: type[BaseModel],
                   overrides: list[str] | tuple[str, ...] = ()) -> Any:
    """A standalone spec (e.g. a fabric) by file path or bundled name, with PATH=VALUE overrides."""
    candidate = Path(path_or_name)
    if not candidate.is_file():
        try:
            candidate = find_reference(category, str(path_or_name), Path.cwd() / "x")
        except FileNotFoundError:
            names = ", ".join(available(category)) or "none"
            raise SpecError(f"no {category} spec named {str(path_or_name)!r}; available: {names}",
                            str(path_or_name)) from None
    return validate_as(load_document(candidate, overrides, root, category), str(candidate), root)


def load_document(path: str | Path, overrides: list[str] | tuple[str, ...] = (), root: type = Scenario,
                  category: str | None = None) -> Document:
    """Read a spec file (a scenario unless ``root`` says otherwise; of ``category``, a file that
    extends another of it with a top-level ``use:``), inline its time-flow tables, resolve references
    and apply ``PATH=VALUE`` overrides."""
    file = Path(path)
    _BUDGET[0] = MAX_NODES
    doc = read_yaml(file)
    if category is not None:
        doc = _extended(doc, category, file)
    if root is Scenario and isinstance(doc.data, dict) and "dataplane" not in doc.data:
        doc.data["dataplane"] = DEFAULT_DATAPLANE
    _inline_tables(doc.data, doc.where, file)
    data, where = resolve_references(doc.data, doc.where, file)
    doc = Document(data, where)
    for text in overrides:
        key, value = parse_override(text)
        apply_override(doc, key, value, file, root=root)
    return doc


def with_overrides(doc: Document, overrides: dict[tuple, str], doc_file: Path, origin: str) -> Document:
    """A copy of ``doc`` with overrides applied (for sweeps)."""
    out = Document(copy.deepcopy(doc.data), dict(doc.where))
    for path, value in overrides.items():
        apply_override(out, path, value, doc_file, origin)
    return out


def load_scenario(path: str | Path, overrides: list[str] | tuple[str, ...] = (), *,
                  cached: bool = False) -> Scenario:
    """Read and validate a scenario file; ``overrides`` are 'dotted.path=value' strings.
    ``cached``: keep the result between processes (spec/cache.py), for a command's one scenario;
    a sweep's thousands of points would only fill the cache."""
    if not cached:
        return validate(load_document(path, overrides), str(path))
    overrides = tuple(overrides)
    hit = cache.lookup(path, overrides, find_reference)
    if hit is not None:
        return hit
    with cache.recording() as rec:
        scenario = validate(load_document(path, overrides), str(path))
    cache.store(path, overrides, rec, scenario)
    return scenario
