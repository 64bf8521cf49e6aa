"""Plan text reaches every output only escaped for its format.

One fixture plan holds the same hostile text in an activity's title, a progress note, an
indicator value, a unit's name, a piece of evidence, an amendment's decision and the plan's
title: HTML (`<img src=x onerror=alert(1)>`), Markdown (`[x](javascript:alert(1))`, `**b**`,
`|`), an ANSI escape (`ESC [31m`; the 8-bit CSI in evidence, which refuses C0 controls) and a
right-to-left override (U+202E). Then every command and format that shows it is run:

- terminal and plain text show the controls as their escapes (`\\x1b`, `\\u202e`);
- Markdown shows the markup as text (`\\<img`, `\\[x\\]`, `\\*\\*b\\*\\*`, `\\|`), no link;
- HTML is autoescaped, with the controls shown as their escapes;
- JSON round-trips the exact text (the controls written as `\\u` escapes);
- CSV and xlsx hold the text as it is (controls made visible where XML cannot hold them) and
  never as a formula; docx holds it with the controls made visible;
- the e-mail drafts' headers are MIME-encoded, their bodies plain text with visible controls.
"""

from __future__ import annotations

import datetime as dt
import email
import re
from email.policy import default
from pathlib import Path

import pytest
from hostile_plan import (
    CORE,
    DECISION,
    EVIDENCE,
    MD_CORE,
    NOTE,
    PLAN_TITLE,
    PLAN_YAML,
    RAW,
    TITLE,
    UNIT,
    VALUE,
    assert_csv,
    assert_html,
    assert_json,
    assert_markdown,
    assert_terminal,
    hostile_files,
    named,
    q,
    run,
    shown,
)
from openpyxl import load_workbook

from plans import git, write_plan


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    return write_plan(tmp_path / "plan", hostile_files())


# --- terminal tables and text --------------------------------------------------------------


@pytest.mark.parametrize("columns", ["60", "400"])
@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (("list",), ()),
        (("due", "--before", "2020-12-31", "--continuous"), ()),
        (("who", "hr-division"), ()),
        (("units",), ()),
        (("budget",), ()),
        (("budget", "--by", "unit", "--year", "2018"), ()),
        (("budget", "--by", "source"), ()),
        (("show", "1.1.1"), (TITLE, NOTE, VALUE, UNIT, EVIDENCE, DECISION)),
        (("show", "1.1"), (TITLE,)),
        (("show", "1"), ()),
        (("followup", "--period", "2018-Q4", "--as-of", "2019-01-10"), (TITLE, UNIT)),
    ],
    ids=named,
)
def test_terminal(invoke, monkeypatch, plan, command, expected, columns):
    monkeypatch.setenv("COLUMNS", columns)
    result = run(invoke, *command, "--plan", str(plan))
    assert_terminal(result.stdout, *expected)
    if columns == "400":  # nothing cut: the text is there, made visible
        assert "\\x1b[31mred\\u202eevil" in result.stdout
    assert not RAW.search(result.stderr)


def test_followup_table_lines(invoke, plan):
    result = run(invoke, "followup", "--plan", str(plan), "--period", "2018-Q4",
                 "--as-of", "2019-01-10")  # fmt: skip
    assert result.stdout.splitlines()[2:5] == [
        f"{shown(UNIT)} (hr-division): 2 of 2 without a report in the period; last report: never",
        f"  1.1.1  31 October 2018 | {shown(TITLE)}",
        f"  1.1.2  continuous | Second {shown(CORE)}",
    ]


# --- markdown ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("due", "--before", "2020-12-31", "--continuous", "--format", "md"),
        ("who", "hr-division", "--format", "md"),
        ("followup", "--period", "2018-Q4", "--as-of", "2019-01-10", "--format", "md"),
        ("report", "--year", "2018"),
    ],
    ids=" ".join,
)
def test_markdown(invoke, plan, command):
    assert_markdown(run(invoke, *command, "--plan", str(plan)).stdout)


def test_followup_markdown_lines(invoke, plan):
    result = run(invoke, "followup", "--plan", str(plan), "--period", "2018-Q4",
                 "--as-of", "2019-01-10", "--format", "md")  # fmt: skip
    assert result.stdout.splitlines()[4:9] == [
        f"## Unit {MD_CORE}",
        "",
        f"Unit {MD_CORE} (hr-division): 2 of 2 without a report in the period; last report: never.",
        "",
        f"- **1.1.1** =1+1 {MD_CORE} (deadline: 31 October 2018)",
    ]


