"""Problems as values: `Diagnostic(path, line, col, message)`; output/ renders them.

Checks never raise; they return diagnostics, so one run reports every problem of every file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

Severity = Literal["error", "warning"]


# The characters plan text may hold that no output shows as they are: the C0 controls but tab
# and line feed, DEL and the C1 controls (an ESC or CSI starts a terminal's escape sequence), the
# bidi controls (they reorder the rest of a line: "Trojan Source"), lone surrogates (bytes that
# were not UTF-8) and the two non-characters XML forbids. `visible` escapes these for documents
# and logs that keep line breaks (xlsx, docx, HTML, GitHub annotations); `printable` escapes them
# and every other character that is not printable (line breaks, tabs, other format characters)
# for one-line terminal text. JSON writes them as its own `\u` escapes (output/json.py).
HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufffe\uffff]"
)


def escaped(char: str) -> str:
    """A character as its escape: `\\x1b`, `\\u202e`, `\\n`; a byte that was not UTF-8
    (surrogateescape) as that byte, `\\xff`."""
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    return char.encode("unicode_escape").decode("ascii")


def printable(text: str) -> str:
    """Text as a terminal shows it: on one line, with control characters, line breaks, bidi
    controls and bytes that are not UTF-8 escaped (`\\n`, `\\x1b`, `\\u202e`, `\\xff`), so
    the user's text can neither break the one-line form of a message nor reach the terminal raw,
    nor reorder the line it is in. The one rule for terminal and plain text."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else escaped(char) for char in text)


_SHOWN_SPACES = re.compile(r"[^\S\x0b\x0c\x1c-\x1f\x85]+")


def one_line(text: str) -> str:
    """Text folded onto one line: each run of spaces, tabs and line breaks one space, the ends
    trimmed. The white space that is a control character (\\x0b, \\x1c, NEL: `HIDDEN`) is
    kept, so `printable` or `visible` shows it as its escape, as every output does."""
    return " ".join(part for part in _SHOWN_SPACES.split(text) if part)


def visible(text: str) -> str:
    """Text as a document (a spreadsheet cell, a Word paragraph, an HTML page) holds it: line
    breaks and tabs kept (a CR as a line feed, as XML and HTML readers take it), every `HIDDEN`
    character written as its escape. XML cannot hold most of them, and shown raw they would
    hide text or reorder it."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return HIDDEN.sub(lambda match: escaped(match.group()), text) if HIDDEN.search(text) else text


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
