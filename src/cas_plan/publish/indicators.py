"""Indicators against their targets as the report and the site show them: each indicator's
series and status in the reader's words (`output.indicators.IndicatorWords`), as plain data for
the templates, and the report's section of every indicator that has a target."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from cas_plan.answers.indicators import (
    IndicatorRecord,
    activity_indicators,
    end_year,
    measure_indicators,
)
from cas_plan.core.loader import Plan
from cas_plan.core.views import by_measure, id_sort_key
from cas_plan.l10n.formats import phrase, plural
from cas_plan.output.indicators import IndicatorWords


def indicator_words(records: list[IndicatorRecord], lang: str) -> list[dict[str, Any]]:
    """Each indicator's parts in words, for a template (`measured`: it has a target)."""
    return [dataclasses.asdict(IndicatorWords.of(record, lang)) for record in records]


def indicator_section(plan: Plan, as_of: dt.date, lang: str) -> dict[str, Any]:
    """The report's section: the rule the status follows, every measure's and activity's
    indicator that has a target (in plan order, measure first), and how many have none."""
    last = end_year(plan)
    records: list[IndicatorRecord] = []
    titles: dict[str, str] = {}
    of_measure = by_measure(plan.views)
    for measure in sorted(plan.measures, key=lambda m: id_sort_key(m.model.id)):
        owner = measure.model.id
        titles[f"measure {owner}"] = measure.model.title
        records += measure_indicators(measure.model, as_of, last)
        for view in of_measure.get(owner, []):
            titles[view.id] = view.title
            records += activity_indicators(plan, view, as_of)
    targeted = [record for record in records if record["targets"]]
    without = len(records) - len(targeted)
    rows = [
        {
            **words,
            "owner": record["owner"].removeprefix("measure "),
            "owner_title": titles.get(record["owner"], ""),
            "measure_level": record["owner"].startswith("measure "),
        }
        for record, words in zip(targeted, indicator_words(targeted, lang), strict=True)
    ]
    return {
        "rule": phrase("indicator_rule", lang),
        "rows": rows,
        "without_target": without,
        "without_target_text": plural(without, "indicators_without_target", lang)
        if without
        else None,
    }
