"""Questions asked of a loaded plan, as pure functions returning plain records.

The records of `activity_record` are the stable JSON interface of `casplan list` (see README).
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from cas_plan.deadlines import (
    Continuous,
    DeadlineSpec,
    OpenEnded,
    Yearly,
    describe,
    events_of,
    span,
)
from cas_plan.effective import ActivityView, id_sort_key, status_on, units_by_id
from cas_plan.loader import Plan
from cas_plan.model import Amount, Deadline, Funding, Responsibility, Unit
from cas_plan.organization import Organization, leads, responsible_unit_ids
from cas_plan.status import NOT_REPORTED


def event_dates(plan: Plan) -> dict[str, dt.date]:
    """Dates of the events recorded in events.yaml (events without a date are left out)."""
    if plan.events is None:
        return {}
    return {e.id: e.date for e in plan.events.model.events if e.date is not None}


def due_record(deadline: Deadline | None, events: dict[str, dt.date]) -> dict[str, Any]:
    if deadline is None:
        return {
            "kind": None,
            "spelling": None,
            "description": None,
            "first_day": None,
            "last_day": None,
            "as_written": None,
            "events": [],
            "uncertain": None,
        }
    first, last = span(deadline.when, events)
    return {
        "kind": deadline.when.kind,
        "spelling": deadline.when.spell(),
        "description": describe(deadline.when),
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


def list_records(plan: Plan, views: list[ActivityView], as_of: dt.date) -> Iterator[dict[str, Any]]:
    """The records of `casplan list`, one at a time."""
    units = units_by_id(plan)
    events = event_dates(plan)
    return (activity_record(view, units, events, as_of, plan.relative(view.path)) for view in views)


# --- what is due --------------------------------------------------------------------------------

Section = Literal["due", "unresolved", "continuous"]
CLOSED = ("completed", "cancelled")


@dataclass(frozen=True)
class DueRow:
    """One occurrence of an activity's deadline (or the activity, in the other sections)."""

    view: ActivityView
    section: Section
    deadline: dt.date | None
    status: str
    overdue: bool


@dataclass(frozen=True)
class DueQuery:
    before: dt.date
    as_of: dt.date
    after: dt.date | None = None
    scope: frozenset[str] | None = None  # unit ids whose activities count (see Organization.scope)
    goal: str | None = None
    measure: str | None = None
    status: str | None = None
    overdue_only: bool = False
    include_continuous: bool = False


def occurrences(
    spec: DeadlineSpec, events: dict[str, dt.date], low: dt.date, high: dt.date
) -> list[dt.date] | None:
    """Days on which a deadline falls due within [low, high]; None if an event date is missing.

    Months, quarters, years and ranges fall due on their last day; open-ended deadlines on their
    first; yearly ones once a year.
    """
    if isinstance(spec, Continuous):
        return []
    if isinstance(spec, Yearly):
        return [
            day
            for year in range(low.year, high.year + 1)
            if low <= (day := spec.due_in(year)) <= high
        ]
    if isinstance(spec, OpenEnded):
        day = spec.first_day
    else:
        _, last = span(spec, events)
        if last is None:
            return None
        day = last
    return [day] if low <= day <= high else []


def occurrence_status(view: ActivityView, day: dt.date | None, as_of: dt.date) -> str:
    """The status of one occurrence on `as_of`: the latest entry on or before it; for a yearly
    deadline, the latest entry of the occurrence's own year (each year is reported anew)."""
    entries = [e for e in view.activity.progress if e.date <= as_of]
    overall = status_on(entries, as_of)
    if overall is not None and overall.status == "cancelled":
        return "cancelled"
    if day is not None and view.due.value is not None and isinstance(view.due.value.when, Yearly):
        entries = [e for e in entries if e.date.year == day.year]
    latest = status_on(entries, as_of)
    return latest.status if latest else NOT_REPORTED


def due_rows(plan: Plan, views: list[ActivityView], query: DueQuery) -> list[DueRow]:
    """What falls due in the window, sorted by date then id; then unresolved and continuous."""
    events = event_dates(plan)
    period_start = plan.plan.model.period.start if plan.plan else dt.date.min
    low = query.after or period_start
    dated: list[DueRow] = []
    unresolved: list[DueRow] = []
    continuous: list[DueRow] = []
    for view in views:
        if query.goal and view.goal_id != query.goal:
            continue
        if query.measure and view.measure_id != query.measure:
            continue
        if query.scope is not None and not leads(view, set(query.scope)):
            continue
        if view.due.value is None:
            continue
        spec = view.due.value.when
        status = occurrence_status(view, None, query.as_of)
        if isinstance(spec, Continuous):
            if (
                query.include_continuous
                and not query.overdue_only
                and query.status in (None, status)
            ):
                continuous.append(DueRow(view, "continuous", None, status, False))
            continue
        days = occurrences(spec, events, low, query.before)
        if days is None:
            if not query.overdue_only and query.status in (None, status):
                unresolved.append(DueRow(view, "unresolved", None, status, False))
            continue
        for day in days:
            status = occurrence_status(view, day, query.as_of)
            overdue = day < query.as_of and status not in CLOSED
            if (overdue or not query.overdue_only) and query.status in (None, status):
                dated.append(DueRow(view, "due", day, status, overdue))
    dated.sort(key=lambda row: (row.deadline or dt.date.min, id_sort_key(row.view.id)))
    return dated + unresolved + continuous


