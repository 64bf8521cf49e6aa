"""One function per command: arguments in, an `Outcome` (what to print, the exit code) out.

The command line (cli.py) only declares options and calls these; everything a command decides
lives here or deeper in the library, where tests reach it without a terminal. Problems a user
can cause raise `CasplanError` (errors.py), which the command line turns into one line and an
exit code.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cas_plan.core import layout
from cas_plan.core.errors import CasplanError, ExitCode, PlanProblems, UsageError, system_problem
from cas_plan.core.status import NOT_REPORTED, STATUSES

if TYPE_CHECKING:
    from cas_plan.answers.queries import DueQuery
    from cas_plan.core.loader import LoadResult, Plan
    from cas_plan.edit.amend import AmendRequest
    from cas_plan.edit.progress import ProgressRequest
    from cas_plan.output.terminal import Screen


@dataclass(frozen=True)
class Outcome:
    """What a command prints on standard output (text, or its pieces in order), on standard
    error, and the exit code."""

    output: str | Iterable[str] = ""
    errors: str = ""
    code: ExitCode = ExitCode.OK


@dataclass(frozen=True)
class PlanOptions:
    """The options every plan-reading command shares."""

    plan: Path | None = None  # --plan or $CASPLAN_PLAN; None: find plan/ upward from here
    no_validate: bool = False
    no_cache: bool = False
    cwd: Path = field(default_factory=Path.cwd)

    def directory(self) -> tuple[Path, str]:
        """The plan directory and how to show it; found upward from the working directory as
        git finds .git, when not given."""
        if self.plan is not None:
            return self.plan, str(self.plan)
        found = layout.find_plan_directory(self.cwd)
        if found is None:
            raise UsageError(
                f"no plan directory (plan/ with a plan.yaml) in '{self.cwd}' or above it; "
                "pass --plan DIR or set CASPLAN_PLAN"
            )
        shown = os.path.relpath(found, self.cwd)
        return Path(shown), shown


# --- option values --------------------------------------------------------------------------


def parse_date(value: str | None, option: str, default: dt.date | None = None) -> dt.date:
    if value is None:
        return default or dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"{option}: '{value}' is not a date (expected YYYY-MM-DD, e.g. 2018-12-31)"
        ) from None


def choose(value: str, option: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise UsageError(f"{option}: '{value}' is not one of {', '.join(choices)}")
    return value


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def counted(count: int, word: str) -> str:
    """`plural` for words ending in -y: 1 activity, 2 activities."""
    if count == 1 or not word.endswith("y"):
        return plural(count, word)
    return f"{count} {word[:-1]}ies"


def xlsx_target(output_format: str, out: Path | None) -> Path | None:
    """`--format xlsx` writes a file (never binary to a terminal); `--out` goes with it only."""
    if output_format == "xlsx":
        if out is None:
            raise UsageError("--format xlsx: a workbook is a file; give --out FILE.xlsx")
        if not out.parent.is_dir():
            raise UsageError(f"--out: directory '{out.parent}' does not exist")
        return out
    if out is not None:
        raise UsageError(f"--out: goes with --format xlsx, not --format {output_format}")
    return None


def write_xlsx(out: Path, sheets: Sequence[Any], title: str) -> Outcome:
    from cas_plan.core.safewrite import write_atomically
    from cas_plan.output.xlsx import write_workbook

    write_atomically(out, write_workbook(sheets, title=title))
    rows = sum(len(sheet.rows) for sheet in sheets)
    return Outcome(f"wrote {out} ({plural(rows, 'row')})\n")


# --- loading ---------------------------------------------------------------------------------


def load_checked(
    options: PlanOptions, as_of: dt.date, *, shown: str | None = None
) -> tuple[LoadResult, Path, str]:
    from cas_plan.core.checks import check_plan
    from cas_plan.core.loader import directory_listing

    root, shown_root = options.directory()
    result = check_plan(
        directory_listing(root),
        shown if shown is not None else shown_root,
        as_of,
        use_cache=not options.no_cache,
    )
    return result, root, shown_root


def load_for_query(options: PlanOptions, as_of: dt.date | None = None) -> Plan:
    """The plan in force on `as_of` (default today), if the plan validates (or --no-validate).

    The plan is checked as of today: a query's --as-of looks at the past state of a valid plan.
    """
    from cas_plan.core.history import plan_on

    today = dt.date.today()
    result, _, shown = load_checked(options, today)
    if result.errors and not options.no_validate:
        raise PlanProblems(
            f"the plan in '{shown}' has {plural(len(result.errors), 'problem')}; "
            f"run 'casplan validate --plan {shown}' (or pass --no-validate)"
        )
    return plan_on(result.plan, as_of or today)


def unit_names(plan: Plan) -> dict[str, str]:
    return {unit_id: unit.name for unit_id, unit in plan.units.items()}


def find_unit(plan: Plan, query: str) -> str:
    """A unit id from an id or an unambiguous part of a name; else a usage error with the
    closest matches."""
    from cas_plan.core.organization import Organization, UnitLookupError

    try:
        return Organization.of(plan.units.values()).find(query).id
    except UnitLookupError as exc:
        raise UsageError(str(exc)) from None


def check_filter(plan: Plan, goal: str | None = None, measure: str | None = None) -> None:
    """An unknown --goal or --measure is a usage error, not an empty answer."""
    from cas_plan.core.suggest import close_matches

    goals = {g.model.id for g in plan.goals}
    measures = {m.model.id for m in plan.measures}
    for value, known, option in ((goal, goals, "--goal"), (measure, measures, "--measure")):
        if value is not None and value not in known:
            close = close_matches(value, known, cutoff=0.5)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            raise UsageError(f"{option}: no {option[2:]} has the id '{value}'{hint}")


# --- the commands ----------------------------------------------------------------------------

VALIDATE_FORMATS = ("text", "json", "github")


def validate(
    options: PlanOptions,
    output_format: str | None,
    strict: bool,
    check_codeowners: bool,
    as_of: str | None,
) -> Outcome:
    """Check every file of the plan and the references between them."""
    if output_format is None:
        output_format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    choose(output_format, "--format", VALIDATE_FORMATS)
    day = parse_date(as_of, "--as-of")
    result, root, shown = load_checked(options, day)
    if check_codeowners and not result.errors:
        from cas_plan.answers.codeowners import codeowners_problems

        result.diagnostics.extend(codeowners_problems(result.plan, root))
    problems = result.diagnostics
    errors, warnings = len(result.errors), len(result.warnings)
    failed_strict = strict and warnings > 0 and errors == 0
    code = ExitCode.PROBLEMS if errors or failed_strict else ExitCode.OK
    verdict = "INVALID" if errors else ("fails --strict" if failed_strict else "valid")
    summary = (
        f"{shown}: {verdict}: {len(result.plan.measures)} measures, "
        f"{len(result.plan.views)} activities; {plural(errors, 'error')}, "
        f"{plural(warnings, 'warning')}"
    )
    if output_format == "json":
        from cas_plan.output.json import problems_json

        return Outcome(problems_json(problems), code=code)
    if output_format == "github":
        from cas_plan.output.github import github_annotations

        return Outcome(github_annotations(problems), errors=summary + "\n", code=code)
    from cas_plan.output.text import problems_text

    text = problems_text(problems, result.source_line) + "\n\n" if problems else ""
    return Outcome(text + summary + "\n", code=code)


def list_activities(
    options: PlanOptions,
    output_format: str,
    as_of: str | None,
    screen: Screen,
    out: Path | None = None,
) -> Outcome:
    """Every activity with its effective values."""
    from cas_plan.answers.records import list_records

    choose(output_format, "--format", ("table", "json", "xlsx"))
    target = xlsx_target(output_format, out)
    day = parse_date(as_of, "--as-of")
    plan = load_for_query(options, day)
    records = list_records(plan, day)
    if target is not None:
        from cas_plan.output.xlsx import list_sheets

        return write_xlsx(target, list_sheets(records), plan.title or "casplan")
    if output_format == "json":
        from cas_plan.output.json import json_array

        return Outcome(json_array(records))
    from cas_plan.output.terminal import draw, print_activities

    return Outcome(draw(screen, lambda console: print_activities(console, records)))


DUE_FORMATS = ("table", "json", "csv", "md", "ics", "xlsx")


@dataclass(frozen=True)
class DueOptions:
    before: str
    after: str | None = None
    owner: str | None = None
    goal: str | None = None
    measure: str | None = None
    status: str | None = None
    overdue: bool = False
    continuous: bool = False
    as_of: str | None = None


def due_window(asked: DueOptions) -> DueQuery:
    """The due query the options ask, before the plan is read (dates and status checked)."""
    from cas_plan.answers.queries import DueQuery

    before = parse_date(asked.before, "--before")
    after = parse_date(asked.after, "--after") if asked.after else None
    if asked.status is not None:
        choose(asked.status, "--status", (NOT_REPORTED, *STATUSES))
    if after and after > before:
        raise UsageError(f"--after {after} is later than --before {before}")
    return DueQuery(
        before=before,
        after=after,
        as_of=parse_date(asked.as_of, "--as-of"),
        goal=asked.goal,
        measure=asked.measure,
        status=asked.status,
        overdue_only=asked.overdue,
        include_continuous=asked.continuous,
    )


def due_query(plan: Plan, asked: DueOptions) -> DueQuery:
    """The due query the options ask, checked against the plan (units, goals, measures)."""
    import dataclasses

    from cas_plan.core.organization import Organization

    query = due_window(asked)
    scope = None
    if asked.owner is not None:
        organization = Organization.of(plan.units.values())
        scope = frozenset(organization.scope(find_unit(plan, asked.owner)))
    check_filter(plan, goal=asked.goal, measure=asked.measure)
    return dataclasses.replace(query, scope=scope)


def due(
    options: PlanOptions,
    asked: DueOptions,
    output_format: str,
    screen: Screen,
    out: Path | None = None,
) -> Outcome:
    """What falls due in a window, by unit, goal, measure, status."""
    from cas_plan.answers.queries import due_rows

    choose(output_format, "--format", DUE_FORMATS)
    target = xlsx_target(output_format, out)
    window = due_window(asked)  # a bad option value is reported before the plan is read
    plan = load_for_query(options, window.as_of)
    query = due_query(plan, asked)
    rows = due_rows(plan, query)
    names = unit_names(plan)
    if target is not None:
        from cas_plan.answers.records import due_records
        from cas_plan.output.xlsx import due_sheets

        sheets = due_sheets(due_records(plan, rows, query.as_of))
        return write_xlsx(target, sheets, plan.title or "casplan")
    if output_format == "json":
        from cas_plan.answers.records import due_records
        from cas_plan.output.json import json_array

        return Outcome(json_array(due_records(plan, rows, query.as_of)))
    if output_format == "csv":
        from cas_plan.output.csv import due_csv

        return Outcome(due_csv(rows, names))
    if output_format == "md":
        from cas_plan.output.markdown import due_markdown

        return Outcome(due_markdown(rows, names))
    if output_format == "ics":
        from cas_plan.output.ics import due_ics

        return Outcome(due_ics(rows, names, plan.title or "casplan", query.as_of))
    from cas_plan.output.terminal import draw, print_due

    return Outcome(draw(screen, lambda console: print_due(console, rows, names)))


def units(options: PlanOptions, output_format: str, screen: Screen) -> Outcome:
    """The units as a tree, with the activities each one leads."""
    from cas_plan.answers.queries import unit_tree

    choose(output_format, "--format", ("table", "json"))
    plan = load_for_query(options)
    lines = unit_tree(plan)
    if output_format == "json":
        from cas_plan.answers.records import unit_records
        from cas_plan.output.json import json_text

        return Outcome(json_text(unit_records(lines)))
    from cas_plan.output.terminal import draw, print_units

    return Outcome(draw(screen, lambda console: print_units(console, lines)))


def who(
    options: PlanOptions,
    unit: str,
    output_format: str,
    as_of: str | None,
    screen: Screen,
    out: Path | None = None,
) -> Outcome:
    """What a unit is responsible for, by goal and measure."""
    from cas_plan.answers.queries import who as who_rows

    choose(output_format, "--format", ("table", "json", "md", "xlsx"))
    target = xlsx_target(output_format, out)
    day = parse_date(as_of, "--as-of")
    plan = load_for_query(options, day)
    unit_id = find_unit(plan, unit)
    rows = who_rows(plan, unit_id, day)
    names = unit_names(plan)
    if target is not None:
        from cas_plan.answers.records import who_record
        from cas_plan.output.xlsx import who_sheets

        sheets = who_sheets(who_record(unit_id, names[unit_id], rows), names)
        return write_xlsx(target, sheets, plan.title or "casplan")
    if output_format == "json":
        from cas_plan.answers.records import who_record
        from cas_plan.output.json import json_text

        return Outcome(json_text(who_record(unit_id, names[unit_id], rows)))
    if output_format == "md":
        from cas_plan.output.markdown import who_markdown

        return Outcome(who_markdown(names[unit_id], rows, names))
    from cas_plan.output.terminal import draw, print_who

    goal_titles = {g.model.id: g.model.title for g in plan.goals}
    measure_titles = {m.model.id: m.model.title for m in plan.measures}
    return Outcome(
        draw(
            screen,
            lambda console: print_who(console, unit_id, rows, names, goal_titles, measure_titles),
        )
    )


def show(options: PlanOptions, identifier: str, output_format: str, as_of: str | None) -> Outcome:
    """The full record of a goal, measure or activity."""
    from cas_plan.answers.records import show_record

    choose(output_format, "--format", ("text", "json"))
    day = parse_date(as_of, "--as-of")
    record = show_record(load_for_query(options, day), identifier, day)
    if output_format == "json":
        from cas_plan.output.json import json_text

        return Outcome(json_text(record))
    from cas_plan.output.text import show_text

    return Outcome(show_text(record) + "\n")


def budget(
    options: PlanOptions,
    year: int | None,
    by: str,
    output_format: str,
    screen: Screen,
    out: Path | None = None,
) -> Outcome:
    """Indicative funds summed per currency, each amount once."""
    from cas_plan.answers.budget import GROUPINGS, budget_record, compute_budget

    choose(by, "--by", GROUPINGS)
    choose(output_format, "--format", ("table", "json", "csv", "xlsx"))
    target = xlsx_target(output_format, out)
    plan = load_for_query(options)
    record = budget_record(compute_budget(plan, by, year))
    if target is not None:
        from cas_plan.output.xlsx import budget_sheets

        return write_xlsx(target, budget_sheets(record), plan.title or "casplan")
    if output_format == "json":
        from cas_plan.output.json import json_text

        return Outcome(json_text(record))
    if output_format == "csv":
        from cas_plan.output.csv import budget_csv

        return Outcome(budget_csv(record))
    from cas_plan.output.terminal import draw, print_budget

    return Outcome(draw(screen, lambda console: print_budget(console, record)))


def parse_values(values: Sequence[str]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for item in values:
        indicator, separator, reported = item.partition("=")
        if not separator or not indicator.strip():
            raise UsageError(f"--value: '{item}' is not INDICATOR=VALUE")
        pairs.append((indicator.strip(), reported.strip()))
    return tuple(pairs)


@dataclass(frozen=True)
class ProgressOptions:
    status: str
    date: str | None = None
    note: str | None = None
    values: Sequence[str] = ()
    evidence: Sequence[str] = ()
    reported_by: str | None = None
    spent: Sequence[str] = ()
    spent_source: str | None = None
    corrects: str | None = None


def checked_value(kind: Any, value: str, option: str) -> str:
    """An option value checked by the model's own type (evidence, reporter...)."""
    from pydantic import TypeAdapter, ValidationError

    try:
        return str(TypeAdapter(kind).validate_python(value))
    except ValidationError as exc:
        message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise UsageError(f"{option}: {message}") from None


