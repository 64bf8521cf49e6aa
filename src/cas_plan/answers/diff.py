"""What changed in meaning between two states of a plan, for reviewing pull requests.

Cells are compared by their effective values, so a merged cell that changes on its first row is
reported for every activity whose deadline (or unit, or funds) moved, saying which inherited it.
Amendments are reported with their decision; progress is history: entries added at the end are
news (corrections said to be corrections), an entry edited or removed is flagged. Changes to the
plan's other files (plan.yaml, organization.yaml, events.yaml, amendments.yaml) are reported
item by item.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from cas_plan.core.loader import LoadResult, Plan
from cas_plan.core.model import ProgressEntry
from cas_plan.core.money import parse_money
from cas_plan.core.status import NOT_REPORTED
from cas_plan.core.views import CELLS, ActivityView, id_sort_key, status_on

KINDS = (
    "amendment",
    "added",
    "removed",
    "cancelled",
    "title",
    "status",
    "progress_added",
    "correction",
    "history_edited",
    "due",
    "responsible",
    "indicators",
    "funds",
    "plan_file",
)
HEADINGS = {
    "amendment": "Amendments recorded",
    "added": "Activities added",
    "removed": "Activities removed",
    "cancelled": "Activities cancelled",
    "title": "Titles changed",
    "status": "Status changes",
    "progress_added": "New progress entries",
    "correction": "Corrections of earlier entries",
    "history_edited": "Past progress entries edited (history should be appended, not rewritten)",
    "due": "Deadlines changed",
    "responsible": "Responsibilities changed",
    "indicators": "Indicators changed",
    "funds": "Indicative funds changed",
    "plan_file": "Changes to the plan's other files",
}


CONTINUED = {"as_written": None, "value": "continued from the row above"}


@dataclass(frozen=True)
class Change:
    kind: str
    activity: str  # an activity id, or for plan_file/amendment the file and item
    title: str
    old: Any = None
    new: Any = None
    note: str | None = None  # e.g. "inherited from 2.1.1", "by amendment X (decision)"


@dataclass
class PlanDiff:
    base: str
    head: str
    base_problems: list[str] = field(default_factory=list)
    head_problems: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def loaded(self) -> bool:
        return not self.base_problems and not self.head_problems


def _cell_data(cell: str, value: Any) -> dict[str, Any]:
    """A cell's text and structured value, for showing old and new."""
    if value is None:
        return {"as_written": None, "value": None}
    data = value.model_dump(mode="json", exclude_defaults=True)
    as_written = data.pop("as_written", None)
    if cell == "due":
        data = data.get("when")
    elif cell == "indicators":
        data = data.get("items", [])
    elif cell == "responsible":
        units = [
            e["unit"] + (f" ({e['role']})" if e.get("role") else "") for e in data.get("units", [])
        ]
        listed = ["listed under sub-activities"] if data.get("listed_under_sub_activities") else []
        data = units or listed
    return {"as_written": as_written, "value": data}


def _entry(entry: ProgressEntry) -> dict[str, Any]:
    return entry.model_dump(mode="json", exclude_defaults=True)


def _latest(entries: list[ProgressEntry]) -> ProgressEntry | None:
    """The state: the latest date wins; of entries on one date, the later one in the file."""
    return status_on(entries, dt.date.max)


def _amended_by(view: ActivityView, cell: str, plan: Plan) -> str | None:
    """'by amendment X (decision)' when the newest change of the cell's row is this cell's."""
    registry = {a.id: a for a in plan.amendments.model.amendments} if plan.amendments else {}
    for change in reversed(view.activity.history):
        if cell in change.model_fields_set:
            amendment = registry.get(change.amendment)
            decision = f" ({amendment.decision})" if amendment else ""
            return f"by amendment {change.amendment}{decision}"
    return None


