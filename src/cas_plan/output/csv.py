"""CSV output: one row per record, for spreadsheets and scripts.

Every cell goes through `spreadsheet_safe`: a spreadsheet runs a cell that starts with `=`, `+`,
`-` or `@` (or a tab or CR before one) as a formula, so such a cell is written with a leading
`'`, as OWASP's "CSV Injection" advises. casplan writes no negative amounts and no id starts with
one of those characters, so only plan text is ever changed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

from cas_plan.answers.followup import Followup
from cas_plan.answers.queries import DueRow, deadline_text
from cas_plan.answers.records import BudgetRecord, ReportDeadlineRecord
from cas_plan.core.organization import responsible_names

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A cell a spreadsheet shows as text, never runs: text that starts like a formula gets a
    leading `'` (the prefix Excel, LibreOffice and Google Sheets hide). A CR becomes LF, which
    the writer quotes (it quotes only the characters of its line end), so a CR cannot end a
    row for a reader either."""
    if not isinstance(value, str):
        return value
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    return "'" + text if value.startswith(FORMULA_STARTS) else text


class _SafeWriter:
    """csv.writer whose every cell goes through `spreadsheet_safe`: the one way casplan writes
    CSV."""

    def __init__(self, buffer: io.StringIO) -> None:
        self._writer = csv.writer(buffer, lineterminator="\n")

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow([spreadsheet_safe(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def _writer(buffer: io.StringIO) -> _SafeWriter:
    return _SafeWriter(buffer)


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
                "; ".join(responsible_names(row.view, names)),
                deadline.when.spell() if deadline else "",
                (deadline.as_written or "") if deadline else "",
                row.status,
            ]
        )
    return buffer.getvalue()


def reports_csv(records: Sequence[ReportDeadlineRecord]) -> str:
    """`due --reports --format csv`: one row per report the coordinator owes."""
    rows = [[r["due"], r["kind"], r["period"], r["first_day"], r["last_day"]] for r in records]
    return rows_csv([["due", "kind", "period", "first_day", "last_day"], *rows])


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


FOLLOWUP_CSV_FIELDS = ("unit", "unit_name", "last_report", "id", "title", "deadline", "status")


def followup_csv(result: Followup) -> str:
    """One row per activity without a report."""
    rows: list[Sequence[str]] = [FOLLOWUP_CSV_FIELDS]
    for item in result.units:
        last = item.last_report.isoformat() if item.last_report else ""
        for m in item.missing:
            deadline = deadline_text(m.due)
            rows.append([item.unit.id, item.unit.name, last, m.id, m.title, deadline, m.status])
    return rows_csv(rows)
