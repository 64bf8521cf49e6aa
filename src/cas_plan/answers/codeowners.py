"""Who reviews what: a pull request that touches a measure asks its units for review.

Each measure file is owned by the review handles of the units responsible for its activities
(a unit without a handle takes its parent's; a collective without one takes those of the units
it covers), plus the plan coordinator's handle from plan.yaml, who merges every change.
output/codeowners.py writes the CODEOWNERS file of it.
"""

from __future__ import annotations

from pathlib import Path

from cas_plan.core.git import GitError, repository_root
from cas_plan.core.loader import Plan
from cas_plan.core.model import Unit
from cas_plan.core.organization import responsible_unit_ids
from cas_plan.core.views import ActivityView, id_sort_key


def handles_of(
    unit_id: str, units: dict[str, Unit], seen: frozenset[str] = frozenset()
) -> list[str]:
    unit = units.get(unit_id)
    if unit is None or unit_id in seen:
        return []
    if unit.review:
        return [unit.review]
    seen = seen | {unit_id}
    if unit.kind == "collective":
        return [h for covered in unit.covers for h in handles_of(covered, units, seen)]
    return handles_of(unit.parent, units, seen) if unit.parent else []


def measure_owners(plan: Plan) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """The coordinator's handles (they own the whole plan directory), and each measure file
    (its path in the plan) with its owners: the coordinator, then the units' handles."""
    units = plan.units
    coordinator = [plan.plan.model.review] if plan.plan and plan.plan.model.review else []
    by_measure: dict[str, list[ActivityView]] = {}
    for view in plan.views:
        by_measure.setdefault(view.measure_id, []).append(view)
    owned = []
    for measure in sorted(plan.measures, key=lambda m: id_sort_key(m.model.id)):
        handles: list[str] = []
        for view in by_measure.get(measure.model.id, []):
            for unit_id in responsible_unit_ids(view):
                handles += [h for h in handles_of(unit_id, units) if h not in handles]
        owners = coordinator + [h for h in handles if h not in coordinator]
        if owners:
            owned.append((plan.relative(measure.path), owners))
    return coordinator, owned


def codeowners_location(plan_dir: Path) -> tuple[Path, str]:
    """The repository's .github/CODEOWNERS and the plan directory's path inside the repository
    (outside git, the plan's parent directory stands for the repository)."""
    try:
        root = repository_root(plan_dir)
    except GitError:
        root = plan_dir.resolve().parent
    inside = plan_dir.resolve().relative_to(root.resolve()).as_posix()
    return root / ".github" / "CODEOWNERS", inside
