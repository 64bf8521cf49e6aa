"""Reading the CSV form of the activities sheet: the same columns (headers in any of casplan's
languages, or the columns' keys), comma, semicolon or tab separated, giving the same rows as a
workbook with places `FILE:LINE:COLUMN`.
"""

from __future__ import annotations

import csv
import io
import re

from cas_plan.collect.cells import CellRead
from cas_plan.collect.rows import Problems, parse_row, quoted
from cas_plan.collect.sheet import (
    HEADER_WORDS,
    LOCKED_KEYS,
    OPEN_AFTER_VALUES,
    OPEN_BEFORE_VALUES,
    CollectRead,
    CollectRow,
    RowPlaces,
)
from cas_plan.l10n.languages import LANGUAGES
from cas_plan.l10n.phrases import surface_words


def read_collect_csv(text: str, shown_name: str) -> CollectRead:
    """Read a CSV file with the activities sheet's columns (headers in any of casplan's
    languages, comma, semicolon or tab separated), giving the same rows as a workbook, with
    places `FILE:LINE:COLUMN`. A CSV file has no metadata: the caller knows the unit from
    elsewhere and checks the ids against the plan."""
    problems = Problems(shown_name)
    text = text.removeprefix("\ufeff")  # Excel's "CSV UTF-8" begins with a BOM: read past it
    if "\x00" in text:
        line, column = line_and_column(text, text.index("\x00"))
        problems.add(
            f"{line}:{column}",
            "the file holds a NUL character; it is not a CSV file as a spreadsheet saves one",
        )
        return CollectRead(None, (), [], problems.lines)
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
    keys = header_keys(header, problems)
    if "id" not in keys:
        id_header = surface_words("en", "workbook")[HEADER_WORDS["id"]]
        problems.add("1:1", f"there is no {quoted(id_header)} column")
        return CollectRead(None, (), [], problems.lines)
    rows: list[CollectRow] = []
    columns = {key: ("", f":{column}") for column, key in enumerate(keys, start=1) if key}
    line = reader.line_num
    try:
        for record in reader:
            start, line = line + 1, reader.line_num
            fields: dict[str, CellRead] = {}
            for column, key in enumerate(keys, start=1):
                if key is None:
                    continue
                cell = record[column - 1] if column <= len(record) else ""
                fields[key] = CellRead(f"{start}:{column}", cell or None, "General")
            parsed = parse_row(fields, RowPlaces(shown_name, start, columns), None, problems)
            if parsed is not None:
                rows.append(parsed)
    except csv.Error as error:
        problems.add(f"{reader.line_num}:1", f"not well-formed CSV: {error}")
    return CollectRead(None, (), rows, problems.lines)


def header_keys(header: list[str], problems: Problems) -> list[str | None]:
    """Each header's column key (None for a column not read); a header that is no column of
    the workbook, or names a column a second time, is a problem at its place."""
    known = header_names()
    keys: list[str | None] = []
    first: dict[str, int] = {}
    for column, name in enumerate(header, start=1):
        key = known.get(name.strip().casefold()) or value_key(name)
        if key is None and name.strip():
            problems.add(f"1:{column}", f"{quoted(name)} is not a column of the workbook")
        elif key is not None and key in first:
            problems.add(
                f"1:{column}",
                f"{quoted(name)} is the column of 1:{first[key]} again; keep one of them",
            )
            key = None
        elif key is not None:
            first[key] = column
        keys.append(key)
    return keys


def line_and_column(text: str, index: int) -> tuple[int, int]:
    """The line and column (from 1) of a character of `text`."""
    start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - start + 1


def header_names() -> dict[str, str]:
    """Header text (casefolded) to column key, in every language and as the key itself."""
    names: dict[str, str] = {}
    for lang in LANGUAGES:
        said = surface_words(lang, "workbook")
        for key, word in HEADER_WORDS.items():
            names.setdefault(said[word].strip().casefold(), key)
    for key in (*LOCKED_KEYS, *OPEN_BEFORE_VALUES, *OPEN_AFTER_VALUES):
        names.setdefault(key, key)
    return names


def value_key(name: str) -> str | None:
    """`value3` for a header like 'Value 3' in any language, else None."""
    for lang in LANGUAGES:
        template = surface_words(lang, "workbook")["col.value"]
        pattern = re.escape(template.strip()).replace(re.escape("{n}"), r"([1-9]\d*)")
        if match := re.fullmatch(pattern, name.strip(), flags=re.IGNORECASE):
            return f"value{match.group(1)}"
    return None
