"""`casplan report`: the implementation report of a half-year, a year or the whole plan period
(the final report), in md, html or docx."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cas_plan.commands.choices import ReportFormat
from cas_plan.commands.common import (
    Outcome,
    PlanOptions,
    load_for_query,
    parse_date,
)
from cas_plan.core.errors import ExitCode, UsageError, system_problem
from cas_plan.l10n.languages import Language

if TYPE_CHECKING:
    from cas_plan.answers.reporting import ReportDeadline
    from cas_plan.core.loader import Plan
    from cas_plan.core.periods import Period


@dataclass(frozen=True)
class ReportAsk:
    """What the command line asks: the period (`--period`, or `--year` for a year), the date
    of the state, the template, the format and the language."""

    period: str | None = None
    year: int | None = None
    as_of: str | None = None
    template: Path | None = None
    output_format: ReportFormat = ReportFormat.MD
    lang: Language = Language.EN


def report(
    options: PlanOptions,
    ask: ReportAsk,
    *,
    out: Path | None = None,
    strict: bool = False,
) -> Outcome:
    """The implementation report, as Markdown, HTML or Word (docx)."""
    from cas_plan.answers.reporting import deadline_of
    from cas_plan.core.history import plan_on
    from cas_plan.core.provenance import git_state
    from cas_plan.output.messages import lines_text
    from cas_plan.publish.report import ReportOn, build_context
    from cas_plan.publish.report_narrative import missing_narrative

    _check_options(options, ask, out)
    day = parse_date(ask.as_of, "--as-of") if ask.as_of is not None else None
    plan = load_for_query(options)
    period = _period(plan, ask, day)
    day = _state_day(period, day)
    root, _ = options.directory()
    deadline = deadline_of(plan, period)
    on = ReportOn(plan_on(plan, day), period, day, ask.lang, git_state(root), deadline)
    context = build_context(on)
    missing = missing_narrative(on.plan, period, ask.lang, on.final)
    warnings = [*missing, *_late(deadline, day if ask.as_of else dt.date.today())]
    errors = lines_text(f"casplan: warning: {line}" for line in warnings)
    code = ExitCode.PROBLEMS if strict and missing else ExitCode.OK
    if strict and missing:
        errors += f"casplan: error: --strict: the narrative of {period.text} is incomplete\n"
    if code != ExitCode.OK:
        return Outcome("", errors, code)
    if ask.output_format == "docx":
        from cas_plan.output.docx import report_docx

        assert out is not None
        return Outcome(_write(out, report_docx(context)), errors, code)
    from cas_plan.publish.report import render

    text = render(context, ask.output_format, ask.template)
    text = text if text.endswith("\n") else text + "\n"
    if out is not None:
        return Outcome(_write(out, text.encode("utf-8")), errors, code)
    return Outcome(text, errors, code)


def _check_options(options: PlanOptions, ask: ReportAsk, out: Path | None) -> None:
    """The options agree with each other, before the plan is read."""
    if ask.period is not None and ask.year is not None:
        raise UsageError("--period and --year name the report's period: give one of them")
    if ask.output_format == "docx" and out is None:
        raise UsageError("--format docx: give the file to write with --out FILE")
    if ask.output_format == "docx" and ask.template is not None:
        raise UsageError("--template: only for --format md or html")
    if out is not None:
        from cas_plan.core.outputs import output_file

        output_file(out, "--out", options.directory()[0])
    if ask.template is not None and not ask.template.is_file():
        raise UsageError(f"--template: '{ask.template}' is not a file")


def _period(plan: Plan, ask: ReportAsk, day: dt.date | None) -> Period:
    """The period asked, within the plan period; without one, the whole plan period once the
    plan has ended (on the date of the state, or today)."""
    from cas_plan.answers.reporting import final_period, within_plan
    from cas_plan.core.periods import parse_report_period
    from cas_plan.l10n.formats import format_date, format_date_range

    whole = final_period(plan)
    spans = format_date_range(whole.start, whole.end, "en") if whole is not None else ""
    if ask.period is not None or ask.year is not None:
        option = "--period" if ask.period is not None else "--year"
        outside = whole is not None and not whole.start.year <= (ask.year or 0) <= whole.end.year
        if ask.year is not None and whole is not None and outside:
            raise UsageError(f"--year {ask.year} is outside the plan period ({spans})")
        period = parse_report_period(ask.period or str(ask.year), option)
        if whole is not None and (period.end < whole.start or period.start > whole.end):
            raise UsageError(f"{option} {period.text} is outside the plan period ({spans})")
        return within_plan(plan, period)
    if whole is None:
        raise UsageError("give the report's period: --period 2018-H1, 2018 or 2017..2020")
    if (day or dt.date.today()) < whole.end:
        raise UsageError(
            f"give the report's period (--period 2018-H1, 2018 or {whole.text}): the plan runs "
            f"until {format_date(whole.end, 'en')}, so there is no final report yet"
        )
    return whole


def _state_day(period: Period, day: dt.date | None) -> dt.date:
    """The date of the state: a day of the period, its last day by default."""
    if day is None:
        return period.end
    if day not in period:
        from cas_plan.l10n.formats import format_date_range

        days = format_date_range(period.start, period.end, "en")
        raise UsageError(
            f"--as-of {day} is not in the period {period.text} ({days}); a report takes the "
            "state on a day of its period"
        )
    return day


def _late(deadline: ReportDeadline | None, made: dt.date) -> list[str]:
    """A warning when the report is made after the day it was due to the Government."""
    if deadline is None or made <= deadline.due:
        return []
    from cas_plan.l10n.formats import format_date, plural

    late = plural((made - deadline.due).days, "days_late", "en")
    return [
        f"the report on {deadline.period.text} was due on {format_date(deadline.due, 'en')} (see "
        f"casplan due --reports); it is made on {format_date(made, 'en')}, {late}"
    ]


def _write(out: Path, data: bytes) -> str:
    from cas_plan.core.outputs import write_file
    from cas_plan.output.messages import lines_text

    try:
        write_file(out, data)
    except OSError as exc:
        raise system_problem(exc) from None
    return lines_text([f"wrote {out}"])
