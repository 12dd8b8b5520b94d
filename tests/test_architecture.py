"""The package's layers, read from the import statements: imports run one way (CLI -> API ->
output -> planning/validation/store -> engines -> spec -> foundation), no import circles anywhere, no
module over the size limit, and every CLI command has its API function.

See docs/architecture.md for what each layer owns."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from nicmodel.spec.graph import DiGraph, find_cycle

PACKAGE = Path(__file__).resolve().parent.parent / "nicmodel"

# layer of each top-level part of the package; a module may import only from lower layers or
# from its own part (and then without circles)
LAYERS = {
    "errors": 0, "units": 0, "version": 0, "files": 0, "limits": 0, "cachedir": 0,
    "spec": 1,
    "engines": 2,
    "planning": 3, "validation": 3, "store": 3,
    "output": 4,
    "api": 5,
    "cli": 6, "__main__": 7,
}
MAX_LINES = 520  # "about 500": one concept per module


def _modules() -> dict[str, Path]:
    out = {}
    for f in PACKAGE.rglob("*.py"):
        parts = list(f.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = f
    return out


def _imports(modules: dict[str, Path]) -> DiGraph:
    """Every import of one nicmodel module by another, lazy (in-function) imports included."""
    g = DiGraph()
    for name, f in modules.items():
        g.add_node(name)
        pkg = name.split(".") if f.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(f.read_text())):
            targets = []
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(pkg[: len(pkg) - node.level + 1] + ([node.module] if node.module else []))
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    targets.append(full if full in modules else base)
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for t in targets:
                while t and t not in modules:
                    t = t.rpartition(".")[0]
                if t and t != name and t.startswith("nicmodel"):
                    g.add_edge(name, t)
    return g


def _part(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None  # the root package is the public façade


GRAPH = _imports(_modules())


def test_every_part_has_a_layer():
    parts = {_part(m) for m in GRAPH} - {None}
    assert parts <= set(LAYERS), f"parts without a layer in this test: {sorted(parts - set(LAYERS))}"


def test_imports_run_one_way():
    upward = []
    for a, b in GRAPH.edges:
        pa, pb = _part(a), _part(b)
        if pa is None or pb is None or pa == pb:
            continue
        if LAYERS[pa] == LAYERS[pb] == 0:  # the foundation's single modules may use each other
            continue
        if LAYERS[pb] >= LAYERS[pa]:
            upward.append(f"{a} -> {b}")
    assert not upward, "imports that run up or sideways between layers:\n" + "\n".join(sorted(upward))


def test_the_root_package_is_only_a_facade():
    """nicmodel/__init__ re-exports the API lazily; nothing inside the package imports it."""
    inward = [a for a, b in GRAPH.edges if b == "nicmodel"]
    assert not inward, f"modules importing the root package: {inward}"


def test_no_import_circles():
    cycle = find_cycle(GRAPH)
    assert not cycle, "import circle: " + " -> ".join(cycle + cycle[:1])


def test_no_module_is_a_giant():
    big = {str(f.relative_to(PACKAGE.parent)): n for f in PACKAGE.rglob("*.py")
           if (n := len(f.read_text().splitlines())) > MAX_LINES}
    assert not big, f"modules over {MAX_LINES} lines: {big}"


def test_every_folder_says_what_it_owns():
    for init in PACKAGE.rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text()))
        assert doc and len(doc) > 80, f"{init.relative_to(PACKAGE.parent)}: no docstring saying what it owns"
        if init.parent != PACKAGE:
            assert "import" in doc.lower(), f"{init.relative_to(PACKAGE.parent)}: say what it may import"


def _commands() -> dict:
    import nicmodel.cli

    return getattr(nicmodel.cli, "COMMANDS", {})


def test_the_cli_lists_its_commands():
    import argparse

    from nicmodel.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(_commands()) == set(sub.choices)


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_command_has_its_api_function(command):
    from nicmodel import api

    function = _commands()[command].api
    assert callable(getattr(api, function, None)), f"nicmodel.api.{function} (for `nicmodel {command}`) is missing"


def test_no_public_api_name_is_also_a_submodule():
    """A public name of nicmodel.api that is also a submodule's name is replaced by the module as soon
    as anything imports that submodule directly (the import system sets the package's attribute), so
    `api.report(...)` failed with "'module' object is not callable" after `import
    nicmodel.api.report`. Checked on the files and in a fresh interpreter, every submodule imported
    first."""
    import subprocess
    import sys
    from nicmodel import api
    modules = sorted(p.stem for p in (PACKAGE / "api").glob("*.py") if p.stem != "__init__")
    assert not set(api.__all__) & set(modules), set(api.__all__) & set(modules)
    code = ("import importlib\n" + "".join(f"importlib.import_module('nicmodel.api.{m}')\n" for m in modules)
            + "from nicmodel import api\nassert all(callable(getattr(api, n)) for n in api.__all__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PACKAGE.parent)
    assert out.returncode == 0, out.stderr
