"""The package map of docs/architecture.md, enforced over the source.

Every import counts, at module level or inside a function (a function-local
import hides an edge from Python's import order, not from the design). No
module may take part in an import cycle, and a package may import only the
packages below it in the map. Modules stay small enough to read: at most
``MAX_MODULE_LINES`` lines, functions at most ``MAX_FUNCTION_LINES``.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: Who may import whom (docs/architecture.md, "The map"). Everything else is refused.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "crisis": {"core"},
    "realtime": {"core"},
    "community": {"core", "crisis", "realtime"},
    "rooms": {"core", "crisis", "realtime", "community"},
    "moderation": {"core", "crisis", "realtime", "community", "rooms"},
    "leadership": {"core", "crisis", "realtime", "community", "rooms", "moderation"},
    "recovery": {"core", "crisis", "realtime", "community", "rooms", "moderation"},
    "meetings": {"core", "crisis", "realtime", "community", "rooms", "moderation"},
    "kindred": {
        "core",
        "crisis",
        "realtime",
        "community",
        "rooms",
        "moderation",
        "leadership",
        "recovery",
        "meetings",
    },
}
PACKAGES = tuple(ALLOWED)
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 60


def _source_files() -> list[Path]:
    files = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                files.append(path)
    return files


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return names


@cache
def _graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports (each name resolved to its module)."""
    modules = {_module_name(path): path for path in _source_files()}
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        targets = set()
        for name in _imported_names(tree, module, path.name == "__init__.py"):
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_source_has_no_import_cycles_counting_function_local_imports():
    assert _cycles(_graph()) == []


def test_each_package_imports_only_the_packages_below_it():
    wrong = sorted(
        f"{module} imports {target}"
        for module, targets in _graph().items()
        for target in targets
        if (mine := module.partition(".")[0]) != (theirs := target.partition(".")[0])
        and theirs not in ALLOWED[mine]
    )
    assert wrong == []


def test_the_checker_sees_a_function_local_import_and_a_cycle():
    # The two checks above must be able to fail: a cycle hidden in a function body.
    graph = {"rooms.a": {"moderation.b"}, "moderation.b": {"rooms.a"}}
    assert _cycles(graph) == [["moderation.b", "rooms.a"]]
    tree = ast.parse("def f():\n    from moderation import services\n")
    assert "moderation.services" in _imported_names(tree, "rooms.x", False)


@pytest.mark.parametrize("path", _source_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_modules_and_functions_stay_small(path: Path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []
