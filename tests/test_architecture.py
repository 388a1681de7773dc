"""The layering of ARCHITECTURE.md, read off the source: every import (module level and inside
functions) goes to the same or a lower layer, and there is no import cycle, neither among the
packages nor among the modules."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

import caloforge

ROOT = Path(caloforge.__file__).parent
# ARCHITECTURE.md, "Layers": a package may import its own layer (without cycles) and the layers below
LAYERS = {
    0: {"_version", "errors", "units", "atomic", "registry", "config", "terminal", "progress"},
    1: {"geometry", "io", "preprocessing", "sampling", "export"},
    2: {"mc", "models", "validate", "tasks"},
    3: {"training", "bench"},
    4: {"report"},
    5: {"stages"},
    6: {"demo"},
    7: {"cli", "__main__", "api", ""},
}
LAYER_OF = {name: layer for layer, names in LAYERS.items() for name in names}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in ROOT.rglob("*.py"):
        parts = ["caloforge", *path.relative_to(ROOT).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _targets(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The caloforge modules ``module`` imports anywhere in its file."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name.startswith("caloforge") and name != module:
                found.add(name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {m: _targets(m, p, modules) for m, p in modules.items()}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_every_package_has_a_layer() -> None:
    packages = {_package(m) for m in _modules()}
    assert packages <= set(LAYER_OF), f"add {sorted(packages - set(LAYER_OF))} to LAYERS and ARCHITECTURE.md"


def test_imports_go_down_the_layers() -> None:
    upward = sorted(f"{a} -> {b}" for a, targets in _graph().items() for b in targets
                    if LAYER_OF[_package(b)] > LAYER_OF[_package(a)])
    assert not upward, "imports of a higher layer:\n" + "\n".join(upward)


@pytest.mark.parametrize("level", ["package", "module"])
def test_no_import_cycles(level: str) -> None:
    graph = _graph()
    if level == "package":
        packages: dict[str, set[str]] = defaultdict(set)
        for a, targets in graph.items():
            packages[_package(a)] |= {_package(b) for b in targets if _package(b) != _package(a)}
        graph = dict(packages)
    assert not _cycles(graph), f"import cycles among {level}s: {_cycles(graph)}"


def test_the_checker_sees_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
