"""Reading a filled collection workbook back: its metadata (from the hidden sheet, else the
document properties), a check that the header row is as made, and every row with something in
an open cell, each problem as `FILE:SHEET!CELL: message`.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping, Sequence
from datetime import date

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from cas_plan.collect.cells import CellRead, RowCells, extent, open_workbook, sheet_rows
from cas_plan.collect.limits import extent_problem, zip_problems
from cas_plan.collect.rows import Problems, parse_row, quoted
from cas_plan.collect.sheet import (
    ACTIVITIES_SHEET,
    FORMAT_VERSION,
    META_SHEET,
    CollectMeta,
    CollectRead,
    CollectRow,
    RowPlaces,
    from_properties,
)
from cas_plan.l10n.phrases import surface_words


def read_collect_workbook(data: bytes, shown_name: str) -> CollectRead:
    """Read a filled collection workbook: its metadata, every row with something in an open
    cell, and every problem at the spreadsheet level, each `{shown_name}:SHEET!CELL: message`.
    Never raises for a bad file: that is a problem too."""
    problems = Problems(shown_name)
    refused = zip_problems(data, shown_name)
    if refused:
        return CollectRead(None, (), [], refused)
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
    sheet = entries.get("sheet") or surface_words("en", "workbook")[ACTIVITIES_SHEET]
    if meta is None:
        return CollectRead(None, ids, [], problems.lines)
    if sheet not in wb.sheetnames:
        problems.add(None, f"the sheet {quoted(sheet)} is missing; do not remove or rename it")
        return CollectRead(meta, ids, [], problems.lines)
    keys = entries.get("columns", "").split()
    if not within_extent(wb, sheet, problems):
        return CollectRead(meta, ids, [], problems.lines)
    rows = sheet_rows(wb[sheet])
    if not rows or not headers_match(rows[0], keys, entries, sheet, problems):
        return CollectRead(meta, ids, [], problems.lines)
    found: list[CollectRow] = []
    known = frozenset(ids)  # asked once per row: a collective unit's workbook has thousands
    columns = {
        key: (f"{sheet}!{get_column_letter(index + 1)}", "") for index, key in enumerate(keys)
    }
    for row in rows[1:]:
        fields = {
            key: row.cells[index] if index < len(row.cells) else CellRead("", None, "General")
            for index, key in enumerate(keys)
        }
        parsed = parse_row(fields, RowPlaces(shown_name, row.number, columns), known, problems)
        if parsed is not None:
            found.append(parsed)
    return CollectRead(meta, ids, found, problems.lines)


def within_extent(wb: Workbook, sheet: str, problems: Problems) -> bool:
    """Whether the sheet ends where a collection workbook's may (`limits.extent_problem`),
    checked before its rows are walked."""
    problem = extent_problem(sheet, *extent(wb[sheet]))
    if problem is not None:
        problems.add(*problem)
    return problem is None


def read_meta_entries(wb: Workbook, problems: Problems) -> dict[str, str] | None:
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
    if not within_extent(wb, META_SHEET, problems):
        return None
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
    entries: Mapping[str, str], problems: Problems, place: str
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
    labels = {
        key.removeprefix("status:"): value
        for key, value in entries.items()
        if key.startswith("status:")
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
        status_labels=labels,
    )


def headers_match(
    header: RowCells,
    keys: Sequence[str],
    entries: Mapping[str, str],
    sheet: str,
    problems: Problems,
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
