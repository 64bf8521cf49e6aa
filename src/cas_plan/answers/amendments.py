"""What each amendment changed: one change per activity and cell whose effective value it
changed, found by comparing the plan just before the decision with the plan just after it. So
the rows that continue a merged cell and moved with it (`amend --also`) are there, and a row
that kept the old value now written on it (`amend --only`) is not; a cell filled down from the
row above is its value, never "as in the row above".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from cas_plan.core.history import amendment_order, amendments_touching, measure_around
from cas_plan.core.loader import Plan
from cas_plan.core.model import Amendment, Loaded, MeasureFile
from cas_plan.core.views import CELLS, ActivityView, id_sort_key, measure_views

ChangeKind = Literal["added", "cancelled", "title", "indicators", "responsible", "funds", "due"]


@dataclass(frozen=True)
class CellChange:
    """An activity as the amendment left it, and a cell's effective value before and after
    (a title, a cell's model, or None for a blank cell; for `added` and `cancelled`, None)."""

    view: ActivityView
    kind: ChangeKind
    old: object = None
    new: object = None


@dataclass(frozen=True)
class AmendmentEffect:
    amendment: Amendment
    changes: list[CellChange]


def amendment_effects(
    plan: Plan, chosen: Iterable[Amendment] | None = None
) -> list[AmendmentEffect]:
    """The changes of each amendment (of `chosen`, or all), in the order they were adopted:
    which measures each amendment touched is found in one pass over the plan, so thousands of
    amendments cost what they touched, not amendments times measures."""
    order = amendment_order(plan)
    wanted = {a.id for a in (order if chosen is None else chosen)}
    rank = {a.id: position for position, a in enumerate(order)}
    touched: dict[str, list[Loaded[MeasureFile]]] = {}
    for measure in sorted(plan.measures, key=lambda m: id_sort_key(m.model.id)):
        named: set[str] = set()
        for activity in measure.model.activities:
            named |= amendments_touching(activity)
        for amendment_id in named & wanted:
            touched.setdefault(amendment_id, []).append(measure)
    return [
        AmendmentEffect(amendment, _changes(touched.get(amendment.id, []), rank, amendment))
        for amendment in order
        if amendment.id in wanted
    ]


def _changes(
    measures: list[Loaded[MeasureFile]], rank: Mapping[str, int], amendment: Amendment
) -> list[CellChange]:
    changes: list[CellChange] = []
    for measure in measures:
        before, after = measure_around(measure, rank, amendment.id)
        earlier = {view.id: view for view in measure_views(before)}
        for view in measure_views(after):
            changes += _compare(earlier.get(view.id), view)
    return changes


def _compare(before: ActivityView | None, after: ActivityView) -> list[CellChange]:
    """What changed on one activity: added, cancelled, or the cells whose value differs."""
    if before is None:
        return [CellChange(after, "added")]
    changes = []
    if after.cancelled and not before.cancelled:
        changes.append(CellChange(after, "cancelled"))
    if after.title != before.title:
        changes.append(CellChange(after, "title", before.title, after.title))
    for cell in CELLS:
        old, new = getattr(before, cell).value, getattr(after, cell).value
        if old != new:
            changes.append(CellChange(after, cell, old, new))  # type: ignore[arg-type]
    return changes
