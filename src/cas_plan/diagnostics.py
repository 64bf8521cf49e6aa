"""Problems as values: `Diagnostic(path, line, col, message)` and its text, JSON and GitHub forms.

Checks never raise; they return diagnostics, so one run reports every problem of every file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
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
    they are filled in from the file before rendering (see `loader.locate_all`).
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
) -> Diagnostic:
    return Diagnostic(path, 0, 0, message, "error", hint, pointer, at_key)


def warning_at(
    path: str,
    pointer: tuple[str | int, ...],
    message: str,
    *,
    hint: str | None = None,
    at_key: bool = False,
) -> Diagnostic:
    return Diagnostic(path, 0, 0, message, "warning", hint, pointer, at_key)


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.path, d.line, d.col, d.message)


def render_text(
    diagnostics: Iterable[Diagnostic], source_line: Callable[[str, int], str | None]
) -> str:
    """hledger-style: the headline, then the offending line with a caret, then what to do."""
    blocks = []
    for d in diagnostics:
        lines = [d.headline()]
        text = source_line(d.path, d.line)
        if text is not None:
            number = str(d.line)
            gutter = " " * len(number)
            shown = text.rstrip("\r\n").expandtabs(1)
            lines.append(f"  {number} | {shown}")
            lines.append(f"  {gutter} | {' ' * max(d.col - 1, 0)}^")
        if d.hint:
            lines.append(f"  hint: {printable(d.hint)}")
        blocks.append("\n".join(lines))
    return "\n".join(blocks)


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    return json.dumps(
        [
            {
                "file": printable(d.path),
                "line": d.line,
                "column": d.col,
                "severity": d.severity,
                "message": printable(d.message),
                "hint": printable(d.hint) if d.hint else None,
            }
            for d in diagnostics
        ],
        indent=2,
        ensure_ascii=False,
    )


def _escape_data(text: str) -> str:
    # As @actions/core escapes workflow command data.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostics: Iterable[Diagnostic]) -> str:
    """GitHub Actions workflow commands, so problems show as annotations on the changed lines."""
    out = []
    for d in diagnostics:
        message = d.message + (f"\n{d.hint}" if d.hint else "")
        out.append(
            f"::{d.severity} file={_escape_property(d.path)},line={d.line},col={d.col}"
            f",title={_escape_property('casplan validate')}::{_escape_data(message)}"
        )
    return "\n".join(out)
