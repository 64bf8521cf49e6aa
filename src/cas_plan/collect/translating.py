"""The translations workbook: the plan's texts still to translate into a language (never
translated, or stale: the English changed since), written for a translator (`casplan
translations --format xlsx`) and read back by `casplan import`, each problem at its cell
(`FILE:SHEET!F12: message`), as the progress workbooks are.

The sheet shows each text's id, which text it is, the English, its digest and the translation
it has now (a stale one), locked; the translator writes in the one open column. What the
workbook was made from (the plan, the language, each row's key and digest) is stored in the
hidden sheet and the document's properties, as `collect.sheet` stores a progress workbook's.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cas_plan.collect.cells import CellRead, RowCells, extent, is_blank, sheet_rows
from cas_plan.collect.limits import MAX_CELL_CHARS, extent_problem
from cas_plan.collect.read import headers_match, read_meta_entries, within_extent
from cas_plan.collect.rows import Problems, quoted
from cas_plan.collect.sheet import FORMAT_VERSION, META_SHEET, as_properties
from cas_plan.collect.workbooks import plan_identity
from cas_plan.collect.write import add_meta_sheet
from cas_plan.core import layout
from cas_plan.core.diagnostics import HIDDEN
from cas_plan.core.loader import Plan
from cas_plan.core.translations import TextKey, plan_texts, text_digest
from cas_plan.edit.translations import NewTranslation
from cas_plan.l10n.phrases import surface_words
from cas_plan.l10n.plan_text import Translator
from cas_plan.output.xlsx import (
    cell_at,
    fit_row_heights,
    fit_width,
    new_workbook,
    set_text,
    style_header,
    visible_text,
    workbook_bytes,
)

WORKBOOK = "translations"  # the metadata's `workbook`: a progress workbook has none
COLUMNS = ("id", "what", "english", "digest", "current", "translation")
LOCKED = COLUMNS[:-1]
OPEN_FILL = PatternFill(fill_type="solid", start_color="FFFFF2CC", end_color="FFFFF2CC")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class ToTranslate:
    """A text of the plan without a translation of its English as it is now; `current` is
    the stale translation it has, if any."""

    key: TextKey
    english: str
    current: str | None


def to_translate(plan: Plan, lang: str) -> list[ToTranslate]:
    """The plan's texts to translate into `lang` (never translated, or stale), in the plan's
    order."""
    translator = Translator.of(plan, lang)
    rows = []
    for text in plan_texts(plan):
        if translator.translated(text.key, text.english) is None:
            stale = translator.table.get(text.key)
            rows.append(ToTranslate(text.key, text.english, stale.text if stale else None))
    return rows


def what(key: TextKey, said: Mapping[str, str]) -> str:
    """Which text a key is, in the workbook's words: "Aktivnost: pokazatelj 2"."""
    kind = said[key.kind] if key.kind in ("plan", "goal", "measure", "activity") else None
    kind = kind or said[f"kind.{key.kind}"]
    if key.indicator is not None:
        return f"{kind}: {said['field.indicator'].format(n=key.indicator)}"
    return f"{kind}: {said[f'field.{key.field}']}"


def key_text(key: TextKey) -> str:
    """A key as the metadata stores it: `activity|1.1.1|indicator 2`."""
    return f"{key.kind}|{key.id}|{key.field}"


def build_translations_workbook(
    plan: Plan, lang: str, rows: Sequence[ToTranslate], commit: str, today: date
) -> bytes:
    """The .xlsx bytes of the workbook of `rows` for a translator into `lang`."""
    said = surface_words(lang, "workbook")
    title, plan_id = plan_identity(plan)
    sheet = said["sheet.texts"][:31]
    headers = [(key, visible_text(said[f"col.{key}"])) for key in COLUMNS]
    entries = [
        ("format", FORMAT_VERSION),
        ("workbook", WORKBOOK),
        ("plan_title", title),
        ("plan_id", plan_id),
        ("commit", commit),
        ("lang", lang),
        ("made_on", today.isoformat()),
        ("sheet", sheet),
        ("columns", " ".join(COLUMNS)),
        *((f"header:{key}", text) for key, text in headers),
        *((f"row:{key_text(row.key)}", text_digest(row.english)) for row in rows),
    ]
    wb = new_workbook(
        title=f"{title}: {lang}",
        metadata=as_properties(entries),
        when=datetime.combine(today, time()),
    )
    ws: Worksheet = wb.create_sheet(sheet)
    add_meta_sheet(wb, entries, {}, [])
    _fill_texts(ws, rows, headers, said)
    _instructions(wb, said, title, sheet, commit, today)
    wb.active = 1
    for each in wb.worksheets:
        each.sheet_view.tabSelected = each.title == sheet
    return workbook_bytes(wb)


