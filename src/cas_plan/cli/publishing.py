"""What the plan publishes: the report and the site."""

from pathlib import Path
from typing import Annotated

import typer

from cas_plan.cli.app import app, finish, options
from cas_plan.cli.options import AsOf, Lang, NoCache, NoValidate, PlanDir
from cas_plan.commands.choices import ReportFormat
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
