"""The plan as lived: amendments, corrections, and the plan in force on any date.

The measure files always show the values in force now; each amendment that changed a cell left
the earlier value in the activity's `history`, and `plan_on` rewinds them: the plan of a past
day has that day's values, only the activities added by then, the event dates known by then and
the progress entries dated up to then, with corrections applied only once they were made. So a
report for 2017 rebuilt today is the one built at the end of 2017 from the same history.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from cas_plan.core.loader import Plan
from cas_plan.core.model import (
    CONTINUED,
    Activity,
    Amendment,
    Change,
    EventsFile,
    Loaded,
)
from cas_plan.core.views import CELLS, ActivityView, plan_views

AMENDABLE = ("title", *CELLS)


def amendments_by_id(plan: Plan) -> dict[str, Amendment]:
    if plan.amendments is None:
        return {}
    return {a.id: a for a in plan.amendments.model.amendments}


def _rewind_activity(
    activity: Activity, day: dt.date, amendments: dict[str, Amendment]
) -> Activity | None:
    """The activity as it stood on `day`, or None when an amendment added it later."""

    def after(amendment_id: str | None) -> bool:
        amendment = amendments.get(amendment_id or "")
        return amendment is not None and amendment.date > day

    if activity.added_by is not None and after(activity.added_by):
        return None
    values: dict[str, Any] = {}
    stated = set(activity.model_fields_set)  # the cells this row states (others continue)
    for change in reversed(activity.history):  # newest first: each restores the value before it
        if not after(change.amendment):
            continue
        for cell in change.model_fields_set - {"amendment"}:
            earlier = getattr(change, cell)
            values[cell] = None if earlier == CONTINUED else earlier
            if earlier == CONTINUED:
                stated.discard(cell)
            else:
                stated.add(cell)
    if values:
        values["history"] = [c for c in activity.history if not after(c.amendment)]
    if activity.cancelled_by is not None and after(activity.cancelled_by):
        values["cancelled_by"] = None
        stated.discard("cancelled_by")
    progress = [entry for entry in activity.progress if entry.date <= day]
    if len(progress) != len(activity.progress):
        values["progress"] = progress
    subs = _rewind_all(activity.sub_activities, day, amendments)
    if subs is not None:
        values["sub_activities"] = subs
    if not values:
        return activity
    rebuilt = activity.model_copy(update=values)
    object.__setattr__(rebuilt, "__pydantic_fields_set__", stated)
    return rebuilt


def _rewind_all(
    activities: list[Activity], day: dt.date, amendments: dict[str, Amendment]
) -> list[Activity] | None:
    """The activities as they stood on `day`, or None when none of them differs (identity is
    checked, not equality: comparing a large plan's models would cost more than rewinding)."""
    rewound = [_rewind_activity(activity, day, amendments) for activity in activities]
    if all(new is old for new, old in zip(rewound, activities, strict=True)):
        return None
    return [activity for activity in rewound if activity is not None]


def plan_on(plan: Plan, day: dt.date) -> Plan:
    """The plan in force on `day` (see the module's docstring)."""
    amendments = amendments_by_id(plan)
    measures = []
    for measure in plan.measures:
        activities = _rewind_all(measure.model.activities, day, amendments)
        if activities is None:
            measures.append(measure)
        else:
            model = measure.model.model_copy(update={"activities": activities})
            measures.append(Loaded(model, measure.path))
    events = plan.events
    if events is not None:
        known = [
            event
            if event.date is None or (event.known_on or event.date) <= day
            else event.model_copy(update={"date": None})
            for event in events.model.events
        ]
        if any(new is not old for new, old in zip(known, events.model.events, strict=True)):
            events = Loaded(EventsFile(events=known), events.path)
    rebuilt = tuple(measures)
    if events is plan.events and all(
        new is old for new, old in zip(rebuilt, plan.measures, strict=True)
    ):
        return plan
    return dataclasses.replace(plan, measures=rebuilt, events=events, views=plan_views(rebuilt))


def touched_by(views: Sequence[ActivityView]) -> dict[str, list[ActivityView]]:
    """The activities each amendment added, cancelled or changed, in plan order, each once: in
    one pass over the activities, so a plan with thousands of amendments costs what its
    activities and their histories hold, not amendments times activities."""
    touched: dict[str, list[ActivityView]] = {}
    for view in views:
        activity = view.activity
        named = (activity.added_by, activity.cancelled_by, *(c.amendment for c in activity.history))
        for amendment_id in dict.fromkeys(named):
            if amendment_id is not None:
                touched.setdefault(amendment_id, []).append(view)
    return touched


def in_force(activity: Activity) -> bool:
    """False for an activity an amendment cancelled (on the day the plan was taken)."""
    return activity.cancelled_by is None


def cell_changes(activity: Activity, cell: str) -> list[Change]:
    """The amendments' changes of one cell of an activity, oldest first."""
    return [change for change in activity.history if cell in change.model_fields_set]
