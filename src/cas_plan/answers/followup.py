"""Following up a period: per unit, the activities of the period with no report in it.

An activity is in the period when it falls due in it or is continuous; it is reported when it
has an entry (one that stands, after corrections) dated in the period, on or before the day
asked. The drafts are RFC 5322 messages built with the standard library, for the coordinator
to open in an ordinary mail client and send; casplan sends nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP

from cas_plan.answers.queries import (
    DueQuery,
    deadline_text,
    due_rows,
    responsible_units,
    unit_views,
)
from cas_plan.core.loader import Plan
from cas_plan.core.model import Unit, reporter_unit
from cas_plan.core.periods import Period
from cas_plan.core.views import ActivityView, status_on

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@dataclass(frozen=True)
class Missing:
    """An activity of the period with no report in it, and its status on the day asked."""

    id: str
    title: str
    deadline: str
    status: str


@dataclass(frozen=True)
class UnitFollowup:
    unit: Unit
    activities: int  # the unit's activities of the period
    missing: list[Missing]
    last_report: dt.date | None  # the latest entry the unit reported, anywhere in the plan


@dataclass(frozen=True)
class Followup:
    period: Period
    as_of: dt.date
    units: list[UnitFollowup]
    activities: int  # each activity once, though several units may lead it
    missing: int

    @property
    def units_missing(self) -> int:
        return sum(1 for unit in self.units if unit.missing)


def in_period_views(plan: Plan, period: Period, as_of: dt.date) -> list[ActivityView]:
    """The activities due in the period or continuous, each once, in plan order."""
    rows = due_rows(
        plan,
        DueQuery(before=period.end, after=period.start, as_of=as_of, include_continuous=True),
    )
    chosen = {row.view.id for row in rows if row.section != "unresolved"}
    return [view for view in plan.views if view.id in chosen]


def reported_in(view: ActivityView, period: Period, as_of: dt.date) -> bool:
    return any(entry.date in period and entry.date <= as_of for entry in view.entries)


def last_reports(plan: Plan, as_of: dt.date) -> dict[str, dt.date]:
    """Each unit's latest reported entry (by `reported_by`) on or before the day asked."""
    latest: dict[str, dt.date] = {}
    for view in plan.views:
        for entry in view.entries:
            if entry.reported_by is None or entry.date > as_of:
                continue
            unit = reporter_unit(entry.reported_by)
            if unit not in latest or entry.date > latest[unit]:
                latest[unit] = entry.date
    return latest


def followup(plan: Plan, period: Period, as_of: dt.date) -> Followup:
    views = in_period_views(plan, period, as_of)
    latest = last_reports(plan, as_of)
    result = []
    for unit in responsible_units(plan, views):
        own = unit_views(plan, views, unit.id)
        missing = []
        for view in own:
            if reported_in(view, period, as_of):
                continue
            entry = status_on(view.entries, as_of)
            status = entry.status if entry else "not_reported"
            missing.append(Missing(view.id, view.title, deadline_text(view), status))
        result.append(UnitFollowup(unit, len(own), missing, latest.get(unit.id)))
    unreported = sum(1 for view in views if not reported_in(view, period, as_of))
    return Followup(period, as_of, result, len(views), unreported)


def unit_heading(item: UnitFollowup, period: Period) -> str:
    last = item.last_report.isoformat() if item.last_report else "never"
    return (
        f"{item.unit.name} ({item.unit.id}): {len(item.missing)} of {item.activities} "
        f"without a report in {period.text}; last report: {last}"
    )


def totals_line(result: Followup) -> str:
    return (
        f"Total: {result.missing} of {result.activities} activities without a report in "
        f"{result.period.text}, at {result.units_missing} of {len(result.units)} units"
    )


def followup_text(result: Followup) -> str:
    """The terminal table: a heading per unit, one line per activity without a report."""
    lines = [
        f"Follow-up of {result.period.text} ({result.period.start} to {result.period.end}), "
        f"as of {result.as_of}",
        "",
    ]
    width = max((len(m.id) for u in result.units for m in u.missing), default=0)
    for item in result.units:
        lines.append(unit_heading(item, result.period))
        for missing in item.missing:
            lines.append(f"  {missing.id:<{width}}  {missing.deadline} | {missing.title}")
        lines.append("")
    lines.append(totals_line(result))
    return "\n".join(lines) + "\n"


def followup_markdown(result: Followup) -> str:
    lines = [f"# Follow-up of {result.period.text}", "", f"As of {result.as_of}.", ""]
    for item in result.units:
        lines += [f"## {item.unit.name}", "", unit_heading(item, result.period) + ".", ""]
        lines += [f"- **{m.id}** {m.title} (deadline: {m.deadline})" for m in item.missing]
        if item.missing:
            lines.append("")
    lines.append(totals_line(result) + ".")
    return "\n".join(lines) + "\n"


def followup_record(result: Followup) -> dict[str, object]:
    """The stable JSON shape."""
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
                    {"id": m.id, "title": m.title, "deadline": m.deadline, "status": m.status}
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


def followup_rows(result: Followup) -> list[list[str]]:
    """One CSV row per activity without a report."""
    rows = [["unit", "unit_name", "last_report", "id", "title", "deadline", "status"]]
    for item in result.units:
        last = item.last_report.isoformat() if item.last_report else ""
        for m in item.missing:
            rows.append([item.unit.id, item.unit.name, last, m.id, m.title, m.deadline, m.status])
    return rows


# --- drafts ----------------------------------------------------------------------------------


def draft_body(item: UnitFollowup, period: Period, plan_title: str, attached: str) -> str:
    last = item.last_report.isoformat() if item.last_report else "none yet"
    lines = [
        "Dear colleagues,",
        "",
        f"for the progress report on '{plan_title}' for {period.text} "
        f"({period.start} to {period.end}), we have no report yet on these activities "
        f"of {item.unit.name}:",
        "",
    ]
    lines += [f"- {m.id} {m.title} (deadline: {m.deadline})" for m in item.missing]
    lines += [
        "",
        f"Please fill in the attached workbook {attached} (the yellow columns, one row per "
        "activity) and send it back.",
        "",
        f"Your last report: {last}.",
        "",
    ]
    return "\n".join(lines)


def draft_message(
    item: UnitFollowup, period: Period, plan_title: str, workbook: tuple[str, bytes] | None
) -> bytes:
    """An unsent draft: no From (the coordinator's client fills it in) and no Date (set when
    it is sent); `X-Unsent: 1` makes Outlook open the .eml as a draft to edit and send."""
    message = EmailMessage(policy=SMTP)
    if item.unit.contact:
        message["To"] = item.unit.contact
    message["Subject"] = f"Progress report for {period.text}: {item.unit.name}"
    message["X-Unsent"] = "1"
    attached = workbook[0] if workbook else ""
    message.set_content(draft_body(item, period, plan_title, attached))
    if workbook is not None:
        name, data = workbook
        message.add_attachment(data, maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=name)
    return message.as_bytes()


def drafts_for(result: Followup) -> Sequence[UnitFollowup]:
    """The units a draft is written for: those with an activity without a report."""
    return [item for item in result.units if item.missing]
