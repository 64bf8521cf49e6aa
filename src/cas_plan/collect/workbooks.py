"""Collecting progress in workbooks: `collect` makes one per responsible unit, `import` reads
them back into progress entries.

The layout (locked and open columns, drop-downs, the stored metadata, reading cells back) is
workbook_layout's; this module maps the plan onto it and judges the rows against the plan: the
status, the indicators, whether the unit leads the activity, whether the plan text changed
since the workbook was made, and whether a row is already recorded. Entries are written by
`progress.record_entries`, the one path every progress entry takes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl.utils import column_index_from_string

from cas_plan.answers.queries import deadline_text, period_views, responsible_units, unit_views
from cas_plan.collect.layout import (
    CollectActivity,
    CollectMeta,
    CollectRead,
    CollectRow,
    build_collect_workbook,
    collect_file_name,
    read_collect_csv,
    read_collect_workbook,
)
from cas_plan.core.loader import Plan, collecting_garbage
from cas_plan.core.model import Unit
from cas_plan.core.money import ISO_4217, Money
from cas_plan.core.organization import Organization, leads, responsible_unit_ids
from cas_plan.core.periods import Period
from cas_plan.core.status import STATUSES
from cas_plan.core.views import ActivityView, status_on
from cas_plan.edit.progress import ProgressRequest, resolve_indicator

EXTRA_CURRENCIES = ("USD",)
"""Offered after the plan's own currencies: the drop-down stays short (the full ISO list is
180 codes), and a currency typed by hand is still accepted when it is an ISO code."""

SERBIAN_WORDS: Mapping[str, str] = {
    "sheet.activities": "Aktivnosti",
    "sheet.instructions": "Uputstvo",
    "col.id": "Broj",
    "col.activity": "Aktivnost",
    "col.indicators": "Pokazatelji",
    "col.deadline": "Rok",
    "col.current_status": "Trenutni status",
    "col.current_date": "Datum statusa",
    "col.latest_note": "Poslednja napomena",
    "col.status": "Novi status",
    "col.date": "Datum",
    "col.note": "Napomena",
    "col.value": "Vrednost {n}",
    "col.evidence": "Dokaz",
    "col.spent": "Utrošen iznos",
    "col.currency": "Valuta",
    "col.corrects": "Ispravlja",
    "help.id": "Broj aktivnosti u planu. Ne menjajte ga.",
    "help.activity": "Aktivnost kako je plan navodi.",
    "help.indicators": "Pokazatelji aktivnosti iz plana, numerisani.",
    "help.deadline": "Rok koji plan postavlja.",
    "help.current_status": "Poslednji prijavljeni status.",
    "help.current_date": "Datum poslednjeg prijavljenog statusa.",
    "help.latest_note": "Napomena poslednjeg izveštaja.",
    "help.status": "Status sada: izaberite jedan sa liste (statusi su navedeni ispod).",
    "help.date": "Datum od kada status važi, kao datum, npr. 2018-06-30.",
    "help.note": "Šta je urađeno u periodu, u nekoliko rečenica.",
    "help.value": (
        "Vrednost 1, Vrednost 2, ...: dostignuta vrednost pokazatelja 1, 2, ... aktivnosti. "
        "Sive ćelije: aktivnost nema taj pokazatelj."
    ),
    "help.evidence": "Gde se rezultat može proveriti: broj dokumenta, veza, datoteka.",
    "help.spent": "Iznos utrošen u periodu, broj 0 ili veći, npr. 1234,50.",
    "help.currency": "Valuta iznosa: izaberite jednu sa liste.",
    "help.corrects": (
        "Samo za ispravku ranijeg izveštaja: njegov datum (2018-06-30), ili datum i broj "
        "(2018-06-30#2) kada ih je tog dana bilo više. Inače ostavite prazno."
    ),
    "instr.title": "Izveštaj o napretku: {unit_name}",
    "instr.about": "Akcioni plan: {plan_title}. Period: {period_text} ({start} do {end}).",
    "instr.how": (
        "Popunite žute kolone lista '{sheet}', jedan red po aktivnosti. Ostavite red prazan "
        "kada nema šta da se prijavi. Ostale kolone sadrže tekst plana i zaključane su. Ne "
        "dodajte, ne brišite i ne pomerajte redove, kolone ni listove. Sačuvajte datoteku kao "
        ".xlsx i pošaljite je nazad."
    ),
    "instr.made": "Napravljeno {made_on} iz verzije {commit}.",
    "instr.columns": "Kolone",
    "instr.statuses": "Statusi",
    "instr.column": "Kolona",
    "instr.meaning": "Značenje",
    "status.not_started": "Rad na aktivnosti nije počeo.",
    "status.in_progress": "Rad je počeo i traje.",
    "status.completed": "Aktivnost je završena: pokazatelji su ispunjeni.",
    "status.delayed": "Aktivnost neće biti završena u roku.",
    "status.cancelled": "Aktivnost neće biti sprovedena.",
    "valid.status": "Izaberite status sa liste.",
    "valid.date": "Upišite datum, npr. 2018-06-30.",
    "valid.amount": "Upišite iznos 0 ili veći, npr. 1234,50.",
    "valid.currency": "Izaberite valutu sa liste.",
}


def collect_words(lang: str) -> Mapping[str, str]:
    return SERBIAN_WORDS if lang == "sr" else {}


# --- which activities ------------------------------------------------------------------------


# --- collect ---------------------------------------------------------------------------------


def plan_text_digest(view: ActivityView) -> str:
    """What the unit was shown of the activity: a change to it makes a row's answer stale."""
    text = "\n".join([view.title, *view.indicator_texts, deadline_text(view)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def plan_identity(plan: Plan) -> tuple[str, str]:
    """The plan's title and a short id for it (its title and period), stored in workbooks."""
    if plan.plan is None:
        return "casplan", "none"
    model = plan.plan.model
    text = f"{model.title}\n{model.period.start}..{model.period.end}"
    return model.title, hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def currencies_of(plan: Plan) -> list[str]:
    """The currencies the plan's funds and spending use, then EXTRA_CURRENCIES."""
    used: set[str] = set()
    for view in plan.views:
        if view.funds.value is not None:
            used.update(amount.amount.currency for amount in view.funds.value.amounts)
        for entry in view.activity.progress:
            used.update(spending.amount.currency for spending in entry.spent)
    return sorted(used) + [code for code in EXTRA_CURRENCIES if code not in used]


def collect_activity(view: ActivityView, today: dt.date) -> CollectActivity:
    latest = status_on(view.entries, today)
    return CollectActivity(
        id=view.id,
        title=view.title,
        indicators=view.indicator_texts,
        deadline_text=deadline_text(view),
        status=latest.status if latest else "",
        status_date=latest.date if latest else None,
        latest_note=(latest.note or "") if latest else "",
    )


@dataclass(frozen=True)
class UnitWorkbook:
    unit: Unit
    file_name: str
    activity_ids: tuple[str, ...]
    data: bytes


def unit_workbook(
    plan: Plan,
    unit: Unit,
    views: Sequence[ActivityView],
    period: Period,
    commit: str,
    lang: str,
    today: dt.date,
) -> UnitWorkbook:
    """One unit's collection workbook for the period."""
    title, plan_id = plan_identity(plan)
    meta = CollectMeta(
        plan_title=title,
        plan_id=plan_id,
        commit=commit,
        unit_id=unit.id,
        unit_name=unit.name,
        period_text=period.text,
        period_start=period.start,
        period_end=period.end,
        made_on=today,
        lang=lang,
        plan_text_digests={view.id: plan_text_digest(view) for view in views},
    )
    data = build_collect_workbook(
        meta,
        [collect_activity(view, today) for view in views],
        STATUSES,
        currencies_of(plan),
        collect_words(lang),
    )
    return UnitWorkbook(unit, collect_file_name(unit.id), tuple(v.id for v in views), data)


def collect_workbooks(
    plan: Plan,
    period: Period,
    unit_ids: Sequence[str],
    commit: str,
    lang: str,
    today: dt.date,
) -> list[UnitWorkbook]:
    """A workbook for each unit asked (default: each unit named as responsible for an
    activity of the period) that leads at least one activity of the period."""
    views = period_views(plan, period, today)
    if unit_ids:
        chosen = [plan.units[unit_id] for unit_id in unit_ids]
    else:
        chosen = responsible_units(plan, views)
    books = []
    with collecting_garbage():  # openpyxl's workbooks are cycles of cells and sheets
        for unit in chosen:
            own = unit_views(plan, views, unit.id)
            if own:
                books.append(unit_workbook(plan, unit, own, period, commit, lang, today))
    return books


# --- import ----------------------------------------------------------------------------------


@dataclass
class FileImport:
    """One filled file judged against the plan: the entries to add, the rows already
    recorded, and the problems (each `FILE:SHEET!CELL: message`)."""

    shown: str
    unit_id: str | None
    requests: list[tuple[ProgressRequest, str]] = field(default_factory=list)  # (entry, row)
    already: int = 0
    problems: list[str] = field(default_factory=list)


def read_filled(path: Path, shown: str) -> CollectRead:
    """A filled workbook, or a CSV file with its columns."""
    data = path.read_bytes()
    if path.suffix.casefold() == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return CollectRead(None, (), [], [f"{shown}: is not UTF-8 text; save it as CSV UTF-8"])
        return read_collect_csv(text, shown, SERBIAN_WORDS)
    return read_collect_workbook(data, shown)


def entry_key(
    day: dt.date,
    status: str,
    note: str | None,
    values: Mapping[str, str],
    evidence: Sequence[str],
    spent: Sequence[tuple[Money, int, str | None]],
    reported_by: str | None,
    corrects: str | None,
) -> tuple[object, ...]:
    """What makes two progress entries the same report."""
    return (
        day,
        status,
        note or None,
        tuple(sorted(values.items())),
        tuple(evidence),
        tuple(spent),
        reported_by,
        corrects,
    )


def recorded_keys(view: ActivityView) -> set[tuple[object, ...]]:
    return {
        entry_key(
            entry.date,
            entry.status,
            entry.note,
            entry.values,
            entry.evidence,
            [(s.amount, s.year, s.source) for s in entry.spent],
            entry.reported_by,
            entry.corrects,
        )
        for entry in view.activity.progress
    }


def judge_row(
    row: CollectRow,
    view: ActivityView | None,
    unit_id: str,
    scope: set[str],
    digest: str | None,
) -> tuple[ProgressRequest | None, list[str]]:
    """The entry a row asks for, or the problems that keep it out."""
    from pydantic import TypeAdapter, ValidationError

    from cas_plan.core.model import Evidence

    problems: list[str] = []
    if view is None:
        return None, [f"{row.at('id')}: no activity of the plan has the id '{row.activity_id}'"]
    if not leads(view, scope):
        named = ", ".join(responsible_unit_ids(view)) or "no unit"
        return None, [
            f"{row.at('id')}: {unit_id} is not responsible for {view.id} ({named} is); "
            "leave the row empty"
        ]
    if digest is not None and digest != plan_text_digest(view):
        return None, [
            f"{row.at('id')}: the plan text of {view.id} changed since the workbook was made "
            "(its title, indicators or deadline); make a new workbook"
        ]
    if row.problems:  # the layout already named them
        return None, []
    if row.status is None:
        problems.append(f"{row.at('status')}: the status is empty; choose one from the list")
    elif row.status not in STATUSES:
        problems.append(
            f"{row.at('status')}: '{row.status}' is not a status; write one of "
            + ", ".join(STATUSES)
        )
    if row.date is None:
        problems.append(f"{row.at('date')}: the date is empty; write a date like 2018-06-30")
    indicators = view.indicator_texts
    values: list[tuple[str, str]] = []
    for number, value in sorted(row.values.items()):
        if number > len(indicators):
            count = len(indicators)
            problems.append(
                f"{row.at(f'value{number}')}: {view.id} has {count} indicator"
                f"{'s' if count != 1 else ''}, so there is no value {number}; "
                "leave the cell empty"
            )
        else:
            values.append((str(number), value))
    evidence: tuple[str, ...] = ()
    if row.evidence:
        try:
            evidence = (str(TypeAdapter(Evidence).validate_python(row.evidence)),)
        except ValidationError as exc:
            message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
            problems.append(f"{row.at('evidence')}: {message}")
    spent: tuple[tuple[Money, str | None], ...] = ()
    if row.spent is not None:
        if row.currency is None:
            problems.append(
                f"{row.at('currency')}: the currency of the amount is empty; choose one"
            )
        elif row.currency not in ISO_4217:
            problems.append(f"{row.at('currency')}: '{row.currency}' is not an ISO currency")
        else:
            spent = ((Money(row.currency, Decimal(row.spent)), None),)
    elif row.currency is not None:
        problems.append(f"{row.at('spent')}: a currency without an amount; write the amount")
    if problems or row.status is None or row.date is None:
        return None, problems
    request = ProgressRequest(
        activity_id=view.id,
        date=row.date,
        status=row.status,
        note=row.note,
        values=tuple(values),
        evidence=evidence,
        reported_by=unit_id,
        spent=spent,
        corrects=row.corrects,
    )
    return request, []


def request_key(request: ProgressRequest, view: ActivityView) -> tuple[object, ...]:
    values = {resolve_indicator(ref, view.indicator_texts): value for ref, value in request.values}
    return entry_key(
        request.date,
        request.status,
        request.note,
        values,
        request.evidence,
        [(money, request.date.year, source) for money, source in request.spent],
        request.reported_by,
        request.corrects,
    )


def judge_file(read: CollectRead, shown: str, plan: Plan, csv_unit: str | None) -> FileImport:
    """A read file against the plan: which unit, which rows are entries, which are problems."""
    result = FileImport(shown, None, problems=list(read.problems))
    meta = read.meta
    unit_id = meta.unit_id if meta is not None else csv_unit
    if read.meta is None and not read.problems and csv_unit is None:
        result.problems.append(
            f"{shown}: the unit is not known: name a CSV file after its unit (audit-department.csv)"
        )
    if unit_id is None:
        return result
    if unit_id not in plan.units:
        result.problems.append(f"{shown}: '{unit_id}' is not a unit of organization.yaml")
        return result
    result.unit_id = unit_id
    if meta is not None:
        title, plan_id = plan_identity(plan)
        if meta.plan_id != plan_id:
            result.problems.append(
                f"{shown}: made from another plan ('{meta.plan_title}'), not '{title}'"
            )
            return result
    scope = Organization.of(plan.units.values()).scope(unit_id)
    views = {view.id: view for view in plan.views}
    digests = meta.plan_text_digests if meta is not None else {}
    for row in read.rows:
        view = views.get(row.activity_id)
        request, problems = judge_row(row, view, unit_id, scope, digests.get(row.activity_id))
        result.problems.extend(problems)
        if request is None or view is None:
            continue
        if request_key(request, view) in recorded_keys(view):
            result.already += 1
        else:
            result.requests.append((request, row.at("row")))
    return result


_CELL = re.compile(r"!([A-Z]+)(\d+):")
_LINE = re.compile(r":(\d+):(\d+):")


def place_order(problem: str) -> tuple[int, int]:
    """A problem's row and column (`Activities!F12`, `12:6`), to list a file's problems in
    reading order; a problem of the whole file comes first."""
    if match := _CELL.search(problem):
        return int(match.group(2)), column_index_from_string(match.group(1))
    if match := _LINE.search(problem):
        return int(match.group(1)), int(match.group(2))
    return 0, 0


def csv_unit_of(path: Path, plan: Plan) -> str | None:
    """A CSV file carries no metadata: its unit is its name (audit-department.csv)."""
    return path.stem if path.stem in plan.units else None


def import_files(plan: Plan, files: Sequence[tuple[Path, str]]) -> list[FileImport]:
    """Every file read and judged; the caller writes nothing if any has a problem. A row in
    two files (or twice in one) is added once."""
    seen: set[tuple[object, ...]] = set()
    views = {view.id: view for view in plan.views}
    with collecting_garbage():  # openpyxl's workbooks are cycles of cells and sheets
        judged = _judged(plan, files, views, seen)
    return judged


def _judged(
    plan: Plan,
    files: Sequence[tuple[Path, str]],
    views: dict[str, ActivityView],
    seen: set[tuple[object, ...]],
) -> list[FileImport]:
    judged = []
    for path, shown in files:
        read = read_filled(path, shown)
        csv_unit = csv_unit_of(path, plan) if path.suffix.casefold() == ".csv" else None
        result = judge_file(read, shown, plan, csv_unit)
        kept = []
        for request, place in result.requests:
            key = (request.activity_id, *request_key(request, views[request.activity_id]))
            if key in seen:
                result.already += 1
            else:
                seen.add(key)
                kept.append((request, place))
        result.requests = kept
        result.problems.sort(key=place_order)
        judged.append(result)
    return judged