# --- JSON, CSV, ICS, xlsx --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (("list",), (TITLE, UNIT)),
        (("due", "--before", "2020-12-31", "--continuous"), (TITLE, UNIT)),
        (("who", "hr-division"), (TITLE, UNIT)),
        (("units",), (UNIT,)),
        (("budget", "--by", "source"), ("Source " + CORE,)),
        (("show", "1.1.1"), (TITLE, NOTE, VALUE, UNIT, EVIDENCE, DECISION)),
        (("followup", "--period", "2018-Q4", "--as-of", "2019-01-10"), (TITLE, UNIT)),
    ],
    ids=named,
)
def test_json(invoke, plan, command, expected):
    result = run(invoke, *command, "--format", "json", "--plan", str(plan))
    assert_json(result.stdout, *expected)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (("due", "--before", "2020-12-31", "--continuous"), (TITLE, UNIT)),
        (("budget", "--by", "source"), ("Source " + CORE,)),
        (("followup", "--period", "2018-Q4", "--as-of", "2019-01-10"), (TITLE, UNIT)),
    ],
    ids=named,
)
def test_csv(invoke, plan, command, expected):
    result = run(invoke, *command, "--format", "csv", "--plan", str(plan))
    assert_csv(result.stdout, *expected)


def test_ics(invoke, plan):
    result = run(invoke, "due", "--before", "2020-12-31", "--format", "ics", "--plan", str(plan))
    text = result.stdout.replace("\r\n", "\n").replace("\n ", "")  # lines unfolded
    assert not RAW.search(text)
    assert (
        "X-WR-CALNAME:Plan <img src=x onerror=alert(1)> [x](javascript:alert(1)) **b** | " in text
    )
    assert "\\\\x1b[31mred\\\\u202eevil" in text  # the escape, its backslash escaped for ICS


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (("list",), (TITLE, UNIT)),
        (("due", "--before", "2020-12-31", "--continuous"), (TITLE, UNIT)),
        (("who", "hr-division"), (TITLE,)),
        (("budget", "--by", "source"), ("Source " + CORE,)),
    ],
    ids=named,
)
def test_xlsx(invoke, plan, tmp_path, command, expected):
    out = tmp_path / "out.xlsx"
    run(invoke, *command, "--format", "xlsx", "--out", str(out), "--plan", str(plan))
    cells = [cell for ws in load_workbook(out) for row in ws.iter_rows() for cell in row]
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert not any(RAW.search(text) for text in texts)
    for item in expected:
        holding = [cell for cell in cells if cell.value == shown(item)]
        assert holding, (shown(item), texts)
        assert all(cell.data_type == "s" for cell in holding)  # "=1+1 ..." is text, no formula
    assert not any(cell.data_type == "f" for cell in cells)


# --- HTML, docx, site ------------------------------------------------------------------------


def test_report_html(invoke, plan):
    assert_html(
        run(invoke, "report", "--year", "2018", "--format", "html", "--plan", str(plan)).stdout
    )


def test_report_docx(invoke, plan, tmp_path):
    from docx import Document

    out = tmp_path / "report.docx"
    run(invoke, "report", "--year", "2018", "--format", "docx", "--out", str(out),
        "--plan", str(plan))  # fmt: skip
    document = Document(str(out))
    texts = [p.text for p in document.paragraphs]
    texts += [
        p.text
        for table in document.tables
        for row in table.rows
        for cell in row.cells
        for p in cell.paragraphs
    ]
    whole = "\n".join(texts)
    assert not RAW.search(whole)
    for item in (TITLE, NOTE, UNIT, PLAN_TITLE, DECISION):
        assert shown(item) in whole, item


