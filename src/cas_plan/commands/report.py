"""`casplan report`: the implementation report in md, html or docx."""

from __future__ import annotations

import datetime as dt
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
    pass


def report(
    options: PlanOptions,
    year: int,
    as_of: str | None,
    template: Path | None,
    output_format: ReportFormat,
    lang: Language,
    *,
    out: Path | None = None,
    strict: bool = False,
) -> Outcome:
    """The yearly implementation report, as Markdown, HTML or Word (docx)."""
    from cas_plan.core.history import plan_on
    from cas_plan.core.provenance import git_state
    from cas_plan.publish.report import build_context, missing_narrative, render, render_pieces

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
    if code != ExitCode.OK:
        return Outcome("", errors, code)
    # the bundled templates are written out as they render; a user's renders whole first, so
    # that a template over its limits prints nothing
    pieces = render_pieces(context, output_format) if template is None else None
    if pieces is None:
        text = render(context, output_format, template)
        pieces = iter([text if text.endswith("\n") else text + "\n"])
    if out is not None:
        from cas_plan.core.safewrite import write_atomically

        try:
            write_atomically(out, (piece.encode("utf-8") for piece in pieces))
        except OSError as exc:
            raise system_problem(exc) from None
        return Outcome(f"wrote {out}\n", errors, code)
    return Outcome(pieces, errors, code)
