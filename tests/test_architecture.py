"""The package's structure: no import cycle (lazy imports included), every module importable
on its own and in any order, and the domain rules written once.

The import graph is built here from the source with ``ast`` (every ``import`` and ``from ...
import`` statement, at module level or inside a function), so that a cycle hidden behind a lazy
import is found too. ``ARCHITECTURE.md`` describes the layers this test keeps honest.
"""

from __future__ import annotations

import ast
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "scheduler"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = sorted(module_name(p) for p in PACKAGE.rglob("*.py"))


def _resolve(name: str) -> str | None:
    """The module of ours that ``name`` refers to (a module, or a name inside one)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str) -> set[str]:
    """Modules of the package that ``module`` imports anywhere in its source, except under
    ``if TYPE_CHECKING:`` (annotations only, never executed)."""
    path = ROOT / Path(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    tree = ast.parse(path.read_text())
    skipped = {
        id(n)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for n in ast.walk(node)
    }
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        out |= {m for t in targets if (m := _resolve(t)) and m != module}
    return {m for m in out if m.startswith("scheduler")}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

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
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle_lazy_imports_included():
    graph = {m: imports_of(m) for m in MODULES}
    assert cycles(graph) == []


def test_the_verifier_reads_the_contract_on_its_own():
    """verify.py re-checks the rules with its own reading: it must not import the model, the
    search or the shared rules module, or a mistake there would hide in both."""
    own = imports_of("scheduler.verify")
    assert not {m for m in own if m.startswith(("scheduler.model", "scheduler.search"))}
    assert "scheduler.rules" not in own


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_module_imports_in_any_order(seed):
    order = MODULES[:]
    random.Random(seed).shuffle(order)
    code = "".join(f"import {m}\n" for m in order)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr


# The rules of issue 10's review, each with the pattern of the copy that must not come back.
RULE_COPIES = {
    "needs an intake": r"\.intake or \(\s*\"NT2\" in",
    "teaching role of a kind": r"\"nt2_teacher\" if .*kind|\{\"NT2\": \"nt2_teacher\"",
    "group id parsing": r"rpartition\(\"-\"\)",
    "plural": r"def _?plural\(",
    "listing": r"def _?listing\(",
    "print set-up": r"page_setup\.orientation",
}
RULE_HOMES = {"scheduler/rules.py", "scheduler/verify.py", "scheduler/excel.py"}


@pytest.mark.parametrize("rule", sorted(RULE_COPIES))
def test_each_rule_is_written_once_outside_the_verifier(rule):
    pattern = re.compile(RULE_COPIES[rule])
    where = [
        str(p.relative_to(ROOT))
        for p in PACKAGE.rglob("*.py")
        if str(p.relative_to(ROOT)) not in RULE_HOMES and pattern.search(p.read_text())
    ]
    assert where == [], f"{rule} is written again in {where}; use scheduler.rules"
