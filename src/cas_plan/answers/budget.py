"""Indicative funds summed per currency: each funds cell once, years and procurement kept apart.

A cell merged over several activities states one amount, not one per activity, so sums run over
distinct cells. Amounts that are part of another amount (`of_which`) or included in another
measure's funds (`counted_under`) are listed, not added. Cells without amounts (no extra cost,
undetermined, stated elsewhere) are counted and listed, never summed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cas_plan.answers.groupings import CODE_FIELDS, NOT_CLASSIFIED
from cas_plan.answers.records import BudgetRecord, SpentLine, SpentTotal
from cas_plan.core.loader import Plan
from cas_plan.core.model import Amount, Funding
from cas_plan.core.organization import responsible_unit_ids, unit_names_by_id
from cas_plan.core.views import ActivityView, id_sort_key

PERIOD = "plan period"
ANNUAL = "annual"
NOT_SUMMED = (
    "no_extra_cost",
    "undetermined",
    "stated_elsewhere",
    "sources_only",
    "external",
    "not_stated",
)
"""Why an activity's funds are not in the sums, in the order every output lists them."""


@dataclass(frozen=True)
class FundsCell:
    """One funds cell of the source and the activities it applies to."""

    measure_id: str
    written_on: str | None
    funding: Funding | None
    activities: tuple[str, ...]


def funds_cells(views: Sequence[ActivityView]) -> list[FundsCell]:
    """Distinct funds cells: a cell continued down a measure, or restated in it, counts once."""
    cells: dict[tuple[str, str], list[ActivityView]] = {}
    for view in views:
        funding = view.funds.value
        key = (
            view.measure_id,
            funding.model_dump_json() if funding else f"none:{view.funds.written_on}",
        )
        cells.setdefault(key, []).append(view)
    return [
        FundsCell(
            group[0].measure_id,
            group[0].funds.written_on,
            group[0].funds.value,
            tuple(v.id for v in group),
        )
        for group in cells.values()
    ]


def basis(amount: Amount) -> str:
    if amount.year is not None:
        return str(amount.year)
    return ANNUAL if amount.annual else PERIOD


def summed(amount: Amount) -> bool:
    return not amount.of_which and amount.counted_under is None


@dataclass
class Budget:
    by: str
    year: int | None
    # (group, currency, basis, procurement) -> total and the activities behind it
    lines: dict[tuple[str, str, str, str], tuple[Decimal, set[str]]] = field(default_factory=dict)
    totals: dict[tuple[str, str, str], Decimal] = field(default_factory=dict)
    group_names: dict[str, str] = field(default_factory=dict)
    not_summed: dict[str, set[str]] = field(default_factory=lambda: {k: set() for k in NOT_SUMMED})
    excluded: list[dict[str, Any]] = field(default_factory=list)
    other_years: list[dict[str, Any]] = field(default_factory=list)
    # (group, currency) -> amount spent (from the progress entries that stand) and the activities
    spent: dict[tuple[str, str], tuple[Decimal, set[str]]] = field(default_factory=dict)

    def add(self, group: str, amount: Amount, activities: tuple[str, ...]) -> None:
        money = amount.amount
        key = (group, money.currency, basis(amount), amount.procurement or "unspecified")
        total, ids = self.lines.get(key, (Decimal(0), set()))
        ids.update(activities)  # in place: a unit's line may gather thousands of amounts
        self.lines[key] = (total + money.amount, ids)


def _names_by(plan: Plan, by: str) -> dict[str, str]:
    """The display names of the groups (goal or measure titles, unit names), made once."""
    if by == "goal":
        return {g.model.id: g.model.title for g in plan.goals}
    if by == "measure":
        return {m.model.id: m.model.title for m in plan.measures}
    if by == "unit":
        return {unit_id: unit.name for unit_id, unit in plan.units.items()}
    return {}


def _groups(
    names: dict[str, str],
    cell: FundsCell,
    amount: Amount,
    by: str,
    units_of: dict[str, list[str]],
) -> dict[str, str]:
    """Group key -> display name for one amount."""
    if by == "goal":
        goal = cell.measure_id.split(".")[0]
        return {goal: names.get(goal, goal)}
    if by == "measure":
        return {cell.measure_id: names.get(cell.measure_id, cell.measure_id)}
    if by == "unit":
        ids = sorted({u for activity in cell.activities for u in units_of.get(activity, [])})
        return {u: names.get(u, u) for u in ids} or {"(no unit named)": "(no unit named)"}
    if by in CODE_FIELDS:
        return {code_of(amount, by): ""}
    source = (
        amount.source or "; ".join(cell.funding.sources if cell.funding else []) or "not stated"
    )
    return {source: ""}


