"""The package's import graph: modules, arrows, floors, circles and arrows that climb back up.

Run from the repository root: python benchmarks/import_graph.py [--list]
Every import inside kratom_check counts, lazy ones in functions too, since they are arrows a
reader follows. A floor is a module's height: 0 for one that imports nothing of the package,
else one more than the highest module it imports. Modules that import each other (directly or
round a loop) share a circle; an arrow inside a circle climbs back up.

It also lists arrows that break the house's one way down (`climbing`): the stages are load, ask,
score and render, with store beside them and batch above; score is pure (it reads no file and asks
no one), and the shared modules at the bottom import no stage. tests/test_layout.py fails on any.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "kratom_check"


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        name = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def arrows(mods: dict[str, Path]) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {name: set() for name in mods}
    for name, path in mods.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
                else:
                    base = node.module or ""
                targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            for target in targets:
                if target in mods and target != name and not name.startswith(target + "."):
                    edges[name].add(target)
    return edges


def circles(edges: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    sys.setrecursionlimit(10_000)
    for node in edges:
        if node not in index:
            visit(node)
    return found


def floors(edges: dict[str, set[str]], loops: list[set[str]]) -> dict[str, int]:
    group = {member: frozenset(loop) for loop in loops for member in loop}
    height: dict[frozenset[str], int] = {}

    def of(node: str) -> int:
        key = group.get(node, frozenset([node]))
        if key not in height:
            height[key] = 0
            targets = {t for member in key for t in edges[member]} - key
            height[key] = 1 + max((of(t) for t in targets), default=-1)
        return height[key]

    return {node: of(node) for node in edges}


STAGES = ("load", "ask", "score", "render", "store", "batch", "commands")
MAY_NOT_IMPORT: dict[str, frozenset[str]] = {
    "load": frozenset({"ask", "score", "render", "store", "batch", "commands"}),
    "ask": frozenset({"score", "render", "store", "batch", "commands"}),
    "score": frozenset({"load", "ask", "render", "store", "batch", "commands"}),
    "render": frozenset({"store", "batch", "commands"}),
    "store": frozenset({"load", "ask", "score", "render", "batch", "commands"}),
    "batch": frozenset({"commands"}),
}
"""Per stage, the stages it may not import: the arrows that would run back up the house."""

SHARED = frozenset({"model", "conditions", "contract", "errors", "i18n", "safe_yaml", "edge"})
"""The small shared pieces at the bottom: they import no stage at all."""


def _place(module: str) -> str:
    """A module's stage (a folder of the package) or, for a module at the top, its own name."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def climbing(edges: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Every arrow that breaks the one way down, as (importer, imported)."""
    found = []
    for name, targets in edges.items():
        place = _place(name)
        forbidden = set(STAGES) if place in SHARED else MAY_NOT_IMPORT.get(place, frozenset())
        found += [(name, target) for target in sorted(targets) if _place(target) in forbidden]
    return sorted(found)


def main() -> None:
    mods = modules()
    edges = arrows(mods)
    loops = circles(edges)
    height = floors(edges, loops)
    back = sum(1 for loop in loops for member in loop for target in edges[member] if target in loop)
    print(
        f"{len(mods)} modules, {sum(map(len, edges.values()))} arrows, {max(height.values()) + 1} floors, "
        f"{len(loops)} circles, {back} arrows inside circles, {len(climbing(edges))} arrows climbing back up"
    )
    for importer, imported in climbing(edges):
        print(f"  climbs: {importer} -> {imported}")
    for loop in loops:
        print("  circle:", " <-> ".join(sorted(loop)))
    if "--list" in sys.argv:
        for name in sorted(mods, key=lambda n: (height[n], n)):
            print(f"  floor {height[name]}: {name} -> {', '.join(sorted(edges[name])) or '-'}")


if __name__ == "__main__":
    main()