def progress_request(activity: str, asked: ProgressOptions, today: dt.date) -> ProgressRequest:
    """The entry the options describe, each value checked (a bad one is a usage error)."""
    from cas_plan.core.model import CorrectionRef, Evidence, Reporter
    from cas_plan.core.money import MoneySyntaxError, parse_amount_text
    from cas_plan.edit.progress import ProgressRequest

    choose(asked.status, "--status", STATUSES)
    spent = []
    for text in asked.spent:
        try:
            spent.append((parse_amount_text(text), asked.spent_source))
        except MoneySyntaxError as exc:
            raise UsageError(f"--spent: {exc}") from None
    if asked.spent_source and not asked.spent:
        raise UsageError("--spent-source: goes with --spent")
    return ProgressRequest(
        activity,
        parse_date(asked.date, "--date", today),
        asked.status,
        asked.note,
        parse_values(asked.values),
        tuple(checked_value(Evidence, item, "--evidence") for item in asked.evidence),
        checked_value(Reporter, asked.reported_by, "--by") if asked.reported_by else None,
        tuple(spent),
        checked_value(CorrectionRef, asked.corrects, "--corrects") if asked.corrects else None,
    )


def progress(options: PlanOptions, activity: str, asked: ProgressOptions) -> Outcome:
    """Record progress on an activity (only new lines in git diff)."""
    from cas_plan.edit.progress import record_progress

    try:
        today = dt.date.today()
        request = progress_request(activity, asked, today)
        root, shown = options.directory()
        written = record_progress(root, shown, request, today)
    except CasplanError as exc:
        exc.message += "; nothing was written"
        raise
    except OSError as exc:
        raise system_problem(exc) from None
    lines = [f"{written.shown}: added a progress entry to {activity}:"]
    lines += [f"+{line}" for line in written.added_lines]
    return Outcome("".join(line + "\n" for line in lines))


