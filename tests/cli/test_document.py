"""`casplan document`: the Word and Excel files read back (merged cells spanning the source's
rows, every activity and indicator, the marks of an amended fixture), LibreOffice's PDF of the
Word file, the same bytes twice, and the refusals."""

from __future__ import annotations

import html
import re
import shutil
import subprocess

import pytest
from document_fixture import amended_files, expected_spans
from docx import Document
from docx.oxml.ns import qn
from docx.table import _Cell
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText

from cas_plan.core.views import CELLS
from plans import REAL_PLAN, load, write_plan

COLUMNS = ("measure", "activity", *CELLS)


@pytest.fixture
def amended(tmp_path):
    return write_plan(tmp_path / "plan", amended_files())


def write(invoke, plan, out, *options: str) -> None:
    result = invoke("document", "--plan", str(plan), "--out", str(out), *options)
    assert (result.exit_code, result.output) == (0, f"wrote {out}\n")


def expected_grid(plan):
    """Per activity row of the plan (in order), per column, the rows its cell spans (0: a cell
    above spans over it), from the measure files alone."""
    spans = expected_spans(plan)
    grid = []
    for measure in sorted(plan.measures, key=lambda m: [int(p) for p in m.model.id.split(".")]):
        views = [view for view in plan.views if view.measure_id == measure.model.id]
        for index, view in enumerate(views):
            row = [len(views) if index == 0 else 0, 1]
            row += [spans.get((view.id, cell), 0) for cell in CELLS]
            grid.append(row)
    return grid


# --- Word -----------------------------------------------------------------------------------


def docx_table(path):
    """The table of a .docx: the goal rows' texts, and per activity row its cells as
    (text, rows spanned), a cell that a merged cell above covers as None."""
    table = Document(path).tables[0]
    goals, rows = [], []
    for tr in table._tbl.tr_lst[1:]:
        tcs = tr.tc_lst
        if len(tcs) == 1:
            assert tcs[0].grid_span == 6
            goals.append(_Cell(tcs[0], table).text)
            continue
        rows.append(tcs)
    grid = [[None] * 6 for _ in rows]
    for column in range(6):
        start = None
        for index, tcs in enumerate(rows):
            tc = tcs[column]
            if tc.vMerge == "continue":
                text, span = grid[start][column]
                grid[start][column] = (text, span + 1)
            else:
                assert tc.vMerge in (None, "restart")
                start = index
                grid[index][column] = (_Cell(tc, table).text, 1)
    return table, goals, grid


def test_the_word_file_of_the_bundled_plan(invoke, tmp_path):
    out = tmp_path / "plan.docx"
    write(invoke, REAL_PLAN, out, "--format", "docx", "--as-of", "2018-12-31")
    plan = load(REAL_PLAN).plan
    table, goals, grid = docx_table(out)
    assert goals == [goal.model.title_as_written for goal in plan.goals]
    spans = [[cell[1] if cell else 0 for cell in row] for row in grid]
    assert spans == expected_grid(plan)
    for view, row in zip(plan.views, grid, strict=True):
        activity = view.activity
        expected = activity.title if activity.unnumbered else f"{view.id} {activity.title}"
        assert row[1][0] == expected
        items = [i.text for i in activity.indicators.items] if activity.indicators else []
        if items:
            lines = [f"- {item}" for item in items] if len(items) > 1 else items
            assert row[2][0] == "\n".join(lines), view.id
    header = table._tbl.tr_lst[0]
    assert header.trPr.find(qn("w:tblHeader")).get(qn("w:val")) == "true"
    assert [_Cell(tc, table).text for tc in header.tc_lst] == [
        "Measure",
        "Activities",
        "Indicators",
        "Responsible org. unit/person",
        "Indicative funds, total",
        "Due date",
    ]
    section = Document(out).sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (29.7, 21.0)


def runs_of(cell):
    """A cell's runs as (text, marks), a line break as '\\n'."""
    out = []
    for run in cell.paragraphs[0].runs:
        marks = {
            m for m in ("strike", "underline", "superscript", "italic") if getattr(run.font, m)
        }
        out.append((run.text, "+".join(sorted(marks))))
    return out


