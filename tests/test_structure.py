"""The layout rules of the codebase, checked: layers, import graph, module names, sizes, page shape, no printing.

Layers: ``catlr`` (UI-free core) ← ``ui`` (Streamlit helpers) ← ``pages/`` + ``app.py``. These tests read
the source with ``ast`` (imports inside functions count too); nothing is imported.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

SANDBOX_TARGET = re.compile(r"catlr(\.\w+)+:\w+")
MAX_FILE_LINES = 350
MAX_FUNCTION_LINES = 60
PAGES = sorted(REPO_ROOT.glob("pages/*.py"))


def module_name(path: Path) -> str:
    rel = path.relative_to(REPO_ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


SOURCES = {module_name(p): p for d in ("catlr", "ui", "pages") for p in sorted((REPO_ROOT / d).glob("*.py"))}
SOURCES["app"] = REPO_ROOT / "app.py"


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in the file: ``from a import b`` counts as a.b when that is a module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and SANDBOX_TARGET.fullmatch(node.value):
            found.add(node.value.split(":")[0])  # a "module:function" the sandbox is handed to run
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            names = (f"{node.module}.{alias.name}" for alias in node.names)
            found.update(name for name in names if name in SOURCES)
    return found


GRAPH = {name: {m for m in imported(path) if m in SOURCES and m != name} for name, path in SOURCES.items()}


def layer(name: str) -> str:
    return name.split(".")[0]


def test_the_graph_sees_the_imports_it_should():
    # A check that the parser works: a few edges known to exist.
    assert "catlr.engine" in GRAPH["catlr.exercise"] and "ui.state" in GRAPH["ui.router"]
    assert "ui.router" in GRAPH["app"]
    assert "catlr.h5_reader" in GRAPH["catlr.data"]  # through the "module:function" handed to the sandbox


@pytest.mark.parametrize("name", sorted(n for n in SOURCES if layer(n) == "catlr"))
def test_catlr_never_imports_the_ui_layers_or_streamlit(name):
    bad = {m for m in imported(SOURCES[name]) if layer(m) in ("ui", "pages", "app", "streamlit")}
    assert not bad, f"{name} imports {bad}"


@pytest.mark.parametrize("name", sorted(n for n in SOURCES if layer(n) == "ui"))
def test_ui_never_imports_pages_or_the_app(name):
    bad = {m for m in imported(SOURCES[name]) if layer(m) in ("pages", "app")}
    assert not bad, f"{name} imports {bad}"


def test_core_modules_import_submodules_not_the_package_namespace():
    # ``from catlr import Dataset`` inside catlr would make every module depend on catlr/__init__.py.
    for name, path in SOURCES.items():
        if layer(name) != "catlr" or name == "catlr":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "catlr":
                names = [a.name for a in node.names if f"catlr.{a.name}" not in SOURCES]
                assert not names, f"{name} imports {names} from the catlr package, not from their modules"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every cycle found by a depth-first search (package __init__ modules left out: importing a submodule
    runs its package's __init__, which is not a dependency of the submodule's code)."""
    edges = {n: {m for m in ms if m not in ("catlr", "ui")} for n, ms in graph.items() if n not in ("catlr", "ui")}
    found, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    return found


def test_there_are_no_import_cycles():
    assert cycles(GRAPH) == []


def test_the_sandbox_imports_nothing_that_uses_it():
    # It runs whatever "module:function" it is handed; importing its callers would make a cycle.
    assert GRAPH["catlr.sandbox"] - {"catlr"} == {"catlr.errors", "catlr.limits", "catlr.sandbox_zygote"}
    assert GRAPH["catlr.sandbox_zygote"] - {"catlr"} == {"catlr.errors"}


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_no_module_name_is_shared_between_catlr_and_ui():
    stems = {layer: {p.stem for p in (REPO_ROOT / layer).glob("*.py")} - {"__init__"} for layer in ("catlr", "ui")}
    assert stems["catlr"] & stems["ui"] == set()


def test_the_exercise_module_is_not_shadowed_by_a_function():
    # ``catlr/__init__.py`` re-exporting the function ``model`` once replaced the module catlr.model.
    tree = ast.parse((REPO_ROOT / "catlr/__init__.py").read_text(encoding="utf-8"))
    exported = {a.asname or a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
    modules = {p.stem for p in (REPO_ROOT / "catlr").glob("*.py")}
    assert exported & modules == set()


@pytest.mark.parametrize("name", sorted(n for n in SOURCES if layer(n) in ("catlr", "ui")))
def test_modules_and_functions_are_small(name):
    text = SOURCES[name].read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_FILE_LINES, f"{name} has {len(text.splitlines())} lines"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            length = node.end_lineno - start + 1
            assert length <= MAX_FUNCTION_LINES, f"{name}.{node.name} is {length} lines"


@pytest.mark.parametrize("name", sorted(n for n in SOURCES if layer(n) == "catlr"))
def test_the_core_prints_only_from_its_command_lines(name):
    # cli and bench are command lines; the exercise's model(print_cost=True) prints as the exercise does.
    calls = [
        n.lineno
        for n in ast.walk(ast.parse(SOURCES[name].read_text(encoding="utf-8")))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"
    ]
    if name in ("catlr.cli", "catlr.bench", "catlr.exercise"):
        return
    assert calls == [], f"{name} prints at lines {calls}"


def streamlit_imports(path: Path) -> set[str]:
    return {m for m in imported(path) if m == "streamlit" or m.startswith("streamlit.")}


def test_no_private_streamlit_api():
    # The app: only the public package and its documented exception type. Tests add the testing API; the
    # load generator (scripts/, and its test) speaks the websocket protocol with the package's own protobufs.
    public = {"streamlit", "streamlit.errors", "streamlit.testing.v1"}
    app_files = list(SOURCES.values())
    tool_files = [*REPO_ROOT.glob("tests/**/*.py"), *REPO_ROOT.glob("scripts/*.py")]
    used = {str(p.relative_to(REPO_ROOT)): streamlit_imports(p) - public for p in app_files}
    for p in tool_files:
        used[str(p.relative_to(REPO_ROOT))] = {m for m in streamlit_imports(p) - public if "streamlit.proto." not in m}
    assert {f: m for f, m in used.items() if m} == {}


def test_every_st_cache_is_in_ui_cache():
    for name, path in SOURCES.items():
        text = path.read_text(encoding="utf-8")
        if name != "ui.cache":
            assert "st.cache_data(" not in text and "st.cache_resource(" not in text, name
            assert "@st.cache" not in text, name


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_are_thin_and_uniform(page):
    """Docstring; imports and constants; ``widgets.header(...)`` first; no function, lambda or class; no
    session state but through ui.state; no cache. (A function defined in a page keeps the page's globals,
    with the user's model, alive in a reference cycle: tests/app/test_sessions_and_faults.py.)"""
    tree = ast.parse(page.read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), "a one-line docstring says what the page is for"
    body = [n for n in tree.body[1:] if not isinstance(n, ast.Import | ast.ImportFrom | ast.Assign)]
    first = body[0]
    assert (
        isinstance(first, ast.Expr) and ast.unparse(first.value.func) == "widgets.header"
    ), "every page starts with widgets.header(title, purpose)"
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
    assert [n.lineno for n in ast.walk(tree) if isinstance(n, kinds)] == []
    source = ast.unparse(tree)
    assert "session_state" not in source and "st.cache" not in source


def test_app_py_only_runs_the_router():
    tree = ast.parse((REPO_ROOT / "app.py").read_text(encoding="utf-8"))
    calls = [ast.unparse(n) for n in tree.body if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)]
    assert calls == ["router.main()"]
