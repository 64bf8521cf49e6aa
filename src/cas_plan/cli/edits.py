"""The commands that change the plan: progress, amend and successor."""

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from cas_plan.cli.app import app, finish, options
from cas_plan.cli.options import PlanDir
from cas_plan.core.status import Status

ProgressActivity = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="The activity's id, e.g. 3.5.1.6; or a measure's, e.g. 3.5, to record values "
        "of the measure's own indicators.",
        show_default=False,
    ),
]
ProgressStatus = Annotated[
    Status | None,
    typer.Option(
        "--status",
        help="The activity's status on --date (required for an activity; a measure has none).",
        show_default=False,
    ),
]
ProgressDate = Annotated[
    str | None,
    typer.Option(
        "--date",
        help="The day the progress is reported for (YYYY-MM-DD; default today).",
        show_default=False,
    ),
]
ProgressNote = Annotated[
    str | None, typer.Option("--note", help="What was done.", show_default=False)
]
ProgressValue = Annotated[
    list[str] | None,
    typer.Option(
        "--value",
        help="INDICATOR=VALUE, the indicator by its number (1, 2...), its text or the "
        "start of its text; repeatable.",
        show_default=False,
    ),
]
ProgressEvidence = Annotated[
    list[str] | None,
    typer.Option(
        "--evidence",
        help="A web address (https://...), a document reference (doc: br. 148-01-123/2018) "
        "or a file-share path (\\\\server\\share\\file.pdf); repeatable.",
        show_default=False,
    ),
]
ProgressReportedBy = Annotated[
    str | None,
    typer.Option(
        "--by",
        help="The reporting unit's id, optionally with a name (audit-department:Jelena P.).",
        show_default=False,
    ),
]
ProgressSpent = Annotated[
    list[str] | None,
    typer.Option(
        "--spent",
        help="An amount spent, Serbian or plain notation, with its ISO currency "
        "('1.200.000,00 RSD'); repeatable.",
        show_default=False,
    ),
]
ProgressSpentSource = Annotated[
    str | None,
    typer.Option(
        "--spent-source",
        help="The financing source of --spent (e.g. IPA 2013).",
        show_default=False,
    ),
]
ProgressCorrects = Annotated[
    str | None,
    typer.Option(
        "--corrects",
        help="Supersede the entry of this date (DATE, or DATE#N for the N-th of that day).",
        show_default=False,
    ),
]


@app.command()
def progress(
    activity: ProgressActivity,
    status: ProgressStatus = None,
    date: ProgressDate = None,
    note: ProgressNote = None,
    value: ProgressValue = None,
    evidence: ProgressEvidence = None,
    reported_by: ProgressReportedBy = None,
    spent: ProgressSpent = None,
    spent_source: ProgressSpentSource = None,
    corrects: ProgressCorrects = None,
    plan: PlanDir = None,
) -> None:
    """Record progress on an activity or a measure (only new lines in git diff).

    A measure's entry records values of the measure's own indicators; it has no status.
    """
    from cas_plan.commands import progress as command

    asked = command.ProgressOptions(
        status, date, note, value or [], evidence or [], reported_by, spent or [], spent_source,
        corrects,
    )  # fmt: skip
    finish(lambda: command.progress(options(plan), activity, asked))


