"""The layers of docs/architecture.md, read from the source: every import points down.

    journeys        the project package: settings, urls, Celery app; imports the apps below
    demo            the demo and scale worlds; imports every app, nothing imports it
    onpoint         stored scores, benchmarks, tasks, pages
    surveys         instrument, campaigns, responses
    onpoint.method  the Onpoint method, pure: the standard library only
    districts       districts, schools, memberships, milestones, who may see what

Every module of the five packages is parsed with `ast`, and every import counts, at any depth
(an import inside a function is a dependency all the same, only a later one). The test fails on
an import that points up or sideways, on a cycle between layers, and on a cycle between the
modules of one layer.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("journeys", "districts", "surveys", "onpoint", "demo")
METHOD = "onpoint.method"

# What each layer may import (besides itself, the standard library and third-party packages).
ALLOWED: Mapping[str, frozenset[str]] = {
    "districts": frozenset(),
    METHOD: frozenset(),
    "surveys": frozenset({"districts", METHOD}),
    "onpoint": frozenset({"districts", METHOD, "surveys"}),
    "demo": frozenset({"districts", METHOD, "surveys", "onpoint"}),
    "journeys": frozenset({"districts", METHOD, "surveys", "onpoint"}),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    """Every module of the five packages, by dotted name."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def layer_of(module: str) -> str:
    if module == METHOD or module.startswith(METHOD + "."):
        return METHOD
    return module.split(".", 1)[0]


def imported_names(module: str, path: Path) -> Iterable[tuple[str, int]]:
    """(dotted name, line) of every import in the module, relative ones made absolute; for
    `from package import name`, the submodule `package.name` when there is one."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                if not is_package:
                    anchor = anchor[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                yield (submodule if submodule in modules() else base), node.lineno


def project_module(name: str) -> str | None:
    """The module of the five packages that `name` is, or is inside of; None for any other."""
    while name:
        if name in modules():
            return name
        name = name.rpartition(".")[0]
    return None


@cache
def import_graph() -> dict[str, dict[str, int]]:
    """module -> {imported project module: line of the first such import}."""
    graph: dict[str, dict[str, int]] = {}
    for module, path in modules().items():
        edges: dict[str, int] = {}
        for name, line in imported_names(module, path):
            target = project_module(name)
            if target is not None and target != module:
                edges.setdefault(target, line)
        graph[module] = edges
    return graph


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:  # noqa: C901 - Tarjan's algorithm, as published
    """One cycle through each strongly connected part of the graph that has one (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    parts: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in graph.get(node, ()):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            part = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                part.append(member)
                if member == node:
                    break
            if len(part) > 1 or node in graph.get(node, ()):
                parts.append(part)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_a_cycle_within(graph, set(part)) for part in parts]


def _a_cycle_within(graph: Mapping[str, Iterable[str]], part: set[str]) -> list[str]:
    """A readable cycle a -> b -> ... -> a inside one strongly connected part."""
    start = min(part)
    path, seen, node = [start], {start}, start
    while True:
        successor = min(s for s in graph[node] if s in part)
        path.append(successor)
        if successor in seen:
            return path[path.index(successor) :]
        seen.add(successor)
        node = successor


def where(module: str, target: str) -> str:
    path = modules()[module].relative_to(ROOT)
    return f"{path}:{import_graph()[module][target]} imports {target}"


def test_the_five_packages_are_there_and_parsed() -> None:
    layers = {layer_of(module) for module in modules()}
    assert layers >= {*PACKAGES, METHOD}, f"missing: {sorted({*PACKAGES, METHOD} - layers)}"
    assert sum(1 for module in modules() if layer_of(module) == METHOD) >= 8


def test_every_import_points_down_the_layers() -> None:
    wrong = [
        where(module, target)
        for module, targets in import_graph().items()
        for target in targets
        if layer_of(target) != layer_of(module)
        and layer_of(target) not in ALLOWED[layer_of(module)]
    ]
    assert wrong == [], "imports that point up or sideways:\n" + "\n".join(sorted(wrong))


