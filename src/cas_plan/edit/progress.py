"""Recording progress: append an entry to a measure file so that `git diff` shows only new lines.

The entry's lines (dumped by ruamel.yaml) are inserted where the activity's progress list ends,
at the positions of the file as it was read, so comments, key order, quoting, line ends and
layout elsewhere stay byte-for-byte as they were; whatever the layout, the result is read back
and must hold the old data plus the entry. The write goes through the plan's one transaction
(edit/transaction.py): the whole plan validated with the new text, written all or nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cas_plan.core.errors import PlanProblems, UsageError
from cas_plan.core.money import Money
from cas_plan.core.suggest import did_you_mean
from cas_plan.core.yaml_reader import read_yaml_text
from cas_plan.edit.lines import Lines, plain_long_keys, yaml_scalars
from cas_plan.edit.transaction import PlanEdit, Written

if TYPE_CHECKING:
    from cas_plan.core.model import Loaded, MeasureFile
    from cas_plan.core.views import ActivityView


class ProgressError(PlanProblems):
    """The entry was refused; nothing was written."""


@dataclass(frozen=True)
class ProgressRequest:
    activity_id: str  # or a measure's id: an entry of its own indicators' values, no status
    date: dt.date
    status: str | None
    note: str | None = None
    values: tuple[tuple[str, str], ...] = ()  # (indicator: its number, text or prefix; value)
    evidence: tuple[str, ...] = ()
    reported_by: str | None = None
    spent: tuple[tuple[Money, str | None], ...] = ()  # (amount, financing source)
    corrects: str | None = None  # DATE or DATE#N of the entry this one supersedes


def resolve_indicator(reference: str, indicators: list[str]) -> str:
    """An indicator by its number (1-based), its exact text, or an unambiguous prefix."""
    if reference.isdigit():
        index = int(reference)
        if 1 <= index <= len(indicators):
            return indicators[index - 1]
        from cas_plan.l10n.formats import plural

        raise UsageError(
            f"indicator {reference} does not exist: the activity has "
            f"{plural(len(indicators), 'indicator', 'en')}"
        )
    if reference in indicators:
        return reference
    needle = reference.casefold()
    matches = [text for text in indicators if text.casefold().startswith(needle)]
    if len(matches) == 1:
        return matches[0]
    listed = "; ".join(f"{i}. {text}" for i, text in enumerate(indicators, 1)) or "none"
    if matches:
        raise UsageError(f"indicator '{reference}' is ambiguous; the indicators are: {listed}")
    raise UsageError(
        f"'{reference}' is not an indicator of this activity; the indicators are: {listed}"
    )


def entry_data(request: ProgressRequest, indicators: list[str]) -> dict[str, Any]:
    """The entry as it will stand in YAML, keys in the documented order (a measure's entry has
    no status)."""
    data: dict[str, Any] = {"date": request.date}
    if request.status is not None:
        data["status"] = request.status
    if request.note:
        data["note"] = request.note
    if request.values:
        data["values"] = {
            resolve_indicator(ref, indicators): value for ref, value in request.values
        }
    if request.evidence:
        data["evidence"] = list(request.evidence)
    if request.spent:
        data["spent"] = [
            {"amount": money.spell(), "year": request.date.year}
            | ({"source": source} if source else {})
            for money, source in request.spent
        ]
    if request.reported_by:
        data["reported_by"] = request.reported_by
    if request.corrects:
        data["corrects"] = request.corrects
    return data


def _round_trip_yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = 1_000_000  # never re-wrap long lines
    return plain_long_keys(yaml)


def _child(node: Any, step: str | int) -> Any:
    if isinstance(step, int):
        return node.value[step]
    return next(value for key, value in node.value if key.value == step)


def _last_leaf(node: Any) -> Any:
    """The node written last inside `node` (where its text ends, before any comment line)."""
    while node.id in ("mapping", "sequence") and node.value and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    return node


def _line_after(lines: Lines, node: Any) -> int:
    """The number of the line after the one on which `node`'s text ends."""
    end = _last_leaf(node).end_mark.index
    if end > 0 and lines.number(end - 1) < lines.number(end):  # ends with its line break
        end -= 1
    return lines.number(end) + 1