def report(
    options: PlanOptions,
    year: int,
    as_of: str | None,
    template: Path | None,
    output_format: str,
    lang: str,
    *,
    out: Path | None = None,
    strict: bool = False,
) -> Outcome:
    """The yearly implementation report, as Markdown, HTML or Word (docx)."""
    from cas_plan.core.history import plan_on
    from cas_plan.core.provenance import git_state
    from cas_plan.l10n.phrases import LANGUAGES
    from cas_plan.publish.report import build_context, missing_narrative, render

    choose(output_format, "--format", ("md", "html", "docx"))
    choose(lang, "--lang", LANGUAGES)
    if output_format == "docx" and out is None:
        raise UsageError("--format docx: give the file to write with --out FILE")
    if output_format == "docx" and template is not None:
        raise UsageError("--template: only for --format md or html")
    if out is not None and not out.parent.is_dir():
        raise UsageError(f"--out: directory '{out.parent}' does not exist")
    day = parse_date(as_of, "--as-of") if as_of is not None else None
    if template is not None and not template.is_file():
        raise UsageError(f"--template: '{template}' is not a file")
    plan = load_for_query(options)
    period = plan.plan.model.period if plan.plan else None
    first, last = (period.start.year, period.end.year) if period else (dt.MINYEAR, dt.MAXYEAR - 1)
    if not first <= year <= last:
        where = f"the plan period {period.start}..{period.end}" if period else "the calendar"
        raise UsageError(f"--year {year} is outside {where}")
    day = day or dt.date(year, 12, 31)
    plan = plan_on(plan, day)
    root, _ = options.directory()
    context = build_context(plan, year, day, lang, git_state(root))
    missing = missing_narrative(plan, year)
    errors = "".join(f"casplan: warning: {line}\n" for line in missing)
    code = ExitCode.PROBLEMS if strict and missing else ExitCode.OK
    if strict and missing:
        errors += f"casplan: error: --strict: the narrative of {year} is incomplete\n"
    if output_format == "docx":
        from cas_plan.core.safewrite import write_atomically
        from cas_plan.output.docx import report_docx

        assert out is not None
        if code != ExitCode.OK:
            return Outcome("", errors, code)
        try:
            write_atomically(out, report_docx(context))
        except OSError as exc:
            raise system_problem(exc) from None
        return Outcome(f"wrote {out}\n", errors, code)
    text = render(context, output_format, template)
    text = text if text.endswith("\n") else text + "\n"
    if out is not None and code == ExitCode.OK:
        from cas_plan.core.safewrite import write_atomically

        try:
            write_atomically(out, text.encode("utf-8"))
        except OSError as exc:
            raise system_problem(exc) from None
        return Outcome(f"wrote {out}\n", errors, code)
    return Outcome(text if code == ExitCode.OK else "", errors, code)


