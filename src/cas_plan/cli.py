"""The `casplan` command line: parse arguments, call the library, render; nothing else.

Exit codes: 0 success, 1 the plan has problems (or a query found a broken plan),
2 usage error (bad option value, missing plan directory, unknown id), 3 internal error.
Heavy modules (pydantic, ruamel.yaml, rich, jinja2) are imported inside the commands.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from cas_plan import __version__

if TYPE_CHECKING:
    from cas_plan.effective import ActivityView
    from cas_plan.loader import LoadResult

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

app = typer.Typer(
    name="casplan",
    help="Keep an action plan as YAML: validate it, ask what is due and who is responsible.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

PlanDir = Annotated[
    Path,
    typer.Option(
        "--plan",
        envvar="CASPLAN_PLAN",
        help="Plan directory (default ./plan, or $CASPLAN_PLAN).",
        show_default=False,
        file_okay=True,
        dir_okay=True,
    ),
]
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="Take the state of the plan on this date (YYYY-MM-DD; default today).",
                 show_default=False),
]
NoValidate = Annotated[
    bool,
    typer.Option("--no-validate", help="Answer even if the plan does not validate."),
]


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """One clear line on stderr, then the documented exit code."""
    typer.echo(f"casplan: error: {message}", err=True)
    raise typer.Exit(code)


def parse_date(value: str | None, option: str, default: dt.date | None = None) -> dt.date:
    if value is None:
        return default or dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: '{value}' is not a date (expected YYYY-MM-DD, e.g. 2018-12-31)")


def choose(value: str, option: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        fail(f"{option}: '{value}' is not one of {', '.join(choices)}")
    return value


def load_checked(plan: Path, as_of: dt.date) -> LoadResult:
    from cas_plan.checks import check_plan
    from cas_plan.loader import PlanDirectoryError

    try:
        return check_plan(plan, str(plan), as_of)
    except PlanDirectoryError as exc:
        fail(str(exc))


def load_for_query(plan: Path, as_of: dt.date, no_validate: bool) -> tuple[LoadResult, list[ActivityView]]:
    """Queries answer only from a plan that validates, unless --no-validate says otherwise."""
    from cas_plan.effective import all_views

    result = load_checked(plan, as_of)
    if result.errors and not no_validate:
        count = len(result.errors)
        fail(f"the plan in '{plan}' has {count} problem{'s' if count != 1 else ''}; "
             f"run 'casplan validate --plan {plan}' (or pass --no-validate)", EXIT_PROBLEMS)
    return result, all_views(result.plan)


def console(width: int | None = None):  # type: ignore[no-untyped-def]  # rich is imported lazily
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, width=width)


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"casplan {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=version_callback, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Keep an action plan as YAML: validate it, ask what is due and who is responsible."""


@app.command()
def validate(
    plan: PlanDir = Path("plan"),
    output_format: Annotated[
        str | None,
        typer.Option("--format", help="text, json or github (default: github when "
                     "$GITHUB_ACTIONS is set, else text).", show_default=False),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    as_of: AsOf = None,
) -> None:
    """Check every file of the plan and the references between them."""
    from cas_plan.diagnostics import render_github, render_json, render_text
    from cas_plan.loader import SourceLines

    if output_format is None:
        output_format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    choose(output_format, "--format", ("text", "json", "github"))
    day = parse_date(as_of, "--as-of")
    result = load_checked(plan, day)
    problems = result.diagnostics
    failed = bool(result.errors) or (strict and bool(result.warnings))
    if output_format == "json":
        typer.echo(render_json(problems))
    elif output_format == "github":
        if problems:
            typer.echo(render_github(problems))
        typer.echo(summary(result, plan), err=True)
    else:
        if problems:
            typer.echo(render_text(problems, SourceLines()))
            typer.echo("")
        typer.echo(summary(result, plan))
    raise typer.Exit(EXIT_PROBLEMS if failed else EXIT_OK)


def summary(result: LoadResult, plan: Path) -> str:
    from cas_plan.effective import all_views

    errors, warnings = len(result.errors), len(result.warnings)
    activities = len(all_views(result.plan))
    verdict = "valid" if not errors else "INVALID"
    return (
        f"{plan}: {verdict}: {len(result.plan.measures)} measures, {activities} activities; "
        f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"
    )


@app.command("list")
def list_activities(
    plan: PlanDir = Path("plan"),
    output_format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    as_of: AsOf = None,
    no_validate: NoValidate = False,
) -> None:
    """Print every activity with its effective values (merged cells resolved)."""
    import json

    from cas_plan.queries import list_records

    choose(output_format, "--format", ("table", "json"))
    day = parse_date(as_of, "--as-of")
    result, views = load_for_query(plan, day, no_validate)
    records = list_records(result.plan, views, day)
    if output_format == "json":
        typer.echo(json.dumps(records, indent=2, ensure_ascii=False))
        return
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for column, options in (
        ("id", {"no_wrap": True}),
        ("activity", {"ratio": 3, "overflow": "ellipsis", "no_wrap": True}),
        ("responsible", {"ratio": 2, "overflow": "ellipsis", "no_wrap": True}),
        ("due", {"no_wrap": True}),
        ("status", {"no_wrap": True}),
    ):
        table.add_column(column, **options)  # type: ignore[arg-type]
    for record in records:
        table.add_row(
            record["id"],
            record["title"],
            ", ".join(r["name"] for r in record["responsible"]) or (record["responsible_as_written"] or ""),
            record["due"]["spelling"] or "",
            record["status"],
        )
    console().print(table)


def main() -> None:
    """Entry point: never a traceback, always a documented exit code."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("casplan: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: report, don't dump a traceback
        typer.echo(f"casplan: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(EXIT_INTERNAL)
