"""git, run as a subprocess with nothing of the repository's configuration that runs commands.

One helper for every git call. A plan repository may be someone else's (a pull request in CI):
its config could name an fsmonitor, hooks or a pager to run, so every call turns those off, and
a revision is read from git's objects into memory (`plan_files_at`), never written to disk, so no
name in a tree can point a file elsewhere.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cas_plan.core import layout
from cas_plan.core.errors import UsageError
from cas_plan.core.yaml_reader import MAX_FILE_BYTES

# settings that make git run programs named by the repository's own config
_SAFE = (
    "-c", "core.fsmonitor=false",
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.pager=cat",
    "-c", "diff.external=",
    "-c", "core.sshCommand=false",
    "-c", "protocol.allow=never",
)  # fmt: skip


class GitError(UsageError):
    """Not a git repository, an unknown revision, or git missing: a usage error."""


def git(directory: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """The output of a git command run in `directory`; GitError with git's last line if it
    fails."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    try:
        done = subprocess.run(
            ["git", *_SAFE, "-C", str(directory), *args],
            input=stdin,
            capture_output=True,
            check=False,
            timeout=60,
            env=env,
        )
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {' '.join(args)} took too long") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {' '.join(args)} failed")
    return done.stdout


def git_text(directory: Path, *args: str) -> str:
    return git(directory, *args).decode("utf-8", "replace").strip()


def repository_root(directory: Path) -> Path:
    try:
        return Path(git_text(directory, "rev-parse", "--show-toplevel"))
    except GitError:
        raise GitError(f"'{directory}' is not inside a git repository") from None


def resolve_revision(root: Path, revision: str) -> str:
    if revision.startswith("-"):
        raise GitError(f"unknown revision '{revision}'")
    try:
        return git_text(root, "rev-parse", "--verify", "--quiet", "--end-of-options",
                        f"{revision}^{{commit}}")  # fmt: skip
    except GitError:
        raise GitError(f"unknown revision '{revision}'") from None


def default_base(root: Path) -> str:
    """The merge base of HEAD with main (or master, or their origin copies)."""
    for branch in ("main", "origin/main", "master", "origin/master"):
        try:
            return git_text(root, "merge-base", branch, "HEAD")
        except GitError:
            continue
    raise GitError("no branch 'main' to compare with; name the base revision")


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    kind: str
    object: str
    size: int | None
    path: str  # relative to the plan directory


def _tree(root: Path, revision: str, plan_path: str) -> list[TreeEntry]:
    prefix = plan_path.strip("/") + "/" if plan_path not in ("", ".") else ""
    listing = git(root, "ls-tree", "-r", "-l", "-z", "--full-tree", revision, "--",
                  prefix or ".")  # fmt: skip
    entries = []
    for record in filter(None, listing.split(b"\0")):
        meta, _, name = record.partition(b"\t")
        mode, kind, obj, size = meta.decode().split()
        path = os.fsdecode(name)
        relative = path[len(prefix) :] if path.startswith(prefix) else path
        entries.append(TreeEntry(mode, kind, obj, None if size == "-" else int(size), relative))
    return entries


def plan_files_at(
    root: Path, revision: str, plan_path: str
) -> tuple[dict[str, bytes], list[layout.Refused]]:
    """The plan directory's YAML files at a revision, read from git's objects into memory.

    Names are never trusted: an entry whose path has `..`, `.` or empty parts, a duplicate, a
    link, a submodule or a file over the size limit is refused with a reason, as the working
    tree's would be.
    """
    files: dict[str, bytes] = {}
    refused: list[layout.Refused] = []
    wanted: list[TreeEntry] = []
    seen: set[str] = set()
    for entry in _tree(root, revision, plan_path):
        parts = entry.path.split("/")
        if any(part in ("", ".", "..") for part in parts):
            refused.append(layout.Refused(entry.path, "a tree entry with an unsafe name", None))
            continue
        hidden = any(part.startswith(".") for part in parts)
        if hidden or not layout.looks_like_yaml(parts[-1]) or parts[0] == layout.SCHEMA_DIR:
            continue
        problem: tuple[str, str | None] | None = None
        if entry.path in seen:
            problem = ("the tree holds this name twice", None)
        elif entry.kind != "blob" or entry.mode not in ("100644", "100755"):
            problem = (
                "not a regular file in git (a link or a submodule)",
                "a plan file is a plain text file",
            )
        elif entry.size is not None and entry.size > MAX_FILE_BYTES:
            problem = (
                f"the file is {entry.size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit "
                "for a plan file",
                "split the measure or remove what does not belong in the plan",
            )
        seen.add(entry.path)
        if problem is not None:
            refused.append(layout.Refused(entry.path, *problem))
        else:
            wanted.append(entry)
    if wanted:
        batch = git(root, "cat-file", "--batch",
                    stdin="".join(e.object + "\n" for e in wanted).encode())  # fmt: skip
        position = 0
        for entry in wanted:
            header_end = batch.index(b"\n", position)
            size = int(batch[position:header_end].split()[2])
            start = header_end + 1
            files[entry.path] = batch[start : start + size]
            position = start + size + 1
    return files, refused


def blob_id(data: bytes) -> str:
    """The object id git gives a file's bytes (SHA-1), computed without running git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()
