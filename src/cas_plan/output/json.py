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

from cas_plan.answers.diff import PlanDiff
from cas_plan.answers.followup import Followup
from cas_plan.answers.queries import deadline_text
from cas_plan.core.diagnostics import HIDDEN, Diagnostic, printable
from cas_plan.output.text import change_data, change_note, change_title


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


def followup_record(result: Followup) -> dict[str, object]:
    """`casplan followup --format json`: the stable shape."""
    return {
        "period": {
            "text": result.period.text,
            "start": result.period.start.isoformat(),
            "end": result.period.end.isoformat(),
        },
        "as_of": result.as_of.isoformat(),
        "units": [
            {
                "id": item.unit.id,
                "name": item.unit.name,
                "contact": item.unit.contact,
                "activities": item.activities,
                "without_report": len(item.missing),
                "last_report": item.last_report.isoformat() if item.last_report else None,
                "missing": [
                    {
                        "id": m.id,
                        "title": m.title,
                        "deadline": deadline_text(m.due),
                        "status": m.status,
                    }
                    for m in item.missing
                ],
            }
            for item in result.units
        ],
        "totals": {
            "activities": result.activities,
            "without_report": result.missing,
            "units": len(result.units),
            "units_without_report": result.units_missing,
        },
    }


def diff_record(diff: PlanDiff) -> dict[str, Any]:
    """`casplan diff --format json`."""
    changes = []
    for change in diff.changes:
        old, new = change_data(change)
        changes.append(
            {
                "kind": change.kind,
                "activity": change.activity,
                "title": change_title(change),
                "old": old,
                "new": new,
                "note": change_note(change),
            }
        )
    return {
        "base": {"revision": diff.base, "problems": [d.headline() for d in diff.base_problems]},
        "head": {"revision": diff.head, "problems": [d.headline() for d in diff.head_problems]},
        "changes": changes,
    }
