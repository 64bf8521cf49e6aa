"""Excel workbooks (.xlsx, written with openpyxl) for tables the ministry reads and sorts.

Every cell gets its type on purpose: ids and text are string cells even when they look like
numbers or formulas (so "3.10" stays "3.10" and a title starting with "=" is never run), dates
are date cells, amounts are numbers. The same input gives byte-identical bytes, so an export can
be committed and compared. The building blocks are shared with `cas_plan.collect.write`; reading
a filled workbook back is `cas_plan.collect.cells`' job.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from cas_plan.core.diagnostics import visible
from cas_plan.output.text import report_kind_word, report_period_words

if TYPE_CHECKING:
    from cas_plan.answers.records import (
        ActivityRecord,
        BudgetRecord,
        DueRecord,
        ReportDeadlineRecord,
        WhoRecord,
    )

Kind = Literal["text", "id", "date", "integer", "decimal", "currency", "bool"]

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
INTEGER_FORMAT = "0"
MAX_WIDTH = 60
"""Widest column, in characters; longer text wraps inside the cell."""
MAX_CELL_TEXT = 32767
"""Excel's limit on the characters of one cell: longer text makes Excel repair the file."""
FIXED_TIME = datetime(2017, 1, 1)
"""Creation time written when the caller gives none, so equal input gives equal bytes."""

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill(fill_type="solid", start_color="FFD9E1F2", end_color="FFD9E1F2")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    """One column of a table: its header, what its cells hold, and a width to force (else fit)."""

    header: str
    kind: Kind
    width: int | None = None


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a header row from `columns`, then `rows` (None is an empty cell)."""

    name: str
    columns: Sequence[Column]
    rows: Sequence[Sequence[object | None]]


# --- writing -------------------------------------------------------------------------------


def visible_text(text: str) -> str:
    """Text as it can go into a cell: `diagnostics.visible` (characters XML 1.0 forbids, on
    which openpyxl raises IllegalCharacterError, and the invisible controls written out as
    `\\x1b`; a CR as a line break, as XML readers take it, so what is written equals what is
    read), and text past Excel's limit cut with a visible mark, so plan text can neither crash
    the writer nor hide."""
    text = visible(text)
    if len(text) > MAX_CELL_TEXT:
        mark = " [...]"
        text = text[: MAX_CELL_TEXT - len(mark)] + mark
    return text


def set_text(cell: Cell, text: str) -> None:
    """Put `text` in `cell` as a string cell. openpyxl makes any str starting with "=" a
    formula; forcing the type to 's' afterwards keeps it text, so plan text never runs."""
    cell.value = visible_text(text)
    cell.data_type = "s"
    cell.number_format = TEXT_FORMAT


def set_date(cell: Cell, value: date) -> None:
    """A date cell shown as yyyy-mm-dd, whatever the reader's locale."""
    if isinstance(value, datetime):
        value = value.date()
    cell.value = value
    cell.number_format = DATE_FORMAT


def decimal_format(places: int) -> str:
    """`#,##0.00` for money, more zeros when the amount itself has more places."""
    places = max(places, 2)
    return "#,##0." + "0" * places


def decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def set_decimal(cell: Cell, value: Decimal | int) -> None:
    """A number cell. Excel keeps numbers as doubles, so the cell shows (and `cell_decimal`
    reads back) the amount's own places, at least 2: the number format is what makes 0.1 + 0.2
    read back as 0.30, not 0.30000000000000004."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"an amount is a Decimal or an int, not {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError(f"an amount is a finite number, not {value}")
    cell.value = value
    cell.number_format = decimal_format(decimal_places(Decimal(value)))


def set_value(cell: Cell, kind: Kind, value: object | None) -> None:
    """Write `value` with the cell type its column's kind asks for."""
    if value is None:
        if kind in ("text", "id", "currency"):
            cell.number_format = TEXT_FORMAT
        elif kind == "date":
            cell.number_format = DATE_FORMAT
        return
    if kind in ("text", "id", "currency"):
        set_text(cell, value if isinstance(value, str) else str(value))
    elif kind == "date":
        if not isinstance(value, date):
            raise TypeError(f"a date column holds datetime.date, not {type(value).__name__}")
        set_date(cell, value)
    elif kind == "decimal":
        if not isinstance(value, Decimal | int) or isinstance(value, bool):
            raise TypeError(f"a decimal column holds Decimal, not {type(value).__name__}")
        set_decimal(cell, value)
    elif kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"an integer column holds int, not {type(value).__name__}")
        cell.value = value
        cell.number_format = INTEGER_FORMAT
    else:  # bool
        if not isinstance(value, bool):
            raise TypeError(f"a bool column holds bool, not {type(value).__name__}")
        cell.value = value