def _compare(old: ActivityView, new: ActivityView, old_plan: Plan, new_plan: Plan) -> list[Change]:
    changes = []
    if old.title != new.title:
        note = (
            _amended_by(new, "title", new_plan)
            if len(new.activity.history) > len(old.activity.history)
            else None
        )
        changes.append(Change("title", new.id, new.title, old.title, new.title, note))
    if new.cancelled and not old.cancelled:
        changes.append(
            Change("cancelled", new.id, new.title, note=f"by amendment {new.activity.cancelled_by}")
        )
    by_id = {v.id: v for v in new_plan.views}
    for cell in CELLS:
        before, after = getattr(old, cell), getattr(new, cell)
        if before.value == after.value:
            continue
        notes = []
        if after.written_on is not None and after.written_on != new.id:
            notes.append(f"inherited from {after.written_on}")
        source = by_id.get(after.written_on or "")
        if source is not None and len(source.activity.history) > 0:
            amended = _amended_by(source, cell, new_plan)
            if amended and cell in {k for c in source.activity.history for k in c.model_fields_set}:
                notes.append(amended)
        changes.append(
            Change(
                cell,
                new.id,
                new.title,
                _cell_data(cell, before.value) if before.value is not None else CONTINUED,
                _cell_data(cell, after.value) if after.value is not None else CONTINUED,
                "; ".join(notes) or None,
            )
        )
    old_entries = [_entry(e) for e in old.activity.progress]
    new_entries = [_entry(e) for e in new.activity.progress]
    kept = len(old_entries)
    for index, before_entry in enumerate(old_entries):
        after_entry = new_entries[index] if index < len(new_entries) else None
        if after_entry != before_entry:
            changes.append(Change("history_edited", new.id, new.title, before_entry, after_entry))
    for position, entry in enumerate(new_entries[kept:], kept):
        corrects = new.activity.progress[position].corrects
        if corrects is not None:
            changes.append(
                Change("correction", new.id, new.title, corrects, entry, f"corrects {corrects}")
            )
        else:
            changes.append(Change("progress_added", new.id, new.title, None, entry))
    before_status, after_status = _latest(old.entries), _latest(new.entries)
    old_status = before_status.status if before_status else NOT_REPORTED
    new_status = after_status.status if after_status else NOT_REPORTED
    if old_status != new_status:
        changes.append(Change("status", new.id, new.title, old_status, new_status))
    return changes


def _problems(result: LoadResult) -> list[str]:
    return [d.headline() for d in result.errors]


def _items(model: BaseModel | None) -> dict[str, Any]:
    """A plan file as comparable items: list entries by their id, other keys by name."""
    if model is None:
        return {}
    data = model.model_dump(mode="json", exclude_defaults=True)
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, list) and all(isinstance(v, dict) and "id" in v for v in value):
            for item in value:
                out[f"{key}/{item['id']}"] = item
        else:
            out[key] = value
    return out


def _plan_files(base: Plan, head: Plan) -> list[Change]:
    changes = []
    for name in ("plan", "organization", "events", "abbreviations"):
        old_loaded, new_loaded = getattr(base, name), getattr(head, name)
        old = _items(old_loaded.model if old_loaded else None)
        new = _items(new_loaded.model if new_loaded else None)
        for key in sorted(old.keys() | new.keys()):
            if old.get(key) != new.get(key):
                label = f"{name}.yaml {key}"
                changes.append(Change("plan_file", label, "", old.get(key), new.get(key)))
    old_amendments = _items(base.amendments.model if base.amendments else None)
    for key, item in _items(head.amendments.model if head.amendments else None).items():
        if old_amendments.get(key) != item:
            reason = f": {item['reason']}" if item.get("reason") else ""
            changes.append(
                Change(
                    "amendment",
                    item.get("id", key),
                    f"{item.get('decision')}, adopted {item.get('date')}{reason}",
                    old_amendments.get(key),
                    item,
                )
            )
    return changes


