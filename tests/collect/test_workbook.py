# ruff: noqa: RUF001  (Cyrillic letters and CLDR's en dashes are the point of some expectations)
"""The collection workbook: layout, locks, drop-downs and checks, metadata round trip, plan text
that stays text, and a workbook filled as a unit would fill it, read back row by row with the
exact problems; the same columns as CSV."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from cas_plan.collect.csv import read_collect_csv
from cas_plan.collect.read import read_collect_workbook
from cas_plan.collect.rows import amount_from_text, date_from_text
from cas_plan.collect.sheet import CollectActivity, CollectMeta, CollectRead, collect_file_name
from cas_plan.collect.write import build_collect_workbook
from cas_plan.l10n.phrases import surface_words

STATUSES = ["not_started", "in_progress", "completed", "delayed", "cancelled"]
LABELS = ["Not started", "In progress", "Completed", "Delayed", "Cancelled"]
CURRENCIES = ["RSD", "EUR", "USD"]
WORDS = surface_words("en", "workbook")
META = CollectMeta(
    plan_title="Action Plan of the Customs Administration 2017-2020",
    plan_id="cas-2017-2020",
    commit="5e8dc72",
    unit_id="audit-department",
    unit_name="Audit Department",
    period_text="2018 H1",
    period_start=date(2018, 1, 1),
    period_end=date(2018, 6, 30),
    made_on=date(2018, 7, 2),
    lang="en",
    plan_text_digests={"3.10": "a" * 64, "3.10.1": "b" * 64, "4.2": "c" * 64},
    status_labels=dict(zip(STATUSES, LABELS, strict=True)),
)
ACTIVITIES = [
    CollectActivity(
        id="3.10",
        title="Improve the risk analysis system",
        indicators=["Software modules introduced", "Staff trained", "Report adopted"],
        deadline_text="Q4 2018",
        status="in_progress",
        status_date=date(2018, 3, 31),
        latest_note="Tender published.",
    ),
    CollectActivity(
        id="3.10.1",
        title='=HYPERLINK("http://evil","x")',
        indicators=["+procedure adopted"],
        deadline_text="2018",
        status="not_started",
        status_date=None,
        latest_note="\x1b[31mred",
    ),
    CollectActivity(
        id="4.2",
        title="@SUM(A1)",
        indicators=[],
        deadline_text="-",
        status="delayed",
        status_date=date(2018, 1, 15),
        latest_note="\tnote",
    ),
]
HEADERS = [
    "ID",
    "Activity",
    "Indicators",
    "Deadline",
    "Current status",
    "Status date",
    "Latest note",
    "New status",
    "Date",
    "Note",
    "Value 1",
    "Value 2",
    "Value 3",
    "Evidence",
    "Spent amount",
    "Currency",
    "Corrects",
]
NAME = "audit-department.xlsx"


def build(words: dict[str, str] = WORDS, meta: CollectMeta = META) -> bytes:
    return build_collect_workbook(meta, ACTIVITIES, CURRENCIES, words)


def opened(data: bytes | None = None) -> Workbook:
    return load_workbook(io.BytesIO(build() if data is None else data))


def filled(fill: Callable[[Workbook], None]) -> bytes:
    wb = opened()
    fill(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def activities(wb: Workbook) -> Worksheet:
    ws = wb["Activities"]
    assert isinstance(ws, Worksheet)
    return ws


# --- building ------------------------------------------------------------------------------


def test_sheets_and_their_order() -> None:
    wb = opened()
    assert wb.sheetnames == ["Instructions", "Activities", "casplan"]
    assert wb.active is not None and wb.active.title == "Activities"
    assert [ws.sheet_state for ws in wb.worksheets] == ["visible", "visible", "hidden"]
    assert [ws.sheet_view.tabSelected for ws in wb.worksheets] == [False, True, False]


def test_the_activities_sheet_holds_the_plan_text_typed() -> None:
    ws = activities(opened())
    assert [c.value for c in ws[1]] == HEADERS
    assert [ws.cell(row=2, column=c).value for c in range(1, 8)] == [
        "3.10",
        "Improve the risk analysis system",
        "1. Software modules introduced\n2. Staff trained\n3. Report adopted",
        "Q4 2018",
        "In progress",
        datetime(2018, 3, 31),
        "Tender published.",
    ]
    assert ws["A2"].data_type == "s" and ws["A3"].value == "3.10.1"
    assert ws["F2"].is_date and ws["F2"].number_format == "yyyy-mm-dd"
    assert ws["F3"].value is None
    assert ws["B2"].alignment.wrap_text is True
    assert ws.max_row == 4


def test_plan_text_stays_text_and_controls_are_visible() -> None:
    data = build()
    ws = activities(opened(data))
    assert ws["B3"].value == '=HYPERLINK("http://evil","x")' and ws["B3"].data_type == "s"
    assert ws["C3"].value == "1. +procedure adopted"
    assert ws["G3"].value == "\\x1b[31mred"
    assert ws["B4"].value == "@SUM(A1)" and ws["B4"].data_type == "s"
    assert ws["D4"].value == "-" and ws["D4"].data_type == "s"
    assert ws["G4"].value == "\tnote"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml, name


def test_locked_and_open_cells() -> None:
    ws = activities(opened())
    assert ws.protection.sheet is True
    assert ws.protection.password is None
    for row in (2, 3, 4):
        for column in "ABCDEFG":
            assert ws[f"{column}{row}"].protection.locked is True, f"{column}{row}"
        for column in "HIJNOPQ":
            assert ws[f"{column}{row}"].protection.locked is False, f"{column}{row}"
            assert ws[f"{column}{row}"].fill.fgColor.rgb == "FFFFF2CC"
    # value columns: open up to the activity's number of indicators, grey and locked beyond
    assert [ws[f"{c}2"].protection.locked for c in "KLM"] == [False, False, False]
    assert [ws[f"{c}3"].protection.locked for c in "KLM"] == [False, True, True]
    assert [ws[f"{c}4"].protection.locked for c in "KLM"] == [True, True, True]
    assert ws["L3"].fill.fgColor.rgb == "FFBFBFBF"
    assert ws["K5"].protection.locked is True  # below the activities: nothing to add there


def test_open_cells_have_formats_for_what_they_take() -> None:
    ws = activities(opened())
    assert ws["I2"].number_format == "yyyy-mm-dd"
    assert ws["O2"].number_format == "#,##0.00"
    assert {ws[f"{c}2"].number_format for c in "HJKLNPQ"} == {"@"}


def test_header_and_first_column_are_frozen_and_widths_fit() -> None:
    ws = activities(opened())
    assert ws.freeze_panes == "B2"
    widths = {c: ws.column_dimensions[c].width for c in "ABCDEFGHIJKLMNOPQ"}
    assert widths["A"] == 8  # ids are short: the minimum
    assert widths["B"] == len("Improve the risk analysis system") + 2
    assert widths["C"] == len("1. Software modules introduced") + 2
    assert widths["H"] == len("Not started") + 3 + 2  # the drop-down's arrow
    assert widths["I"] == 12
    assert widths["J"] == 40
    assert all(cell.font.bold for cell in ws[1])
    assert ws.row_dimensions[2].height == 45  # three indicators, three lines
    assert ws.row_dimensions[3].height == 30  # two lines at least: room to write a note


def test_validations_offer_the_lists_and_check_dates_and_amounts() -> None:
    wb = opened()
    ws = activities(wb)
    found = {
        (v.type, str(v.sqref)): (v.operator, v.formula1, v.formula2, v.allow_blank)
        for v in ws.data_validations.dataValidation
    }
    assert found == {
        ("list", "H2:H4"): (None, "casplan_statuses", None, True),
        ("date", "I2:I4"): ("between", "36526", "73415", True),
        ("decimal", "O2:O4"): ("greaterThanOrEqual", "0", None, True),
        ("list", "P2:P4"): (None, "casplan_currencies", None, True),
    }
    assert {v.error for v in ws.data_validations.dataValidation} == {
        "Choose a status from the list.",
        "Write a date, e.g. 2018-06-30.",
        "Write an amount of 0 or more, e.g. 1234.50.",
        "Choose a currency from the list.",
    }
    assert wb.defined_names["casplan_statuses"].attr_text == "casplan!$D$2:$D$6"
    assert wb.defined_names["casplan_currencies"].attr_text == "casplan!$E$2:$E$4"
    meta = wb["casplan"]
    assert [meta[f"D{r}"].value for r in range(2, 7)] == LABELS
    assert [meta[f"E{r}"].value for r in range(2, 5)] == CURRENCIES


def test_metadata_is_in_the_hidden_sheet_and_the_properties() -> None:
    wb = opened()
    meta = wb["casplan"]
    assert meta.protection.sheet is True
    rows = {meta[f"A{r}"].value: meta[f"B{r}"].value for r in range(2, meta.max_row + 1)}
    assert rows["format"] == "1"
    assert rows["commit"] == "5e8dc72"
    assert rows["unit_id"] == "audit-department"
    assert rows["period_start"] == "2018-01-01"
    assert rows["activities"] == "3.10 3.10.1 4.2"
    assert rows["digest:3.10.1"] == "b" * 64
    assert rows["header:spent"] == "Spent amount"
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props == {f"casplan.{key}": value for key, value in rows.items() if key}
    assert wb.properties.created == datetime(2018, 7, 2)
    assert wb.properties.title == (
        "Action Plan of the Customs Administration 2017-2020: Audit Department, 2018 H1"
    )


def test_the_same_input_gives_the_same_bytes() -> None:
    assert build() == build()
    assert build() != build(meta=replace(META, commit="0000000"))


def test_instructions_in_english_explain_columns_and_statuses() -> None:
    ws = opened()["Instructions"]
    column_a = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    assert column_a[0] == "Progress report of Audit Department"
    assert column_a[1] == (
        "Action plan: Action Plan of the Customs Administration 2017-2020. "
        "Period: 1 January – 30 June 2018."
    )
    assert column_a[3] == "Made on 2 July 2018 from commit 5e8dc72."
    assert "Value 1" in column_a and "Value 2" not in column_a
    assert column_a[-6:] == ["Statuses", *LABELS]
    meanings = {
        ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value
        for r in range(1, ws.max_row + 1)
    }
    assert meanings["New status"] == WORDS["help.status"]
    assert meanings["Delayed"] == "The activity will not be done by its deadline."
    assert ws.protection.sheet is True


SERBIAN = replace(
    META,
    lang="sr-Cyrl",
    status_labels=dict(
        zip(STATUSES, ["Није започето", "У току", "Реализовано", "Касни", "Отказано"], strict=True)
    ),
)


def test_words_translate_headers_sheets_instructions_and_statuses() -> None:
    data = build(surface_words("sr-Cyrl", "workbook"), SERBIAN)
    wb = opened(data)
    assert wb.sheetnames == ["Упутство", "Активности", "casplan"]
    ws = wb["Активности"]
    assert [c.value for c in ws[1]][:11] == [
        "Број",
        "Активност",
        "Показатељи",
        "Рок",
        "Тренутни статус",
        "Датум статуса",
        "Последња напомена",
        "Нови статус",
        "Датум",
        "Напомена",
        "Вредност 1",
    ]
    assert ws["E2"].value == "У току"
    assert [wb["casplan"][f"D{r}"].value for r in range(2, 7)] == list(
        SERBIAN.status_labels.values()
    )
    instructions = wb["Упутство"]
    assert instructions["A1"].value == "Извештај о напретку: Audit Department"
    assert instructions["A2"].value == (
        "Акциони план: Action Plan of the Customs Administration 2017-2020. "
        "Период: 1. јануар – 30. јун 2018."
    )
    meanings = {
        instructions.cell(row=r, column=1).value: instructions.cell(row=r, column=2).value
        for r in range(1, instructions.max_row + 1)
    }
    assert meanings["Касни"] == "Активност неће бити завршена у року."
    assert {v.error for v in ws.data_validations.dataValidation} == {
        "Изаберите статус са листе.",
        "Упишите датум, нпр. 2018-06-30.",
        "Упишите износ 0 или већи, нпр. 1234,50.",
        "Изаберите валуту са листе.",
    }
    read = read_collect_workbook(data, "a.xlsx")
    assert read.problems == [] and read.meta == SERBIAN


def test_an_activity_id_with_a_space_is_refused() -> None:
    with pytest.raises(ValueError, match="an activity id has no spaces"):
        build_collect_workbook(META, [replace(ACTIVITIES[0], id="3 10")], [], WORDS)


def test_no_lists_no_list_validations() -> None:
    data = build_collect_workbook(replace(META, status_labels={}), ACTIVITIES, [], WORDS)
    ws = activities(opened(data))
    assert {v.type for v in ws.data_validations.dataValidation} == {"date", "decimal"}


# --- reading back --------------------------------------------------------------------------


def test_an_unfilled_workbook_reads_back_its_metadata_and_no_rows() -> None:
    read = read_collect_workbook(build(), NAME)
    assert read == CollectRead(META, ("3.10", "3.10.1", "4.2"), [], [])


def test_a_unit_with_more_activity_ids_than_a_cell_holds_reads_them_all_back() -> None:
    """A cell holds 32,767 characters: at 100 times the plan a collective unit's workbook
    lists about 45,000 characters of ids, which go on over rows `activities#2`, ..."""
    many = [
        CollectActivity(f"{goal}.1.{n}", "An activity", [], "2018", "not_started", None, "")
        for goal in range(1, 801)
        for n in range(1, 8)
    ]
    data = build_collect_workbook(META, many, CURRENCIES, WORDS)
    meta = opened(data)["casplan"]
    keys = [meta.cell(row, 1).value for row in range(1, meta.max_row + 1)]
    assert [k for k in keys if k and k.startswith("activities")] == ["activities", "activities#2"]
    read = read_collect_workbook(data, NAME)
    assert read.activity_ids == tuple(a.id for a in many) and read.problems == []


def fill_as_a_unit(wb: Workbook) -> None:
    ws = activities(wb)
    # a good row, as Excel stores it: a date cell, a float sum, text
    ws["H2"] = "In progress"
    ws["I2"] = date(2018, 6, 15)
    ws["J2"] = "Modules 1 and 2 live"
    ws["K2"] = "2 of 3"
    ws["L2"] = 85
    ws["N2"] = "Decision 12/2018"
    ws["O2"] = 0.1 + 0.2
    ws["P2"] = "eur"
    ws["Q2"] = "2018-06-30#2"
    # a bad date text and a non-number in the amount
    ws["H3"] = "done"
    ws["I3"] = "soon"
    ws["O3"] = "abc"
    # row 4 left empty but for a blank note: skipped


def test_a_filled_workbook_reads_back_row_by_row() -> None:
    read = read_collect_workbook(filled(fill_as_a_unit), NAME)
    assert read.problems == [
        "audit-department.xlsx:Activities!I3: 'soon' is not a date; write a date like 2018-06-30",
        "audit-department.xlsx:Activities!O3: 'abc' is not an amount; write a number like 1234.50",
    ]
    assert len(read.rows) == 2
    good, bad = read.rows
    assert good.activity_id == "3.10"
    assert good.status == "In progress"
    assert good.date == date(2018, 6, 15) and good.date_text is None
    assert good.note == "Modules 1 and 2 live"
    assert good.values == {1: "2 of 3", 2: "85"}
    assert good.evidence == "Decision 12/2018"
    assert good.spent == Decimal("0.30") and str(good.spent) == "0.30"
    assert good.currency == "EUR"
    assert good.corrects == "2018-06-30#2"
    assert good.problems == ()
    assert good.at("status") == "audit-department.xlsx:Activities!H2"
    assert good.at("value2") == "audit-department.xlsx:Activities!L2"
    assert good.at("spent") == "audit-department.xlsx:Activities!O2"
    assert good.at("row") == "audit-department.xlsx:Activities!A2"
    assert bad.activity_id == "3.10.1"
    assert bad.status == "done"  # what the status means is the plan's question
    assert bad.date is None and bad.date_text == "soon"
    assert bad.spent is None
    assert bad.problems == tuple(read.problems)
    assert bad.at("status") == "audit-department.xlsx:Activities!H3"


def test_text_in_date_and_amount_cells_is_read_when_it_is_well_formed() -> None:
    def fill(wb: Workbook) -> None:
        ws = activities(wb)
        ws["I2"] = "30.06.2018."
        ws["O2"] = "1.234,50"
        ws["Q2"] = datetime(2018, 3, 31)
        ws["I3"] = " 2018-06-30 "
        ws["O3"] = 1234.5
        ws["O4"] = 12.345  # shown as 12.35 under #,##0.00

    read = read_collect_workbook(filled(fill), NAME)
    assert read.problems == []
    assert [(r.date, r.date_text, r.spent, r.corrects) for r in read.rows] == [
        (date(2018, 6, 30), "30.06.2018.", Decimal("1234.50"), "2018-03-31"),
        (date(2018, 6, 30), " 2018-06-30 ", Decimal("1234.50"), None),
        (None, None, Decimal("12.35"), None),
    ]


def test_every_spreadsheet_problem_of_a_file_in_one_run() -> None:
    def fill(wb: Workbook) -> None:
        ws = activities(wb)
        ws["I2"] = 43281  # a date's serial number pasted as a plain number
        ws["I2"].number_format = "General"
        ws["O2"] = -5
        ws["Q2"] = "last time"
        ws["A3"] = "9.9"  # the id changed
        ws["J3"] = "note"
        ws["A4"] = None  # the id removed
        ws["J4"] = "note"

    read = read_collect_workbook(filled(fill), NAME)
    assert read.problems == [
        "audit-department.xlsx:Activities!I2: 43281 is a number, not a date; write a date like 2018-06-30",
        "audit-department.xlsx:Activities!O2: -5.00 is negative; write the amount spent, 0 or more",
        "audit-department.xlsx:Activities!Q2: 'last time' does not name a report; write its date like 2018-06-30, or 2018-06-30#2 for the second report of that day",
        "audit-department.xlsx:Activities!A3: '9.9' is not one of the activities this workbook was made for; do not change the id column",
        "audit-department.xlsx:Activities!A4: the id is empty; do not change the id column",
    ]
    assert [row.activity_id for row in read.rows] == ["3.10"]


@pytest.mark.parametrize(
    ("cell", "value", "problem"),
    [
        (
            "O2",
            "1.234",
            "'1.234' is ambiguous: write 1234 for thousands, or 1.23 with at most 2 decimal places",
        ),
        ("O2", "0.125", "'0.125' has more than 2 decimal places"),
        ("O2", "12 RSD", "'12 RSD' is not an amount; write a number like 1234.50"),
        ("O2", datetime(2018, 1, 1), "2018-01-01 is not an amount; write a number like 1234.50"),
        ("I2", "31.02.2018", "'31.02.2018' is not a date; write a date like 2018-06-30"),
        ("I2", "=TODAY()", "'=TODAY()' is not a date; write a date like 2018-06-30"),
        (
            "Q2",
            "2018-02-31#1",
            "'2018-02-31#1' does not name a report; write its date like 2018-06-30, or 2018-06-30#2 for the second report of that day",
        ),
        (
            "Q2",
            "2018-06-30#0",
            "'2018-06-30#0' does not name a report; write its date like 2018-06-30, or 2018-06-30#2 for the second report of that day",
        ),
        ("I2", "bad\tline\n2", "'bad\\tline\\n2' is not a date; write a date like 2018-06-30"),
        ("O2", True, "TRUE is not an amount; write a number like 1234.50"),
    ],
)
def test_one_bad_cell(cell: str, value: object, problem: str) -> None:
    def fill(wb: Workbook) -> None:
        activities(wb)[cell] = value
        if isinstance(value, str) and value.startswith("="):
            activities(wb)[cell].data_type = "s"

    read = read_collect_workbook(filled(fill), NAME)
    assert read.problems == [f"audit-department.xlsx:Activities!{cell}: {problem}"]


def test_a_missing_metadata_sheet_is_a_problem_and_the_properties_are_used() -> None:
    def fill(wb: Workbook) -> None:
        del wb["casplan"]
        activities(wb)["H2"] = "completed"

    read = read_collect_workbook(filled(fill), NAME)
    assert read.problems == [
        "audit-department.xlsx:casplan!A1: the hidden sheet 'casplan' is missing; do not remove it (read from the workbook's properties instead)"
    ]
    assert read.meta == META
    assert [(row.activity_id, row.status) for row in read.rows] == [("3.10", "completed")]


def test_an_edited_metadata_sheet_is_a_problem() -> None:
    def fill(wb: Workbook) -> None:
        meta = wb["casplan"]
        for row in range(2, meta.max_row + 1):
            if meta[f"A{row}"].value == "unit_id":
                meta[f"B{row}"] = "training-department"

    read = read_collect_workbook(filled(fill), NAME)
    assert read.problems == [
        "audit-department.xlsx:casplan!A1: the hidden sheet 'casplan' does not match the workbook's properties; do not edit it (read from the sheet)"
    ]
    assert read.meta is not None and read.meta.unit_id == "training-department"


def test_a_workbook_not_made_by_casplan() -> None:
    wb = Workbook()
    wb.active["A1"] = "ID"  # type: ignore[index]
    out = io.BytesIO()
    wb.save(out)
    assert read_collect_workbook(out.getvalue(), "mine.xlsx") == CollectRead(
        None,
        (),
        [],
        [
            "mine.xlsx: not a workbook made by 'casplan collect' (it has no 'casplan' sheet and no casplan properties)"
        ],
    )


def test_a_file_that_is_not_a_workbook() -> None:
    read = read_collect_workbook(b"ID,Status\n3.10,done\n", "report.xlsx")
    assert read.problems == [
        "report.xlsx: is not an .xlsx workbook (not a zip archive); save it as Excel Workbook (.xlsx)"
    ]


def test_a_zip_that_is_not_a_workbook() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    read = read_collect_workbook(out.getvalue(), "report.xlsx")
    assert len(read.problems) == 1
    assert read.problems[0].startswith("report.xlsx: cannot be read as an .xlsx workbook (")


def test_a_newer_format_is_refused() -> None:
    def fill(wb: Workbook) -> None:
        del wb["casplan"]
        wb.custom_doc_props.props[0].value = "2"  # casplan.format

    read = read_collect_workbook(filled(fill), NAME)
    assert read.problems[-1] == (
        "audit-department.xlsx:casplan!B1: made in format '2'; this casplan reads format 1: "
        "make the workbook again with this casplan"
    )
    assert read.meta is None and read.rows == []


def test_a_moved_column_is_a_problem_and_no_row_is_read() -> None:
    def fill(wb: Workbook) -> None:
        ws = activities(wb)
        ws["K1"], ws["L1"] = "Value 2", "Value 1"
        ws["K2"] = "x"

    read = read_collect_workbook(filled(fill), NAME)
    assert read.problems == [
        "audit-department.xlsx:Activities!K1: the header is 'Value 2', not 'Value 1'; do not insert, remove or move columns",
        "audit-department.xlsx:Activities!L1: the header is 'Value 1', not 'Value 2'; do not insert, remove or move columns",
    ]
    assert read.rows == []


def test_a_removed_activities_sheet() -> None:
    def fill(wb: Workbook) -> None:
        del wb["Activities"]

    read = read_collect_workbook(filled(fill), NAME)
    assert read.problems == [
        "audit-department.xlsx: the sheet 'Activities' is missing; do not remove or rename it"
    ]
    assert read.meta == META


SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_keeps_the_metadata_and_values_when_it_saves(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / NAME).write_bytes(filled(fill_as_a_unit))
    subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(tmp_path),
            str(tmp_path / "in" / NAME),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    saved = read_collect_workbook((tmp_path / NAME).read_bytes(), NAME)
    original = read_collect_workbook(filled(fill_as_a_unit), NAME)
    assert saved.meta == META
    assert saved.problems == original.problems
    assert saved.rows == original.rows
    ws = activities(load_workbook(tmp_path / NAME))
    assert ws.protection.sheet is True
    assert ws["B2"].protection.locked is True and ws["H2"].protection.locked is False
    assert len(ws.data_validations.dataValidation) == 4


# --- CSV -----------------------------------------------------------------------------------

CSV = (
    "ID;Activity;New status;Date;Note;Value 1;Value 2;Evidence;Spent amount;Currency;Corrects\n"
    '3.10;"Improve\nthe system";in_progress;2018-06-15;"Done; ""mostly""";2 of 3;85;Decision;1.234,50;rsd;\n'
    "3.10.1;x;done;soon;;;;;abc;;2018-06-30#2\n"
    ";;;;;;;;;;\n"
    "4.2;;;30.6.2018;;;;;0;EUR;\n"
)