def test_the_word_file_marks_the_amendments(invoke, amended, tmp_path):
    out = tmp_path / "amended.docx"
    write(invoke, amended, out, "--format", "docx", "--as-of", "2019-12-31")
    table, goals, grid = docx_table(out)
    assert goals == ["1. FIRST GOAL", "2. Second goal"]
    body = [tr for tr in table._tbl.tr_lst[1:] if len(tr.tc_lst) == 6]
    due = _Cell(body[0].tc_lst[5], table)
    assert runs_of(due) == [
        ("June 30, 2018", "strike"),
        ("\n", ""),
        ("December 31, 2018", "underline"),
        ("1", "superscript"),
    ]
    assert grid[0][5][1] == 2  # merged over 1.1.1 and 1.1.2, marked once
    cancelled = _Cell(body[2].tc_lst[1], table)
    assert runs_of(cancelled) == [
        ("(cancelled) ", "italic"),
        ("1.1.3 Audit the training", "strike"),
        ("2", "superscript"),
    ]
    added = _Cell(body[3].tc_lst[1], table)
    assert runs_of(added) == [
        ("(added) ", "italic"),
        ("1.1.4 Buy the software", "underline"),
        ("2", "superscript"),
    ]
    paragraphs = [p.text for p in Document(out).paragraphs]
    notes = paragraphs[paragraphs.index("Notes") + 1 :]
    assert notes == [
        "1 Government conclusion 05 br. 021-1234/2018 of 15 June 2018: Deadlines revised",
        "2 Government conclusion 05 br. 021-99/2019 of 1 March 2019",
    ]


# --- Excel ----------------------------------------------------------------------------------


def sheet_layout(path):
    workbook = load_workbook(path, rich_text=True)
    sheet = workbook.worksheets[0]
    header = next(row for row in range(1, 40) if sheet.cell(row, 1).value == "Measure")
    merged = {(r.min_row, r.min_col, r.max_row, r.max_col) for r in sheet.merged_cells.ranges}
    return workbook, sheet, header, merged


def test_the_excel_file_of_the_bundled_plan(invoke, tmp_path):
    out = tmp_path / "plan.xlsx"
    write(invoke, REAL_PLAN, out, "--format", "xlsx", "--as-of", "2018-12-31")
    plan = load(REAL_PLAN).plan
    workbook, sheet, header, merged = sheet_layout(out)
    assert sheet.title == "Activities" and sheet.print_title_rows == f"${header}:${header}"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    expected, row, ids = set(), header + 1, {}
    goal_of = {view.id: view.goal_id for view in plan.views}
    goal = None
    for view, spans in zip(plan.views, expected_grid(plan), strict=True):
        if goal_of[view.id] != goal:
            goal = goal_of[view.id]
            expected.add((row, 1, row, 6))
            row += 1
        ids[view.id] = row
        expected |= {(row, c, row + s - 1, c) for c, s in enumerate(spans, start=1) if s > 1}
        row += 1
    table_merges = {m for m in merged if m[0] > header}
    assert table_merges == expected
    for view in plan.views:
        text = str(sheet.cell(ids[view.id], 2).value)
        assert text.startswith(view.id) or view.activity.unnumbered
    assert workbook.sheetnames == ["Activities", "Decisions"]
    assert sheet.cell(ids["2.1.3"], 5).value == "40,713.020,00 RSD annually for the entire CAS"


def blocks(block):
    """A rich text block as (text, its mark); a plain piece as (text, "")."""
    if isinstance(block, str):
        return block, ""
    font = block.font
    marks = [
        ("strike", font.strike),
        ("u", font.u),
        ("i", font.i),
        (font.vertAlign, font.vertAlign),
    ]
    return block.text, "+".join(name for name, on in marks if on)


def test_the_excel_file_marks_the_amendments(invoke, amended, tmp_path):
    out = tmp_path / "amended.xlsx"
    write(invoke, amended, out, "--format", "xlsx", "--as-of", "2019-12-31")
    workbook, sheet, header, merged = sheet_layout(out)
    first = header + 2  # the goal's row, then 1.1.1
    due = sheet.cell(first, 6).value
    assert isinstance(due, CellRichText)
    assert [blocks(b) for b in due] == [
        ("June 30, 2018", "strike"),
        ("\n", ""),
        ("December 31, 2018", "u"),
        ("1", "superscript"),
    ]
    assert (first, 6, first + 1, 6) in merged
    cancelled = sheet.cell(first + 2, 2).value
    assert [blocks(b) for b in cancelled] == [
        ("(cancelled) ", "i"),
        ("1.1.3 Audit the training", "strike"),
        ("2", "superscript"),
    ]
    decisions = workbook["Decisions"]
    assert [[c.value for c in row] for row in decisions.iter_rows()] == [
        ["Note", "Decision", "Date", "Reason"],
        [1, "05 br. 021-1234/2018", decisions["C2"].value, "Deadlines revised"],
        [2, "05 br. 021-99/2019", decisions["C3"].value, None],
    ]
    assert decisions["C2"].value.date().isoformat() == "2018-06-15"


# --- the same bytes, the refusals -----------------------------------------------------------


