"""Problems as values: `Diagnostic(path, line, col, message)`; output/ renders them.

Checks never raise; they return diagnostics, so one run reports every problem of every file.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Severity = Literal["error", "warning"]


def printable(text: str) -> str:
    """Text as shown in a problem: on one line, with control characters, line breaks and bytes
    that are not UTF-8 escaped (`\\n`, `\\x1b`, `\\xff`), so the user's text cannot break the
    one-line form of a problem nor reach the terminal raw."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char.isprintable():
            out.append(char)
        else:
            out.append(char.encode("unicode_escape").decode("ascii"))
    return "".join(out)


@dataclass(frozen=True)
class Diagnostic:
    """One problem at a place in a file.

    A check that knows only the YAML path of the problem (`pointer`) leaves line and column at 0;
    they are filled in from the positions taken when the file was read (`LoadResult.placed`).
    """

    path: str
    line: int
    col: int
    message: str
    severity: Severity = "error"
    hint: str | None = None
    pointer: tuple[str | int, ...] | None = None
    at_key: bool = False

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def located(self) -> bool:
        return self.line > 0

    def at(self, line: int, col: int) -> Diagnostic:
        return replace(self, line=line, col=col)

    def headline(self) -> str:
        """The one-line form `path:line:col: severity: message` that editors and CI understand."""
        return (
            f"{printable(self.path)}:{self.line}:{self.col}: {self.severity}: "
            f"{printable(self.message)}"
        )


def error_at(
    path: str,
    pointer: tuple[str | int, ...],
    message: str,
    *,
    hint: str | None = None,
    at_key: bool = False,
    severity: Severity = "error",
) -> Diagnostic:
    """A problem at a YAML path; its line and column are placed from the file's positions."""
    return Diagnostic(path, 0, 0, message, severity, hint, pointer, at_key)


def warning_at(
    path: str,
    pointer: tuple[str | int, ...],
    message: str,
    *,
    hint: str | None = None,
    at_key: bool = False,
) -> Diagnostic:
    return error_at(path, pointer, message, hint=hint, at_key=at_key, severity="warning")


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.path, d.line, d.col, d.message)