def _sequence_offset(root: Any, lines: Lines) -> int:
    """How far this file indents a block list under its key (2 in `key:\n  - a`, 0 in
    `key:\n- a`): the first such list in the file sets it."""
    pending = [root]
    while pending:
        node = pending.pop(0)
        if node.id != "mapping":
            if node.id == "sequence":
                pending.extend(node.value)
            continue
        for key, value in node.value:
            if value.id == "sequence" and value.value and not value.flow_style:
                return lines.column(value.start_mark.index) - lines.column(key.start_mark.index)
            pending.append(value)
    return 2


def _entry_lines(yaml: Any, entry: dict[str, Any], dash: int, key: int) -> list[str]:
    """The entry as block YAML (dumped by `yaml`, set up by `_entry_dumper`): its dash at
    column `dash`, its keys at column `key`."""
    buffer = io.StringIO()
    yaml.dump(yaml_scalars(entry), buffer)
    body = buffer.getvalue().splitlines()  # ruamel writes only \n; escapes the rest
    first = " " * dash + "-" + " " * (key - dash - 1) + body[0]
    return [first] + [" " * key + line for line in body[1:]]


def _entry_dumper(offset: int) -> Any:
    """ruamel.yaml set up to write entries whose nested lists are indented by `offset`."""
    yaml = _round_trip_yaml()
    yaml.indent(mapping=2, sequence=offset + 2, offset=offset)
    return yaml


def insert_entry(text: str, pointer: tuple[str | int, ...], entry: dict[str, Any]) -> str:
    """The file text with `entry` appended to the progress of the activity at `pointer`
    (`insert_entries` with one entry)."""
    return insert_entries(text, [(pointer, entry)])


def insert_entries(
    text: str, entries: Sequence[tuple[tuple[str | int, ...], dict[str, Any]]]
) -> str:
    """The file text with each entry appended, in order, to the progress of the activity at its
    pointer: what inserting them one by one gives, from one reading of the file.

    The entry's lines are inserted where its list ends (or a `progress:` key with it, before
    `sub_activities`), indented like the file's other lists, each ended like the line before
    it; every existing line keeps its bytes, its line end included. Only `progress: []` (or
    `progress: null`) loses its empty value. The result is read back and must hold exactly the
    old data plus the entries.
    """
    from cas_plan.core.yaml_reader import compose_text

    lines = Lines(text)
    root = compose_text(text)
    offset = _sequence_offset(root, lines)
    yaml = _entry_dumper(offset)
    out = list(lines.lines)
    by_activity: dict[tuple[str | int, ...], list[dict[str, Any]]] = {}
    for pointer, entry in entries:
        by_activity.setdefault(pointer, []).append(entry)
    inserts = []
    for pointer, added in by_activity.items():
        at, dash, key, new = _place(root, lines, out, pointer, offset)
        for entry in added:
            new += _entry_lines(yaml, entry, dash, key)
        inserts.append((at, len(pointer), new))
    # bottom-up, so the lines above keep their numbers; at one line, the deeper activity's
    # entries first (its text ends there, inside the shallower one's)
    for at, _, new in sorted(inserts, key=lambda item: (-item[0], item[1])):
        ending = lines.end_of(at - 1) if at > 0 else "\n"
        if at > 0 and not out[at - 1].endswith(("\n", "\r")):
            out[at - 1] += ending  # the last line had no line end: it needs one now
        out[at:at] = [line + ending for line in new]
    result = "".join(out)
    if not _holds_old_data_and_entries(text, result, entries):
        raise ProgressError(_BY_HAND.format("the file's layout is unusual"))
    return result