@pytest.mark.parametrize("output_format", ["docx", "xlsx", "html", "md"])
def test_the_same_inputs_give_the_same_bytes(invoke, amended, tmp_path, output_format):
    first, second = tmp_path / f"1.{output_format}", tmp_path / f"2.{output_format}"
    for out in (first, second):
        write(invoke, amended, out, "--format", output_format, "--as-of", "2019-12-31")
    assert first.read_bytes() == second.read_bytes()


def test_markdown_and_html_print_without_out(invoke, amended):
    result = invoke("document", "--plan", str(amended), "--as-of", "2019-12-31")
    assert result.exit_code == 0
    assert result.output.startswith("# Test plan (fixture, not the real plan)\n")
    page = invoke("document", "--plan", str(amended), "--format", "html", "--lang", "sr-Cyrl")
    assert page.exit_code == 0 and '<html lang="sr-Cyrl">' in page.output


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            ["--format", "docx"],
            "casplan: error: --format docx: give the file to write with --out FILE\n",
        ),
        (
            ["--format", "xlsx"],
            "casplan: error: --format xlsx: give the file to write with --out FILE\n",
        ),
        (
            ["--as-of", "2018-01-01", "--since", "2019-01-01"],
            "casplan: error: --since 2019-01-01 is after --as-of 2018-01-01: give a date on or "
            "before it\n",
        ),
        (
            ["--since", "2019-02-30"],
            "casplan: error: --since: '2019-02-30' is not a date (expected YYYY-MM-DD, e.g. "
            "2018-12-31)\n",
        ),
    ],
)
def test_refusals(invoke, amended, options, message):
    result = invoke("document", "--plan", str(amended), *options)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


def test_never_into_the_plan(invoke, amended):
    out = amended / "plan.docx"
    result = invoke("document", "--plan", str(amended), "--format", "docx", "--out", str(out))
    assert result.exit_code == 2
    assert "is inside the plan directory" in result.stderr
    assert not out.exists()


# --- through LibreOffice --------------------------------------------------------------------

HEADERS = ("Measure", "Activities", "Indicators", "Responsible", "Indicative", "Due")
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">(.*?)</word>')


def pdf_columns(pdf) -> list[str]:
    """The text of each column of the table, from the words' places on the PDF's pages (the
    header row, repeated on each page, says where each column begins), white space dropped."""
    boxes = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    columns: list[list[tuple[int, float, float, str]]] = [[] for _ in HEADERS]
    pages_with_header = 0
    for number, page in enumerate(boxes.split("<page ")[1:]):
        words = [(float(x), float(y), html.unescape(w)) for x, y, w in WORD.findall(page)]
        tops = [y for x, y, w in words if w == "Measure"]
        heads = {w: x for x, y, w in words if tops and w in HEADERS and abs(y - tops[0]) < 1}
        if len(heads) < len(HEADERS):
            continue
        pages_with_header += 1
        bounds = [heads[h] - 3 for h in HEADERS]
        for x, y, w in words:
            if y > tops[0] + 12:  # below the header row's two lines
                column = max((i for i, b in enumerate(bounds) if x >= b), default=0)
                columns[column].append((number, y, x, w))
    assert pages_with_header > 10  # the header row is repeated on every page of the table
    return ["".join(w for *_, w in sorted(column)) for column in columns]


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftotext")), reason="needs LibreOffice"
)
def test_the_word_file_through_libreoffice(invoke, tmp_path):
    out = tmp_path / "plan.docx"
    write(invoke, REAL_PLAN, out, "--format", "docx", "--as-of", "2018-12-31")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(out),
        ],
        capture_output=True,
        check=True,
        timeout=300,
    )
    pdf = tmp_path / "plan.pdf"
    layout = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Consolidated text as in force on 31 December 2018" in layout
    assert layout.count("Indicative funds, total") > 10
    activities, indicators = pdf_columns(pdf)[1:3]
    missing = []
    for view in load(REAL_PLAN).plan.views:
        activity = view.activity
        title = activity.title if activity.unnumbered else f"{view.id}{activity.title}"
        if "".join(title.split()) not in activities:
            missing.append(view.id)
        for item in view.indicator_texts:
            if "".join(item.split()) not in indicators:
                missing.append(f"{view.id}: {item}")
    assert missing == []


def test_never_through_a_link(invoke, amended, tmp_path):
    target = tmp_path / "elsewhere.docx"
    target.write_bytes(b"kept")
    link = tmp_path / "plan.docx"
    link.symlink_to(target)
    result = invoke("document", "--plan", str(amended), "--format", "docx", "--out", str(link))
    assert result.exit_code == 2
    assert "is a symbolic link; casplan does not write through links" in result.stderr
    assert target.read_bytes() == b"kept"