def diff(options: PlanOptions, base: str | None, head: str | None, output_format: str) -> Outcome:
    """What changed in meaning between two revisions of the plan."""
    from cas_plan.answers.diff import diff_plans, diff_record
    from cas_plan.core.checks import check_plan
    from cas_plan.core.git import default_base, plan_files_at, repository_root, resolve_revision
    from cas_plan.core.loader import directory_listing, memory_listing

    choose(output_format, "--format", ("text", "md", "json"))
    plan_dir, shown = options.directory()
    if not plan_dir.is_dir():
        raise UsageError(f"plan directory '{shown}' does not exist")
    today = dt.date.today()
    root = repository_root(plan_dir)
    plan_path = plan_dir.resolve().relative_to(root.resolve()).as_posix()
    base_rev = resolve_revision(root, base) if base else default_base(root)
    head_rev = resolve_revision(root, head) if head else None
    base_label = base or f"merge-base {base_rev[:12]}"
    head_label = head or "working tree"
    base_result = check_plan(
        memory_listing(*plan_files_at(root, base_rev, plan_path)),
        f"{base_label}:{plan_path}",
        today,
        use_cache=False,
    )
    if head_rev is None:
        head_result = check_plan(directory_listing(plan_dir), shown, today)
    else:
        head_result = check_plan(
            memory_listing(*plan_files_at(root, head_rev, plan_path)),
            f"{head_label}:{plan_path}",
            today,
            use_cache=False,
        )
    result = diff_plans(base_result, head_result, base_label, head_label)
    code = ExitCode.OK if result.loaded else ExitCode.PROBLEMS
    if output_format == "json":
        from cas_plan.output.json import json_text

        return Outcome(json_text(diff_record(result)), code=code)
    if output_format == "md":
        from cas_plan.output.markdown import diff_markdown

        return Outcome(diff_markdown(result), code=code)
    from cas_plan.output.text import diff_text

    return Outcome(diff_text(result) + "\n", code=code)


