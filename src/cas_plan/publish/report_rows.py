"""The report's figures and rows: each deadline of the period with how it stands (completed on
time or late, or its status), the counts and shares per goal, an activity's row of the
achievements and the annex, and the delays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cas_plan.answers.amendments import AmendmentEffect
from cas_plan.answers.figures import share_of, shares
from cas_plan.answers.queries import DueQuery, DueRow, due_rows, event_dates, occurrences
from cas_plan.answers.records import evidence_record
from cas_plan.answers.statuses import (
    Standing,
    days_late,
    last_day,
    occurrence_standing,
    recurs_yearly,
)
from cas_plan.core.deadlines import Continuous, Yearly
from cas_plan.core.loader import Plan
from cas_plan.core.model import ProgressEntry
from cas_plan.core.organization import responsible_names
from cas_plan.core.periods import Period
from cas_plan.core.views import ActivityView, id_sort_key
from cas_plan.l10n.deadlines import DeadlineWords
from cas_plan.l10n.formats import format_date, overdue_by, phrase, plural
from cas_plan.l10n.phrases import REPORT_STATUSES, words

# the columns of the summary: what fell due, then how it stands (completed on time or late, ...)
SUMMARY_KEYS = ("due", *REPORT_STATUSES)
DONE = ("completed", "completed_late")
CLOSED = (*DONE, "cancelled")


@dataclass(frozen=True)
class Occurrence:
    """One deadline of an activity, how it stands on the date of the state (`klass`: completed
    on time or late, or the status), and how many days late it was completed."""

    row: DueRow
    klass: str
    found: Standing
    late: int | None = None

    @property
    def view(self) -> ActivityView:
        return self.row.view

    @property
    def deadline(self) -> dt.date:
        assert self.row.deadline is not None  # only dated occurrences are classified
        return self.row.deadline


def classify(row: DueRow, as_of: dt.date) -> Occurrence:
    """How one deadline stands on `as_of`: completed after it is completed late."""
    found = occurrence_standing(row.view, row.deadline, as_of)
    late = days_late(found, row.deadline)
    if found.status == "completed":
        return Occurrence(row, "completed_late" if late else "completed", found, late)
    return Occurrence(row, found.status, found)


def occurrences_between(
    plan: Plan, first: dt.date, last: dt.date, as_of: dt.date
) -> list[Occurrence]:
    """Each deadline from `first` to `last` with how it stands, by date then activity; the
    deadlines of cancelled activities too (counted as cancelled)."""
    query = DueQuery(before=last, after=first, as_of=as_of, include_continuous=True)
    found = [classify(row, as_of) for row in due_rows(plan, query) if row.section == "due"]
    events = event_dates(plan)
    for view in plan.views:
        if view.cancelled and view.due.value is not None:
            for day in occurrences(view.due.value.when, events, first, last) or []:
                row = DueRow(view, "due", day, "cancelled", False)
                found.append(Occurrence(row, "cancelled", Standing("cancelled")))
    found.sort(key=lambda o: (o.deadline, id_sort_key(o.view.id)))
    return found


def counts(classes: Sequence[str]) -> dict[str, Any]:
    """Counts of the classes, their shares (`answers.figures`: cancelled ones left out, adding
    up to 100) and the completed share (on time or late)."""
    counted = {key: classes.count(key) for key in REPORT_STATUSES}
    share = shares(counted)
    active = len(classes) - counted["cancelled"]
    return {
        "counts": {"due": len(classes), **counted},
        "percents": {"due": None, **share},
        "completion": share_of(counted["completed"] + counted["completed_late"], active),
    }


def summary(found: Sequence[Occurrence], goal_ids: Sequence[str]) -> dict[str, Any]:
    """The counts per goal of the plan and overall."""
    return {
        "goals": {
            goal: counts([o.klass for o in found if o.view.goal_id == goal]) for goal in goal_ids
        },
        "overall": counts([o.klass for o in found]),
    }


def status_text(klass: str, late: int | None, rolled_up: bool, lang: str) -> str:
    """A status as the report's tables say it: the days late of one completed late, and a
    status taken from the sub-activities marked so."""
    w = words(lang)
    text = w[klass]
    if late:
        text = phrase("status_with", lang, status=text, detail=plural(late, "day", lang))
    if rolled_up:
        text = phrase("status_with", lang, status=text, detail=w["rolled_up"])
    return text


@dataclass(frozen=True)
class RowWords:
    """What an activity's row needs besides the activity: the period, the date of the state
    and how to say names and deadlines."""

    period: Period
    as_of: dt.date
    units: Mapping[str, str]
    deadlines: DeadlineWords
    events: Mapping[str, dt.date]

    @property
    def lang(self) -> str:
        return self.deadlines.lang


def _recurs(view: ActivityView) -> bool:
    """Continuous and yearly activities are reported anew each year."""
    due = view.due.value
    return due is not None and isinstance(due.when, Continuous | Yearly)


def entries_in(view: ActivityView, first: dt.date, last: dt.date) -> list[ProgressEntry]:
    return [e for e in view.entries if first <= e.date <= last]


def activity_row(view: ActivityView, found: Occurrence | None, say: RowWords) -> dict[str, Any]:
    """One activity of the report. Values, evidence and the latest note come from the entries
    that stand, up to the date of the state; a continuous or yearly activity shows what it
    reported in the period (or in its deadline's year)."""
    if found is not None and recurs_yearly(view):
        year = found.deadline.year
        entries = entries_in(view, dt.date(year, 1, 1), min(dt.date(year, 12, 31), say.as_of))
    elif _recurs(view):
        entries = entries_in(view, say.period.start, say.as_of)
    else:
        entries = [e for e in view.entries if e.date <= say.as_of]
    values: dict[str, str] = {}
    evidence: list[str] = []
    for entry in entries:
        values.update(entry.values)
        evidence += [item for item in entry.evidence if item not in evidence]
    noted = [entry for entry in entries if entry.note]
    standing = found.found if found else occurrence_standing(view, None, say.as_of)
    klass = found.klass if found else standing.status
    late = found.late if found else None
    due = view.due.value
    deadline = found.deadline if found else last_day(view, say.events)
    return {
        "id": view.id,
        "title": view.title,
        "responsible": responsible_names(view, say.units),
        "deadline": deadline.isoformat() if deadline else None,
        "due": due.when.spell() if due else None,
        "due_words": say.deadlines(due.when) if due else None,
        "due_as_written": due.as_written if due else None,
        "continuous": bool(due and due.when.kind == "continuous"),
        "status": klass,
        "status_text": status_text(klass, late, standing.rolled_up, say.lang),
        "days_late": late,
        "rolled_up": standing.rolled_up,
        "latest_note": noted[-1].note if noted else None,
        "latest_note_date": noted[-1].date.isoformat() if noted else None,
        "indicator_values": values,
        "evidence": [evidence_record(item) for item in evidence],
        "reports_in_year": len(entries_in(view, say.period.start, say.as_of)),
    }


def activity_rows(
    plan: Plan, found: Sequence[Occurrence], say: RowWords
) -> dict[str, dict[str, Any]]:
    """The row of each activity due in the period (at its first deadline in it), then of each
    one reported in the period without a deadline in it (continuous ones included)."""
    rows: dict[str, dict[str, Any]] = {}
    for occurrence in found:
        if occurrence.view.id not in rows:
            rows[occurrence.view.id] = activity_row(occurrence.view, occurrence, say)
    for view in plan.views:
        if view.id not in rows and entries_in(view, say.period.start, say.as_of):
            rows[view.id] = activity_row(view, None, say)
    return rows


def delays(
    found: Sequence[Occurrence], effects: Sequence[AmendmentEffect], say: RowWords
) -> list[dict[str, Any]]:
    """Every deadline up to the date of the state (in the period or before it) whose activity
    was not completed by then: days late counted from the deadline to that date, the latest
    reason given (whatever year), what was done about it (an amendment that moved it)."""
    lang = say.lang
    rows: dict[str, dict[str, Any]] = {}
    for occurrence in found:
        view = occurrence.view
        if occurrence.klass in CLOSED or occurrence.deadline > say.as_of or view.id in rows:
            continue  # a yearly activity late in several years: its longest delay
        noted = [e for e in view.entries if e.date <= say.as_of and e.note]
        days = (say.as_of - occurrence.deadline).days
        moved = _moved(view, effects, say)
        rows[view.id] = {
            "id": view.id,
            "title": view.title,
            "responsible": responsible_names(view, say.units),
            "deadline": occurrence.deadline.isoformat(),
            "before_period": occurrence.deadline < say.period.start,
            "status": occurrence.klass,
            "status_text": status_text(occurrence.klass, None, occurrence.found.rolled_up, lang),
            "reason": noted[-1].note if noted else None,
            "reason_date": noted[-1].date.isoformat() if noted else None,
            "reason_given": phrase(
                "reason_given_on", lang, date=format_date(noted[-1].date, lang, "short")
            )
            if noted
            else None,
            "days_overdue": days,
            "overdue_text": overdue_by(days, lang),
            "days_text": plural(days, "day", lang),
            "moved": moved,
            "action": "; ".join(m["text"] for m in moved),
        }
    return list(rows.values())


def _moved(
    view: ActivityView, effects: Sequence[AmendmentEffect], say: RowWords
) -> list[dict[str, Any]]:
    """The amendments (up to the date of the state) that moved the activity's deadline, each
    with the deadline it set, in words."""
    lang = say.lang
    out = []
    for effect in effects:
        for change in effect.changes:
            if change.view.id != view.id or change.kind != "due":
                continue
            new = getattr(change.new, "when", None)
            amendment = effect.amendment
            out.append(
                {
                    "decision": amendment.decision,
                    "date": amendment.date.isoformat(),
                    "new": say.deadlines(new) if new is not None else None,
                    "text": phrase(
                        "moved_by",
                        lang,
                        new=say.deadlines(new) if new is not None else words(lang)["cell_blank"],
                        decision=amendment.decision,
                        date=format_date(amendment.date, lang, "short"),
                    ),
                }
            )
    return out
