"""Reporting periods (`--period`): a year, a half, a quarter, a month or a range of days; and
the periods a report covers: a half-year, a year or a run of years (the final report's whole
plan period).

Parsed once, here, into a `Period(start, end, text)`; collect, import, followup and report work
with the typed value only.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from cas_plan.core.errors import UsageError

ACCEPTED = "2018, 2018-H1, 2018-Q4, 2018-07 or 2018-01-01..2018-06-30"
_YEAR = re.compile(r"(\d{4})")
_HALF = re.compile(r"(\d{4})-H([12])")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")
_YEARS = re.compile(r"(\d{4})\.\.(\d{4})")
REPORT_PERIODS = "2018-H1, 2018 or 2017..2020"
PeriodKind = Literal["half", "year", "years"]
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2200, 12, 31)
"""The days a user may type (`--as-of`, `--before`, `--period`, `--date`...): a plan's years
and far around them, and far from the ends of Python's calendar, where a day's arithmetic
fails (the plan's own years are bounded alike: `model.Year`)."""


def typed_day(day: dt.date, option: str, text: str) -> dt.date:
    """`day` if it is one casplan takes (FIRST_DAY..LAST_DAY), else a usage error: the one
    rule and message for every date typed on the command line."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise UsageError(
            f"{option}: '{text}' is out of range; casplan takes dates from "
            f"{FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"
        )
    return day


@dataclass(frozen=True)
class Period:
    """The days from `start` to `end`, both included, and how the user wrote them."""

    start: dt.date
    end: dt.date
    text: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end


def _months(year: int, first: int, last: int, text: str) -> Period:
    end = dt.date(year, last, calendar.monthrange(year, last)[1])
    return Period(dt.date(year, first, 1), end, text)


def parse_period(text: str, option: str = "--period") -> Period:
    """A period from one of its five spellings, within the days casplan takes (`typed_day`); a
    usage error naming the spellings otherwise."""
    value = text.strip()
    try:
        period = _spelled(value, option, text)
    except ValueError:
        period = None
    if period is None:
        raise UsageError(f"{option}: '{text}' is not a period; write {ACCEPTED}")
    typed_day(period.start, option, text)
    typed_day(period.end, option, text)
    return period


def _spelled(value: str, option: str, text: str) -> Period | None:
    if match := _YEAR.fullmatch(value):
        return _months(int(match.group(1)), 1, 12, value)
    if match := _HALF.fullmatch(value):
        half = int(match.group(2))
        return _months(int(match.group(1)), 6 * half - 5, 6 * half, value)
    if match := _QUARTER.fullmatch(value):
        quarter = int(match.group(2))
        return _months(int(match.group(1)), 3 * quarter - 2, 3 * quarter, value)
    if match := _MONTH.fullmatch(value):
        month = int(match.group(2))
        return _months(int(match.group(1)), month, month, value)
    if match := _RANGE.fullmatch(value):
        start, end = (dt.date.fromisoformat(part) for part in match.groups())
        if end < start:
            raise UsageError(f"{option}: '{text}' ends before it starts")
        return Period(start, end, value)
    return None


def parse_report_period(text: str, option: str = "--period") -> Period:
    """The period of a report: a half-year (2018-H1), a year (2018) or a run of whole years
    (2017..2020, the final report's spelling), within the days casplan takes (`typed_day`); a
    usage error naming them otherwise. The text is the canonical spelling, which is also the
    name of the period's narrative file."""
    value = text.strip()
    period = None
    if (match := _YEARS.fullmatch(value)) and int(match.group(1)) > 0:
        first, last = int(match.group(1)), int(match.group(2))
        if last < first:
            raise UsageError(f"{option}: '{text}' ends before it starts")
        if first == last:
            period = _months(first, 1, 12, str(first))
        else:
            period = Period(dt.date(first, 1, 1), dt.date(last, 12, 31), f"{first}..{last}")
    elif (_YEAR.fullmatch(value) and int(value) > 0) or (
        (match := _HALF.fullmatch(value)) and int(match.group(1)) > 0
    ):
        period = _spelled(value, option, text)
    if period is None:
        raise UsageError(f"{option}: '{text}' is not a report period; write {REPORT_PERIODS}")
    typed_day(period.start, option, text)
    typed_day(period.end, option, text)
    return period


def report_kind(period: Period) -> PeriodKind:
    """What a report period is: a half-year, a year or several years."""
    if _HALF.fullmatch(period.text):
        return "half"
    return "years" if _YEARS.fullmatch(period.text) else "year"
