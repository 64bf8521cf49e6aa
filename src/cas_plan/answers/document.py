"""The plan as the document it came from, as typed rows: the source's table, a cell per column
of each activity's row with the rows it spans, its marks (struck through, new, a label) and the
numbers of the notes it refers to. `publish/document.py` builds them in the reader's words; the
writers of `output/` (Word, Excel) and the templates lay them out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from cas_plan.core.views import CELLS, ActivityView

COLUMNS = ("measure", "activity", *CELLS)
"""The source's columns; an activity's cells are CELLS, its number and title the second."""

State = Literal["in_force", "added", "cancelled"]


@dataclass(frozen=True)
class Cell:
    """One cell of the table: its text in force, a line each, and how many rows it spans.

    `old`: the text in force on `since`, struck through beside `lines` (None: not changed since);
    `notes`: the numbers of the notes (decisions) about it; `label`: a word before its text
    ("added", "cancelled"); `struck`: the cell of a cancelled activity; `inserted`: the cell of
    an activity added since."""

    lines: tuple[str, ...]
    rows: int = 1
    old: tuple[str, ...] | None = None
    notes: tuple[int, ...] = ()
    label: str | None = None
    struck: bool = False
    inserted: bool = False


@dataclass(frozen=True)
class Row:
    """An activity's row: a cell per column, None where a cell of a row above spans over it."""

    activity_id: str
    state: State
    cells: tuple[Cell | None, ...]


@dataclass(frozen=True)
class GoalRows:
    """A goal's row (its heading across every column) and the rows of its measures."""

    goal_id: str
    heading: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Note:
    """A numbered note: the decision of an amendment that a mark refers to."""

    number: int
    amendment: str
    decision: str
    date: dt.date | None
    reason: str | None
    text: str


@dataclass(frozen=True)
class PlanDocument:
    """The consolidated text, every word chosen: what the writers lay out."""

    lang: str
    html_lang: str
    as_of: dt.date
    since: dt.date
    title: str
    institution: str | None
    in_force: str
    marked: str
    untranslated: str | None
    goals_intro: str
    goal_list: tuple[tuple[str, str], ...]  # the introduction's list: number, title
    headers: tuple[str, ...]
    goals: tuple[GoalRows, ...]
    notes: tuple[Note, ...]
    words: Mapping[str, str] = field(repr=False)

    @property
    def rows(self) -> Iterator[Row]:
        """Every activity's row, in order."""
        for goal in self.goals:
            yield from goal.rows


def runs(views: Sequence[ActivityView], cell: str, starts: Sequence[bool]) -> list[int]:
    """How many rows the cell starting on each row spans (0: a cell above spans over the row).
    A row continues the cell above it when both take it from the same row above them (the
    source's merged cell), unless `starts[row]` says the row's cell stands on its own."""
    spans = [0] * len(views)
    first = 0
    for index, view in enumerate(views):
        written_on = getattr(view, cell).written_on
        above = getattr(views[index - 1], cell).written_on if index else None
        joins = written_on is not None and written_on == above and written_on != view.id
        if joins and not starts[index]:
            spans[first] += 1
        else:
            first = index
            spans[index] = 1
    return spans
