"""The `casplan` command line: parse arguments, call the library, render; nothing else.

Exit codes: 0 success, 1 the plan has problems (or a query found a broken plan),
2 usage error (bad option value, missing plan directory, unknown id), 3 internal error.
Heavy modules (pydantic, ruamel.yaml, rich, jinja2) are imported inside the commands.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from cas_plan import __version__

if TYPE_CHECKING:
    from cas_plan.diagnostics import Diagnostic
    from cas_plan.effective import ActivityView
    from cas_plan.loader import LoadResult
    from cas_plan.queries import DueQuery, DueRow

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
NoValidate = Annotated[
    bool,
    typer.Option("--no-validate", help="Answer even if the plan does not validate."),
]
NoCache = Annotated[
    bool,
    typer.Option(
        "--no-cache",
        help="Parse every file again instead of using the parse cache (also: CASPLAN_NO_CACHE=1).",
    ),
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


def load_checked(
    plan: Path,
    as_of: dt.date,
    shown: str | None = None,
    *,
    use_cache: bool = True,
    locate: bool = True,
) -> LoadResult:
    from cas_plan.checks import check_plan
    from cas_plan.loader import PlanDirectoryError

    try:
        return check_plan(
            plan,
            shown if shown is not None else str(plan),
            as_of,
            use_cache=use_cache,
            locate=locate,
        )
    except PlanDirectoryError as exc:
        fail(str(exc))


def load_for_query(
    plan: Path, no_validate: bool, no_cache: bool = False
) -> tuple[LoadResult, list[ActivityView]]:
    """Queries answer only from a plan that validates, unless --no-validate says otherwise.

    The plan is checked as of today: a query's --as-of looks at the past state of a valid plan.
    """
    from cas_plan.effective import all_views

    result = load_checked(plan, dt.date.today(), use_cache=not no_cache, locate=False)
    if result.errors and not no_validate:
        count = len(result.errors)
        fail(
            f"the plan in '{plan}' has {count} problem{'s' if count != 1 else ''}; "
            f"run 'casplan validate --plan {plan}' (or pass --no-validate)",
            EXIT_PROBLEMS,
        )
    return result, all_views(result.plan)


Output = bytes | list[bytes]  # a command's whole output, or its pieces in order


def emit(data: Output) -> None:
    for piece in [data] if isinstance(data, bytes) else data:
        sys.stdout.buffer.write(piece)
    sys.stdout.flush()


def replay_or_run(
    plan: Path,
    no_cache: bool,
    parts: tuple[str, ...],
    produce: Callable[[], tuple[Output, int]],
) -> NoReturn:
    """Print the stored answer to the same question about byte-identical plan files, or work it
    out, store it and print it (see cache.py; --no-cache or CASPLAN_NO_CACHE=1 to skip)."""
    from cas_plan import cache

    key = None
    if not no_cache and cache.enabled():
        fingerprint = cache.plan_fingerprint(plan)
        if fingerprint is not None:
            key = cache.result_key(fingerprint, str(plan), dt.date.today().isoformat(), *parts)
            stored = cache.load_result(key)
            if stored is not None:
                emit(stored[1])
                raise typer.Exit(stored[0])
    output, code = produce()
    if key is not None:
        cache.store_result(key, code, output)
    emit(output)
    raise typer.Exit(code)


def json_bytes(data: object) -> bytes:
    import json

    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


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
    plan: PlanDir = Path("plan"),
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
    if output_format is None:
        output_format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    choose(output_format, "--format", ("text", "json", "github"))
    day = parse_date(as_of, "--as-of")

    def produce() -> tuple[Output, int]:
        from cas_plan.diagnostics import render_github, render_json, render_text
        from cas_plan.loader import SourceLines

        result = load_checked(plan, day, use_cache=not no_cache)
        if check_codeowners and not result.errors:
            result.diagnostics.extend(codeowners_problems(result, plan))
        problems = result.diagnostics
        failed = bool(result.errors) or (strict and bool(result.warnings))
        code = EXIT_PROBLEMS if failed else EXIT_OK
        if output_format == "json":
            return (render_json(problems) + "\n").encode("utf-8"), code
        if output_format == "github":
            typer.echo(summary(result, plan), err=True)
            return (render_github(problems) + "\n" if problems else "").encode("utf-8"), code
        text = render_text(problems, SourceLines()) + "\n\n" if problems else ""
        return (text + summary(result, plan) + "\n").encode("utf-8"), code

    if output_format == "github" or check_codeowners:  # output beyond the plan's files
        output, code = produce()
        emit(output)
        raise typer.Exit(code)
    replay_or_run(
        plan, no_cache, ("validate", output_format, str(strict), day.isoformat()), produce
    )


def codeowners_problems(result: LoadResult, plan: Path) -> list[Diagnostic]:
    from cas_plan.codeowners import codeowners_text
    from cas_plan.diagnostics import Diagnostic

    path, plan_path = codeowners_path(plan)
    expected = codeowners_text(result.plan, plan_path)
    shown = str(path) if plan.is_absolute() else os.path.relpath(path)
    if not path.is_file():
        return [Diagnostic(shown, 1, 1, "CODEOWNERS is missing", hint="run 'casplan codeowners'")]
    actual = path.read_text(encoding="utf-8", errors="replace")
    if actual == expected:
        return []
    pairs = zip(actual.splitlines(), expected.splitlines(), strict=False)
    line = next(
        (i for i, (a, b) in enumerate(pairs, 1) if a != b),
        min(len(actual.splitlines()), len(expected.splitlines())) + 1,
    )
    return [
        Diagnostic(
            shown,
            line,
            1,
            "CODEOWNERS is out of date with the plan",
            hint="run 'casplan codeowners' and commit the result",
        )
    ]


def summary(result: LoadResult, plan: Path) -> str:
    from cas_plan.effective import all_views

    errors, warnings = len(result.errors), len(result.warnings)
    activities = len(all_views(result.plan))
    verdict = "valid" if not errors else "INVALID"
    return (
        f"{plan}: {verdict}: {len(result.plan.measures)} measures, {activities} activities; "
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )


@app.command("list")
def list_activities(
    plan: PlanDir = Path("plan"),
    output_format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    as_of: AsOf = None,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """Every activity with its effective values.

    Merged cells of the source are resolved: a row that leaves a cell out continues the row
    above.
    """
    choose(output_format, "--format", ("table", "json"))
    day = parse_date(as_of, "--as-of")
    if output_format == "json":

        def produce() -> tuple[Output, int]:
            from cas_plan.queries import list_records

            result, views = load_for_query(plan, no_validate, no_cache)
            return json_array_bytes(list_records(result.plan, views, day)), EXIT_OK

        replay_or_run(plan, no_cache, ("list", "json", day.isoformat(), str(no_validate)), produce)
    from cas_plan.queries import list_records
    from cas_plan.render import make_console, print_activities

    result, views = load_for_query(plan, no_validate, no_cache)
    records = list_records(result.plan, views, day)

    print_activities(make_console(), records)


def print_json(data: object) -> None:
    import json

    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def json_array_bytes(records: Iterable[dict[str, Any]]) -> list[bytes]:
    """The text of json.dumps(list(records), indent=2), made one record at a time, so that
    records are never all in memory at once (a 100x plan has 24,000)."""
    import json

    pieces = [b"["]
    for record in records:
        text = json.dumps(record, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        pieces.append(("\n  " if len(pieces) == 1 else ",\n  ").encode() + text.encode("utf-8"))
    pieces.append(b"\n]\n" if len(pieces) > 1 else b"]\n")
    return pieces


def unit_names(result: LoadResult) -> dict[str, str]:
    from cas_plan.effective import units_by_id

    return {unit_id: unit.name for unit_id, unit in units_by_id(result.plan).items()}


def find_unit(result: LoadResult, query: str) -> str:
    """A unit id from an id or an unambiguous part of a name; exit 2 with the closest matches."""
    from cas_plan.effective import units_by_id
    from cas_plan.organization import Organization, UnitLookupError

    try:
        return Organization.of(units_by_id(result.plan).values()).find(query).id
    except UnitLookupError as exc:
        fail(str(exc))


DUE_FORMATS = ("table", "json", "csv", "md", "ics")


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
            "--continuous", help="Also list continuous activities, in a section of their own."
        ),
    ] = False,
    as_of: AsOf = None,
    output_format: Annotated[
        str, typer.Option("--format", help="table, json, csv, md or ics.")
    ] = "table",
    plan: PlanDir = Path("plan"),
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """What falls due in a window, by unit, goal, measure, status."""
    from cas_plan.status import NOT_REPORTED, STATUSES

    choose(output_format, "--format", DUE_FORMATS)
    before_day = parse_date(before, "--before")
    after_day = parse_date(after, "--after") if after else None
    day = parse_date(as_of, "--as-of")
    if status is not None:
        choose(status, "--status", (NOT_REPORTED, *STATUSES))
    if after_day and after_day > before_day:
        fail(f"--after {after_day} is later than --before {before_day}")
    window = {
        "before": before_day,
        "after": after_day,
        "as_of": day,
        "goal": goal,
        "measure": measure,
        "status": status,
        "overdue_only": overdue,
        "include_continuous": continuous,
    }

    def query() -> DueQuery:
        from cas_plan.queries import DueQuery

        return DueQuery(**window)  # type: ignore[arg-type]

    if output_format == "table":
        from cas_plan.render import make_console, print_due

        result, rows = due_query(plan, no_validate, no_cache, query(), owner)
        print_due(make_console(), rows, unit_names(result))
        return
    parts = ("due", output_format, repr(sorted(window.items())), str(owner), str(no_validate))
    replay_or_run(
        plan,
        no_cache,
        parts,
        lambda: due_output(plan, no_validate, no_cache, query(), owner, output_format),
    )


def due_query(
    plan: Path, no_validate: bool, no_cache: bool, query: DueQuery, owner: str | None
) -> tuple[LoadResult, list[DueRow]]:
    """Load the plan and answer a due query; --owner and --goal/--measure checked against it."""
    import dataclasses

    from cas_plan.queries import due_rows

    result, views = load_for_query(plan, no_validate, no_cache)
    if owner is not None:
        from cas_plan.effective import units_by_id
        from cas_plan.organization import Organization

        organization = Organization.of(units_by_id(result.plan).values())
        query = dataclasses.replace(
            query, scope=frozenset(organization.scope(find_unit(result, owner)))
        )
    check_filter(result, goal=query.goal, measure=query.measure)
    return result, due_rows(result.plan, views, query)


def due_output(
    plan: Path,
    no_validate: bool,
    no_cache: bool,
    query: DueQuery,
    owner: str | None,
    output_format: str,
) -> tuple[Output, int]:
    """`casplan due` in a machine-readable format (json, csv, md, ics)."""
    from cas_plan.queries import due_records

    result, rows = due_query(plan, no_validate, no_cache, query, owner)
    names = unit_names(result)
    if output_format == "json":
        return json_array_bytes(due_records(result.plan, rows, query.as_of)), EXIT_OK
    if output_format == "csv":
        from cas_plan.exports import due_csv

        return due_csv(rows, names).encode("utf-8"), EXIT_OK
    if output_format == "md":
        from cas_plan.exports import due_markdown

        return due_markdown(rows, names).encode("utf-8"), EXIT_OK
    from cas_plan.exports import due_ics

    title = result.plan.plan.model.title if result.plan.plan else "casplan"
    return due_ics(rows, names, title, query.as_of).encode("utf-8"), EXIT_OK


def check_filter(result: LoadResult, goal: str | None = None, measure: str | None = None) -> None:
    """An unknown --goal or --measure is a usage error, not an empty answer."""
    import difflib

    goals = {g.model.id for g in result.plan.goals}
    measures = {m.model.id for m in result.plan.measures}
    for value, known, option in ((goal, goals, "--goal"), (measure, measures, "--measure")):
        if value is not None and value not in known:
            close = difflib.get_close_matches(value, sorted(known), n=3, cutoff=0.5)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            fail(f"{option}: no {option[2:]} has the id '{value}'{hint}")


@app.command()
def units(
    plan: PlanDir = Path("plan"),
    output_format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """The units as a tree, with the activities each one leads."""
    from cas_plan.queries import unit_tree

    choose(output_format, "--format", ("table", "json"))
    result, views = load_for_query(plan, no_validate, no_cache)
    lines = unit_tree(result.plan, views)
    if output_format == "json":
        print_json(
            [
                {
                    "id": line.unit.id,
                    "name": line.unit.name,
                    "kind": line.unit.kind,
                    "parent": line.unit.parent,
                    "head": line.unit.head,
                    "depth": line.depth,
                    "covers": line.unit.covers,
                    "leads": line.direct,
                    "leads_with_sub_units": line.total,
                }
                for line in lines
            ]
        )
        return
    from cas_plan.render import make_console, print_units

    print_units(make_console(), lines)


@app.command()
def who(
    unit: Annotated[
        str,
        typer.Argument(help="A unit id, or an unambiguous part of its name.", show_default=False),
    ],
    plan: PlanDir = Path("plan"),
    output_format: Annotated[str, typer.Option("--format", help="table, json or md.")] = "table",
    as_of: AsOf = None,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """What a unit is responsible for, by goal and measure.

    Includes its sub-units and what it shares through collectives such as "all divisions".
    """
    from cas_plan.queries import who as who_query

    choose(output_format, "--format", ("table", "json", "md"))
    day = parse_date(as_of, "--as-of")
    result, views = load_for_query(plan, no_validate, no_cache)
    unit_id = find_unit(result, unit)
    rows = who_query(result.plan, views, unit_id, day)
    names = unit_names(result)
    goal_titles = {g.model.id: g.model.title for g in result.plan.goals}
    measure_titles = {m.model.id: m.model.title for m in result.plan.measures}
    if output_format == "json":
        print_json(
            {
                "unit": unit_id,
                "name": names[unit_id],
                "activities": [
                    {
                        "id": row.view.id,
                        "goal": row.view.goal_id,
                        "measure": row.view.measure_id,
                        "title": row.view.title,
                        "due": row.view.due.value.when.spell() if row.view.due.value else None,
                        "status": row.status,
                        "via": row.via,
                        "shared_with": row.shared_with,
                    }
                    for row in rows
                ],
            }
        )
        return
    if output_format == "md":
        from cas_plan.exports import md_escape, md_table

        typer.echo(f"# {md_escape(names[unit_id])}\n")
        typer.echo(
            md_table(
                ["id", "measure", "activity", "due", "status", "shared with"],
                [
                    [
                        row.view.id,
                        row.view.measure_id,
                        row.view.title,
                        row.view.due.value.when.spell() if row.view.due.value else "",
                        row.status.replace("_", " "),
                        ", ".join(names.get(u, u) for u in row.shared_with),
                    ]
                    for row in rows
                ],
            )
        )
        return
    from cas_plan.render import make_console, print_who

    console_ = make_console()
    console_.print(f"{names[unit_id]} [{unit_id}]: {len(rows)} activities")
    console_.print()
    print_who(console_, rows, names, goal_titles, measure_titles)


@app.command()
def show(
    identifier: Annotated[
        str,
        typer.Argument(metavar="ID", help="A goal, measure or activity id.", show_default=False),
    ],
    plan: PlanDir = Path("plan"),
    output_format: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    as_of: AsOf = None,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """The full record of a goal, measure or activity.

    Shows where each effective value comes from (merged cells), and the progress history.
    """
    from cas_plan.queries import UnknownIdError, show_record

    choose(output_format, "--format", ("text", "json"))
    day = parse_date(as_of, "--as-of")
    result, views = load_for_query(plan, no_validate, no_cache)
    try:
        record = show_record(result.plan, views, identifier, day)
    except UnknownIdError as exc:
        fail(str(exc))
    if output_format == "json":
        print_json(record)
        return
    from cas_plan.render import show_text

    typer.echo(show_text(record))


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
    output_format: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    plan: PlanDir = Path("plan"),
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """Indicative funds summed per currency, each amount once.

    Years, annual amounts and budgeted/unprocured amounts are kept apart; RSD and EUR are never
    added together.
    """
    from cas_plan.budget import GROUPINGS, budget_record, compute_budget

    choose(by, "--by", GROUPINGS)
    choose(output_format, "--format", ("table", "json", "csv"))
    result, views = load_for_query(plan, no_validate, no_cache)
    record = budget_record(compute_budget(result.plan, views, by, year))
    if output_format == "json":
        print_json(record)
    elif output_format == "csv":
        import csv
        import io

        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([by, "name", "currency", "basis", "procurement", "total", "activities"])
        for line in record["lines"]:
            writer.writerow(
                [
                    line["group"],
                    line["name"],
                    line["currency"],
                    line["basis"],
                    line["procurement"],
                    line["total"],
                    " ".join(line["activities"]),
                ]
            )
        typer.echo(buffer.getvalue(), nl=False)
    else:
        from cas_plan.render import make_console, print_budget

        print_budget(make_console(), record)


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
            help="A web address of a document, decision or page; repeatable.",
            show_default=False,
        ),
    ] = None,
    reported_by: Annotated[
        str | None,
        typer.Option("--by", help="Who reports it (a unit id or a name).", show_default=False),
    ] = None,
    plan: PlanDir = Path("plan"),
) -> None:
    """Record progress on an activity (only new lines in git diff)."""
    from cas_plan.diagnostics import render_text
    from cas_plan.loader import PlanDirectoryError, SourceLines
    from cas_plan.progress import ProgressError, ProgressRequest, record_progress

    today = dt.date.today()
    try:
        day = dt.date.fromisoformat(date) if date else today
    except ValueError:
        fail(
            f"--date: '{date}' is not a date (expected YYYY-MM-DD, e.g. 2018-12-31); "
            "nothing was written",
            EXIT_PROBLEMS,
        )
    pairs = []
    for item in value or []:
        indicator, separator, reported = item.partition("=")
        if not separator or not indicator.strip():
            fail(f"--value: '{item}' is not INDICATOR=VALUE; nothing was written", EXIT_PROBLEMS)
        pairs.append((indicator.strip(), reported.strip()))
    request = ProgressRequest(
        activity, day, status, note, tuple(pairs), tuple(evidence or ()), reported_by
    )
    try:
        written = record_progress(plan, str(plan), request, today)
    except PlanDirectoryError as exc:
        fail(str(exc))
    except ProgressError as exc:
        if exc.problems:
            typer.echo(render_text(exc.problems, SourceLines(exc.texts)), err=True)
        fail(f"{exc}; nothing was written", EXIT_PROBLEMS)
    typer.echo(f"{written.shown}: added a progress entry to {activity}:")
    for line in written.added_lines:
        typer.echo(f"+{line}")


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
    output_format: Annotated[str, typer.Option("--format", help="md or html.")] = "md",
    lang: Annotated[str, typer.Option("--lang", help="en or sr (Serbian, Latin script).")] = "en",
    plan: PlanDir = Path("plan"),
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """The yearly implementation report, as Markdown or HTML."""
    from cas_plan.provenance import git_state, templates_digest
    from cas_plan.words import LANGUAGES

    choose(output_format, "--format", ("md", "html"))
    choose(lang, "--lang", LANGUAGES)
    day = parse_date(as_of, "--as-of", default=dt.date(year, 12, 31))
    if template is not None and not template.is_file():
        fail(f"--template: '{template}' is not a file")
    git = git_state(plan)

    def produce() -> tuple[Output, int]:
        from cas_plan.report import ReportError, build_context, render

        result, views = load_for_query(plan, no_validate, no_cache)
        context = build_context(result.plan, views, year, day, lang, git)
        try:
            text = render(context, output_format, template)
        except ReportError as exc:
            fail(str(exc), EXIT_PROBLEMS)
        return (text if text.endswith("\n") else text + "\n").encode("utf-8"), EXIT_OK

    replay_or_run(
        plan,
        no_cache,
        (
            "report",
            str(year),
            day.isoformat(),
            output_format,
            lang,
            str(git.commit),
            str(git.dirty),
            templates_digest(template),
            str(no_validate),
        ),
        produce,
    )


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
    plan: PlanDir = Path("plan"),
    output_format: Annotated[str, typer.Option("--format", help="text, md or json.")] = "text",
) -> None:
    """What changed in meaning between two revisions of the plan."""
    from contextlib import ExitStack

    from cas_plan.gitplan import GitError, default_base, plan_at, repository_root, resolve_revision
    from cas_plan.plandiff import diff_plans, diff_record, render_markdown, render_text

    choose(output_format, "--format", ("text", "md", "json"))
    if not plan.is_dir():
        fail(f"plan directory '{plan}' does not exist")
    today = dt.date.today()
    try:
        root = repository_root(plan)
        plan_path = plan.resolve().relative_to(root.resolve()).as_posix()
        base_rev = resolve_revision(root, base) if base else default_base(root)
        head_rev = resolve_revision(root, head) if head else None
        with ExitStack() as stack:
            base_dir = stack.enter_context(plan_at(root, base_rev, plan_path))
            head_dir = stack.enter_context(plan_at(root, head_rev, plan_path)) if head_rev else plan
            base_label = base or f"merge-base {base_rev[:12]}"
            head_label = head or "working tree"
            result = diff_plans(
                load_checked(base_dir, today, shown=f"{base_label}:{plan_path}"),
                load_checked(
                    head_dir, today, shown=f"{head_label}:{plan_path}" if head_rev else str(plan)
                ),
                base_label,
                head_label,
            )
    except GitError as exc:
        fail(str(exc))
    if output_format == "json":
        print_json(diff_record(result))
    elif output_format == "md":
        typer.echo(render_markdown(result), nl=False)
    else:
        typer.echo(render_text(result))
    if not result.loaded:
        raise typer.Exit(EXIT_PROBLEMS)


def codeowners_path(plan: Path) -> tuple[Path, str]:
    """The repository's .github/CODEOWNERS and the plan directory's path inside the repository."""
    from cas_plan.gitplan import GitError, repository_root

    try:
        root = repository_root(plan)
    except GitError:
        root = plan.resolve().parent
    return root / ".github" / "CODEOWNERS", plan.resolve().relative_to(root.resolve()).as_posix()


@app.command()
def codeowners(
    plan: PlanDir = Path("plan"),
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Where to write (default: "
            ".github/CODEOWNERS of the repository; '-' for "
            "standard output).",
            show_default=False,
        ),
    ] = None,
    no_validate: NoValidate = False,
    no_cache: NoCache = False,
) -> None:
    """Write CODEOWNERS from the units' review handles."""
    from cas_plan.codeowners import codeowners_text

    result, _ = load_for_query(plan, no_validate, no_cache)
    default_out, plan_path = codeowners_path(plan)
    text = codeowners_text(result.plan, plan_path)
    if out is not None and str(out) == "-":
        typer.echo(text, nl=False)
        return
    target = out or default_out
    from cas_plan.safewrite import write_atomically

    write_atomically(target, text.encode("utf-8"))
    typer.echo(f"wrote {target} ({text.count(chr(10)) - 2} rules)")


