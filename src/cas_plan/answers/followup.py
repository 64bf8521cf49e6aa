"""Following up a period: per unit, the activities of the period with no report in it.

The units and their activities of the period are `answers.queries.period_work`'s, the ones
`collect` makes workbooks of (due in the period, overdue at its start, or continuous); an
activity is reported when it has an entry (one that stands, after corrections) dated in the
period, on or before the day asked. These are typed values; output/ makes the table, the
Markdown, the CSV, the JSON and the e-mail drafts of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from cas_plan.answers.queries import period_work
from cas_plan.core.loader import Plan
from cas_plan.core.model import Deadline, Unit, reporter_unit
from cas_plan.core.periods import Period
from cas_plan.core.views import ActivityView, status_on


@dataclass(frozen=True)
class Missing:
    """An activity of the period with no report in it, and its status on the day asked."""

    id: str
    title: str
    due: Deadline | None
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
    views, work = period_work(plan, period, as_of)
    latest = last_reports(plan, as_of)
    result = []
    for unit, own in ((item.unit, item.views) for item in work):
        missing = []
        for view in own:
            if reported_in(view, period, as_of):
                continue
            entry = status_on(view.entries, as_of)
            status = entry.status if entry else "not_reported"
            missing.append(Missing(view.id, view.title, view.due.value, status))
        result.append(UnitFollowup(unit, len(own), missing, latest.get(unit.id)))
    unreported = sum(1 for view in views if not reported_in(view, period, as_of))
    return Followup(period, as_of, result, len(views), unreported)


def drafts_for(result: Followup) -> Sequence[UnitFollowup]:
    """The units a draft is written for: those with an activity without a report."""
    return [item for item in result.units if item.missing]
