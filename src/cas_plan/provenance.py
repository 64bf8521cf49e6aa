"""Where a report comes from: the git state of the plan, and the templates it is rendered with.

Light on purpose (no models): the command line keys stored reports on these before loading
anything.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


def templates_dir() -> Path:
    """templates/ of the repository (a source checkout), or the copy installed in the package."""
    here = Path(__file__).resolve().parent
    source_tree = here.parents[1] / "templates"
    return source_tree if (source_tree / "report.md.j2").is_file() else here / "templates"


def templates_digest(template: Path | None) -> str:
    """A digest of the templates a report would use, so a stored report follows their edits."""
    import hashlib

    files = [template] if template is not None else sorted(templates_dir().glob("*.j2"))
    digest = hashlib.sha256()
    for file in files:
        digest.update(str(file.resolve()).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class GitState:
    commit: str | None
    dirty: bool
    describe: str


def git_state(directory: Path) -> GitState:
    """The commit the plan is read from, and whether the plan has uncommitted changes."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(directory), *args],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return GitState(None, False, "not in a git repository")
    dirty = bool(git("status", "--porcelain", "--", "."))
    return GitState(commit, dirty, commit[:12] + (" (with uncommitted changes)" if dirty else ""))
