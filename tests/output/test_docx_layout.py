# ruff: noqa: RUF001  (Serbian Cyrillic text, as printed)
"""The Word report's layout as a reader gets it: the annex on landscape pages, the contents as a
TOC field, the cover rows of md and html, numbers right-aligned, and columns wide enough that no
id, date, amount or header word breaks inside; read back with python-docx, and (where LibreOffice
is installed) through LibreOffice's PDF: its text (`pdftotext -layout`) and its page sizes."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from plans import REAL_PLAN, git, lived_plan_files, report_year_files, translated_files, write_plan

docx = pytest.importorskip("docx")

from cas_plan.output import word  # noqa: E402  (after the skip: python-docx is needed)

NBSP = "\N{NO-BREAK SPACE}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def plan(tmp_path):
    return write_plan(tmp_path / "plan", report_year_files())


def write_report(invoke, plan: Path, out: Path, lang: str = "en", period: str = "2018") -> Path:
    result = invoke(
        "report", "--plan", str(plan), "--period", period, "--format", "docx", "--out", str(out),
        "--lang", lang,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def test_text_widths_are_arials():
    # 3.5.1.7: four digits of 556 and three full stops of 278 thousandths of an em, at 8 pt
    assert word.text_width("3.5.1.7") == pytest.approx((4 * 556 + 3 * 278) / 1000 * 8 * 2.54 / 72)
    assert word.text_width("Ш", bold=True) > word.text_width("Ш") > word.text_width("ш")
    assert word.text_width("\u4e00") == pytest.approx(8 * 2.54 / 72)  # unknown: a full em


def test_widths_keep_whole_values_and_header_words_whole():
    columns = [
        word.Column("Id", "whole"),
        word.Column("Activity"),
        word.Column("Realizovano sa zakašnjenjem", "number"),
    ]
    rows = [["3.5.1.10", "A long title " * 20, "12 (100%)"]]
    widths = word.fitted_widths(columns, rows, 17.0)
    assert sum(widths) == pytest.approx(17.0)
    margins = 2 * word.CELL_MARGIN
    assert widths[0] - margins > word.text_width("3.5.1.10")
    assert widths[2] - margins > word.text_width("zakašnjenjem", bold=True)
    assert widths[2] - margins > word.text_width("12 (100%)")
    assert widths[1] > widths[0] + widths[2]  # the rest goes to the text
    # a column that wants little gets what it wants; the table still spans the width
    narrow = word.fitted_widths([word.Column("A"), word.Column("B", "number")], [["x", "1"]], 10)
    assert sum(narrow) == pytest.approx(10)


def test_sections_contents_cover_and_alignment(invoke, plan, tmp_path):
    document = docx.Document(str(write_report(invoke, plan, tmp_path / "r.docx")))
    portrait, landscape = document.sections
    assert portrait.orientation == docx.enum.section.WD_ORIENT.PORTRAIT
    assert (round(portrait.page_width.cm, 1), round(portrait.page_height.cm, 1)) == (21.0, 29.7)
    assert landscape.orientation == docx.enum.section.WD_ORIENT.LANDSCAPE
    assert (round(landscape.page_width.cm, 1), round(landscape.page_height.cm, 1)) == (29.7, 21.0)
    assert landscape.start_type == docx.enum.section.WD_SECTION.NEW_PAGE
    body = document.element.body
    # the annex is the landscape section: its heading comes after the portrait section's end
    paragraphs = list(body.iter(f"{W}p"))
    ends = [i for i, p in enumerate(paragraphs) if p.find(f"{W}pPr/{W}sectPr") is not None]
    annex = max(i for i, p in enumerate(paragraphs) if "".join(p.itertext()).startswith("6. "))
    assert ends == [annex - 1]
    # the contents: a TOC field over the headings of levels 1 and 2, linked to their bookmarks
    codes = [node.text for node in body.iter(f"{W}instrText")]
    assert codes == [' TOC \\o "1-2" \\h \\z \\u ']
    entries = [p.text for p in document.paragraphs if p.style.name in ("toc 1", "toc 2")]
    headings = [p.text for p in document.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    assert entries == headings
    assert entries[:4] == [
        "1. Executive summary",
        "2. Achievements by goal and measure",
        "Goal 1: First goal",
        "Goal 2: Second goal",
    ]
    anchors = [link.get(f"{W}anchor") for link in body.iter(f"{W}hyperlink")]
    bookmarks = [mark.get(f"{W}name") for mark in body.iter(f"{W}bookmarkStart")]
    assert [a for a in anchors if a] == bookmarks and len(bookmarks) == len(headings)
    assert '<w:updateFields w:val="true"/>' in document.settings.element.xml
    assert [p.text for p in document.paragraphs[:2]] == [
        "Report on the implementation of the Action Plan for 2018",
        "Contents",
    ]
    cover = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert cover == [
        ["Plan", "Test plan (fixture, not the real plan)"],
        ["Plan period", "1 January 2017 – 31 December 2020"],
        ["Reporting period", "1 January – 31 December 2018"],
        ["State as of", "31 December 2018"],
        ["Due to the Government", "30 April 2019"],
        ["Generated from", "not in a git repository, casplan 0.1.0"],
    ]
    figures = document.tables[1]
    assert [c.text for c in figures.rows[2].cells] == ["Completed", "1", "25%"]
    alignments = [c.paragraphs[0].alignment for c in figures.rows[2].cells]
    right = docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    assert alignments == [None, right, right]
    funds = next(t for t in document.tables if t.rows[0].cells[1].text == "Currency")
    assert [c.text for c in funds.rows[2].cells] == [
        "1. First goal",
        "RSD",
        "–",
        f"120,000{NBSP}RSD",
    ]
    assert [c.paragraphs[0].alignment for c in funds.rows[2].cells] == [None, None, right, right]
    for table in document.tables:  # fixed layouts, as wide as the text of their pages
        grid = [int(col.get(f"{W}w")) for col in table._tbl.tblGrid.iter(f"{W}gridCol")]
        assert table._tbl.tblPr.find(f"{W}tblLayout").get(f"{W}type") == "fixed"
        assert 9630 < sum(grid) < 9645 or 14565 < sum(grid) < 14580  # 17 or 25.7 cm


def test_the_institution_and_the_commit_on_the_cover(invoke, tmp_path):
    """The bundled plan names its institution: the cover says it, as md and html do; a plan
    in git names the commit it was made from (the copy is committed here: a CI checkout may be
    a plain folder)."""
    plan = tmp_path / "plan"
    shutil.copytree(REAL_PLAN, plan)
    git(plan, "init", "-q")
    git(plan, "add", "-A")
    git(plan, "commit", "-q", "-m", "plan")
    out = write_report(invoke, plan, tmp_path / "real.docx")
    document = docx.Document(str(out))
    cover = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert cover[1] == ["Institution", "Customs Administration of Serbia (CAS)"]
    assert cover[6][0] == "Generated from"
    assert re.fullmatch(r"commit [0-9a-f]{12}( \(.*\))?, casplan 0\.1\.0", cover[6][1])


# --- through LibreOffice ------------------------------------------------------------------


def to_pdf(tmp_path: Path, *files: Path) -> None:
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, files)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    return [
        (float(w), float(h))
        for w, h in re.findall(r"^Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info, re.MULTILINE)
    ]


def whole(token: str, text: str) -> bool:
    """`token` stands on one line, between spaces or the line's ends."""
    return re.search(rf"(?<!\S){re.escape(token)}(?!\S)", text) is not None


