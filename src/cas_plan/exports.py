"""Plain-text exports of query results: CSV, Markdown and iCalendar (RFC 5545).

Markdown cells are escaped so that any text in the plan (`|`, newlines, `<`, `*`, `@team`)
stays inside its cell and cannot become markup.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections.abc import Sequence

from cas_plan.organization import responsible_unit_ids
from cas_plan.queries import DueRow

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$&])")


def md_escape(text: str) -> str:
    """Text safe inside a Markdown table cell or after a list marker: one line, no markup, no
    mentions, no issue references, no HTML."""
    text = " ".join(str(text).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # break @mentions and #references so GitHub does not notify teams or link issues
    return text.replace("@", "@\u200b")


def md_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = [
        "| " + " | ".join(md_escape(h) for h in headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(md_escape(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


DUE_CSV_FIELDS = (
    "section",
    "deadline",
    "overdue",
    "id",
    "goal",
    "measure",
    "title",
    "responsible",
    "due",
    "due_as_written",
    "status",
)


def due_csv(rows: Sequence[DueRow], names: dict[str, str]) -> str:
    """One row per occurrence."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(DUE_CSV_FIELDS)
    for row in rows:
        deadline = row.view.due.value
        writer.writerow(
            [
                row.section,
                row.deadline.isoformat() if row.deadline else "",
                "yes" if row.overdue else "",
                row.view.id,
                row.view.goal_id,
                row.view.measure_id,
                row.view.title,
                "; ".join(names.get(unit, unit) for unit in responsible_unit_ids(row.view)),
                deadline.when.spell() if deadline else "",
                (deadline.as_written or "") if deadline else "",
                row.status,
            ]
        )
    return buffer.getvalue()


SECTION_TITLES = {
    "due": "Due",
    "unresolved": "Unresolved: the deadline depends on an event whose date is not recorded",
    "continuous": "Continuous activities",
}


def due_markdown(rows: Sequence[DueRow], names: dict[str, str]) -> str:
    out = []
    for section, title in SECTION_TITLES.items():
        in_section = [row for row in rows if row.section == section]
        if not in_section:
            continue
        out.append(f"## {title}\n")
        out.append(
            md_table(
                ["deadline", "id", "activity", "responsible", "status"],
                [
                    [
                        (
                            row.deadline.isoformat()
                            if row.deadline
                            else row.view.due.value.when.spell()
                            if row.view.due.value
                            else ""
                        )
                        + (" (overdue)" if row.overdue else ""),
                        row.view.id,
                        row.view.title,
                        ", ".join(names.get(u, u) for u in responsible_unit_ids(row.view)),
                        row.status.replace("_", " "),
                    ]
                    for row in in_section
                ],
            )
        )
        out.append("")
    return "\n".join(out) if out else "Nothing is due.\n"


def _ics_text(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> list[str]:
    """Lines of at most 75 octets, continued with a leading space (RFC 5545, 3.1)."""
    out, current, size = [], "", 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return out


def due_ics(rows: Sequence[DueRow], names: dict[str, str], plan_title: str, stamp: dt.date) -> str:
    """An iCalendar file with one all-day event per dated occurrence; UIDs stable across runs."""
    plan_key = hashlib.sha256(plan_title.encode("utf-8")).hexdigest()[:12]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//casplan//casplan due//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_text(plan_title)}",
    ]
    for row in rows:
        if row.deadline is None:
            continue
        deadline = row.view.due.value
        description = [
            f"Activity {row.view.id} (measure {row.view.measure_id})",
            "Responsible: " + ", ".join(names.get(u, u) for u in responsible_unit_ids(row.view)),
            f"Due date as written: {deadline.as_written or deadline.when.spell()}"
            if deadline
            else "",
            f"Status: {row.status.replace('_', ' ')}",
        ]
        lines += [
            "BEGIN:VEVENT",
            f"UID:{row.view.id}-{row.deadline:%Y%m%d}-{plan_key}@casplan",
            f"DTSTAMP:{stamp:%Y%m%d}T000000Z",
            f"DTSTART;VALUE=DATE:{row.deadline:%Y%m%d}",
            f"DTEND;VALUE=DATE:{row.deadline + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_ics_text(f'{row.view.id} {row.view.title}')}",
            f"DESCRIPTION:{_ics_text(chr(10).join(part for part in description if part))}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(folded + "\r\n" for line in lines for folded in _fold(line))
