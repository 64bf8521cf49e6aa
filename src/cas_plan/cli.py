"""The `casplan` command line: the commands and their options, nothing else.

Each command's body is one call into `commands`, which returns what to print and the exit
code; `main` maps the one library exception (errors.CasplanError) and the operating system's
refusals to one line and the documented exit code. Heavy modules (pydantic, ruamel.yaml, rich,
jinja2) are imported inside the commands that need them, so `casplan --help` starts fast.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from cas_plan import __version__

if TYPE_CHECKING:
    from cas_plan.commands import Outcome, PlanOptions
    from cas_plan.output.terminal import Screen

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
    Path | None,
    typer.Option(
        "--plan",
        envvar="CASPLAN_PLAN",
        help="Plan directory (default: plan/ here or in the nearest directory above; "
        "or $CASPLAN_PLAN).",
        show_default=False,
        file_okay=True,
        dir_okay=True,
        readable=False,  # the loader says in one line what is wrong with the directory
    ),
]
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Take the state of the plan on this date (YYYY-MM-DD; default today).",
        show_default=False,
    ),
]
XlsxOut = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="The .xlsx file to write, with --format xlsx.",
        show_default=False,
        dir_okay=False,
    ),
]
NoValidate = Annotated[
    bool, typer.Option("--no-validate", help="Answer even if the plan does not validate.")
]
NoCache = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Parse every file again instead of using the parse cache (also: CASPLAN_NO_CACHE=1).",
    ),
]


def finish(produce: Callable[[], Outcome]) -> NoReturn:
    """Print a command's outcome and exit with its code; a CasplanError is one line on stderr."""
    from cas_plan.core.errors import CasplanError, system_problem

    try:
        outcome = produce()
        if outcome.errors:
            sys.stderr.write(outcome.errors)
            sys.stderr.flush()
        pieces = [outcome.output] if isinstance(outcome.output, str) else outcome.output
        for piece in pieces:
            sys.stdout.write(piece)
        sys.stdout.flush()
    except OSError as exc:  # not BrokenPipeError: main() sees that one
        if isinstance(exc, BrokenPipeError):
            raise
        typer.echo(f"casplan: error: {system_problem(exc).message}", err=True)
        raise typer.Exit(int(system_problem(exc).exit_code)) from None
    except CasplanError as exc:
        if exc.problems:
            from cas_plan.output.text import problems_text

            sys.stderr.write(problems_text(exc.problems, _lines_of(exc.texts)) + "\n")
        typer.echo(f"casplan: error: {_one_line(exc.message)}", err=True)
        raise typer.Exit(int(exc.exit_code)) from None
    raise typer.Exit(int(outcome.code))


def _lines_of(texts: dict[str, str]) -> Callable[[str, int], str | None]:
    from cas_plan.core.loader import split_lines

    def line(path: str, number: int) -> str | None:
        lines = split_lines(texts[path]) if path in texts else []
        return lines[number - 1] if 0 < number <= len(lines) else None

    return line


def _one_line(message: str) -> str:
    from cas_plan.core.diagnostics import printable

    return printable(message)


def options(plan: Path | None, no_validate: bool = False, no_cache: bool = False) -> PlanOptions:
    from cas_plan.commands import PlanOptions

    return PlanOptions(plan, no_validate, no_cache)


def screen() -> Screen:
    from cas_plan.output.terminal import Screen

    return Screen.of(sys.stdout)


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"casplan {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Keep an action plan as YAML: validate it, ask what is due and who is responsible."""


@app.command()
def validate(
    plan: PlanDir = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help="text, json or github (default: github when $GITHUB_ACTIONS is set, else text).",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    check_codeowners: Annotated[
        bool, typer.Option("--codeowners", help="Also fail when .github/CODEOWNERS is out of date.")
    ] = False,
    as_of: AsOf = None,
    no_cache: NoCache = False,
) -> None:
    """Check every file of the plan and the references between them."""
    from cas_plan import commands

    finish(
        lambda: commands.validate(
            options(plan, no_cache=no_cache), output_format, strict, check_codeowners, as_of
        )
    )


