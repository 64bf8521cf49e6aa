"""Periods: the five spellings, and a bad one named with the accepted forms."""

from __future__ import annotations

import datetime as dt

import pytest

from cas_plan.core.errors import UsageError
from cas_plan.core.periods import Period, parse_period


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2018", dt.date(2018, 1, 1), dt.date(2018, 12, 31)),
        ("2018-H1", dt.date(2018, 1, 1), dt.date(2018, 6, 30)),
        ("2018-H2", dt.date(2018, 7, 1), dt.date(2018, 12, 31)),
        ("2018-Q4", dt.date(2018, 10, 1), dt.date(2018, 12, 31)),
        ("2020-02", dt.date(2020, 2, 1), dt.date(2020, 2, 29)),
        ("2018-01-01..2018-06-30", dt.date(2018, 1, 1), dt.date(2018, 6, 30)),
    ],
)
def test_the_five_spellings(text, start, end):
    assert parse_period(text) == Period(start, end, text)


@pytest.mark.parametrize(
    "text", ["2018-Q5", "2018-13", "18", "2018-H3", "2018-02-30..2018-03-01", ""]
)
def test_a_bad_spelling_names_the_accepted_forms(text):
    with pytest.raises(UsageError) as caught:
        parse_period(text)
    assert caught.value.message == (
        f"--period: '{text}' is not a period; write "
        "2018, 2018-H1, 2018-Q4, 2018-07 or 2018-01-01..2018-06-30"
    )


def test_a_range_that_ends_before_it_starts():
    with pytest.raises(UsageError, match="ends before it starts"):
        parse_period("2018-06-30..2018-01-01")
