"""`casplan document` shows hostile plan text (the fixture of test_plan_text_everywhere: HTML,
Markdown, an ANSI escape, a right-to-left override, a title that starts like a formula) only
escaped for its format, in every format, also inside the marks of an amendment and its note."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document
from hostile_plan import (
    DECISION,
    PLAN_TITLE,
    RAW,
    TITLE,
    UNIT,
    assert_html,
    assert_markdown,
    hostile_files,
    run,
    shown,
)
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText

from plans import write_plan


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    return write_plan(tmp_path / "plan", hostile_files())


def test_markdown_and_html(invoke, plan):
    args = ("document", "--as-of", "2019-01-10", "--plan", str(plan))
    markdown = run(invoke, *args).stdout
    assert_markdown(markdown)
    assert "~~30 September 2018~~ <ins>31 October 2018</ins>[^1]" in markdown
    assert_html(run(invoke, *args, "--format", "html").stdout)


def test_word(invoke, plan, tmp_path):
    out = tmp_path / "plan.docx"
    run(invoke, "document", "--as-of", "2019-01-10", "--format", "docx", "--out", str(out),
        "--plan", str(plan))  # fmt: skip
    document = Document(str(out))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for row in document.tables[0].rows for cell in row.cells]
    whole = "\n".join(texts)
    assert not RAW.search(whole)
    for item in (TITLE, UNIT, PLAN_TITLE, DECISION):
        assert shown(item) in whole, item


def test_excel(invoke, plan, tmp_path):
    out = tmp_path / "plan.xlsx"
    run(invoke, "document", "--as-of", "2019-01-10", "--format", "xlsx", "--out", str(out),
        "--plan", str(plan))  # fmt: skip
    cells = [
        cell for ws in load_workbook(out, rich_text=True) for row in ws.iter_rows() for cell in row
    ]
    texts = [str(cell.value) for cell in cells if isinstance(cell.value, str | CellRichText)]
    assert not any(RAW.search(text) for text in texts)
    assert not any(cell.data_type == "f" for cell in cells)  # "=1+1 ..." stays text
    assert f"1.1.1 {shown(TITLE)}" in texts
    for item in (UNIT, PLAN_TITLE, DECISION):
        assert any(shown(item) in text for text in texts), item
