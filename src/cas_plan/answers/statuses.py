"""How an activity stands on a day: its status and since when, the day it was completed, and
how late that was. The report, the site and the terminal all ask here, so a status reads the
same everywhere.

A parent with sub-activities and no progress entries of its own takes its status from them
(`ROLL_UP`, stated in words by the report): completed when all are completed or cancelled
(cancelled when all are cancelled), delayed when any is delayed, in progress when any is in
progress or completed, not started when all are not started, otherwise not reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cas_plan.core.deadlines import Continuous, OpenEnded, Yearly, span
from cas_plan.core.model import Activity, ProgressEntry
from cas_plan.core.status import NOT_REPORTED
from cas_plan.core.views import ActivityView, effective_entries, status_on

ROLL_UP = "roll_up_rule"
"""The phrasebook's sentence that states the roll-up rule."""


@dataclass(frozen=True)
class Standing:
    """An activity's status on a day, the day of the entry it comes from, and, when completed,
    the day it became so (the first of its last run of `completed` entries)."""

    status: str
    since: dt.date | None = None
    completed_on: dt.date | None = None
    rolled_up: bool = False  # taken from the sub-activities


CANCELLED = Standing("cancelled")


def _completed_on(entries: Sequence[ProgressEntry]) -> dt.date | None:
    """The first day of the last run of completed entries (a reopened activity completes anew)."""
    day = None
    for entry in sorted(entries, key=lambda e: e.date):
        if entry.status != "completed":
            day = None
        elif day is None:
            day = entry.date
    return day


def standing(activity: Activity, as_of: dt.date, year: int | None = None) -> Standing:
    """The activity on `as_of`: the latest entry on or before it (of `year` only, for a
    deadline that recurs each year: each year is reported anew), cancelled whenever it was
    cancelled; a parent with no entries of its own rolls its sub-activities up."""
    if activity.cancelled_by is not None:
        return CANCELLED
    entries = [e for e in effective_entries(activity.progress) if e.date <= as_of]
    overall = status_on(entries, as_of)
    if overall is not None and overall.status == "cancelled":
        return Standing("cancelled", overall.date)
    if not entries and activity.sub_activities:
        return _rolled_up([standing(sub, as_of, year) for sub in activity.sub_activities])
    if year is not None:
        entries = [e for e in entries if e.date.year == year]
    latest = status_on(entries, as_of)
    if latest is None:
        return Standing(NOT_REPORTED)
    done = _completed_on(entries) if latest.status == "completed" else None
    return Standing(latest.status, latest.date, done)


def _rolled_up(subs: Sequence[Standing]) -> Standing:
    """A parent's standing from its sub-activities' (`ROLL_UP`)."""
    active = [sub for sub in subs if sub.status != "cancelled"]
    if not active:
        return Standing("cancelled", rolled_up=True)
    statuses = {sub.status for sub in active}
    since = max((sub.since for sub in active if sub.since), default=None)
    if statuses == {"completed"}:
        done = max((sub.completed_on for sub in active if sub.completed_on), default=None)
        return Standing("completed", since, done, rolled_up=True)
    for status, among in (
        ("delayed", {"delayed"}),
        ("in_progress", {"in_progress", "completed"}),
    ):
        if statuses & among:
            return Standing(status, since, rolled_up=True)
    if statuses == {"not_started"}:
        return Standing("not_started", since, rolled_up=True)
    return Standing(NOT_REPORTED, rolled_up=True)


def recurs_yearly(view: ActivityView) -> bool:
    due = view.due.value
    return due is not None and isinstance(due.when, Yearly)


def occurrence_standing(view: ActivityView, day: dt.date | None, as_of: dt.date) -> Standing:
    """The standing of one occurrence of the activity's deadline (`day`; None: the activity as
    a whole): a yearly deadline's occurrence stands by the entries of its own year."""
    year = day.year if day is not None and recurs_yearly(view) else None
    return standing(view.activity, as_of, year)


def last_day(view: ActivityView, events: Mapping[str, dt.date]) -> dt.date | None:
    """The one day the activity is due by, when it has one (not continuous, open-ended or
    recurring each year, nor waiting for an event's date)."""
    due = view.due.value
    if due is None or isinstance(due.when, Continuous | OpenEnded | Yearly):
        return None
    return span(due.when, dict(events))[1]


def days_late(found: Standing, deadline: dt.date | None) -> int | None:
    """How many days after the deadline a completed activity was completed (None: not
    completed, or not late)."""
    if found.status != "completed" or found.completed_on is None or deadline is None:
        return None
    late = (found.completed_on - deadline).days
    return late if late > 0 else None
