"""Questions asked of a loaded plan, as pure functions returning typed rows.

`records` turns the rows into the stable JSON shapes; `output` renders them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from cas_plan.answers.statuses import occurrence_standing, standing
from cas_plan.core.deadlines import Continuous, DeadlineSpec, OpenEnded, Yearly, span
from cas_plan.core.loader import Plan
from cas_plan.core.model import Deadline, Unit
from cas_plan.core.organization import Organization, leads, responsible_unit_ids
from cas_plan.core.periods import Period
from cas_plan.core.views import ActivityView, id_sort_key


def event_dates(plan: Plan) -> dict[str, dt.date]:
    """Dates of the events recorded in events.yaml (events without a date are left out)."""
    if plan.events is None:
        return {}
    return {e.id: e.date for e in plan.events.model.events if e.date is not None}


def status_record(view: ActivityView, as_of: dt.date) -> tuple[str, str | None]:
    """The activity's status on the date and the day of the entry it comes from (a parent
    without entries of its own: from its sub-activities, `statuses.standing`)."""
    found = standing(view.activity, as_of)
    if found.status == "cancelled":
        return "cancelled", None
    return found.status, found.since.isoformat() if found.since else None


# --- what is due --------------------------------------------------------------------------------

Section = Literal["due", "unresolved", "continuous"]
"""Where a row of `due` belongs: falling due in the window, depending on an event whose date is
not recorded, or running (continuous and open-ended)."""
SECTIONS: tuple[Section, ...] = get_args(Section)
"""The sections of `due`, in the order they are shown."""
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
    spec: DeadlineSpec,
    events: dict[str, dt.date],
    low: dt.date,
    high: dt.date,
    period: tuple[dt.date, dt.date] | None = None,
) -> list[dt.date] | None:
    """Days on which a deadline falls due within [low, high]; None if an event date is missing.

    Months, quarters, years and ranges fall due on their last day; yearly ones once a year of
    the plan `period` (the plan sets no yearly deadline after it ends). Continuous and
    open-ended activities run rather than fall due: none.
    """
    if isinstance(spec, Continuous | OpenEnded):
        return []
    if isinstance(spec, Yearly):
        if period is not None:
            low, high = max(low, period[0]), min(high, period[1])
        return [
            day
            for year in range(low.year, high.year + 1)
            if low <= (day := spec.due_in(year)) <= high
        ]
    _, last = span(spec, events)
    if last is None:
        return None
    return [last] if low <= last <= high else []


def runs_in(spec: DeadlineSpec, high: dt.date) -> bool:
    """A continuous activity runs always; an open-ended one from its first day, with no end."""
    return isinstance(spec, Continuous) or (isinstance(spec, OpenEnded) and spec.first_day <= high)


def occurrence_status(view: ActivityView, day: dt.date | None, as_of: dt.date) -> str:
    """The status of one occurrence on `as_of`: the latest entry on or before it; for a yearly
    deadline, the latest entry of the occurrence's own year (each year is reported anew); a
    parent without entries of its own, from its sub-activities (`statuses.standing`)."""
    return occurrence_standing(view, day, as_of).status


def _asked(view: ActivityView, query: DueQuery) -> bool:
    """The activity is in force and within the query's goal, measure and units."""
    if view.cancelled:  # an amendment cancelled it: it drops out of what is due
        return False
    if query.goal and view.goal_id != query.goal:
        return False
    if query.measure and view.measure_id != query.measure:
        return False
    return query.scope is None or leads(view, set(query.scope))


def due_rows(plan: Plan, query: DueQuery) -> list[DueRow]:
    """What falls due in the window, sorted by date then id; then unresolved and continuous."""
    events = event_dates(plan)
    period = (plan.plan.model.period.start, plan.plan.model.period.end) if plan.plan else None
    low = query.after or (period[0] if period else dt.date.min)
    dated: list[DueRow] = []
    unresolved: list[DueRow] = []
    continuous: list[DueRow] = []
    for view in plan.views:
        if not _asked(view, query) or view.due.value is None:
            continue
        spec = view.due.value.when
        status = occurrence_status(view, None, query.as_of)
        if isinstance(spec, Continuous | OpenEnded):
            if (
                query.include_continuous
                and runs_in(spec, query.before)
                and not query.overdue_only
                and query.status in (None, status)
            ):
                continuous.append(DueRow(view, "continuous", None, status, False))
            continue
        days = occurrences(spec, events, low, query.before, period)
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


