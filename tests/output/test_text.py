"""Plain text helpers of the tool's own English words: counted nouns, statuses and headers come
from the phrasebook, like every other surface's words."""

from __future__ import annotations

import datetime as dt

import pytest

from cas_plan.commands.common import counted
from cas_plan.core.deadlines import DeadlineSpec
from cas_plan.core.model import Deadline
from cas_plan.output.text import deadline_cell, header, status_word


@pytest.mark.parametrize(
    ("count", "noun", "text"),
    [
        (1, "activity", "1 activity"),
        (2, "activity", "2 activities"),
        (0, "indicator", "0 indicators"),
        (3, "day", "3 days"),
        (1, "problem", "1 problem"),
        (1234, "row", "1,234 rows"),
        (1, "progress_entry", "a progress entry"),
        (2, "progress_entry", "2 progress entries"),
    ],
)
def test_counted(count: int, noun: str, text: str) -> None:
    assert counted(count, noun) == text


def test_statuses_and_headers_in_the_tools_lower_case() -> None:
    assert [status_word(s) for s in ("not_reported", "in_progress", "completed")] == [
        "not reported",
        "in progress",
        "completed",
    ]
    assert [header(key) for key in ("id", "deadline", "responsible", "due")] == [
        "id",
        "deadline",
        "responsible",
        "due",
    ]


def test_a_deadline_cell_is_an_iso_day_or_words() -> None:
    def said(spec: DeadlineSpec) -> str:
        return f"<{spec.spell()}>"

    day = Deadline.model_validate({"when": dt.date(2018, 12, 31)})
    quarter = Deadline.model_validate({"when": "2018-Q4"})
    assert deadline_cell(day, said) == "2018-12-31"
    assert deadline_cell(quarter, said) == "<2018-Q4>"
    assert deadline_cell(None, said) == ""
