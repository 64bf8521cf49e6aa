"""`--format xlsx --out FILE` on list, due, who and budget: typed cells, frozen header,
autofilter; xlsx without --out, and --out with another format, are usage errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from plans import REAL_PLAN, forms_files, write_plan


@pytest.fixture
def forms(tmp_path):
    return write_plan(tmp_path / "p", forms_files())


def test_list_keeps_ids_as_text_and_dates_as_dates(invoke, forms, tmp_path):
    out = tmp_path / "list.xlsx"
    result = invoke(
        "list", "--plan", str(forms), "--format", "xlsx", "--out", str(out), "--as-of", "2019-01-01"
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out} (12 rows)\n"
    ws = load_workbook(out)["Activities"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:L13"
    rows = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    ten = rows["1.1.10"]
    assert ten[0].data_type == "s" and ten[2].value == "1.1"
    first = rows["1.1.1"]
    assert [cell.value for cell in first] == [
        "1.1.1", "1", "1.1", None, "A day", "1. Rules adopted", "Human Resources Division",
        "2018-12-31", dt.datetime(2018, 12, 31), dt.datetime(2018, 12, 31), "completed",
        dt.datetime(2018, 11, 1),
    ]  # fmt: skip
    assert first[8].is_date and first[8].number_format == "yyyy-mm-dd"


def test_due_and_who(invoke, forms, tmp_path):
    out = tmp_path / "due.xlsx"
    result = invoke(
        "due",
        "--plan",
        str(forms),
        "--before",
        "2018-12-31",
        "--as-of",
        "2018-12-31",
        "--format",
        "xlsx",
        "--out",
        str(out),
    )
    assert result.exit_code == 0, result.output
    ws = load_workbook(out)["Due"]
    header = [cell.value for cell in ws[1]]
    assert header[:4] == ["Due on", "Overdue", "Section", "ID"]
    second = [cell.value for cell in ws[2]][:4]
    assert second[0] == dt.datetime(2017, 3, 30) and second[1] is True and second[3] == "1.1.5"

    out = tmp_path / "who.xlsx"
    result = invoke("who", "audit", "--plan", str(forms), "--format", "xlsx", "--out", str(out))
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["Audit Department"]
    ids = [cell.value for cell in wb.worksheets[0]["A"]]
    assert ids[:4] == ["ID", "1.1.3", "1.1.4", "1.1.5"]  # 1.1.4 continues 1.1.3's cell


def test_budget_amounts_are_numbers_with_the_currency_apart(invoke, tmp_path):
    out = tmp_path / "budget.xlsx"
    result = invoke(
        "budget", "--plan", str(REAL_PLAN), "--by", "unit", "--format", "xlsx", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["Budget", "Totals"]
    ws = wb["Budget"]
    assert [cell.value for cell in ws[1]] == [
        "Unit",
        "Name",
        "Amount",
        "Currency",
        "Basis",
        "Procurement",
        "Activities",
    ]
    amount, currency = ws["C2"], ws["D2"]
    assert amount.data_type == "n" and amount.number_format == "#,##0.00"
    assert Decimal(str(amount.value)) == Decimal("40713020")
    assert currency.value == "RSD"
    assert {ws.cell(row, 4).value for row in range(2, ws.max_row + 1)} <= {"RSD", "EUR"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("list", "--format", "xlsx"), "--format xlsx: a workbook is a file; give --out FILE.xlsx"),
        (
            ("budget", "--format", "xlsx"),
            "--format xlsx: a workbook is a file; give --out FILE.xlsx",
        ),
        (("list", "--out", "a.xlsx"), "--out: goes with --format xlsx, not --format table"),
        (
            ("who", "audit", "--format", "json", "--out", "a.xlsx"),
            "--out: goes with --format xlsx, not --format json",
        ),
        (
            ("due", "--before", "2018-12-31", "--format", "xlsx", "--out", "no/such/a.xlsx"),
            "--out: directory 'no/such' does not exist",
        ),
    ],
)
def test_xlsx_and_out_go_together(invoke, forms, args, message):
    result = invoke(*args, "--plan", str(forms))
    assert result.exit_code == 2
    assert result.stderr == f"casplan: error: {message}\n"