def shown_length(kind: Kind, value: object | None) -> int:
    """How many characters the widest line of a cell takes on screen, to fit the column."""
    if value is None:
        return 0
    if kind == "date":
        return 10
    if kind == "decimal" and isinstance(value, Decimal | int):
        places = max(decimal_places(Decimal(value)), 2)
        return len(f"{Decimal(value):,.{places}f}")
    if kind == "bool":
        return 5
    text = visible_text(value if isinstance(value, str) else str(value))
    return max((len(line) for line in text.split("\n")), default=0)


def fit_width(lengths: Sequence[int], *, minimum: int = 6, maximum: int = MAX_WIDTH) -> int:
    """A column width (in characters, with a little air) that shows the longest value, capped."""
    longest = max(lengths, default=0)
    return max(minimum, min(maximum, longest + 2))


def sheet_title(name: str, taken: Sequence[str] = ()) -> str:
    """A worksheet name Excel accepts: no `[]:*?/\\`, no leading or trailing apostrophe, at
    most 31 characters, not empty, not 'History' (reserved), unique ignoring case."""
    clean = _SHEET_NAME_FORBIDDEN.sub("_", visible_text(name).replace("\n", " ")).strip("'")
    clean = clean.strip() or "Sheet"
    if clean.casefold() == "history":
        clean = "History_"
    clean = clean[:31]
    lowered = {title.casefold() for title in taken}
    candidate, number = clean, 1
    while candidate.casefold() in lowered:
        number += 1
        suffix = f" ({number})"
        candidate = clean[: 31 - len(suffix)] + suffix
    return candidate


def cell_at(ws: Worksheet, row: int, column: int) -> Cell:
    """The cell at (row, column); a merged cell has no value of its own, and we merge none."""
    cell = ws.cell(row=row, column=column)
    if not isinstance(cell, Cell):
        raise TypeError(f"{cell.coordinate} is part of a merged range")
    return cell


def style_header(ws: Worksheet, count: int) -> None:
    """Bold, shaded, wrapped header row, frozen at the top so it stays while scrolling."""
    for column in range(1, count + 1):
        cell = ws.cell(row=1, column=column)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = WRAP


