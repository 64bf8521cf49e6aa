"""The collection workbook: one .xlsx per responsible unit to report progress on its activities.

Built from plain data (the lead maps plan objects onto `CollectActivity` and `CollectMeta`), so
the layout can be tested without a plan. The plan's text sits in locked columns; the unit fills
the open ones, helped by drop-downs and date and amount checks. What the workbook was made from
(plan, commit, unit, period, the activities and their headers) is stored twice, as custom
document properties and in a hidden protected sheet, so `import` can read a filled workbook back
and name every problem as `FILE:SHEET!CELL: message`. Whether a status is one of the plan's, an
indicator number exists or the unit is responsible is the plan's business, not this module's:
the rows carry every value with its place so the caller can say so.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Literal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cas_plan.output.xlsx import (
    DATE_FORMAT,
    MAX_CELL_TEXT,
    TEXT_FORMAT,
    CellRead,
    RowCells,
    cell_at,
    cell_decimal,
    decimal_format,
    decimal_places,
    fit_row_heights,
    fit_width,
    is_blank,
    new_workbook,
    open_workbook,
    plain_decimal,
    set_date,
    set_text,
    sheet_rows,
    style_header,
    text_lines,
    visible_text,
    workbook_bytes,
)

FORMAT_VERSION = "1"
"""Bumped when the layout changes so that an older casplan refuses a newer workbook."""
META_SHEET = "casplan"
PROPERTY_PREFIX = "casplan."
PROPERTY_LIMIT = 255
AMOUNT_PLACES = 2
LOCKED_KEYS = (
    "id",
    "activity",
    "indicators",
    "deadline",
    "current_status",
    "current_date",
    "latest_note",
)
OPEN_BEFORE_VALUES = ("status", "date", "note")
OPEN_AFTER_VALUES = ("evidence", "spent", "currency", "corrects")
ValidationKind = Literal["list", "date", "decimal"]
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2100, 12, 31)

OPEN_FILL = PatternFill(fill_type="solid", start_color="FFFFF2CC", end_color="FFFFF2CC")
UNUSED_FILL = PatternFill(fill_type="solid", start_color="FFBFBFBF", end_color="FFBFBFBF")
LOCKED = Protection(locked=True)
UNLOCKED = Protection(locked=False)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DOTTED_DATE = re.compile(r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})\.?")
_CORRECTS = re.compile(r"(\d{4}-\d{2}-\d{2})(?:#([1-9]\d*))?")
_PLAIN_AMOUNT = re.compile(r"(\d+)(?:[.,](\d+))?")
_COMMA_GROUPED = re.compile(r"(\d{1,3}(?:,\d{3})+)(?:\.(\d+))?")
_DOT_GROUPED = re.compile(r"(\d{1,3}(?:\.\d{3})+)(?:,(\d+))?")

DEFAULT_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "sheet.activities": "Activities",
        "sheet.instructions": "Instructions",
        "col.id": "ID",
        "col.activity": "Activity",
        "col.indicators": "Indicators",
        "col.deadline": "Deadline",
        "col.current_status": "Current status",
        "col.current_date": "Status date",
        "col.latest_note": "Latest note",
        "col.status": "New status",
        "col.date": "Date",
        "col.note": "Note",
        "col.value": "Value {n}",
        "col.evidence": "Evidence",
        "col.spent": "Spent amount",
        "col.currency": "Currency",
        "col.corrects": "Corrects",
        "help.id": "The activity's number in the plan. Do not change it.",
        "help.activity": "The activity as the plan states it.",
        "help.indicators": "The plan's indicators of the activity, numbered.",
        "help.deadline": "The deadline the plan sets.",
        "help.current_status": "The status last reported.",
        "help.current_date": "The date of the status last reported.",
        "help.latest_note": "The note of the last report.",
        "help.status": "The status now: choose one from the list (see the statuses below).",
        "help.date": "The date the status holds from, as a date, e.g. 2018-06-30.",
        "help.note": "What was done in the period, in a few sentences.",
        "help.value": (
            "Value 1, Value 2, ...: the value reached for indicator 1, 2, ... of the activity. "
            "Grey cells: the activity has no such indicator."
        ),
        "help.evidence": "Where the result can be checked: a document number, a link, a file.",
        "help.spent": "The amount spent in the period, a number of 0 or more, e.g. 1234.50.",
        "help.currency": "The currency of the amount: choose one from the list.",
        "help.corrects": (
            "Only to correct an earlier report: its date (2018-06-30), or its date and number "
            "(2018-06-30#2) when there were several that day. Leave empty otherwise."
        ),
        "instr.title": "Progress report of {unit_name}",
        "instr.about": "Action plan: {plan_title}. Period: {period_text} ({start} to {end}).",
        "instr.how": (
            "Fill in the yellow columns of the sheet '{sheet}', one row per activity. Leave a "
            "row empty when there is nothing to report. The other columns hold the plan's text "
            "and are locked. Do not add, remove or move rows, columns or sheets. Save the file "
            "as .xlsx and send it back."
        ),
        "instr.made": "Made on {made_on} from commit {commit}.",
        "instr.columns": "Columns",
        "instr.statuses": "Statuses",
        "instr.column": "Column",
        "instr.meaning": "Meaning",
        "status.not_started": "Work on the activity has not started.",
        "status.in_progress": "Work has started and goes on.",
        "status.completed": "The activity is done: its indicators are met.",
        "status.delayed": "The activity will not be done by its deadline.",
        "status.cancelled": "The activity will not be done.",
        "valid.status": "Choose a status from the list.",
        "valid.date": "Write a date, e.g. 2018-06-30.",
        "valid.amount": "Write an amount of 0 or more, e.g. 1234.50.",
        "valid.currency": "Choose a currency from the list.",
        "valid.title": "casplan",
    }
)


@dataclass(frozen=True)
class CollectActivity:
    """One activity as the unit sees it: the plan's text and its last reported state."""

    id: str
    title: str
    indicators: Sequence[str]
    deadline_text: str
    status: str
    status_date: date | None
    latest_note: str