def _place(
    root: Any, lines: Lines, out: list[str], pointer: tuple[str | int, ...], offset: int
) -> tuple[int, int, int, list[str]]:
    """Where the activity's new entries go: the line to insert before, the columns of their
    dash and keys, and the lines that come first (a `progress:` key); an empty `progress: []`
    loses its value in `out`."""
    activity = root
    for step in pointer:
        activity = _child(activity, step)
    if activity.flow_style:
        raise ProgressError(_BY_HAND.format("the activity is written in flow style ({...})"))
    keys = {key.value: (key, value) for key, value in activity.value}
    key_column = lines.column(activity.value[0][0].start_mark.index)
    new: list[str] = []
    progress = keys.get("progress")
    if progress is not None and progress[1].id == "sequence" and progress[1].value:
        if progress[1].flow_style:
            raise ProgressError(_BY_HAND.format("its progress is a flow list ([...])"))
        dash = lines.column(progress[1].start_mark.index)
        key = lines.column(progress[1].value[0].start_mark.index)
        return _line_after(lines, progress[1]), dash, key, new
    dash = key_column + offset
    if progress is not None:
        name, value = progress
        at = lines.number(name.start_mark.index) + 1
        start, end = value.start_mark.index, value.end_mark.index
        if end > start:  # `progress: []` or `progress: null`: the list starts on the next line
            line = lines.number(start)
            if lines.number(end) != line:
                raise ProgressError(_BY_HAND.format("its empty progress spans several lines"))
            head, tail = lines.starts[line], out[line]
            out[line] = tail[: start - head].rstrip(" \t") + tail[end - head :]
        return at, dash, dash + 2, new
    new.append(" " * key_column + "progress:")
    if "sub_activities" in keys:
        at = lines.number(keys["sub_activities"][0].start_mark.index)
    else:
        at = _line_after(lines, activity)
    return at, dash, dash + 2, new


_BY_HAND = (
    "the entry cannot be added without rewriting other lines of the file ({}); add it by hand"
)


def _holds_old_data_and_entries(
    old: str, new: str, entries: Sequence[tuple[tuple[str | int, ...], dict[str, Any]]]
) -> bool:
    before, after = read_yaml_text(old, "old"), read_yaml_text(new, "new")
    if not (before.ok and after.ok):
        return False
    for pointer, entry in entries:
        activity = before.data
        for step in pointer:
            activity = activity[step]
        if not isinstance(activity.get("progress"), list):
            activity["progress"] = []  # (mappings compare without their key order)
        activity["progress"].append(entry)
    return bool(before.data == after.data)


def record_progress(
    root: Path, shown_root: str, request: ProgressRequest, today: dt.date
) -> Written:
    """Append one progress entry to the activity's measure file, or raise a PlanProblems."""
    return record_entries(root, shown_root, [request], today)[0]


def record_entries(
    root: Path,
    shown_root: str,
    requests: Sequence[ProgressRequest],
    today: dt.date,
    *,
    dry_run: bool = False,
) -> list[Written]:
    """Append progress entries (to one or several measure files) as one change: the whole plan
    is validated with all of them first, and nothing is written if any is refused. With
    `dry_run`, the files are left as they are and the lines that would be added are returned.
    """
    with PlanEdit.begin(root, shown_root, today, "progress") as edit:
        add_entries(edit, requests)
        return edit.finish(dry_run=dry_run, refused="the entry")


def add_entries(edit: PlanEdit, requests: Sequence[ProgressRequest]) -> None:
    """The entries as changes of the edit's measure files (validated when it finishes): an
    activity's, or a measure's values of its own indicators. Each file is changed once, with
    all of its entries (`insert_entries`), in the order of the requests."""
    views = {view.id: view for view in edit.plan.views}
    measures = {measure.model.id: measure for measure in edit.plan.measures}
    files: dict[str, list[tuple[tuple[str | int, ...], dict[str, Any]]]] = {}
    try:
        for request in requests:
            relative, pointer, data = _entry_place(edit, request, views, measures)
            files.setdefault(relative, []).append((pointer, data))
    finally:  # the files before a request refused are refused first, as one by one
        for relative, entries in files.items():
            edit.change(relative, insert_entries(edit.text(relative), entries))


def _entry_place(
    edit: PlanEdit,
    request: ProgressRequest,
    views: Mapping[str, ActivityView],
    measures: Mapping[str, Loaded[MeasureFile]],
) -> tuple[str, tuple[str | int, ...], dict[str, Any]]:
    """The file, the activity's (or measure's) pointer in it and the entry as YAML data."""
    if request.activity_id in measures:
        measure = measures[request.activity_id]
        cell = measure.model.indicators
        data = entry_data(request, cell.texts if cell else [])
        return edit.plan.relative(measure.path), (), data
    if request.activity_id not in views:
        measure_like = request.activity_id.count(".") == 1
        known, what = (measures, "measure") if measure_like else (views, "activity")
        hint = did_you_mean(request.activity_id, known, quote="")
        raise UsageError(
            f"no {what} has the id '{request.activity_id}'" + (f"; {hint}" if hint else "")
        )
    view = views[request.activity_id]
    data = entry_data(request, view.indicator_texts)
    return edit.plan.relative(view.path), view.pointer, data