# --- responsibilities ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitLine:
    unit: Unit
    depth: int
    direct: int  # activities that name the unit itself
    total: int  # activities that name the unit or one of its sub-units


def unit_tree(plan: Plan) -> list[UnitLine]:
    """The registry as a tree, depth first, with the activities each unit leads."""
    org = Organization.of(plan.units.values())
    named = [set(responsible_unit_ids(view)) for view in plan.views]
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


def who(plan: Plan, unit_id: str, as_of: dt.date) -> list[WhoRow]:
    """Activities a unit is responsible for (with its sub-units and collectives covering them)."""
    org = Organization.of(plan.units.values())
    scope = org.scope(unit_id)
    subtree = org.subtree(unit_id)
    rows = []
    for view in plan.views:
        if view.cancelled or not leads(view, scope):
            continue
        status, _ = status_record(view, as_of)
        named = responsible_unit_ids(view)
        via = [u for u in named if u in scope]
        others = [u for u in named if u not in subtree]
        rows.append(WhoRow(view, status, via, others))
    return rows


def period_views(plan: Plan, period: Period, as_of: dt.date) -> list[ActivityView]:
    """The activities due in the period, overdue at its start, or continuous (and so running
    in it), each once, in plan order."""
    due_in = due_rows(
        plan,
        DueQuery(before=period.end, after=period.start, as_of=as_of, include_continuous=True),
    )
    overdue = due_rows(
        plan,
        DueQuery(before=period.start - dt.timedelta(days=1), as_of=period.start, overdue_only=True),
    )
    chosen = {row.view.id for row in [*due_in, *overdue] if row.section != "unresolved"}
    return [view for view in plan.views if view.id in chosen]


def unit_views(plan: Plan, views: Sequence[ActivityView], unit_id: str) -> list[ActivityView]:
    """The views a unit leads: named on it, a sub-unit or a collective that covers it."""
    scope = Organization.of(plan.units.values()).scope(unit_id)
    return [view for view in views if leads(view, scope)]


@dataclass(frozen=True)
class UnitWork:
    """A unit and the activities it has work on in a period (those it leads, `unit_views`)."""

    unit: Unit
    views: list[ActivityView]


def period_work(
    plan: Plan, period: Period, as_of: dt.date, unit_ids: Sequence[str] = ()
) -> tuple[list[ActivityView], list[UnitWork]]:
    """The one answer to which units have work in a period, and on what, that `collect` (the
    workbooks) and `followup` (the list and the drafts) share: the activities of the period
    (`period_views`: due in it, overdue at its start, or continuous), and per unit those it
    leads: for the units asked, or else for each unit named on one of them or covered by a
    collective named on one ("all customs offices": the units it covers report, not it), in
    registry order; a unit with none is left out."""
    views = period_views(plan, period, as_of)
    if unit_ids:
        chosen = [plan.units[unit_id] for unit_id in unit_ids]
    else:
        named = {unit for view in views for unit in responsible_unit_ids(view)}
        covered = {
            member
            for unit_id in named
            if unit_id in plan.units and plan.units[unit_id].kind == "collective"
            for member in plan.units[unit_id].covers
        }
        chosen = [
            unit
            for unit in plan.units.values()
            if unit.kind != "collective" and (unit.id in named or unit.id in covered)
        ]
    work = [UnitWork(unit, unit_views(plan, views, unit.id)) for unit in chosen]
    return views, [item for item in work if item.views]


def deadline_text(due: Deadline | None) -> str:
    """A deadline cell as the plan writes it, for machines (JSON, CSV) and for the digest of
    what a workbook showed: the source's own words, else the spelling; people read it in words
    (`l10n.deadlines`)."""
    if due is None:
        return ""
    return due.as_written or due.when.spell()
