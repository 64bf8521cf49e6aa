"""The read-only questions: validate, list, due, units, who, show, budget."""

from typing import Annotated

import typer

from cas_plan.answers.groupings import BudgetGrouping
from cas_plan.cli.app import app, finish, options, screen
from cas_plan.cli.options import AsOf, NoCache, NoValidate, PlanDir, XlsxOut
from cas_plan.commands.choices import (
    BudgetFormat,
    DueFormat,
    ListFormat,
    ShowFormat,
    UnitsFormat,
    ValidateFormat,
    ValidateProfile,
    WhoFormat,
)
from cas_plan.core.status import StatusFilter


@app.command()
def validate(
    plan: PlanDir = None,
    output_format: Annotated[
        ValidateFormat | None,
        typer.Option(
            "--format",
            help="How to print the problems (default: github when $GITHUB_ACTIONS is set, "
            "else text).",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    check_codeowners: Annotated[
        bool, typer.Option("--codeowners", help="Also fail when .github/CODEOWNERS is out of date.")
    ] = False,
    as_of: AsOf = None,
    profile: Annotated[
        ValidateProfile | None,
        typer.Option(
            "--profile",
            help="Also report, as warnings, what a profile requires: law-2018, what the Law on "
            "the Planning System asks of a plan adopted under it (default: the plan's own "
            "'profile' in plan.yaml, else none).",
            show_default=False,
        ),
    ] = None,
    no_cache: NoCache = False,
) -> None:
    """Check every file of the plan and the references between them."""
    from cas_plan.commands import validate as command

    finish(
        lambda: command.validate(
            options(plan, no_cache=no_cache),
            output_format,
            strict,
            check_codeowners,
            as_of,
            profile,
        )
    )


@app.command("list")
def list_activities(
    plan: PlanDir = None,
    output_format: Annotated[
        ListFormat, typer.Option("--format", help="How to print (xlsx needs --out).")
    ] = ListFormat.TABLE,
    as_of: AsOf = None,
    out: XlsxOut = None,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """Every activity with its effective values.

    Merged cells of the source are resolved: a row that leaves a cell out continues the row
    above.
    """
    from cas_plan.commands import queries as command

    finish(
        lambda: command.list_activities(
            options(plan, no_validate, no_cache), output_format, as_of, screen(), out
        )
    )


@app.command()
def due(
    before: Annotated[
        str | None,
        typer.Option("--before", help="Deadlines on or before this date.", show_default=False),
    ] = None,
    after: Annotated[
        str | None,
        typer.Option(
            "--after",
            help="Deadlines on or after this date (default: the start of the plan period).",
            show_default=False,
        ),
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            help="Only activities of this unit (id or part of its name), with its sub-units.",
            show_default=False,
        ),
    ] = None,
    goal: Annotated[
        str | None, typer.Option("--goal", help="Only this goal (e.g. 3).", show_default=False)
    ] = None,
    measure: Annotated[
        str | None,
        typer.Option("--measure", help="Only this measure (e.g. 3.5).", show_default=False),
    ] = None,
    status: Annotated[
        StatusFilter | None,
        typer.Option(
            "--status",
            help="Only activities with this status on --as-of.",
            show_default=False,
        ),
    ] = None,
    overdue: Annotated[
        bool,
        typer.Option(
            "--overdue",
            help="Only deadlines passed on --as-of whose activity is not completed or cancelled.",
        ),
    ] = False,
    continuous: Annotated[
        bool,
        typer.Option(
            "--continuous",
            help="Also list the continuous and open-ended activities, in a section of their own.",
        ),
    ] = False,
    reports: Annotated[
        bool, typer.Option("--reports", help="The reports on the plan and when each is due.")
    ] = False,
    as_of: AsOf = None,
    output_format: Annotated[
        DueFormat, typer.Option("--format", help="How to print (xlsx needs --out).")
    ] = DueFormat.TABLE,
    out: XlsxOut = None,
    plan: PlanDir = None,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """What falls due in a window, by unit, goal, measure, status; with --reports, the
    reports on the plan and the day each is due to the Government."""
    from cas_plan.commands import queries as command

    asked = command.DueOptions(
        before, after, owner, goal, measure, status, overdue, continuous, as_of, reports
    )
    finish(
        lambda: command.due(
            options(plan, no_validate, no_cache), asked, output_format, screen(), out
        )
    )


@app.command()
def units(
    plan: PlanDir = None,
    output_format: Annotated[
        UnitsFormat, typer.Option("--format", help="How to print.")
    ] = UnitsFormat.TABLE,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """The units as a tree, with the activities each one leads."""
    from cas_plan.commands import queries as command

    finish(lambda: command.units(options(plan, no_validate, no_cache), output_format, screen()))


@app.command()
def who(
    unit: Annotated[
        str,
        typer.Argument(help="A unit id, or an unambiguous part of its name.", show_default=False),
    ],
    plan: PlanDir = None,
    output_format: Annotated[
        WhoFormat, typer.Option("--format", help="How to print (xlsx needs --out).")
    ] = WhoFormat.TABLE,
    as_of: AsOf = None,
    out: XlsxOut = None,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """What a unit is responsible for, by goal and measure.

    Includes its sub-units and what it shares through collectives such as "all divisions".
    """
    from cas_plan.commands import queries as command

    finish(
        lambda: command.who(
            options(plan, no_validate, no_cache), unit, output_format, as_of, screen(), out
        )
    )


@app.command()
def show(
    identifier: Annotated[
        str,
        typer.Argument(metavar="ID", help="A goal, measure or activity id.", show_default=False),
    ],
    plan: PlanDir = None,
    output_format: Annotated[
        ShowFormat, typer.Option("--format", help="How to print.")
    ] = ShowFormat.TEXT,
    as_of: AsOf = None,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """The full record of a goal, measure or activity.

    Shows where each effective value comes from (merged cells), and the progress history.
    """
    from cas_plan.commands import queries as command

    finish(
        lambda: command.show(options(plan, no_validate, no_cache), identifier, output_format, as_of)
    )


@app.command()
def budget(
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            help="Only amounts stated for this year (and annual ones).",
            show_default=False,
        ),
    ] = None,
    by: Annotated[
        BudgetGrouping, typer.Option("--by", help="What to sum the funds by.")
    ] = BudgetGrouping.GOAL,
    output_format: Annotated[
        BudgetFormat, typer.Option("--format", help="How to print (xlsx needs --out).")
    ] = BudgetFormat.TABLE,
    out: XlsxOut = None,
    plan: PlanDir = None,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """Indicative funds summed per currency, each amount once.

    Years, annual amounts and budgeted/unprocured amounts are kept apart; RSD and EUR are never
    added together.
    """
    from cas_plan.commands import queries as command

    finish(
        lambda: command.budget(
            options(plan, no_validate, no_cache), year, by, output_format, screen(), out
        )
    )
