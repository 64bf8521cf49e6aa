"""`import`: filled workbooks (or CSV files) judged against the plan, row by row, into the
progress entries they ask for.

The readers (`collect.read`, `collect.csv`) name the spreadsheet-level problems; this module
judges the rows against the plan: the status, the indicators, whether the unit leads the
activity, whether the plan text changed since the workbook was made, and whether a row is
already recorded. Entries are written by `progress.record_entries`, the one path every progress
entry takes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl.utils import column_index_from_string

from cas_plan.collect.csv import line_and_column, read_collect_csv
from cas_plan.collect.limits import file_problem
from cas_plan.collect.read import read_collect_workbook
from cas_plan.collect.sheet import CollectRead, CollectRow
from cas_plan.collect.workbooks import plan_identity, plan_text_digest
from cas_plan.core.diagnostics import Diagnostic
from cas_plan.core.indicators import value_message
from cas_plan.core.loader import Plan, collecting_garbage
from cas_plan.core.money import ISO_4217, Money
from cas_plan.core.organization import Organization, leads, responsible_unit_ids
from cas_plan.core.status import STATUSES
from cas_plan.core.views import ActivityView
from cas_plan.edit.progress import ProgressRequest, resolve_indicator
from cas_plan.l10n.formats import plural, status_label
from cas_plan.l10n.languages import LANGUAGES


@dataclass
class FileImport:
    """One filled file judged against the plan: the entries to add (each with the row it comes
    from), the rows already recorded, the stale rows skipped (`--skip-stale`), and the problems
    (each `FILE:SHEET!CELL: message`)."""

    shown: str
    unit_id: str | None
    requests: list[tuple[ProgressRequest, CollectRow]] = field(default_factory=list)
    already: int = 0
    problems: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def read_filled(path: Path, shown: str) -> CollectRead:
    """A filled workbook, or a CSV file with its columns (UTF-8, a BOM read past), each within
    the limits (`collect.limits`) before it is read."""
    too_big = file_problem(path, shown)
    if too_big is not None:
        return CollectRead(None, (), [], [too_big])
    data = path.read_bytes()
    if path.suffix.casefold() == ".csv":
        try:
            text = data.decode("utf-8")  # a BOM, Excel's "CSV UTF-8", is read past by the reader
        except UnicodeDecodeError as error:
            before = data[: error.start].decode("utf-8").removeprefix("\ufeff")
            line, column = line_and_column(before + "?", len(before))
            return CollectRead(
                None,
                (),
                [],
                [
                    f"{shown}:{line}:{column}: the byte 0x{data[error.start]:02x} is not UTF-8; "
                    "save the file as CSV UTF-8"
                ],
            )
        return read_collect_csv(text, shown)
    return read_collect_workbook(data, shown)


def entry_key(
    day: dt.date,
    status: str | None,
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
    row: CollectRow, view: ActivityView, unit_id: str, statuses: Statuses
) -> tuple[ProgressRequest | None, list[str]]:
    """The entry a row asks for, or the problems that keep it out (whether the row is the
    unit's, `row_refused`, and its plan text the plan's, `stale`, are asked first)."""
    if row.problems:  # the reader already named them
        return None, []
    status, problems = status_of(row, statuses)
    values, value_problems = indicator_values(row, view)
    evidence, evidence_problems = evidence_of(row)
    spent, spent_problems = spent_of(row)
    problems += value_problems + evidence_problems + spent_problems
    if problems or status is None or row.date is None:
        return None, problems
    request = ProgressRequest(
        activity_id=view.id,
        date=row.date,
        status=status,
        note=row.note,
        values=values,
        evidence=evidence,
        reported_by=unit_id,
        spent=spent,
        corrects=row.corrects,
    )
    return request, []


def row_refused(
    row: CollectRow, view: ActivityView | None, unit_id: str, scope: set[str]
) -> list[str] | None:
    """Why a row is not the unit's to fill at all (no such activity, another unit's); None when
    it is."""
    if view is None:
        return [f"{row.at('id')}: no activity of the plan has the id '{row.activity_id}'"]
    if not leads(view, scope):
        named = ", ".join(responsible_unit_ids(view)) or "no unit"
        return [
            f"{row.at('id')}: {unit_id} is not responsible for {view.id} ({named} is); "
            "leave the row empty"
        ]
    return None


def stale(
    row: CollectRow, view: ActivityView, digests: Mapping[str, str] | None
) -> tuple[str, bool] | None:
    """Why the row answers plan text that is not the plan's now, at its id cell, and whether
    `--skip-stale` may skip it: the digest the workbook holds differs (it may), or it holds none
    (its metadata was edited: no one can tell, so it may not). None when the text is the same,
    or for a CSV file (`digests` None), which holds none."""
    if digests is None:
        return None
    digest = digests.get(row.activity_id)
    if digest is None:
        return (
            f"{row.at('id')}: the workbook holds no digest of the plan text of {view.id} (its "
            "'casplan' sheet or properties were edited), so it cannot be told whether the text "
            "changed since; make a new workbook",
            False,
        )
    if digest != plan_text_digest(view):
        return (
            f"{row.at('id')}: the plan text of {view.id} changed since the workbook was made "
            "(its title, indicators or deadline)",
            True,
        )
    return None


@dataclass(frozen=True)
class Statuses:
    """How a file's statuses read back: every way of writing one (its code, its label in any
    language, the label the workbook offered), casefolded, to its code; and the labels to
    name in a problem."""

    codes: Mapping[str, str]
    offered: tuple[str, ...]

    @classmethod
    def of(cls, labels: Mapping[str, str]) -> Statuses:
        """For a workbook that offered `labels` (code -> label; none for a CSV file, which
        offers the English ones)."""
        codes: dict[str, str] = {}
        for code in STATUSES:
            written = [code, code.replace("_", " ")]
            written += [status_label(code, lang) for lang in LANGUAGES]
            codes.update((text.casefold(), code) for text in written)
        offered = {code: labels.get(code) or status_label(code, "en") for code in STATUSES}
        codes.update((label.strip().casefold(), code) for code, label in offered.items())
        return cls(codes, tuple(offered.values()))


def status_of(row: CollectRow, statuses: Statuses) -> tuple[str | None, list[str]]:
    """The row's status as its code (written in any case, as a code or a label), and the
    problems of the status and the date."""
    problems = []
    code = None
    if row.status is None:
        problems.append(f"{row.at('status')}: the status is empty; choose one from the list")
    elif (code := statuses.codes.get(" ".join(row.status.split()).casefold())) is None:
        problems.append(
            f"{row.at('status')}: '{row.status}' is not a status; choose one of "
            + ", ".join(statuses.offered)
        )
    if row.date is None:
        problems.append(f"{row.at('date')}: the date is empty; write a date like 2018-06-30")
    return code, problems


def indicator_values(
    row: CollectRow, view: ActivityView
) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """The row's values by indicator number; a value past the activity's indicators, or one
    its indicator's unit does not admit (in `validate`'s words), is a problem."""
    items = view.indicators.value.items if view.indicators.value else []
    count = len(items)
    values: list[tuple[str, str]] = []
    problems = []
    for number, value in sorted(row.values.items()):
        if number > count:
            problems.append(
                f"{row.at(f'value{number}')}: {view.id} has {plural(count, 'indicator', 'en')}, "
                f"so there is no value {number}; leave the cell empty"
            )
            continue
        item = items[number - 1]
        unit = item.unit
        problem = value_message(view.id, item.text, unit, value) if unit else None
        if problem is not None:
            problems.append(f"{row.at(f'value{number}')}: {problem}")
        else:
            values.append((str(number), value))
    return tuple(values), problems


def evidence_of(row: CollectRow) -> tuple[tuple[str, ...], list[str]]:
    """The row's evidence, checked as the plan's files check it."""
    from pydantic import TypeAdapter, ValidationError

    from cas_plan.core.model import Evidence

    if not row.evidence:
        return (), []
    try:
        return (str(TypeAdapter(Evidence).validate_python(row.evidence)),), []
    except ValidationError as exc:
        message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        return (), [f"{row.at('evidence')}: {message}"]


def spent_of(row: CollectRow) -> tuple[tuple[tuple[Money, str | None], ...], list[str]]:
    """The amount spent with its currency; either without the other is a problem."""
    if row.spent is None:
        if row.currency is not None:
            return (), [f"{row.at('spent')}: a currency without an amount; write the amount"]
        return (), []
    if row.currency is None:
        return (), [f"{row.at('currency')}: the currency of the amount is empty; choose one"]
    if row.currency not in ISO_4217:
        return (), [f"{row.at('currency')}: '{row.currency}' is not an ISO currency"]
    return ((Money(row.currency, Decimal(row.spent)), None),), []


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


def judge_file(
    read: CollectRead, shown: str, plan: Plan, csv_unit: str | None, skip_stale: bool = False
) -> FileImport:
    """A read file against the plan: which unit, which rows are entries, which are problems
    (or, with `skip_stale`, skipped because their plan text changed since)."""
    result = FileImport(shown, None, problems=list(read.problems))
    result.unit_id = _file_unit(read, shown, plan, csv_unit, result.problems)
    if result.unit_id is not None:
        _judge_rows(read, plan, result, skip_stale)
    return result


def _file_unit(
    read: CollectRead, shown: str, plan: Plan, csv_unit: str | None, problems: list[str]
) -> str | None:
    """The unit a file reports for (its metadata's, or a CSV file's name), once the file is
    known to be of this plan; None, with the problem, otherwise."""
    meta = read.meta
    unit_id = meta.unit_id if meta is not None else csv_unit
    if meta is None and not read.problems and csv_unit is None:
        problems.append(
            f"{shown}: the unit is not known: name a CSV file after its unit (audit-department.csv)"
        )
    if unit_id is None:
        return None
    if unit_id not in plan.units:
        problems.append(f"{shown}: '{unit_id}' is not a unit of organization.yaml")
        return None
    if meta is not None:
        title, plan_id = plan_identity(plan)
        if meta.plan_id != plan_id:
            problems.append(f"{shown}: made from another plan ('{meta.plan_title}'), not '{title}'")
            return None
    return unit_id


def _judge_rows(read: CollectRead, plan: Plan, result: FileImport, skip_stale: bool) -> None:
    """Each row of a file of `result.unit_id`: refused, stale, already recorded or to add."""
    assert result.unit_id is not None
    unit_id, meta = result.unit_id, read.meta
    scope = Organization.of(plan.units.values()).scope(unit_id)
    views = {view.id: view for view in plan.views}
    digests = meta.plan_text_digests if meta is not None else None
    statuses = Statuses.of(meta.status_labels if meta is not None else {})
    for row in read.rows:
        view = views.get(row.activity_id)
        refused = row_refused(row, view, unit_id, scope)
        if refused is not None or view is None:
            result.problems.extend(refused or [])
            continue
        changed = stale(row, view, digests)
        if changed is not None:
            said, skippable = changed
            if skippable and skip_stale:
                result.skipped.append(said)
            else:
                hint = "; make a new workbook, or import the other rows with --skip-stale"
                result.problems.append(said + hint if skippable else said)
            continue
        request, problems = judge_row(row, view, unit_id, statuses)
        result.problems.extend(problems)
        if request is None:
            continue
        if request_key(request, view) in recorded_keys(view):
            result.already += 1
        else:
            result.requests.append((request, row))


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


def import_files(
    plan: Plan, files: Sequence[tuple[Path, str]], skip_stale: bool = False
) -> list[FileImport]:
    """Every file read and judged; the caller writes nothing if any has a problem. A row in
    two files (or twice in one) is added once."""
    seen: set[tuple[object, ...]] = set()
    views = {view.id: view for view in plan.views}
    with collecting_garbage():  # openpyxl's workbooks are cycles of cells and sheets
        return _judged(plan, files, views, seen, skip_stale)


def _judged(
    plan: Plan,
    files: Sequence[tuple[Path, str]],
    views: dict[str, ActivityView],
    seen: set[tuple[object, ...]],
    skip_stale: bool,
) -> list[FileImport]:
    judged = []
    for path, shown in files:
        read = read_filled(path, shown)
        csv_unit = csv_unit_of(path, plan) if path.suffix.casefold() == ".csv" else None
        result = judge_file(read, shown, plan, csv_unit, skip_stale)
        kept = []
        for request, row in result.requests:
            key = (request.activity_id, *request_key(request, views[request.activity_id]))
            if key in seen:
                result.already += 1
            else:
                seen.add(key)
                kept.append((request, row))
        result.requests = kept
        result.problems.sort(key=place_order)
        judged.append(result)
    return judged


_FIELDS = {"date": "date", "status": "status", "note": "note", "evidence": "evidence"}
_FIELDS |= {"spent": "spent", "corrects": "corrects"}


def cell_refusal(
    problems: Sequence[Diagnostic], plan: Plan, placed: Sequence[tuple[ProgressRequest, CollectRow]]
) -> list[str]:
    """The plan's refusal of imported entries (a completed continuous activity, an entry dated
    before the last one, a correction of no report), each problem placed at the workbook cell
    it comes from: the entry the problem's YAML path falls in is found by where the entries were
    appended (after the activity's progress, in order), its field by the path's next step. A
    problem outside the new entries keeps its place in the plan."""
    views = {view.id: view for view in plan.views}
    added: dict[str, int] = {}
    targets: dict[tuple[str, tuple[str | int, ...]], tuple[CollectRow, ActivityView]] = {}
    for request, row in placed:
        view = views[request.activity_id]
        index = len(view.activity.progress) + added.get(view.id, 0)
        added[view.id] = added.get(view.id, 0) + 1
        targets[(view.path, (*view.pointer, "progress", index))] = (row, view)
    lines = []
    for problem in problems:
        found = _target_of(problem, targets)
        if found is None:
            lines.append(problem.headline())
            continue
        (row, view), rest = found
        field = _FIELDS.get(str(rest[0]), "row") if rest else "row"
        if rest and rest[0] == "values" and len(rest) > 1 and rest[1] in view.indicator_texts:
            field = f"value{view.indicator_texts.index(str(rest[1])) + 1}"
        hint = f"; {problem.hint}" if problem.hint else ""
        lines.append(f"{row.at(field)}: {problem.message}{hint}")
    return lines


def _target_of(
    problem: Diagnostic,
    targets: Mapping[tuple[str, tuple[str | int, ...]], tuple[CollectRow, ActivityView]],
) -> tuple[tuple[CollectRow, ActivityView], tuple[str | int, ...]] | None:
    pointer = problem.pointer or ()
    for (path, prefix), target in targets.items():
        if problem.path == path and pointer[: len(prefix)] == prefix:
            return target, pointer[len(prefix) :]
    return None