@dataclass(frozen=True)
class CollectMeta:
    """What a collection workbook was made from, stored in it and read back by `import`.

    `plan_text_digests` maps an activity id to a digest of its plan text when the workbook was
    made, so `import` can tell that the plan changed since."""

    plan_title: str
    plan_id: str
    commit: str
    unit_id: str
    unit_name: str
    period_text: str
    period_start: date
    period_end: date
    made_on: date
    lang: str
    plan_text_digests: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CollectRow:
    """One filled row, values as written (plain text, dates, Decimal), each field's place.

    `places` maps a field name (`id`, `status`, `date`, `note`, `value1`..., `evidence`,
    `spent`, `currency`, `corrects`) to where it is: `FILE:SHEET!F12` or `FILE:12:6`; `row` is
    the place of the row's id. `date_text` is the text of the date cell when it held text.
    A row with `problems` should not be recorded as it is."""

    activity_id: str
    status: str | None
    date: date | None
    date_text: str | None
    note: str | None
    values: Mapping[int, str]
    evidence: str | None
    spent: Decimal | None
    currency: str | None
    corrects: str | None
    places: Mapping[str, str]
    problems: tuple[str, ...] = ()
    """The spreadsheet-level problems of this row (also in `CollectRead.problems`): a field
    with a problem is None here."""

    def at(self, name: str) -> str:
        """Where a field is, for a problem: `audit.xlsx:Activities!F12`."""
        return self.places.get(name, self.places["row"])


@dataclass(frozen=True)
class CollectRead:
    """A filled workbook or CSV file read back: the metadata (None for CSV or when missing), the
    activity ids it was made for, every row with something in it, and the problems found."""

    meta: CollectMeta | None
    activity_ids: tuple[str, ...]
    rows: list[CollectRow]
    problems: list[str]


# --- building ------------------------------------------------------------------------------


def column_keys(value_columns: int) -> list[str]:
    """The columns of the activities sheet, in order: locked ones, then open ones."""
    values = [f"value{number}" for number in range(1, value_columns + 1)]
    return [*LOCKED_KEYS, *OPEN_BEFORE_VALUES, *values, *OPEN_AFTER_VALUES]


def header_text(key: str, words: Mapping[str, str]) -> str:
    if key.startswith("value"):
        return words["col.value"].format(n=key.removeprefix("value"))
    return words[f"col.{key}"]


def numbered(indicators: Sequence[str]) -> str:
    return "\n".join(f"{number}. {text}" for number, text in enumerate(indicators, start=1))


def meta_entries(
    meta: CollectMeta, activity_ids: Sequence[str], headers: Sequence[tuple[str, str]], sheet: str
) -> list[tuple[str, str]]:
    """The metadata as key/value text, in a fixed order (the same input gives the same file)."""
    entries = [
        ("format", FORMAT_VERSION),
        ("plan_title", meta.plan_title),
        ("plan_id", meta.plan_id),
        ("commit", meta.commit),
        ("unit_id", meta.unit_id),
        ("unit_name", meta.unit_name),
        ("period_text", meta.period_text),
        ("period_start", meta.period_start.isoformat()),
        ("period_end", meta.period_end.isoformat()),
        ("made_on", meta.made_on.isoformat()),
        ("lang", meta.lang),
        ("sheet", sheet),
        ("activities", " ".join(activity_ids)),
        ("columns", " ".join(key for key, _ in headers)),
    ]
    entries += [(f"header:{key}", text) for key, text in headers]
    entries += [(f"digest:{key}", value) for key, value in meta.plan_text_digests.items()]
    return entries


