# ruff: noqa: RUF001  (Cyrillic letters that look like Latin ones are the point of a test)
"""`casplan collect` and `casplan import`: workbooks for the bundled plan, filled with openpyxl
as a unit would, read back into progress entries through the one path `progress` takes."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from workbooks import GOOD, fill

from cas_plan.collect.read import read_collect_workbook
from plans import REAL_PLAN

AUDIT = "audit-department"
MEASURE_35 = "goal-3/measure-3.5.yaml"


@pytest.fixture
def plan(tmp_path) -> Path:
    target = tmp_path / "plan"
    shutil.copytree(REAL_PLAN, target)
    return target


@pytest.fixture
def out(tmp_path) -> Path:
    directory = tmp_path / "out"
    directory.mkdir()
    return directory


def collect(invoke, plan: Path, out: Path, *units: str) -> None:
    args = [arg for unit in units for arg in ("--unit", unit)]
    result = invoke("collect", "--plan", str(plan), "--period", "2018-Q4", "--out", str(out), *args)
    assert result.exit_code == 0, result.output


ADDED_35 = """\
plan/goal-3/measure-3.5.yaml: added 2 progress entries to 3.5.1.1, 3.5.1.6:
+        progress:
+          - date: 2018-12-20
+            status: in_progress
+            values:
+              Recommendations from audit reports made, in order to improve the current way of work of audit subjects and to remove defects, errors and shortcomings: '12'
+            spent:
+              - amount: 1200.50 RSD
+                year: 2018
+            reported_by: audit-department
+        progress:
+          - date: 2018-11-28
+            status: completed
+            note: The annual audit plan for 2019 adopted
+            values:
+              The Annual audit plan for the next year adopted: adopted
+            evidence:
+              - 'doc: 148-01-123/2018'
+            reported_by: audit-department
"""


def test_collect_writes_one_workbook_per_unit_asked(invoke, plan, out):
    result = invoke(
        "collect", "--plan", str(plan), "--period", "2018-Q4", "--out", str(out),
        "--unit", AUDIT, "--unit", "Internal Affairs",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"wrote {out}/audit-department.xlsx (Audit Department: 16 activities)\n"
        f"wrote {out}/internal-affairs-department.xlsx "
        "(Internal Affairs Department: 20 activities)\n"
    )
    read = read_collect_workbook((out / "audit-department.xlsx").read_bytes(), "a.xlsx")
    assert read.problems == []
    assert read.rows == []
    assert read.meta is not None
    assert (read.meta.unit_id, read.meta.period_text) == (AUDIT, "2018-Q4")
    assert (read.meta.period_start, read.meta.period_end) == (
        dt.date(2018, 10, 1),
        dt.date(2018, 12, 31),
    )
    assert read.meta.commit == "none"  # the copy is not in a git repository
    assert read.activity_ids == (
        "3.1.8", "3.4.1", "3.4.2", "3.4.3", "3.5.1", "3.5.1.1", "3.5.1.2", "3.5.1.3",
        "3.5.1.4", "3.5.1.5", "3.5.1.6", "3.5.1.7", "3.5.1.8", "5.3.2", "5.3.3", "5.3.4",
    )  # fmt: skip
    ws = load_workbook(out / "audit-department.xlsx")["Activities"]
    assert [cell.value for cell in ws[1]] == [
        "ID", "Activity", "Indicators", "Deadline", "Current status", "Status date",
        "Latest note", "New status", "Date", "Note", "Value 1", "Value 2", "Evidence",
        "Spent amount", "Currency", "Corrects",
    ]  # fmt: skip
    assert ws.freeze_panes == "B2"


def test_collect_every_responsible_unit_and_in_serbian(invoke, plan, out):
    result = invoke(
        "collect", "--plan", str(plan), "--period", "2018-Q4", "--out", str(out), "--lang", "sr"
    )
    assert result.exit_code == 0, result.output
    names = sorted(path.name for path in out.iterdir())
    assert len(names) == 20  # the 24 units less the 4 collectives, which their units report for
    assert "all-divisions.xlsx" not in names
    wb = load_workbook(out / "audit-department.xlsx")
    assert wb.sheetnames == ["Uputstvo", "Aktivnosti", "casplan"]
    assert wb["Aktivnosti"]["H1"].value == "Novi status"


def test_a_cyrillic_workbook_says_everything_in_cyrillic_and_imports(invoke, plan, out):
    result = invoke(
        "collect", "--plan", str(plan), "--period", "2018-Q4", "--out", str(out),
        "--unit", AUDIT, "--lang", "sr-Cyrl",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    path = out / "audit-department.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == ["Упутство", "Активности", "casplan"]
    ws = wb["Активности"]
    assert [cell.value for cell in ws[1]][:8] == [
        "Број", "Активност", "Показатељи", "Рок", "Тренутни статус", "Датум статуса",
        "Последња напомена", "Нови статус",
    ]  # fmt: skip
    rows = {ws.cell(row, 1).value: row for row in range(2, ws.max_row + 1)}
    # deadlines in words, never their codes nor the source's English
    assert ws[f"D{rows['3.5.1.1']}"].value == "континуирано"
    assert ws[f"D{rows['3.5.1.6']}"].value == "новембар сваке године"
    assert [wb["casplan"][f"D{r}"].value for r in range(2, 7)] == [
        "Није започето", "У току", "Реализовано", "Касни", "Отказано",
    ]  # fmt: skip
    assert [wb["Упутство"].cell(r, 1).value for r in range(1, 3)] == [
        "Извештај о напретку: Audit Department",
        "Акциони план: Action Plan for implementation of the Development Plan of the Customs "
        "Service of the Republic of Serbia for the period 2017-2020. "
        "Период: 1. октобар – 31. децембар 2018.",
    ]
    # a status is read back from the workbook's label, any language's label or its code, in
    # any case
    typed = {"3.5.1.6": "Реализовано", "3.5.1.1": "u TOKU", "3.5.1.2": "DELAYED"}
    for activity, status in typed.items():
        ws[f"H{rows[activity]}"] = status
        ws[f"I{rows[activity]}"] = dt.datetime(2018, 12, 20)
    wb.save(path)
    result = invoke("import", "--plan", str(plan), str(path))
    assert result.exit_code == 0, result.output
    added = (plan / MEASURE_35).read_text(encoding="utf-8")
    assert [added.count(f"status: {code}") for code in ("completed", "in_progress", "delayed")] == [
        1,
        1,
        1,
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--period", "2018-Q5"),
            "--period: '2018-Q5' is not a period; write 2018, 2018-H1, 2018-Q4, 2018-07 or 2018-01-01..2018-06-30",
        ),
        (("--period", "2018", "--lang", "de"), "--lang: 'de' is not one of en, sr, sr-Cyrl"),
        (("--period", "2018", "--unit", "nobody"), "unknown unit 'nobody' (see 'casplan units')"),
    ],
)
def test_collect_bad_values(invoke, plan, out, args, message):
    result = invoke("collect", "--plan", str(plan), "--out", str(out), *args)
    assert result.exit_code == 2
    assert result.stderr == f"casplan: error: {message}\n"
    assert list(out.iterdir()) == []


def test_collect_into_a_missing_directory(invoke, plan, tmp_path):
    """A missing folder is made when its parent exists (it refused before); a missing parent is
    refused."""
    out = tmp_path / "no"
    result = invoke("collect", "--plan", str(plan), "--period", "2018", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / f"{AUDIT}.xlsx").is_file()
    deeper = tmp_path / "none" / "deeper"
    result = invoke("collect", "--plan", str(plan), "--period", "2018", "--out", str(deeper))
    assert result.exit_code == 2
    assert result.stderr == (
        f"casplan: error: --out: directory '{tmp_path / 'none'}' does not exist\n"
    )
    assert not (tmp_path / "none").exists()


def test_every_problem_of_every_file_and_nothing_written(invoke, plan, out, monkeypatch):
    collect(invoke, plan, out, AUDIT)
    bad = out / "bad" / "audit-department.xlsx"
    bad.parent.mkdir()
    shutil.copy(out / "audit-department.xlsx", bad)
    fill(
        bad,
        {
            ("3.4.1", "H"): "in_progress",  # evidence that is none
            ("3.4.1", "I"): dt.datetime(2018, 12, 1),
            ("3.4.1", "M"): "the minutes",
            ("3.5.1.1", "H"): "in_progress",  # a bad date
            ("3.5.1.1", "I"): "31.11.2018",
            ("3.5.1.6", "H"): "done",  # a bad status
            ("3.5.1.6", "I"): dt.datetime(2018, 11, 28),
            ("5.3.2", "A"): "1.1.1",  # another unit's activity written over an id
            ("5.3.2", "H"): "in_progress",
            ("5.3.3", "H"): "in_progress",  # a value for an indicator 5.3.3 does not have
            ("5.3.3", "I"): dt.datetime(2018, 12, 1),
            ("5.3.3", "L"): "5",
        },
    )
    good = fill(out / "audit-department.xlsx", GOOD)
    csv = out / "audit-department.csv"
    csv.write_text(
        "ID,New status,Date,Note\n"
        "1.1.1,in_progress,2018-12-01,Not ours\n"
        ",,,\n"
        "3.5.1.8,in_progress,2018-12-10,Instructions updated\n",
        encoding="utf-8",
    )
    before = (plan / MEASURE_35).read_bytes()
    monkeypatch.chdir(out)
    result = invoke(
        "import",
        "--plan",
        str(plan),
        "bad/audit-department.xlsx",
        "audit-department.csv",
        "audit-department.xlsx",
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "audit-department.xlsx:Activities!M3: 'the minutes' is not evidence; write a web address (https://...), a document reference (doc: br. 148-01-123/2018) or a path on a file share (\\\\server\\share\\folder\\file.pdf)\n"
        "audit-department.xlsx:Activities!I7: '31.11.2018' is not a date; write a date like 2018-06-30\n"
        "audit-department.xlsx:Activities!H12: 'done' is not a status; choose one of Not started, In progress, Completed, Delayed, Cancelled\n"
        "audit-department.xlsx:Activities!A15: '1.1.1' is not one of the activities this workbook was made for; do not change the id column\n"
        "audit-department.xlsx:Activities!L16: 5.3.3 has 1 indicator, so there is no value 2; leave the cell empty\n"
        "audit-department.csv:2:1: audit-department is not responsible for 1.1.1 (customs-procedures-division is); leave the row empty\n"
        "casplan: error: 6 problems; nothing was written\n"
    )
    assert (plan / MEASURE_35).read_bytes() == before
    assert good.is_file()


def test_a_clean_import_then_the_same_again(invoke, plan, out):
    collect(invoke, plan, out, AUDIT, "internal-affairs-department")
    fill(out / "audit-department.xlsx", GOOD)
    fill(
        out / "internal-affairs-department.xlsx",
        {("6.3.1", "H"): "in_progress", ("6.3.1", "I"): dt.datetime(2018, 10, 15)},
    )
    books = [str(out / "audit-department.xlsx"), str(out / "internal-affairs-department.xlsx")]
    before = (plan / MEASURE_35).read_text(encoding="utf-8")

    dry = invoke("import", "--plan", str(plan), "--dry-run", *books)
    assert dry.exit_code == 0, dry.output
    assert (plan / MEASURE_35).read_text(encoding="utf-8") == before

    result = invoke("import", "--plan", str(plan), *books)
    assert result.exit_code == 0, result.output
    summary = (
        "audit-department.xlsx: 2 rows to add\ninternal-affairs-department.xlsx: 1 row to add\n"
    )
    added_63 = (
        "plan/goal-6/measure-6.3.yaml: added a progress entry to 6.3.1:\n"
        "+    progress:\n"
        "+      - date: 2018-10-15\n"
        "+        status: in_progress\n"
        "+        reported_by: internal-affairs-department\n"
    )
    shown = f"{plan}/"
    assert result.stdout == summary + (ADDED_35 + added_63).replace("plan/", shown)
    assert dry.stdout == (
        summary
        + (ADDED_35 + added_63).replace("plan/", shown).replace(": added", ": would add")
        + "dry run: nothing was written\n"
    )
    after = (plan / MEASURE_35).read_text(encoding="utf-8")
    assert [line for line in after.splitlines() if line not in before.splitlines()]

    again = invoke("import", "--plan", str(plan), *books)
    assert again.exit_code == 0, again.output
    assert again.stdout == (
        "audit-department.xlsx: 2 rows already recorded, nothing to add\n"
        "internal-affairs-department.xlsx: 1 row already recorded, nothing to add\n"
    )
    assert (plan / MEASURE_35).read_text(encoding="utf-8") == after

    validate = invoke("validate", "--plan", str(plan))
    assert validate.exit_code == 0, validate.output


def test_an_empty_workbook_adds_nothing(invoke, plan, out):
    collect(invoke, plan, out, AUDIT)
    result = invoke("import", "--plan", str(plan), str(out / "audit-department.xlsx"))
    assert result.exit_code == 0, result.output
    assert result.stdout == "audit-department.xlsx: no row filled, nothing to add\n"


def test_a_row_whose_plan_text_changed_since(invoke, plan, out):
    collect(invoke, plan, out, AUDIT)
    fill(out / "audit-department.xlsx", GOOD)
    measure = plan / MEASURE_35
    text = measure.read_text(encoding="utf-8")
    measure.write_text(
        text.replace("The Annual audit plan for the next year adopted", "The plan adopted"),
        encoding="utf-8",
    )
    result = invoke("import", "--plan", str(plan), str(out / "audit-department.xlsx"))
    assert result.exit_code == 1
    assert result.stderr == (
        "audit-department.xlsx:Activities!A12: the plan text of 3.5.1.6 changed since the "
        "workbook was made (its title, indicators or deadline); make a new workbook, or import "
        "the other rows with --skip-stale\n"
        "casplan: error: 1 problem; nothing was written\n"
    )


def test_a_csv_file_is_read_like_a_workbook(invoke, plan, tmp_path):
    csv = tmp_path / "audit-department.csv"
    csv.write_text(
        "ID;New status;Date;Value 1\n3.5.1.8;in_progress;10.12.2018.;yes\n", encoding="utf-8"
    )
    result = invoke("import", "--plan", str(plan), str(csv))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        "audit-department.csv: 1 row to add",
        f"{plan}/goal-3/measure-3.5.yaml: added a progress entry to 3.5.1.8:",
    ]
    stranger = tmp_path / "filled.csv"
    stranger.write_text("ID,New status,Date\n3.5.1.8,completed,2018-12-10\n", encoding="utf-8")
    result = invoke("import", "--plan", str(plan), str(stranger))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "filled.csv: the unit is not known: name a CSV file after its unit (audit-department.csv)"
    )


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_workbook_saved_again_by_libreoffice_imports(invoke, plan, out, tmp_path):
    """A unit that fills the workbook in LibreOffice Calc saves it with LibreOffice's own
    writer: the metadata (custom properties, the hidden sheet) and the cells must survive."""
    import subprocess

    collect(invoke, plan, out, AUDIT)
    fill(out / "audit-department.xlsx", GOOD)
    saved = tmp_path / "saved"
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
         "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(saved),
         str(out / "audit-department.xlsx")],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    result = invoke(
        "import", "--plan", str(plan), "--dry-run", str(saved / "audit-department.xlsx")
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "audit-department.xlsx: 2 rows to add\n"
        + ADDED_35.replace("plan/", f"{plan}/").replace(": added", ": would add")
        + "dry run: nothing was written\n"
    )