def codeowners(options: PlanOptions, out: Path | None) -> Outcome:
    """Write CODEOWNERS from the units' review handles."""
    from cas_plan.answers.codeowners import codeowners_location, codeowners_text
    from cas_plan.core.safewrite import write_atomically

    plan = load_for_query(options)
    root, _ = options.directory()
    default_out, plan_path = codeowners_location(root)
    text = codeowners_text(plan, plan_path)
    if out is not None and str(out) == "-":
        return Outcome(text)
    if out is None:
        default_out.parent.mkdir(exist_ok=True)  # .github/ of the repository
    target = out or default_out
    if not target.parent.is_dir():
        raise UsageError(f"--out: directory '{target.parent}' does not exist")
    write_atomically(target, text.encode("utf-8"))
    return Outcome(f"wrote {target} ({text.count(chr(10)) - 2} rules)\n")


def schema(options: PlanOptions, out: Path | None) -> Outcome:
    """Write JSON Schema files that editors validate plan files with (with the plan's units)."""
    from cas_plan.core.schema import plan_unit_ids, write_schemas

    root, _ = options.directory()
    if not root.is_dir():
        raise UsageError(f"plan directory '{root}' does not exist")
    if out is None:
        out = root / layout.SCHEMA_DIR
    elif not out.parent.is_dir():
        raise UsageError(f"--out: directory '{out.parent}' does not exist")
    written = write_schemas(out, plan_unit_ids(root / "organization.yaml"))
    return Outcome("".join(f"wrote {path}\n" for path in written))


