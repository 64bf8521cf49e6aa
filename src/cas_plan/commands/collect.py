"""Collecting progress from the units: `collect`, `import` and `followup`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cas_plan.commands.choices import FollowupFormat
from cas_plan.commands.common import (
    Outcome,
    PlanOptions,
    counted,
    find_unit,
    load_for_query,
    nothing_written,
    parse_date,
    warnings_text,
)
from cas_plan.core.errors import ExitCode, UsageError, system_problem
from cas_plan.l10n.languages import Language

if TYPE_CHECKING:
    from cas_plan.answers.followup import Followup
    from cas_plan.collect.judge import FileImport
    from cas_plan.collect.translating import TranslationsImport
    from cas_plan.core.loader import Plan
    from cas_plan.edit.transaction import PlanEdit
    from cas_plan.l10n.deadlines import DeadlineWords


def collect(
    options: PlanOptions, period_text: str, out: Path, unit_queries: Sequence[str], lang: Language
) -> Outcome:
    """One workbook per responsible unit for the activities of a period."""
    from cas_plan.collect.workbooks import collect_workbooks
    from cas_plan.core.outputs import output_folder, write_files
    from cas_plan.core.periods import parse_period
    from cas_plan.core.provenance import git_state
    from cas_plan.output.messages import lines_text

    period = parse_period(period_text)
    today = dt.date.today()
    plan = load_for_query(options, today)
    unit_ids = [find_unit(plan, query) for query in unit_queries]
    root, _ = options.directory()
    output_folder(out, "--out", root)
    commit = git_state(root).commit or "none"
    books = collect_workbooks(plan, period, list(dict.fromkeys(unit_ids)), commit, lang, today)
    write_files(out, {book.file_name: book.data for book in books}, "collect", "--out")
    lines = []
    for book in books:
        target = out / book.file_name
        lines.append(
            f"wrote {target} ({book.unit.name}: {counted(len(book.activity_ids), 'activity')})"
        )
    skipped = [u for u in unit_ids if u not in {book.unit.id for book in books}]
    lines += [f"no activity of {u} is due in {period.text}; no workbook" for u in skipped]
    if not books and not skipped:
        lines.append(f"no activity is due in {period.text}; no workbook")
    return Outcome(lines_text(lines))


def import_workbooks(
    options: PlanOptions, files: Sequence[Path], dry_run: bool, skip_stale: bool = False
) -> Outcome:
    """Append the rows of filled workbooks as progress entries, all or nothing: the workbooks
    are judged against the plan read under its lock, so a `progress` run meanwhile is seen. A
    refusal by the plan's own checks names the workbook's cell, not a line of YAML."""
    from cas_plan.collect.judge import cell_refusal
    from cas_plan.core.history import plan_on
    from cas_plan.core.loader import collecting_garbage
    from cas_plan.edit.transaction import EditRefused, PlanEdit

    missing = [file for file in files if not file.is_file()]
    if missing:
        raise UsageError(f"'{missing[0]}' is not a file")
    today = dt.date.today()
    root, shown = options.directory()
    with collecting_garbage():  # openpyxl's workbooks are cycles of cells and sheets
        texts, progress = _translation_workbooks(files)
    with nothing_written(), PlanEdit.begin(root, shown, today, "import") as edit:
        plan = plan_on(edit.plan, today)
        judged = _judged(plan, progress, skip_stale)
        translated = [_translations_judged(edit.plan, file, data) for file, data in texts]
        problems = [line for result in judged for line in result.problems]
        problems += [line for result in translated for line in result.problems]
        if problems:
            return _refused(problems)
        if translated:
            from cas_plan.edit.translations import record_translations

            for result in translated:
                if result.lang is not None and result.translations:
                    record_translations(edit, result.lang, result.translations)
        try:
            said = _imported(edit, plan, judged, dry_run, translated)
        except EditRefused as refusal:
            placed = [pair for result in judged for pair in result.requests]
            return _refused(cell_refusal(refusal.problems, edit.plan, placed))
        return Outcome(said, warnings_text(edit.warnings))


def _refused(problems: list[str]) -> Outcome:
    from cas_plan.output.messages import lines_text

    return Outcome(
        errors=lines_text(problems)
        + f"casplan: error: {counted(len(problems), 'problem')}; nothing was written\n",
        code=ExitCode.PROBLEMS,
    )


def _translation_workbooks(files: Sequence[Path]) -> tuple[list[tuple[Path, bytes]], list[Path]]:
    """The translations workbooks among `files` (with their bytes), and the others. A file past
    the limits of a filled workbook (`collect.limits`) is never opened here: it goes with the
    others, whose reader refuses it in one line."""
    from cas_plan.collect.limits import file_problem, zip_problems
    from cas_plan.collect.translating import is_translations_workbook

    texts, others = [], []
    for file in files:
        try:
            fits = file.suffix.casefold() == ".xlsx" and file_problem(file, file.name) is None
            data = file.read_bytes() if fits else b""
        except OSError as exc:
            raise system_problem(exc, "read") from None
        if data and not zip_problems(data, file.name) and is_translations_workbook(data):
            texts.append((file, data))
        else:
            others.append(file)
    return texts, others


def _translations_judged(plan: Plan, file: Path, data: bytes) -> TranslationsImport:
    from cas_plan.collect.translating import read_translations

    return read_translations(data, file.name, plan)


def _judged(plan: Plan, files: Sequence[Path], skip_stale: bool) -> list[FileImport]:
    from cas_plan.collect.judge import import_files

    try:
        return import_files(plan, [(file, file.name) for file in files], skip_stale)
    except OSError as exc:
        raise system_problem(exc, "read") from None


def _imported(
    edit: PlanEdit,
    plan: Plan,
    judged: list[FileImport],
    dry_run: bool,
    translated: Sequence[TranslationsImport] = (),
) -> str:
    """Write the rows and the translations (as one change) and say what each file added, and
    skipped."""
    from cas_plan.core import layout
    from cas_plan.core.loader import collecting_garbage
    from cas_plan.edit.progress import add_entries
    from cas_plan.output.messages import lines_text

    lines = [_translations_said(result) for result in translated]
    for result in judged:
        adding, already = len(result.requests), result.already
        if not adding:
            said = f"{counted(already, 'row')} already recorded" if already else "no row filled"
            lines.append(f"{result.shown}: {said}, nothing to add")
        else:
            after = f" ({already} already recorded)" if already else ""
            lines.append(f"{result.shown}: {counted(adding, 'row')} to add{after}")
        lines += [f"{line}; skipped (--skip-stale)" for line in result.skipped]
    requests = [request for result in judged for request, _ in result.requests]
    if requests:
        with collecting_garbage():  # ruamel.yaml's dumper and its nodes are cycles
            add_entries(edit, requests)
    if requests or any(result.translations for result in translated):
        written = edit.finish(dry_run=dry_run, refused="the import")
        paths = {view.id: view.path for view in plan.views}
        by_file: dict[str, list[str]] = {}
        for request in requests:
            by_file.setdefault(paths[request.activity_id], []).append(request.activity_id)
        texts = {plan.show(layout.translations_file(r.lang)): r for r in translated if r.lang}
        for item in written:
            if item.shown in texts:
                count = counted(len(texts[item.shown].translations), "translation")
                lines.append(f"{item.shown}: {'would write' if dry_run else 'wrote'} {count}:")
                lines += item.diff_lines
                continue
            ids = ", ".join(dict.fromkeys(by_file.get(item.shown, [])))
            verb = "would add" if dry_run else "added"
            entries = counted(len(by_file.get(item.shown, [])), "progress_entry")
            lines.append(f"{item.shown}: {verb} {entries} to {ids}:")
            lines += [f"+{line}" for line in item.added_lines]
        if dry_run:
            lines.append("dry run: nothing was written")
    return lines_text(lines)


def _translations_said(result: TranslationsImport) -> str:
    """What a translations workbook brings: "3 translations to write (1 already recorded)"."""
    adding, already = len(result.translations), result.already
    if not adding:
        said = f"{counted(already, 'translation')} already recorded" if already else None
        return f"{result.shown}: {said or 'no translation filled'}, nothing to write"
    after = f" ({already} already recorded)" if already else ""
    return f"{result.shown}: {counted(adding, 'translation')} to write{after}"


def followup(
    options: PlanOptions,
    period_text: str,
    as_of: str | None,
    output_format: FollowupFormat,
    eml: Path | None,
    lang: Language = Language.EN,
) -> Outcome:
    """Per unit, the activities of a period without a report in it; drafts to send. The list,
    the drafts and the workbooks they carry are in `lang`, the plan's text too where it is
    translated (JSON and CSV keep the plan's English: they are records, not reading)."""
    from cas_plan.answers.followup import followup as follow_up
    from cas_plan.core.periods import parse_period
    from cas_plan.l10n.deadlines import DeadlineWords
    from cas_plan.l10n.plan_text import in_language
    from cas_plan.output.messages import lines_text

    period = parse_period(period_text)
    day = parse_date(as_of, "--as-of")
    plan = load_for_query(options, day)
    shown = in_language(plan, lang).plan
    result = follow_up(shown, period, day)
    deadlines = DeadlineWords.of(shown, lang)
    errors = ""
    if eml is not None:
        errors = lines_text(write_drafts(options, plan, shown, result, eml, day, deadlines))
    if output_format == "json":
        from cas_plan.output.json import followup_record, json_text

        return Outcome(json_text(followup_record(follow_up(plan, period, day))), errors)
    if output_format == "csv":
        from cas_plan.output.csv import followup_csv

        return Outcome(followup_csv(follow_up(plan, period, day)), errors)
    if output_format == "md":
        from cas_plan.output.markdown import followup_markdown

        return Outcome(followup_markdown(result, deadlines), errors)
    from cas_plan.output.text import followup_text

    return Outcome(followup_text(result, deadlines), errors)


def write_drafts(
    options: PlanOptions,
    plan: Plan,
    shown: Plan,
    result: Followup,
    eml: Path,
    day: dt.date,
    deadlines: DeadlineWords,
) -> list[str]:
    """An .eml draft, with its workbook attached, for each unit with an activity without a
    report, both in the language of `deadlines` (the plan's text as `shown`), written all or
    none; what was written, as lines to show."""
    from cas_plan.answers.followup import drafts_for
    from cas_plan.collect.workbooks import collect_workbooks
    from cas_plan.core.outputs import output_folder, write_files
    from cas_plan.core.provenance import git_state
    from cas_plan.output.email import draft_message

    root, _ = options.directory()
    output_folder(eml, "--eml", root)
    commit = git_state(root).commit or "none"
    title = shown.title or "casplan"
    drafts = {}
    for item in drafts_for(result):
        unit = [item.unit.id]
        books = collect_workbooks(plan, result.period, unit, commit, deadlines.lang, day)
        book = (books[0].file_name, books[0].data) if books else None
        drafts[f"{item.unit.id}.eml"] = draft_message(item, result.period, title, book, deadlines)
    write_files(eml, drafts, "followup", "--eml")
    lines = []
    for item in drafts_for(result):
        lines.append(
            f"wrote {eml / f'{item.unit.id}.eml'}"
            + (f" (to {item.unit.contact})" if item.unit.contact else "")
        )
        if not item.unit.contact:
            lines.append(
                f"casplan: warning: {item.unit.id} has no contact in organization.yaml; "
                "the draft has no To"
            )
    return lines
