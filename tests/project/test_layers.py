"""The import layers of src/cas_plan: data flows one way, each layer imports only those below it.

A module's imports are read with `ast` (those inside functions and under TYPE_CHECKING too), so a
lazy import of a higher layer is caught as surely as one at the top of a file.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from plans import REPO

PACKAGE = REPO / "src" / "cas_plan"

# lowest first; layers of one rank are siblings and import neither each other nor anything above
LAYERS: dict[str, int] = {
    "__init__": 0,
    "core": 0,
    "l10n": 1,
    "answers": 1,
    "output": 2,
    "edit": 3,
    "collect": 4,
    "publish": 4,
    "commands": 5,
    "cli": 6,
    "__main__": 7,
    "templates": 0,
}


def layer_of(module: str) -> str:
    """The layer of a dotted module name inside cas_plan ('cas_plan.core.model' -> 'core')."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every cas_plan module the file imports, with the line, absolute or relative."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path).split(".")
    is_package = path.name == "__init__.py"
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here if is_package else here[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target == "cas_plan":  # from cas_plan import core -> the subpackage
                found += [
                    (
                        node.lineno,
                        "cas_plan" if alias.name.startswith("__") else f"cas_plan.{alias.name}",
                    )
                    for alias in node.names
                ]
            else:
                found.append((node.lineno, target))
    return [(line, name) for line, name in found if name.split(".")[0] == "cas_plan"]


def violations() -> list[str]:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = layer_of(module_name(path))
        for line, target in imports_of(path):
            other = layer_of(target)
            if other == own or target == "cas_plan":
                continue
            if other not in LAYERS:
                problems.append(f"{path.relative_to(PACKAGE)}:{line}: unknown layer {other}")
            elif LAYERS[other] >= LAYERS[own]:
                problems.append(
                    f"{path.relative_to(PACKAGE)}:{line}: {own} (layer {LAYERS[own]}) imports "
                    f"{target} ({other}, layer {LAYERS[other]})"
                )
    return problems


def test_every_package_has_a_layer():
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    assert packages | modules <= set(LAYERS)


def test_no_layer_imports_a_layer_above_or_beside_it():
    assert violations() == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from cas_plan.output.text import x\n", ["cas_plan.output.text"]),
        ("def f():\n    from cas_plan.publish import report\n", ["cas_plan.publish"]),
        ("from ..output import text\n", ["cas_plan.output"]),
        ("import cas_plan.cli\n", ["cas_plan.cli"]),
    ],
)
def test_imports_are_found_wherever_they_are_written(tmp_path, monkeypatch, source, expected):
    package = tmp_path / "cas_plan"
    (package / "core").mkdir(parents=True)
    module = package / "core" / "probe.py"
    module.write_text(source, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", package)
    assert [name for _, name in imports_of(module)] == expected
