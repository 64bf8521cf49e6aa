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
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cas_plan.core.loader import Plan
from cas_plan.core.model import (
    CONTINUED,
    Activity,
    Amendment,
    Change,
    EventsFile,
    Loaded,
    MeasureFile,
)
from cas_plan.core.views import CELLS, ActivityView, plan_views

AMENDABLE = ("title", *CELLS)


def amendments_by_id(plan: Plan) -> dict[str, Amendment]:
    if plan.amendments is None:
        return {}
    return {a.id: a for a in plan.amendments.model.amendments}


Later = Callable[[str | None], bool]
"""Whether an amendment (by id) is one to undo."""


def _rewind_activity(activity: Activity, after: Later, day: dt.date | None) -> Activity | None:
    """The activity without the amendments `after` names (None when one of them added it),
    and with the progress entries dated up to `day` (all of them when None)."""
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
    progress = [entry for entry in activity.progress if day is None or entry.date <= day]
    if len(progress) != len(activity.progress):
        values["progress"] = progress
    subs = _rewind_all(activity.sub_activities, after, day)
    if subs is not None:
        values["sub_activities"] = subs
    if not values:
        return activity
    rebuilt = activity.model_copy(update=values)
    object.__setattr__(rebuilt, "__pydantic_fields_set__", stated)
    return rebuilt


def _rewind_all(
    activities: list[Activity], after: Later, day: dt.date | None
) -> list[Activity] | None:
    """The activities rewound (`_rewind_activity`), or None when none of them differs
    (identity is checked, not equality: comparing a large plan's models would cost more than
    rewinding)."""
    rewound = [_rewind_activity(activity, after, day) for activity in activities]
    if all(new is old for new, old in zip(rewound, activities, strict=True)):
        return None
    return [activity for activity in rewound if activity is not None]


def plan_on(plan: Plan, day: dt.date) -> Plan:
    """The plan in force on `day` (see the module's docstring)."""
    amendments = amendments_by_id(plan)

    def after(amendment_id: str | None) -> bool:
        amendment = amendments.get(amendment_id or "")
        return amendment is not None and amendment.date > day

    measures = []
    for measure in plan.measures:
        activities = _rewind_all(measure.model.activities, after, day)
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


def amendment_order(plan: Plan) -> list[Amendment]:
    """The amendments in the order they were adopted: by date, then as amendments.yaml lists
    them (two decisions of one day)."""
    registry = plan.amendments.model.amendments if plan.amendments else []
    return sorted(registry, key=lambda a: a.date)  # sorted() is stable


def measure_around(
    measure: Loaded[MeasureFile], rank: Mapping[str, int], amendment_id: str
) -> tuple[Loaded[MeasureFile], Loaded[MeasureFile]]:
    """A measure just before an amendment and just after it (both without the amendments
    adopted after it), for what it changed; progress is left as it is. `rank`: each
    amendment's place in the order of adoption (`amendment_order`)."""
    own = rank[amendment_id]

    def rewound(undo_own: bool) -> Loaded[MeasureFile]:
        def after(other: str | None) -> bool:
            position = rank.get(other or "")
            return position is not None and (position > own or (undo_own and position == own))

        activities = _rewind_all(measure.model.activities, after, None)
        if activities is None:
            return measure
        return Loaded(measure.model.model_copy(update={"activities": activities}), measure.path)

    return rewound(True), rewound(False)


def amendments_touching(activity: Activity) -> set[str]:
    """The amendments that added, cancelled or changed the activity or one of its
    sub-activities."""
    found = {change.amendment for change in activity.history}
    found.update(a for a in (activity.added_by, activity.cancelled_by) if a is not None)
    for sub in activity.sub_activities:
        found |= amendments_touching(sub)
    return found