def init(directory: Path, title: str) -> Outcome:
    """Create a new, valid plan with the same layout."""
    from cas_plan.edit.init import init_plan

    written = init_plan(directory, title)
    lines = [f"created {path}" for path in written]
    lines.append(f"next: casplan validate --plan {directory}")
    return Outcome("".join(line + "\n" for line in lines))


@dataclass(frozen=True)
class AmendOptions:
    decision: str
    date: str | None = None
    reason: str | None = None
    due: str | None = None
    responsible: Sequence[str] = ()
    title: str | None = None
    cancel: bool = False
    also: Sequence[str] = ()
    only: bool = False
    dry_run: bool = False


def amend_request(activity: str, asked: AmendOptions, units: Iterable[str]) -> AmendRequest:
    """The amendment the options describe, each value checked (a bad one is a usage error)."""
    from cas_plan.core.deadlines import DeadlineSyntaxError, parse_deadline
    from cas_plan.core.suggest import did_you_mean
    from cas_plan.edit.amend import AmendRequest

    given = {
        "--due": asked.due is not None,
        "--responsible": bool(asked.responsible),
        "--title": asked.title is not None,
        "--cancel": asked.cancel,
    }
    chosen = [name for name, present in given.items() if present]
    if len(chosen) != 1:
        raise UsageError(
            "say what the amendment changes: one of --due, --responsible, --title or --cancel"
            + (f" (not {' and '.join(chosen)})" if chosen else "")
        )
    cell: str | None = None
    value: Any = None
    if asked.due is not None:
        from cas_plan.core.deadlines import Day

        try:
            spec = parse_deadline(asked.due)
        except DeadlineSyntaxError as exc:
            raise UsageError(f"--due: {exc}") from None
        cell, value = "due", {"when": spec.day if isinstance(spec, Day) else spec.spell()}
    elif asked.responsible:
        known = set(units)
        entries = []
        for item in asked.responsible:
            unit, _, role = item.partition(":")
            if unit not in known:
                hint = did_you_mean(unit, known)
                raise UsageError(
                    f"--responsible: unknown unit '{unit}'" + (f"; {hint}" if hint else "")
                )
            entries.append({"unit": unit} | ({"role": role} if role else {}))
        cell, value = "responsible", {"units": entries}
    elif asked.title is not None:
        if not asked.title.strip():
            raise UsageError("--title: the title is empty")
        cell, value = "title", asked.title
    return AmendRequest(
        activity,
        asked.decision,
        parse_date(asked.date, "--date") if asked.date else None,
        asked.reason,
        cell,
        value,
        asked.cancel,
        tuple(asked.also),
        asked.only,
    )


