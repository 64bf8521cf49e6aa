"""JSON output: indented, UTF-8, and streamed for long arrays so a large plan is never held
twice in memory."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from cas_plan.core.diagnostics import Diagnostic, printable


def json_text(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def json_array(items: Iterable[Any]) -> Iterator[str]:
    """The text of `json_text(list(items))`, one item at a time."""
    first = True
    for item in items:
        body = json.dumps(item, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        yield ("[\n  " if first else ",\n  ") + body
        first = False
    yield "[]\n" if first else "\n]\n"


def problems_json(diagnostics: Iterable[Diagnostic]) -> str:
    return json_text(
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
        ]
    )
