"""The layout's rules, checked on the source: the packages import each other in one direction
only, first-party imports sit at the top of modules, and nothing generic is installed top-level.

Layers, bottom first: minutes_core <- ingest <- vectorstore <- assistant <- evals <- minutes_app.
A package may import the ones below it, never one above (so there is no cycle).
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["minutes_core", "ingest", "vectorstore", "assistant", "evals", "minutes_app"]
ALLOWED = {
    "minutes_core": set(),
    "ingest": {"minutes_core"},
    "vectorstore": {"minutes_core", "ingest"},
    "assistant": {"minutes_core", "ingest", "vectorstore"},
    "evals": {"minutes_core", "ingest", "vectorstore", "assistant"},
    "minutes_app": {"minutes_core", "ingest", "vectorstore", "assistant", "evals"},
}
# First-party imports allowed inside functions, and why.
LAZY_IMPORTS = {
    # Each command imports only the stack it needs: `minutes --help`, `config` and `records`
    # must not pay seconds for torch, chromadb and gradio.
    "minutes_app/cli.py": "command-line start-up time",
}
GENERIC_NAMES = {"app", "cli", "settings", "config", "utils", "common", "views", "auth", "main"}


def modules() -> list[Path]:
    return sorted(path for layer in LAYERS for path in (ROOT / layer).rglob("*.py"))


def first_party_imports(path: Path) -> list[tuple[str, ast.AST, bool]]:
    """(top-level package, node, at module level) for every first-party import of a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = set(map(id, tree.body))
    guarded = {id(node) for stmt in tree.body if isinstance(stmt, ast.If)  # `if TYPE_CHECKING:`
               for node in ast.walk(stmt)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            package = name.split(".")[0]
            if package in ALLOWED:
                found.append((package, node, id(node) in top_level or id(node) in guarded))
    return found


def package_of(path: Path) -> str:
    return path.relative_to(ROOT).parts[0]


def test_every_first_party_module_belongs_to_a_layer():
    stray = [p.name for p in ROOT.glob("*.py") if p.name not in {"app.py", "conftest.py"}]
    assert stray == [], "top-level modules outside the layers"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_go_down_the_layers_only(path):
    own = package_of(path)
    upward = {package for package, _, _ in first_party_imports(path)} - ALLOWED[own] - {own}
    assert not upward, f"{own} may not import {sorted(upward)}"


def test_the_package_graph_has_no_cycle():
    graph: dict[str, set[str]] = {layer: set() for layer in LAYERS}
    for path in modules():
        graph[package_of(path)] |= {p for p, _, _ in first_party_imports(path)} - {package_of(path)}
    visiting, done = set(), set()

    def visit(node: str, trail: list[str]) -> None:
        assert node not in visiting, "cycle: " + " -> ".join(trail + [node])
        if node in done:
            return
        visiting.add(node)
        for nxt in sorted(graph[node]):
            visit(nxt, trail + [node])
        visiting.discard(node)
        done.add(node)

    for layer in LAYERS:
        visit(layer, [])


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_first_party_imports_sit_at_the_top_of_modules(path):
    relative = str(path.relative_to(ROOT))
    inside = [node.lineno for _, node, top in first_party_imports(path) if not top]
    assert not inside or relative in LAZY_IMPORTS, \
        f"first-party imports inside functions at lines {inside}"


def test_pyproject_installs_no_generic_top_level_module():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = project["tool"]["setuptools"]
    assert not setuptools.get("py-modules"), "no loose top-level modules"
    included = setuptools["packages"]["find"]["include"]
    assert {pattern.rstrip("*") for pattern in included} == set(LAYERS)
    assert not {pattern.rstrip("*") for pattern in included} & GENERIC_NAMES
    assert project["project"]["scripts"]["minutes"] == "minutes_app.cli:main"


def test_the_bottom_layer_imports_no_other_layer():
    for path in (ROOT / "minutes_core").rglob("*.py"):
        assert {p for p, _, _ in first_party_imports(path)} <= {"minutes_core"}, path
