"""What every command shares: its `Outcome`, the plan options, loading the plan for a query,
and option values parsed into typed values."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cas_plan.core import layout
from cas_plan.core.errors import CasplanError, ExitCode, PlanProblems, UsageError, system_problem

if TYPE_CHECKING:
    from cas_plan.core.diagnostics import Diagnostic
    from cas_plan.core.loader import LoadResult, Plan
    from cas_plan.l10n.deadlines import DeadlineWords


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


@contextlib.contextmanager
def nothing_written() -> Iterator[None]:
    """Around a plan edit: a refusal says that nothing was written, which the transaction makes
    true; the one error after which part of a write stands (UnfinishedWrite) says otherwise."""
    from cas_plan.core.journal import UnfinishedWrite

    try:
        yield
    except UnfinishedWrite:
        raise
    except CasplanError as exc:
        if not exc.message.endswith("nothing was written"):  # (init's refusals say it already)
            exc.message += "; nothing was written"
        raise
    except OSError as exc:
        problem = system_problem(exc)
        problem.message += "; nothing was written"
        raise problem from None


def warnings_text(warnings: Iterable[Diagnostic]) -> str:
    """The warnings a plan edit brings, one line each as `validate` writes them."""
    return "".join(d.headline() + "\n" for d in warnings)


def parse_date(value: str | None, option: str, default: dt.date | None = None) -> dt.date:
    """The one parser of a date typed on the command line: ISO, within the days casplan takes
    (`periods.typed_day`), each refusal one line."""
    from cas_plan.core.periods import typed_day

    if value is None:
        return default or dt.date.today()
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"{option}: '{value}' is not a date (expected YYYY-MM-DD, e.g. 2018-12-31)"
        ) from None
    return typed_day(day, option, value)


def counted(count: int, noun: str) -> str:
    """A count and its noun in the tool's English ("1 problem", "2 activities"): the
    phrasebook's plural forms, the commands taking no --lang."""
    from cas_plan.l10n.phrases import english_count

    return english_count(count, noun)


def said_in_english(plan: Plan) -> DeadlineWords:
    """The plan's deadlines in English words, for the commands that take no --lang (`show`,
    the terminal's tables)."""
    from cas_plan.l10n.deadlines import DeadlineWords

    return DeadlineWords.of(plan, "en")


def xlsx_target(output_format: str, out: Path | None, options: PlanOptions) -> Path | None:
    """`--format xlsx` writes a file (never binary to a terminal); `--out` goes with it only."""
    from cas_plan.core.outputs import output_file

    if output_format == "xlsx":
        if out is None:
            raise UsageError("--format xlsx: a workbook is a file; give --out FILE.xlsx")
        return output_file(out, "--out", options.directory()[0])
    if out is not None:
        raise UsageError(f"--out: goes with --format xlsx, not --format {output_format}")
    return None


def write_xlsx(out: Path, sheets: Sequence[Any], title: str) -> Outcome:
    from cas_plan.core.outputs import write_file
    from cas_plan.output.messages import lines_text
    from cas_plan.output.xlsx import write_workbook

    write_file(out, write_workbook(sheets, title=title))
    rows = sum(len(sheet.rows) for sheet in sheets)
    return Outcome(lines_text([f"wrote {out} ({counted(rows, 'row')})"]))


def load_checked(
    options: PlanOptions, as_of: dt.date, *, shown: str | None = None, profile: str | None = None
) -> tuple[LoadResult, Path, str]:
    from cas_plan.core.loader import check_plan, directory_listing

    root, shown_root = options.directory()
    result = check_plan(
        directory_listing(root),
        shown if shown is not None else shown_root,
        as_of,
        use_cache=not options.no_cache,
        profile=profile,
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
            f"the plan in '{shown}' has {counted(len(result.errors), 'problem')}; "
            f"run 'casplan validate --plan {shown}' (or pass --no-validate)"
        )
    return plan_on(result.plan, as_of or today)


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
