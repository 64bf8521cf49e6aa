"""Reporting periods (`--period`): a year, a half, a quarter, a month or a range of days.

Parsed once, here, into a `Period(start, end, text)`; collect, import and followup work with
the typed value only.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from cas_plan.core.errors import UsageError

ACCEPTED = "2018, 2018-H1, 2018-Q4, 2018-07 or 2018-01-01..2018-06-30"
_YEAR = re.compile(r"(\d{4})")
_HALF = re.compile(r"(\d{4})-H([12])")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")


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
