"""The house keeps its shape: imports only go down the layer table of docs/architecture.md, and no module imports
itself in a circle. Every import counts, those inside functions and under ``TYPE_CHECKING`` too."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("xner", "gateway", "services", "bench")
TABLE = REPO / "docs" / "architecture.md"


@dataclass(frozen=True)
class Row:
    floor: int
    names: tuple[str, ...]


def layer_table(text: str) -> list[Row]:
    """The rows of the table under ``## Layers``: ``| floor | `a`, `b` | what |``."""
    section = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        match = re.match(r"\|\s*(\d+)\s*\|([^|]*)\|", line)
        if match:
            rows.append(Row(int(match.group(1)), tuple(re.findall(r"`([\w.]+)`", match.group(2)))))
    return rows


def module_files() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def import_graph(modules: dict[str, Path]) -> nx.DiGraph:
    """Module -> the project modules it imports (``from package import submodule`` names the submodule)."""

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str | None] = []
            if isinstance(node, ast.Import):
                targets = [known(alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                targets = [
                    known(f"{base}.{alias.name}") if f"{base}.{alias.name}" in modules else known(base)
                    for alias in node.names
                ]
            for target in targets:
                if target is not None and target != module:
                    graph.add_edge(module, target)
    return graph


def row_of(module: str, rows: list[Row]) -> Row | None:
    """The row naming the longest prefix of ``module`` (``xner.service.app`` -> ``xner.service``). A name other
    rows name modules under (``xner``) stands for itself only, so a new ``xner.*`` module must get a row."""
    names = [name for row in rows for name in row.names]
    best: tuple[int, Row] | None = None
    for row in rows:
        for name in row.names:
            namespace = any(other.startswith(name + ".") for other in names)
            matches = module == name or (module.startswith(name + ".") and not namespace)
            if matches and (best is None or len(name) > best[0]):
                best = (len(name), row)
    return best[1] if best else None


ROWS = layer_table(TABLE.read_text(encoding="utf-8"))
MODULES = module_files()
GRAPH = import_graph(MODULES)


def test_the_table_is_read():
    assert len(ROWS) > 10 and {"xner.service", "gateway", "services", "xner.suite"} <= {
        n for r in ROWS for n in r.names
    }


def test_every_module_has_a_row():
    unplaced = sorted(module for module in MODULES if row_of(module, ROWS) is None)
    assert not unplaced, f"add these to the layer table of docs/architecture.md: {unplaced}"


def test_no_import_reaches_up_or_sideways():
    wrong = []
    for module, target in GRAPH.edges:
        here, there = row_of(module, ROWS), row_of(target, ROWS)
        if here is None or there is None or here == there:
            continue
        if there.floor >= here.floor:
            wrong.append(f"{module} (floor {here.floor}) imports {target} (floor {there.floor})")
    assert not wrong, "\n".join(sorted(wrong))


def test_no_circle_between_modules():
    circles = [sorted(component) for component in nx.strongly_connected_components(GRAPH) if len(component) > 1]
    assert not circles, circles


@pytest.mark.parametrize(
    ("module", "target", "why"),
    [
        ("xner.service.steps", "services.project.jobs", "the kit never names a service"),
        ("xner.service.broker", "xner.service.broker_rq", "the broker interface sits below its implementations"),
        ("xner.project.columnar", "xner.pipeline", "projection sits below the pipelines"),
    ],
)
def test_the_check_would_catch_a_wrong_import(module, target, why):
    """The checks themselves can fail: an import added against the table is reported."""
    graph = GRAPH.copy()
    graph.add_edge(module, target)
    here, there = row_of(module, ROWS), row_of(target, ROWS)
    assert here is not None and there is not None
    reaches_up = there.floor >= here.floor and here != there
    closes_circle = nx.has_path(GRAPH, target, module)
    assert reaches_up or closes_circle, why
