"""The plan at a git revision: only `git` itself is needed, run as a subprocess."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class GitError(Exception):
    """Not a git repository, an unknown revision, or git missing: a usage error."""


def git(directory: Path, *args: str, binary: bool = False) -> str | bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(directory), *args], capture_output=True, check=False, timeout=60
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {' '.join(args)} took too long") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {' '.join(args)} failed")
    return done.stdout if binary else done.stdout.decode("utf-8", "replace").strip()


def repository_root(directory: Path) -> Path:
    try:
        return Path(str(git(directory, "rev-parse", "--show-toplevel")))
    except GitError:
        raise GitError(f"'{directory}' is not inside a git repository") from None


def resolve_revision(root: Path, revision: str) -> str:
    try:
        return str(git(root, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"))
    except GitError:
        raise GitError(f"unknown revision '{revision}'") from None


def default_base(root: Path) -> str:
    """The merge base of HEAD with main (or master, or their origin copies)."""
    for branch in ("main", "origin/main", "master", "origin/master"):
        try:
            return str(git(root, "merge-base", branch, "HEAD"))
        except GitError:
            continue
    raise GitError("no branch 'main' to compare with; name the base revision")


@contextmanager
def plan_at(root: Path, revision: str, plan_path: str) -> Iterator[Path]:
    """A temporary directory holding the plan directory's files as they were at `revision`."""
    listing = str(git(root, "ls-tree", "-r", "-z", "--name-only", revision, "--", plan_path))
    with tempfile.TemporaryDirectory(prefix="casplan-") as temporary:
        target = Path(temporary) / "plan"
        target.mkdir()
        prefix = plan_path.rstrip("/") + "/" if plan_path not in ("", ".") else ""
        for name in filter(None, listing.split("\0")):
            relative = name[len(prefix) :] if name.startswith(prefix) else name
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(git(root, "show", f"{revision}:{name}", binary=True))  # type: ignore[arg-type]
        yield target