def as_properties(entries: Sequence[tuple[str, str]]) -> dict[str, str]:
    """The metadata as custom document properties: Office's dialogs keep at most 255
    characters of a value, so a longer one (the list of activities) goes in parts
    `casplan.KEY`, `casplan.KEY#2`, ..."""
    properties: dict[str, str] = {}
    for key, value in entries:
        parts = [value[i : i + PROPERTY_LIMIT] for i in range(0, len(value), PROPERTY_LIMIT)]
        for number, part in enumerate(parts or [""], start=1):
            suffix = "" if number == 1 else f"#{number}"
            properties[f"{PROPERTY_PREFIX}{key}{suffix}"] = part
    return properties


def from_properties(properties: Mapping[str, str]) -> dict[str, str]:
    """The metadata back from `as_properties`' parts."""
    parts: dict[str, dict[int, str]] = {}
    for name, value in properties.items():
        if not name.startswith(PROPERTY_PREFIX):
            continue
        key, _, number = name.removeprefix(PROPERTY_PREFIX).partition("#")
        parts.setdefault(key, {})[int(number) if number.isdigit() else 1] = value
    return {key: "".join(pieces[n] for n in sorted(pieces)) for key, pieces in parts.items()}


def build_collect_workbook(
    meta: CollectMeta,
    activities: Sequence[CollectActivity],
    statuses: Sequence[str],
    currencies: Sequence[str],
    words: Mapping[str, str] | None = None,
) -> bytes:
    """The .xlsx bytes of one unit's collection workbook; the caller writes them atomically.

    `words` overrides `DEFAULT_WORDS` (the lead passes the Serbian ones for `--lang sr`); any
    key it lacks falls back to English. The same input gives byte-identical bytes."""
    said = {**DEFAULT_WORDS, **(words or {})}
    for activity in activities:
        if any(char.isspace() for char in activity.id) or not activity.id:
            raise ValueError(f"an activity id has no spaces and is not empty: {activity.id!r}")
    value_columns = max((len(activity.indicators) for activity in activities), default=0)
    keys = column_keys(value_columns)
    headers = [(key, visible_text(header_text(key, said))) for key in keys]
    sheet_name = said["sheet.activities"][:31]
    entries = meta_entries(meta, [a.id for a in activities], headers, sheet_name)
    wb = new_workbook(
        title=f"{meta.plan_title}: {meta.unit_name}, {meta.period_text}",
        metadata=as_properties(entries),
        when=datetime.combine(meta.made_on, time()),
    )
    ws: Worksheet = wb.create_sheet(sheet_name)
    add_meta_sheet(wb, entries, statuses, currencies)
    fill_activities(ws, activities, headers, value_columns, statuses, currencies, said)
    instructions: Worksheet = wb.create_sheet(said["sheet.instructions"][:31], 0)
    fill_instructions(instructions, meta, headers, statuses, said, sheet_name)
    wb.active = 1
    for sheet in wb.worksheets:  # one selected tab: several would open as a group of sheets
        sheet.sheet_view.tabSelected = sheet.title == sheet_name
    return workbook_bytes(wb)


def add_meta_sheet(
    wb: Workbook,
    entries: Sequence[tuple[str, str]],
    statuses: Sequence[str],
    currencies: Sequence[str],
) -> None:
    """The hidden, protected sheet: metadata in A:B, the drop-down lists in D and E (named
    ranges, since a list written into the validation itself is limited to 255 characters)."""
    ws: Worksheet = wb.create_sheet(META_SHEET)
    set_text(cell_at(ws, 1, 1), "key")
    set_text(cell_at(ws, 1, 2), "value")
    row = 2
    for key, value in entries:
        # a cell holds at most MAX_CELL_TEXT characters (the activities of a unit with thousands
        # of them do not fit): a longer value goes on in rows `KEY#2`, `KEY#3`, ...
        parts = [value[i : i + MAX_CELL_TEXT] for i in range(0, len(value), MAX_CELL_TEXT)]
        for number, part in enumerate(parts or [""], start=1):
            set_text(cell_at(ws, row, 1), key if number == 1 else f"{key}#{number}")
            set_text(cell_at(ws, row, 2), part)
            row += 1
    for column, (name, items) in enumerate(
        (("statuses", statuses), ("currencies", currencies)), start=4
    ):
        set_text(cell_at(ws, 1, column), name)
        for row, item in enumerate(items, start=2):
            set_text(cell_at(ws, row, column), item)
        if items:
            letter = get_column_letter(column)
            reference = f"{META_SHEET}!${letter}$2:${letter}${len(items) + 1}"
            wb.defined_names[f"casplan_{name}"] = DefinedName(
                f"casplan_{name}", attr_text=reference
            )
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 60
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def fill_activities(
    ws: Worksheet,
    activities: Sequence[CollectActivity],
    headers: Sequence[tuple[str, str]],
    value_columns: int,
    statuses: Sequence[str],
    currencies: Sequence[str],
    said: Mapping[str, str],
) -> None:
    """The activities sheet: header, one row per activity, locks, validations, widths."""
    position = {key: column for column, (key, _) in enumerate(headers, start=1)}
    for column, (_, text) in enumerate(headers, start=1):
        set_text(cell_at(ws, 1, column), text)
    style_header(ws, len(headers))
    for row, activity in enumerate(activities, start=2):
        fill_activity_row(ws, row, activity, headers, position)
    last = len(activities) + 1
    if activities:
        add_validations(ws, position, last, statuses, currencies, said)
    widths = fitted_widths(activities, headers, statuses, currencies)
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    fit_row_heights(ws, last, minimum_lines=2)  # two lines leave room to write a note
    ws.freeze_panes = "B2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = "1:1"
    ws.print_title_cols = "A:A"
    protection = ws.protection
    protection.sheet = True
    protection.formatColumns = False  # widening a column is allowed
    protection.formatRows = False
    protection.selectLockedCells = False
    protection.selectUnlockedCells = False


