"""Hostile git repositories: `diff` reads revisions from git's objects and refuses unsafe trees;
no git call runs a program the repository's configuration names (fsmonitor, hooks).

Trees are built object by object (`git hash-object -t tree --literally`), so they can hold what
`git add` never makes: an entry named `..`, the same name twice, a symbolic link, a huge blob.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from plans import minimal_files, write_plan

ENV = {
    **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
    "GIT_AUTHOR_NAME": "T",
    "GIT_AUTHOR_EMAIL": "t@e",
    "GIT_COMMITTER_NAME": "T",
    "GIT_COMMITTER_EMAIL": "t@e",
}


def git(root: Path, *args: str, stdin: bytes | None = None) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], input=stdin, capture_output=True, check=True, env=ENV
    )
    return done.stdout.decode().strip()


def blob(root: Path, data: bytes) -> str:
    return git(root, "hash-object", "-w", "--stdin", stdin=data)


def tree(root: Path, entries: list[tuple[str, str, str]]) -> str:
    """A tree object from (mode, name, object id) exactly as given: no sorting, no checks."""
    raw = b"".join(
        mode.encode() + b" " + name.encode() + b"\0" + bytes.fromhex(obj)
        for mode, name, obj in entries
    )
    return git(root, "hash-object", "-w", "-t", "tree", "--literally", "--stdin", stdin=raw)


def entries_of(root: Path, tree_id: str) -> list[tuple[str, str, str]]:
    out = []
    for line in git(root, "ls-tree", tree_id).splitlines():
        meta, name = line.split("\t")
        mode, _, obj = meta.split()
        out.append((mode, name, obj))
    return out


@pytest.fixture
def repo(tmp_path):
    root = tmp_path / "outer" / "repo"
    write_plan(root / "plan", minimal_files())
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "plan")
    return root


def commit_with_plan_tree(root: Path, plan_tree: str) -> str:
    top = [e for e in entries_of(root, "HEAD^{tree}") if e[1] != "plan"]
    top_tree = tree(root, sorted([*top, ("40000", "plan", plan_tree)], key=lambda e: e[1]))
    return git(root, "commit-tree", top_tree, "-p", "HEAD", "-m", "hostile")


def _plan_entries(root: Path) -> list[tuple[str, str, str]]:
    return entries_of(root, "HEAD:plan")


def hostile_dotdot(root: Path) -> tuple[str, str]:
    inner = tree(root, [("100644", "evil.yaml", blob(root, b"id: '9'\ntitle: evil\n"))])
    entries = sorted([*_plan_entries(root), ("40000", "..", inner)], key=lambda e: e[1])
    return commit_with_plan_tree(root, tree(root, entries)), "../evil.yaml"


def hostile_duplicate(root: Path) -> tuple[str, str]:
    entries = _plan_entries(root)
    plan_yaml = next(e for e in entries if e[1] == "plan.yaml")
    other = ("100644", "plan.yaml", blob(root, b"title: Other\n"))
    i = entries.index(plan_yaml)
    return commit_with_plan_tree(root, tree(root, [*entries[: i + 1], other, *entries[i + 1 :]])), (
        "plan.yaml"
    )


def hostile_symlink(root: Path) -> tuple[str, str]:
    link = ("120000", "abbreviations.yaml", blob(root, b"/etc/passwd"))
    entries = sorted([link, *_plan_entries(root)], key=lambda e: e[1])
    return commit_with_plan_tree(root, tree(root, entries)), "abbreviations.yaml"


def hostile_huge(root: Path) -> tuple[str, str]:
    data = b"abbreviations:\n" + b"  X: " + b"y" * (3 * 1024 * 1024) + b"\n"
    huge = ("100644", "abbreviations.yaml", blob(root, data))
    entries = sorted([huge, *_plan_entries(root)], key=lambda e: e[1])
    return commit_with_plan_tree(root, tree(root, entries)), "abbreviations.yaml"


def _listing(directory: Path) -> set[str]:
    return {str(p.relative_to(directory)) for p in directory.rglob("*") if ".git" not in p.parts}


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (hostile_dotdot, "a tree entry with an unsafe name"),
        (hostile_duplicate, "the tree holds this name twice"),
        (hostile_symlink, "not a regular file in git (a link or a submodule)"),
        (hostile_huge, "over the 2,097,152-byte limit"),
    ],
    ids=["dotdot", "duplicate", "symlink", "3MB"],
)
@pytest.mark.parametrize("side", ["head", "base"])
def test_a_hostile_tree_is_refused_in_one_line(invoke, repo, make, reason, side):
    good = git(repo, "rev-parse", "HEAD")
    hostile, name = make(repo)
    outer = repo.parent
    before = _listing(outer)
    base, head = (good, hostile) if side == "head" else (hostile, good)
    result = invoke("diff", base, head, "--plan", str(repo / "plan"))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stdout.splitlines() if reason in line]
    assert len(lines) == 1, result.stdout
    assert name in lines[0]
    assert _listing(outer) == before  # nothing written, inside the repository or beside it


FSMONITOR = """#!/bin/sh
touch "{marker}"
echo "fsmonitor ran" >&2
exit 0
"""


def test_a_repository_s_fsmonitor_and_hooks_never_run(invoke, repo, tmp_path):
    marker = tmp_path / "fsmonitor-ran"
    script = tmp_path / "fsmonitor.sh"
    script.write_text(FSMONITOR.format(marker=marker))
    script.chmod(0o755)
    git(repo, "config", "core.fsmonitor", str(script))
    hooks = repo / ".git" / "hooks"
    for hook in ("post-checkout", "post-index-change", "reference-transaction", "pre-commit"):
        (hooks / hook).write_text(FSMONITOR.format(marker=marker))
        (hooks / hook).chmod(0o755)
    git(repo, "config", "core.hooksPath", str(hooks))
    (repo / "plan" / "goal-1" / "goal.yaml").write_text('id: "1"\ntitle: First goal, edited\n')
    # git itself does run it (the test would prove nothing otherwise)
    subprocess.run(["git", "-C", str(repo), "status"], capture_output=True, check=True, env=ENV)
    assert marker.exists()
    marker.unlink()
    result = invoke("report", "--year", "2018", "--plan", str(repo / "plan"))
    assert result.exit_code == 0, result.output
    assert "(with uncommitted changes in the plan)" in result.stdout
    for args in (("diff",), ("diff", "HEAD"), ("diff", "HEAD", "HEAD")):
        result = invoke(*args, "--plan", str(repo / "plan"))
        assert result.exit_code == 0, result.output
    assert invoke("codeowners", "--plan", str(repo / "plan"), "--out", "-").exit_code == 0
    assert invoke("validate", "--plan", str(repo / "plan"), "--codeowners").exit_code == 1
    assert not marker.exists()