def code_of(amount: Amount, by: str) -> str:
    """The amount's budget classification code that `by` sums by, or NOT_CLASSIFIED."""
    codes = amount.classification
    code: str | None = getattr(codes, CODE_FIELDS[by]) if codes else None
    return code or NOT_CLASSIFIED


def _spent_codes(view: ActivityView, currency: str, by: str) -> dict[str, str]:
    """Spending has no code of its own: it takes the code of the activity's amounts in its
    currency when they all have the same one, else it is not classified."""
    funding = view.funds.value
    amounts = [a for a in (funding.amounts if funding else []) if a.amount.currency == currency]
    codes = {code_of(amount, by) for amount in amounts}
    return {codes.pop() if len(codes) == 1 else NOT_CLASSIFIED: ""}


def _units_of(views: Sequence[ActivityView]) -> dict[str, list[str]]:
    """Responsible units per activity; a cell 'listed under individual projects' takes the
    units of its sub-activities."""
    units = {view.id: responsible_unit_ids(view) for view in views}
    children: dict[str, list[str]] = {}
    for view in views:
        if view.parent_id is not None:
            children.setdefault(view.parent_id, []).append(view.id)
    for view in views:
        responsibility = view.responsible.value
        if responsibility and responsibility.listed_under_sub_activities:
            units[view.id] = sorted(
                {u for child in children.get(view.id, []) for u in units[child]}
            )
    return units


def compute_budget(plan: Plan, by: str = "goal", year: int | None = None) -> Budget:
    views = plan.views
    result = Budget(by=by, year=year)
    units_of = _units_of(views)
    names = _names_by(plan, by)
    for cell in funds_cells(views):
        funding = cell.funding
        _classify(result, funding, cell.activities)
        if funding is None:
            continue
        for amount in funding.amounts:
            record = {
                "activity": cell.written_on,
                "amount": str(amount.amount.amount),
                "currency": amount.amount.currency,
                "basis": basis(amount),
                "as_written": amount.as_written,
            }
            if not summed(amount):
                reason = (
                    "part of the amount before it"
                    if amount.of_which
                    else (f"counted under {amount.counted_under}")
                )
                result.excluded.append({**record, "reason": reason})
                continue
            if year is not None and basis(amount) not in (str(year), ANNUAL):
                result.other_years.append(record)
                continue
            for group, name in _groups(names, cell, amount, by, units_of).items():
                result.group_names[group] = name
                result.add(group, amount, cell.activities)
            key = (amount.amount.currency, basis(amount), amount.procurement or "unspecified")
            result.totals[key] = result.totals.get(key, Decimal(0)) + amount.amount.amount
    _add_spent(plan, result, units_of)
    return result


def _add_spent(plan: Plan, result: Budget, units_of: dict[str, list[str]]) -> None:
    """Amounts spent, from the progress entries that stand (corrected entries left out), per
    group and currency; with a year, only what was spent in that year."""
    goals = {g.model.id: g.model.title for g in plan.goals}
    measures = {m.model.id: m.model.title for m in plan.measures}
    units = unit_names_by_id(plan.units)
    for view in plan.views:
        for entry in view.entries:
            for spending in entry.spent:
                if result.year is not None and spending.year != result.year:
                    continue
                if result.by == "goal":
                    groups = {view.goal_id: goals.get(view.goal_id, view.goal_id)}
                elif result.by == "measure":
                    groups = {view.measure_id: measures.get(view.measure_id, view.measure_id)}
                elif result.by == "unit":
                    ids = units_of.get(view.id, [])
                    groups = {u: units.get(u, u) for u in ids} or {
                        "(no unit named)": "(no unit named)"
                    }
                elif result.by in CODE_FIELDS:
                    groups = _spent_codes(view, spending.amount.currency, result.by)
                else:
                    groups = {spending.source or "not stated": ""}
                money = spending.amount
                for group, name in groups.items():
                    result.group_names.setdefault(group, name)
                    total, ids_ = result.spent.get((group, money.currency), (Decimal(0), set()))
                    ids_.add(view.id)
                    result.spent[(group, money.currency)] = (total + money.amount, ids_)


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


