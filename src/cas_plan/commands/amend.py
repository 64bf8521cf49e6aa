"""`casplan amend`: a Government decision recorded on the activities it changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cas_plan.commands.common import (
    Outcome,
    PlanOptions,
    nothing_written,
    parse_date,
)
from cas_plan.core.errors import UsageError

if TYPE_CHECKING:
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


def amend_request(activity: str, asked: AmendOptions, units: Iterable[str]) -> AmendRequest:
    """The amendment the options describe, each value checked (a bad one is a usage error)."""
    from cas_plan.core.deadlines import DeadlineSyntaxError, parse_deadline
    from cas_plan.core.suggest import did_you_mean
    from cas_plan.edit.amend import AmendRequest

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
        asked.decision,
        parse_date(asked.date, "--date") if asked.date else None,
        asked.reason,
        cell,
        value,
        asked.cancel,
        tuple(asked.also),
        asked.only,
    )


def amend(options: PlanOptions, activity: str, asked: AmendOptions) -> Outcome:
    """Record an amendment decision and the cells it changed (keeping what they replaced)."""
    from cas_plan.edit.amend import amend as apply_amendment
    from cas_plan.edit.transaction import PlanEdit

    with nothing_written():
        root, shown = options.directory()
        with PlanEdit.begin(root, shown, dt.date.today(), "amend") as edit:
            request = amend_request(activity, asked, edit.plan.units)
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
    return Outcome("".join(line + "\n" for line in lines))
