"""Functions short enough to read at once: none in src/ over MAX_LINES lines (ruff's C901,
PLR0912 and PLR0915 bound their complexity, branches and statements; pyproject.toml says why
those limits)."""

from __future__ import annotations

import ast

from plans import REPO

MAX_LINES = 80  # a screen and a half: a function a reader takes in without scrolling back


def long_functions() -> list[str]:
    found = []
    for path in sorted((REPO / "src" / "cas_plan").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_LINES:
                    where = path.relative_to(REPO).as_posix()
                    found.append(f"{where}:{node.lineno}: {node.name} has {length} lines")
    return found


def test_no_function_is_longer_than_a_screen_and_a_half():
    assert long_functions() == []