def diff_plans(base: LoadResult, head: LoadResult, base_label: str, head_label: str) -> PlanDiff:
    result = PlanDiff(base_label, head_label, _problems(base), _problems(head))
    if not result.loaded:
        return result
    old = {v.id: v for v in base.plan.views}
    new = {v.id: v for v in head.plan.views}
    result.changes.extend(c for c in _plan_files(base.plan, head.plan) if c.kind == "amendment")
    for identifier in sorted(new.keys() - old.keys(), key=id_sort_key):
        added = new[identifier].activity.added_by
        note = f"by amendment {added}" if added else None
        result.changes.append(Change("added", identifier, new[identifier].title, note=note))
    for identifier in sorted(old.keys() - new.keys(), key=id_sort_key):
        result.changes.append(Change("removed", identifier, old[identifier].title))
    for identifier in sorted(old.keys() & new.keys(), key=id_sort_key):
        result.changes.extend(_compare(old[identifier], new[identifier], base.plan, head.plan))
    result.changes.extend(c for c in _plan_files(base.plan, head.plan) if c.kind == "plan_file")
    return result


def diff_record(diff: PlanDiff) -> dict[str, Any]:
    """`casplan diff --format json`."""
    return {
        "base": {"revision": diff.base, "problems": diff.base_problems},
        "head": {"revision": diff.head, "problems": diff.head_problems},
        "changes": [
            {
                "kind": c.kind,
                "activity": c.activity,
                "title": c.title,
                "old": c.old,
                "new": c.new,
                "note": c.note,
            }
            for c in diff.changes
        ],
    }


def _value(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, dict) and "value" in value:
        text = _value(value["value"])
        return text + (f' (as written: "{value["as_written"]}")' if value.get("as_written") else "")
    if isinstance(value, dict) and "status" in value:
        return _entry_text(value)
    if isinstance(value, list):
        return "; ".join(_value(item) for item in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_value(v)}" for k, v in value.items())
    return str(value)


def _entry_text(entry: dict[str, Any]) -> str:
    """A progress entry in one line: date, status, note, and every value it records."""
    head = f"{entry['date']} {entry['status']}" + (
        f": {entry['note']}" if entry.get("note") else ""
    )
    return "; ".join([head, *entry_details(entry)])


def entry_details(entry: dict[str, Any]) -> list[str]:
    """What a progress entry records besides its date, status and note, a phrase each: the
    indicator values, evidence, spending and reporter (for `show` and `diff`)."""
    parts = [f"{indicator}: {reported}" for indicator, reported in entry.get("values", {}).items()]
    parts += [f"evidence: {evidence}" for evidence in entry.get("evidence", [])]
    for spent in entry.get("spent", []):
        source = f" ({spent['source']})" if spent.get("source") else ""
        parts.append(f"spent in {spent['year']}: {parse_money(spent['amount']).shown()}{source}")
    if entry.get("reported_by"):
        parts.append(f"reported by {entry['reported_by']}")
    return parts


def change_line(change: Change, arrow: str = "->") -> str:
    """One change as a line of text: the activity, and old -> new."""
    note = f" ({change.note})" if change.note else ""
    if change.kind == "amendment":
        return f"{change.activity}: {change.title}"
    if change.kind in ("added", "removed", "cancelled"):
        return f"{change.activity} {change.title}{note}"
    if change.kind == "progress_added":
        return f"{change.activity} {change.title}: {_value(change.new)}"
    if change.kind == "correction":
        corrected = f"corrects the entry of {change.old}: {_value(change.new)}"
        return f"{change.activity} {change.title}: {corrected}"
    if change.kind == "plan_file":
        return f"{change.activity}: {_value(change.old)} {arrow} {_value(change.new)}"
    if change.kind == "history_edited":
        return (
            f"{change.activity} {change.title}: {_value(change.old)} {arrow} "
            f"{_value(change.new) if change.new else 'removed'}"
        )
    return (
        f"{change.activity} {change.title}: {_value(change.old)} {arrow} {_value(change.new)}{note}"
    )
