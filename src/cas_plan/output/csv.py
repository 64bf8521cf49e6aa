"""CSV output: one row per record, for spreadsheets and scripts."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from typing import Any

from cas_plan.organization import unit_names
from cas_plan.queries import DueRow
from cas_plan.records import BudgetRecord


def _writer(buffer: io.StringIO) -> Any:
    return csv.writer(buffer, lineterminator="\n")


DUE_CSV_FIELDS = (
    "section",
    "deadline",
    "overdue",
    "id",
    "goal",
    "measure",
    "title",
    "responsible",
    "due",
    "due_as_written",
    "status",
)


def due_csv(rows: Sequence[DueRow], names: Mapping[str, str]) -> str:
    """One row per occurrence."""
    buffer = io.StringIO()
    writer = _writer(buffer)
    writer.writerow(DUE_CSV_FIELDS)
    for row in rows:
        deadline = row.view.due.value
        writer.writerow(
            [
                row.section,
                row.deadline.isoformat() if row.deadline else "",
                "yes" if row.overdue else "",
                row.view.id,
                row.view.goal_id,
                row.view.measure_id,
                row.view.title,
                "; ".join(unit_names(row.view, names)),
                deadline.when.spell() if deadline else "",
                (deadline.as_written or "") if deadline else "",
                row.status,
            ]
        )
    return buffer.getvalue()


BUDGET_CSV_FIELDS = ("name", "currency", "basis", "procurement", "total", "activities", "spent")


def budget_csv(record: BudgetRecord) -> str:
    """One row per group, currency, basis and procurement; the first column is the grouping."""
    buffer = io.StringIO()
    writer = _writer(buffer)
    writer.writerow([record["by"], *BUDGET_CSV_FIELDS])
    for line in record["lines"]:
        writer.writerow(
            [
                line["group"],
                line["name"],
                line["currency"],
                line["basis"],
                line["procurement"],
                line["total"],
                " ".join(line["activities"]),
                "",
            ]
        )
    # what was spent: rows of procurement "spent" with the amount in the last column, so the
    # existing columns keep their places; never added to the indicative totals
    spent_basis = str(record["year"]) if record["year"] is not None else "all years"
    for spent in record["spent"]:
        if spent["spent"] is None:
            continue
        writer.writerow(
            [
                spent["group"],
                spent["name"],
                spent["currency"],
                spent_basis,
                "spent",
                "",
                " ".join(spent["activities"]),
                spent["spent"],
            ]
        )
    return buffer.getvalue()


def rows_csv(rows: Sequence[Sequence[str]]) -> str:
    """Rows (the first one the header) as CSV text."""
    buffer = io.StringIO()
    _writer(buffer).writerows(rows)
    return buffer.getvalue()
