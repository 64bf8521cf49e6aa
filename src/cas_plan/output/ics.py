"""iCalendar output (RFC 5545): one all-day event per dated occurrence, for Outlook and the like."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping, Sequence

from cas_plan.answers.queries import DueRow
from cas_plan.answers.records import ReportDeadlineRecord
from cas_plan.core.diagnostics import printable
from cas_plan.core.organization import responsible_names
from cas_plan.l10n.formats import phrase
from cas_plan.output.text import TOOL_LANG, report_period_words, status_word

# Every line break a calendar program might honour, CR alone included (RFC 5545 ends lines with
# CRLF, but Outlook-style parsers also split at a bare CR or LF).
_LINE_BREAKS = re.compile(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def _ics_text(text: str) -> str:
    """A TEXT value (RFC 5545, 3.3.11): line breaks as `\\n`, `\\ ; ,` escaped, and every
    other control character shown as its escape (`\\x1b`), so plan text can neither end the
    property nor start another one."""
    parts = _LINE_BREAKS.split(text)
    return "\\n".join(
        printable(part).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        for part in parts
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


def _calendar(plan_title: str, events: list[str]) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//casplan//casplan due//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_ics_text(plan_title)}",
        *events,
        "END:VCALENDAR",
    ]
    return "".join(folded + "\r\n" for line in lines for folded in _fold(line))


def _event(uid: str, stamp: dt.date, day: dt.date, summary: str, description: str) -> list[str]:
    """An all-day event (its lines, unfolded)."""
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp:%Y%m%d}T000000Z",
        f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
        f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{_ics_text(summary)}",
        f"DESCRIPTION:{_ics_text(description)}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def _plan_key(plan_title: str) -> str:
    return hashlib.sha256(plan_title.encode("utf-8")).hexdigest()[:12]


def reports_ics(records: Sequence[ReportDeadlineRecord], plan_title: str, stamp: dt.date) -> str:
    """`due --reports --format ics`: an all-day event on the day each report is due."""
    events = []
    for r in records:
        day = dt.date.fromisoformat(r["due"])
        kind = phrase("report_kind_" + r["kind"], TOOL_LANG)
        summary = f"{kind} due: {report_period_words(r)}"
        description = f"Reporting period: {report_period_words(r)}"
        uid = f"report-{r['kind']}-{r['period']}-{_plan_key(plan_title)}@casplan"
        events += _event(uid, stamp, day, summary, description)
    return _calendar(plan_title, events)


def due_ics(
    rows: Sequence[DueRow], names: Mapping[str, str], plan_title: str, stamp: dt.date
) -> str:
    """An iCalendar file with one all-day event per dated occurrence; UIDs stable across runs."""
    plan_key = _plan_key(plan_title)
    lines: list[str] = []
    for row in rows:
        if row.deadline is None:
            continue
        deadline = row.view.due.value
        description = [
            f"Activity {row.view.id} (measure {row.view.measure_id})",
            "Responsible: " + ", ".join(responsible_names(row.view, names)),
            f"Due date as written: {deadline.as_written or deadline.when.spell()}"
            if deadline
            else "",
            f"Status: {status_word(row.status)}",
        ]
        lines += _event(
            f"{row.view.id}-{row.deadline:%Y%m%d}-{plan_key}@casplan",
            stamp,
            row.deadline,
            f"{row.view.id} {row.view.title}",
            "\n".join(part for part in description if part),
        )
    return _calendar(plan_title, lines)
