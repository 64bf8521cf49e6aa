"""Filling a unit's collection workbook as a unit would, for the tests of collect, import and
followup (the rows are test data for the bundled plan's Audit Department, not real progress)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import load_workbook


def fill(path: Path, cells: dict[tuple[str, str], object]) -> Path:
    """Write values into the Activities sheet as a unit would: {(activity id, column): value}."""
    wb = load_workbook(path)
    ws = wb["Activities"]
    rows = {ws.cell(row, 1).value: row for row in range(2, ws.max_row + 1)}
    for (activity, column), value in cells.items():
        ws[f"{column}{rows[activity]}"] = value
    wb.save(path)
    return path


GOOD = {
    ("3.5.1.6", "H"): "completed",
    ("3.5.1.6", "I"): dt.datetime(2018, 11, 28),
    ("3.5.1.6", "J"): "The annual audit plan for 2019 adopted",
    ("3.5.1.6", "K"): "adopted",
    ("3.5.1.6", "M"): "doc: 148-01-123/2018",
    ("3.5.1.1", "H"): "in_progress",
    ("3.5.1.1", "I"): "2018-12-20",
    ("3.5.1.1", "K"): "12",
    ("3.5.1.1", "N"): 1200.5,
    ("3.5.1.1", "O"): "RSD",
}