def fill_activity_row(
    ws: Worksheet,
    row: int,
    activity: CollectActivity,
    headers: Sequence[tuple[str, str]],
    position: Mapping[str, int],
) -> None:
    locked_text = {
        "id": activity.id,
        "activity": activity.title,
        "indicators": numbered(activity.indicators),
        "deadline": activity.deadline_text,
        "current_status": activity.status,
        "latest_note": activity.latest_note,
    }
    for key, text in locked_text.items():
        set_text(cell_at(ws, row, position[key]), text)
    status_date = cell_at(ws, row, position["current_date"])
    if activity.status_date is not None:
        set_date(status_date, activity.status_date)
    else:
        status_date.number_format = DATE_FORMAT
    for key in LOCKED_KEYS:
        cell = cell_at(ws, row, position[key])
        cell.alignment = WRAP_TOP
        cell.protection = LOCKED
    for key, _ in headers:
        if key in LOCKED_KEYS:
            continue
        cell = cell_at(ws, row, position[key])
        cell.alignment = WRAP_TOP
        unused = key.startswith("value") and int(key.removeprefix("value")) > len(
            activity.indicators
        )
        if unused:
            cell.fill = UNUSED_FILL
            cell.protection = LOCKED
            continue
        cell.fill = OPEN_FILL
        cell.protection = UNLOCKED
        if key == "date":
            cell.number_format = DATE_FORMAT
        elif key == "spent":
            cell.number_format = decimal_format(AMOUNT_PLACES)
        else:
            cell.number_format = TEXT_FORMAT


def add_validations(
    ws: Worksheet,
    position: Mapping[str, int],
    last: int,
    statuses: Sequence[str],
    currencies: Sequence[str],
    said: Mapping[str, str],
) -> None:
    """Drop-downs for status and currency, a date check and a non-negative amount check.
    Pasting bypasses them in Excel, so `read_collect_workbook` checks again."""

    def cells(key: str) -> str:
        letter = get_column_letter(position[key])
        return f"{letter}2:{letter}{last}"

    def check(kind: ValidationKind, key: str, message: str, **rule: str) -> None:
        validation = DataValidation(
            type=kind,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=said["valid.title"],
            error=message,
            **rule,  # type: ignore[arg-type]
        )
        validation.add(cells(key))
        ws.add_data_validation(validation)

    if statuses:
        check("list", "status", said["valid.status"], formula1="casplan_statuses")
    check(
        "date",
        "date",
        said["valid.date"],
        operator="between",
        formula1=str(excel_serial(FIRST_DATE)),
        formula2=str(excel_serial(LAST_DATE)),
    )
    check("decimal", "spent", said["valid.amount"], operator="greaterThanOrEqual", formula1="0")
    if currencies:
        check("list", "currency", said["valid.currency"], formula1="casplan_currencies")


def excel_serial(day: date) -> int:
    """The day as Excel counts (1900 date system), for a validation's bounds."""
    return (day - date(1899, 12, 30)).days


def fitted_widths(
    activities: Sequence[CollectActivity],
    headers: Sequence[tuple[str, str]],
    statuses: Sequence[str],
    currencies: Sequence[str],
) -> list[int]:
    """Widths that show the ids, statuses and dates whole, and wrap long text at 50."""

    def longest_line(texts: Sequence[str]) -> list[int]:
        return [max((len(line) for line in t.split("\n")), default=0) for t in texts]

    content: dict[str, list[int]] = {
        "id": longest_line([a.id for a in activities]),
        "activity": longest_line([a.title for a in activities]),
        "indicators": longest_line([numbered(a.indicators) for a in activities]),
        "deadline": longest_line([a.deadline_text for a in activities]),
        "current_status": longest_line([a.status for a in activities]),
        "current_date": [10],
        "latest_note": longest_line([a.latest_note for a in activities]),
        "status": [len(s) + 3 for s in statuses],  # room for the drop-down arrow
        "date": [10],
        "note": [38],
        "evidence": [28],
        "spent": [14],
        "currency": [len(c) + 4 for c in currencies],
        "corrects": [13],
    }
    widths = []
    for key, text in headers:
        header = max((len(word) for word in text.split()), default=0)
        lengths = content.get(key, [14])  # value columns
        widths.append(fit_width([header, *lengths], minimum=8, maximum=50))
    return widths


