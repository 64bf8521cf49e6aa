"""JSON output: indented, UTF-8, and streamed for long arrays so a large plan is never held
twice in memory.

Plan text round-trips exactly: the characters no output shows raw (`diagnostics.HIDDEN`: C1
controls, DEL, bidi controls) are written as JSON's `\\u` escapes, as the C0 ones always are,
so the document read back holds the very text, and printed to a terminal it cannot drive it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from cas_plan.core.diagnostics import HIDDEN, Diagnostic, printable


def _unhidden(text: str) -> str:
    # such characters can only be inside strings, where `\\uXXXX` stands for them
    return HIDDEN.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _dumps(data: object) -> str:
    return _unhidden(json.dumps(data, indent=2, ensure_ascii=False))


def json_text(data: object) -> str:
    return _dumps(data) + "\n"


def json_array(items: Iterable[Any]) -> Iterator[str]:
    """The text of `json_text(list(items))`, one item at a time."""
    first = True
    for item in items:
        body = _dumps(item).replace("\n", "\n  ")
        yield ("[\n  " if first else ",\n  ") + body
        first = False
    yield "[]\n" if first else "\n]\n"


def script_json(data: object) -> str:
    """Compact JSON that a page's script loads (the site's search index), with `<`, `>` and
    `&` as `\\u` escapes too: plan text never reaches a browser as markup, not even inside a
    script file."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return _unhidden(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


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