def amend(options: PlanOptions, activity: str, asked: AmendOptions) -> Outcome:
    """Record an amendment decision and the cells it changed (keeping what they replaced)."""
    from cas_plan.edit.amend import amend as apply_amendment

    try:
        result, root, shown = load_checked(options, dt.date.today())
        request = amend_request(activity, asked, result.plan.units)
        done = apply_amendment(root, shown, request, dt.date.today(), dry_run=asked.dry_run)
    except CasplanError as exc:
        exc.message += "; nothing was written"
        raise
    except OSError as exc:
        raise system_problem(exc) from None
    amendment = done.amendment
    verb = "would record" if asked.dry_run else "recorded"
    lines = [
        f"{verb} amendment {amendment.id} ({amendment.decision}, adopted {amendment.date})"
        + (", added to amendments.yaml" if done.new_amendment else "")
    ]
    lines.append("effective values change for: " + ", ".join(done.affected))
    if done.pinned:
        lines.append("keep the earlier value, now written on them: " + ", ".join(done.pinned))
    for written in done.written:
        lines.append(f"{written.shown}:")
        lines += written.diff_lines
    return Outcome("".join(line + "\n" for line in lines))


# --- collecting progress in workbooks ---------------------------------------------------------


def collect(
    options: PlanOptions, period_text: str, out: Path, unit_queries: Sequence[str], lang: str
) -> Outcome:
    """One workbook per responsible unit for the activities of a period."""
    from cas_plan.collect.workbooks import collect_workbooks
    from cas_plan.core.periods import parse_period
    from cas_plan.core.provenance import git_state
    from cas_plan.core.safewrite import write_atomically

    period = parse_period(period_text)
    choose(lang, "--lang", ("en", "sr"))
    if not out.is_dir():
        raise UsageError(f"--out: '{out}' is not a directory")
    today = dt.date.today()
    plan = load_for_query(options, today)
    unit_ids = [find_unit(plan, query) for query in unit_queries]
    root, _ = options.directory()
    commit = git_state(root).commit or "none"
    books = collect_workbooks(plan, period, list(dict.fromkeys(unit_ids)), commit, lang, today)
    lines = []
    for book in books:
        target = out / book.file_name
        write_atomically(target, book.data)
        lines.append(
            f"wrote {target} ({book.unit.name}: {counted(len(book.activity_ids), 'activity')})"
        )
    skipped = [u for u in unit_ids if u not in {book.unit.id for book in books}]
    lines += [f"no activity of {u} is due in {period.text}; no workbook" for u in skipped]
    if not books and not skipped:
        lines.append(f"no activity is due in {period.text}; no workbook")
    return Outcome("".join(line + "\n" for line in lines))


