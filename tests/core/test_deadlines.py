"""Deadline forms: each spelling parses to its typed value, spells back, and has its days."""

from __future__ import annotations

import datetime as dt

import pytest

from cas_plan.core.deadlines import (
    Continuous,
    DeadlineSyntaxError,
    EventBounded,
    EventRef,
    OpenEnded,
    Relative,
    Yearly,
    events_of,
    parse_deadline,
    span,
)

D = dt.date


@pytest.mark.parametrize(
    ("spelling", "kind", "first", "last"),
    [
        ("2018-12-31", "date", D(2018, 12, 31), D(2018, 12, 31)),
        ("2018-07", "month", D(2018, 7, 1), D(2018, 7, 31)),
        ("2020-02", "month", D(2020, 2, 1), D(2020, 2, 29)),
        ("2018-Q4", "quarter", D(2018, 10, 1), D(2018, 12, 31)),
        ("2018-Q2", "quarter", D(2018, 4, 1), D(2018, 6, 30)),
        ("2019", "year", D(2019, 1, 1), D(2019, 12, 31)),
        ("2017-03-28..2017-03-30", "range", D(2017, 3, 28), D(2017, 3, 30)),
        ("2018-Q1..2018-07", "range", D(2018, 1, 1), D(2018, 7, 31)),
        ("2020..", "open_ended", D(2020, 1, 1), None),
        ("continuous", "continuous", None, None),
        ("yearly 11", "yearly", None, None),
        ("yearly 03-31", "yearly", None, None),
        ("2y after project-start", "relative", None, None),
        ("nc33-opening..eu-accession", "event_bounded", None, None),
        ("by agency-dynamics", "event_bounded", None, None),
    ],
)
def test_forms(spelling, kind, first, last):
    spec = parse_deadline(spelling)
    assert spec.kind == kind
    assert spec.spell() == spelling
    assert span(spec, {}) == (first, last)


def test_yaml_values_are_accepted():
    assert parse_deadline(D(2018, 12, 31)).spell() == "2018-12-31"
    assert parse_deadline(2018).spell() == "2018"
    assert parse_deadline("Continuous") == Continuous()
    assert parse_deadline("2018-q4").spell() == "2018-Q4"


def test_yearly_occurrence_days():
    assert Yearly(11).due_in(2018) == D(2018, 11, 30)
    assert Yearly(3, 31).due_in(2019) == D(2019, 3, 31)
    assert Yearly(2, 29).due_in(2019) == D(2019, 2, 28)


def test_events_resolve_once_dated():
    relative = parse_deadline("2y after project-start")
    assert relative == Relative(2, "y", "project-start")
    assert span(relative, {"project-start": D(2018, 3, 1)}) == (D(2018, 3, 1), D(2020, 3, 1))
    assert span(parse_deadline("6m after x"), {"x": D(2019, 8, 31)}) == (
        D(2019, 8, 31),
        D(2020, 2, 29),
    )
    bounded = parse_deadline("nc33-opening..eu-accession")
    assert bounded == EventBounded(EventRef("nc33-opening"), EventRef("eu-accession"))
    assert events_of(bounded) == ["nc33-opening", "eu-accession"]
    assert span(bounded, {"nc33-opening": D(2018, 12, 10)}) == (D(2018, 12, 10), None)
    assert span(parse_deadline("by agency"), {"agency": D(2019, 5, 1)}) == (None, D(2019, 5, 1))
    assert span(parse_deadline("2018-06..eu-accession"), {}) == (D(2018, 6, 1), None)
    assert parse_deadline("2020..") == OpenEnded(parse_deadline("2020"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("spelling", "message"),
    [
        ("2018-13", "'2018-13': month 13 is not between 01 and 12"),
        ("2018-02-30", "'2018-02-30' is not a calendar date (day is out of range for month)"),
        ("2018-Q5", "'2018-Q5' is not a deadline"),
        ("December 31, 2018", "'December 31, 2018' is not a deadline"),
        ("2019..2018", "'2019..2018': the range ends before it starts"),
        ("..2018", "'..2018': a range needs a start"),
        ("yearly 13", "'yearly 13': month 13 is not between 1 and 12"),
        ("yearly 02-30", "'yearly 02-30': day 30 does not exist in month 2"),
        ("by 2018", "'by 2018': after 'by' comes an event id; for a date write it alone"),
        ("eu-accession..", "'eu-accession..': an open-ended deadline starts at a date"),
        ("", "the deadline is empty"),
    ],
)
def test_errors_say_what_is_wrong(spelling, message):
    with pytest.raises(DeadlineSyntaxError) as caught:
        parse_deadline(spelling)
    assert str(caught.value) == message


def test_non_text_is_refused():
    with pytest.raises(DeadlineSyntaxError, match="a deadline is text, not float"):
        parse_deadline(2018.5)
    with pytest.raises(DeadlineSyntaxError, match="a deadline is text, not bool"):
        parse_deadline(True)