@app.command()
def schema(
    plan: PlanDir = Path("plan"),
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
    from cas_plan.schema import SCHEMA_DIR, write_schemas

    for path in write_schemas(out or plan / SCHEMA_DIR):
        typer.echo(f"wrote {path}")


@app.command()
def init(
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="Where to create the plan.", show_default=False)
    ],
    title: Annotated[str, typer.Option("--title", help="The plan's title.")] = "Action plan",
) -> None:
    """Create a new, valid plan with the same layout."""
    from cas_plan.scaffold import InitError, init_plan

    try:
        written = init_plan(directory, title)
    except InitError as exc:
        fail(str(exc))
    for path in written:
        typer.echo(f"created {path}")
    typer.echo(f"next: casplan validate --plan {directory}")


def main() -> None:
    """Entry point: never a traceback, always a documented exit code.

    A command runs for a moment and keeps what it loads until it ends, so the cyclic garbage
    collector would only rescan the plan; it is off, and what is left is frozen before exit so
    that the interpreter's final collection does not scan it either.
    """
    import gc

    # third-party pydantic plugins have no say in a command line tool; looking for them scans
    # every installed package's metadata at start-up
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    gc.disable()
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("casplan: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: report, don't dump a traceback
        typer.echo(f"casplan: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(EXIT_INTERNAL)
    finally:
        gc.freeze()