def test_csv_rows_have_the_same_fields_with_line_and_column() -> None:
    read = read_collect_csv("\ufeff" + CSV, "audit.csv")
    assert read.meta is None
    assert read.problems == [
        "audit.csv:4:4: 'soon' is not a date; write a date like 2018-06-30",
        "audit.csv:4:9: 'abc' is not an amount; write a number like 1234.50",
    ]
    assert [
        (
            r.activity_id,
            r.status,
            r.date,
            r.note,
            dict(r.values),
            r.evidence,
            r.spent,
            r.currency,
            r.corrects,
        )
        for r in read.rows
    ] == [
        (
            "3.10",
            "in_progress",
            date(2018, 6, 15),
            'Done; "mostly"',
            {1: "2 of 3", 2: "85"},
            "Decision",
            Decimal("1234.50"),
            "RSD",
            None,
        ),
        ("3.10.1", "done", None, None, {}, None, None, None, "2018-06-30#2"),
        ("4.2", None, date(2018, 6, 30), None, {}, None, Decimal("0.00"), "EUR", None),
    ]
    first = read.rows[0]
    assert first.at("status") == "audit.csv:2:3"  # the record starts on line 2
    assert read.rows[1].at("date") == "audit.csv:4:4"  # line 3 continues the quoted activity
    assert read.rows[2].at("row") == "audit.csv:6:1"


