"""`casplan amend`: record an amendment decision and the cells it changed, keeping what it
replaced.

The measure file keeps showing the values in force; the value an amendment replaced goes into
the activity's `history` with the amendment's id, and the decision itself into
`amendments.yaml`. A cell that other rows continue (a merged cell of the source) is never moved
silently: the user says `--only` (the other rows keep the old value, now written on them) or
`--also ID...` (they change too). Edits go through ruamel.yaml's round trip, and through the
same PlanEdit as `progress` (whole plan validated, atomic writes).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cas_plan.core.errors import PlanProblems, UsageError
from cas_plan.core.loader import Plan
from cas_plan.core.model import CONTINUED, Amendment
from cas_plan.core.schema import schema_line
from cas_plan.core.suggest import did_you_mean
from cas_plan.core.views import ActivityView, id_sort_key
from cas_plan.edit.lines import plain_long_keys, yaml_scalars
from cas_plan.edit.transaction import PlanEdit, Written


def _round_trip_yaml() -> Any:
    """ruamel.yaml set up as the plan files are written (lists indented under their key,
    quotes kept, explicit nulls kept), so that an untouched file dumps back byte for byte;
    `amend` refuses a file for which that is not so."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1_000_000  # never re-wrap long lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.representer.add_representer(
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return plain_long_keys(yaml)


@dataclass(frozen=True)
class AmendRequest:
    activity_id: str
    decision: str  # an amendment's id or its decision's reference, or a new reference
    date: dt.date | None = None
    reason: str | None = None
    cell: str | None = None  # due, responsible or title; None with cancel
    value: Any = None  # the new cell value, as it will be written in YAML
    cancel: bool = False
    also: tuple[str, ...] = ()
    only: bool = False


@dataclass(frozen=True)
class Amended:
    amendment: Amendment
    new_amendment: bool
    affected: list[str]  # every activity whose effective value changes
    pinned: list[str]  # rows that keep the old value, now written on them
    written: list[Written]


def find_amendment(
    registry: Sequence[Amendment], request: AmendRequest | AddRequest
) -> tuple[Amendment, bool]:
    """The amendment the request names (by id or reference), or a new one to add."""
    for amendment in registry:
        if request.decision in (amendment.id, amendment.decision):
            if request.date is not None and request.date != amendment.date:
                raise UsageError(
                    f"--date: amendment {amendment.id} ({amendment.decision}) was adopted on "
                    f"{amendment.date}, not {request.date}"
                )
            if request.reason is not None and request.reason != amendment.reason:
                raise UsageError(
                    f"--reason: amendment {amendment.id} already states its reason; "
                    "change it in amendments.yaml"
                )
            return amendment, False
    if request.date is None:
        raise UsageError(
            f"--decision: '{request.decision}' is not in amendments.yaml; give --date (and "
            "--reason) to add it"
        )
    taken = {a.id for a in registry}
    base = f"amendment-{request.date.isoformat()}"
    identifier, number = base, 2
    while identifier in taken:
        identifier, number = f"{base}-{number}", number + 1
    return Amendment(
        id=identifier, date=request.date, decision=request.decision, reason=request.reason
    ), True


def _continuing(view: ActivityView, views: Sequence[ActivityView], cell: str) -> list[str]:
    """The rows after `view` in its measure that take its cell by fill-down."""
    source = getattr(view, cell).written_on
    out = []
    seen = False
    for other in views:
        if other.measure_id != view.measure_id:
            continue
        if other is view:
            seen = True
            continue
        if seen and getattr(other, cell).written_on == source and source is not None:
            out.append(other.id)
    return out


def _node(document: Any, pointer: tuple[str | int, ...]) -> Any:
    node = document
    for step in pointer:
        node = node[step]
    return node


def _place_key(activity: Any, key: str, value: Any, before: Sequence[str]) -> None:
    """Set `key` on a ruamel mapping, inserting it before the first of `before` present."""
    if key in activity:
        activity[key] = value
        return
    keys = list(activity.keys())
    position = next((keys.index(k) for k in before if k in keys), len(keys))
    activity.insert(position, key, value)


_AFTER_CELLS = ("added_by", "cancelled_by", "history", "progress", "sub_activities")


def _append_history(activity: Any, change: dict[str, Any]) -> None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    entry = CommentedMap(change)
    history = activity.get("history")
    if isinstance(history, list):
        history.append(entry)
    else:
        _place_key(activity, "history", CommentedSeq([entry]), ("progress", "sub_activities"))