def _classify(result: Budget, funding: Funding | None, activities: tuple[str, ...]) -> None:
    if funding is None or not (
        funding.amounts
        or funding.no_extra_cost
        or funding.undetermined
        or funding.see
        or funding.sources
        or funding.external
    ):
        result.not_summed["not_stated"].update(activities)
        return
    if funding.amounts:
        return
    flags = {
        "no_extra_cost": funding.no_extra_cost,
        "undetermined": funding.undetermined,
        "stated_elsewhere": bool(funding.see),
        "sources_only": bool(funding.sources),
        "external": bool(funding.external),
    }
    for name, on in flags.items():
        if on:
            result.not_summed[name].update(activities)


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


@dataclass
class PeriodFunds:
    """Indicative funds over a run of years beside the spending of each year, per group (goal
    or measure) and currency: an amount of one of the years, an annual amount once for each
    year, and an amount for the whole plan period when the run is the whole plan period; the
    amounts left out are kept to say how many."""

    by: str
    years: tuple[int, ...]
    whole_period: bool
    indicative: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    spent: dict[tuple[str, str, int], Decimal] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    left_out: list[dict[str, Any]] = field(default_factory=list)

    def counted(self, amount: Amount) -> Decimal | None:
        """How much of an amount falls in the years (None: none of it)."""
        if amount.annual:
            return amount.amount.amount * len(self.years)
        if amount.year is None:
            return amount.amount.amount if self.whole_period else None
        return amount.amount.amount if amount.year in self.years else None

    def lines(self) -> list[dict[str, Any]]:
        """Per group and currency: the indicative amount, the spending of each year (None: no
        amount) and their sum, as exact decimal strings."""
        keys = {(g, c) for g, c in self.indicative} | {(g, c) for g, c, _ in self.spent}
        return [
            self._line(group, currency)
            for group, currency in sorted(keys, key=lambda k: (id_sort_key(k[0]), k[1]))
        ]

    def totals(self) -> list[dict[str, Any]]:
        """The lines summed per currency (currencies never added to each other)."""
        out: dict[str, dict[str, Any]] = {}
        for line in self.lines():
            total = out.setdefault(
                line["currency"],
                {
                    "currency": line["currency"],
                    "indicative": None,
                    "spent_by_year": [None] * len(self.years),
                },
            )
            total["indicative"] = _plus(total["indicative"], line["indicative"])
            total["spent_by_year"] = [
                _plus(a, b)
                for a, b in zip(total["spent_by_year"], line["spent_by_year"], strict=True)
            ]
        return [self._summed(out[currency]) for currency in sorted(out)]

    def _line(self, group: str, currency: str) -> dict[str, Any]:
        indicative = self.indicative.get((group, currency))
        by_year = [self.spent.get((group, currency, year)) for year in self.years]
        return self._summed(
            {
                "group": group,
                "name": self.names.get(group, group),
                "currency": currency,
                "indicative": None if indicative is None else str(indicative),
                "spent_by_year": [None if x is None else str(x) for x in by_year],
            }
        )

    @staticmethod
    def _summed(line: dict[str, Any]) -> dict[str, Any]:
        spent = None
        for value in line["spent_by_year"]:
            spent = _plus(spent, value)
        return {**line, "spent": spent}


def _plus(total: str | None, value: str | None) -> str | None:
    if value is None:
        return total
    return str(Decimal(total or 0) + Decimal(value))


def period_funds(plan: Plan, by: str, years: Sequence[int], whole_period: bool) -> PeriodFunds:
    """Indicative funds over the years beside the spending of each year, by goal or measure
    (each funds cell counted once, `of_which` and `counted_under` amounts not added)."""
    result = PeriodFunds(by, tuple(years), whole_period)
    units_of = _units_of(plan.views)
    group_names = _names_by(plan, by)
    for cell in funds_cells(plan.views):
        for amount in cell.funding.amounts if cell.funding else []:
            if not summed(amount):
                continue
            counted = result.counted(amount)
            if counted is None:
                result.left_out.append({"activity": cell.written_on, "basis": basis(amount)})
                continue
            for group, name in _groups(group_names, cell, amount, by, units_of).items():
                key = (group, amount.amount.currency)
                result.names[group] = name
                result.indicative[key] = result.indicative.get(key, Decimal(0)) + counted
    names = {g.model.id: g.model.title for g in plan.goals} | {
        m.model.id: m.model.title for m in plan.measures
    }
    for view in plan.views:
        group = view.goal_id if by == "goal" else view.measure_id
        for entry in view.entries:
            for spending in entry.spent:
                if spending.year not in result.years:
                    continue
                spent = (group, spending.amount.currency, spending.year)
                result.names.setdefault(group, names.get(group, group))
                result.spent[spent] = result.spent.get(spent, Decimal(0)) + spending.amount.amount
    return result
