"""ui.state: one registry of session-state keys, one naming scheme, and no literal key anywhere else."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from ui import state

SCHEME = re.compile(r"^(catlr\.[a-z_]+|(app|home|train|dataset|mistakes|predict|inside|room|join)_[a-z0-9_]+)$")
KEYS = {n: v for n, v in vars(state).items() if n.isupper() and not n.startswith("PAGE_") and isinstance(v, str)}
CODE = sorted([*REPO_ROOT.glob("pages/*.py"), *REPO_ROOT.glob("ui/*.py"), REPO_ROOT / "app.py"])


def literal_keys(path: Path) -> list[str]:
    """Where ``path`` names a key with a string literal: ``key="…"``/f-strings, and session_state or
    ui.state access with a literal."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.keyword) and node.arg == "key" and isinstance(node.value, ast.Constant | ast.JoinedStr):
            found.append(f"line {node.value.lineno}: key={ast.unparse(node.value)}")
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value).endswith("session_state"):
            if isinstance(node.slice, ast.Constant | ast.JoinedStr):
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Call) and ast.unparse(node.func).split(".")[-1] in ("get", "put", "drop", "pop"):
            owner = ast.unparse(node.func).rsplit(".", 1)[0] if "." in ast.unparse(node.func) else ""
            if owner.endswith(("session_state", "state")) and node.args and isinstance(node.args[0], ast.Constant):
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize("path", [p for p in CODE if p.name != "state.py"], ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_no_page_or_ui_module_uses_a_literal_session_state_key(path):
    assert literal_keys(path) == []


def test_the_literal_key_check_finds_each_kind(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        'st.button("x", key="home_x")\nst.button("x", key=f"home_{i}")\n'
        'st.session_state["catlr.y"] = 1\nstate.get("catlr.z")\nst.session_state.get("k")\n'
    )
    assert len(literal_keys(bad)) == 5


def test_every_key_follows_the_one_naming_scheme_and_is_unique():
    assert [v for v in KEYS.values() if not SCHEME.match(v)] == []
    assert len(set(KEYS.values())) == len(KEYS)


def test_every_key_in_the_registry_is_used():
    source = "\n".join(p.read_text(encoding="utf-8") for p in CODE if p.name != "state.py")
    unused = [name for name in KEYS if not re.search(rf"\bstate\.{name}\b", source)]
    assert unused == []


def test_item_keys_follow_the_scheme():
    assert state.item_key(state.PAGE_MISTAKES, "open", "test", 5) == "mistakes_open_test_5"
    assert SCHEME.match(state.item_key(state.PAGE_PREDICT, "why", "parts"))
