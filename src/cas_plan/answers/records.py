"""The stable JSON shapes of the commands (documented in the README), typed, and how they are
built from a loaded plan. Fields are only ever added.

Renderers take these records (or the rows of `queries`), never raw models, so `--format json`
and the tables say the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Literal, TypedDict

from cas_plan.answers.cells import CellWords, cell_content, values_text
from cas_plan.answers.indicators import (
    IndicatorRecord,
    activity_indicators,
    end_year,
    measure_indicators,
)
from cas_plan.answers.queries import DueRow, UnitLine, WhoRow, event_dates, status_record
from cas_plan.answers.reporting import ReportDeadline
from cas_plan.answers.statuses import days_late, last_day, standing
from cas_plan.core.deadlines import DeadlineSpec, events_of, span
from cas_plan.core.errors import UsageError
from cas_plan.core.history import amendments_by_id, cell_changes
from cas_plan.core.lineage import carried_to
from cas_plan.core.loader import Plan
from cas_plan.core.model import (
    Amount,
    Deadline,
    Funding,
    Responsibility,
    Unit,
    evidence_kind,
    evidence_link,
)
from cas_plan.core.money import Money
from cas_plan.core.suggest import did_you_mean
from cas_plan.core.views import ActivityView, id_sort_key, superseded

Say = Callable[[DeadlineSpec], str]
"""How a deadline reads in words (`l10n.deadlines.DeadlineWords`): the command passes it, since
answers have no words of their own."""


class DueInfo(TypedDict):
    """A deadline: its spelling and its days for machines, its `description` in words."""

    kind: str | None
    spelling: str | None
    description: str | None
    first_day: str | None
    last_day: str | None
    as_written: str | None
    events: list[str]
    uncertain: str | None


class AmountRecord(TypedDict):
    amount: str
    currency: str
    year: int | None
    annual: bool
    procurement: str | None
    source: str | None
    of_which: bool
    counted_under: str | None
    as_written: str | None


class FundsRecord(TypedDict):
    as_written: str | None
    no_extra_cost: bool
    amounts: list[AmountRecord]
    see: list[str]
    sources: list[str]
    external: str | None
    undetermined: bool
    uncertain: str | None


class ResponsibleRecord(TypedDict):
    unit: str
    name: str
    role: str | None
    scope: str | None


class WrittenOn(TypedDict):
    indicators: str | None
    responsible: str | None
    funds: str | None
    due: str | None


class ActivityRecord(TypedDict):
    """One object of `casplan list --format json`."""

    id: str
    goal: str
    measure: str
    parent: str | None
    title: str
    unnumbered: bool
    indicators: list[str]
    responsible: list[ResponsibleRecord]
    responsible_as_written: str | None
    listed_under_sub_activities: bool
    due: DueInfo
    funds: FundsRecord
    status: str
    status_date: str | None
    written_on: WrittenOn
    file: str


class DueRecord(ActivityRecord):
    """One object of `casplan due --format json`: an activity and one occurrence of its deadline."""

    deadline: str | None
    section: str
    overdue: bool


class ReportDeadlineRecord(TypedDict):
    """One object of `casplan due --reports --format json`: a report the coordinator owes."""

    kind: str  # half, year or final
    period: str  # as `report --period` spells it: 2018-H1, 2018, 2017..2020
    first_day: str
    last_day: str
    due: str


def report_deadline_records(deadlines: Sequence[ReportDeadline]) -> list[ReportDeadlineRecord]:
    return [
        ReportDeadlineRecord(
            kind=d.kind,
            period=d.period.text,
            first_day=d.period.start.isoformat(),
            last_day=d.period.end.isoformat(),
            due=d.due.isoformat(),
        )
        for d in deadlines
    ]


class ActivityShow(ActivityRecord):
    kind: Literal["activity"]
    goal_title: str | None
    measure_title: str
    parent_title: str | None
    title_as_written: str | None
    indicators_as_written: str | None
    sub_activities: list[str]
    progress: list[dict[str, Any]]
    history: list[CellValue]
    added_by: str | None
    cancelled_by: str | None
    indicator_series: list[IndicatorRecord]
    carried_from: str | None
    carried_to: str | None
    days_late: int | None  # completed after its deadline (a deadline of one day): by how many days
    rolled_up: bool  # the status comes from the sub-activities (no entries of its own)


class MeasureActivity(TypedDict):
    id: str
    parent: str | None
    title: str
    due: str | None
    due_description: str | None
    status: str


class MeasureShow(TypedDict):
    kind: Literal["measure"]
    id: str
    goal: str
    goal_title: str | None
    title: str
    title_as_written: str | None
    file: str
    activities: list[MeasureActivity]
    type: str | None
    regulations: list[str]
    funding_source: str | None
    indicator_series: list[IndicatorRecord]


class GoalMeasure(TypedDict):
    id: str
    title: str
    activities: int


class GoalShow(TypedDict):
    kind: Literal["goal"]
    id: str
    title: str
    title_as_written: str | None
    file: str
    measures: list[GoalMeasure]


ShowRecord = ActivityShow | MeasureShow | GoalShow


class UnitRecord(TypedDict):
    """One object of `casplan units --format json`."""

    id: str
    name: str
    kind: str
    parent: str | None
    head: str | None
    depth: int
    covers: list[str]
    leads: int
    leads_with_sub_units: int


class WhoActivity(TypedDict):
    id: str
    goal: str
    measure: str
    title: str
    due: str | None
    status: str
    via: list[str]
    shared_with: list[str]


class WhoRecord(TypedDict):
    """`casplan who --format json`."""

    unit: str
    name: str
    activities: list[WhoActivity]


class BudgetLine(TypedDict):
    group: str
    name: str
    currency: str
    basis: str
    procurement: str
    total: str
    activities: list[str]


class BudgetTotal(TypedDict):
    currency: str
    basis: str
    procurement: str
    total: str


class NotSummed(TypedDict):
    count: int
    activities: list[str]


class SpentLine(TypedDict):
    """Indicative funds (None: none stated for the year) and spent (None: nothing reported) of one
    group in one currency."""

    group: str
    name: str
    currency: str
    indicative: str | None
    spent: str | None
    activities: list[str]


class SpentTotal(TypedDict):
    currency: str
    indicative: str | None
    spent: str | None


class BudgetRecord(TypedDict):
    """`casplan budget --format json`."""

    by: str
    year: int | None
    lines: list[BudgetLine]
    totals: list[BudgetTotal]
    not_summed: dict[str, NotSummed]
    excluded: list[dict[str, Any]]
    other_years: list[dict[str, Any]]
    spent: list[SpentLine]
    spent_totals: list[SpentTotal]


# --- building them ------------------------------------------------------------------------------


def due_info(deadline: Deadline | None, events: Mapping[str, dt.date], say: Say) -> DueInfo:
    if deadline is None:
        return DueInfo(
            kind=None,
            spelling=None,
            description=None,
            first_day=None,
            last_day=None,
            as_written=None,
            events=[],
            uncertain=None,
        )
    first, last = span(deadline.when, dict(events))
    return DueInfo(
        kind=deadline.when.kind,
        spelling=deadline.when.spell(),
        description=say(deadline.when),
        first_day=first.isoformat() if first else None,
        last_day=last.isoformat() if last else None,
        as_written=deadline.as_written,
        events=events_of(deadline.when),
        uncertain=deadline.uncertain,
    )


def amount_record(amount: Amount) -> AmountRecord:
    return AmountRecord(
        amount=str(amount.amount.amount),
        currency=amount.amount.currency,
        year=amount.year,
        annual=amount.annual,
        procurement=amount.procurement,
        source=amount.source,
        of_which=amount.of_which,
        counted_under=amount.counted_under,
        as_written=amount.as_written,
    )


def funds_record(funds: Funding | None) -> FundsRecord:
    if funds is None:
        funds = Funding()
    return FundsRecord(
        as_written=funds.as_written,
        no_extra_cost=funds.no_extra_cost,
        amounts=[amount_record(a) for a in funds.amounts],
        see=list(funds.see),
        sources=list(funds.sources),
        external=funds.external,
        undetermined=funds.undetermined,
        uncertain=funds.uncertain,
    )


def responsible_records(
    responsibility: Responsibility | None, units: Mapping[str, Unit]
) -> list[ResponsibleRecord]:
    if responsibility is None:
        return []
    return [
        ResponsibleRecord(
            unit=entry.unit,
            name=units[entry.unit].name if entry.unit in units else entry.unit,
            role=entry.role,
            scope=entry.scope,
        )
        for entry in responsibility.units
    ]


def activity_record(
    view: ActivityView,
    units: Mapping[str, Unit],
    events: Mapping[str, dt.date],
    as_of: dt.date,
    file: str,
    say: Say,
) -> ActivityRecord:
    """One activity with its effective values (merged cells resolved)."""
    status, status_date = status_record(view, as_of)
    responsibility = view.responsible.value
    return ActivityRecord(
        id=view.id,
        goal=view.goal_id,
        measure=view.measure_id,
        parent=view.parent_id,
        title=view.title,
        unnumbered=view.activity.unnumbered,
        indicators=view.indicator_texts,
        responsible=responsible_records(responsibility, units),
        responsible_as_written=responsibility.as_written if responsibility else None,
        listed_under_sub_activities=bool(
            responsibility and responsibility.listed_under_sub_activities
        ),
        due=due_info(view.due.value, events, say),
        funds=funds_record(view.funds.value),
        status=status,
        status_date=status_date,
        written_on=WrittenOn(
            indicators=view.indicators.written_on,
            responsible=view.responsible.written_on,
            funds=view.funds.written_on,
            due=view.due.written_on,
        ),
        file=file,
    )


def list_records(plan: Plan, as_of: dt.date, say: Say) -> Iterator[ActivityRecord]:
    """The records of `casplan list`, one at a time (a large plan is never held twice)."""
    units = plan.units
    events = event_dates(plan)
    return (
        activity_record(view, units, events, as_of, plan.relative(view.path), say)
        for view in plan.views
    )


def due_records(
    plan: Plan, rows: Sequence[DueRow], as_of: dt.date, say: Say
) -> Iterator[DueRecord]:
    """`casplan due --format json`: the objects of `casplan list`, plus the occurrence."""
    units = plan.units
    events = event_dates(plan)
    for row in rows:
        path = plan.relative(row.view.path)
        record = activity_record(row.view, units, events, as_of, path, say)
        due = DueRecord(
            **record,
            deadline=row.deadline.isoformat() if row.deadline else None,
            section=row.section,
            overdue=row.overdue,
        )
        due["status"] = row.status
        yield due


def unit_records(lines: Sequence[UnitLine]) -> list[UnitRecord]:
    return [
        UnitRecord(
            id=line.unit.id,
            name=line.unit.name,
            kind=line.unit.kind,
            parent=line.unit.parent,
            head=line.unit.head,
            depth=line.depth,
            covers=line.unit.covers,
            leads=line.direct,
            leads_with_sub_units=line.total,
        )
        for line in lines
    ]


def who_record(unit_id: str, name: str, rows: Sequence[WhoRow]) -> WhoRecord:
    return WhoRecord(
        unit=unit_id,
        name=name,
        activities=[
            WhoActivity(
                id=row.view.id,
                goal=row.view.goal_id,
                measure=row.view.measure_id,
                title=row.view.title,
                due=row.view.due.value.when.spell() if row.view.due.value else None,
                status=row.status,
                via=row.via,
                shared_with=row.shared_with,
            )
            for row in rows
        ],
    )


def progress_records(view: ActivityView) -> list[dict[str, Any]]:
    """Every entry, oldest first; one a correction superseded is marked `superseded: true`."""
    gone = superseded(view.activity.progress)
    out = []
    for position, entry in enumerate(view.activity.progress):
        record = entry.model_dump(mode="json", exclude_defaults=True)
        if position in gone:
            record["superseded"] = True
        out.append(record)
    return out


class EvidenceRecord(TypedDict):
    """A piece of evidence as a document shows it: its text, and the link it is (or None)."""

    text: str
    kind: Literal["url", "document", "path"]
    href: str | None


def evidence_record(item: str) -> EvidenceRecord:
    return EvidenceRecord(text=item, kind=evidence_kind(item), href=evidence_link(item))


class CellValue(TypedDict):
    """One value a cell had: from the day it was set until the amendment that replaced it."""

    cell: str
    value: str
    as_written: str | None
    since: str | None  # the amendment date it took effect (None: as adopted)
    until: str | None  # the amendment date it was replaced (None: in force)
    set_by: str | None  # the amendment that set it
    replaced_by: str | None  # the amendment that replaced it
    decision: str | None  # the replacing amendment's decision


# how `show` says a cell with no values of its own (JSON and text: the tool's English)
SHOW_CELL_WORDS = CellWords("blank", "continued from the row above", "no extra cost")


def cell_history(plan: Plan, view: ActivityView) -> list[CellValue]:
    """Each amended cell's values, oldest first, with the amendments between them. A cell this
    row continues from the row above shows that row's history."""
    amendments = amendments_by_id(plan)
    by_id = {v.id: v for v in plan.views}
    out: list[CellValue] = []
    for cell in ("title", "indicators", "responsible", "funds", "due"):
        row = view
        if cell != "title":
            written_on = getattr(view, cell).written_on
            if written_on is not None and written_on != view.id and written_on in by_id:
                row = by_id[written_on]
        changes = cell_changes(row.activity, cell)
        if not changes:
            continue
        current = getattr(row.activity, cell)
        values = [getattr(c, cell) for c in changes] + [current]
        dates = [
            amendment.date.isoformat() if (amendment := amendments.get(c.amendment)) else None
            for c in changes
        ]
        for index, value in enumerate(values):
            content = cell_content(value)
            text = values_text(content, SHOW_CELL_WORDS, {}, Money.spell, spelled)
            before = changes[index - 1] if index > 0 else None
            after = changes[index] if index < len(changes) else None
            replacing = amendments.get(after.amendment) if after else None
            out.append(
                CellValue(
                    cell=cell,
                    value=text,
                    as_written=content.as_written,
                    since=dates[index - 1] if index > 0 else None,
                    until=dates[index] if after else None,
                    set_by=before.amendment if before else None,
                    replaced_by=after.amendment if after else None,
                    decision=replacing.decision if replacing else None,
                )
            )
    return out


