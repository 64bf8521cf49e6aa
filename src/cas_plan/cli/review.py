"""Reviewing changes and setting up plans: diff, codeowners, schema, init."""

from pathlib import Path
from typing import Annotated

import typer

from cas_plan.cli.app import app, finish, options
from cas_plan.cli.options import NoCache, NoValidate, PlanDir
from cas_plan.commands.choices import DiffFormat


@app.command()
def diff(
    base: Annotated[
        str | None,
        typer.Argument(
            help="Base revision (default: the merge base with main).", show_default=False
        ),
    ] = None,
    head: Annotated[
        str | None,
        typer.Argument(help="Head revision (default: the working tree).", show_default=False),
    ] = None,
    plan: PlanDir = None,
    output_format: Annotated[
        DiffFormat, typer.Option("--format", help="How to print the changes.")
    ] = DiffFormat.TEXT,
) -> None:
    """What changed in meaning between two revisions of the plan."""
    from cas_plan.commands import review as command

    finish(lambda: command.diff(options(plan), base, head, output_format))


@app.command()
def codeowners(
    plan: PlanDir = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Where to write (default: .github/CODEOWNERS of the repository; '-' for "
            "standard output).",
            show_default=False,
        ),
    ] = None,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """Write CODEOWNERS from the units' review handles."""
    from cas_plan.commands import review as command

    finish(lambda: command.codeowners(options(plan, no_validate, no_cache), out))


@app.command()
def schema(
    plan: PlanDir = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Directory for the schema files (default: schemas/ in the plan directory).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write JSON Schema files that editors validate plan files with."""
    from cas_plan.commands import scaffold as command

    finish(lambda: command.schema(options(plan), out))


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="Where to create the plan.", show_default=False)
    ],
    title: Annotated[str, typer.Option("--title", help="The plan's title.")] = "Action plan",
) -> None:
    """Create a new, valid plan with the same layout."""
    from cas_plan.commands import scaffold as command

    finish(lambda: command.init(directory, title))
