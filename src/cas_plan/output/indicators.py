"""An indicator's series in the reader's words: the one way `show`, the report and the site say a
baseline, the values of each year, the targets, the gap and the status (plain text, unescaped:
each format escapes the strings whole)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cas_plan.answers.indicators import IndicatorRecord, PointRecord, TargetRecord
from cas_plan.l10n.formats import format_decimal, phrase


def value_words(point: PointRecord, unit: str | None, lang: str) -> str:
    """A value as the reader writes it: yes/no in the language, a number with the language's
    marks, anything else as written."""
    if point["number"] is None:
        return point["written"]
    if unit == "yes_no":
        return phrase("indicator_yes" if point["number"] == "1" else "indicator_no", lang)
    return format_decimal(Decimal(point["number"]), lang)


def _target_words(target: TargetRecord, unit: str | None, lang: str) -> str:
    key = "indicator_at_end" if target["at_end"] else "indicator_in_year"
    return phrase(key, lang, value=value_words(target, unit, lang), year=str(target["year"]))


def _gap_words(gap: str | None, unit: str | None, lang: str) -> str:
    """How far the latest value is from the final target: 'reached', or the distance (a yes/no
    indicator not yet at its target has no distance to say)."""
    if gap is None:
        return ""
    if Decimal(gap) == 0:
        return phrase("indicator_reached", lang)
    return "" if unit == "yes_no" else format_decimal(Decimal(gap), lang)


@dataclass(frozen=True)
class IndicatorWords:
    """One indicator's parts in words; empty strings where it has none."""

    text: str
    unit: str
    direction: str  # 'lower is better' for a downward indicator, else ''
    source: str
    baseline: str
    series: str
    targets: str
    latest: str
    gap: str
    status: str
    status_code: str
    expected: str
    measured: bool  # it has a target: the series and status are shown

    @classmethod
    def of(cls, record: IndicatorRecord, lang: str) -> IndicatorWords:
        unit = record["unit"]

        def said(point: PointRecord) -> str:
            return value_words(point, unit, lang)

        baseline, latest = record["baseline"], record["latest"]
        gap = record["gap"]
        expected = ""
        if record["expected"] is not None and latest is not None and unit != "yes_no":
            number = PointRecord(year=0, written="", number=record["expected"])
            expected = phrase(
                "indicator_expected", lang, value=said(number), year=str(latest["year"])
            )
        return cls(
            text=record["text"],
            unit=phrase(f"indicator_unit_{unit}", lang) if unit else "",
            direction=phrase("indicator_down", lang) if record["direction"] == "down" else "",
            source=record["source"] or "",
            baseline=phrase(
                "indicator_in_year", lang, value=said(baseline), year=str(baseline["year"])
            )
            if baseline
            else "",
            series="; ".join(f"{p['year']}: {said(p)}" for p in record["values"]),
            targets="; ".join(_target_words(t, unit, lang) for t in record["targets"]),
            latest=phrase("indicator_in_year", lang, value=said(latest), year=str(latest["year"]))
            if latest
            else "",
            gap=_gap_words(gap, unit, lang),
            status=phrase(f"indicator_{record['status']}", lang),
            status_code=record["status"],
            expected=expected,
            measured=bool(record["targets"]),
        )
