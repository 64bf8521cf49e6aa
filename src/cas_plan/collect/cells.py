"""Reading an .xlsx file's cells back: each value as openpyxl gives it, with its reference
(`F12`) and its number format, and a number cell as the amount it shows.

The writing side is `cas_plan.output.xlsx`; reading is what `import` does with a filled
workbook, so it lives here.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

_DECIMAL_FORMAT_PLACES = re.compile(r"\.(0+)")
_FORMAT_LITERAL = re.compile(r'"[^"]*"|\\.')
_FIFTEEN_DIGITS = Context(prec=15, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CellRead:
    """A cell as read back: its reference (`F12`), its value as openpyxl gives it (str, int,
    float, datetime, bool or None; a formula's text), its number format, which says how many
    decimal places the reader saw, and its type as the file states it: "f" for a formula, "e"
    for an error value (`#N/A`), which are not values a unit typed."""

    ref: str
    value: object | None
    number_format: str
    data_type: str = "n"


@dataclass(frozen=True)
class RowCells:
    """The cells of one row, from column A to the sheet's last used column."""

    number: int
    cells: tuple[CellRead, ...]

    def is_empty(self) -> bool:
        return all(is_blank(cell.value) for cell in self.cells)


def open_workbook(source: Path | bytes) -> Workbook:
    """Load a workbook as it is: a formula as its text, not the result a program cached (or did
    not), so that the reader can refuse it where it is."""
    data = source.read_bytes() if isinstance(source, Path) else source
    with warnings.catch_warnings():  # openpyxl warns of what it skips; the reader says its own
        warnings.simplefilter("ignore")
        return load_workbook(io.BytesIO(data), data_only=False, keep_links=False)


def extent(ws: Worksheet) -> tuple[int, int, str]:
    """The sheet's last used row and column, and the cell there (`XFD1048576`): openpyxl keeps
    only the cells a file holds, so this costs nothing, where walking the rows to it would."""
    rows, columns = ws.max_row, ws.max_column
    return rows, columns, f"{get_column_letter(columns)}{rows}"


def sheet_rows(ws: Worksheet) -> list[RowCells]:
    """Every row of a worksheet up to its last used one, each cell with its reference (the
    caller checks the sheet's `extent` first)."""
    rows: list[RowCells] = []
    width = ws.max_column
    for number, row in enumerate(
        ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=width), start=1
    ):
        cells = tuple(
            CellRead(
                f"{get_column_letter(column)}{number}",
                getattr(cell, "value", None),
                getattr(cell, "number_format", "General"),
                getattr(cell, "data_type", "n"),
            )
            for column, cell in enumerate(row, start=1)
        )
        rows.append(RowCells(number, cells))
    return rows


def read_rows(source: Path | bytes, sheet_name: str) -> list[RowCells]:
    """The rows of one sheet of an .xlsx file (header included), so a caller can say
    `FILE:SHEET!F12: message`. KeyError when there is no such sheet."""
    wb = open_workbook(source)
    if sheet_name not in wb.sheetnames:
        raise KeyError(sheet_name)
    return sheet_rows(wb[sheet_name])


def is_blank(value: object | None) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def format_places(number_format: str) -> int | None:
    """The decimal places a number format shows (`#,##0.00` -> 2, `0` -> 0); None for
    `General` and other formats that show as many places as the number has."""
    section = _FORMAT_LITERAL.sub("", number_format.split(";")[0])
    if section.casefold() == "general" or "0" not in section:
        return None
    match = _DECIMAL_FORMAT_PLACES.search(section)
    return len(match.group(1)) if match else 0


def plain_decimal(value: Decimal) -> Decimal:
    """`value` without trailing zeros and never in exponent form (1E+3 -> 1000)."""
    exact = Context(prec=max(28, len(value.as_tuple().digits) + 2))  # never rounded
    if value == value.to_integral_value():
        return value.quantize(Decimal(1), context=exact)
    return value.normalize(context=exact)


def cell_decimal(value: int | float | Decimal, number_format: str) -> Decimal:
    """The amount a number cell shows, as a Decimal.

    A cell holds a double: `Decimal(str(x))` takes the shortest text that reads back as the
    same double (what was typed), rounding to 15 significant digits drops what arithmetic in
    doubles added (Excel keeps 15 too), and rounding half up to the format's places gives what
    the cell shows: 0.1 + 0.2 -> 0.30 under `#,##0.00`, 0.3 under `General`."""
    if isinstance(value, bool):
        raise TypeError("a bool is not an amount")
    number = Decimal(value) if isinstance(value, int | Decimal) else Decimal(repr(value))
    if not number.is_finite():
        raise InvalidOperation(str(value))
    number = _FIFTEEN_DIGITS.plus(number)
    places = format_places(number_format)
    if places is None:
        return plain_decimal(number)
    return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
