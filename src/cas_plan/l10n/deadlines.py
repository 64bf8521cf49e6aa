"""A deadline in words, in the reader's language: the one way a report, the site, a workbook, an
e-mail draft, the follow-up list, `show` and the terminal's tables say a deadline.

Dates, months, quarters and years come from CLDR through Babel ("Q4 2018", "četvrti kvartal
2018.", "28 - 30 March 2017"); the words around them from the phrasebook (``deadline.*``). A
deadline bound to an event says the event's name from events.yaml, and whether its date is known,
never the event's id. Machine outputs (JSON, CSV, ICS, YAML) keep the spelling
(`DeadlineSpec.spell`) instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cas_plan.core.deadlines import (
    Bound,
    Continuous,
    Day,
    DeadlineSpec,
    EventRef,
    Month,
    OpenEnded,
    Point,
    Quarter,
    Range,
    Relative,
    ToBeDetermined,
    Year,
    Yearly,
)
from cas_plan.l10n.formats import (
    check_lang,
    format_date,
    format_date_range,
    format_day_of_month,
    format_month,
    format_month_range,
    format_quarter,
    format_year,
    month_names,
    phrase,
    plural,
)

if TYPE_CHECKING:
    from cas_plan.core.loader import Plan
    from cas_plan.core.model import Event

# the counted noun of each unit of a relative deadline ("2y after ...")
_SPAN_NOUNS = {"y": "year", "m": "month", "w": "week", "d": "day"}


def plan_events(plan: Plan) -> dict[str, Event]:
    """The events of events.yaml by id (none when the plan has no such file)."""
    if plan.events is None:
        return {}
    return {event.id: event for event in plan.events.model.events}


def point_words(point: Point, lang: str) -> str:
    """A day, month, quarter or year: "31 December 2018", "December 2018", "Q4 2018", "2018"."""
    if isinstance(point, Day):
        return format_date(point.day, lang)
    if isinstance(point, Month):
        return format_month(point.year, point.month, lang)
    if isinstance(point, Quarter):
        return format_quarter(point.year, point.quarter, lang)
    return format_year(point.year, lang)


def range_words(start: Point, end: Point, lang: str) -> str:
    """From one point to another: days and months as CLDR's intervals ("28 - 30 March 2017",
    "January - June 2018"), other points joined by CLDR's fallback ("Q1 2018 - 2019")."""
    if isinstance(start, Day) and isinstance(end, Day):
        return format_date_range(start.day, end.day, lang)
    if isinstance(start, Month) and isinstance(end, Month):
        return format_month_range(start.first_day, end.first_day, lang)
    return f"{point_words(start, lang)} \N{EN DASH} {point_words(end, lang)}"


def deadline_words(spec: DeadlineSpec, lang: str, events: Mapping[str, Event]) -> str:
    """The deadline in words: "31 December 2018" / "31. decembar 2018.", "Q4 2018",
    "continuous" / "kontinuirano", "each year by 31 March" / "31. mart svake godine",
    "2 years after <the event's name> (date not yet known)", "by <the event's name>"."""
    check_lang(lang)
    if isinstance(spec, Day | Month | Quarter | Year):
        return point_words(spec, lang)
    if isinstance(spec, Range):
        return range_words(spec.start, spec.end, lang)
    if isinstance(spec, OpenEnded):
        return phrase("deadline.open_ended", lang, start=point_words(spec.start, lang))
    if isinstance(spec, Continuous):
        return phrase("deadline.continuous", lang)
    if isinstance(spec, ToBeDetermined):
        return phrase("deadline.tbd", lang)
    if isinstance(spec, Yearly):
        if spec.day is None:
            month = month_names(lang, "wide")[spec.month - 1]
            return phrase("deadline.yearly_month", lang, month=month)
        day = format_day_of_month(spec.month, spec.day, lang)
        return phrase("deadline.yearly_day", lang, day=day)
    if isinstance(spec, Relative):
        span = plural(spec.count, _SPAN_NOUNS[spec.unit], lang)
        return phrase(
            "deadline.relative", lang, span=span, event=event_words(spec.event, lang, events)
        )
    if spec.start is None:
        return phrase("deadline.by_event", lang, event=_bound_words(spec.end, lang, events))
    start = _bound_words(spec.start, lang, events)
    return phrase("deadline.between", lang, start=start, end=_bound_words(spec.end, lang, events))


def event_words(event_id: str, lang: str, events: Mapping[str, Event]) -> str:
    """An event by its name, with its date or the word that it is not known yet; an id that
    events.yaml does not know (a plan that does not validate) as itself, there being no name."""
    event = events.get(event_id)
    if event is None:
        return event_id
    if event.date is None:
        return phrase("deadline.event_undated", lang, event=event.name)
    return phrase(
        "deadline.event_dated", lang, event=event.name, date=format_date(event.date, lang)
    )


def _bound_words(bound: Bound, lang: str, events: Mapping[str, Event]) -> str:
    if isinstance(bound, EventRef):
        return event_words(bound.event, lang, events)
    return point_words(bound, lang)


@dataclass(frozen=True)
class DeadlineWords:
    """`deadline_words` for one language and one plan's events, each deadline said once (a
    page lists the same deadlines many times, and Babel is slow to format)."""

    lang: str
    events: Mapping[str, Event]
    said: dict[DeadlineSpec, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, plan: Plan, lang: str) -> DeadlineWords:
        return cls(str(check_lang(lang)), plan_events(plan))

    def __call__(self, spec: DeadlineSpec) -> str:
        if spec not in self.said:
            self.said[spec] = deadline_words(spec, self.lang, self.events)
        return self.said[spec]