def spelled(spec: DeadlineSpec) -> str:
    """A deadline as the plan spells it: what a cell's history records (JSON's `value`)."""
    return spec.spell()


def show_record(plan: Plan, identifier: str, as_of: dt.date, say: Say) -> ShowRecord:
    """The full record of a goal, measure or activity, and where each effective value comes
    from; an unknown id is a usage error that suggests close ids."""
    views = plan.views
    goals = {g.model.id: g for g in plan.goals}
    measures = {m.model.id: m for m in plan.measures}
    by_id = {v.id: v for v in views}
    if identifier in by_id:
        view = by_id[identifier]
        found = standing(view.activity, as_of)
        record = activity_record(
            view, plan.units, event_dates(plan), as_of, plan.relative(view.path), say
        )
        return ActivityShow(
            **record,
            kind="activity",
            goal_title=goals[view.goal_id].model.title if view.goal_id in goals else None,
            measure_title=measures[view.measure_id].model.title,
            parent_title=by_id[view.parent_id].title if view.parent_id else None,
            title_as_written=view.activity.title_as_written,
            indicators_as_written=(
                view.indicators.value.as_written if view.indicators.value else None
            ),
            sub_activities=[v.id for v in views if v.parent_id == view.id],
            progress=progress_records(view),
            history=cell_history(plan, view),
            added_by=view.activity.added_by,
            cancelled_by=view.activity.cancelled_by,
            indicator_series=activity_indicators(plan, view, as_of),
            carried_from=view.activity.carried_from,
            carried_to=carried_to(plan, view.id),
            days_late=days_late(found, last_day(view, event_dates(plan))),
            rolled_up=found.rolled_up,
        )
    if identifier in measures:
        measure = measures[identifier]
        goal_id = identifier.split(".")[0]
        return MeasureShow(
            kind="measure",
            id=identifier,
            goal=goal_id,
            goal_title=goals[goal_id].model.title if goal_id in goals else None,
            title=measure.model.title,
            title_as_written=measure.model.title_as_written,
            file=plan.relative(measure.path),
            activities=[
                MeasureActivity(
                    id=v.id,
                    parent=v.parent_id,
                    title=v.title,
                    due=v.due.value.when.spell() if v.due.value else None,
                    due_description=say(v.due.value.when) if v.due.value else None,
                    status=status_record(v, as_of)[0],
                )
                for v in views
                if v.measure_id == identifier
            ],
            type=measure.model.type,
            regulations=list(measure.model.regulations),
            funding_source=measure.model.funding_source,
            indicator_series=measure_indicators(measure.model, as_of, end_year(plan)),
        )
    if identifier in goals:
        goal = goals[identifier]
        return GoalShow(
            kind="goal",
            id=identifier,
            title=goal.model.title,
            title_as_written=goal.model.title_as_written,
            file=plan.relative(goal.path),
            measures=[
                GoalMeasure(
                    id=m.model.id,
                    title=m.model.title,
                    activities=sum(1 for v in views if v.measure_id == m.model.id),
                )
                for m in sorted(measures.values(), key=lambda m: id_sort_key(m.model.id))
                if m.model.id.split(".")[0] == identifier
            ],
        )
    hint = did_you_mean(identifier, [*by_id, *measures, *goals], quote="")
    raise UsageError(
        f"no goal, measure or activity has the id '{identifier}'" + (f"; {hint}" if hint else "")
    )