def due_records(plan: Plan, rows: list[DueRow], as_of: dt.date) -> list[dict[str, Any]]:
    """`casplan due --format json`: the objects of `casplan list`, plus the occurrence."""
    units = units_by_id(plan)
    events = event_dates(plan)
    out = []
    for row in rows:
        record = activity_record(row.view, units, events, as_of, plan.relative(row.view.path))
        record.update(
            {
                "deadline": row.deadline.isoformat() if row.deadline else None,
                "section": row.section,
                "overdue": row.overdue,
                "status": row.status,
            }
        )
        out.append(record)
    return out


# --- responsibilities ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitLine:
    unit: Unit
    depth: int
    direct: int  # activities that name the unit itself
    total: int  # activities that name the unit or one of its sub-units


def unit_tree(plan: Plan, views: list[ActivityView]) -> list[UnitLine]:
    """The registry as a tree, depth first, with the activities each unit leads."""
    org = Organization.of(units_by_id(plan).values())
    named = [set(responsible_unit_ids(view)) for view in views]
    lines: list[UnitLine] = []

    def visit(unit: Unit, depth: int) -> None:
        subtree = org.subtree(unit.id)
        direct = sum(1 for units in named if unit.id in units)
        total = sum(1 for units in named if units & subtree)
        lines.append(UnitLine(unit, depth, direct, total))
        for child in org.children(unit.id):
            visit(child, depth + 1)

    for root in org.roots():
        visit(root, 0)
    return lines


@dataclass(frozen=True)
class WhoRow:
    view: ActivityView
    status: str
    via: list[
        str
    ]  # the responsible units that make it the asked unit's (itself, a sub-unit, a collective)
    shared_with: list[str]  # the other responsible units


def who(plan: Plan, views: list[ActivityView], unit_id: str, as_of: dt.date) -> list[WhoRow]:
    """Activities a unit is responsible for (with its sub-units and collectives covering them)."""
    org = Organization.of(units_by_id(plan).values())
    scope = org.scope(unit_id)
    subtree = org.subtree(unit_id)
    rows = []
    for view in views:
        if not leads(view, scope):
            continue
        status, _ = status_record(view, as_of)
        named = responsible_unit_ids(view)
        via = [u for u in named if u in scope]
        others = [u for u in named if u not in subtree]
        rows.append(WhoRow(view, status, via, others))
    return rows


# --- one item -------------------------------------------------------------------------------------


class UnknownIdError(LookupError):
    """An id that names no goal, measure or activity; the message suggests close ids."""


def progress_records(view: ActivityView) -> list[dict[str, Any]]:
    return [
        entry.model_dump(mode="json", exclude_defaults=True) for entry in view.activity.progress
    ]


def show_record(
    plan: Plan, views: list[ActivityView], identifier: str, as_of: dt.date
) -> dict[str, Any]:
    """The full record of a goal, measure or activity, and where each effective value comes
    from."""
    goals = {g.model.id: g for g in plan.goals}
    measures = {m.model.id: m for m in plan.measures}
    by_id = {v.id: v for v in views}
    if identifier in by_id:
        view = by_id[identifier]
        record = activity_record(
            view, units_by_id(plan), event_dates(plan), as_of, plan.relative(view.path)
        )
        record["kind"] = "activity"
        record["goal_title"] = goals[view.goal_id].model.title if view.goal_id in goals else None
        record["measure_title"] = measures[view.measure_id].model.title
        record["parent_title"] = by_id[view.parent_id].title if view.parent_id else None
        record["title_as_written"] = view.activity.title_as_written
        record["indicators_as_written"] = (
            view.indicators.value.as_written if view.indicators.value else None
        )
        record["sub_activities"] = [v.id for v in views if v.parent_id == view.id]
        record["progress"] = progress_records(view)
        return record
    if identifier in measures:
        measure = measures[identifier]
        rows = [v for v in views if v.measure_id == identifier]
        return {
            "kind": "measure",
            "id": identifier,
            "goal": identifier.split(".")[0],
            "goal_title": goals[identifier.split(".")[0]].model.title
            if identifier.split(".")[0] in goals
            else None,
            "title": measure.model.title,
            "title_as_written": measure.model.title_as_written,
            "file": plan.relative(measure.path),
            "activities": [
                {
                    "id": v.id,
                    "parent": v.parent_id,
                    "title": v.title,
                    "due": v.due.value.when.spell() if v.due.value else None,
                    "status": status_record(v, as_of)[0],
                }
                for v in rows
            ],
        }
    if identifier in goals:
        goal = goals[identifier]
        return {
            "kind": "goal",
            "id": identifier,
            "title": goal.model.title,
            "title_as_written": goal.model.title_as_written,
            "file": plan.relative(goal.path),
            "measures": [
                {
                    "id": m.model.id,
                    "title": m.model.title,
                    "activities": sum(1 for v in views if v.measure_id == m.model.id),
                }
                for m in sorted(measures.values(), key=lambda m: id_sort_key(m.model.id))
                if m.model.id.split(".")[0] == identifier
            ],
        }
    known = list(by_id) + list(measures) + list(goals)
    close = difflib.get_close_matches(identifier, known, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise UnknownIdError(f"no goal, measure or activity has the id '{identifier}'{hint}")
