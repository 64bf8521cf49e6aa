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
    """A period from one of its five spellings; a usage error naming them otherwise."""
    value = text.strip()
    try:
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
    except ValueError:
        pass
    raise UsageError(f"{option}: '{text}' is not a period; write {ACCEPTED}")


def parse_report_period(text: str, option: str = "--period") -> Period:
    """The period of a report: a half-year (2018-H1), a year (2018) or a run of whole years
    (2017..2020, the final report's spelling); a usage error naming them otherwise. The text is
    the canonical spelling, which is also the name of the period's narrative file."""
    value = text.strip()
    if (match := _YEARS.fullmatch(value)) and int(match.group(1)) > 0:
        first, last = int(match.group(1)), int(match.group(2))
        if last < first:
            raise UsageError(f"{option}: '{text}' ends before it starts")
        if first == last:
            return _months(first, 1, 12, str(first))
        return Period(dt.date(first, 1, 1), dt.date(last, 12, 31), f"{first}..{last}")
    if _YEAR.fullmatch(value) or _HALF.fullmatch(value):
        try:
            return parse_period(value, option)
        except UsageError:
            pass  # year 0: said below, in the report's words
    raise UsageError(f"{option}: '{text}' is not a report period; write {REPORT_PERIODS}")


def report_kind(period: Period) -> PeriodKind:
    """What a report period is: a half-year, a year or several years."""
    if _HALF.fullmatch(period.text):
        return "half"
    return "years" if _YEARS.fullmatch(period.text) else "year"