def fill_instructions(
    ws: Worksheet,
    meta: CollectMeta,
    headers: Sequence[tuple[str, str]],
    statuses: Sequence[str],
    said: Mapping[str, str],
    sheet_name: str,
) -> None:
    """The instructions sheet in the chosen language: what to do, each column, each status."""
    fields = {
        "unit_name": meta.unit_name,
        "plan_title": meta.plan_title,
        "period_text": meta.period_text,
        "start": meta.period_start.isoformat(),
        "end": meta.period_end.isoformat(),
        "made_on": meta.made_on.isoformat(),
        "commit": meta.commit,
        "sheet": sheet_name,
    }
    lines: list[tuple[str, str, bool]] = [
        (said["instr.title"].format_map(fields), "", True),
        (said["instr.about"].format_map(fields), "", False),
        (said["instr.how"].format_map(fields), "", False),
        (said["instr.made"].format_map(fields), "", False),
        ("", "", False),
        (said["instr.column"], said["instr.meaning"], True),
    ]
    shown_value_help = False
    for key, text in headers:
        if key.startswith("value"):
            if shown_value_help:
                continue
            shown_value_help = True
            lines.append((text, said["help.value"], False))
        else:
            lines.append((text, said[f"help.{key}"], False))
    lines += [("", "", False), (said["instr.statuses"], "", True)]
    lines += [(status, said.get(f"status.{status}", ""), False) for status in statuses]
    for row, (first, second, bold) in enumerate(lines, start=1):
        for column, text in ((1, first), (2, second)):
            cell = cell_at(ws, row, column)
            set_text(cell, text)
            cell.alignment = WRAP_TOP
            if bold:
                cell.font = Font(bold=True)
    for row in range(1, 5):  # the paragraphs span both columns' width
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 90
    fit_row_heights(ws, len(lines))
    for row in range(1, 5):  # the paragraphs wrap across both columns
        text = str(ws.cell(row=row, column=1).value or "")
        ws.row_dimensions[row].height = 15 * text_lines(text, 24 + 90)
    ws.protection.sheet = True
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]


