"""The plan as the document it came from (`answers.document`, built by `publish.document`) as
a Word document.

A4 landscape; the source's table with its merged cells as Word's (`w:vMerge` down a column,
`w:gridSpan` across a goal's row), the header row repeated on every page (`w:tblHeader`) and no
row split across pages (`w:cantSplit`). A changed cell holds the earlier text struck through
and the text in force underlined; the decisions are a numbered list of notes under the table
(python-docx writes no footnotes, and a Word footnote is referred to once, while one decision
is referred to by every cell it changed), referred to by superscript numbers. The same
document gives the same bytes: dated the date of the state, every zip entry the same time.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell

from cas_plan.answers.document import Cell, PlanDocument
from cas_plan.core.diagnostics import visible
from cas_plan.output import word

# measure, activity, indicators, responsible, funds, due: the 26.7 cm between the margins
WIDTHS = (3.6, 6.3, 6.2, 4.2, 3.9, 2.5)
MARGIN = Cm(1.5)
TABLE_FONT = Pt(8)


def document_docx(plan_document: PlanDocument) -> bytes:
    """The bytes of the .docx file."""
    document = _page(plan_document)
    _front(document, plan_document)
    heading = document.add_heading(visible(plan_document.words["activities"]), level=1)
    heading.paragraph_format.page_break_before = True  # the table starts on a page of its own
    _plan_table(document, plan_document)
    if plan_document.notes:
        document.add_heading(visible(plan_document.words["notes"]), level=2)
        for note in plan_document.notes:
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{note.number}").font.superscript = True
            paragraph.add_run(f" {visible(note.text)}")
    buffer = io.BytesIO()
    document.save(buffer)
    return word.reproducible(buffer.getvalue())


def _page(plan_document: PlanDocument) -> Any:
    """An empty A4 landscape document in the document's language, its page number in the
    footer, dated the date of the state."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = MARGIN
    document.styles["Normal"].font.size = Pt(10)
    word.use_font(document, plan_document.html_lang)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(f"{plan_document.words['page']} ")
    word.field(footer, "PAGE")
    as_of = plan_document.as_of
    stamp = dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC)
    core = document.core_properties
    core.title = visible(plan_document.title)[:255]
    core.author = core.last_modified_by = "casplan"
    core.created = core.modified = core.last_printed = stamp
    core.revision = 1
    core.language = plan_document.html_lang
    return document


def _front(document: Any, plan_document: PlanDocument) -> None:
    """The title, the date it is in force on, what the marks mean, the introduction's goals."""
    document.add_heading(visible(plan_document.title), level=0)
    if plan_document.institution:
        document.add_paragraph(visible(plan_document.institution))
    document.add_paragraph().add_run(plan_document.in_force).bold = True
    document.add_paragraph(plan_document.marked)
    if plan_document.untranslated:
        document.add_paragraph(plan_document.untranslated)
    document.add_heading(visible(plan_document.words["introduction"]), level=1)
    document.add_paragraph(plan_document.goals_intro)
    for number, goal in plan_document.goal_list:
        document.add_paragraph(f"{number}. {visible(goal)}").paragraph_format.left_indent = Cm(0.6)


def _plan_table(document: Any, plan_document: PlanDocument) -> Table:
    """The source's table: the header row, then each goal's row and its activities' rows."""
    table: Table = document.add_table(rows=0, cols=len(WIDTHS))
    table.style = "Table Grid"
    table.autofit = False
    for column, width in zip(table.columns, WIDTHS, strict=True):
        column.width = Cm(width)  # LibreOffice reads the grid, Word the cells: set both
    header = _row(table, header=True)
    for tc, text in zip(header, plan_document.headers, strict=True):
        _write(_Cell(tc, table), [(text, {"bold": True})])
    for goal in plan_document.goals:
        goal_row = _row(table)
        for extra in goal_row[1:]:
            goal_row[0].getparent().remove(extra)
        goal_row[0].grid_span = len(WIDTHS)
        goal_row[0].width = Cm(sum(WIDTHS))
        heading = _Cell(goal_row[0], table)
        _write(heading, [(visible(goal.heading), {"bold": True})])
        heading.paragraphs[0].paragraph_format.keep_with_next = True
        for row in goal.rows:
            tcs = _row(table)
            for tc, cell in zip(tcs, row.cells, strict=True):
                if cell is None:  # a merged cell of a row above covers it
                    tc.vMerge = "continue"
                    continue
                if cell.rows > 1:
                    tc.vMerge = "restart"
                _write(_Cell(tc, table), _runs(cell))
    return table


def _row(table: Table, *, header: bool = False) -> list[Any]:
    """A new row of empty cells of the columns' widths (header: repeated on every page),
    never split across pages; its `w:tc` elements."""
    tr = table._tbl.add_tr()
    properties = tr.get_or_add_trPr()
    if header:
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        properties.append(repeat)
    keep = OxmlElement("w:cantSplit")
    keep.set(qn("w:val"), "true")
    properties.append(keep)
    cells = []
    for width in WIDTHS:
        tc = tr.add_tc()
        tc.width = Cm(width)
        cells.append(tc)
    return cells


Run = tuple[str, dict[str, bool]]
BREAK: Run = ("\n", {})


def _runs(cell: Cell) -> list[Run]:
    """A cell's text as runs: its label, the earlier text struck through, the text in force
    (underlined when changed or added, struck through when cancelled), the notes' numbers."""
    runs: list[Run] = []
    if cell.label:
        runs.append((f"({cell.label}) ", {"italic": True}))
    if cell.old is not None:
        runs += _lines(cell.old, {"strike": True})
        runs.append(BREAK)
    style = {"strike": cell.struck, "underline": cell.inserted and not cell.struck}
    runs += _lines(cell.lines, style)
    if cell.notes:
        runs.append((",".join(str(n) for n in cell.notes), {"superscript": True}))
    return runs


def _lines(lines: Sequence[str], style: dict[str, bool]) -> list[Run]:
    runs: list[Run] = []
    for index, line in enumerate(lines):
        if index:
            runs.append(BREAK)
        runs.append((visible(line), style))
    return runs


def _write(cell: _Cell, runs: Sequence[Run]) -> None:
    """The runs into the cell's paragraph, a line break for each BREAK, in the table's size."""
    paragraph = cell.paragraphs[0]
    for text, style in runs:
        run = paragraph.add_run()
        if text == "\n":
            run.add_break()
            continue
        run.text = text
        run.font.size = TABLE_FONT
        for name, on in style.items():
            if on:
                setattr(run.font, name, True)