def test_csv_with_commas_and_translated_headers() -> None:
    text = 'ID,Novi status,Vrednost 2,Iznos\n3.10,completed,7,"1,234.50"\n'
    read = read_collect_csv(text, "a.csv")
    assert read.problems == ["a.csv:1:4: 'Iznos' is not a column of the workbook"]
    assert [(r.status, dict(r.values)) for r in read.rows] == [("completed", {2: "7"})]
    cyrillic = "Број;Нови статус;Вредност 1;Утрошен износ\n3.10;Реализовано;7;1.234,50\n"
    read = read_collect_csv(cyrillic, "b.csv")
    assert read.problems == []
    assert [(r.status, dict(r.values), r.spent) for r in read.rows] == [
        ("Реализовано", {1: "7"}, Decimal("1234.50"))
    ]


def test_csv_header_problems() -> None:
    assert read_collect_csv("", "e.csv").problems == [
        "e.csv:1:1: the file is empty; write a header row first"
    ]
    assert read_collect_csv("Status,Note\ndone,x\n", "n.csv").problems == [
        "n.csv:1:1: there is no 'ID' column"
    ]
    read = read_collect_csv("ID,Staus,Note\n3.10,done,x\n", "u.csv")
    assert read.problems == ["u.csv:1:2: 'Staus' is not a column of the workbook"]
    assert [(r.activity_id, r.note) for r in read.rows] == [("3.10", "x")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.50", Decimal("1234.50")),
        ("1234,5", Decimal("1234.5")),
        ("1,234.50", Decimal("1234.50")),
        ("1.234,50", Decimal("1234.50")),
        ("1.234.567", Decimal("1234567.0")),
        ("1 234 567,89", Decimal("1234567.89")),
        ("1\u00a0234,00", Decimal("1234.00")),
        ("0.5", Decimal("0.5")),
        ("-3", Decimal("-3.0")),
        ("7", Decimal("7.0")),
        (
            "1.234",
            "'1.234' is ambiguous: write 1234 for thousands, or 1.23 with at most 2 decimal places",
        ),
        ("0.125", "'0.125' has more than 2 decimal places"),
        ("1234.567", "'1234.567' has more than 2 decimal places"),
        (
            "1,234",
            "'1,234' is ambiguous: write 1234 for thousands, or 1.23 with at most 2 decimal places",
        ),
        ("1,2,3", "'1,2,3' is not an amount; write a number like 1234.50"),
        ("1e3", "'1e3' is not an amount; write a number like 1234.50"),
        ("", "'' is not an amount; write a number like 1234.50"),
    ],
)
def test_amount_from_text(text: str, expected: Decimal | str) -> None:
    assert amount_from_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018-06-30", date(2018, 6, 30)),
        ("2018-6-3", date(2018, 6, 3)),
        ("30.06.2018", date(2018, 6, 30)),
        ("30.06.2018.", date(2018, 6, 30)),
        ("30. 6. 2018.", date(2018, 6, 30)),
        ("06/30/2018", None),
        ("2018-02-30", None),
        ("30.06.18", None),
        ("", None),
    ],
)
def test_date_from_text(text: str, expected: date | None) -> None:
    assert date_from_text(text) == expected


