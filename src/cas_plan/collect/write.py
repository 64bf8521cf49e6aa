"""Writing a unit's collection workbook: the instructions sheet, the activities sheet (locked
plan text, open yellow cells with drop-downs and date and amount checks) and the hidden sheet of
metadata; the same input gives byte-identical bytes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, time
from typing import Literal

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.cell_range import MultiCellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cas_plan.collect.sheet import (
    ACTIVITIES_SHEET,
    AMOUNT_PLACES,
    FIRST_DATE,
    HEADER_WORDS,
    INSTRUCTIONS_SHEET,
    LAST_DATE,
    LOCKED_KEYS,
    META_SHEET,
    CollectActivity,
    CollectMeta,
    as_properties,
    column_keys,
    meta_entries,
)
from cas_plan.l10n.formats import format_date, format_date_range, sentence
from cas_plan.output.xlsx import (
    DATE_FORMAT,
    MAX_CELL_TEXT,
    TEXT_FORMAT,
    cell_at,
    decimal_format,
    fit_row_heights,
    fit_width,
    new_workbook,
    set_date,
    set_text,
    style_header,
    text_lines,
    visible_text,
    workbook_bytes,
)

ValidationKind = Literal["list", "date", "decimal", "whole"]

OPEN_FILL = PatternFill(fill_type="solid", start_color="FFFFF2CC", end_color="FFFFF2CC")
UNUSED_FILL = PatternFill(fill_type="solid", start_color="FFBFBFBF", end_color="FFBFBFBF")
LOCKED = Protection(locked=True)
UNLOCKED = Protection(locked=False)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")


def header_text(key: str, words: Mapping[str, str]) -> str:
    """A column's header in the workbook's words: "Deadline" / "Rok", "Value 2"."""
    if key.startswith("value"):
        return words["col.value"].format(n=key.removeprefix("value"))
    return words[HEADER_WORDS[key]]


def numbered(indicators: Sequence[str]) -> str:
    return "\n".join(f"{number}. {text}" for number, text in enumerate(indicators, start=1))


def build_collect_workbook(
    meta: CollectMeta,
    activities: Sequence[CollectActivity],
    currencies: Sequence[str],
    said: Mapping[str, str],
) -> bytes:
    """The .xlsx bytes of one unit's collection workbook; the caller writes them atomically.

    `said` is what the workbook says, in its language (`surface_words(lang, "workbook")`); the
    statuses it offers are `meta.status_labels`' labels. The same input gives byte-identical
    bytes."""
    statuses = list(meta.status_labels.values())
    for activity in activities:
        if any(char.isspace() for char in activity.id) or not activity.id:
            raise ValueError(f"an activity id has no spaces and is not empty: {activity.id!r}")
    value_columns = max((len(activity.indicators) for activity in activities), default=0)
    keys = column_keys(value_columns)
    headers = [(key, visible_text(header_text(key, said))) for key in keys]
    sheet_name = said[ACTIVITIES_SHEET][:31]
    entries = meta_entries(meta, [a.id for a in activities], headers, sheet_name)
    wb = new_workbook(
        title=f"{meta.plan_title}: {meta.unit_name}, {meta.period_text}",
        metadata=as_properties(entries),
        when=datetime.combine(meta.made_on, time()),
    )
    ws: Worksheet = wb.create_sheet(sheet_name)
    running = [label for code, label in meta.status_labels.items() if code != "completed"]
    add_meta_sheet(wb, entries, {"statuses": statuses, "running": running}, currencies)
    fill_activities(ws, meta, activities, headers, value_columns, currencies, said)
    instructions: Worksheet = wb.create_sheet(said[INSTRUCTIONS_SHEET][:31], 0)
    fill_instructions(instructions, meta, headers, said, sheet_name)
    wb.active = 1
    for sheet in wb.worksheets:  # one selected tab: several would open as a group of sheets
        sheet.sheet_view.tabSelected = sheet.title == sheet_name
    return workbook_bytes(wb)


def add_meta_sheet(
    wb: Workbook,
    entries: Sequence[tuple[str, str]],
    statuses: Mapping[str, Sequence[str]],
    currencies: Sequence[str],
) -> None:
    """The hidden, protected sheet: metadata in A:B, the drop-down lists in D, E and F (named
    ranges, since a list written into the validation itself is limited to 255 characters): the
    statuses, the currencies, and the statuses of a continuous activity (all but completed)."""
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
    lists = (
        ("statuses", statuses.get("statuses", ())),
        ("currencies", currencies),
        ("running", statuses.get("running", ())),
    )
    for column, (name, items) in enumerate(lists, start=4):
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
    meta: CollectMeta,
    activities: Sequence[CollectActivity],
    headers: Sequence[tuple[str, str]],
    value_columns: int,
    currencies: Sequence[str],
    said: Mapping[str, str],
) -> None:
    """The activities sheet: header, one row per activity, locks, validations, widths."""
    position = {key: column for column, (key, _) in enumerate(headers, start=1)}
    for column, (_, text) in enumerate(headers, start=1):
        set_text(cell_at(ws, 1, column), text)
    style_header(ws, len(headers))
    labels = meta.status_labels
    styles: dict[tuple[object, ...], StyleArray] = {}  # one per kind of cell of the sheet
    for row, activity in enumerate(activities, start=2):
        fill_activity_row(ws, row, activity, headers, position, labels, styles)
    last = len(activities) + 1
    statuses = list(labels.values())
    if activities:
        running = [row for row, activity in enumerate(activities, start=2) if activity.continuous]
        add_validations(ws, position, (last, running), statuses, currencies, said)
        add_value_validations(ws, activities, position, said)
    shown = [labels.get(activity.status, activity.status) for activity in activities]
    widths = fitted_widths(activities, shown, headers, statuses, currencies)
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
    status_labels: Mapping[str, str],
    styles: dict[tuple[object, ...], StyleArray],
) -> None:
    locked_text = {
        "id": activity.id,
        "activity": activity.title,
        "indicators": numbered(activity.indicators),
        "deadline": activity.deadline_text,
        "current_status": status_labels.get(activity.status, activity.status),
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
        _styled(cell_at(ws, row, position[key]), styles, (key == "current_date",), _locked)
    for key, _ in headers:
        if key in LOCKED_KEYS:
            continue
        cell = cell_at(ws, row, position[key])
        unused = key.startswith("value") and int(key.removeprefix("value")) > len(
            activity.indicators
        )
        if unused:
            _styled(cell, styles, ("unused",), _unused)
        elif key == "date":
            _styled(cell, styles, (DATE_FORMAT,), _open(DATE_FORMAT))
        elif key == "spent":
            _styled(cell, styles, ("spent",), _open(decimal_format(AMOUNT_PLACES)))
        elif value_unit(activity, key) in NUMERIC_UNITS:
            _styled(cell, styles, ("General",), _open("General"))  # a number, as checked
        else:
            _styled(cell, styles, (TEXT_FORMAT,), _open(TEXT_FORMAT))


def _styled(
    cell: Cell,
    styles: dict[tuple[object, ...], StyleArray],
    key: tuple[object, ...],
    style: Callable[[Cell], None],
) -> None:
    """The cell styled by `style`, or given the style of the first cell of the sheet that
    `style` styled under `key`: the same style, without openpyxl hashing each of its objects
    once more (most of `collect`'s time, before)."""
    known = styles.get(key)
    if known is None:
        style(cell)
        styles[key] = copy.copy(cell._style)  # type: ignore[attr-defined]
    else:
        cell._style = copy.copy(known)  # type: ignore[attr-defined]


def _locked(cell: Cell) -> None:
    cell.alignment = WRAP_TOP
    cell.protection = LOCKED


def _unused(cell: Cell) -> None:
    cell.alignment = WRAP_TOP
    cell.fill = UNUSED_FILL
    cell.protection = LOCKED


def _open(number_format: str) -> Callable[[Cell], None]:
    def style(cell: Cell) -> None:
        cell.alignment = WRAP_TOP
        cell.fill = OPEN_FILL
        cell.protection = UNLOCKED
        cell.number_format = number_format

    return style


def add_validations(
    ws: Worksheet,
    position: Mapping[str, int],
    rows: tuple[int, Sequence[int]],
    statuses: Sequence[str],
    currencies: Sequence[str],
    said: Mapping[str, str],
) -> None:
    """Drop-downs for status and currency, a date check and a non-negative amount check; the
    rows of continuous activities (`rows`: the last row, and those) offer every status but
    completed. Pasting bypasses them in Excel, so `read_collect_workbook` checks again."""
    last, running = rows

    def check(
        kind: ValidationKind, key: str, message: str, only: Sequence[int] | None = None, **rule: str
    ) -> None:
        validation = DataValidation(
            type=kind,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=said["tool"],
            error=message,
            **rule,  # type: ignore[arg-type]
        )
        # one MultiCellRange of all: adding ranges one by one compares each with those before
        cells = cell_ranges(get_column_letter(position[key]), only or range(2, last + 1))
        validation.sqref = MultiCellRange(" ".join(cells))
        ws.add_data_validation(validation)

    if statuses:
        continuous = set(running)
        others = [row for row in range(2, last + 1) if row not in continuous]
        for rows_of, named in ((others, "casplan_statuses"), (running, "casplan_running")):
            if rows_of:
                check("list", "status", said["valid.status"], rows_of, formula1=named)
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


NUMERIC_UNITS = ("number", "percent", "count")


def value_unit(activity: CollectActivity, key: str) -> str | None:
    """The unit of the indicator a value column holds for the activity (None: no unit)."""
    if not key.startswith("value"):
        return None
    number = int(key.removeprefix("value"))
    units = activity.indicator_units
    return units[number - 1] if number <= len(units) else None


def add_value_validations(
    ws: Worksheet,
    activities: Sequence[CollectActivity],
    position: Mapping[str, int],
    said: Mapping[str, str],
) -> None:
    """Each value cell checked for its indicator's unit: a percent is a decimal from 0 to 100,
    a count a whole number of 0 or more, a number any decimal, yes/no one of the list. Pasting
    bypasses them, so `import` checks again with `validate`'s words."""
    cells: dict[str, list[str]] = {}
    for row, activity in enumerate(activities, start=2):
        for key, column in position.items():
            unit = value_unit(activity, key)
            if unit in (*NUMERIC_UNITS, "yes_no"):
                cells.setdefault(str(unit), []).append(f"{get_column_letter(column)}{row}")
    yes_no = f'"{said["indicator_yes"]},{said["indicator_no"]}"'
    rules: dict[str, tuple[ValidationKind, dict[str, str]]] = {
        "percent": ("decimal", {"operator": "between", "formula1": "0", "formula2": "100"}),
        "count": ("whole", {"operator": "greaterThanOrEqual", "formula1": "0"}),
        "number": ("decimal", {"operator": "between", "formula1": "-1E+15", "formula2": "1E+15"}),
        "yes_no": ("list", {"formula1": yes_no}),
    }
    for unit, (kind, rule) in rules.items():
        if unit not in cells:
            continue
        validation = DataValidation(
            type=kind,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=said["tool"],
            error=said[f"valid.{unit}"],
            **rule,  # type: ignore[arg-type]
        )
        validation.add(" ".join(cells[unit]))
        ws.add_data_validation(validation)


def cell_ranges(letter: str, rows: Iterable[int]) -> list[str]:
    """The cells of a column in some rows, as ranges of consecutive rows: `H2:H5`, `H7`."""
    ranges: list[list[int]] = []
    for row in rows:
        if ranges and ranges[-1][1] == row - 1:
            ranges[-1][1] = row
        else:
            ranges.append([row, row])
    return [
        f"{letter}{first}" if first == end else f"{letter}{first}:{letter}{end}"
        for first, end in ranges
    ]


def excel_serial(day: date) -> int:
    """The day as Excel counts (1900 date system), for a validation's bounds."""
    return (day - date(1899, 12, 30)).days


def fitted_widths(
    activities: Sequence[CollectActivity],
    shown_statuses: Sequence[str],
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
        "current_status": longest_line(shown_statuses),
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
    said: Mapping[str, str],
    sheet_name: str,
) -> None:
    """The instructions sheet in the chosen language: what to do, each column, each status."""
    fields = {
        "unit_name": meta.unit_name,
        "plan_title": meta.plan_title,
        "period": format_date_range(meta.period_start, meta.period_end, meta.lang),
        "made_on": format_date(meta.made_on, meta.lang),
        "commit": meta.commit,
        "sheet": sheet_name,
    }
    lines: list[tuple[str, str, bool]] = [
        (said["instr.title"].format_map(fields), "", True),
        (sentence(said["instr.about"].format_map(fields)), "", False),
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
    lines += [
        (label, said.get(f"status.{code}", ""), False) for code, label in meta.status_labels.items()
    ]
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