def test_site(invoke, plan, tmp_path):
    out = tmp_path / "site"
    run(invoke, "site", "--out", str(out), "--as-of", "2019-01-10", "--plan", str(plan))
    pages = sorted(out.rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not RAW.search(text), (page, RAW.search(text))
        assert "<img" not in text, page
        assert not re.search(r"href=\"javascript:", text)
    activity = next(page for page in pages if "1.1.1" in page.name)
    assert_html(activity.read_text(encoding="utf-8"))
    # the search index holds the text as the pages show it; neither it nor a unit's calendar
    # holds a control character raw
    index = (out / "search-index.json").read_text(encoding="utf-8")
    assert_json(index, shown(TITLE).lower())
    assert "<img" not in index
    calendar = (out / "units/hr-division.ics").read_text(encoding="utf-8")
    assert not RAW.search(calendar.replace("\r\n", "\n"))


# --- e-mail drafts -------------------------------------------------------------------------


def test_followup_drafts(invoke, plan, tmp_path):
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    result = run(invoke, "followup", "--period", "2018-Q4", "--as-of", "2019-01-10",
                 "--eml", str(drafts), "--plan", str(plan))  # fmt: skip
    assert f"wrote {drafts}/hr-division.eml (to hr@example.org)\n" in result.stderr
    raw = (drafts / "hr-division.eml").read_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii()  # every header encoded (RFC 2047), nothing from the plan raw
    message = email.message_from_bytes(raw, policy=default)
    assert message["To"] == "hr@example.org"
    assert message["Subject"] == (
        f"Progress report for 1 October \N{EN DASH} 31 December 2018: {shown(UNIT)}"
    )
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert not RAW.search(body.replace("\r\n", "\n"))
    assert f"- 1.1.1 {shown(TITLE)} (deadline: 31 October 2018)" in body
    assert f"on '{shown(PLAN_TITLE)}' for 1 October" in body.replace("\n", " ")
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "hr-division.xlsx"


# --- diff ----------------------------------------------------------------------------------


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The hostile plan committed with plain text, then hostile in the working tree."""
    root = tmp_path / "repo"
    plain = {name: text.replace(q(CORE)[1:-1], "plain") for name, text in hostile_files().items()}
    plain["goal-1/measure-1.1.yaml"] = plain["goal-1/measure-1.1.yaml"].split("    progress:")[0]
    write_plan(root / "plan", plain)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "plan")
    write_plan(root / "plan", hostile_files())
    return root / "plan"


def test_diff(invoke, repo):
    text = run(invoke, "diff", "HEAD", "--plan", str(repo)).stdout
    assert_terminal(text, TITLE, NOTE, VALUE, UNIT, DECISION)
    assert (
        f"  * 1.1.1 {shown(TITLE)}: 2018-06-01 in_progress: {shown(NOTE)}; "
        f"Indicator {shown(CORE)}: {shown(VALUE)}; evidence: {shown(EVIDENCE)}\n"
    ) in text
    assert_markdown(run(invoke, "diff", "HEAD", "--plan", str(repo), "--format", "md").stdout)
    record = run(invoke, "diff", "HEAD", "--plan", str(repo), "--format", "json").stdout
    assert_json(record, TITLE, NOTE, VALUE, UNIT, EVIDENCE, DECISION)


# --- messages: collect, import, progress, amend, validate ----------------------------------


def test_collect_and_import_messages(invoke, plan, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = run(invoke, "collect", "--period", "2018-Q4", "--out", str(out), "--plan", str(plan))
    assert result.stdout == f"wrote {out}/hr-division.xlsx ({shown(UNIT)}: 2 activities)\n"
    book = out / "hr-division.xlsx"
    wb = load_workbook(book)
    ws = wb["Activities"]
    assert ws["B2"].value == shown(TITLE) and ws["B2"].data_type == "s"
    # a cell cannot hold ESC: the unit's note has the rest
    ws["H2"], ws["I2"], ws["J2"] = "completed", dt.datetime(2018, 11, 30), NOTE.replace("\x1b", "")
    hostile_name = out / "hr\x1b[31m\u202e.xlsx"
    wb.save(hostile_name)
    result = run(invoke, "import", "--dry-run", str(hostile_name), "--plan", str(plan))
    assert_terminal(result.stdout)
    assert "hr\\x1b[31m\\u202e.xlsx: 1 row to add\n" in result.stdout

    # a unit id and a plan title from the workbook, echoed in the problems
    meta = wb["casplan"]
    for row in meta.iter_rows(min_row=2):
        if row[0].value == "unit_id":
            row[1].value = "hr\x9b2J\u202e"  # a cell cannot hold ESC; CSI is its 8-bit form
    wb.save(book)
    result = run(invoke, "import", str(book), "--plan", str(plan), code=1)
    assert_terminal(result.stderr)
    assert "'hr\\x9b2J\\u202e' is not a unit of organization.yaml" in result.stderr

    other = write_plan(tmp_path / "other", hostile_files() | {"plan.yaml": PLAN_YAML.replace(
        "end: 2020-12-31", "end: 2021-12-31")})  # fmt: skip
    result = run(invoke, "import", str(hostile_name), "--plan", str(other), code=1)
    assert_terminal(result.stderr, PLAN_TITLE)


def test_progress_and_amend_messages(invoke, plan):
    result = run(invoke, "progress", "1.1.2", "--status", "in_progress", "--date", "2018-11-01",
                 "--note", NOTE, "--evidence", EVIDENCE, "--plan", str(plan))  # fmt: skip
    assert_terminal(result.stdout)
    assert "red" in result.stdout
    result = run(invoke, "amend", "1.2.1", "--decision", "Second " + DECISION, "--date", "2018-12-01",
                 "--title", TITLE, "--plan", str(plan))  # fmt: skip
    assert_terminal(result.stdout)
    assert (
        f"recorded amendment amendment-2018-12-01 (Second {shown(DECISION)}, adopted"
        in result.stdout
    )


def test_validate_excerpts(invoke, tmp_path):
    files = hostile_files()
    files["goal-1/measure-1.1.yaml"] = files["goal-1/measure-1.1.yaml"].replace(
        "    due: continuous", f"    due: continuous\n    titel: {CORE}"
    )
    plan = write_plan(tmp_path / "plan", files)
    for output_format in ("text", "github", "json"):
        result = run(invoke, "validate", "--format", output_format, "--plan", str(plan), code=1)
        assert not RAW.search(result.stdout), (output_format, result.stdout)
    result = run(invoke, "validate", "--plan", str(plan), code=1)
    assert shown(CORE).replace("\\x1b", "") in result.stdout.replace("\\x1b", "")
