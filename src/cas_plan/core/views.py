"""Effective values of activities: the source's merged cells, filled down within each measure.

In the source table a cell merged over several rows is printed once, on its first row. In a measure
file, an activity that leaves a cell out continues the cell of the row above (in file order:
a parent, then its sub-activities, then the next activity); `null` or `[]` marks a cell that the
source leaves blank on purpose. Each effective value remembers the activity it was written on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from cas_plan.core.model import (
    Activity,
    Deadline,
    Funding,
    Indicators,
    Loaded,
    MeasureFile,
    ProgressEntry,
    Responsibility,
    correction_target,
)

T = TypeVar("T")
CELLS = ("indicators", "responsible", "funds", "due")


@dataclass(slots=True)
class Cell(Generic[T]):
    """An effective cell value and the id of the activity whose row states it (None: nowhere)."""

    value: T | None
    written_on: str | None


@dataclass(slots=True)
class ActivityView:
    """One activity with its place in the plan and its effective cells (not to be changed:
    slots without `frozen`, because frozen dataclasses are slow to build by the ten thousand)."""

    activity: Activity
    goal_id: str
    measure_id: str
    parent_id: str | None
    path: str  # the measure file, as shown to the user
    pointer: tuple[str | int, ...]  # where the activity sits in its file
    indicators: Cell[Indicators]
    responsible: Cell[Responsibility]
    funds: Cell[Funding]
    due: Cell[Deadline]

    @property
    def id(self) -> str:
        return self.activity.id

    @property
    def title(self) -> str:
        return self.activity.title

    @property
    def entries(self) -> list[ProgressEntry]:
        """The progress entries that stand (corrected ones left out), oldest first."""
        return effective_entries(self.activity.progress)

    @property
    def cancelled(self) -> bool:
        return self.activity.cancelled_by is not None

    @property
    def indicator_texts(self) -> list[str]:
        return self.indicators.value.texts if self.indicators.value else []

    def inherited(self, cell: str) -> bool:
        written_on: str | None = getattr(self, cell).written_on
        return written_on is not None and written_on != self.id


def goal_of(measure_id: str) -> str:
    return measure_id.split(".")[0]


def measure_views(measure: Loaded[MeasureFile]) -> Iterator[ActivityView]:
    """The activities of one measure in row order, with merged cells filled down."""
    last: dict[str, Cell[object]] = {name: Cell(None, None) for name in CELLS}
    measure_id = measure.model.id

    def walk(
        activities: list[Activity], parent: str | None, base: tuple[str | int, ...]
    ) -> Iterator[ActivityView]:
        for index, activity in enumerate(activities):
            pointer = (*base, index)
            own = dict(last)
            for name in CELLS:
                if name in activity.model_fields_set:
                    own[name] = Cell(getattr(activity, name), activity.id)
            if activity.added_by is None:  # an added row states its cells for itself only
                last.update(own)
            yield ActivityView(
                activity=activity,
                goal_id=goal_of(measure_id),
                measure_id=measure_id,
                parent_id=parent,
                path=measure.path,
                pointer=pointer,
                indicators=own["indicators"],  # type: ignore[arg-type]  # filled from the same field
                responsible=own["responsible"],  # type: ignore[arg-type]
                funds=own["funds"],  # type: ignore[arg-type]
                due=own["due"],  # type: ignore[arg-type]
            )
            yield from walk(activity.sub_activities, activity.id, (*pointer, "sub_activities"))

    yield from walk(measure.model.activities, None, ("activities",))


def by_measure(views: Iterable[ActivityView]) -> dict[str, list[ActivityView]]:
    """Each measure's activities in the order given: found once, where a page or a section
    per measure would scan every activity (a product of the plan's parts)."""
    grouped: dict[str, list[ActivityView]] = {}
    for view in views:
        grouped.setdefault(view.measure_id, []).append(view)
    return grouped


def by_goal(measures: Iterable[Loaded[MeasureFile]]) -> dict[str, list[Loaded[MeasureFile]]]:
    """Each goal's measures in the order given."""
    grouped: dict[str, list[Loaded[MeasureFile]]] = {}
    for measure in measures:
        grouped.setdefault(goal_of(measure.model.id), []).append(measure)
    return grouped


def id_sort_key(identifier: str) -> tuple[int, ...]:
    """'3.10' sorts after '3.9'."""
    return tuple(int(part) for part in identifier.split(".") if part.isdigit())


def plan_views(measures: Iterable[Loaded[MeasureFile]]) -> tuple[ActivityView, ...]:
    """Every activity of the plan, ordered by goal, measure and row."""
    ordered = sorted(measures, key=lambda m: id_sort_key(m.model.id))
    return tuple(view for measure in ordered for view in measure_views(measure))


def status_on(progress: list[ProgressEntry], day: dt.date) -> ProgressEntry | None:
    """The latest progress entry dated on or before `day` (entries are kept in date order)."""
    latest = None
    for entry in progress:
        if entry.date <= day and (latest is None or entry.date >= latest.date):
            latest = entry
    return latest


# --- corrections ----------------------------------------------------------------------------


def superseded(entries: Sequence[ProgressEntry]) -> set[int]:
    """Positions of the entries that a later entry corrects (`corrects: DATE` is the last entry
    of that date before the correction, `DATE#N` the N-th one)."""
    out: set[int] = set()
    for position, entry in enumerate(entries):
        if entry.corrects is None:
            continue
        target = correction_target_index(entries, position)
        if target is not None:
            out.add(target)
    return out


def correction_target_index(entries: Sequence[ProgressEntry], position: int) -> int | None:
    """The position of the entry that the entry at `position` corrects, if it exists."""
    corrects = entries[position].corrects
    if corrects is None:
        return None
    day, number = correction_target(corrects)
    same_day = [i for i in range(position) if entries[i].date == day]
    if number is None:
        return same_day[-1] if same_day else None
    return same_day[number - 1] if number <= len(same_day) else None


def effective_entries(entries: Sequence[ProgressEntry]) -> list[ProgressEntry]:
    """The entries that stand: every entry but those a correction superseded, in file order."""
    gone = superseded(entries)
    return [entry for position, entry in enumerate(entries) if position not in gone]
