"""Effective values of activities: the source's merged cells, filled down within each measure.

In the source table a cell merged over several rows is printed once, on its first row. In a measure
file, an activity that leaves a cell out continues the cell of the row above (in file order:
a parent, then its sub-activities, then the next activity); `null` or `[]` marks a cell that the
source leaves blank on purpose. Each effective value remembers the activity it was written on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from cas_plan.model import (
    Activity,
    Deadline,
    Funding,
    Indicators,
    Loaded,
    MeasureFile,
    ProgressEntry,
    Responsibility,
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
    def indicator_texts(self) -> list[str]:
        return list(self.indicators.value.items) if self.indicators.value else []

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
            for name in CELLS:
                if name in activity.model_fields_set:
                    last[name] = Cell(getattr(activity, name), activity.id)
            yield ActivityView(
                activity=activity,
                goal_id=goal_of(measure_id),
                measure_id=measure_id,
                parent_id=parent,
                path=measure.path,
                pointer=pointer,
                indicators=last["indicators"],  # type: ignore[arg-type]  # filled from the same field
                responsible=last["responsible"],  # type: ignore[arg-type]
                funds=last["funds"],  # type: ignore[arg-type]
                due=last["due"],  # type: ignore[arg-type]
            )
            yield from walk(activity.sub_activities, activity.id, (*pointer, "sub_activities"))

    yield from walk(measure.model.activities, None, ("activities",))


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