@pytest.mark.slow  # LibreOffice converts three reports
@pytest.mark.skipif(
    shutil.which("soffice") is None or shutil.which("pdftotext") is None,
    reason="LibreOffice or poppler is not installed",
)
def test_through_libreoffice_ids_dates_and_headers_whole_annex_landscape(invoke, tmp_path):
    translated = write_plan(tmp_path / "translated", translated_files())  # the plan's text in sr
    lived = write_plan(tmp_path / "lived", lived_plan_files())  # every kind of period
    reports = [
        write_report(invoke, REAL_PLAN, tmp_path / "real-en.docx"),
        write_report(invoke, REAL_PLAN, tmp_path / "real-sr-Cyrl.docx", "sr-Cyrl"),
        write_report(invoke, translated, tmp_path / "fixture-sr.docx", "sr"),
        write_report(invoke, lived, tmp_path / "lived-h1.docx", period="2018-H1"),
        write_report(invoke, lived, tmp_path / "lived-final.docx", "sr-Cyrl", period="2017..2020"),
    ]
    to_pdf(tmp_path, *reports)
    for report in reports:
        pdf = report.with_suffix(".pdf")
        pages = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout.split("\f")[:-1]
        text = "\n".join(pages)
        document = docx.Document(str(report))
        annex = [table for table in document.tables if len(table.columns) == 8][-1]
        ids = [row.cells[0].text for row in annex.rows[1:]]
        dates = [row.cells[3].text.replace(NBSP, " ") for row in annex.rows[1:]]
        assert ids and dates
        assert [i for i in ids if not whole(i, text)] == [], report.name
        assert [d for d in dates if d and d not in text] == [], report.name
        headers = {
            w for table in document.tables[1:] for c in table.rows[0].cells for w in c.text.split()
        }
        assert sorted(w for w in headers if not whole(w, text)) == [], report.name
        first_annex = max(i for i, page in enumerate(pages) if re.search(r"^[67]\. ", page, re.M))
        sizes = page_sizes(pdf)
        assert len(sizes) == len(pages)
        portrait, landscape = (595.304, 841.89), (841.89, 595.304)
        assert sizes[:first_annex] == [portrait] * first_annex, report.name
        assert sizes[first_annex:] == [landscape] * (len(pages) - first_annex), report.name
    cyrillic = tmp_path / "real-sr-Cyrl.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(cyrillic), "-"], check=True, capture_output=True, text=True
    ).stdout
    for words in ("Ознака", "Реализовано са закашњењем", "Без извештаја"):
        assert all(whole(w, text) for w in words.split()), words
    assert "Садржај" in text and "6. Прилог: активности у извештајном периоду" in text
    serbian = tmp_path / "fixture-sr.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", str(serbian), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "Usvojiti pravilnik" in text and "11 od 24" in text