def import_workbooks(options: PlanOptions, files: Sequence[Path], dry_run: bool) -> Outcome:
    """Append the rows of filled workbooks as progress entries, all or nothing."""
    from cas_plan.collect.judge import import_files
    from cas_plan.edit.progress import record_entries

    missing = [file for file in files if not file.is_file()]
    if missing:
        raise UsageError(f"'{missing[0]}' is not a file")
    today = dt.date.today()
    plan = load_for_query(options, today)
    try:
        judged = import_files(plan, [(file, file.name) for file in files])
    except OSError as exc:
        raise system_problem(exc, "read") from None
    problems = [line for result in judged for line in result.problems]
    if problems:
        return Outcome(
            errors="".join(line + "\n" for line in problems)
            + f"casplan: error: {plural(len(problems), 'problem')}; nothing was written\n",
            code=ExitCode.PROBLEMS,
        )
    lines = []
    for result in judged:
        adding, already = len(result.requests), result.already
        if not adding:
            said = f"{plural(already, 'row')} already recorded" if already else "no row filled"
            lines.append(f"{result.shown}: {said}, nothing to add")
        else:
            after = f" ({already} already recorded)" if already else ""
            lines.append(f"{result.shown}: {plural(adding, 'row')} to add{after}")
    requests = [request for result in judged for request, _ in result.requests]
    if requests:
        root, shown = options.directory()
        try:
            written = record_entries(root, shown, requests, today, dry_run=dry_run)
        except CasplanError as exc:
            exc.message += "; nothing was written"
            raise
        except OSError as exc:
            raise system_problem(exc) from None
        by_file: dict[str, list[str]] = {}
        for request in requests:
            view = next(v for v in plan.views if v.id == request.activity_id)
            by_file.setdefault(view.path, []).append(view.id)
        for item in written:
            ids = ", ".join(dict.fromkeys(by_file.get(item.shown, [])))
            verb = "would add" if dry_run else "added"
            entries = len(by_file.get(item.shown, []))
            what = "a progress entry" if entries == 1 else f"{entries} progress entries"
            lines.append(f"{item.shown}: {verb} {what} to {ids}:")
            lines += [f"+{line}" for line in item.added_lines]
        if dry_run:
            lines.append("dry run: nothing was written")
    return Outcome("".join(line + "\n" for line in lines))


FOLLOWUP_FORMATS = ("table", "md", "json", "csv")


def followup(
    options: PlanOptions,
    period_text: str,
    as_of: str | None,
    output_format: str,
    eml: Path | None,
) -> Outcome:
    """Per unit, the activities of a period without a report in it; drafts to send."""
    from cas_plan.answers.followup import (
        draft_message,
        drafts_for,
        followup_markdown,
        followup_record,
        followup_rows,
        followup_text,
    )
    from cas_plan.answers.followup import followup as follow_up
    from cas_plan.core.periods import parse_period

    period = parse_period(period_text)
    day = parse_date(as_of, "--as-of")
    choose(output_format, "--format", FOLLOWUP_FORMATS)
    if eml is not None and not eml.is_dir():
        raise UsageError(f"--eml: '{eml}' is not a directory")
    plan = load_for_query(options, day)
    result = follow_up(plan, period, day)
    warnings = []
    if eml is not None:
        from cas_plan.collect.workbooks import collect_workbooks, plan_identity
        from cas_plan.core.provenance import git_state
        from cas_plan.core.safewrite import write_atomically

        root, _ = options.directory()
        commit = git_state(root).commit or "none"
        title, _ = plan_identity(plan)
        for item in drafts_for(result):
            books = collect_workbooks(plan, period, [item.unit.id], commit, "en", day)
            book = (books[0].file_name, books[0].data) if books else None
            target = eml / f"{item.unit.id}.eml"
            write_atomically(target, draft_message(item, period, title, book))
            to = f" (to {item.unit.contact})" if item.unit.contact else ""
            warnings.append(f"wrote {target}{to}\n")
            if not item.unit.contact:
                warnings.append(
                    f"casplan: warning: {item.unit.id} has no contact in organization.yaml; "
                    "the draft has no To\n"
                )
    errors = "".join(warnings)
    if output_format == "json":
        from cas_plan.output.json import json_text

        return Outcome(json_text(followup_record(result)), errors)
    if output_format == "csv":
        from cas_plan.output.csv import rows_csv

        return Outcome(rows_csv(followup_rows(result)), errors)
    if output_format == "md":
        return Outcome(followup_markdown(result), errors)
    return Outcome(followup_text(result), errors)


def site(
    options: PlanOptions, out: Path, as_of: str | None, lang: str, base_url: str | None
) -> Outcome:
    """Write the plan's static progress site into a directory (replaced whole)."""
    from cas_plan.core.provenance import git_state
    from cas_plan.publish.site import LANGUAGES, build_site, check_base_url, write_site

    choose(lang, "--lang", LANGUAGES)
    day = parse_date(as_of, "--as-of")
    base = check_base_url(base_url)
    plan = load_for_query(options, day)
    root, _ = options.directory()
    files = build_site(plan, day, lang, base, git_state(root))
    try:
        write_site(out, files)
    except OSError as exc:
        raise system_problem(exc) from None
    return Outcome(f"wrote {plural(len(files), 'file')} to {out}\n")
