"""Deadline forms: the short spellings people type, parsed once into typed values.

The source states due dates in a dozen ways ("December 31, 2018", "IV trimester 2018",
"Two years after the project begins", "2020 and later"...). Each has one short spelling
(`2018-12-31`, `2018-Q4`, `2y after ais-aes-project-start`, `2020..`) that this module turns
into a value with a first and last day, so everything downstream works with dates.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

SPELLINGS_HELP = (
    "write one of: 2018-12-31 (day), 2018-07 (month), 2018-Q4 (quarter), 2018 (year), "
    "2017-03-28..2017-03-30 (range), 2020.. (open-ended), continuous, "
    "yearly 11 / yearly 03-31 (each year), 2y after EVENT (relative), "
    "EVENT..EVENT (bounded by events), by EVENT (set by an event), "
    "tbd (to be determined: a warning until it is set)"
)

EVENT_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


class DeadlineSyntaxError(ValueError):
    """A deadline spelling that does not parse; the message says what to write instead."""


@dataclass(frozen=True)
class Day:
    day: date
    kind: Literal["date"] = "date"

    @property
    def first_day(self) -> date:
        return self.day

    @property
    def last_day(self) -> date:
        return self.day

    def spell(self) -> str:
        return self.day.isoformat()


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    kind: Literal["month"] = "month"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def spell(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Quarter:
    year: int
    quarter: int
    kind: Literal["quarter"] = "quarter"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.quarter - 2, 1)

    @property
    def last_day(self) -> date:
        return Month(self.year, 3 * self.quarter).last_day

    def spell(self) -> str:
        return f"{self.year:04d}-Q{self.quarter}"


@dataclass(frozen=True)
class Year:
    year: int
    kind: Literal["year"] = "year"

    @property
    def first_day(self) -> date:
        return date(self.year, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 12, 31)

    def spell(self) -> str:
        return f"{self.year:04d}"


Point = Day | Month | Quarter | Year


@dataclass(frozen=True)
class EventRef:
    """A point in time known by an event of `events.yaml` (whose date may be unknown)."""

    event: str

    def spell(self) -> str:
        return self.event


Bound = Point | EventRef


@dataclass(frozen=True)
class Range:
    """From the first day of `start` to the last day of `end`; due on the last day."""

    start: Point
    end: Point
    kind: Literal["range"] = "range"

    @property
    def first_day(self) -> date:
        return self.start.first_day

    @property
    def last_day(self) -> date:
        return self.end.last_day

    def spell(self) -> str:
        return f"{self.start.spell()}..{self.end.spell()}"


@dataclass(frozen=True)
class OpenEnded:
    """Starts at a point and has no end ("2020 and later"): never due before its first day."""

    start: Point
    kind: Literal["open_ended"] = "open_ended"

    @property
    def first_day(self) -> date:
        return self.start.first_day

    def spell(self) -> str:
        return f"{self.start.spell()}.."


@dataclass(frozen=True)
class Continuous:
    kind: Literal["continuous"] = "continuous"

    def spell(self) -> str:
        return "continuous"


@dataclass(frozen=True)
class ToBeDetermined:
    """A deadline the coordinator has yet to set (`tbd`): valid, so that a plan being drafted
    (a successor plan, say) loads, but reported by `validate` as a warning until it is set."""

    kind: Literal["tbd"] = "tbd"

    def spell(self) -> str:
        return "tbd"


@dataclass(frozen=True)
class Yearly:
    """Due every year: by the end of `month`, or on `month`-`day` when a day is given."""

    month: int
    day: int | None = None
    kind: Literal["yearly"] = "yearly"

    def due_in(self, year: int) -> date:
        if self.day is None:
            return Month(year, self.month).last_day
        last = calendar.monthrange(year, self.month)[1]
        return date(year, self.month, min(self.day, last))

    def spell(self) -> str:
        if self.day is None:
            return f"yearly {self.month:02d}"
        return f"yearly {self.month:02d}-{self.day:02d}"


@dataclass(frozen=True)
class Relative:
    """A span after an event ("Two years after the project begins")."""

    count: int
    unit: Literal["y", "m", "w", "d"]
    event: str
    kind: Literal["relative"] = "relative"

    def spell(self) -> str:
        return f"{self.count}{self.unit} after {self.event}"


@dataclass(frozen=True)
class EventBounded:
    """Bounded by external events (from the opening of a chapter until accession to the EU).

    `start` is None for a deadline set only by an event ("by EVENT").
    """

    start: Bound | None
    end: Bound
    kind: Literal["event_bounded"] = "event_bounded"

    def events(self) -> list[str]:
        return [b.event for b in (self.start, self.end) if isinstance(b, EventRef)]

    def spell(self) -> str:
        if self.start is None:
            return f"by {self.end.spell()}"
        return f"{self.start.spell()}..{self.end.spell()}"


DeadlineSpec = (
    Day
    | Month
    | Quarter
    | Year
    | Range
    | OpenEnded
    | Continuous
    | Yearly
    | Relative
    | EventBounded
    | ToBeDetermined
)

_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_YEARLY = re.compile(r"^yearly\s+(\d{1,2})(?:-(\d{1,2}))?$")
_RELATIVE = re.compile(r"^(\d+)\s*([ymwd])\s+after\s+(\S+)$")
_BY_EVENT = re.compile(r"^by\s+(\S+)$")


# The same spellings as JSON Schema patterns (ECMA-262 regular expressions), for editors. A
# pattern cannot know that February has no 30th: a day is also given `"format": "date"`.
_MM = "(0[1-9]|1[0-2])"
_DD = "(0[1-9]|[12][0-9]|3[01])"
_POINT = rf"[0-9]{{4}}(-{_MM}(-{_DD})?|-[Qq][1-4])?"
_EVENT = "[a-z][a-z0-9]*(-[a-z0-9]+)*"
_BOUND = f"({_POINT}|{_EVENT})"
DAY_PATTERN = rf"^[0-9]{{4}}-{_MM}-{_DD}$"
OTHER_SPELLINGS_PATTERN = (
    "^("
    + "|".join(
        [
            rf"[0-9]{{4}}(-{_MM}|-[Qq][1-4])?",  # month, quarter, year
            rf"{_BOUND}\.\.{_BOUND}",  # range, or bounded by events
            rf"{_POINT}\.\.",  # open-ended
            "".join(f"[{c.upper()}{c}]" for c in "continuous"),
            "".join(f"[{c.upper()}{c}]" for c in "tbd"),
            r"yearly\s+(0?[1-9]|1[0-2])(-(0?[1-9]|[12][0-9]|3[01]))?",
            rf"[0-9]+\s*[ymwd]\s+after\s+{_EVENT}",
            rf"by\s+{_EVENT}",
        ]
    )
    + ")$"
)


def _parse_point(text: str) -> Point | None:
    """A day, month, quarter or year; None when the text has none of those shapes."""
    if m := _DAY.fullmatch(text):
        try:
            return Day(date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError as exc:
            raise DeadlineSyntaxError(f"'{text}' is not a calendar date ({exc})") from None
    if m := _MONTH.fullmatch(text):
        month = int(m[2])
        if not 1 <= month <= 12:
            raise DeadlineSyntaxError(f"'{text}': month {month} is not between 01 and 12")
        return Month(int(m[1]), month)
    if m := _QUARTER.fullmatch(text):
        return Quarter(int(m[1]), int(m[2]))
    if m := _YEAR.fullmatch(text):
        return Year(int(m[1]))
    return None


def _parse_bound(text: str) -> Bound:
    if EVENT_ID.fullmatch(text):
        return EventRef(text)
    point = _parse_point(text)
    if point is None:
        raise DeadlineSyntaxError(f"'{text}' is neither a date, month, quarter, year nor event id")
    return point


def parse_deadline(value: object) -> DeadlineSpec:
    """Parse a deadline spelling (or a YAML date or year) into its typed form."""
    if isinstance(value, date):
        return Day(value)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise DeadlineSyntaxError(f"a deadline is text, not {type(value).__name__}")
    text = str(value).strip()
    if not text:
        raise DeadlineSyntaxError("the deadline is empty")
    if text.lower() == "continuous":
        return Continuous()
    if text.lower() == "tbd":
        return ToBeDetermined()
    if m := _YEARLY.fullmatch(text):
        return _yearly(text, m)
    if m := _RELATIVE.fullmatch(text):
        return _relative(m)
    if m := _BY_EVENT.fullmatch(text):
        return _by_event(text, m)
    if ".." in text:
        return _range(text)
    point = _parse_point(text)
    if point is None:
        raise DeadlineSyntaxError(f"'{text}' is not a deadline")
    return point


def _yearly(text: str, m: re.Match[str]) -> Yearly:
    """'yearly 03-31' or 'yearly 11': a day (or the end of a month) of every year."""
    month, day = int(m[1]), (int(m[2]) if m[2] else None)
    if not 1 <= month <= 12:
        raise DeadlineSyntaxError(f"'{text}': month {month} is not between 1 and 12")
    if day is not None and not 1 <= day <= calendar.monthrange(2000, month)[1]:
        raise DeadlineSyntaxError(f"'{text}': day {day} does not exist in month {month}")
    return Yearly(month, day)


def _relative(m: re.Match[str]) -> Relative:
    """'2y after EVENT': a span of time after an event."""
    event = m[3]
    if not EVENT_ID.fullmatch(event):
        raise DeadlineSyntaxError(f"'{event}' is not an event id (lowercase words joined by '-')")
    unit: Literal["y", "m", "w", "d"] = m[2]  # type: ignore[assignment]  # regex allows only these
    count = int(m[1])
    if count > _MAX_SPAN[unit]:
        from cas_plan.core.periods import FIRST_DAY, LAST_DAY

        raise DeadlineSyntaxError(
            f"'{m[0]}' runs past the dates casplan takes (from {FIRST_DAY} to {LAST_DAY}); "
            f"a span after an event is at most {MAX_SPAN_YEARS} years"
        )
    return Relative(count, unit, event)


MAX_SPAN_YEARS = 300
"""A span after an event, at most: the days casplan takes (1900..2200) and as far again, never
near the end of Python's calendar (year 9999), where a day's arithmetic fails."""
_MAX_SPAN = {
    "y": MAX_SPAN_YEARS,
    "m": 12 * MAX_SPAN_YEARS,
    "w": 365 * MAX_SPAN_YEARS // 7 + 1,
    "d": 366 * MAX_SPAN_YEARS,
}


def _by_event(text: str, m: re.Match[str]) -> EventBounded:
    """'by EVENT': the day an event sets."""
    bound = _parse_bound(m[1])
    if not isinstance(bound, EventRef):
        raise DeadlineSyntaxError(
            f"'{text}': after 'by' comes an event id; for a date write it alone"
        )
    return EventBounded(None, bound)


def _range(text: str) -> OpenEnded | EventBounded | Range:
    """'a..b', 'a..' (open-ended) or a range with an event at either end."""
    left, _, right = text.partition("..")
    left, right = left.strip(), right.strip()
    if not left:
        raise DeadlineSyntaxError(f"'{text}': a range needs a start")
    start = _parse_bound(left)
    if not right:
        if isinstance(start, EventRef):
            raise DeadlineSyntaxError(f"'{text}': an open-ended deadline starts at a date")
        return OpenEnded(start)
    end = _parse_bound(right)
    if isinstance(start, EventRef) or isinstance(end, EventRef):
        return EventBounded(start, end)
    if end.last_day < start.first_day:
        raise DeadlineSyntaxError(f"'{text}': the range ends before it starts")
    return Range(start, end)


def events_of(spec: DeadlineSpec) -> list[str]:
    """The event ids a deadline depends on, in spelling order."""
    if isinstance(spec, Relative):
        return [spec.event]
    if isinstance(spec, EventBounded):
        return spec.events()
    return []


def fixed_span(spec: DeadlineSpec) -> tuple[date, date] | None:
    """First and last day of a deadline that needs no event and has an end; else None."""
    if isinstance(spec, Day | Month | Quarter | Year | Range):
        return spec.first_day, spec.last_day
    return None


def _add(day: date, count: int, unit: str) -> date:
    if unit == "d":
        return date.fromordinal(day.toordinal() + count)
    if unit == "w":
        return date.fromordinal(day.toordinal() + 7 * count)
    months = count * 12 if unit == "y" else count
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _bound_day(bound: Bound, event_dates: dict[str, date], *, last: bool) -> date | None:
    if isinstance(bound, EventRef):
        return event_dates.get(bound.event)
    return bound.last_day if last else bound.first_day


def span(spec: DeadlineSpec, event_dates: dict[str, date]) -> tuple[date | None, date | None]:
    """First and last day of a deadline, resolving events whose dates are recorded; None if unknown.

    Continuous and yearly deadlines have no single span: (None, None).
    """
    if isinstance(spec, Day | Month | Quarter | Year | Range):
        return spec.first_day, spec.last_day
    if isinstance(spec, OpenEnded):
        return spec.first_day, None
    if isinstance(spec, Relative):
        start = event_dates.get(spec.event)
        return (start, _add(start, spec.count, spec.unit)) if start else (None, None)
    if isinstance(spec, EventBounded):
        first = _bound_day(spec.start, event_dates, last=False) if spec.start else None
        return first, _bound_day(spec.end, event_dates, last=True)
    return None, None


# the source's English month names, to read its Due Date cells (`read_written`)
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# --- deadlines as the source writes them ----------------------------------------------------

_MONTH_WORD = "|".join(MONTH_NAMES)
_ORDINALS = ("first", "second", "third", "fourth")
_ROMAN = ("I", "II", "III", "IV")
# Longest forms first, so that "July 2018" is a month and not also the year 2018.
_WRITTEN = re.compile(
    rf"(?P<range>\b(?i:{_MONTH_WORD})\s+(?P<r_from>\d{{1,2}})\s*[-\u2013]\s*(?P<r_to>\d{{1,2}}),?\s+(?P<r_year>\d{{4}}))"
    rf"|(?P<day>\b(?i:{_MONTH_WORD})\s+(?P<d_day>\d{{1,2}}),?\s+(?P<d_year>\d{{4}}))"
    rf"|(?P<dmy>\b(?P<e_day>\d{{1,2}})\.?\s+(?P<e_month>(?i:{_MONTH_WORD}))\s+(?P<e_year>\d{{4}}))"
    r"|(?P<dotted>\b(?P<t_day>\d{1,2})\.\s*(?P<t_month>\d{1,2})\.\s*(?P<t_year>\d{4})\b)"
    rf"|(?P<month>\b(?i:{_MONTH_WORD})\s+(?P<m_year>\d{{4}}))"
    r"|(?P<roman>\b(?P<q_roman>IV|III|II|I)\s+(?i:(?:quarter|trimester)\s+(?:of\s+)?)?(?P<q_year>\d{4}))"
    rf"|(?P<ordinal>\b(?i:(?P<o_word>{'|'.join(_ORDINALS)})\s+(?:quarter|trimester)\s+(?:of\s+)?)(?P<o_year>\d{{4}}))"
    r"|(?P<later>\b(?P<l_year>\d{4})\s+(?i:and\s+later|onwards|and\s+beyond))"
    r"|(?P<year>\b(?P<y_year>(?:19|20)\d{2})\b)"
    r"|(?P<continuous>\b(?i:continuous(?:ly)?)\b)"
)


def _month_number(text: str) -> int:
    return [name.casefold() for name in MONTH_NAMES].index(text.split()[0].casefold()) + 1


def read_written(text: str) -> list[DeadlineSpec]:
    """The deadlines a Due Date cell's text states in words ("December 31, 2018", "31 December
    2018", "31.12.2018.",
    "July 2018", "IV trimester 2018", "2020 and later", "Continuous"), in order of appearance.

    Texts this cannot read (events, "November this year for the next year") give none; a day
    that does not exist is left out rather than guessed.
    """
    found: list[DeadlineSpec] = []
    previous: tuple[Day, int] | None = None  # the last day read and where its text ended
    for m in _WRITTEN.finditer(text):
        try:
            spec = _written_spec(m)
        except ValueError:  # February 30: not a day, and not to be read as anything else
            continue
        found.append(spec)
        if isinstance(spec, Day):
            # "March 8, 2018 - April 11, 2018": two days joined by a dash are also a range
            joined = previous is not None and _DASH.fullmatch(text[previous[1] : m.start()])
            if joined and previous is not None and previous[0].day <= spec.day:
                found.append(Range(previous[0], spec))
            previous = (spec, m.end())
        else:
            previous = None
    return found


def _written_spec(m: re.Match[str]) -> DeadlineSpec:
    """The deadline one match of _WRITTEN states (ValueError for a day that does not exist)."""
    if m["range"]:
        month, year = _month_number(m["range"]), int(m["r_year"])
        return Range(
            Day(date(year, month, int(m["r_from"]))), Day(date(year, month, int(m["r_to"])))
        )
    if m["day"]:
        return Day(date(int(m["d_year"]), _month_number(m["day"]), int(m["d_day"])))
    if m["dmy"]:
        return Day(date(int(m["e_year"]), _month_number(m["e_month"]), int(m["e_day"])))
    if m["dotted"]:
        return Day(date(int(m["t_year"]), int(m["t_month"]), int(m["t_day"])))
    if m["month"]:
        return Month(int(m["m_year"]), _month_number(m["month"]))
    if m["roman"]:
        return Quarter(int(m["q_year"]), _ROMAN.index(m["q_roman"]) + 1)
    if m["ordinal"]:
        return Quarter(int(m["o_year"]), _ORDINALS.index(m["o_word"].casefold()) + 1)
    if m["later"]:
        return OpenEnded(Year(int(m["l_year"])))
    if m["year"]:
        return Year(int(m["y_year"]))
    return Continuous()


_DASH = re.compile(r"\s*[-\u2013]\s*")