@app.command("list")
def list_activities(
    plan: PlanDir = None,
    output_format: Annotated[
        str, typer.Option("--format", help="table, json or xlsx (with --out).")
    ] = "table",
    as_of: AsOf = None,
    out: XlsxOut = None,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """Every activity with its effective values.

    Merged cells of the source are resolved: a row that leaves a cell out continues the row
    above.
    """
    from cas_plan import commands

    finish(
        lambda: commands.list_activities(
            options(plan, no_validate, no_cache), output_format, as_of, screen(), out
        )
    )


@app.command()
def due(
    before: Annotated[
        str,
        typer.Option(
            "--before", help="Deadlines on or before this date (YYYY-MM-DD).", show_default=False
        ),
    ],
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
        str | None,
        typer.Option(
            "--status",
            help="Only activities with this status "
            "on --as-of (not_reported, not_started, in_progress, "
            "completed, delayed, cancelled).",
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
    as_of: AsOf = None,
    output_format: Annotated[
        str, typer.Option("--format", help="table, json, csv, md, ics or xlsx (with --out).")
    ] = "table",
    out: XlsxOut = None,
    plan: PlanDir = None,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """What falls due in a window, by unit, goal, measure, status."""
    from cas_plan import commands

    asked = commands.DueOptions(
        before, after, owner, goal, measure, status, overdue, continuous, as_of
    )
    finish(
        lambda: commands.due(
            options(plan, no_validate, no_cache), asked, output_format, screen(), out
        )
    )


@app.command()
def units(
    plan: PlanDir = None,
    output_format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """The units as a tree, with the activities each one leads."""
    from cas_plan import commands

    finish(lambda: commands.units(options(plan, no_validate, no_cache), output_format, screen()))


@app.command()
def who(
    unit: Annotated[
        str,
        typer.Argument(help="A unit id, or an unambiguous part of its name.", show_default=False),
    ],
    plan: PlanDir = None,
    output_format: Annotated[
        str, typer.Option("--format", help="table, json, md or xlsx (with --out).")
    ] = "table",
    as_of: AsOf = None,
    out: XlsxOut = None,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """What a unit is responsible for, by goal and measure.

    Includes its sub-units and what it shares through collectives such as "all divisions".
    """
    from cas_plan import commands

    finish(
        lambda: commands.who(
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
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    as_of: AsOf = None,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """The full record of a goal, measure or activity.

    Shows where each effective value comes from (merged cells), and the progress history.
    """
    from cas_plan import commands

    finish(
        lambda: commands.show(
            options(plan, no_validate, no_cache), identifier, output_format, as_of
        )
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
    by: Annotated[str, typer.Option("--by", help="goal, measure, unit or source.")] = "goal",
    output_format: Annotated[
        str, typer.Option("--format", help="table, json, csv or xlsx (with --out).")
    ] = "table",
    out: XlsxOut = None,
    plan: PlanDir = None,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """Indicative funds summed per currency, each amount once.

    Years, annual amounts and budgeted/unprocured amounts are kept apart; RSD and EUR are never
    added together.
    """
    from cas_plan import commands

    finish(
        lambda: commands.budget(
            options(plan, no_validate, no_cache), year, by, output_format, screen(), out
        )
    )


@app.command()
def progress(
    activity: Annotated[
        str,
        typer.Argument(metavar="ID", help="The activity's id, e.g. 3.5.1.6.", show_default=False),
    ],
    status: Annotated[
        str,
        typer.Option(
            "--status",
            help="not_started, in_progress, completed, delayed or cancelled.",
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
    from cas_plan import commands

    asked = commands.ProgressOptions(
        status, date, note, value or [], evidence or [], reported_by, spent or [], spent_source,
        corrects,
    )  # fmt: skip
    finish(lambda: commands.progress(options(plan), activity, asked))


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
    from cas_plan import commands

    asked = commands.AmendOptions(
        decision, date, reason, due, responsible or [], title, cancel, also or [], only, dry_run
    )
    finish(lambda: commands.amend(options(plan), activity, asked))


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
            "responsible for an activity of the period.",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="en or sr.")] = "en",
    plan: PlanDir = None,
) -> None:
    """One .xlsx workbook per responsible unit to report progress in, for a period.

    A workbook holds the unit's activities due in the period, overdue at its start, or
    continuous; 'casplan import' reads it back.
    """
    from cas_plan import commands

    finish(lambda: commands.collect(options(plan), period, out, unit or [], lang))


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
    plan: PlanDir = None,
) -> None:
    """Add the rows of filled workbooks as progress entries (all or nothing)."""
    from cas_plan import commands

    finish(lambda: commands.import_workbooks(options(plan), files, dry_run))


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
        str, typer.Option("--format", help="table, md, json or csv.")
    ] = "table",
    eml: Annotated[
        Path | None,
        typer.Option(
            "--eml",
            help="Write a draft e-mail (.eml) per unit into this directory, with its workbook "
            "attached; casplan sends nothing.",
            show_default=False,
        ),
    ] = None,
    plan: PlanDir = None,
) -> None:
    """Per unit, the activities due or continuous in a period with no report in it."""
    from cas_plan import commands

    finish(lambda: commands.followup(options(plan), period, as_of, output_format, eml))


@app.command()
def report(
    year: Annotated[int, typer.Option("--year", help="The reporting year.", show_default=False)],
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Take the state on this date (default: the last day of the year).",
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
        str, typer.Option("--format", help="md, html or docx (docx needs --out).")
    ] = "md",
    lang: Annotated[
        str,
        typer.Option(
            "--lang", help="en, sr (Serbian, Latin script) or sr-Cyrl (Serbian, Cyrillic script)."
        ),
    ] = "en",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Write the report to this file (required for docx).", show_default=False
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict", help="Fail when the coordinator's narrative (reports/YEAR.yaml) is missing."
        ),
    ] = False,
    plan: PlanDir = None,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """The yearly implementation report, as Markdown, HTML or Word (docx)."""
    from cas_plan import commands

    finish(
        lambda: commands.report(
            options(plan, no_validate, no_cache),
            year,
            as_of,
            template,
            output_format,
            lang,
            out=out,
            strict=strict,
        )
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
    lang: Annotated[
        str, typer.Option("--lang", help="en, sr (Serbian, Latin script) or sr-Cyrl.")
    ] = "en",
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
    from cas_plan import commands

    finish(lambda: commands.site(options(plan, no_validate, no_cache), out, as_of, lang, base_url))


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
    output_format: Annotated[str, typer.Option("--format", help="text, md or json.")] = "text",
) -> None:
    """What changed in meaning between two revisions of the plan."""
    from cas_plan import commands

    finish(lambda: commands.diff(options(plan), base, head, output_format))


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
    from cas_plan import commands

    finish(lambda: commands.codeowners(options(plan, no_validate, no_cache), out))


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
    from cas_plan import commands

    finish(lambda: commands.schema(options(plan), out))


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="Where to create the plan.", show_default=False)
    ],
    title: Annotated[str, typer.Option("--title", help="The plan's title.")] = "Action plan",
) -> None:
    """Create a new, valid plan with the same layout."""
    from cas_plan import commands

    finish(lambda: commands.init(directory, title))


