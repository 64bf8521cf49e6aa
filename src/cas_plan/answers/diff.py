"""What changed in meaning between two states of a plan, for reviewing pull requests.

Cells are compared by their effective values, so a merged cell that changes on its first row is
reported for every activity whose deadline (or unit, or funds) moved, saying which inherited it.
Amendments are reported with their decision; progress is history: entries added at the end are
news (corrections said to be corrections), an entry edited or removed is flagged. Changes to the
plan's other files (plan.yaml, organization.yaml, events.yaml, amendments.yaml, the
translations) are reported item by item, and the coordinator's report narratives section by
section (added, edited, removed). Changes are typed values holding what the plan holds (a cell's
model, a progress entry, a file's item); output/ says them in words, Markdown or JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from cas_plan.core import layout
from cas_plan.core.diagnostics import Diagnostic
from cas_plan.core.loader import LoadResult, Plan
from cas_plan.core.model import CRITERIA, NARRATIVE_LANGUAGES, ProgressEntry, ReportNarrative
from cas_plan.core.status import NOT_REPORTED
from cas_plan.core.translations import file_translations
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
    "narrative",
)


CELL_KINDS = frozenset(CELLS)


@dataclass(frozen=True)
class Amended:
    """The amendment a change comes from, and its decision when the registry names it."""

    amendment: str
    decision: str | None = None


@dataclass(frozen=True)
class Change:
    """One change. `old` and `new` hold the plan's own values: for a cell (CELL_KINDS) its
    model (None: continued from the row above), for progress a `ProgressEntry` (a correction's
    `old` is the reference it corrects), for a status its word, for an amendment or another
    file's item the item as data."""

    kind: str
    activity: str  # an activity id; an amendment's id; for plan_file the file and item key
    title: str  # the activity's title ("" for amendments and plan files)
    old: Any = None
    new: Any = None
    inherited_from: str | None = None  # the activity whose cell this one continues
    amended: Amended | None = None


@dataclass
class PlanDiff:
    base: str
    head: str
    base_problems: list[Diagnostic] = field(default_factory=list)
    head_problems: list[Diagnostic] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def loaded(self) -> bool:
        return not self.base_problems and not self.head_problems


def _latest(entries: list[ProgressEntry]) -> ProgressEntry | None:
    """The state: the latest date wins; of entries on one date, the later one in the file."""
    return status_on(entries, dt.date.max)


def _amended_by(view: ActivityView, cell: str, plan: Plan) -> Amended | None:
    """The amendment of the newest change of the cell's row, when that change is this cell's."""
    registry = {a.id: a for a in plan.amendments.model.amendments} if plan.amendments else {}
    for change in reversed(view.activity.history):
        if cell in change.model_fields_set:
            amendment = registry.get(change.amendment)
            return Amended(change.amendment, amendment.decision if amendment else None)
    return None


def _compare(old: ActivityView, new: ActivityView, new_plan: Plan) -> list[Change]:
    changes = []
    if old.title != new.title:
        amended = (
            _amended_by(new, "title", new_plan)
            if len(new.activity.history) > len(old.activity.history)
            else None
        )
        changes.append(Change("title", new.id, new.title, old.title, new.title, amended=amended))
    cancelled_by = new.activity.cancelled_by
    if cancelled_by is not None and not old.cancelled:
        changes.append(Change("cancelled", new.id, new.title, amended=Amended(cancelled_by)))
    changes += _cell_changes(old, new, new_plan)
    changes += _progress_changes(old, new)
    before_status, after_status = _latest(old.entries), _latest(new.entries)
    old_status = before_status.status if before_status else NOT_REPORTED
    new_status = after_status.status if after_status else NOT_REPORTED
    if old_status != new_status:
        changes.append(Change("status", new.id, new.title, old_status, new_status))
    return changes


def _cell_changes(old: ActivityView, new: ActivityView, new_plan: Plan) -> list[Change]:
    """The cells whose effective value changed, with the activity they continue and the
    amendment that changed them there."""
    changes = []
    by_id = {v.id: v for v in new_plan.views}
    for cell in CELLS:
        before, after = getattr(old, cell), getattr(new, cell)
        if before.value == after.value:
            continue
        inherited = after.written_on if after.written_on not in (None, new.id) else None
        source = by_id.get(after.written_on or "")
        amended = None
        if source is not None and len(source.activity.history) > 0:
            changed = {k for c in source.activity.history for k in c.model_fields_set}
            amended = _amended_by(source, cell, new_plan) if cell in changed else None
        changes.append(
            Change(cell, new.id, new.title, before.value, after.value, inherited, amended)
        )
    return changes


def _progress_changes(old: ActivityView, new: ActivityView) -> list[Change]:
    """Entries edited or removed (history rewritten), and entries appended after the old ones."""
    changes = []
    before, after = old.activity.progress, new.activity.progress
    for index, entry in enumerate(before):
        later = after[index] if index < len(after) else None
        if later is None or _entry(later) != _entry(entry):
            changes.append(Change("history_edited", new.id, new.title, entry, later))
    for entry in after[len(before) :]:
        if entry.corrects is not None:
            changes.append(Change("correction", new.id, new.title, entry.corrects, entry))
        else:
            changes.append(Change("progress_added", new.id, new.title, None, entry))
    return changes


