"""What a filled workbook or CSV file may be, checked before it is opened.

A workbook from `casplan collect`, filled in, is some tens of kilobytes: a file of gigabytes, a
zip part that inflates to hundreds of megabytes (a shared-strings table of 50 MB in a file of
190 KB), a document type declaration (entities that expand) or a sheet that reaches XFD1048576
is no unit's answer, and reading it would take minutes or all the memory. Each is refused in one
line, from the file's size and the zip's directory, before openpyxl reads a byte of XML; the
sheet's extent is checked again once loaded, before its rows are walked.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

MAX_FILE_BYTES = 10 * 1024 * 1024
"""A filled workbook or CSV file: the whole plan's workbook is about 100 KB."""
MAX_PART_BYTES = 10 * 1024 * 1024
"""One part of the workbook (a sheet, the shared strings), inflated."""
MAX_TOTAL_BYTES = 40 * 1024 * 1024
"""All the parts together, inflated."""
MAX_PARTS = 1_000
MAX_RATIO = 100
"""How much a part larger than RATIO_FLOOR may inflate: XML a spreadsheet program writes
compresses 5 to 20 times; a zip bomb, thousands."""
RATIO_FLOOR = 1024 * 1024
MAX_ROWS = 10_000
"""Rows of a sheet: the whole plan has 238 activities (with sub-activities, about 300)."""
MAX_COLUMNS = 64
"""Columns of a sheet: the activities sheet has about 20."""
MAX_CELL_CHARS = 32_767
"""The text of one cell: Excel's own limit."""
_DECLARATION = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_PROLOGUE_BYTES = 4096


def file_problem(path: Path, shown: str) -> str | None:
    """The file's size against MAX_FILE_BYTES, from the directory entry (a sparse file of
    gigabytes is never read); None when it may be read."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return (
            f"{shown}: the file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit of a "
            "filled workbook; is it the workbook casplan collect made?"
        )
    return None


def zip_problems(data: bytes, shown: str) -> list[str]:
    """What makes the zip too big or dangerous to open, from its directory (each part's size
    inflated, the ratio, the total, the number of parts) and the first bytes of each XML part
    (no document type declaration); [] when it may be opened. A file that is not a zip at all is
    left to the reader, which says so."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        return []
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            return [
                f"{shown}: the workbook has {len(parts):,} parts, over the limit of {MAX_PARTS:,}"
            ]
        problems = [line for part in parts if (line := _part_problem(part, shown))]
        total = sum(part.file_size for part in parts)
        if not problems and total > MAX_TOTAL_BYTES:
            problems.append(
                f"{shown}: the workbook inflates to {total:,} bytes, over the "
                f"{MAX_TOTAL_BYTES:,}-byte limit"
            )
        if not problems:
            problems += _declarations(archive, parts, shown)
    return problems


def _part_problem(part: zipfile.ZipInfo, shown: str) -> str | None:
    where = f"{shown}: the part {part.filename}"
    if part.file_size > MAX_PART_BYTES:
        return (
            f"{where} inflates to {part.file_size:,} bytes, over the {MAX_PART_BYTES:,}-byte limit"
        )
    ratio = part.file_size / max(part.compress_size, 1)
    if part.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
        return (
            f"{where} inflates {ratio:,.0f} times ({part.compress_size:,} to "
            f"{part.file_size:,} bytes), over the limit of {MAX_RATIO}"
        )
    return None


def _declarations(archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo], shown: str) -> list[str]:
    """The XML parts that declare a document type (and so may declare entities that expand):
    no spreadsheet program writes one."""
    found = []
    for part in parts:
        if part.filename.endswith((".xml", ".rels", ".vml")):
            try:
                with archive.open(part) as stream:
                    head = stream.read(_PROLOGUE_BYTES)
            except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError):
                continue  # the reader says what is wrong with the zip
            if _DECLARATION.search(head):
                found.append(
                    f"{shown}: the part {part.filename} declares a document type (entities); "
                    "no spreadsheet program writes one"
                )
    return found


def extent_problem(sheet: str, rows: int, columns: int, last: str) -> tuple[str, str] | None:
    """A loaded sheet's extent (its last used row and column, `last` the cell there) against
    MAX_ROWS and MAX_COLUMNS, before its rows are walked: the place and the message."""
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        return (
            f"{sheet}!{last}",
            f"the sheet reaches {last}, past the {MAX_ROWS:,} rows and {MAX_COLUMNS} columns "
            "a collection workbook may have; delete what was added there",
        )
    return None