def test_no_app_imports_the_project_package() -> None:
    wrong = [
        where(module, target)
        for module, targets in import_graph().items()
        for target in targets
        if layer_of(target) == "journeys" and layer_of(module) != "journeys"
    ]
    assert wrong == [], "\n".join(sorted(wrong))


def test_the_method_imports_the_standard_library_and_itself_only() -> None:
    stdlib = sys.stdlib_module_names | {"__future__"}
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {name}"
        for module, path in modules().items()
        if layer_of(module) == METHOD
        for name, line in imported_names(module, path)
        if name.split(".")[0] not in stdlib and layer_of(name) != METHOD
    ]
    assert wrong == [], "\n".join(sorted(wrong))


def test_no_cycle_between_layers() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for module, targets in import_graph().items():
        for target in targets:
            if layer_of(target) != layer_of(module):
                graph[layer_of(module)].add(layer_of(target))
    found = cycles(graph)
    assert found == [], "cycles between layers: " + "; ".join(" -> ".join(c) for c in found)


def test_no_cycle_between_the_modules_of_one_layer() -> None:
    graph = {
        module: [target for target in targets if layer_of(target) == layer_of(module)]
        for module, targets in import_graph().items()
    }
    found = cycles(graph)
    assert found == [], "cycles between modules: " + "; ".join(" -> ".join(c) for c in found)


def test_the_cycle_finder_finds_a_cycle_and_only_a_cycle() -> None:
    assert cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c", "a"]]
    assert cycles({"a": ["b"], "b": ["c"], "c": [], "d": ["a", "c"]}) == []


# onpoint's modules by noun (docs/architecture.md, "onpoint's modules, by noun, and its pages"):
# the ones that write or enqueue, and the only other modules that may import them.
ONPOINT_WRITES = frozenset(
    {
        "onpoint.rescore",
        "onpoint.results_refresh",
        "onpoint.benchmark_rebuild",
        "onpoint.release",
        "onpoint.queueing",
        "onpoint.rescore_all",
    }
)
ONPOINT_WRITE_CALLERS = ONPOINT_WRITES | {"onpoint.tasks", "onpoint.management.commands.recompute"}


def test_onpoints_reads_never_pass_through_a_write_module() -> None:
    wrong = [
        where(module, target)
        for module, targets in import_graph().items()
        if layer_of(module) == "onpoint" and module not in ONPOINT_WRITE_CALLERS
        for target in targets
        if target in ONPOINT_WRITES
    ]
    assert wrong == [], "reads that import a write module:\n" + "\n".join(sorted(wrong))


def test_onpoints_tasks_call_its_services_one_way() -> None:
    # The project's beat (journeys/embedded_beat.py) runs the tasks; inside onpoint only they
    # import the services, which enqueue by name (onpoint/queueing.py).
    assert set(modules()) >= ONPOINT_WRITES, sorted(ONPOINT_WRITES - set(modules()))
    wrong = [
        where(module, target)
        for module, targets in import_graph().items()
        if layer_of(module) == "onpoint"
        for target in targets
        if target == "onpoint.tasks"
    ]
    assert wrong == [], "onpoint modules that import the tasks:\n" + "\n".join(sorted(wrong))


def test_onpoints_pages_know_nothing_of_http_handlers() -> None:
    # A page is a model of what it shows: the views and the API call it, never the reverse.
    handlers = {"onpoint.views", "onpoint.api", "onpoint.urls", "onpoint.api_urls"}
    pages = [module for module in modules() if module.startswith("onpoint.pages.")]
    assert len(pages) >= 6, pages
    wrong = [
        where(module, target)
        for module in pages
        for target in import_graph()[module]
        if target in handlers
    ]
    assert wrong == [], "pages that import a view or the API:\n" + "\n".join(sorted(wrong))
