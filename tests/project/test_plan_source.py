"""plan/ is the source document, faithfully: every id, and every cell text as printed."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from plans import REAL_PLAN, SOURCE_TEXT

TAG = re.compile(r"</?p>")
ACTIVITY_AT_CELL_START = re.compile(r"^(\d+\.\d+\.\d+(?:\.\d+)?)\.? [A-Za-z„“]")
MEASURE_AT_CELL_START = re.compile(r"^(\d\.\d+)\.? [A-Za-z]")


def source_rows() -> list[list[str]]:
    text = SOURCE_TEXT.read_text(encoding="utf-8")
    table = text[text.index("III ACTIVITIES") :]
    rows = []
    for line in table.splitlines():
        if "\t" in line and not line.startswith("Measure\tActivities"):
            rows.append([TAG.sub("", cell).strip() for cell in (line.split("\t") + [""] * 6)[:6]])
    return rows


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    """`casplan list --format json` of the real plan."""
    from typer.testing import CliRunner

    from cas_plan.cli import app

    result = CliRunner().invoke(app, ["list", "--plan", str(REAL_PLAN), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_activity_id_of_the_source_is_in_the_plan(records):
    in_source = set()
    for row in source_rows():
        for cell in row[:2]:  # rows 8.8.2-8.8.6 lost their first column: the id is in column 1
            if m := ACTIVITY_AT_CELL_START.match(cell):
                in_source.add(m[1])
    in_plan = {r["id"] for r in records if not r["unnumbered"]}
    assert len(in_source) == 237
    assert in_plan == in_source
    assert [r["id"] for r in records if r["unnumbered"]] == ["7.3.1"]


def test_goals_and_measures_match_the_source(records):
    measures = {m[1] for row in source_rows() if (m := MEASURE_AT_CELL_START.match(row[0]))}
    assert len(measures) == 45
    assert {r["measure"] for r in records} == measures
    assert sorted({r["goal"] for r in records}) == [str(n) for n in range(1, 9)]


def test_titles_are_printed_in_the_source(records):
    text = TAG.sub("", SOURCE_TEXT.read_text(encoding="utf-8"))
    missing = [r["id"] for r in records if r["title"] not in text]
    assert missing == []


def column_texts(column: int) -> set[str]:
    """Every cell of a column, and joins of 2-4 consecutive non-empty cells (cells split by rows)."""
    cells = [row[column] for row in source_rows()]
    found = set(cells)
    non_empty = [c for c in cells if c]
    for size in (2, 3, 4):
        for start in range(len(non_empty) - size + 1):
            found.add(" ".join(non_empty[start : start + size]))
    return found


def cells_of(records: list[dict[str, Any]], key: str) -> Iterator[tuple[str, str]]:
    seen = set()
    for r in records:
        value = r[key]["as_written"] if isinstance(r[key], dict) else r[f"{key}_as_written"]
        if value and value not in seen:
            seen.add(value)
            yield r["id"], value


def test_responsible_funds_and_due_cells_are_verbatim(records):
    responsible, funds, due = column_texts(3), column_texts(4), column_texts(5)
    assert [c for c in cells_of(records, "responsible") if c[1] not in responsible] == []
    assert [c for c in cells_of(records, "funds") if c[1] not in funds] == []
    assert [c for c in cells_of(records, "due") if TAG.sub("", c[1]) not in due] == []


def test_amounts_and_indicators_come_from_their_cells(records):
    for r in records:
        for amount in r["funds"]["amounts"]:
            assert amount["as_written"] in r["funds"]["as_written"], r["id"]
    text = SOURCE_TEXT.read_text(encoding="utf-8")
    for r in records:
        for indicator in r["indicators"]:
            assert indicator in text, (r["id"], indicator)


def test_known_readings(records):
    """Spot checks of cells a careless reading gets wrong."""
    by_id = {r["id"]: r for r in records}
    assert [
        (a["amount"], a["currency"], a["year"]) for a in by_id["5.5.4"]["funds"]["amounts"]
    ] == [
        ("2677411.58", "EUR", 2017),
        ("2619617.83", "EUR", 2018),
        ("1207368.00", "EUR", 2019),
        ("193010.92", "EUR", 2020),
    ]
    assert by_id["2.1.3"]["funds"]["amounts"][0]["amount"] == "40713020.00"
    assert by_id["2.1.3"]["funds"]["amounts"][0]["annual"] is True
    assert by_id["6.1.1"]["due"]["spelling"] == "2018-Q4"
    assert by_id["5.5.5"]["due"]["spelling"] == "2018-Q2"
    assert by_id["7.2.1"]["due"]["spelling"] == "2020.."
    assert by_id["3.8.2"]["due"]["spelling"] == "2017-03-28..2017-03-30"
    assert by_id["3.5.1.6"]["due"]["spelling"] == "yearly 11"
    assert by_id["4.2.1"]["due"]["spelling"] == "nc33-opening..eu-accession"
    assert by_id["3.1.5"]["due"]["spelling"] == "2y after ais-aes-project-start"
    # merged cells continue down the measure
    assert by_id["1.1.5"]["responsible"] == by_id["1.1.1"]["responsible"]
    assert by_id["1.1.5"]["written_on"]["responsible"] == "1.1.1"
    assert [u["unit"] for u in by_id["7.1.1.3"]["responsible"]] == [
        "investments-financial-legal-division",
        "procurement-investments-department",
    ]
    assert by_id["8.8.4"]["funds"]["amounts"][0]["amount"] == "75000000"