def test_long_metadata_goes_in_parts_of_255_characters_and_reads_back() -> None:
    many = [replace(ACTIVITIES[0], id=f"3.{n}.{n}") for n in range(1, 61)]
    meta = replace(META, commit="", plan_text_digests={})
    data = build_collect_workbook(meta, many, CURRENCIES, WORDS)
    props = {p.name: p.value for p in opened(data).custom_doc_props.props}
    ids = " ".join(a.id for a in many)
    assert len(ids) > 255
    assert props["casplan.activities"] == ids[:255]
    assert props["casplan.activities#2"] == ids[255:510]
    assert all(len(value or "") <= 255 for value in props.values())

    def fill(wb: Workbook) -> None:
        del wb["casplan"]
        activities(wb)["H61"] = "completed"

    read = read_collect_workbook(filled_from(data, fill), NAME)
    assert read.meta == meta
    assert read.activity_ids == tuple(a.id for a in many)
    assert [(r.activity_id, r.status) for r in read.rows] == [("3.60.60", "completed")]
    assert len(read.problems) == 1 and "'casplan' is missing" in read.problems[0]


def filled_from(data: bytes, fill: Callable[[Workbook], None]) -> bytes:
    wb = opened(data)
    fill(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("unit_id", "name"),
    [
        ("audit-department", "audit-department.xlsx"),
        ("../../etc/passwd", "_.._etc_passwd.xlsx"),
        ("odeljenje za reviziju", "odeljenje_za_reviziju.xlsx"),
        ("..", "unit.xlsx"),
    ],
)
def test_collect_file_name(unit_id: str, name: str) -> None:
    assert collect_file_name(unit_id) == name
