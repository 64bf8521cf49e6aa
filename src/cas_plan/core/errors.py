"""The one exception that crosses from the library to the command line, and the exit codes.

Every failure a user can cause or meet is a `CasplanError` carrying its exit code; the command
line maps it to a message and a code in one place (cli.main). Anything else is a bug (exit 3).
"""

from __future__ import annotations

import errno
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cas_plan.core.diagnostics import Diagnostic


class ExitCode(IntEnum):
    """The same for every command (documented in the README)."""

    OK = 0
    PROBLEMS = 1  # the plan, or a file given, has problems; nothing was written
    USAGE = 2  # a bad option value, an unknown id, a missing directory
    INTERNAL = 3  # a bug in casplan
    SYSTEM = 4  # the operating system refused a read or write
    INTERRUPTED = 130


class CasplanError(Exception):
    """A failure to report in one line (plus, optionally, the problems behind it)."""

    exit_code: ExitCode = ExitCode.PROBLEMS

    def __init__(
        self,
        message: str,
        *,
        problems: list[Diagnostic] | None = None,
        texts: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []
        self.texts = texts or {}  # proposed file contents the problems point into


class UsageError(CasplanError):
    """What was asked cannot be answered as asked: exit 2."""

    exit_code = ExitCode.USAGE


class PlanProblems(CasplanError):
    """The plan (or a file given) has problems; nothing was written: exit 1."""

    exit_code = ExitCode.PROBLEMS


class SystemProblem(CasplanError):
    """The operating system refused a read or a write (no space, read-only, permission)."""

    exit_code = ExitCode.SYSTEM


_REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EDQUOT: "disk quota exceeded",
}


def system_problem(error: OSError, doing: str = "write") -> SystemProblem:
    """An OSError as one line that names the file and the reason."""
    from cas_plan.core.diagnostics import printable

    reason = _REASONS.get(error.errno or 0) or error.strerror or str(error)
    where = f" '{printable(str(error.filename))}'" if error.filename else ""
    return SystemProblem(f"cannot {doing}{where}: {reason}")
