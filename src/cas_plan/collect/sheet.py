"""What a collection workbook holds: its columns, the metadata it stores about what it was made
from, and the plain records the writer takes and the readers give.

Built from plain data (the lead maps plan objects onto `CollectActivity` and `CollectMeta`), so
the layout can be tested without a plan. The plan's text sits in locked columns; the unit fills
the open ones. What the workbook was made from (plan, commit, unit, period, the activities and
their headers) is stored twice, as custom document properties and in a hidden protected sheet,
so `import` can read a filled workbook back and name every problem as
`FILE:SHEET!CELL: message`. Whether a status is one of the plan's, an indicator number exists or
the unit is responsible is the plan's business, not the layout's: the rows carry every value
with its place so the caller can say so.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

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
HEADER_WORDS = {
    "id": "col.id",
    "activity": "activity",
    "indicators": "indicators",
    "deadline": "deadline",
    "current_status": "col.current_status",
    "current_date": "col.current_date",
    "latest_note": "latest_note",
    "status": "col.status",
    "date": "date",
    "note": "note",
    "evidence": "evidence",
    "spent": "col.spent",
    "currency": "currency",
    "corrects": "col.corrects",
}
"""Each column's header: its phrase in the workbook's words (`l10n.phrases.surface_words`);
the value columns' is "col.value", numbered."""
ACTIVITIES_SHEET = "activities"
INSTRUCTIONS_SHEET = "sheet.instructions"
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2100, 12, 31)
"""The dates a workbook's date cells offer, and the dates `import` takes."""


@dataclass(frozen=True)
class CollectActivity:
    """One activity as the unit sees it: the plan's text, its deadline in words and its last
    reported state (the status's code, "" for none). A `continuous` one is never completed, so
    its row does not offer that status."""

    id: str
    title: str
    indicators: Sequence[str]
    deadline_text: str
    status: str
    status_date: date | None
    latest_note: str
    indicator_units: Sequence[str | None] = ()  # each indicator's unit, for its value's check
    continuous: bool = False


@dataclass(frozen=True)
class CollectMeta:
    """What a collection workbook was made from, stored in it and read back by `import`.

    `plan_text_digests` maps an activity id to a digest of its plan text when the workbook was
    made, so `import` can tell that the plan changed since; `status_labels` each status's code
    to the label the workbook shows for it, so `import` reads a label back as its code."""

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
    status_labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RowPlaces(Mapping[str, str]):
    """Where each field of a row is (`FILE:SHEET!F12`, `FILE:12:6`; `row`: the id's place),
    made when asked from the row's number and the columns every row of the file shares: a
    row read back keeps three references, not a text per field (48,000 rows at 100x)."""

    shown: str
    number: int
    columns: Mapping[str, tuple[str, str]]  # field -> the place's text before and after the row

    def local(self, name: str) -> str:
        """The place inside the file: `SHEET!F12`, `12:6`."""
        before, after = self.columns["id" if name == "row" else name]
        return f"{before}{self.number}{after}"

    def __getitem__(self, name: str) -> str:
        return f"{self.shown}:{self.local(name)}"

    def __iter__(self) -> Iterator[str]:
        yield from self.columns
        yield "row"

    def __len__(self) -> int:
        return len(self.columns) + 1


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


def column_keys(value_columns: int) -> list[str]:
    """The columns of the activities sheet, in order: locked ones, then open ones."""
    values = [f"value{number}" for number in range(1, value_columns + 1)]
    return [*LOCKED_KEYS, *OPEN_BEFORE_VALUES, *values, *OPEN_AFTER_VALUES]


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
    entries += [(f"status:{code}", label) for code, label in meta.status_labels.items()]
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


def collect_file_name(unit_id: str) -> str:
    """The workbook's file name for a unit: its id, with anything but letters, digits, '.',
    '-' and '_' replaced, so that no unit id can name a path outside the output folder."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", unit_id).strip(".") or "unit"
    return f"{safe}.xlsx"