def collect_file_name(unit_id: str) -> str:
    """The workbook's file name for a unit: its id, with anything but letters, digits, '.',
    '-' and '_' replaced, so that no unit id can name a path outside the output folder."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", unit_id).strip(".") or "unit"
    return f"{safe}.xlsx"


# --- reading -------------------------------------------------------------------------------


class _Problems:
    """Collects `FILE:PLACE: message` lines for one file."""

    def __init__(self, shown_name: str) -> None:
        self.shown = shown_name
        self.lines: list[str] = []

    def place(self, where: str) -> str:
        return f"{self.shown}:{where}"

    def add(self, where: str | None, message: str) -> None:
        self.lines.append(
            f"{self.place(where)}: {message}" if where else f"{self.shown}: {message}"
        )


def quoted(text: str) -> str:
    """User text inside a problem, on one line and with its controls visible."""
    return "'" + visible_text(text).replace("\n", "\\n").replace("\t", "\\t") + "'"


def read_collect_workbook(data: bytes, shown_name: str) -> CollectRead:
    """Read a filled collection workbook: its metadata, every row with something in an open
    cell, and every problem at the spreadsheet level, each `{shown_name}:SHEET!CELL: message`.
    Never raises for a bad file: that is a problem too."""
    problems = _Problems(shown_name)
    try:
        wb = open_workbook(data)
    except zipfile.BadZipFile:
        problems.add(
            None, "is not an .xlsx workbook (not a zip archive); save it as Excel Workbook (.xlsx)"
        )
        return CollectRead(None, (), [], problems.lines)
    except Exception as error:  # openpyxl raises many kinds for a broken workbook
        problems.add(
            None,
            f"cannot be read as an .xlsx workbook ({type(error).__name__}: {quoted(str(error))})",
        )
        return CollectRead(None, (), [], problems.lines)
    entries = read_meta_entries(wb, problems)
    if entries is None:
        return CollectRead(None, (), [], problems.lines)
    meta_place = f"{META_SHEET}!B1"
    if entries.get("format") != FORMAT_VERSION:
        problems.add(
            meta_place,
            f"made in format {quoted(entries.get('format', ''))}; this casplan reads format "
            f"{FORMAT_VERSION}: make the workbook again with this casplan",
        )
        return CollectRead(None, (), [], problems.lines)
    meta = meta_from_entries(entries, problems, meta_place)
    ids = tuple(entries.get("activities", "").split())
    sheet = entries.get("sheet", DEFAULT_WORDS["sheet.activities"])
    if meta is None:
        return CollectRead(None, ids, [], problems.lines)
    if sheet not in wb.sheetnames:
        problems.add(None, f"the sheet {quoted(sheet)} is missing; do not remove or rename it")
        return CollectRead(meta, ids, [], problems.lines)
    keys = entries.get("columns", "").split()
    rows = sheet_rows(wb[sheet])
    if not rows or not headers_match(rows[0], keys, entries, sheet, problems):
        return CollectRead(meta, ids, [], problems.lines)
    found: list[CollectRow] = []
    for row in rows[1:]:
        fields = {
            key: row.cells[index] if index < len(row.cells) else CellRead("", None, "General")
            for index, key in enumerate(keys)
        }
        places = {key: f"{sheet}!{cell.ref}" for key, cell in fields.items()}
        parsed = parse_row(fields, places, ids, problems)
        if parsed is not None:
            found.append(parsed)
    return CollectRead(meta, ids, found, problems.lines)


def read_meta_entries(wb: Workbook, problems: _Problems) -> dict[str, str] | None:
    """The metadata, from the hidden sheet, else from the document properties (with a problem:
    the sheet was removed); None, with a problem, when neither is there."""
    raw: dict[str, str] = {}
    for prop in wb.custom_doc_props.props:  # type: ignore[attr-defined]
        value = prop.value
        raw[str(prop.name)] = value if isinstance(value, str) else ""
    properties = from_properties(raw)
    if META_SHEET not in wb.sheetnames:
        if not properties:
            problems.add(
                None,
                "not a workbook made by 'casplan collect' (it has no 'casplan' sheet and no "
                "casplan properties)",
            )
            return None
        problems.add(
            f"{META_SHEET}!A1",
            "the hidden sheet 'casplan' is missing; do not remove it (read from the "
            "workbook's properties instead)",
        )
        return properties
    parts: dict[str, dict[int, str]] = {}  # a long value's rows `KEY`, `KEY#2`, ... joined
    for row in sheet_rows(wb[META_SHEET])[1:]:
        if len(row.cells) >= 2 and isinstance(row.cells[0].value, str):
            value = row.cells[1].value
            name = row.cells[0].value
            key, mark, number = name.rpartition("#")
            key, place = (key, int(number)) if mark and number.isdigit() else (name, 1)
            parts.setdefault(key, {})[place] = "" if value is None else str(value)
    entries = {key: "".join(texts[n] for n in sorted(texts)) for key, texts in parts.items()}
    if properties and properties != entries:
        problems.add(
            f"{META_SHEET}!A1",
            "the hidden sheet 'casplan' does not match the workbook's properties; do not "
            "edit it (read from the sheet)",
        )
    return entries


def meta_from_entries(
    entries: Mapping[str, str], problems: _Problems, place: str
) -> CollectMeta | None:
    texts = {
        key: entries.get(key)
        for key in (
            "plan_title",
            "plan_id",
            "commit",
            "unit_id",
            "unit_name",
            "period_text",
            "lang",
        )
    }
    dates = {key: entries.get(key) for key in ("period_start", "period_end", "made_on")}
    missing = [key for key, value in {**texts, **dates}.items() if value is None]
    if missing:
        problems.add(place, f"the metadata lacks {', '.join(missing)}; do not edit it")
        return None
    parsed: dict[str, date] = {}
    for key, value in dates.items():
        try:
            parsed[key] = date.fromisoformat(str(value))
        except ValueError:
            problems.add(place, f"the metadata's {key} {quoted(str(value))} is not a date")
            return None
    digests = {
        key.removeprefix("digest:"): value
        for key, value in entries.items()
        if key.startswith("digest:")
    }
    return CollectMeta(
        plan_title=str(texts["plan_title"]),
        plan_id=str(texts["plan_id"]),
        commit=str(texts["commit"]),
        unit_id=str(texts["unit_id"]),
        unit_name=str(texts["unit_name"]),
        period_text=str(texts["period_text"]),
        period_start=parsed["period_start"],
        period_end=parsed["period_end"],
        made_on=parsed["made_on"],
        lang=str(texts["lang"]),
        plan_text_digests=digests,
    )


def headers_match(
    header: RowCells,
    keys: Sequence[str],
    entries: Mapping[str, str],
    sheet: str,
    problems: _Problems,
) -> bool:
    """Whether the header row is as made: a moved or inserted column would shift every value."""
    if "id" not in keys:
        problems.add(f"{META_SHEET}!A1", "the metadata lacks the columns; do not edit it")
        return False
    ok = True
    for index, key in enumerate(keys):
        expected = entries.get(f"header:{key}", "")
        cell = header.cells[index] if index < len(header.cells) else None
        found = "" if cell is None or cell.value is None else str(cell.value)
        if found.strip() != expected.strip():
            ref = cell.ref if cell else f"{get_column_letter(index + 1)}1"
            problems.add(
                f"{sheet}!{ref}",
                f"the header is {quoted(found)}, not {quoted(expected)}; "
                "do not insert, remove or move columns",
            )
            ok = False
    return ok


def open_keys(keys: Sequence[str]) -> list[str]:
    return [key for key in keys if key not in LOCKED_KEYS]


def parse_row(
    fields: Mapping[str, CellRead],
    places: Mapping[str, str],
    ids: Sequence[str] | None,
    problems: _Problems,
) -> CollectRow | None:
    """One row as a `CollectRow`, or None when its open cells are empty or its id is wrong.
    `ids` None (CSV) accepts any id; the caller checks it against the plan."""
    if all(is_blank(fields[key].value) for key in open_keys(list(fields))):
        return None
    full = {key: problems.place(where) for key, where in places.items()}
    id_cell = fields["id"]
    full["row"] = full["id"]
    activity_id = text_of(id_cell.value)
    if activity_id is None:
        problems.add(places["id"], "the id is empty; do not change the id column")
        return None
    if ids is not None and activity_id not in ids:
        problems.add(
            places["id"],
            f"{quoted(activity_id)} is not one of the activities this workbook was made for; "
            "do not change the id column",
        )
        return None

    before = len(problems.lines)

    def value(key: str) -> object | None:
        cell = fields.get(key)
        return None if cell is None else cell.value

    day, day_text = read_date(fields.get("date"), places.get("date", ""), problems)
    spent = read_amount(fields.get("spent"), places.get("spent", ""), problems)
    corrects = read_corrects(fields.get("corrects"), places.get("corrects", ""), problems)
    values: dict[int, str] = {}
    for key in fields:
        if key.startswith("value"):
            text = text_of(value(key))
            if text is not None:
                values[int(key.removeprefix("value"))] = text
    currency = text_of(value("currency"))
    return CollectRow(
        activity_id=activity_id,
        status=text_of(value("status")),
        date=day,
        date_text=day_text,
        note=text_of(value("note")),
        values=values,
        evidence=text_of(value("evidence")),
        spent=spent,
        currency=currency.upper() if currency else None,
        corrects=corrects,
        places=full,
        problems=tuple(problems.lines[before:]),
    )


def text_of(value: object | None) -> str | None:
    """A cell as text, stripped; None when empty. A number in a text column (typed before the
    column was text, or pasted) is written plainly: 45 -> '45', 0.1 + 0.2 -> '0.3'."""
    if value is None:
        return None
    if isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    elif isinstance(value, date):
        text = value.isoformat()
    elif isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, int | float | Decimal):
        text = str(cell_decimal(value, "General"))
    else:
        text = str(value)
    text = text.strip()
    return text or None


def date_from_text(text: str) -> date | None:
    """2018-06-30, or the Serbian 30.06.2018 / 30. 6. 2018.; None when it is neither."""
    text = text.strip()
    try:
        if match := _ISO_DATE.fullmatch(text):
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
        if match := _DOTTED_DATE.fullmatch(text):
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
    except ValueError:
        return None
    return None


def read_date(
    cell: CellRead | None, place: str, problems: _Problems
) -> tuple[date | None, str | None]:
    """The date of a date cell, or of the text in it; a problem when it is neither."""
    if cell is None or is_blank(cell.value):
        return None, None
    value = cell.value
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, str):
        parsed = date_from_text(value)
        if parsed is None:
            problems.add(place, f"{quoted(value)} is not a date; write a date like 2018-06-30")
        return parsed, value
    problems.add(
        place,
        f"{text_of(value)} is a number, not a date; write a date like 2018-06-30",
    )
    return None, text_of(value)


def amount_from_text(text: str) -> Decimal | str:
    """An amount written as text: 1234.50, 1234,50, 1,234.50 or 1.234,50. A message instead
    when the text is not an amount or is ambiguous (1.234 may be 1234 or 1.234)."""
    raw = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    sign = ""
    if raw.startswith("-"):
        sign, raw = "-", raw[1:]
    whole: str
    fraction: str | None
    if match := _PLAIN_AMOUNT.fullmatch(raw):
        whole, fraction = match.group(1), match.group(2)
        if fraction is not None and len(fraction) == 3 and whole != "0":
            return (
                f"{quoted(text)} is ambiguous: write {whole}{fraction} for thousands, "
                f"or {whole}.{fraction[:2]} with at most {AMOUNT_PLACES} decimal places"
            )
    elif match := _COMMA_GROUPED.fullmatch(raw) or _DOT_GROUPED.fullmatch(raw):
        whole = match.group(1).replace(",", "").replace(".", "")
        fraction = match.group(2)
    else:
        return f"{quoted(text)} is not an amount; write a number like 1234.50"
    try:
        number = Decimal(f"{sign}{whole}.{fraction or '0'}")
    except InvalidOperation:
        return f"{quoted(text)} is not an amount; write a number like 1234.50"
    if fraction is not None and len(fraction) > AMOUNT_PLACES:
        return f"{quoted(text)} has more than {AMOUNT_PLACES} decimal places"
    return number


def read_amount(cell: CellRead | None, place: str, problems: _Problems) -> Decimal | None:
    """The spent amount as a Decimal with 2 places, from a number cell (as the cell shows it)
    or from text; a problem when it is not an amount or is negative."""
    if cell is None or is_blank(cell.value):
        return None
    value = cell.value
    if isinstance(value, bool | datetime | date):
        problems.add(place, f"{text_of(value)} is not an amount; write a number like 1234.50")
        return None
    if isinstance(value, int | float | Decimal):
        try:
            number = cell_decimal(value, cell.number_format)
        except InvalidOperation:
            problems.add(place, f"{value} is not an amount; write a number like 1234.50")
            return None
        if decimal_places(plain_decimal(number)) > AMOUNT_PLACES:
            problems.add(
                place, f"{plain_decimal(number)} has more than {AMOUNT_PLACES} decimal places"
            )
            return None
    else:
        parsed = amount_from_text(str(value))
        if isinstance(parsed, str):
            problems.add(place, parsed)
            return None
        number = parsed
    if number < 0:
        problems.add(place, f"{number} is negative; write the amount spent, 0 or more")
        return None
    return number.quantize(Decimal(1).scaleb(-AMOUNT_PLACES))


def read_corrects(cell: CellRead | None, place: str, problems: _Problems) -> str | None:
    """The report a row corrects: `2018-06-30` or `2018-06-30#2`, from a date cell or text."""
    if cell is None or is_blank(cell.value):
        return None
    value = cell.value
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = text_of(value) or ""
    match = _CORRECTS.fullmatch(text)
    if match is None or date_from_text(match.group(1)) is None:
        problems.add(
            place,
            f"{quoted(text)} does not name a report; write its date like 2018-06-30, "
            "or 2018-06-30#2 for the second report of that day",
        )
        return None
    return text


def read_collect_csv(
    text: str, shown_name: str, words: Mapping[str, str] | None = None
) -> CollectRead:
    """Read a CSV file with the activities sheet's columns (headers in English or in `words`,
    comma, semicolon or tab separated), giving the same rows as a workbook, with places
    `FILE:LINE:COLUMN`. A CSV file has no metadata: the caller knows the unit from elsewhere
    and checks the ids against the plan."""
    problems = _Problems(shown_name)
    text = text.removeprefix("\ufeff")
    first_line = text.split("\n", 1)[0]
    # the separator is the one the header uses most: Excel writes ';' where the decimal
    # separator is ',', as in Serbian; quoting is always Excel's ("" inside "...")
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    try:
        header = next(reader)
    except StopIteration:
        problems.add("1:1", "the file is empty; write a header row first")
        return CollectRead(None, (), [], problems.lines)
    known = header_names(words)
    keys: list[str | None] = []
    for column, name in enumerate(header, start=1):
        key = known.get(name.strip().casefold()) or value_key(name, words)
        if key is None and name.strip():
            problems.add(f"1:{column}", f"{quoted(name)} is not a column of the workbook")
        keys.append(key)
    if "id" not in keys:
        problems.add("1:1", f"there is no {quoted(DEFAULT_WORDS['col.id'])} column")
        return CollectRead(None, (), [], problems.lines)
    rows: list[CollectRow] = []
    line = reader.line_num
    try:
        for record in reader:
            start, line = line + 1, reader.line_num
            fields: dict[str, CellRead] = {}
            places: dict[str, str] = {}
            for column, key in enumerate(keys, start=1):
                if key is None:
                    continue
                cell = record[column - 1] if column <= len(record) else ""
                fields[key] = CellRead(f"{start}:{column}", cell or None, "General")
                places[key] = f"{start}:{column}"
            parsed = parse_row(fields, places, None, problems)
            if parsed is not None:
                rows.append(parsed)
    except csv.Error as error:
        problems.add(f"{reader.line_num}:1", f"not well-formed CSV: {error}")
    return CollectRead(None, (), rows, problems.lines)


def header_names(words: Mapping[str, str] | None) -> dict[str, str]:
    """Header text (casefolded) to column key, in English, in `words` and as the key itself."""
    names: dict[str, str] = {}
    for source in (DEFAULT_WORDS, words or {}):
        for word_key, text in source.items():
            if word_key.startswith("col.") and word_key != "col.value":
                names[text.strip().casefold()] = word_key.removeprefix("col.")
    for key in (*LOCKED_KEYS, *OPEN_BEFORE_VALUES, *OPEN_AFTER_VALUES):
        names.setdefault(key, key)
    return names


def value_key(name: str, words: Mapping[str, str] | None) -> str | None:
    """`value3` for a header like 'Value 3' (or its translation), else None."""
    templates = [DEFAULT_WORDS["col.value"]]
    if words and "col.value" in words:
        templates.append(words["col.value"])
    for template in templates:
        pattern = re.escape(template.strip()).replace(re.escape("{n}"), r"([1-9]\d*)")
        if match := re.fullmatch(pattern, name.strip(), flags=re.IGNORECASE):
            return f"value{match.group(1)}"
    return None