def _fill_texts(
    ws: Worksheet,
    rows: Sequence[ToTranslate],
    headers: Sequence[tuple[str, str]],
    said: Mapping[str, str],
) -> None:
    for column, (_, text) in enumerate(headers, start=1):
        set_text(cell_at(ws, 1, column), text)
    style_header(ws, len(headers))
    for number, row in enumerate(rows, start=2):
        values = (
            row.key.id,
            what(row.key, said),
            row.english,
            text_digest(row.english),
            row.current or "",
        )
        for column, value in enumerate(values, start=1):
            cell = cell_at(ws, number, column)
            set_text(cell, value)
            cell.alignment = WRAP_TOP
            cell.protection = Protection(locked=True)
        open_cell = cell_at(ws, number, len(COLUMNS))
        set_text(open_cell, "")
        open_cell.fill = OPEN_FILL
        open_cell.alignment = WRAP_TOP
        open_cell.protection = Protection(locked=False)
    texts = [[r.key.id for r in rows], [what(r.key, said) for r in rows]]
    widths = [fit_width([len(t) for t in column], minimum=8, maximum=30) for column in texts]
    for column, width in enumerate([*widths, 50, 16, 40, 50], start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    fit_row_heights(ws, len(rows) + 1, minimum_lines=2)
    ws.freeze_panes = "C2"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0  # every column on the page
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False


def _instructions(
    wb: Workbook, said: Mapping[str, str], title: str, sheet: str, commit: str, today: date
) -> None:
    ws: Worksheet = wb.create_sheet(said["sheet.instructions"][:31], 0)
    lines = [
        said["tr.title"].format(plan_title=title),
        said["tr.how"].format(sheet=sheet),
        said["instr.made"].format(made_on=today.isoformat(), commit=commit),
    ]
    for row, text in enumerate(lines, start=1):
        cell = cell_at(ws, row, 1)
        set_text(cell, text)
        cell.alignment = WRAP_TOP
        if row == 1:
            cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 100
    fit_row_heights(ws, len(lines))
    ws.protection.sheet = True


# --- reading back ----------------------------------------------------------------------------


@dataclass
class TranslationsImport:
    """A translations workbook judged against the plan: its language, the translations to
    write, and the problems (each `FILE:SHEET!CELL: message`)."""

    shown: str
    lang: str | None = None
    translations: list[NewTranslation] = field(default_factory=list)
    already: int = 0  # rows whose translation the file holds already
    problems: list[str] = field(default_factory=list)


def _workbook(data: bytes) -> Workbook | None:
    """The workbook with its formulas as written (not their results), or None."""
    try:
        return load_workbook(io.BytesIO(data), data_only=False)
    except Exception:  # openpyxl raises many kinds for a broken file; the progress reader names it
        return None


def is_translations_workbook(data: bytes) -> bool:
    """Whether an .xlsx file is a translations workbook (by its hidden metadata sheet), read
    in openpyxl's read-only mode: only that sheet's rows are parsed, and only until found (a
    progress workbook of thousands of rows is not built twice)."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a broken file; the progress reader names it
        return False
    try:
        if META_SHEET not in wb.sheetnames:
            return False
        sheet = wb[META_SHEET]
        if extent_problem(META_SHEET, *extent(sheet)) is not None:
            return False  # the progress reader, which gets it then, names the cell
        rows = sheet.iter_rows(min_row=2, max_col=2, values_only=True)
        return any(len(row) > 1 and row[:2] == ("workbook", WORKBOOK) for row in rows)
    except Exception:  # a broken sheet: the progress reader names it
        return False
    finally:
        wb.close()


def read_translations(data: bytes, shown: str, plan: Plan) -> TranslationsImport:
    """A filled translations workbook judged against the plan (see the module's docstring)."""
    result = TranslationsImport(shown)
    problems = Problems(shown)
    wb = _workbook(data)
    entries = read_meta_entries(wb, problems) if wb is not None else None
    if wb is None or entries is None:
        result.problems = problems.lines or [f"{shown}: cannot be read as an .xlsx workbook"]
        return result
    sheet = entries.get("sheet", "")
    if not _made_for(entries, plan, sheet, wb, problems):
        result.problems = problems.lines
        return result
    result.lang = entries["lang"]
    if not within_extent(wb, sheet, problems):
        result.problems = problems.lines
        return result
    rows = sheet_rows(wb[sheet])
    if headers_match(rows[0], list(COLUMNS), entries, sheet, problems):
        made = _made_rows(entries, surface_words(result.lang, "workbook"))
        english = {text.key: text.english for text in plan_texts(plan)}
        held = Translator.of(plan, result.lang).table
        for row in rows[1:]:
            found = _row(row, wb[sheet], sheet, made, english, problems)
            if found is None:
                continue
            now = held.get(found.key)
            if now is not None and (now.text, now.digest) == (found.text, found.digest):
                result.already += 1
            else:
                result.translations.append(found)
    result.problems = problems.lines
    return result


def _made_for(
    entries: Mapping[str, str], plan: Plan, sheet: str, wb: Workbook, problems: Problems
) -> bool:
    """Whether the workbook is one of this casplan's, made for this plan into a language
    the plan is translated into, with its sheet."""
    place = f"{META_SHEET}!B1"
    if entries.get("format") != FORMAT_VERSION:
        problems.add(
            place,
            f"made in format {quoted(entries.get('format', ''))}; this casplan reads format "
            f"{FORMAT_VERSION}: make the workbook again with this casplan",
        )
        return False
    title, plan_id = plan_identity(plan)
    if entries.get("plan_id") != plan_id:
        made = entries.get("plan_title", "")
        problems.add(None, f"made from another plan ({quoted(made)}), not {quoted(title)}")
        return False
    if entries.get("lang") not in layout.TRANSLATED:
        problems.add(place, f"the language {quoted(entries.get('lang', ''))} is not sr")
        return False
    if sheet not in wb.sheetnames:
        problems.add(None, f"the sheet {quoted(sheet)} is missing; do not remove or rename it")
        return False
    return True


def _made_rows(
    entries: Mapping[str, str], said: Mapping[str, str]
) -> dict[tuple[str, str], tuple[TextKey, str]]:
    """The rows the workbook was made with: (id, which text) as the sheet shows them -> the
    text's key and the digest of its English then."""
    made = {}
    for name, digest in entries.items():
        if name.startswith("row:"):
            kind, identifier, field_name = name.removeprefix("row:").split("|", 2)
            key = TextKey(kind, identifier, field_name)
            made[(identifier, what(key, said))] = (key, digest)
    return made


def _row(
    row: RowCells,
    ws: Worksheet,
    sheet: str,
    made: Mapping[tuple[str, str], tuple[TextKey, str]],
    english: Mapping[TextKey, str],
    problems: Problems,
) -> NewTranslation | None:
    """One row's translation, or None (empty, or a problem named at its cell)."""
    cells = dict(zip(COLUMNS, row.cells, strict=False))
    written = cells.get("translation")
    if written is None or is_blank(written.value):
        return None
    where = {key: f"{sheet}!{cell.ref}" for key, cell in cells.items()}
    if not _typed(written, ws[written.ref].data_type, where["translation"], problems):
        return None
    text = _text(written, where["translation"], problems)
    identifier, which = (_plain(cells.get(k)) for k in ("id", "what"))
    if (identifier, which) not in made:
        problems.add(
            where["id"],
            f"{quoted(identifier)} {quoted(which)} is not a text this workbook was made with; "
            "do not change the id and text columns",
        )
        return None
    key, digest = made[(identifier, which)]
    shown_digest = _plain(cells.get("digest"))
    if shown_digest != digest:
        problems.add(
            where["digest"],
            f"the digest is {quoted(shown_digest)}, not {quoted(digest)} as the workbook was "
            "made; do not change it",
        )
        return None
    now = english.get(key)
    if now is None or text_digest(now) != digest:
        problems.add(
            where["id"],
            f"the English of {key} changed since the workbook was made; make a new workbook "
            "(casplan translations --format xlsx)",
        )
        return None
    return NewTranslation(key, text, digest) if text is not None else None


def _plain(cell: CellRead | None) -> str:
    value = None if cell is None else cell.value
    return "" if value is None else str(value).strip()


def _typed(cell: CellRead, data_type: str, where: str, problems: Problems) -> bool:
    """Whether the cell holds what a translator typed: not a formula nor an error value
    (`#N/A`, which would be taken as the translation), and no more than a cell holds."""
    if data_type == "f":
        problems.add(
            where, f"is a formula ({quoted(str(cell.value))}); write the translation as text"
        )
    elif data_type == "e":
        problems.add(
            where, f"holds the error value {quoted(str(cell.value))}; write the translation as text"
        )
    elif isinstance(cell.value, str) and len(cell.value) > MAX_CELL_CHARS:
        problems.add(
            where,
            f"the cell holds {len(cell.value):,} characters, over the {MAX_CELL_CHARS:,} a cell "
            "may hold; shorten it",
        )
    else:
        return True
    return False


def _text(cell: CellRead, where: str, problems: Problems) -> str | None:
    """The translation a cell holds: text on one line, in Latin script."""
    value = cell.value
    if not isinstance(value, str | int):
        problems.add(where, f"holds {quoted(str(value))}, not text; write the translation")
        return None
    text = " ".join(str(value).split())
    if HIDDEN.search(text):
        problems.add(where, f"{quoted(text)} holds a control character; write plain text")
        return None
    if any("\u0400" <= char <= "\u04ff" for char in text):
        problems.add(
            where, "is in Cyrillic; write Serbian in Latin script (Cyrillic is made from it)"
        )
        return None
    return text
