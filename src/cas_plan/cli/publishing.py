"""What the plan publishes: the report, the site and the plan as a document."""

from pathlib import Path
from typing import Annotated

import typer

from cas_plan.cli.app import app, finish, options
from cas_plan.cli.options import AsOf, Lang, NoCache, NoValidate, PlanDir
from cas_plan.commands.choices import DocumentFormat, ReportFormat
from cas_plan.l10n.languages import Language


@app.command()
def report(
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help="The reporting period: a half-year (2018-H1), a year (2018) or the whole plan "
            "period (2017..2020: the final report; the default once the plan has ended).",
            show_default=False,
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", help="The reporting year (--period YEAR).", show_default=False),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Take the state on this day of the period (default: its last day).",
            show_default=False,
        ),
    ] = None,
    template: Annotated[
        Path | None,
        typer.Option(
            "--template", help="Your own Jinja2 template (runs in the sandbox).", show_default=False
        ),
    ] = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="Markdown, HTML or Word (docx needs --out).")
    ] = ReportFormat.MD,
    lang: Lang = Language.EN,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write the report to this file (required for docx).", show_default=False
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Fail when the coordinator's narrative (reports/PERIOD.yaml) is missing or "
            "incomplete in the language.",
        ),
    ] = False,
    plan: PlanDir = None,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """The implementation report of a half-year, a year or the whole plan period (the final
    report), as Markdown, HTML or Word (docx)."""
    from cas_plan.commands import report as command

    ask = command.ReportAsk(period, year, as_of, template, output_format, lang)
    finish(
        lambda: command.report(options(plan, no_validate, no_cache), ask, out=out, strict=strict)
    )


@app.command()
def site(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="The site's directory (replaced whole; refused if it holds anything but a "
            "site casplan wrote).",
            show_default=False,
            file_okay=True,
            dir_okay=True,
        ),
    ],
    as_of: AsOf = None,
    lang: Lang = Language.EN,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="The address the site is served from (https://owner.github.io/repository/); "
            "default: relative links, so the folder also works opened from disk.",
            show_default=False,
        ),
    ] = None,
    plan: PlanDir = None,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """Write the plan's static progress site (home, goals, measures, activities, units,
    amendments, yearly reports, search)."""
    from cas_plan.commands import site as command

    finish(lambda: command.site(options(plan, no_validate, no_cache), out, as_of, lang, base_url))


@app.command()
def document(
    as_of: AsOf = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Mark what the amendments adopted after this date changed (YYYY-MM-DD; "
            "default: the plan's adoption, the first day of its period).",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        DocumentFormat,
        typer.Option("--format", help="Word, Excel, HTML or Markdown (docx and xlsx need --out)."),
    ] = DocumentFormat.MD,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write the document to this file (required for docx and xlsx).",
            show_default=False,
            dir_okay=False,
        ),
    ] = None,
    lang: Lang = Language.EN,
    plan: PlanDir = None,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """The plan as the document it came from: the source's table as in force on a date (the
    consolidated text), merged cells as the source merges them, amendments since a date marked."""
    from cas_plan.commands import document as command

    finish(
        lambda: command.document(
            options(plan, no_validate, no_cache), as_of, since, output_format, lang, out
        )
    )
