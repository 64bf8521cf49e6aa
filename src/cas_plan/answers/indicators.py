"""Each indicator's series against its target: the baseline, the value reported in each year,
the targets, how far the latest value is from the final target, and a status by one stated rule.

The rule (`STATUS_RULE`, which the report prints): the value expected in the year of the latest
value is read off straight lines from the baseline through each target in turn (a target
without a year stands at the end of the plan period); before the first point it is the baseline,
after the last the last target. On track: the latest value has made at least 90% of the progress
expected from the baseline by then; at risk: at least 50%; off track: less. A yes/no indicator is
on track once it has its target value, at risk before the target's year ends, off track after.
Without a target the status is `no_target`; without a baseline (of a number, percent or count)
`no_baseline`; with neither value yet `no_value`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from itertools import pairwise
from typing import Literal, TypedDict

from cas_plan.core.indicators import IndicatorValueError, read_value
from cas_plan.core.loader import Plan
from cas_plan.core.model import Indicator, Indicators, MeasureFile
from cas_plan.core.views import ActivityView

IndicatorStatus = Literal[
    "on_track", "at_risk", "off_track", "no_value", "no_target", "no_baseline"
]
ON_TRACK, AT_RISK = Decimal("0.9"), Decimal("0.5")


class PointRecord(TypedDict):
    """A value of a year: as written, and as a number (None for text; yes 1, no 0)."""

    year: int
    written: str
    number: str | None


class TargetRecord(PointRecord):
    at_end: bool  # stated for the end of the plan period (no year of its own)


class IndicatorRecord(TypedDict):
    """One indicator with its series (`show --format json`, the report, the site)."""

    owner: str  # the activity's or the measure's id
    text: str
    unit: str | None
    source: str | None
    direction: str
    baseline: PointRecord | None
    values: list[PointRecord]
    targets: list[TargetRecord]
    latest: PointRecord | None
    target: TargetRecord | None  # the final target, which the gap is measured to
    expected: str | None  # the value expected in the latest value's year
    gap: str | None  # how far the latest value is from the final target (0: reached)
    status: IndicatorStatus


Dated = tuple[dt.date, dict[str, str]]  # an entry's date and its values


def _number(unit: str | None, written: str) -> str | None:
    try:
        value = read_value(unit or "text", written)
    except IndicatorValueError:
        return None  # a plan that does not validate: the value is shown, not measured
    return None if value is None else str(value)


def _yearly(item: Indicator, entries: Sequence[Dated], as_of: dt.date) -> list[PointRecord]:
    """The latest value reported in each year, up to `as_of`, oldest year first."""
    by_year: dict[int, str] = {}
    for day, values in sorted(entries, key=lambda pair: pair[0]):
        if day <= as_of and item.text in values:
            by_year[day.year] = values[item.text]
    return [
        PointRecord(year=year, written=written, number=_number(item.unit, written))
        for year, written in sorted(by_year.items())
    ]


def _targets(item: Indicator, end_year: int) -> list[TargetRecord]:
    out = [
        TargetRecord(
            year=target.year or end_year,
            written=target.value,
            number=_number(item.unit, target.value),
            at_end=target.year is None,
        )
        for target in item.targets
    ]
    return sorted(out, key=lambda target: (target["year"], target["at_end"]))


def expected_in(points: Sequence[tuple[int, Decimal]], year: int) -> Decimal:
    """The value the straight lines through `points` (year, value; in year order) give for a
    year: the first value before them, the last after them."""
    if year <= points[0][0]:
        return points[0][1]
    for (year0, value0), (year1, value1) in pairwise(points):
        if year <= year1:
            if year1 == year0:
                return value1
            return value0 + (value1 - value0) * Decimal(year - year0) / Decimal(year1 - year0)
    return points[-1][1]


def _judged(
    unit: str | None,
    sign: int,
    baseline: PointRecord | None,
    targets: list[TargetRecord],
    latest: PointRecord,
) -> tuple[IndicatorStatus, Decimal | None]:
    """The status of the latest value, and the value expected in its year."""
    latest_number = Decimal(latest["number"] or 0)
    if unit == "yes_no":
        final = targets[-1]
        if latest["number"] == final["number"]:
            return "on_track", Decimal(final["number"] or 0)
        late = latest["year"] >= final["year"]
        return ("off_track" if late else "at_risk"), Decimal(final["number"] or 0)
    if baseline is None or baseline["number"] is None:
        return "no_baseline", None
    start = Decimal(baseline["number"])
    points = [(baseline["year"], start)]
    points += [(t["year"], Decimal(t["number"])) for t in targets if t["number"] is not None]
    expected = expected_in(points, latest["year"])
    needed = (expected - start) * sign
    made = (latest_number - start) * sign
    if needed <= 0:
        return ("on_track" if made >= needed else "off_track"), expected
    share = made / needed
    status: IndicatorStatus = (
        "on_track" if share >= ON_TRACK else "at_risk" if share >= AT_RISK else "off_track"
    )
    return status, expected


def indicator_record(
    owner: str, item: Indicator, entries: Sequence[Dated], as_of: dt.date, end_year: int
) -> IndicatorRecord:
    """One indicator's series and status, from the entries that stand (date, values)."""
    values = _yearly(item, entries, as_of)
    targets = _targets(item, end_year) if item.measured else []
    baseline = (
        PointRecord(
            year=item.baseline.year,
            written=item.baseline.value,
            number=_number(item.unit, item.baseline.value),
        )
        if item.baseline
        else None
    )
    latest = values[-1] if values else None
    sign = -1 if item.direction == "down" else 1
    status: IndicatorStatus = "no_target"
    expected = gap = None
    final = targets[-1] if targets else None
    if final is not None and latest is not None and latest["number"] is not None:
        status, expected = _judged(item.unit, sign, baseline, targets, latest)
        if final["number"] is not None:
            gap = max(Decimal(0), (Decimal(final["number"]) - Decimal(latest["number"])) * sign)
    elif final is not None:
        status = "no_value"
    return IndicatorRecord(
        owner=owner,
        text=item.text,
        unit=item.unit,
        source=item.source,
        direction=item.direction or "up",
        baseline=baseline,
        values=values,
        targets=targets,
        latest=latest,
        target=final,
        expected=None if expected is None else _plain(expected),
        gap=None if gap is None else _plain(gap),
        status=status,
    )


def _plain(value: Decimal) -> str:
    """A computed value without trailing zeros and at most two decimals: '47.5', '15'."""
    return format(value.quantize(Decimal("0.01")).normalize(), "f")


def end_year(plan: Plan) -> int:
    """The year a target without one is for: the last of the plan period."""
    return plan.plan.model.period.end.year if plan.plan else dt.date.today().year


def cell_records(
    owner: str, cell: Indicators | None, entries: Sequence[Dated], as_of: dt.date, last: int
) -> list[IndicatorRecord]:
    return (
        [indicator_record(owner, item, entries, as_of, last) for item in cell.items] if cell else []
    )


def activity_indicators(plan: Plan, view: ActivityView, as_of: dt.date) -> list[IndicatorRecord]:
    """The series of an activity's indicators (its effective cell), from its standing entries."""
    entries = [(entry.date, entry.values) for entry in view.entries]
    return cell_records(view.id, view.indicators.value, entries, as_of, end_year(plan))


def measure_indicators(measure: MeasureFile, as_of: dt.date, last: int) -> list[IndicatorRecord]:
    """The series of a measure's own indicators, from the measure's entries."""
    entries = [(entry.date, entry.values) for entry in measure.progress]
    return cell_records(f"measure {measure.id}", measure.indicators, entries, as_of, last)