def amend(edit: PlanEdit, request: AmendRequest, *, dry_run: bool = False) -> Amended:
    """Apply one amendment to one activity (and the rows that continue its cell), in the edit
    the caller began (holding the plan's lock)."""
    plan = edit.plan
    views = list(plan.views)
    by_id = {view.id: view for view in views}
    if request.activity_id not in by_id:
        hint = did_you_mean(request.activity_id, by_id, quote="")
        raise UsageError(
            f"no activity has the id '{request.activity_id}'" + (f"; {hint}" if hint else "")
        )
    view = by_id[request.activity_id]
    if view.cancelled:
        raise UsageError(f"{view.id} was cancelled by {view.activity.cancelled_by}")
    registry = list(plan.amendments.model.amendments) if plan.amendments else []
    amendment, new = find_amendment(registry, request)

    dependents = (
        _continuing(view, views, request.cell) if request.cell in ("due", "responsible") else []
    )
    unknown = [a for a in request.also if a not in dependents]
    if unknown:
        listed = ", ".join(dependents) or "no other activity"
        raise UsageError(
            f"--also: {', '.join(unknown)} do not continue the {request.cell or 'cell'} of "
            f"{view.id} (it is continued by {listed})"
        )
    if dependents and not request.also and not request.only:
        raise UsageError(
            f"the {request.cell} of {view.id} is continued by {', '.join(dependents)} "
            "(a merged cell); say --only to change it on "
            f"{view.id} alone (the others keep the old value, written on them) or "
            f"--also {' '.join(dependents)} to change them too"
        )
    if request.only and request.also:
        raise UsageError("--only and --also exclude each other")
    pinned = [d for d in dependents if d not in request.also]

    relative = plan.relative(view.path)
    document = _Document.read(edit, relative, view.path)
    activity = _node(document.data, view.pointer)
    change: dict[str, Any] = {"amendment": amendment.id}
    if request.cancel:
        _place_key(
            activity, "cancelled_by", amendment.id, ("history", "progress", "sub_activities")
        )
        affected = [view.id] + [v.id for v in views if v.parent_id == view.id]
    else:
        cell = request.cell or ""
        if cell == "title":
            change["title"] = activity["title"]
            activity["title"] = yaml_scalars(request.value)
        else:
            stated = cell in activity
            change[cell] = copy.deepcopy(activity[cell]) if stated else CONTINUED
            old_value = (
                copy.deepcopy(activity[cell])
                if stated
                else copy.deepcopy(
                    _node(document.data, by_id[getattr(view, cell).written_on].pointer)[cell]
                )
            )
            _place_key(activity, cell, yaml_scalars(request.value), _AFTER_CELLS)
            for pinned_id in pinned:
                row = _node(document.data, by_id[pinned_id].pointer)
                _place_key(row, cell, copy.deepcopy(old_value), _AFTER_CELLS)
                _append_history(row, {"amendment": amendment.id, cell: CONTINUED})
        _append_history(activity, change)
        affected = [view.id, *request.also]
    document.save(edit, relative)
    if new:
        edit.change("amendments.yaml", _with_amendment(edit, amendment))
    written = edit.finish(dry_run=dry_run, refused="the amendment")
    return Amended(amendment, new, affected, pinned, written)


@dataclass(frozen=True)
class _Document:
    """A measure file loaded for a round trip that changes nothing but what is edited."""

    yaml: Any
    data: Any
    newline: str

    @classmethod
    def read(cls, edit: PlanEdit, relative: str, shown: str) -> _Document:
        text = edit.text(relative)
        plain = text.replace("\r\n", "\n")
        yaml = _round_trip_yaml()
        data = yaml.load(plain)
        check = io.StringIO()
        yaml.dump(data, check)
        if check.getvalue() != plain:
            raise PlanProblems(
                f"{shown} cannot be amended without rewriting other lines of the file; "
                "amend it by hand (see the README)"
            )
        return cls(yaml, data, "\r\n" if "\r\n" in text else "\n")

    def save(self, edit: PlanEdit, relative: str) -> None:
        dumped = io.StringIO()
        self.yaml.dump(self.data, dumped)
        edit.change(relative, dumped.getvalue().replace("\n", self.newline))