def _entry(entry: ProgressEntry) -> dict[str, Any]:
    """An entry as it was written, to compare two versions of it."""
    return entry.model_dump(mode="json", exclude_defaults=True)


def _problems(result: LoadResult) -> list[Diagnostic]:
    return list(result.errors)


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
    changes += _translation_changes(base, head)
    old_amendments = _items(base.amendments.model if base.amendments else None)
    for key, item in _items(head.amendments.model if head.amendments else None).items():
        if old_amendments.get(key) != item:
            identifier = item.get("id", key)
            changes.append(Change("amendment", identifier, "", old_amendments.get(key), item))
    return changes


def _translations_of(plan: Plan, lang: str) -> dict[str, str]:
    """A language's translations by their place in the file, each as "text [digest]"."""
    loaded = plan.translations_in(lang)
    if loaded is None:
        return {}
    return {
        "/".join(map(str, key.pointer())): f"{translation.text} [{translation.digest}]"
        for key, translation in file_translations(loaded.model)
    }


def _translation_changes(base: Plan, head: Plan) -> list[Change]:
    """Each translation added, changed or removed (translations/LANG.yaml)."""
    changes = []
    for lang in layout.TRANSLATED:
        old, new = _translations_of(base, lang), _translations_of(head, lang)
        for key in sorted(old.keys() | new.keys()):
            if old.get(key) != new.get(key):
                label = f"{layout.translations_file(lang)} {key}"
                changes.append(Change("plan_file", label, "", old.get(key), new.get(key)))
    return changes


def _narrative_sections(narrative: ReportNarrative | None) -> dict[tuple[str, str], str]:
    """A narrative's texts by (language, section): 'executive summary', 'goal 1', 'measure
    1.1', 'evaluation: relevance'."""
    out: dict[tuple[str, str], str] = {}
    for lang in NARRATIVE_LANGUAGES:
        text = narrative.texts(lang) if narrative else None
        if text is None:
            continue
        if text.executive_summary:
            out[(lang, "executive summary")] = text.executive_summary
        for kind, texts in (("goal", text.goals), ("measure", text.measures)):
            for identifier in sorted(texts, key=id_sort_key):
                out[(lang, f"{kind} {identifier}")] = texts[identifier]
        for key in CRITERIA:
            found = next((value for k, value in text.evaluation.items() if k == key), None)
            if found:
                out[(lang, f"evaluation: {key}")] = found
    return out


def _narratives(base: Plan, head: Plan) -> list[Change]:
    """The coordinator's texts added, edited or removed: the file (its period), the language
    and the section of each."""
    old = {r.model.period: r.model for r in base.reports}
    new = {r.model.period: r.model for r in head.reports}
    changes = []
    for period in sorted(old.keys() | new.keys()):
        before, after = _narrative_sections(old.get(period)), _narrative_sections(new.get(period))
        for lang, section in sorted(before.keys() | after.keys(), key=_section_order):
            was, now = before.get((lang, section)), after.get((lang, section))
            if was != now:
                where = f"{layout.report_file(period)} ({lang})"
                changes.append(Change("narrative", where, section, was, now))
    return changes


def _section_order(key: tuple[str, str]) -> tuple[int, int, tuple[int, ...], str]:
    lang, section = key
    kind, _, rest = section.partition(" ")
    rank = {"executive": 0, "goal": 1, "measure": 2}.get(kind, 3)
    return (NARRATIVE_LANGUAGES.index(lang), rank, id_sort_key(rest), section)


def diff_plans(base: LoadResult, head: LoadResult, base_label: str, head_label: str) -> PlanDiff:
    result = PlanDiff(base_label, head_label, _problems(base), _problems(head))
    if not result.loaded:
        return result
    old = {v.id: v for v in base.plan.views}
    new = {v.id: v for v in head.plan.views}
    result.changes.extend(c for c in _plan_files(base.plan, head.plan) if c.kind == "amendment")
    for identifier in sorted(new.keys() - old.keys(), key=id_sort_key):
        added = new[identifier].activity.added_by
        amended = Amended(added) if added else None
        result.changes.append(Change("added", identifier, new[identifier].title, amended=amended))
    for identifier in sorted(old.keys() - new.keys(), key=id_sort_key):
        result.changes.append(Change("removed", identifier, old[identifier].title))
    for identifier in sorted(old.keys() & new.keys(), key=id_sort_key):
        result.changes.extend(_compare(old[identifier], new[identifier], head.plan))
    result.changes.extend(c for c in _plan_files(base.plan, head.plan) if c.kind == "plan_file")
    result.changes.extend(_narratives(base.plan, head.plan))
    return result
