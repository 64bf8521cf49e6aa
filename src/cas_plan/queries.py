"""Questions asked of a loaded plan, as pure functions returning plain records.

The records of `activity_record` are the stable JSON interface of `casplan list` (see README).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cas_plan.deadlines import events_of, span
from cas_plan.effective import ActivityView, status_on, units_by_id
from cas_plan.loader import Plan
from cas_plan.model import Amount, Deadline, Funding, Responsibility, Unit

NOT_REPORTED = "not_reported"


def event_dates(plan: Plan) -> dict[str, dt.date]:
    """Dates of the events recorded in events.yaml (events without a date are left out)."""
    if plan.events is None:
        return {}
    return {e.id: e.date for e in plan.events.model.events if e.date is not None}


def due_record(deadline: Deadline | None, events: dict[str, dt.date]) -> dict[str, Any]:
    if deadline is None:
        return {"kind": None, "spelling": None, "first_day": None, "last_day": None,
                "as_written": None, "events": [], "uncertain": None}
    first, last = span(deadline.when, events)
    return {
        "kind": deadline.when.kind,
        "spelling": deadline.when.spell(),
        "first_day": first.isoformat() if first else None,
        "last_day": last.isoformat() if last else None,
        "as_written": deadline.as_written,
        "events": events_of(deadline.when),
        "uncertain": deadline.uncertain,
    }


def amount_record(amount: Amount) -> dict[str, Any]:
    return {
        "amount": str(amount.amount.amount),
        "currency": amount.amount.currency,
        "year": amount.year,
        "annual": amount.annual,
        "procurement": amount.procurement,
        "source": amount.source,
        "of_which": amount.of_which,
        "counted_under": amount.counted_under,
        "as_written": amount.as_written,
    }


def funds_record(funds: Funding | None) -> dict[str, Any]:
    if funds is None:
        funds = Funding()
    return {
        "as_written": funds.as_written,
        "no_extra_cost": funds.no_extra_cost,
        "amounts": [amount_record(a) for a in funds.amounts],
        "see": list(funds.see),
        "sources": list(funds.sources),
        "external": funds.external,
        "undetermined": funds.undetermined,
        "uncertain": funds.uncertain,
    }


def responsible_records(
    responsibility: Responsibility | None, units: dict[str, Unit]
) -> list[dict[str, Any]]:
    if responsibility is None:
        return []
    return [
        {
            "unit": entry.unit,
            "name": units[entry.unit].name if entry.unit in units else entry.unit,
            "role": entry.role,
            "scope": entry.scope,
        }
        for entry in responsibility.units
    ]


def status_record(view: ActivityView, as_of: dt.date) -> tuple[str, str | None]:
    entry = status_on(view.activity.progress, as_of)
    if entry is None:
        return NOT_REPORTED, None
    return entry.status, entry.date.isoformat()


def activity_record(
    view: ActivityView,
    units: dict[str, Unit],
    events: dict[str, dt.date],
    as_of: dt.date,
    file: str,
) -> dict[str, Any]:
    """One activity with its effective values (merged cells resolved), as plain JSON data."""
    status, status_date = status_record(view, as_of)
    responsibility = view.responsible.value
    return {
        "id": view.id,
        "goal": view.goal_id,
        "measure": view.measure_id,
        "parent": view.parent_id,
        "title": view.title,
        "unnumbered": view.activity.unnumbered,
        "indicators": view.indicator_texts,
        "responsible": responsible_records(responsibility, units),
        "responsible_as_written": responsibility.as_written if responsibility else None,
        "listed_under_sub_activities": bool(
            responsibility and responsibility.listed_under_sub_activities
        ),
        "due": due_record(view.due.value, events),
        "funds": funds_record(view.funds.value),
        "status": status,
        "status_date": status_date,
        "written_on": {
            "indicators": view.indicators.written_on,
            "responsible": view.responsible.written_on,
            "funds": view.funds.written_on,
            "due": view.due.written_on,
        },
        "file": file,
    }


def list_records(plan: Plan, views: list[ActivityView], as_of: dt.date) -> list[dict[str, Any]]:
    units = units_by_id(plan)
    events = event_dates(plan)
    return [
        activity_record(view, units, events, as_of, plan.relative(view.path)) for view in views
    ]
