"""Where an activity came from and where it went: the lineage between a plan and its successor.

The successor records `carried_from: 2017-2020/2.6.1` on each activity it carries; the old plan
learns where each one went from its `successor.yaml`, which `casplan successor` writes into it
through the plan's write transaction (so the old plan's `show` and final report can say it
without being given the new plan's folder, and the file is reviewed like the rest of the plan).
"""

from __future__ import annotations

from cas_plan.core.loader import Plan


def plan_name(plan: Plan) -> str:
    """A plan's name in lineage references: the years of its period ('2017-2020')."""
    if plan.plan is None:
        return "plan"
    period = plan.plan.model.period
    return f"{period.start.year}-{period.end.year}"


def carried_to(plan: Plan, activity_id: str) -> str | None:
    """Where the successor plan carries an activity: 'PLAN/ID' ('2021-2025/1.3.2'), or None
    when the plan has no successor or the activity was not carried."""
    if plan.successor is None:
        return None
    successor = plan.successor.model
    new_id = successor.carried.get(activity_id)
    return f"{successor.plan}/{new_id}" if new_id else None