def main() -> None:
    """Entry point: never a traceback, always a documented exit code.

    A command runs for a moment and keeps what it loads until it ends, so the cyclic garbage
    collector would only rescan the plan; it is off, and what is left is frozen before exit so
    that the interpreter's final collection does not scan it either.
    """
    import gc
    import os
    import signal

    from cas_plan.core.errors import ExitCode, system_problem

    try:
        # from here on Ctrl-C is a KeyboardInterrupt, caught below (atomic writes clean up)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _printable_streams()
        # third-party pydantic plugins have no say in a command line tool; looking for them
        # scans every installed package's metadata at start-up
        os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
        gc.disable()
        app()
    except KeyboardInterrupt:
        _interrupted()
    except SystemExit as exc:
        if exc.code == ExitCode.INTERRUPTED:  # typer makes Ctrl-C in a command a silent 130
            _interrupted()
        raise
    except BrokenPipeError:  # the reader went away (`casplan list | head`): nothing to say
        sys.stderr.close()
        sys.exit(ExitCode.OK)
    except OSError as exc:
        _last_words(f"casplan: error: {system_problem(exc).message}")
        sys.exit(ExitCode.SYSTEM)
    except Exception as exc:  # the last line of defence: report, don't dump a traceback
        _last_words(f"casplan: internal error: {type(exc).__name__}: {exc}")
        sys.exit(ExitCode.INTERNAL)
    finally:
        gc.freeze()


def _interrupted() -> NoReturn:
    """Ctrl-C: one line and exit 130, at once. The stack has unwound (atomic writes cleaned
    up); the interpreter's shutdown is skipped, where a second Ctrl-C would be a traceback of
    its own, and the line goes straight to the descriptor, since the interrupt may have left
    Python's buffered stderr in the middle of a write."""
    import contextlib
    import os

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    with contextlib.suppress(OSError):
        os.write(2, b"casplan: interrupted\n")
    os._exit(130)


def _printable_streams() -> None:
    """Standard output and error that cannot fail on a character: on a terminal or file whose
    encoding lacks one (PYTHONIOENCODING=ascii, the C locale), it is written as its escape
    (`\\u0106`) instead of ending the command with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _last_words(message: str) -> None:
    import contextlib

    # a closed or unencodable stderr must not turn into a traceback
    with contextlib.suppress(Exception):
        print(message, file=sys.stderr)
