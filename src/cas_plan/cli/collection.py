"""Collecting progress from the units: collect, import, followup."""

from pathlib import Path
from typing import Annotated

import typer

from cas_plan.cli.app import app, finish, options
from cas_plan.cli.options import AsOf, Lang, PlanDir
from cas_plan.commands.choices import FollowupFormat, TranslationsFormat
from cas_plan.l10n.languages import Language


@app.command()
def collect(
    period: Annotated[
        str,
        typer.Option(
            "--period",
            help="2018, 2018-H1, 2018-Q4, 2018-07 or 2018-01-01..2018-06-30.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="The directory to write the workbooks into.", show_default=False
        ),
    ],
    unit: Annotated[
        list[str] | None,
        typer.Option(
            "--unit",
            help="Only this unit (id or part of its name); repeatable. Default: every unit "
            "with work in the period (the units 'casplan followup' lists).",
            show_default=False,
        ),
    ] = None,
    lang: Lang = Language.EN,
    plan: PlanDir = None,
) -> None:
    """One .xlsx workbook per responsible unit to report progress in, for a period.

    A workbook holds the unit's activities due in the period, overdue at its start, or
    continuous; 'casplan import' reads it back.
    """
    from cas_plan.commands import collect as command

    finish(lambda: command.collect(options(plan), period, out, unit or [], lang))


@app.command("import")
def import_(
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...", help="Filled workbooks (.xlsx) or CSV files.", show_default=False
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the lines that would be added; write nothing.")
    ] = False,
    skip_stale: Annotated[
        bool,
        typer.Option(
            "--skip-stale",
            help="Leave out (and list) the rows whose plan text changed since the workbook was "
            "made, and import the others.",
        ),
    ] = False,
    plan: PlanDir = None,
) -> None:
    """Add filled workbooks' rows as progress entries or translations (all or nothing)."""
    from cas_plan.commands import collect as command

    finish(lambda: command.import_workbooks(options(plan), files, dry_run, skip_stale))


@app.command()
def followup(
    period: Annotated[
        str,
        typer.Option(
            "--period",
            help="2018, 2018-H1, 2018-Q4, 2018-07 or 2018-01-01..2018-06-30.",
            show_default=False,
        ),
    ],
    as_of: AsOf = None,
    output_format: Annotated[
        FollowupFormat, typer.Option("--format", help="How to print the list.")
    ] = FollowupFormat.TABLE,
    eml: Annotated[
        Path | None,
        typer.Option(
            "--eml",
            help="Write a draft e-mail (.eml) per unit into this directory, with its workbook "
            "attached; casplan sends nothing.",
            show_default=False,
        ),
    ] = None,
    lang: Lang = Language.EN,
    plan: PlanDir = None,
) -> None:
    """Per unit, the activities of a period (due in it, overdue at its start, or continuous)
    with no report in it.

    The list, the e-mail drafts and the workbooks attached to them are written in --lang.
    """
    from cas_plan.commands import collect as command

    finish(lambda: command.followup(options(plan), period, as_of, output_format, eml, lang))


@app.command()
def translations(
    lang: Annotated[
        Language,
        typer.Option(
            "--lang", help="The language to translate into: sr (Cyrillic is made from it)."
        ),
    ] = Language.SR,
    output_format: Annotated[
        TranslationsFormat,
        typer.Option("--format", help="List the texts, or write a workbook to translate them in."),
    ] = TranslationsFormat.TEXT,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="The workbook to write (with --format xlsx).", show_default=False
        ),
    ] = None,
    plan: PlanDir = None,
) -> None:
    """The plan's texts still to translate (never translated, or stale), for a translator.

    The workbook of --format xlsx is filled in its one open column and read back by
    'casplan import', into translations/sr.yaml.
    """
    from cas_plan.commands.translations import translations as command

    finish(lambda: command(options(plan), lang, output_format, out))
