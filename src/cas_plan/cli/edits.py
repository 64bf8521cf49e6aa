"""The commands that change the plan: progress and amend."""

from typing import Annotated

import typer

from cas_plan.cli.app import app, finish, options
from cas_plan.cli.options import PlanDir
from cas_plan.core.status import Status


@app.command()
def progress(
    activity: Annotated[
        str,
        typer.Argument(metavar="ID", help="The activity's id, e.g. 3.5.1.6.", show_default=False),
    ],
    status: Annotated[
        Status,
        typer.Option(
            "--status",
            help="The activity's status on --date.",
            show_default=False,
        ),
    ],
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="The day the progress is reported for (YYYY-MM-DD; default today).",
            show_default=False,
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="What was done.", show_default=False)
    ] = None,
    value: Annotated[
        list[str] | None,
        typer.Option(
            "--value",
            help="INDICATOR=VALUE, the indicator by its number (1, 2...), its text or the "
            "start of its text; repeatable.",
            show_default=False,
        ),
    ] = None,
    evidence: Annotated[
        list[str] | None,
        typer.Option(
            "--evidence",
            help="A web address (https://...), a document reference (doc: br. 148-01-123/2018) "
            "or a file-share path (\\\\server\\share\\file.pdf); repeatable.",
            show_default=False,
        ),
    ] = None,
    reported_by: Annotated[
        str | None,
        typer.Option(
            "--by",
            help="The reporting unit's id, optionally with a name (audit-department:Jelena P.).",
            show_default=False,
        ),
    ] = None,
    spent: Annotated[
        list[str] | None,
        typer.Option(
            "--spent",
            help="An amount spent, Serbian or plain notation, with its ISO currency "
            "('1.200.000,00 RSD'); repeatable.",
            show_default=False,
        ),
    ] = None,
    spent_source: Annotated[
        str | None,
        typer.Option(
            "--spent-source",
            help="The financing source of --spent (e.g. IPA 2013).",
            show_default=False,
        ),
    ] = None,
    corrects: Annotated[
        str | None,
        typer.Option(
            "--corrects",
            help="Supersede the entry of this date (DATE, or DATE#N for the N-th of that day).",
            show_default=False,
        ),
    ] = None,
    plan: PlanDir = None,
) -> None:
    """Record progress on an activity (only new lines in git diff)."""
    from cas_plan.commands import progress as command

    asked = command.ProgressOptions(
        status, date, note, value or [], evidence or [], reported_by, spent or [], spent_source,
        corrects,
    )  # fmt: skip
    finish(lambda: command.progress(options(plan), activity, asked))


@app.command()
def amend(
    activity: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="The activity the amendment changes.", show_default=False
        ),
    ],
    decision: Annotated[
        str,
        typer.Option(
            "--decision",
            help="An amendment of amendments.yaml (its id or its decision's reference), or the "
            "reference of a new one (then give --date and --reason).",
            show_default=False,
        ),
    ],
    date: Annotated[
        str | None,
        typer.Option("--date", help="The day the decision was adopted.", show_default=False),
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why the plan changes.", show_default=False)
    ] = None,
    due: Annotated[
        str | None,
        typer.Option("--due", help="The new deadline (e.g. 2019-12-31).", show_default=False),
    ] = None,
    responsible: Annotated[
        list[str] | None,
        typer.Option(
            "--responsible",
            help="The new responsible units, UNIT[:ROLE]; repeatable.",
            show_default=False,
        ),
    ] = None,
    title: Annotated[
        str | None, typer.Option("--title", help="The new title.", show_default=False)
    ] = None,
    cancel: Annotated[bool, typer.Option("--cancel", help="Cancel the activity.")] = False,
    also: Annotated[
        list[str] | None,
        typer.Option(
            "--also",
            help="Rows that continue the cell (merged cells) and change with it; repeatable.",
            show_default=False,
        ),
    ] = None,
    only: Annotated[
        bool,
        typer.Option(
            "--only", help="Change this row only; rows that continue it keep the old value."
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    plan: PlanDir = None,
) -> None:
    """Record an amendment of the plan (a Government decision) on an activity."""
    from cas_plan.commands import amend as command

    asked = command.AmendOptions(
        decision, date, reason, due, responsible or [], title, cancel, also or [], only, dry_run
    )
    finish(lambda: command.amend(options(plan), activity, asked))
