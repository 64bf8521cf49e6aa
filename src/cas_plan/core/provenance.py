"""Where a report comes from: the commit the plan is read from, and whether its files differ.

Whether the plan has uncommitted changes is found by hashing its files and comparing them with
the commit's objects, not by `git status`, which would run the repository's fsmonitor or
filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cas_plan.core import layout
from cas_plan.core.git import GitError, blob_id, git, git_text, repository_root


@dataclass(frozen=True)
class GitState:
    commit: str | None
    dirty: bool
    describe: str


def git_state(plan_dir: Path) -> GitState:
    """The commit the plan is read from, and whether the plan has uncommitted changes."""
    try:
        root = repository_root(plan_dir)
        commit = git_text(root, "rev-parse", "--verify", "--quiet", "HEAD")
        inside = plan_dir.resolve().relative_to(root.resolve()).as_posix()
        listing = git(root, "ls-tree", "-r", "-z", "--full-tree", commit, "--", inside)
    except (GitError, ValueError):
        return GitState(None, False, "not in a git repository")
    prefix = "" if inside == "." else inside + "/"
    committed = {}
    for record in filter(None, listing.split(b"\0")):
        meta, _, name = record.partition(b"\t")
        path = name.decode("utf-8", "surrogateescape").removeprefix(prefix)
        if layout.looks_like_yaml(path.rsplit("/", 1)[-1]):
            committed[path] = meta.split()[2].decode()
    found, refused = layout.walk(plan_dir)
    current = {}
    for file in found:
        try:
            current[file.relative] = blob_id(file.path.read_bytes())
        except OSError:
            current[file.relative] = ""
    dirty = bool(refused) or current != committed
    return GitState(commit, dirty, commit[:12] + (" (with uncommitted changes)" if dirty else ""))
