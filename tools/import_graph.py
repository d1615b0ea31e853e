#!/usr/bin/env python3
"""Print the package-level import graph of weibo_app and fail on any cycle.

Every ``import`` counts, including those inside functions: a lazy import hides a
cycle from Python but not from the design. A "package" is a subpackage of
weibo_app or one of its top-level modules; the app factory (weibo_app/__init__.py)
may import everything and is left out.

Usage, from the repository root:  python3 tools/import_graph.py [--verbose]
Exit status 1 when a cycle remains outside ALLOWED.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "weibo_app"

#: Imports allowed to close a cycle: (importing file, imported package) -> why.
#: Empty, and meant to stay so: a cycle means a rule is in the wrong room; fix the arrow.
ALLOWED: dict[tuple[str, str], str] = {}


def unit_of(parts: tuple[str, ...]) -> str:
    """("weibo_app", "posts", "queries") -> "posts"; the package's own __init__ -> "__init__"."""
    return parts[1] if len(parts) > 1 else "__init__"


def module_parts(path: Path) -> tuple[str, ...]:
    rel = path.relative_to(ROOT.parent).with_suffix("").parts
    return rel[:-1] if rel[-1] == "__init__" else rel


def targets(path: Path, tree: ast.AST) -> list[tuple[tuple[str, ...], int]]:
    """Every weibo_app module ``path`` imports, with the line."""
    here = module_parts(path)
    package = here if path.name == "__init__.py" else here[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(tuple(a.name.split(".")), node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                mod = base + tuple(node.module.split(".") if node.module else ())
            else:
                mod = tuple((node.module or "").split("."))
            if len(mod) == 1 and mod[0] == "weibo_app":
                found += [(mod + (a.name,), node.lineno) for a in node.names]
            else:
                found.append((mod, node.lineno))
    return [(t, line) for t, line in found if t and t[0] == "weibo_app"]


def graph(skip_allowed: bool = False) -> dict[str, dict[str, list[str]]]:
    """{source: {target: ["file:line", ...]}}; with ``skip_allowed``, without the ALLOWED imports."""
    edges: dict[str, dict[str, list[str]]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        if {"migrations", "translations"} & set(path.parts):
            continue
        source = unit_of(module_parts(path))
        if source == "__init__":
            continue
        for target, line in targets(path, ast.parse(path.read_text(encoding="utf-8"))):
            dest = unit_of(target)
            name = path.relative_to(ROOT.parent).as_posix()
            if skip_allowed and (name, dest) in ALLOWED:
                continue
            if dest not in (source, "__init__"):
                where = f"{name}:{line}"
                edges.setdefault(source, {}).setdefault(dest, []).append(where)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
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
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def main(argv: list[str]) -> int:
    verbose = "--verbose" in argv
    edges = graph()
    for source in sorted(edges):
        print(f"{source} -> {' '.join(sorted(edges[source]))}")
        if verbose:
            for dest, places in sorted(edges[source].items()):
                print(f"    {dest}: {', '.join(places)}")
    kept = graph(skip_allowed=True)
    strict = {s: set(ds) for s, ds in kept.items()}
    bad = cycles(strict)
    for component in bad:
        inside = set(component)
        print(f"cycle of {len(component)}: {' '.join(component)}", file=sys.stderr)
        for source in component:
            for dest in sorted(strict[source] & inside):
                print(f"    {source} -> {dest}: {', '.join(kept[source][dest])}", file=sys.stderr)
    for component in cycles({s: set(ds) for s, ds in edges.items()}):
        print(f"cycle through allowed imports only: {' '.join(component)}")
        for (name, dest), why in ALLOWED.items():
            print(f"    {name} -> {dest}: {why}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
