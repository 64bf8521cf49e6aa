"""Hostile plan text against `due --format ics`, and ids that end in a line break.

A title is free text, so it may hold any character; the calendar must still hold exactly one
event per dated occurrence with the title as its summary, for a strict RFC 5545 parser
(icalendar) and for the Outlook-style reading that splits lines at a bare CR or LF.
"""

from __future__ import annotations

import json
import re

import pytest
from icalendar import Calendar

from plans import minimal_files, write_plan

HOSTILE_TITLES = [
    "A\rEND:VEVENT\rBEGIN:VEVENT\rSUMMARY:X",
    "A\nEND:VEVENT\nBEGIN:VEVENT\nSUMMARY:X",
    "A\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:X",
    "A\u2028END:VEVENT\u2029BEGIN:VEVENT\x85SUMMARY:X",
    "semi;colon, comma\\backslash",
    "bell\x07 escape\x1b]0;pwned\x07 del\x7f c1\x9b",
]


def _plan_with_title(tmp_path, title: str):
    files = minimal_files()
    files["goal-1/measure-1.1.yaml"] = files["goal-1/measure-1.1.yaml"].replace(
        "title: Write the rules", f"title: {json.dumps(title)}"
    )
    return write_plan(tmp_path / "p", files)


def _expected_summary(title: str) -> str:
    """The title as the calendar shows it: line breaks as line breaks, other controls made
    visible as their escape."""
    from cas_plan.core.diagnostics import printable

    parts = re.split(r"\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]", title)
    return "1.1.1 " + "\n".join(printable(part) for part in parts)


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_a_hostile_title_makes_exactly_one_event_with_that_summary(invoke, tmp_path, title):
    plan = _plan_with_title(tmp_path, title)
    assert invoke("validate", "--plan", str(plan)).exit_code == 0
    result = invoke("due", "--plan", str(plan), "--before", "2020-12-31", "--format", "ics")
    assert result.exit_code == 0, result.output
    calendar = Calendar.from_ical(result.stdout)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == [_expected_summary(title)]
    assert str(events[0]["UID"]).startswith("1.1.1-20181231-")
    # an Outlook-style reader that splits at every CR or LF, and at Unicode line separators
    lines = re.split(r"[\r\n\x85\u2028\u2029\v\f\x1c-\x1e]+", result.stdout)
    assert lines.count("BEGIN:VEVENT") == 1
    assert lines.count("END:VEVENT") == 1
    assert not [line for line in lines if line.startswith("SUMMARY:X")]
    # no control character at all is left in the file but the CRLF line ends
    unfolded = result.stdout.replace("\r\n", "")
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]", unfolded)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("id", "1.1.1\n"),
        ("id", "1.1.1\r"),
        ("id", "\u0661.\u0661.\u0661"),  # Arabic-Indic digits: digits to `\\d`, not in an id
    ],
)
def test_an_activity_id_is_matched_whole(invoke, tmp_path, key, value):
    files = minimal_files()
    files["goal-1/measure-1.1.yaml"] = files["goal-1/measure-1.1.yaml"].replace(
        '- id: "1.1.1"', f"- {key}: {json.dumps(value)}"
    )
    plan = write_plan(tmp_path / "p", files)
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1, result.output
    assert "is not a valid activity id" in result.output


@pytest.mark.parametrize(
    ("rel", "old", "new", "message"),
    [
        ("goal-1/goal.yaml", 'id: "1"', 'id: "1\\n"', "is not a valid goal id"),
        ("goal-1/measure-1.1.yaml", 'id: "1.1"', 'id: "1.1\\n"', "is not a valid measure id"),
        ("organization.yaml", "id: hr-division", 'id: "hr-division\\n"', "is not a valid id"),
        ("events.yaml", "id: project-start", 'id: "project-start\\n"', "is not a valid id"),
        (
            "goal-1/measure-1.1.yaml",
            "      no_extra_cost: true",
            '      see: ["1.1.2\\n"]',
            "is not a valid measure or activity id",
        ),
    ],
)
def test_every_pattern_is_matched_whole(invoke, tmp_path, rel, old, new, message):
    files = minimal_files()
    assert old in files[rel]
    files[rel] = files[rel].replace(old, new, 1)
    plan = write_plan(tmp_path / "p", files)
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1, result.output
    assert message in result.output


def test_money_and_serbian_numbers_are_matched_whole():
    from cas_plan.core.money import MoneySyntaxError, parse_money, parse_serbian_number

    assert parse_serbian_number("2.677.411,58\n") is not None  # stripped before matching
    assert parse_serbian_number("2.677.411,58\nx") is None
    with pytest.raises(MoneySyntaxError):
        parse_money("250 EUR\nX")
    from cas_plan.core.deadlines import DeadlineSyntaxError, parse_deadline

    with pytest.raises(DeadlineSyntaxError):
        parse_deadline("yearly 11\nX")
