"""No import cycles among the modules of corridors (issue 13).

Every ``import corridors...`` and ``from corridors... import`` is read with :mod:`ast`, at module
level and inside functions; imports under ``if TYPE_CHECKING:`` are left out (they never run,
so they cannot make one module wait for another). A new cycle fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import corridors

ROOT = Path(corridors.__file__).parent

#: Cycles left in place, each with the reason (none left).
KNOWN: set[frozenset[str]] = set()


def _name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(node: ast.AST, package: str) -> list[str]:
    """The names an import statement may load: ``a.b`` and, for ``from a.b import c``, ``a.b.c``."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        parent = package.split(".")[: len(package.split(".")) - node.level + 1]
        base = ".".join([*parent, base] if base else parent)
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


def _imports(path: Path, name: str) -> set[str]:
    """Every module name imported anywhere in ``path`` (module ``name``), outside
    ``if TYPE_CHECKING:`` blocks."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    todo: list[ast.AST] = [ast.parse(path.read_text(encoding="utf-8"), filename=str(path))]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            todo.extend(node.orelse)
            continue
        found.update(_imported(node, package))
        todo.extend(ast.iter_child_nodes(node))
    return found


def import_graph(root: Path = ROOT) -> nx.DiGraph:
    """Module -> module it imports, for every module under ``root``."""
    paths = {_name(p, root): p for p in sorted(root.rglob("*.py"))}
    graph = nx.DiGraph()
    graph.add_nodes_from(paths)
    for name, path in paths.items():
        graph.add_edges_from((name, t) for t in _imports(path, name) if t in paths and t != name)
    return graph


def test_the_graph_sees_function_level_imports() -> None:
    graph = import_graph()
    # planning reads a plan through plan_files inside read_plan; plan_files reads plan_model
    assert graph.has_edge("corridors.planning.plan", "corridors.planning.files")
    assert graph.has_edge("corridors.planning.files", "corridors.planning.model")
    # "from corridors import plan_programme as pp" names the module
    assert graph.has_edge("corridors.planning.plan", "corridors.planning.programme")
    # type-only imports are left out: display names result classes only for annotations
    assert not graph.has_edge("corridors.display", "corridors.analysis.routing")


def test_a_new_cycle_is_found(tmp_path: Path) -> None:
    package = tmp_path / "corridors"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from corridors.b import x\n")
    (package / "b.py").write_text("def f():\n    from . import a\n")
    (package / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import corridors.a\n"
    )
    cycles = list(nx.strongly_connected_components(import_graph(package)))
    assert {"corridors.a", "corridors.b"} in cycles
    assert {"corridors.c"} in cycles


def test_no_import_cycles() -> None:
    cycles = {frozenset(c) for c in nx.strongly_connected_components(import_graph()) if len(c) > 1}
    assert sorted(sorted(c) for c in cycles - KNOWN) == []


#: The ground every job stands on: the model and the core import no job, scenario, plan, map
#: or command line.
GROUND = ("corridors.network", "corridors.core")
ABOVE = ("corridors.analysis", "corridors.scenarios", "corridors.planning", "corridors.maps")
#: Imports up from the ground left in place, each with the reason.
KNOWN_UP = {
    # import-osm names each place's country from the Natural Earth outlines, which ship with
    # the maps' assets (corridors.maps.offline finds them)
    ("corridors.network.osm", "corridors.maps.basemap"),
}


def test_the_model_and_the_core_import_nothing_above_them() -> None:
    up = {
        (module, target)
        for module, target in import_graph().edges
        if module.startswith(GROUND)
        and (target.startswith(ABOVE) or target.startswith("corridors.cli"))
    }
    assert sorted(up - KNOWN_UP) == []
