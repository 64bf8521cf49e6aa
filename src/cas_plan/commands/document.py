"""`casplan document`: the plan as the document it came from (the consolidated text)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cas_plan.commands.choices import DocumentFormat
from cas_plan.commands.common import Outcome, PlanOptions, load_for_query, parse_date
from cas_plan.core.errors import UsageError, system_problem
from cas_plan.l10n.languages import Language

if TYPE_CHECKING:
    from cas_plan.answers.document import PlanDocument

_FILES = (DocumentFormat.DOCX, DocumentFormat.XLSX)  # formats that are files, never printed


def document(
    options: PlanOptions,
    as_of: str | None,
    since: str | None,
    output_format: DocumentFormat,
    lang: Language,
    out: Path | None,
) -> Outcome:
    """The plan in the source's table layout as in force on a date, amendments since a date
    marked: Word, Excel, HTML or Markdown."""
    from cas_plan.core.outputs import output_file
    from cas_plan.publish.document import adopted_on, build_document

    if output_format in _FILES and out is None:
        raise UsageError(f"--format {output_format}: give the file to write with --out FILE")
    if out is not None:
        output_file(out, "--out", options.directory()[0])
    day = parse_date(as_of, "--as-of")
    start = parse_date(since, "--since") if since is not None else None
    if start is not None and start > day:
        raise UsageError(f"--since {start} is after --as-of {day}: give a date on or before it")
    plan = load_for_query(options, day)
    start = start or min(adopted_on(plan), day)
    made = _made(build_document(plan, day, start, str(lang)), output_format)
    if out is None:
        assert isinstance(made, str)
        return Outcome(made)
    return _written(out, made.encode("utf-8") if isinstance(made, str) else made)


def _made(plan_document: PlanDocument, output_format: DocumentFormat) -> str | bytes:
    """The document in the format: bytes of a file, or text."""
    from cas_plan.publish.document import render

    if output_format == DocumentFormat.DOCX:
        from cas_plan.output.docx_document import document_docx

        return document_docx(plan_document)
    if output_format == DocumentFormat.XLSX:
        from cas_plan.output.xlsx_document import document_xlsx

        return document_xlsx(plan_document)
    text = render(plan_document, "html" if output_format == DocumentFormat.HTML else "md")
    return text if text.endswith("\n") else text + "\n"


def _written(out: Path, data: bytes) -> Outcome:
    from cas_plan.core.outputs import write_file
    from cas_plan.output.messages import lines_text

    try:
        write_file(out, data)
    except OSError as exc:
        raise system_problem(exc) from None
    return Outcome(lines_text([f"wrote {out}"]))
