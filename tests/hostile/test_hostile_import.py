"""Filled workbooks and CSV files attacked (`casplan import`), and `collect` against `followup`.

The Audit Department's workbook of 2018-Q4 is made from the bundled plan, then filled as a unit
would or crafted as an attacker would. Every case ends in the exact lines `import` prints, one
per problem, each at its cell (`FILE:Sheet!C12`) or line and column (`FILE:3:2`), exit 1, and
the plan untouched; never a traceback, exit 3 or a MemoryError. The classes:

- values a unit did not type: formulas (with or without a cached result, array formulas), error
  values (`#N/A`, `#DIV/0!`);
- values past their bounds: a cell's text over 32,767 characters, amounts of 30 digits, dates
  before 2000 (a negative serial, 0001-01-01) or after 2100, a correction of such a date;
- the digests of the plan text deleted, and rows whose plan text changed (`--skip-stale`);
- files too big or dangerous to open, refused before they are: a 3 GB sparse file, a shared-
  strings table of 50 MB, a part that inflates a thousandfold, a thousand parts, a document type
  declaration, a cell at XFD1048576;
- CSV files with a NUL byte, a column twice, an unknown column, bytes that are not UTF-8 (and a
  BOM, which is read past);
- the plan's own checks refusing an imported row (a completed continuous activity, an entry
  older than the last, a correction of no report, a day after today): named at the cell;
- text that a YAML 1.1 reader would read as something else, read back the same by PyYAML;
- control characters in a unit id, a plan title or a file name, escaped on the terminal;
- `collect` and `followup` name the same units and activities for any period.
- the translations workbook held to the same rules: formulas, error values, cells too long and
  a cell far away refused at their cell.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula

from cas_plan.collect.read import read_collect_workbook
from plans import REAL_PLAN

AUDIT = "audit-department"
BOOK = f"{AUDIT}.xlsx"
MEASURE_34 = "goal-3/measure-3.4.yaml"
MEASURE_35 = "goal-3/measure-3.5.yaml"
ROWS = {"3.4.1": 3, "3.4.2": 4, "3.4.3": 5, "3.5.1": 6, "3.5.1.1": 7, "3.5.1.2": 8, "3.5.1.3": 9}
ROWS |= {"3.5.1.4": 10, "3.5.1.5": 11, "3.5.1.6": 12, "3.5.1.7": 13}
COLUMNS = {"status": "H", "date": "I", "note": "J", "value1": "K", "value2": "L"}
COLUMNS |= {"evidence": "M", "spent": "N", "currency": "O", "corrects": "P"}
NOTHING = "casplan: error: {} nothing was written\n"


def ended(count: int) -> str:
    return f"casplan: error: {count} problem{'s' if count > 1 else ''}; nothing was written\n"


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """The Audit Department's workbook of 2018-Q4, made once."""
    from typer.testing import CliRunner

    from cas_plan.cli import app

    out = tmp_path_factory.mktemp("made")
    result = CliRunner().invoke(
        app,
        ["collect", "--plan", str(REAL_PLAN), "--period", "2018-Q4", "--unit", AUDIT,
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out / BOOK


@pytest.fixture
def plan(tmp_path) -> Path:
    target = tmp_path / "plan"
    shutil.copytree(REAL_PLAN, target)
    return target


@pytest.fixture
def book(made, tmp_path) -> Path:
    target = tmp_path / "in" / BOOK
    target.parent.mkdir()
    shutil.copy(made, target)
    return target


def fill(path: Path, cells: dict[tuple[str, str], object]) -> Path:
    """{(activity id, field): value} written as a unit would, with openpyxl."""
    wb = load_workbook(path)
    ws = wb["Activities"]
    for (activity, field), value in cells.items():
        ref = f"{COLUMNS[field]}{ROWS[activity]}"
        if isinstance(value, tuple):  # (value, number format)
            ws[ref] = value[0]
            ws[ref].number_format = value[1]
        else:
            ws[ref] = value
    wb.save(path)
    return path


def row(activity: str, **fields: object) -> dict[tuple[str, str], object]:
    """A row filled: in progress on 2018-12-01 unless said otherwise."""
    cells: dict[str, object] = {"status": "in_progress", "date": dt.datetime(2018, 12, 1)}
    cells.update(fields)
    return {(activity, field): value for field, value in cells.items()}


def rewrite(path: Path, changes: dict[str, bytes | None]) -> Path:
    """The zip with some parts replaced (None: removed) or added."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    for name, data in changes.items():
        if data is None:
            parts.pop(name, None)
        else:
            parts[name] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def part(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def sheet_part(path: Path, title: str) -> str:
    """The zip part of a sheet, by its title."""
    workbook = part(path, "xl/workbook.xml").decode()
    rels = part(path, "xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet [^>]*name="{re.escape(title)}"[^>]*r:id="([^"]+)"', workbook)
    assert rid, title
    target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="/?(?:xl/)?([^"]+)"', rels) or re.search(
        rf'Target="/?(?:xl/)?([^"]+)"[^>]*Id="{rid.group(1)}"', rels
    )
    assert target
    return "xl/" + target.group(1)


def run_import(invoke, plan: Path, *files: Path | str, options: tuple[str, ...] = ()):
    before = {p: p.read_bytes() for p in plan.rglob("*.yaml")}
    result = invoke("import", "--plan", str(plan), *options, *map(str, files))
    if result.exit_code != 0:
        assert {p: p.read_bytes() for p in plan.rglob("*.yaml")} == before
    return result


def refused(invoke, plan: Path, path: Path, *lines: str) -> None:
    result = run_import(invoke, plan, path)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr == "".join(line + "\n" for line in lines) + ended(len(lines))


# --- values a unit did not type ------------------------------------------------------------------

FORMULA = "is a formula; type the value itself (casplan does not import formulas, whose results it cannot check)"


def test_formulas_and_error_values_are_refused_at_their_cells(invoke, plan, book):
    cells = row("3.4.1", note="=1+1")
    cells |= row("3.4.2", note=ArrayFormula("J4", "=SUM(A1:A2)"))
    cells |= row("3.4.3", date="#N/A", spent="#DIV/0!", currency="RSD")
    cells |= row("3.5.1", note="#VALUE!", value1="=A6")
    cells |= row("3.5.1.1", status="=H3")
    fill(book, cells)
    refused(
        invoke, plan, book,
        f"{BOOK}:Activities!J3: '=1+1' {FORMULA}",
        f"{BOOK}:Activities!J4: '=SUM(A1:A2)' {FORMULA}",
        f"{BOOK}:Activities!I5: holds the error value '#N/A'; type a value instead",
        f"{BOOK}:Activities!N5: holds the error value '#DIV/0!'; type a value instead",
        f"{BOOK}:Activities!J6: holds the error value '#VALUE!'; type a value instead",
        f"{BOOK}:Activities!K6: '=A6' {FORMULA}",
        f"{BOOK}:Activities!H7: '=H3' {FORMULA}",
    )  # fmt: skip


def test_a_formula_with_a_cached_result_is_refused_too(invoke, plan, book):
    """A program that calculates stores the result beside the formula; it is still refused,
    and one with no result stored is no longer dropped silently (the row imported without
    its note)."""
    fill(book, row("3.4.1", note="=1+1") | row("3.4.2", note="=2+2"))
    name = sheet_part(book, "Activities")
    xml = part(book, name).decode()
    xml = re.sub(r'(<c r="J3"[^>]*>)<f>1\+1</f><v\s*/?>(</v>)?', r"\1<f>1+1</f><v>2</v>", xml)
    assert "<v>2</v>" in xml
    rewrite(book, {name: xml.encode()})
    refused(
        invoke, plan, book,
        f"{BOOK}:Activities!J3: '=1+1' {FORMULA}",
        f"{BOOK}:Activities!J4: '=2+2' {FORMULA}",
    )  # fmt: skip


# --- values past their bounds ------------------------------------------------------------------


def test_amounts_dates_and_sizes_are_bounded_one_line_per_cell(invoke, plan, book):
    dated = "is outside the dates a workbook takes (2000-01-01 to 2100-12-31); write the date of the report"
    amount = "is over the largest amount a workbook takes (999,999,999,999,999.99); write the amount spent"
    cells = row("3.4.1", spent="123456789012345678901234567890", currency="RSD")
    cells |= row("3.4.2", spent=1e30, currency="RSD")
    cells |= row("3.4.3", date="0001-01-01")
    cells |= row("3.5.1", date=(-5, "yyyy-mm-dd"))
    cells |= row("3.5.1.1", date="2101-01-01", note="LONG NOTE")
    cells |= row("3.5.1.6", date=dt.datetime(1999, 12, 31), corrects="1900-01-01")
    cells |= row("3.5.1.7", date="31.12.2100", corrects=dt.datetime(2150, 1, 1))
    fill(book, cells)
    # openpyxl cuts what it writes at 32,767 characters; a crafted file holds what it likes
    name = next(n for n in zipfile.ZipFile(book).namelist() if b"LONG NOTE" in part(book, n))
    import random

    letters = random.Random(20).choices(b"abcdefghijklmnopqrstuvwxyz ", k=2_200_000)
    rewrite(book, {name: part(book, name).replace(b"LONG NOTE", bytes(letters))})
    assert book.stat().st_size < 2_000_000  # does not inflate past what a zip bomb would
    refused(
        invoke, plan, book,
        f"{BOOK}:Activities!N3: 123456789012345678901234567890 {amount}",
        f"{BOOK}:Activities!N4: 1000000000000000000000000000000 {amount}",
        f"{BOOK}:Activities!I5: 0001-01-01 {dated}",
        f"{BOOK}:Activities!I6: 1899-12-25 {dated}",
        f"{BOOK}:Activities!I7: 2101-01-01 {dated}",
        f"{BOOK}:Activities!J7: the cell holds 2,200,000 characters, over the 32,767 a cell may "
        "hold; shorten it (a longer text belongs in a document named as evidence)",
        f"{BOOK}:Activities!I12: 1999-12-31 {dated}",
        f"{BOOK}:Activities!P12: 1900-01-01 {dated}",
        f"{BOOK}:Activities!P13: 2150-01-01 {dated}",
    )  # fmt: skip


def test_an_import_never_writes_a_plan_file_past_its_limit(invoke, plan, tmp_path, made):
    """Each cell within its limit, many rows together would make a measure file of more than
    2 MB, which validate would then refuse: the import is refused before it writes."""
    books = []
    for number in range(16):  # 80 entries of 32,000 characters: 2.5 MB
        book = tmp_path / f"in{number}" / BOOK
        book.parent.mkdir()
        shutil.copy(made, book)
        note = f"{number:02} " + "n" * 32_000
        cells: dict[tuple[str, str], object] = {}
        for activity in ("3.5.1.1", "3.5.1.2", "3.5.1.3", "3.5.1.4", "3.5.1.5"):
            cells |= row(activity, date=dt.datetime(2018, 10, 1 + number), note=note)
        books.append(fill(book, cells))
    result = run_import(invoke, plan, *books)
    assert result.exit_code == 1, result.output
    lines = result.stderr.splitlines()
    assert re.fullmatch(
        rf"{re.escape(str(plan))}/{MEASURE_35}:1:1: error: the file is [\d,]+ bytes, over the "
        r"2,097,152-byte limit for a plan file",
        lines[0],
    ), lines[0]
    assert lines[1:] == ["casplan: error: 1 problem; nothing was written"]
    assert invoke("validate", "--plan", str(plan)).exit_code == 0


# --- the plan text's digests ----------------------------------------------------------------------


def test_a_workbook_whose_digests_were_deleted_is_refused_at_the_rows(invoke, plan, book):
    fill(book, row("3.4.1") | row("3.4.2"))
    wb = load_workbook(book)
    meta = wb["casplan"]
    for cells in meta.iter_rows(min_row=2):
        if str(cells[0].value).startswith("digest:3.4."):
            cells[0].value = cells[1].value = None
    properties = wb.custom_doc_props
    for prop in list(properties.props):
        if prop.name.startswith("casplan.digest:3.4."):
            properties.props.remove(prop)
    wb.save(book)
    said = (
        "the workbook holds no digest of the plan text of {} (its 'casplan' sheet or properties "
        "were edited), so it cannot be told whether the text changed since; make a new workbook"
    )
    refused(
        invoke, plan, book,
        f"{BOOK}:Activities!A3: {said.format('3.4.1')}",
        f"{BOOK}:Activities!A4: {said.format('3.4.2')}",
    )  # fmt: skip


def test_skip_stale_imports_the_fresh_rows_and_lists_the_stale_ones(invoke, plan, book):
    fill(book, row("3.4.1") | row("3.5.1.6") | row("3.5.1.7"))
    measure = plan / MEASURE_35
    text = measure.read_text(encoding="utf-8")
    changed = text.replace(
        "The Annual audit plan for the next year adopted", "The plan adopted"
    ).replace("Creating the Annual report on the work of internal audit", "The annual report")
    assert changed != text
    measure.write_text(changed, encoding="utf-8")
    stale = "the plan text of {} changed since the workbook was made (its title, indicators or deadline)"
    refused(
        invoke, plan, book,
        f"{BOOK}:Activities!A12: {stale.format('3.5.1.6')}; make a new workbook, or import the "
        "other rows with --skip-stale",
        f"{BOOK}:Activities!A13: {stale.format('3.5.1.7')}; make a new workbook, or import the "
        "other rows with --skip-stale",
    )  # fmt: skip
    result = run_import(invoke, plan, book, options=("--skip-stale",))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        f"{BOOK}: 1 row to add",
        f"{BOOK}:Activities!A12: {stale.format('3.5.1.6')}; skipped (--skip-stale)",
        f"{BOOK}:Activities!A13: {stale.format('3.5.1.7')}; skipped (--skip-stale)",
    ]
    data = yaml.safe_load((plan / MEASURE_34).read_text(encoding="utf-8"))
    [entry] = data["activities"][0]["progress"]
    assert (entry["date"], entry["status"]) == (dt.date(2018, 12, 1), "in_progress")
    assert "progress:" not in (plan / MEASURE_35).read_text(encoding="utf-8")


# --- files refused before they are opened ---------------------------------------------------------


def test_a_sparse_file_of_gigabytes_is_refused_from_its_size(invoke, plan, tmp_path):
    for name in (BOOK, f"{AUDIT}.csv"):
        huge = tmp_path / name
        with huge.open("wb") as file:
            file.truncate(3 * 1024**3)
        refused(
            invoke, plan, huge,
            f"{name}: the file is 3,221,225,472 bytes, over the 10,485,760-byte limit of a "
            "filled workbook; is it the workbook casplan collect made?",
        )  # fmt: skip


def test_a_shared_strings_table_of_50_mb_is_refused_from_the_zips_directory(invoke, plan, book):
    fill(book, row("3.4.1", note="a note"))
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    strings += b"<si><t>" + b"x" * (50 * 1024 * 1024) + b"</t></si></sst>"
    rewrite(book, {"xl/sharedStrings.xml": strings})
    assert book.stat().st_size < 200_000
    refused(
        invoke, plan, book,
        f"{BOOK}: the part xl/sharedStrings.xml inflates to {len(strings):,} bytes, over the "
        "10,485,760-byte limit",
    )  # fmt: skip


def test_a_part_that_inflates_a_thousandfold_is_refused(invoke, plan, book):
    name = sheet_part(book, "Instructions")
    xml = part(book, name)
    bomb = xml.replace(b"</worksheet>", b"<!--" + b" " * (8 * 1024 * 1024) + b"--></worksheet>")
    rewrite(book, {name: bomb})
    with zipfile.ZipFile(book) as archive:
        info = archive.getinfo(name)
    ratio = info.file_size / info.compress_size
    refused(
        invoke, plan, book,
        f"{BOOK}: the part {name} inflates {ratio:,.0f} times ({info.compress_size:,} to "
        f"{info.file_size:,} bytes), over the limit of 100",
    )  # fmt: skip


def test_a_thousand_parts_are_refused(invoke, plan, book):
    rewrite(book, {f"customXml/item{number}.xml": b"<a/>" for number in range(1000)})
    refused(invoke, plan, book, f"{BOOK}: the workbook has 1,012 parts, over the limit of 1,000")


def test_parts_that_inflate_past_the_total_are_refused(invoke, plan, book):
    import random

    generator = random.Random(20)
    block = bytes(generator.choice(b"ab") for _ in range(4096)) + b" " * 28_000
    parts = {f"customXml/item{number}.xml": block * 290 for number in range(5)}
    rewrite(book, parts)
    total = sum(info.file_size for info in zipfile.ZipFile(book).infolist())
    assert book.stat().st_size < 10 * 1024 * 1024 and total > 40 * 1024 * 1024
    refused(
        invoke, plan, book,
        f"{BOOK}: the workbook inflates to {total:,} bytes, over the 41,943,040-byte limit",
    )  # fmt: skip


@pytest.mark.parametrize(
    "declaration",
    [
        b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
        b'<!DOCTYPE x SYSTEM "file:///etc/passwd">',
        b"<!doctype x>",
    ],
)
def test_a_document_type_declaration_is_refused(invoke, plan, book, declaration):
    xml = part(book, "xl/sharedStrings.xml") if _has(book, "xl/sharedStrings.xml") else None
    name = "xl/sharedStrings.xml" if xml is not None else sheet_part(book, "Activities")
    xml = xml or part(book, name)
    head, mark, rest = xml.partition(b"?>")
    declared = head + mark + declaration + rest if mark else declaration + xml
    rewrite(book, {name: declared})
    refused(
        invoke, plan, book,
        f"{BOOK}: the part {name} declares a document type (entities); no spreadsheet program "
        "writes one",
    )  # fmt: skip


def _has(path: Path, name: str) -> bool:
    with zipfile.ZipFile(path) as archive:
        return name in archive.namelist()


@pytest.mark.parametrize(
    ("sheet", "cell", "corner"),
    [("Activities", "XFD1048576", "XFD1048576"), ("Activities", "BZ2", "BZ17"),
     ("casplan", "A10001", "F10001")],
)  # fmt: skip
def test_a_cell_far_away_is_refused_before_the_rows_are_walked(
    invoke, plan, book, sheet, cell, corner
):
    """The sheet's extent (its last row and column) is checked before its rows are walked:
    one cell at XFD1048576 took 26 s and ended in exit 3."""
    wb = load_workbook(book)
    wb[sheet][cell] = "far"
    wb.save(book)
    refused(
        invoke, plan, book,
        f"{BOOK}:{sheet}!{corner}: the sheet reaches {corner}, past the 10,000 rows and 64 "
        "columns a collection workbook may have; delete what was added there",
    )  # fmt: skip


def test_a_file_that_is_no_zip_at_all_is_one_line(invoke, plan, tmp_path):
    fake = tmp_path / BOOK
    fake.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    refused(
        invoke, plan, fake,
        f"{BOOK}: is not an .xlsx workbook (not a zip archive); save it as Excel Workbook (.xlsx)",
    )  # fmt: skip


# --- CSV files --------------------------------------------------------------------------------

CSV_CASES = {
    "a NUL byte": (
        b"ID,New status,Date\n3.4.1,in_progress,2018-12-01\x00\n",
        ["2:29: the file holds a NUL character; it is not a CSV file as a spreadsheet saves one"],
    ),
    "a column twice": (
        b"ID,New status,Date,Note,Note\n3.4.1,in_progress,2018-12-01,a,b\n",
        ["1:5: 'Note' is the column of 1:4 again; keep one of them"],
    ),
    "a column twice, in two languages": (
        b"ID,New status,Date,Napomena,note\n",
        ["1:5: 'note' is the column of 1:4 again; keep one of them"],
    ),
    "an unknown column": (
        b"ID,New status,Date,Remarks\n3.4.1,in_progress,2018-12-01,a\n",
        ["1:4: 'Remarks' is not a column of the workbook"],
    ),
    "not UTF-8": (
        "ID,New status,Date,Note\n3.4.1,in_progress,2018-12-01,Izve\u0161taj\n".encode("cp1250"),
        ["2:34: the byte 0x9a is not UTF-8; save the file as CSV UTF-8"],
    ),
    "not UTF-8 after other letters": (
        "ID,New status,Date,Note\n3.4.1,in_progress,2018-12-01,\u010d\u0107".encode() + b"\xc0\n",
        ["2:32: the byte 0xc0 is not UTF-8; save the file as CSV UTF-8"],
    ),
    "not UTF-8 after a BOM": (
        b"\xef\xbb\xbfID,New status,Date,Note\n3.4.1,in_progress,2018-12-01,\xff\n",
        ["2:30: the byte 0xff is not UTF-8; save the file as CSV UTF-8"],
    ),
}


@pytest.mark.parametrize("name", list(CSV_CASES))
def test_a_csv_file_that_is_not_what_a_spreadsheet_saves_is_one_line(invoke, plan, tmp_path, name):
    data, lines = CSV_CASES[name]
    csv = tmp_path / f"{AUDIT}.csv"
    csv.write_bytes(data)
    refused(invoke, plan, csv, *(f"{AUDIT}.csv:{line}" for line in lines))


def test_a_bom_is_read_past(invoke, plan, tmp_path):
    csv = tmp_path / f"{AUDIT}.csv"
    csv.write_bytes(b"\xef\xbb\xbfID;New status;Date\r\n3.4.1;in_progress;01.12.2018.\r\n")
    result = run_import(invoke, plan, csv)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{AUDIT}.csv: 1 row to add\n")


# --- the plan's own checks, at the workbook's cells -------------------------------------------


def test_a_plan_refusal_names_the_cell_not_a_yaml_line(invoke, plan, book, tmp_path, made):
    fill(book, row("3.4.1", status="Completed"))  # 3.4.1 is continuous
    refused(
        invoke, plan, book,
        f"{BOOK}:Activities!H3: 3.4.1 is continuous and cannot be completed; report continuous "
        "activities per year with in_progress",
    )  # fmt: skip


def test_more_plan_refusals_each_at_its_cell(invoke, plan, book, tmp_path, made):
    first = tmp_path / "first" / BOOK
    first.parent.mkdir()
    shutil.copy(made, first)
    fill(first, row("3.4.1", date=dt.datetime(2018, 12, 20)))
    assert run_import(invoke, plan, first).exit_code == 0
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    cells = row("3.4.1", date=dt.datetime(2018, 12, 10))  # before the entry of 2018-12-20
    cells |= row("3.4.2", corrects="2018-11-30")  # no report of that day
    cells |= row("3.4.3", date=dt.datetime.combine(tomorrow, dt.time()))
    fill(book, cells)
    refused(
        invoke, plan, book,
        f"{BOOK}:Activities!I3: progress entry of 2018-12-10 comes after one of 2018-12-20; "
        "keep progress entries in date order, oldest first",
        f"{BOOK}:Activities!P4: 3.4.2 has no earlier entry 2018-11-30 to correct; name the date "
        "of an earlier entry (DATE#N for the N-th of that day)",
        f"{BOOK}:Activities!I5: progress entry dated {tomorrow}, after {dt.date.today()}; "
        "progress is recorded once it has happened",
    )  # fmt: skip


# --- text every YAML reader reads back the same ----------------------------------------------------

TEXTS = [
    "yes",
    "on",
    "Off",
    "n",
    "1:20",
    "12:30:00",
    "0o17",
    ".inf",
    "~",
    "null",
    "2018-01-01",
    "=",
]


def test_imported_text_reads_back_the_same_in_pyyaml(invoke, plan, book):
    activities = ["3.4.1", "3.4.2", "3.4.3", "3.5.1.1", "3.5.1.2", "3.5.1.6"]
    cells: dict[tuple[str, str], object] = {}
    for number, activity in enumerate(activities):
        note, value = TEXTS[2 * number], TEXTS[2 * number + 1]
        cells |= row(activity, note=note, value1=value)
    fill(book, cells)
    result = run_import(invoke, plan, book)
    assert result.exit_code == 0, result.output
    found = {}
    for relative in (MEASURE_34, MEASURE_35):
        data = yaml.load((plan / relative).read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        for activity in _all_activities(data["activities"]):
            for entry in activity.get("progress", []):
                found[activity["id"]] = (entry["note"], *entry["values"].values())
    assert found == {
        activity: (TEXTS[2 * number], TEXTS[2 * number + 1])
        for number, activity in enumerate(activities)
    }


def _all_activities(activities: list[dict]) -> list[dict]:
    out = []
    for activity in activities:
        out.append(activity)
        out += _all_activities(activity.get("sub_activities", []))
    return out


# --- control characters on the terminal ------------------------------------------------------


def crafted_meta(book: Path, key: str, value: str) -> Path:
    """The workbook with one metadata value replaced in its XML (openpyxl refuses to write a
    control character; XML 1.0 holds C1 controls and bidi controls) and its properties gone."""
    wb = load_workbook(book)
    for cells in wb["casplan"].iter_rows(min_row=2):
        if cells[0].value == key:
            cells[1].value = "MARKER"
    for prop in list(wb.custom_doc_props.props):
        if prop.name.startswith("casplan."):
            wb.custom_doc_props.props.remove(prop)
    wb.save(book)
    name = next(n for n in zipfile.ZipFile(book).namelist() if b"MARKER" in part(book, n))
    return rewrite(book, {name: part(book, name).replace(b"MARKER", value.encode())})


HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_controls_in_a_unit_id_and_a_file_name_are_escaped(invoke, plan, book, tmp_path):
    crafted_meta(book, "unit_id", "audit\x9b31m\u202e-department")
    named = tmp_path / "in" / "audit\x1b]0;owned\x07.xlsx"
    book.rename(named)
    result = run_import(invoke, plan, named)
    assert result.exit_code == 1
    assert result.stderr == (
        "audit\\x1b]0;owned\\x07.xlsx: 'audit\\x9b31m\\u202e-department' is not a unit of "
        "organization.yaml\n" + ended(1)
    )
    assert not HIDDEN.search(result.output)


def test_controls_in_the_plan_title_of_another_plans_workbook_are_escaped(invoke, plan, book):
    crafted_meta(book, "plan_title", "Evil\x9b2J\u202eplan")
    wb = load_workbook(book)
    for cells in wb["casplan"].iter_rows(min_row=2):
        if cells[0].value == "plan_id":
            cells[1].value = "0123456789ab"
    wb.save(book)
    result = run_import(invoke, plan, book)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{BOOK}: made from another plan ('Evil\\x9b2J\\u202eplan')")
    assert not HIDDEN.search(result.output)


def test_controls_in_a_csv_files_name_and_cells_are_escaped(invoke, plan, tmp_path):
    csv = tmp_path / "unit\x1b[2J.csv"
    csv.write_text("ID,New status,Date\n3.4.1\x1b[31m,in_progress,2018-12-01\n", encoding="utf-8")
    result = run_import(invoke, plan, csv)
    assert result.exit_code == 1
    assert result.stderr == (
        "unit\\x1b[2J.csv: the unit is not known: name a CSV file after its unit "
        "(audit-department.csv)\n" + ended(1)
    )
    assert not HIDDEN.search(result.output)


# --- the workbook offers what the plan takes -----------------------------------------------------


def test_a_continuous_activitys_row_does_not_offer_completed(made):
    wb = load_workbook(made)
    ws = wb["Activities"]
    continuous = {row[0].row for row in ws.iter_rows(min_row=2) if row[3].value == "continuous"}
    status = {}
    for validation in ws.data_validations.dataValidation:
        for cells in validation.sqref.ranges:
            if cells.min_col == 8:  # H, the new status
                for number in range(cells.min_row, cells.max_row + 1):
                    status[number] = validation.formula1
    assert set(status) == set(range(2, ws.max_row + 1))
    assert {n for n, named in status.items() if named == "casplan_running"} == continuous
    assert continuous and len(continuous) < ws.max_row - 1
    lists = {
        cells[0].value: [c.value for c in cells[1:] if c.value]
        for cells in wb["casplan"].iter_cols(min_col=4, max_col=6)
    }
    assert lists["statuses"] == ["Not started", "In progress", "Completed", "Delayed", "Cancelled"]
    assert lists["running"] == ["Not started", "In progress", "Delayed", "Cancelled"]


# --- collect and followup agree ------------------------------------------------------------------


@pytest.mark.parametrize("period", ["2018-Q4", "2018", "2019-Q1", "2017-H2", "2020-12"])
def test_collect_and_followup_name_the_same_units_and_activities(invoke, tmp_path, period):
    out = tmp_path / "books"
    result = invoke("collect", "--plan", str(REAL_PLAN), "--period", period, "--out", str(out))
    assert result.exit_code == 0, result.output
    books = {}
    for path in out.glob("*.xlsx"):
        read = read_collect_workbook(path.read_bytes(), path.name)
        assert read.meta is not None
        books[read.meta.unit_id] = list(read.activity_ids)
    listed = invoke(
        "followup", "--plan", str(REAL_PLAN), "--period", period, "--as-of", "2017-01-01",
        "--format", "json",
    )  # fmt: skip
    assert listed.exit_code == 0, listed.output
    record = json.loads(listed.stdout)
    followed = {unit["id"]: [m["id"] for m in unit["missing"]] for unit in record["units"]}
    assert followed == books  # the bundled plan has no progress: every activity is missing
    assert books


# --- the translations workbook, attacked as the progress workbook is ---------------------------


@pytest.fixture
def sr_book(invoke, tmp_path) -> tuple[Path, Path]:
    """A plan translated into Serbian (the fixture of tests/cli/test_translations.py) and its
    translations workbook."""
    from plans import translated_files, write_plan

    plan = write_plan(tmp_path / "sr-plan", translated_files())
    book = tmp_path / "sr.xlsx"
    made = invoke("translations", "--format", "xlsx", "--out", str(book), "--plan", str(plan))
    assert made.exit_code == 0, made.output
    return plan, book


def sr_refused(invoke, plan: Path, book: Path, *lines: str) -> None:
    before = (plan / "translations" / "sr.yaml").read_bytes()
    result = invoke("import", str(book), "--plan", str(plan))
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr == "".join(line + "\n" for line in lines) + ended(len(lines))
    assert (plan / "translations" / "sr.yaml").read_bytes() == before


def test_error_values_and_long_cells_in_a_translations_workbook_are_refused(invoke, sr_book):
    """An error value was taken as the translation ('#N/A' written into translations/sr.yaml),
    and a cell of any length was taken."""
    plan, book = sr_book
    wb = load_workbook(book)
    ws = wb["Tekstovi"]
    ws["F2"], ws["F3"] = "#N/A", "#DIV/0!"
    ws["F2"].data_type = ws["F3"].data_type = "e"
    ws["F4"] = "Izveštaj"  # fine: nothing is written all the same
    wb.save(book)
    name = next(n for n in zipfile.ZipFile(book).namelist() if b"Izve" in part(book, n))
    rewrite(book, {name: part(book, name).replace(b"Izve&#353;taj", b"p" * 40_000)})
    sr_refused(
        invoke, plan, book,
        "sr.xlsx:Tekstovi!F2: holds the error value '#N/A'; write the translation as text",
        "sr.xlsx:Tekstovi!F3: holds the error value '#DIV/0!'; write the translation as text",
        "sr.xlsx:Tekstovi!F4: the cell holds 40,000 characters, over the 32,767 a cell may "
        "hold; shorten it",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("sheet", "cell"), [("Tekstovi", "XFD1048576"), ("Tekstovi", "BZ2"), ("casplan", "XFD1048576")]
)
def test_a_cell_far_away_in_a_translations_workbook_is_refused_before_the_rows_are_walked(
    invoke, sr_book, sheet, cell
):
    """The progress workbook's extent check, which the translations workbook did not have: a
    cell at XFD1048576 made `import` walk a billion cells (over two minutes, then killed)."""
    plan, book = sr_book
    wb = load_workbook(book)
    wb[sheet][cell] = "far"
    wb.save(book)
    corner = cell if cell != "BZ2" else f"BZ{wb[sheet].max_row}"
    sr_refused(
        invoke, plan, book,
        f"sr.xlsx:{sheet}!{corner}: the sheet reaches {corner}, past the 10,000 rows and 64 "
        "columns a collection workbook may have; delete what was added there",
    )  # fmt: skip