def fit_for_print(ws: Worksheet) -> None:
    """Landscape, all columns on one page width, the header repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]
    ws.print_title_rows = "1:1"


def add_table_sheet(wb: Workbook, sheet: Sheet, taken: Sequence[str]) -> Worksheet:
    """One table on a new worksheet: typed cells, header, freeze, autofilter, fitted widths."""
    ws: Worksheet = wb.create_sheet(sheet_title(sheet.name, taken))
    count = len(sheet.columns)
    for column, spec in enumerate(sheet.columns, start=1):
        set_text(cell_at(ws, 1, column), spec.header)
    style_header(ws, count)
    lengths: list[list[int]] = [[] for _ in sheet.columns]
    for row_number, row in enumerate(sheet.rows, start=2):
        if len(row) != count:
            raise ValueError(
                f"sheet {sheet.name!r} row {row_number} has {len(row)} cells for {count} columns"
            )
        for column, (spec, value) in enumerate(zip(sheet.columns, row, strict=True), start=1):
            cell = cell_at(ws, row_number, column)
            set_value(cell, spec.kind, value)
            length = shown_length(spec.kind, value)
            lengths[column - 1].append(length)
    for column, spec in enumerate(sheet.columns, start=1):
        # the longest word of the header, and room for the autofilter's button
        header = max((len(word) for word in spec.header.split()), default=0) + 2
        width = spec.width or fit_width([header, *lengths[column - 1]])
        ws.column_dimensions[get_column_letter(column)].width = width
        for row_number, length in enumerate(lengths[column - 1], start=2):
            cell = cell_at(ws, row_number, column)
            multiline = isinstance(cell.value, str) and "\n" in cell.value
            cell.alignment = WRAP if length > width - 2 or multiline else TOP
    fit_row_heights(ws, len(sheet.rows) + 1)
    ws.freeze_panes = "A2"
    if count:
        last = get_column_letter(count)
        ws.auto_filter.ref = f"A1:{last}{len(sheet.rows) + 1}"
    fit_for_print(ws)
    return ws


def text_lines(text: str, width: float) -> int:
    """How many lines `text` takes wrapped in a column `width` characters wide (rounded up:
    a little room to spare is better than a cut line)."""
    per_line = max(1, int(width) - 1)
    return sum(max(1, -(-len(line) // per_line)) for line in text.split("\n"))


def fit_row_heights(ws: Worksheet, last_row: int, *, minimum_lines: int = 1) -> None:
    """Row heights that show wrapped text whole. Neither LibreOffice nor Excel grows a row
    for wrapped text when it opens a file, so the heights are written (15 points a line)."""
    widths = {
        column: ws.column_dimensions[get_column_letter(column)].width or 8.43
        for column in range(1, ws.max_column + 1)
    }
    for row in range(1, last_row + 1):
        lines = minimum_lines if row > 1 else 1
        for column, width in widths.items():
            value = ws.cell(row=row, column=column).value
            if isinstance(value, str) and value:
                lines = max(lines, text_lines(value, width))
        if lines > 1:
            ws.row_dimensions[row].height = min(409, 15 * lines)


def new_workbook(
    *, title: str | None, metadata: Mapping[str, str] | None, when: datetime | None
) -> Workbook:
    """An empty workbook (no default sheet) with fixed times, title and custom properties."""
    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    moment = (when or FIXED_TIME).replace(tzinfo=None, microsecond=0)
    wb.properties.creator = "casplan"
    wb.properties.lastModifiedBy = "casplan"
    wb.properties.created = moment
    wb.properties.modified = moment
    if title is not None:
        wb.properties.title = visible_text(title).replace("\n", " ")
    for key, value in (metadata or {}).items():
        # types-openpyxl does not know the attribute openpyxl 3.1 has
        properties = wb.custom_doc_props  # type: ignore[attr-defined]
        properties.append(StringProperty(name=key, value=visible_text(value)))
    return wb


def zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    """A zip member's time for `moment`: zip keeps the years 1980 to 2107 only, so a moment
    outside them is stamped as the nearest of those years' ends."""
    if moment.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    if moment.year > 2107:
        return (2107, 12, 31, 23, 59, 58)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx bytes of `wb`, the same for the same workbook.

    `openpyxl.save_workbook` stamps the current time into docProps/core.xml and `ZipFile`
    stamps it on every member, so this drives openpyxl's writer directly (keeping the
    workbook's own `modified`) and repacks the zip with that time on every member."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    stamp = zip_time(wb.properties.modified or FIXED_TIME)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


def write_workbook(
    sheets: Sequence[Sheet],
    *,
    title: str | None = None,
    metadata: Mapping[str, str] | None = None,
    when: datetime | None = None,
) -> bytes:
    """The .xlsx bytes of a workbook with one table per sheet; the caller writes them
    atomically (`safewrite.write_atomically`). `metadata` becomes custom document properties;
    `when` is the creation time written (a fixed one by default, for byte-identical output)."""
    wb = new_workbook(title=title, metadata=metadata, when=when)
    taken: list[str] = []
    for sheet in sheets or [Sheet("Sheet", [], [])]:
        taken.append(add_table_sheet(wb, sheet, taken).title)
    return workbook_bytes(wb)


