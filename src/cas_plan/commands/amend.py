"""`casplan amend`: a Government decision recorded on the activities it changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cas_plan.commands.common import (
    Outcome,
    PlanOptions,
    nothing_written,
    parse_date,
    warnings_text,
)
from cas_plan.core.errors import UsageError

if TYPE_CHECKING:
    from cas_plan.core.loader import Plan
    from cas_plan.edit.amend import AmendRequest


@dataclass(frozen=True)
class AmendOptions:
    decision: str
    date: str | None = None
    reason: str | None = None
    due: str | None = None
    responsible: Sequence[str] = ()
    title: str | None = None
    cancel: bool = False
    also: Sequence[str] = ()
    only: bool = False
    dry_run: bool = False


def decision_of(asked: AmendOptions, plan: Plan, today: dt.date) -> tuple[dt.date | None, str]:
    """The decision's date and reference, checked: a reference that says something, a date from
    the year before the plan period up to today."""
    from cas_plan.core.checks import record_date_problem

    if not asked.decision.strip():
        raise UsageError("--decision: the decision's reference is empty")
    if asked.reason is not None and not asked.reason.strip():
        raise UsageError("--reason: the reason is empty")
    day = parse_date(asked.date, "--date") if asked.date is not None else None
    problem = record_date_problem(plan, day, today, "the decision adopted on") if day else None
    if problem is not None:
        raise UsageError(f"--date: {problem[0]}; {problem[1]}")
    return day, asked.decision


def amend_request(activity: str, asked: AmendOptions, plan: Plan, today: dt.date) -> AmendRequest:
    """The amendment the options describe, each value checked (a bad one is a usage error)."""
    from cas_plan.core.deadlines import DeadlineSyntaxError, parse_deadline
    from cas_plan.core.suggest import did_you_mean
    from cas_plan.edit.amend import AmendRequest

    day, decision = decision_of(asked, plan, today)
    units = plan.units
    given = {
        "--due": asked.due is not None,
        "--responsible": bool(asked.responsible),
        "--title": asked.title is not None,
        "--cancel": asked.cancel,
    }
    chosen = [name for name, present in given.items() if present]
    if len(chosen) != 1:
        raise UsageError(
            "say what the amendment changes: one of --due, --responsible, --title or --cancel"
            + (f" (not {' and '.join(chosen)})" if chosen else "")
        )
    cell: str | None = None
    value: Any = None
    if asked.due is not None:
        from cas_plan.core.deadlines import Day

        try:
            spec = parse_deadline(asked.due)
        except DeadlineSyntaxError as exc:
            raise UsageError(f"--due: {exc}") from None
        cell, value = "due", {"when": spec.day if isinstance(spec, Day) else spec.spell()}
    elif asked.responsible:
        known = set(units)
        entries = []
        for item in asked.responsible:
            unit, _, role = item.partition(":")
            if unit not in known:
                hint = did_you_mean(unit, known)
                raise UsageError(
                    f"--responsible: unknown unit '{unit}'" + (f"; {hint}" if hint else "")
                )
            entries.append({"unit": unit} | ({"role": role} if role else {}))
        cell, value = "responsible", {"units": entries}
    elif asked.title is not None:
        if not asked.title.strip():
            raise UsageError("--title: the title is empty")
        cell, value = "title", asked.title
    return AmendRequest(
        activity,
        decision,
        day,
        asked.reason,
        cell,
        value,
        asked.cancel,
        tuple(item for also in asked.also for item in also.replace(",", " ").split()),
        asked.only,
    )


def amend(options: PlanOptions, activity: str, asked: AmendOptions) -> Outcome:
    """Record an amendment decision and the cells it changed (keeping what they replaced)."""
    from cas_plan.edit.amend import amend as apply_amendment
    from cas_plan.edit.transaction import PlanEdit

    with nothing_written():
        root, shown = options.directory()
        today = dt.date.today()
        with PlanEdit.begin(root, shown, today, "amend") as edit:
            request = amend_request(activity, asked, edit.plan, today)
            done = apply_amendment(edit, request, dry_run=asked.dry_run)
    amendment = done.amendment
    verb = "would record" if asked.dry_run else "recorded"
    lines = [
        f"{verb} amendment {amendment.id} ({amendment.decision}, adopted {amendment.date})"
        + (", added to amendments.yaml" if done.new_amendment else "")
    ]
    lines.append("effective values change for: " + ", ".join(done.affected))
    if done.pinned:
        lines.append("keep the earlier value, now written on them: " + ", ".join(done.pinned))
    for written in done.written:
        lines.append(f"{written.shown}:")
        lines += written.diff_lines
    return Outcome("".join(line + "\n" for line in lines), warnings_text(edit.warnings))
