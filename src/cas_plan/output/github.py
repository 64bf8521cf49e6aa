"""GitHub Actions workflow commands, so problems show as annotations on the changed lines."""

from __future__ import annotations

from collections.abc import Iterable

from cas_plan.core.diagnostics import Diagnostic, visible


def _escape_data(text: str) -> str:
    # As @actions/core escapes workflow command data.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotations(diagnostics: Iterable[Diagnostic]) -> str:
    """One workflow command per problem. The file, message and hint have their control and
    bidi characters made visible first (`diagnostics.visible`: the log would run an ANSI
    escape), then line breaks and `%` escaped as workflow commands need."""
    out = []
    for d in diagnostics:
        message = visible(d.message) + (f"\n{visible(d.hint)}" if d.hint else "")
        out.append(
            f"::{d.severity} file={_escape_property(visible(d.path))},line={d.line},col={d.col}"
            f",title={_escape_property('casplan validate')}::{_escape_data(message)}"
        )
    return "".join(line + "\n" for line in out)
