"""The coordinator's own deadlines: the reports on the plan, each for a period and due some
days after it ends (`reporting` in plan.yaml, by default the Law on the Planning System's, art.
43: each year's report within 120 days, and a final report on the whole plan period); and the
period a report covers, taken within the plan period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from cas_plan.core.loader import Plan
from cas_plan.core.model import Reporting
from cas_plan.core.periods import Period

ReportKind = Literal["half", "year", "final"]
KINDS: tuple[ReportKind, ...] = ("half", "year", "final")


@dataclass(frozen=True)
class ReportDeadline:
    """A report the coordinator owes: which, for which period, and by when."""

    kind: ReportKind
    period: Period
    due: dt.date


def _plan_period(plan: Plan) -> Period | None:
    if plan.plan is None:
        return None
    whole = plan.plan.model.period
    text = str(whole.start.year)
    if whole.end.year != whole.start.year:
        text = f"{whole.start.year}..{whole.end.year}"
    return Period(whole.start, whole.end, text)


def within_plan(plan: Plan, period: Period) -> Period:
    """The days of the period that the plan covers (a plan that starts in July has a short
    first year); the period itself when the plan states none."""
    whole = _plan_period(plan)
    if whole is None:
        return period
    return Period(max(period.start, whole.start), min(period.end, whole.end), period.text)


def is_final(plan: Plan, period: Period) -> bool:
    """True when the period covers the whole plan period: the final report's."""
    whole = _plan_period(plan)
    return whole is not None and period.start <= whole.start and period.end >= whole.end


def final_period(plan: Plan) -> Period | None:
    """The whole plan period, spelled as `--period` spells it (2017..2020)."""
    return _plan_period(plan)


def reporting_calendar(plan: Plan) -> list[ReportDeadline]:
    """Every report the plan calls for, by due date: a half-yearly one on January-June of each
    year when the plan asks for them, each year's, and the final report."""
    whole = _plan_period(plan)
    if whole is None or plan.plan is None:
        return []
    rules: Reporting = plan.plan.model.reporting
    out: list[ReportDeadline] = []
    for year in range(whole.start.year, whole.end.year + 1):
        half = Period(dt.date(year, 1, 1), dt.date(year, 6, 30), f"{year}-H1")
        if rules.half_yearly_within_days is not None and half.end >= whole.start:
            after = dt.timedelta(days=rules.half_yearly_within_days)
            out.append(ReportDeadline("half", within_plan(plan, half), half.end + after))
        days = Period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))
        after = dt.timedelta(days=rules.annual_within_days)
        out.append(ReportDeadline("year", within_plan(plan, days), days.end + after))
    after = dt.timedelta(days=rules.final_within_days)
    out.append(ReportDeadline("final", whole, whole.end + after))
    return sorted(out, key=lambda d: (d.due, KINDS.index(d.kind), d.period.start))


def deadline_of(plan: Plan, period: Period) -> ReportDeadline | None:
    """The calendar's deadline of the report on `period` (None: the plan calls for no report on
    it, e.g. a second half-year); the final report's when the period is the whole plan."""
    kind: ReportKind = "final" if is_final(plan, period) else "year"
    for deadline in reporting_calendar(plan):
        if deadline.period.text == period.text and (deadline.kind == kind or kind == "year"):
            return deadline
    return None