class ManyAlso(TyperCommand):
    """`amend` reads `--also 2.1.2 2.1.3` as `--also 2.1.2 --also 2.1.3`: the ids that follow
    `--also`'s value, up to the next option, are further values of it (once the activity's own
    ID has been given)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        takes_value = {
            opt
            for param in self.params
            if not getattr(param, "is_flag", True)
            for opt in param.opts
        }
        return super().parse_args(ctx, spread_option(args, "--also", takes_value))


def spread_option(args: list[str], option: str, takes_value: set[str]) -> list[str]:
    out: list[str] = []
    spreading = have_id = False
    items = iter(args)
    for arg in items:
        if arg == "--":
            out += [arg, *items]
            break
        if arg.startswith("-"):
            out.append(arg)
            spreading = arg == option or arg.startswith(f"{option}=")
            value = next(items, None) if arg in takes_value else None
            out += [value] if value is not None else []
            continue
        if spreading and have_id:
            out += [option, arg]
        else:
            out.append(arg)
            have_id = True
    return out


AmendActivity = Annotated[
    str,
    typer.Argument(
        metavar="ID",
        help="The activity the amendment changes (with --add: the new activity's id).",
        show_default=False,
    ),
]
AmendDecision = Annotated[
    str,
    typer.Option(
        "--decision",
        help="An amendment of amendments.yaml (its id or its decision's reference), or the "
        "reference of a new one (then give --date and --reason).",
        show_default=False,
    ),
]
AmendDate = Annotated[
    str | None,
    typer.Option(
        "--date",
        help="The day the decision was adopted: from the year before the plan period "
        "starts up to today.",
        show_default=False,
    ),
]
AmendReason = Annotated[
    str | None, typer.Option("--reason", help="Why the plan changes.", show_default=False)
]
AmendDue = Annotated[
    str | None,
    typer.Option("--due", help="The new deadline (e.g. 2019-12-31).", show_default=False),
]
AmendResponsible = Annotated[
    list[str] | None,
    typer.Option(
        "--responsible",
        help="The new responsible units, UNIT[:ROLE]; repeatable.",
        show_default=False,
    ),
]
AmendTitle = Annotated[
    str | None, typer.Option("--title", help="The new title.", show_default=False)
]
AmendAdd = Annotated[
    bool,
    typer.Option(
        "--add",
        help="Add ID as a new activity, every cell stated: --title, --indicator, "
        "--responsible, --funds and --due.",
    ),
]
AmendIndicator = Annotated[
    list[str] | None,
    typer.Option(
        "--indicator",
        help="With --add: an indicator of the new activity; repeatable.",
        show_default=False,
    ),
]
AmendFunds = Annotated[
    list[str] | None,
    typer.Option(
        "--funds",
        help="With --add: no-extra-cost, undetermined, or an amount ('250000 EUR', "
        "'1.200.000,00 RSD'); repeatable.",
        show_default=False,
    ),
]
AmendFundsSource = Annotated[
    str | None,
    typer.Option(
        "--funds-source",
        help="With --add: the financing source of the amounts.",
        show_default=False,
    ),
]
AmendAlso = Annotated[
    list[str] | None,
    typer.Option(
        "--also",
        help="Rows that continue the cell (merged cells) and change with it: --also 2.1.2 "
        "2.1.3 (or --also 2.1.2 --also 2.1.3, or --also 2.1.2,2.1.3).",
        show_default=False,
    ),
]
AmendOnly = Annotated[
    bool,
    typer.Option("--only", help="Change this row only; rows that continue it keep the old value."),
]
AmendDryRun = Annotated[
    bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
]


@app.command(cls=ManyAlso)
def amend(
    activity: AmendActivity,
    decision: AmendDecision,
    date: AmendDate = None,
    reason: AmendReason = None,
    due: AmendDue = None,
    responsible: AmendResponsible = None,
    title: AmendTitle = None,
    cancel: Annotated[bool, typer.Option("--cancel", help="Cancel the activity.")] = False,
    add: AmendAdd = False,
    indicator: AmendIndicator = None,
    funds: AmendFunds = None,
    funds_source: AmendFundsSource = None,
    also: AmendAlso = None,
    only: AmendOnly = False,
    dry_run: AmendDryRun = False,
    plan: PlanDir = None,
) -> None:
    """Record an amendment of the plan (a Government decision) on an activity, or add one."""
    from cas_plan.commands import amend as command

    asked = command.AmendOptions(
        decision, date, reason, due, responsible or [], title, cancel, also or [], only, dry_run,
        add, indicator or [], funds or [], funds_source,
    )  # fmt: skip
    finish(lambda: command.amend(options(plan), activity, asked))


@app.command()
def successor(
    period: Annotated[
        str,
        typer.Option("--period", help="The new plan's years, e.g. 2021..2025.", show_default=False),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="The new plan's directory (new, or empty), in the folder that holds this "
            "plan or below it.",
            show_default=False,
            file_okay=False,
        ),
    ],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Carry what is not completed or cancelled on this date (default: the last "
            "day of the plan period).",
            show_default=False,
        ),
    ] = None,
    maps: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="OLD=NEW: the new number of an old measure (2.6=1.3) or activity "
            "(2.6.1=1.3.2); repeatable. Default: the same numbers.",
            show_default=False,
        ),
    ] = None,
    map_file: Annotated[
        Path | None,
        typer.Option(
            "--map-file",
            help="A file of such mappings: YAML (2.6: 1.3) or lines OLD=NEW.",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    plan: PlanDir = None,
) -> None:
    """Start the next plan with what this one did not finish.

    Writes a new plan directory holding every activity not completed or cancelled, each with
    carried_from, its remaining funds and a deadline to set, and successor.yaml into this plan.
    """
    from cas_plan.commands import successor as command

    finish(lambda: command.successor(options(plan), period, out, as_of, maps or [], map_file))
