"""One filled row, from the cells of a workbook or the fields of a CSV line, as a `CollectRow`:
each value read for what its column holds (text, a date, an amount, the report it corrects),
each problem named at its place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence, Set
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from cas_plan.collect.cells import CellRead, cell_decimal, is_blank, plain_decimal
from cas_plan.collect.limits import MAX_CELL_CHARS
from cas_plan.collect.sheet import (
    AMOUNT_PLACES,
    FIRST_DATE,
    LAST_DATE,
    LOCKED_KEYS,
    CollectRow,
    RowPlaces,
)
from cas_plan.core.diagnostics import printable
from cas_plan.core.money import MAX_AMOUNT, AmbiguousNumber, number_from_text
from cas_plan.output.xlsx import decimal_places

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DOTTED_DATE = re.compile(r"(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})\.?")
_CORRECTS = re.compile(r"(\d{4}-\d{2}-\d{2})(?:#([1-9]\d*))?")


class Problems:
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
    return "'" + printable(text) + "'"


def open_keys(keys: Sequence[str]) -> list[str]:
    return [key for key in keys if key not in LOCKED_KEYS]


def parse_row(
    fields: Mapping[str, CellRead],
    where: RowPlaces,
    ids: Set[str] | None,
    problems: Problems,
) -> CollectRow | None:
    """One row as a `CollectRow`, or None when its open cells are empty or its id is wrong.
    `ids` None (CSV) accepts any id; the caller checks it against the plan."""
    if all(is_blank(fields[key].value) for key in open_keys(list(fields))):
        return None
    places = {key: where.local(key) for key in where.columns}
    before = len(problems.lines)
    fields = {key: readable(cell, places.get(key, ""), problems) for key, cell in fields.items()}
    if len(problems.lines) > before and fields["id"].value is None:
        return None
    activity_id = text_of(fields["id"].value)
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
        places=where,
        problems=tuple(problems.lines[before:]),
    )


def readable(cell: CellRead, place: str, problems: Problems) -> CellRead:
    """The cell, or an empty one with a problem at its place when it holds what is not a value
    a unit typed: a formula (with or without the result a program cached), an error value
    (`#N/A`), or more text than a cell holds (`limits.MAX_CELL_CHARS`)."""
    value = cell.value
    if cell.data_type == "f":
        formula = value if isinstance(value, str) else getattr(value, "text", "") or "="
        problems.add(
            place,
            f"{quoted(_cut(str(formula)))} is a formula; type the value itself (casplan does not "
            "import formulas, whose results it cannot check)",
        )
    elif cell.data_type == "e":
        problems.add(place, f"holds the error value {quoted(str(value))}; type a value instead")
    elif isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        problems.add(
            place,
            f"the cell holds {len(value):,} characters, over the {MAX_CELL_CHARS:,} a cell may "
            "hold; shorten it (a longer text belongs in a document named as evidence)",
        )
    else:
        return cell
    return CellRead(cell.ref, None, cell.number_format)


def _cut(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


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
        try:
            text = str(cell_decimal(value, "General"))
        except InvalidOperation:  # more digits than a cell shows (1e30), or not finite
            number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
            text = format(number, "f") if number.is_finite() else repr(value)
    else:
        text = str(value)
    text = text.strip()
    return text or None


def date_from_text(text: str) -> date | None:
    """2018-06-30, or the Serbian 30.06.2018 / 30. 6. 2018.; None when it is neither. (Core
    reads dates in a deadline's prose, and options take ISO dates only: a cell typed by a
    person is the one place that takes both forms.)"""
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
    cell: CellRead | None, place: str, problems: Problems
) -> tuple[date | None, str | None]:
    """The date of a date cell, or of the text in it; a problem when it is neither."""
    if cell is None or is_blank(cell.value):
        return None, None
    value = cell.value
    if isinstance(value, datetime | date):
        day = value.date() if isinstance(value, datetime) else value
        return bounded_day(day, place, problems), None
    if isinstance(value, str):
        parsed = date_from_text(value)
        if parsed is None:
            problems.add(place, f"{quoted(value)} is not a date; write a date like 2018-06-30")
            return None, value
        return bounded_day(parsed, place, problems), value
    problems.add(
        place,
        f"{text_of(value)} is a number, not a date; write a date like 2018-06-30",
    )
    return None, text_of(value)


def bounded_day(day: date, place: str, problems: Problems) -> date | None:
    """The day, when it is one a workbook takes (FIRST_DATE to LAST_DATE, the dates its cells
    offer); else None, with a problem at its place."""
    if FIRST_DATE <= day <= LAST_DATE:
        return day
    problems.add(
        place,
        f"{day.isoformat()} is outside the dates a workbook takes ({FIRST_DATE.isoformat()} to "
        f"{LAST_DATE.isoformat()}); write the date of the report",
    )
    return None


def amount_from_text(text: str) -> Decimal | str:
    """An amount written as text, in any notation `money.number_from_text` reads (1234.50,
    1234,50, 1,234.50, 1.234,50); a message instead when the text is not an amount, is
    ambiguous (1.234 may be 1234 or 1.234) or has more than AMOUNT_PLACES decimal places."""
    number = number_from_text(text)
    if isinstance(number, AmbiguousNumber):
        whole, fraction = number.whole, number.fraction
        return (
            f"{quoted(text)} is ambiguous: write {whole}{fraction} for thousands, "
            f"or {whole}.{fraction[:AMOUNT_PLACES]} with at most {AMOUNT_PLACES} decimal places"
        )
    if number is None:
        return f"{quoted(text)} is not an amount; write a number like 1234.50"
    if decimal_places(number) > AMOUNT_PLACES:
        return f"{quoted(text)} has more than {AMOUNT_PLACES} decimal places"
    return number


def read_amount(cell: CellRead | None, place: str, problems: Problems) -> Decimal | None:
    """The spent amount as a Decimal with 2 places, from a number cell (as the cell shows it)
    or from text; a problem when it is not an amount or is negative."""
    if cell is None or is_blank(cell.value):
        return None
    value = cell.value
    if isinstance(value, bool | datetime | date):
        problems.add(place, f"{text_of(value)} is not an amount; write a number like 1234.50")
        return None
    if isinstance(value, int | float | Decimal) and _over(value, MAX_AMOUNT):
        problems.add(
            place,
            f"{_cut(text_of(value) or '')} is over the largest amount a workbook takes "
            f"({MAX_AMOUNT:,}); write the amount spent",
        )
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
    if number > MAX_AMOUNT:
        problems.add(
            place,
            f"{_cut(str(plain_decimal(number)))} is over the largest amount a workbook takes "
            f"({MAX_AMOUNT:,}); write the amount spent",
        )
        return None
    return number.quantize(Decimal(1).scaleb(-AMOUNT_PLACES))


def _over(value: int | float | Decimal, bound: Decimal) -> bool:
    """Whether a number is larger than `bound` (NaN is not: it is no amount at all)."""
    try:
        return abs(Decimal(value)) > bound
    except InvalidOperation:
        return False


def read_corrects(cell: CellRead | None, place: str, problems: Problems) -> str | None:
    """The report a row corrects: `2018-06-30` or `2018-06-30#2`, from a date cell or text."""
    if cell is None or is_blank(cell.value):
        return None
    value = cell.value
    if isinstance(value, datetime | date):
        day = bounded_day(value.date() if isinstance(value, datetime) else value, place, problems)
        return day.isoformat() if day else None
    text = text_of(value) or ""
    match = _CORRECTS.fullmatch(text)
    day = date_from_text(match.group(1)) if match else None
    if day is None:
        problems.add(
            place,
            f"{quoted(text)} does not name a report; write its date like 2018-06-30, "
            "or 2018-06-30#2 for the second report of that day",
        )
        return None
    return text if bounded_day(day, place, problems) else None
