"""The JSON form of `casplan budget` (`BudgetRecord`): the sums of `answers/budget.py` as the
stable shapes every output reads (the table, CSV, xlsx, JSON), indicative beside spent."""

from __future__ import annotations

from decimal import Decimal

from cas_plan.answers.budget import ANNUAL, Budget
from cas_plan.answers.records import BudgetRecord, SpentLine, SpentTotal
from cas_plan.core.views import id_sort_key


def side_by_side(result: Budget) -> list[SpentLine]:
    """Indicative and spent per group and currency (never adding currencies). With a year, the
    indicative amount is what is stated for that year plus the annual amounts; without one there
    is no indicative amount of a single year to set beside the spending (None)."""
    indicative: dict[tuple[str, str], Decimal] = {}
    activities: dict[tuple[str, str], set[str]] = {}
    if result.year is not None:
        for (group, currency, basis_, _), (total, ids) in result.lines.items():
            if basis_ in (str(result.year), ANNUAL):
                key = (group, currency)
                indicative[key] = indicative.get(key, Decimal(0)) + total
                activities.setdefault(key, set()).update(ids)
    for key, (_, ids) in result.spent.items():
        activities.setdefault(key, set()).update(ids)
    group_key = (lambda g: id_sort_key(g)) if result.by in ("goal", "measure") else (lambda g: (g,))
    keys = sorted(set(indicative) | set(result.spent), key=lambda k: (group_key(k[0]), k[1]))
    return [
        {
            "group": group,
            "name": result.group_names.get(group, group),
            "currency": currency,
            "indicative": str(indicative[(group, currency)])
            if (group, currency) in indicative
            else None,
            "spent": str(result.spent[(group, currency)][0])
            if (group, currency) in result.spent
            else None,
            "activities": sorted(activities[(group, currency)], key=id_sort_key),
        }
        for group, currency in keys
    ]


def spent_totals(lines: list[SpentLine]) -> list[SpentTotal]:
    """The side-by-side lines summed per currency (each currency on its own)."""
    totals: dict[str, tuple[Decimal | None, Decimal | None]] = {}

    def plus(a: Decimal | None, b: str | None) -> Decimal | None:
        if b is None:
            return a
        return (a or Decimal(0)) + Decimal(b)

    for line in lines:
        indicative, spent = totals.get(line["currency"], (None, None))
        totals[line["currency"]] = (
            plus(indicative, line["indicative"]),
            plus(spent, line["spent"]),
        )
    return [
        {
            "currency": currency,
            "indicative": None if indicative is None else str(indicative),
            "spent": None if spent is None else str(spent),
        }
        for currency, (indicative, spent) in sorted(totals.items())
    ]


def _basis_key(value: str) -> tuple[int, str]:
    return (0, value) if value.isdigit() else (1, value)


def budget_record(result: Budget) -> BudgetRecord:
    """The JSON form of `casplan budget`."""
    group_key = (lambda g: id_sort_key(g)) if result.by in ("goal", "measure") else (lambda g: (g,))
    lines = sorted(
        result.lines.items(),
        key=lambda item: (group_key(item[0][0]), item[0][1], _basis_key(item[0][2]), item[0][3]),
    )
    totals = sorted(
        result.totals.items(), key=lambda item: (item[0][0], _basis_key(item[0][1]), item[0][2])
    )
    spent_lines = side_by_side(result)
    return {
        "by": result.by,
        "year": result.year,
        "lines": [
            {
                "group": group,
                "name": result.group_names.get(group, group),
                "currency": currency,
                "basis": basis_,
                "procurement": procurement,
                "total": str(total),
                "activities": sorted(ids, key=id_sort_key),
            }
            for (group, currency, basis_, procurement), (total, ids) in lines
        ],
        "totals": [
            {"currency": currency, "basis": basis_, "procurement": procurement, "total": str(total)}
            for (currency, basis_, procurement), total in totals
        ],
        "not_summed": {
            name: {"count": len(ids), "activities": sorted(ids, key=id_sort_key)}
            for name, ids in result.not_summed.items()
        },
        "excluded": result.excluded,
        "other_years": result.other_years,
        "spent": spent_lines,
        "spent_totals": spent_totals(spent_lines),
    }
