"""The shape of the documentation: a short README whose command table is the command line's, a
docs/ index that lists every page, a code map that names every package and module, links that
resolve, and cog blocks only in files that `.ci/run` checks.

The console examples of the same files are run by tests/project/test_readme.py.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib.util
import re
from collections import Counter
from pathlib import Path
from types import ModuleType

from plans import REPO

README = REPO / "README.md"
DOCS = REPO / "docs"
PACKAGE = REPO / "src" / "cas_plan"
COG_FILES = DOCS / "cog-files.txt"
README_LIMIT = 25_000  # bytes: a front door, not the reference

FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6} +(.+?) *#*$", re.MULTILINE)


def cog_helpers() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cog_helpers", DOCS / "cog_helpers.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def section(text: str, heading: str) -> str:
    """The body of a `## heading` section, up to the next `## ` heading."""
    return text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def documents() -> list[Path]:
    return [README, *sorted(DOCS.rglob("*.md"))]


def prose(text: str) -> str:
    """The text without fenced blocks and inline code, where brackets are not links."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    seen: Counter[str] = Counter()
    found = set()
    for heading in HEADING.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        base = slug(heading)
        found.add(base if not seen[base] else f"{base}-{seen[base]}")
        seen[base] += 1
    return found


# --- the README ----------------------------------------------------------------------------------


def test_the_readme_is_a_short_front_door():
    text = README.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) < README_LIMIT
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert headings == ["Quickstart", "Commands", "A five-minute tour", "Documentation"]
    assert "(docs/index.md)" in text


def test_the_command_table_is_the_command_line():
    """Every command of `casplan --help` has one row in the README's table, and every row is a
    command of `casplan --help`."""
    table = section(README.read_text(encoding="utf-8"), "Commands")
    rows = re.findall(r"^\| `([a-z]+)[^`]*` \| (.+) \|$", table, flags=re.MULTILINE)
    names = [name for name, _ in rows]
    commands = cog_helpers().command_names()
    assert len(commands) >= 18
    assert [name for name, count in Counter(names).items() if count > 1] == []
    assert sorted(set(commands) - set(names)) == [], "commands missing from the README's table"
    assert sorted(set(names) - set(commands)) == [], "rows for commands that do not exist"
    assert all(what.strip() for _, what in rows)


# --- docs/ ---------------------------------------------------------------------------------------


def test_the_index_lists_every_page():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    linked = set(LINK.findall(prose(index)))
    pages = {path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md")} - {"index.md"}
    assert sorted(pages - linked) == []
    for page in (
        "plan-format.md",
        "commands.md",
        "amendments.md",
        "collect.md",
        "report.md",
        "site.md",
        "ci.md",
        "performance.md",
        "reliability.md",
        "code-map.md",
    ):
        assert page in pages, page


def test_every_relative_link_and_anchor_resolves():
    broken = []
    for document in documents():
        for target in LINK.findall(prose(document.read_text(encoding="utf-8"))):
            if re.match(r"[a-z]+:", target):  # https:, mailto:
                continue
            path_part, _, anchor = target.partition("#")
            path = (document.parent / path_part).resolve() if path_part else document
            where = f"{document.relative_to(REPO)}: {target}"
            if not path.exists():
                broken.append(f"{where}: no such file")
            elif anchor and (path.suffix != ".md" or anchor not in anchors(path)):
                broken.append(f"{where}: no such heading")
    assert broken == []


def test_long_pages_have_a_table_of_contents():
    """A page of more than 150 lines lists its sections near the top."""
    for page in DOCS.rglob("*.md"):
        text = page.read_text(encoding="utf-8")
        if len(text.splitlines()) > 150:
            head = prose(text).split("\n## ", 1)[0]
            assert len(re.findall(r"\]\(#", head)) >= 3, page.name


# --- the code map --------------------------------------------------------------------------------


def holds_code(init: Path) -> bool:
    """Whether a package's __init__.py holds anything besides its docstring."""
    body = ast.parse(init.read_text(encoding="utf-8")).body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return bool(body)


def package_tree() -> list[str]:
    """Every package (`core/`) and module (`core/model.py`) under src/cas_plan/, recursively; a
    subpackage's __init__.py is named by its package's line unless it holds code."""
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        if path.name == "__init__.py" and path.parent != PACKAGE:
            names.append(path.parent.relative_to(PACKAGE).as_posix() + "/")
            if not holds_code(path):
                continue
        names.append(path.relative_to(PACKAGE).as_posix())
    return sorted(names)


def test_the_code_map_names_every_package_and_module():
    text = (DOCS / "code-map.md").read_text(encoding="utf-8")
    listed = re.findall(r"^[ \t]*- `([^`]+)`: \S", text, flags=re.MULTILINE)
    assert [name for name, count in Counter(listed).items() if count > 1] == []
    tree = package_tree()
    assert "core/" in tree and "core/model.py" in tree
    assert sorted(set(tree) - set(listed)) == [], "missing from docs/code-map.md"
    assert sorted(set(listed) - set(tree)) == [], "in docs/code-map.md but not in src/cas_plan/"


def test_the_code_map_nests_modules_under_their_package():
    lines = re.findall(
        r"^([ \t]*)- `([^`]+)`", (DOCS / "code-map.md").read_text(encoding="utf-8"), re.M
    )
    package = ""
    for indent, name in lines:
        if not indent:
            package = name if name.endswith("/") else ""
        else:
            assert package and name.startswith(package), (
                f"{name} is not under {package or 'a package'}"
            )


# --- cog -----------------------------------------------------------------------------------------


def markdown_files() -> list[Path]:
    """The repository's Markdown files, without hidden, build and environment directories."""
    found = []
    for path in REPO.rglob("*.md"):
        parts = path.relative_to(REPO).parts
        if any(p.startswith(".") or p.endswith(".egg-info") or p == "node_modules" for p in parts):
            continue
        found.append(path)
    return sorted(found)


def test_every_file_with_cog_blocks_is_checked():
    patterns = [
        line.strip()
        for line in COG_FILES.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert patterns == ["README.md", "docs/*.md"]
    with_cog = [
        p.relative_to(REPO).as_posix()
        for p in markdown_files()
        if "[[[cog" in p.read_text(encoding="utf-8")
    ]
    assert "docs/commands.md" in with_cog
    unchecked = [name for name in with_cog if not any(fnmatch.fnmatch(name, p) for p in patterns)]
    assert unchecked == []
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "cog --check" in ci and "@docs/cog-files.txt" in ci


def test_the_command_reference_is_generated_from_every_command():
    commands = (DOCS / "commands.md").read_text(encoding="utf-8")
    reference = commands.split("<!-- [[[end]]] -->", 1)[0].split("]]] -->", 1)[1]
    expected = cog_helpers().command_reference()
    same = reference.strip() == expected.strip()  # a bool: pytest's diff of 40 KB is slow
    assert same, "docs/commands.md's reference is stale: cog -r @docs/cog-files.txt regenerates it"