def _with_amendment(edit: PlanEdit, amendment: Amendment) -> str:
    """amendments.yaml with the new decision appended (the file is made if there is none)."""
    from ruamel.yaml.comments import CommentedMap as mapping
    from ruamel.yaml.comments import CommentedSeq

    record = mapping(
        [
            ("id", amendment.id),
            ("date", amendment.date),
            ("decision", yaml_scalars(amendment.decision)),
        ]
        + ([("reason", yaml_scalars(amendment.reason))] if amendment.reason else [])
    )
    yaml = _round_trip_yaml()
    present = edit.exists("amendments.yaml")
    if present:
        document = yaml.load(edit.text("amendments.yaml"))
        if not isinstance(document.get("amendments"), list):
            document["amendments"] = CommentedSeq()
        document["amendments"].append(record)
    else:
        document = mapping([("amendments", CommentedSeq([record]))])
    out = io.StringIO()
    yaml.dump(document, out)
    text = out.getvalue()
    if not present:
        text = schema_line("amendments.yaml") + "\n" + text
    return text


@dataclass(frozen=True)
class AddRequest:
    """`amend NEW-ID --add`: an activity a decision adds, every cell stated (as YAML values)."""

    activity_id: str
    decision: str
    date: dt.date | None
    reason: str | None
    title: str
    indicators: tuple[str, ...]
    responsible: Any
    funds: Any
    due: Any


def add_activity(edit: PlanEdit, request: AddRequest, *, dry_run: bool = False) -> Amended:
    """Add an activity to its measure (or under its parent activity, for a sub-activity), in id
    order, with `added_by` naming the decision; validated and written like every change."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    plan = edit.plan
    path, pointer = _place_of(plan, request.activity_id)
    registry = list(plan.amendments.model.amendments) if plan.amendments else []
    amendment, new = find_amendment(registry, request)
    relative = plan.relative(path)
    document = _Document.read(edit, relative, path)
    row = CommentedMap(
        [
            ("id", DoubleQuotedScalarString(request.activity_id)),
            ("title", yaml_scalars(request.title)),
            ("indicators", CommentedSeq(yaml_scalars(list(request.indicators)))),
            ("responsible", yaml_scalars(request.responsible)),
            ("funds", yaml_scalars(request.funds)),
            ("due", yaml_scalars(request.due)),
            ("added_by", amendment.id),
        ]
    )
    if pointer:  # a sub-activity: into its parent's list
        parent = _node(document.data, pointer)
        if not isinstance(parent.get("sub_activities"), list):
            _place_key(parent, "sub_activities", CommentedSeq(), ())
        rows = parent["sub_activities"]
    else:
        rows = document.data["activities"]
    key = id_sort_key(request.activity_id)
    at = next((i for i, r in enumerate(rows) if id_sort_key(str(r["id"])) > key), len(rows))
    rows.insert(at, row)
    document.save(edit, relative)
    if new:
        edit.change("amendments.yaml", _with_amendment(edit, amendment))
    written = edit.finish(dry_run=dry_run, refused="the amendment")
    return Amended(amendment, new, [request.activity_id], [], written)


def _place_of(plan: Plan, identifier: str) -> tuple[str, tuple[str | int, ...]]:
    """Where a new activity goes: its measure file and its parent activity's pointer (empty
    for an activity of the measure itself); a usage error when it cannot go there."""
    by_id = {view.id: view for view in plan.views}
    if identifier in by_id:
        raise UsageError(f"--add: {identifier} is already an activity; give the new one's id")
    if not re.fullmatch(r"[1-9]\d*\.[1-9]\d*(\.[1-9]\d*)+", identifier):
        raise UsageError(
            f"--add: '{identifier}' is not an activity id (like 1.1.4, or 1.1.4.1 under 1.1.4)"
        )
    parts = identifier.split(".")
    measure_id = ".".join(parts[:2])
    measure = next((m for m in plan.measures if m.model.id == measure_id), None)
    if measure is None:
        raise UsageError(f"--add: measure {measure_id} does not exist in the plan")
    if len(parts) == 3:
        return measure.path, ()
    parent = by_id.get(".".join(parts[:-1]))
    if parent is None:
        raise UsageError(f"--add: {'.'.join(parts[:-1])} does not exist; add it first")
    if parent.cancelled:
        raise UsageError(f"--add: {parent.id} was cancelled by {parent.activity.cancelled_by}")
    return parent.path, parent.pointer