# --- the tables of list, due, who and budget -------------------------------------------------


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _activity_cells(record: ActivityRecord) -> list[object | None]:
    responsible = "; ".join(unit["name"] for unit in record["responsible"])
    indicators = "\n".join(f"{n}. {text}" for n, text in enumerate(record["indicators"], 1))
    due = record["due"]
    return [
        record["id"],
        record["goal"],
        record["measure"],
        record["parent"],
        record["title"],
        indicators or None,
        responsible or None,
        due["spelling"],
        _day(due["first_day"]),
        _day(due["last_day"]),
        record["status"],
        _day(record["status_date"]),
    ]


_ACTIVITY_COLUMNS = (
    Column("ID", "id"),
    Column("Goal", "id"),
    Column("Measure", "id"),
    Column("Parent", "id"),
    Column("Activity", "text"),
    Column("Indicators", "text"),
    Column("Responsible", "text"),
    Column("Deadline", "text"),
    Column("First day", "date"),
    Column("Last day", "date"),
    Column("Status", "text"),
    Column("Status date", "date"),
)


def list_sheets(records: Iterable[ActivityRecord]) -> list[Sheet]:
    """`casplan list --format xlsx`: one row per activity."""
    rows = [_activity_cells(record) for record in records]
    return [Sheet("Activities", _ACTIVITY_COLUMNS, rows)]


def due_sheets(records: Iterable[DueRecord]) -> list[Sheet]:
    """`casplan due --format xlsx`: one row per occurrence, the due date first."""
    columns = (
        Column("Due on", "date"),
        Column("Overdue", "bool"),
        Column("Section", "text"),
        *_ACTIVITY_COLUMNS,
    )
    rows = [[_day(r["deadline"]), r["overdue"], r["section"], *_activity_cells(r)] for r in records]
    return [Sheet("Due", columns, rows)]


def reports_sheets(records: Iterable[ReportDeadlineRecord]) -> list[Sheet]:
    """`casplan due --reports --format xlsx`: one row per report the coordinator owes."""
    columns = (
        Column("Due on", "date"),
        Column("Report", "text"),
        Column("Period", "text"),
        Column("First day", "date"),
        Column("Last day", "date"),
    )
    rows = [
        [
            _day(r["due"]),
            report_kind_word(r["kind"]),
            report_period_words(r),
            _day(r["first_day"]),
            _day(r["last_day"]),
        ]
        for r in records
    ]
    return [Sheet("Reports", columns, rows)]


def who_sheets(record: WhoRecord, names: Mapping[str, str]) -> list[Sheet]:
    """`casplan who --format xlsx`: the unit's activities, a sheet named after the unit."""
    columns = (
        Column("ID", "id"),
        Column("Goal", "id"),
        Column("Measure", "id"),
        Column("Activity", "text"),
        Column("Deadline", "text"),
        Column("Status", "text"),
        Column("Through", "text"),
        Column("Shared with", "text"),
    )
    rows = [
        [
            a["id"],
            a["goal"],
            a["measure"],
            a["title"],
            a["due"],
            a["status"],
            "; ".join(names.get(u, u) for u in a["via"]) or None,
            "; ".join(names.get(u, u) for u in a["shared_with"]) or None,
        ]
        for a in record["activities"]
    ]
    return [Sheet(record["name"], columns, rows)]


def budget_sheets(record: BudgetRecord) -> list[Sheet]:
    """`casplan budget --format xlsx`: the lines and the totals, amounts as numbers with the
    currency in a column of its own (RSD and EUR are never summed together)."""
    lines = Sheet(
        "Budget",
        (
            Column(record["by"].capitalize(), "id"),
            Column("Name", "text"),
            Column("Amount", "decimal"),
            Column("Currency", "currency"),
            Column("Basis", "text"),
            Column("Procurement", "text"),
            Column("Activities", "text"),
        ),
        [
            [
                line["group"],
                line["name"],
                Decimal(line["total"]),
                line["currency"],
                line["basis"],
                line["procurement"],
                ", ".join(line["activities"]),
            ]
            for line in record["lines"]
        ],
    )
    totals = Sheet(
        "Totals",
        (
            Column("Amount", "decimal"),
            Column("Currency", "currency"),
            Column("Basis", "text"),
            Column("Procurement", "text"),
        ),
        [
            [Decimal(t["total"]), t["currency"], t["basis"], t["procurement"]]
            for t in record["totals"]
        ],
    )
    return [lines, totals]
