"""What changed in meaning between two states of a plan, for reviewing pull requests.

Cells are compared where they are written (a merged cell changes once, on its first row), so a
reviewer sees each change once, with the old and new text and structured value. Progress is
history: entries added at the end are news; an entry edited or removed is flagged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cas_plan.loader import LoadResult
from cas_plan.model import ProgressEntry
from cas_plan.views import CELLS, ActivityView, id_sort_key, status_on

KINDS = (
    "added",
    "removed",
    "title",
    "status",
    "progress_added",
    "history_edited",
    "due",
    "responsible",
    "indicators",
    "funds",
)
HEADINGS = {
    "added": "Activities added",
    "removed": "Activities removed",
    "title": "Titles changed",
    "status": "Status changes",
    "progress_added": "New progress entries",
    "history_edited": "Past progress entries edited (history should be appended, not rewritten)",
    "due": "Deadlines changed",
    "responsible": "Responsibilities changed",
    "indicators": "Indicators changed",
    "funds": "Indicative funds changed",
}


CONTINUED = {"as_written": None, "value": "continued from the row above"}


@dataclass(frozen=True)
class Change:
    kind: str
    activity: str
    title: str
    old: Any = None
    new: Any = None


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


def _cell_value(view: ActivityView, cell: str) -> dict[str, Any] | None:
    """The cell as written on this activity's own row: its text and structured value."""
    if cell not in view.activity.model_fields_set:
        return None
    value = getattr(view.activity, cell)
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


def _compare(old: ActivityView, new: ActivityView) -> list[Change]:
    changes = []
    if old.title != new.title:
        changes.append(Change("title", new.id, new.title, old.title, new.title))
    for cell in CELLS:
        before, after = _cell_value(old, cell), _cell_value(new, cell)
        if before != after:
            changes.append(
                Change(
                    cell,
                    new.id,
                    new.title,
                    before or CONTINUED,
                    after or CONTINUED,
                )
            )
    old_entries = [_entry(e) for e in old.activity.progress]
    new_entries = [_entry(e) for e in new.activity.progress]
    kept = len(old_entries)
    for index, before in enumerate(old_entries):
        after_entry = new_entries[index] if index < len(new_entries) else None
        if after_entry != before:
            changes.append(Change("history_edited", new.id, new.title, before, after_entry))
    for entry in new_entries[kept:]:
        changes.append(Change("progress_added", new.id, new.title, None, entry))
    before_status, after_status = _latest(old.entries), _latest(new.entries)
    old_status = before_status.status if before_status else "not_reported"
    new_status = after_status.status if after_status else "not_reported"
    if old_status != new_status:
        changes.append(
            Change(
                "status",
                new.id,
                new.title,
                old_status,
                _entry(after_status) if after_status else new_status,
            )
        )
    return changes


def _problems(result: LoadResult) -> list[str]:
    return [d.headline() for d in result.errors]


def diff_plans(base: LoadResult, head: LoadResult, base_label: str, head_label: str) -> PlanDiff:
    result = PlanDiff(base_label, head_label, _problems(base), _problems(head))
    if not result.loaded:
        return result
    old = {v.id: v for v in base.plan.views}
    new = {v.id: v for v in head.plan.views}
    for identifier in sorted(new.keys() - old.keys(), key=id_sort_key):
        result.changes.append(Change("added", identifier, new[identifier].title))
    for identifier in sorted(old.keys() - new.keys(), key=id_sort_key):
        result.changes.append(Change("removed", identifier, old[identifier].title))
    for identifier in sorted(old.keys() & new.keys(), key=id_sort_key):
        result.changes.extend(_compare(old[identifier], new[identifier]))
    return result


def diff_record(diff: PlanDiff) -> dict[str, Any]:
    """`casplan diff --format json`."""
    return {
        "base": {"revision": diff.base, "problems": diff.base_problems},
        "head": {"revision": diff.head, "problems": diff.head_problems},
        "changes": [
            {"kind": c.kind, "activity": c.activity, "title": c.title, "old": c.old, "new": c.new}
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
        note = f": {value['note']}" if value.get("note") else ""
        return f"{value['date']} {value['status']}{note}"
    if isinstance(value, list):
        return "; ".join(_value(item) for item in value) or "none"
    if isinstance(value, dict):
        return ", ".join(f"{k}={_value(v)}" for k, v in value.items())
    return str(value)


def change_line(change: Change, arrow: str = "->") -> str:
    """One change as a line of text: the activity, and old -> new."""
    if change.kind in ("added", "removed"):
        return f"{change.activity} {change.title}"
    if change.kind == "progress_added":
        return f"{change.activity} {change.title}: {_value(change.new)}"
    if change.kind == "status":
        return (
            f"{change.activity} {change.title}: {_value(change.old)} {arrow} {_value(change.new)}"
        )
    if change.kind == "history_edited":
        return (
            f"{change.activity} {change.title}: {_value(change.old)} {arrow} "
            f"{_value(change.new) if change.new else 'removed'}"
        )
    return f"{change.activity} {change.title}: {_value(change.old)} {arrow} {_value(change.new)}"
