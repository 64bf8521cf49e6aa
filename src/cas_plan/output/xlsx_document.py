"""The plan as the document it came from (`answers.document`, built by `publish.document`) as
an Excel workbook.

The first sheet is the document: its title and introduction above the source's table, whose
merged cells are Excel's (`merge_cells`, a goal's row across every column); printed on A4
landscape, one page wide, the header row on every page (print titles). A changed cell is rich
text: the earlier text struck through, the text in force underlined, the notes' numbers raised;
the second sheet lists the decisions by their numbers. Cells are text (a title starting with
"=" never runs); the same document gives the same bytes (`output.xlsx.workbook_bytes`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from openpyxl.cell.cell import Cell as SheetCell
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cas_plan.answers.document import Cell, PlanDocument
from cas_plan.output.xlsx import (
    HEADER_FILL,
    Column,
    Sheet,
    add_table_sheet,
    cell_at,
    fit_for_print,
    new_workbook,
    set_text,
    sheet_title,
    text_lines,
    visible_text,
    workbook_bytes,
)

# measure, activity, indicators, responsible, funds, due: in characters
WIDTHS = (24, 40, 40, 28, 28, 16)
LINE_HEIGHT = 12.75  # points, a line of the table's 10-point text
WRAP = Alignment(wrap_text=True, vertical="top")
THIN = Side(style="thin", color="FF8C959F")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def document_xlsx(document: PlanDocument) -> bytes:
    """The bytes of the .xlsx file."""
    as_of = document.as_of
    workbook = new_workbook(
        title=document.title, metadata=None, when=dt.datetime(as_of.year, as_of.month, as_of.day)
    )
    sheet: Worksheet = workbook.create_sheet(sheet_title(document.words["activities"]))
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    header = _front(sheet, document) + 1
    for column, text in enumerate(document.headers, start=1):
        set_text(cell_at(sheet, header, column), text)
    for column in range(1, len(WIDTHS) + 1):
        cell = cell_at(sheet, header, column)
        cell.font, cell.alignment, cell.fill, cell.border = Font(bold=True), WRAP, HEADER_FILL, GRID
    _table(sheet, document, header + 1)
    fit_for_print(sheet)
    sheet.print_title_rows = f"{header}:{header}"
    sheet.freeze_panes = f"A{header + 1}"
    w = document.words
    decisions = Sheet(
        w["decisions"],
        (
            Column(w["note"], "integer"),
            Column(w["decision"], "text"),
            Column(w["date"], "date"),
            Column(w["reason"], "text"),
        ),
        [[note.number, note.decision, note.date, note.reason] for note in document.notes],
    )
    add_table_sheet(workbook, decisions, [sheet.title])
    return workbook_bytes(workbook)


def _front(sheet: Worksheet, document: PlanDocument) -> int:
    """The title, the date it is in force on, what the marks mean and the introduction's goals,
    a row each across the table's width; the last row used (a blank one after them)."""
    lines: list[tuple[str, Font | None]] = [(document.title, Font(bold=True, size=14))]
    if document.institution:
        lines.append((document.institution, None))
    lines += [(document.in_force, Font(bold=True)), (document.marked, None)]
    if document.untranslated:
        lines.append((document.untranslated, None))
    lines.append((document.goals_intro, None))
    lines += [(f"{number}. {goal}", None) for number, goal in document.goal_list]
    for row, (text, font) in enumerate(lines, start=1):
        cell = cell_at(sheet, row, 1)
        set_text(cell, text)
        cell.alignment = WRAP
        if font is not None:
            cell.font = font
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(WIDTHS))
        _height(sheet, row, text_lines(visible_text(text), sum(WIDTHS)))
    return len(lines) + 1


def _table(sheet: Worksheet, document: PlanDocument, first: int) -> None:
    """Each goal's row and its activities' rows from row `first` on, merged as the source."""
    row = first
    needs: dict[int, int] = {}  # the lines each row needs for the cells of that row alone
    spans: list[tuple[int, int, int]] = []  # first row, rows, lines: the merged cells
    for goal in document.goals:
        cell = cell_at(sheet, row, 1)
        set_text(cell, goal.heading)
        cell.font, cell.alignment, cell.border = Font(bold=True), WRAP, GRID
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(WIDTHS))
        needs[row] = text_lines(visible_text(goal.heading), sum(WIDTHS))
        row += 1
        for activity in goal.rows:
            needs.setdefault(row, 1)
            for column, value in enumerate(activity.cells, start=1):
                if value is None:
                    continue
                target = cell_at(sheet, row, column)
                _put(target, value)
                target.alignment, target.border = WRAP, GRID  # before merging: it copies them
                lines = _text_lines(value, WIDTHS[column - 1])
                if value.rows > 1:
                    last = row + value.rows - 1
                    sheet.merge_cells(
                        start_row=row, start_column=column, end_row=last, end_column=column
                    )
                    spans.append((row, value.rows, lines))
                else:
                    needs[row] = max(needs[row], lines)
            row += 1
    for start, count, lines in spans:  # a merged cell's lines beyond its rows': to its last row
        short = lines - sum(needs.get(r, 1) for r in range(start, start + count))
        if short > 0:
            needs[start + count - 1] = needs.get(start + count - 1, 1) + short
    for number, lines in needs.items():
        _height(sheet, number, lines)


def _height(sheet: Worksheet, row: int, lines: int) -> None:
    """Excel and LibreOffice do not grow a row for wrapped text when they open a file."""
    if lines > 1:
        sheet.row_dimensions[row].height = min(409, LINE_HEIGHT * lines + 2)


def _text_lines(cell: Cell, width: int) -> int:
    return text_lines(_plain(cell), width)


def _plain(cell: Cell) -> str:
    """The cell's text as the reader sees it, marks aside (for its height)."""
    parts = [f"({cell.label}) " if cell.label else ""]
    if cell.old is not None:
        parts.append("\n".join(cell.old) + "\n")
    parts.append("\n".join(cell.lines))
    if cell.notes:
        parts.append(",".join(str(n) for n in cell.notes))
    return visible_text("".join(parts))


def _put(target: SheetCell, cell: Cell) -> None:
    """The cell's text: plain text when nothing marks it, else rich text (struck through,
    underlined, raised note numbers)."""
    marked = cell.label or cell.old is not None or cell.notes or cell.struck or cell.inserted
    if not marked:
        set_text(target, "\n".join(cell.lines))
        return
    blocks: list[TextBlock | str] = []
    if cell.label:
        blocks.append(TextBlock(InlineFont(i=True), visible_text(f"({cell.label}) ")))
    if cell.old is not None:
        blocks.append(TextBlock(InlineFont(strike=True), _joined(cell.old)))
        blocks.append("\n")
    if cell.lines:
        font = InlineFont(strike=True) if cell.struck else InlineFont(u="single")
        blocks.append(TextBlock(font, _joined(cell.lines)))
    if cell.notes:
        raised = InlineFont(vertAlign="superscript")
        blocks.append(TextBlock(raised, ",".join(str(n) for n in cell.notes)))
    target.value = CellRichText(blocks)


def _joined(lines: Sequence[str]) -> str:
    return visible_text("\n".join(lines))
