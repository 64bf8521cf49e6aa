"""The read-only questions: list, due, units, who, show, budget."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cas_plan.answers.groupings import BudgetGrouping
from cas_plan.commands.choices import (
    BudgetFormat,
    DueFormat,
    ListFormat,
    ShowFormat,
    UnitsFormat,
    WhoFormat,
)
from cas_plan.commands.common import (
    Outcome,
    PlanOptions,
    check_filter,
    find_unit,
    load_for_query,
    parse_date,
    said_in_english,
    write_xlsx,
    xlsx_target,
)
from cas_plan.core.errors import UsageError
from cas_plan.core.organization import unit_names_by_id
from cas_plan.core.status import StatusFilter

if TYPE_CHECKING:
    import datetime as dt

    from cas_plan.answers.queries import DueQuery
    from cas_plan.answers.records import ReportDeadlineRecord
    from cas_plan.core.loader import Plan
    from cas_plan.output.terminal import Screen


def list_activities(
    options: PlanOptions,
    output_format: ListFormat,
    as_of: str | None,
    screen: Screen,
    out: Path | None = None,
) -> Outcome:
    """Every activity with its effective values."""
    from cas_plan.answers.records import list_records

    target = xlsx_target(output_format, out, options)
    day = parse_date(as_of, "--as-of")
    plan = load_for_query(options, day)
    records = list_records(plan, day, said_in_english(plan))
    if target is not None:
        from cas_plan.output.xlsx import list_sheets

        return write_xlsx(target, list_sheets(records), plan.title or "casplan")
    if output_format == "json":
        from cas_plan.output.json import json_array

        return Outcome(json_array(records))
    from cas_plan.output.terminal import draw, print_activities

    return Outcome(draw(screen, lambda console: print_activities(console, records)))


@dataclass(frozen=True)
class DueOptions:
    before: str | None
    after: str | None = None
    owner: str | None = None
    goal: str | None = None
    measure: str | None = None
    status: StatusFilter | None = None
    overdue: bool = False
    continuous: bool = False
    as_of: str | None = None
    reports: bool = False


def due_window(asked: DueOptions) -> DueQuery:
    """The due query the options ask, before the plan is read (dates and status checked)."""
    from cas_plan.answers.queries import DueQuery

    if asked.before is None:
        raise UsageError("Missing option '--before'.")
    before = parse_date(asked.before, "--before")
    after = parse_date(asked.after, "--after") if asked.after else None
    if after and after > before:
        raise UsageError(f"--after {after} is later than --before {before}")
    return DueQuery(
        before=before,
        after=after,
        as_of=parse_date(asked.as_of, "--as-of"),
        goal=asked.goal,
        measure=asked.measure,
        status=asked.status,
        overdue_only=asked.overdue,
        include_continuous=asked.continuous,
    )


def due_query(plan: Plan, asked: DueOptions) -> DueQuery:
    """The due query the options ask, checked against the plan (units, goals, measures)."""
    import dataclasses

    from cas_plan.core.organization import Organization

    query = due_window(asked)
    scope = None
    if asked.owner is not None:
        organization = Organization.of(plan.units.values())
        scope = frozenset(organization.scope(find_unit(plan, asked.owner)))
    check_filter(plan, goal=asked.goal, measure=asked.measure)
    return dataclasses.replace(query, scope=scope)


def due(
    options: PlanOptions,
    asked: DueOptions,
    output_format: DueFormat,
    screen: Screen,
    out: Path | None = None,
) -> Outcome:
    """What falls due in a window, by unit, goal, measure, status; or (`--reports`) the
    reports the coordinator owes."""
    from cas_plan.answers.queries import due_rows

    if asked.reports:
        return due_reports(options, asked, output_format, screen, out)
    target = xlsx_target(output_format, out, options)
    window = due_window(asked)  # a bad option value is reported before the plan is read
    plan = load_for_query(options, window.as_of)
    query = due_query(plan, asked)
    rows = due_rows(plan, query)
    names = unit_names_by_id(plan.units)
    say = said_in_english(plan)
    if target is not None:
        from cas_plan.answers.records import due_records
        from cas_plan.output.xlsx import due_sheets

        sheets = due_sheets(due_records(plan, rows, query.as_of, say))
        return write_xlsx(target, sheets, plan.title or "casplan")
    if output_format == "json":
        from cas_plan.answers.records import due_records
        from cas_plan.output.json import json_array

        return Outcome(json_array(due_records(plan, rows, query.as_of, say)))
    if output_format == "csv":
        from cas_plan.output.csv import due_csv

        return Outcome(due_csv(rows, names))
    if output_format == "md":
        from cas_plan.output.markdown import due_markdown

        return Outcome(due_markdown(rows, names, say))
    if output_format == "ics":
        from cas_plan.output.ics import due_ics

        return Outcome(due_ics(rows, names, plan.title or "casplan", query.as_of))
    from cas_plan.output.terminal import draw, print_due

    return Outcome(draw(screen, lambda console: print_due(console, rows, names, say)))


def due_reports(
    options: PlanOptions,
    asked: DueOptions,
    output_format: DueFormat,
    screen: Screen,
    out: Path | None = None,
) -> Outcome:
    """`due --reports`: the reporting calendar (each report, its period and the day it is due
    to the Government), due on or after --after and on or before --before when given."""
    from cas_plan.answers.records import report_deadline_records
    from cas_plan.answers.reporting import reporting_calendar

    others = {
        "--owner": asked.owner,
        "--goal": asked.goal,
        "--measure": asked.measure,
        "--status": asked.status,
        "--overdue": asked.overdue or None,
        "--continuous": asked.continuous or None,
    }
    given = [name for name, value in others.items() if value is not None]
    if given:
        raise UsageError(
            f"{', '.join(given)}: not with --reports, which lists the coordinator's reports"
        )
    target = xlsx_target(output_format, out, options)
    before = parse_date(asked.before, "--before") if asked.before else None
    after = parse_date(asked.after, "--after") if asked.after else None
    day = parse_date(asked.as_of, "--as-of")
    plan = load_for_query(options, day)
    records = report_deadline_records(
        [
            d
            for d in reporting_calendar(plan)
            if (before is None or d.due <= before) and (after is None or d.due >= after)
        ]
    )
    return _reports_outcome(records, output_format, screen, target, plan.title or "casplan", day)


def _reports_outcome(
    records: list[ReportDeadlineRecord],
    output_format: DueFormat,
    screen: Screen,
    target: Path | None,
    title: str,
    day: dt.date,
) -> Outcome:
    if target is not None:
        from cas_plan.output.xlsx import reports_sheets

        return write_xlsx(target, reports_sheets(records), title)
    if output_format == "json":
        from cas_plan.output.json import json_text

        return Outcome(json_text(records))
    if output_format == "csv":
        from cas_plan.output.csv import reports_csv

        return Outcome(reports_csv(records))
    if output_format == "md":
        from cas_plan.output.markdown import reports_markdown

        return Outcome(reports_markdown(records))
    if output_format == "ics":
        from cas_plan.output.ics import reports_ics

        return Outcome(reports_ics(records, title, day))
    from cas_plan.output.terminal import draw, print_reports

    return Outcome(draw(screen, lambda console: print_reports(console, records)))


def units(options: PlanOptions, output_format: UnitsFormat, screen: Screen) -> Outcome:
    """The units as a tree, with the activities each one leads."""
    from cas_plan.answers.queries import unit_tree

    plan = load_for_query(options)
    lines = unit_tree(plan)
    if output_format == "json":
        from cas_plan.answers.records import unit_records
        from cas_plan.output.json import json_text

        return Outcome(json_text(unit_records(lines)))
    from cas_plan.output.terminal import draw, print_units

    return Outcome(draw(screen, lambda console: print_units(console, lines)))


def who(
    options: PlanOptions,
    unit: str,
    output_format: WhoFormat,
    as_of: str | None,
    screen: Screen,
    out: Path | None = None,
) -> Outcome:
    """What a unit is responsible for, by goal and measure."""
    from cas_plan.answers.queries import who as who_rows

    target = xlsx_target(output_format, out, options)
    day = parse_date(as_of, "--as-of")
    plan = load_for_query(options, day)
    unit_id = find_unit(plan, unit)
    rows = who_rows(plan, unit_id, day)
    names = unit_names_by_id(plan.units)
    if target is not None:
        from cas_plan.answers.records import who_record
        from cas_plan.output.xlsx import who_sheets

        sheets = who_sheets(who_record(unit_id, names[unit_id], rows), names)
        return write_xlsx(target, sheets, plan.title or "casplan")
    if output_format == "json":
        from cas_plan.answers.records import who_record
        from cas_plan.output.json import json_text

        return Outcome(json_text(who_record(unit_id, names[unit_id], rows)))
    if output_format == "md":
        from cas_plan.output.markdown import who_markdown

        return Outcome(who_markdown(names[unit_id], rows, names, said_in_english(plan)))
    from cas_plan.output.terminal import draw, print_who

    goal_titles = {g.model.id: g.model.title for g in plan.goals}
    measure_titles = {m.model.id: m.model.title for m in plan.measures}
    say = said_in_english(plan)
    return Outcome(
        draw(
            screen,
            lambda console: print_who(
                console, unit_id, rows, names, goal_titles, measure_titles, say
            ),
        )
    )


def show(
    options: PlanOptions, identifier: str, output_format: ShowFormat, as_of: str | None
) -> Outcome:
    """The full record of a goal, measure or activity."""
    from cas_plan.answers.records import show_record

    day = parse_date(as_of, "--as-of")
    plan = load_for_query(options, day)
    record = show_record(plan, identifier, day, said_in_english(plan))
    if output_format == "json":
        from cas_plan.output.json import json_text

        return Outcome(json_text(record))
    from cas_plan.output.text import show_text

    return Outcome(show_text(record) + "\n")


def budget(
    options: PlanOptions,
    year: int | None,
    by: BudgetGrouping,
    output_format: BudgetFormat,
    screen: Screen,
    out: Path | None = None,
) -> Outcome:
    """Indicative funds summed per currency, each amount once."""
    from cas_plan.answers.budget import compute_budget
    from cas_plan.answers.budget_record import budget_record

    target = xlsx_target(output_format, out, options)
    plan = load_for_query(options)
    record = budget_record(compute_budget(plan, by, year))
    if target is not None:
        from cas_plan.output.xlsx import budget_sheets

        return write_xlsx(target, budget_sheets(record), plan.title or "casplan")
    if output_format == "json":
        from cas_plan.output.json import json_text

        return Outcome(json_text(record))
    if output_format == "csv":
        from cas_plan.output.csv import budget_csv

        return Outcome(budget_csv(record))
    from cas_plan.output.terminal import draw, print_budget

    return Outcome(draw(screen, lambda console: print_budget(console, record)))
