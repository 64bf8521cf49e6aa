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
    from cas_plan.edit.amend import AddRequest, AmendRequest


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
    add: bool = False
    indicators: Sequence[str] = ()
    funds: Sequence[str] = ()
    funds_source: str | None = None


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
    from cas_plan.edit.amend import AmendRequest

    day, decision = decision_of(asked, plan, today)
    for option, given_with_add in (
        ("--indicator", asked.indicators),
        ("--funds", asked.funds),
        ("--funds-source", asked.funds_source),
    ):
        if given_with_add:
            raise UsageError(f"{option}: goes with --add (a new activity's cell)")
    given = {
        "--due": asked.due is not None,
        "--responsible": bool(asked.responsible),
        "--title": asked.title is not None,
        "--cancel": asked.cancel,
    }
    chosen = [name for name, present in given.items() if present]
    if len(chosen) != 1:
        raise UsageError(
            "say what the amendment changes: one of --due, --responsible, --title, --cancel or "
            "--add" + (f" (not {' and '.join(chosen)})" if chosen else "")
        )
    cell: str | None = None
    value: Any = None
    if asked.due is not None:
        cell, value = "due", due_value(asked.due)
    elif asked.responsible:
        cell, value = "responsible", responsible_value(asked.responsible, plan)
    elif asked.title is not None:
        cell, value = "title", title_value(asked.title)
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


def due_value(text: str) -> dict[str, Any]:
    from cas_plan.core.deadlines import Day, DeadlineSyntaxError, parse_deadline

    try:
        spec = parse_deadline(text)
    except DeadlineSyntaxError as exc:
        raise UsageError(f"--due: {exc}") from None
    return {"when": spec.day if isinstance(spec, Day) else spec.spell()}


def responsible_value(items: Sequence[str], plan: Plan) -> dict[str, Any]:
    """UNIT[:ROLE] items as the responsible cell, each unit one of the registry."""
    from cas_plan.core.suggest import did_you_mean

    known = set(plan.units)
    entries = []
    for item in items:
        unit, _, role = item.partition(":")
        if unit not in known:
            hint = did_you_mean(unit, known)
            raise UsageError(
                f"--responsible: unknown unit '{unit}'" + (f"; {hint}" if hint else "")
            )
        entries.append({"unit": unit} | ({"role": role} if role else {}))
    return {"units": entries}


def title_value(text: str, option: str = "--title") -> str:
    if not text.strip():
        raise UsageError(f"{option}: the {option[2:]} is empty")
    return text


def funds_value(items: Sequence[str], source: str | None) -> dict[str, Any]:
    """--funds no-extra-cost, undetermined, or amounts ('250000 EUR', '1.200.000,00 RSD'),
    with --funds-source naming the amounts' financing source."""
    from cas_plan.core.money import MoneySyntaxError, parse_amount_text

    funds: dict[str, Any] = {}
    amounts = []
    for item in items:
        if item in ("no-extra-cost", "undetermined"):
            funds[item.replace("-", "_")] = True
            continue
        try:
            money = parse_amount_text(item)
        except MoneySyntaxError as exc:
            raise UsageError(f"--funds: {exc} (or say no-extra-cost or undetermined)") from None
        amounts.append({"amount": money.spell()} | ({"source": source} if source else {}))
    if source is not None and not amounts:
        raise UsageError("--funds-source: goes with an amount in --funds")
    return funds | ({"amounts": amounts} if amounts else {})


def add_request(activity: str, asked: AmendOptions, plan: Plan, today: dt.date) -> AddRequest:
    """`--add`: a new activity, every cell stated on the command line."""
    from cas_plan.edit.amend import AddRequest

    day, decision = decision_of(asked, plan, today)
    wrong = [name for name, given in (("--cancel", asked.cancel), ("--also", asked.also),
             ("--only", asked.only)) if given]  # fmt: skip
    if wrong:
        raise UsageError(f"--add: a new activity goes without {' and '.join(wrong)}")
    missing = [
        option
        for option, given in (
            ("--title", asked.title is not None),
            ("--indicator", asked.indicators),
            ("--responsible", asked.responsible),
            ("--funds", asked.funds),
            ("--due", asked.due is not None),
        )
        if not given
    ]
    if missing:
        raise UsageError(
            f"--add: an added activity states every cell itself; give {', '.join(missing)}"
        )
    assert asked.title is not None and asked.due is not None
    return AddRequest(
        activity,
        decision,
        day,
        asked.reason,
        title_value(asked.title),
        tuple(title_value(text, "--indicator") for text in asked.indicators),
        responsible_value(asked.responsible, plan),
        funds_value(asked.funds, asked.funds_source),
        due_value(asked.due),
    )


def amend(options: PlanOptions, activity: str, asked: AmendOptions) -> Outcome:
    """Record an amendment decision and the cells it changed (keeping what they replaced)."""
    from cas_plan.edit.amend import add_activity
    from cas_plan.edit.amend import amend as apply_amendment
    from cas_plan.edit.transaction import PlanEdit
    from cas_plan.output.messages import lines_text

    with nothing_written():
        root, shown = options.directory()
        today = dt.date.today()
        with PlanEdit.begin(root, shown, today, "amend") as edit:
            if asked.add:
                added = add_request(activity, asked, edit.plan, today)
                done = add_activity(edit, added, dry_run=asked.dry_run)
            else:
                request = amend_request(activity, asked, edit.plan, today)
                done = apply_amendment(edit, request, dry_run=asked.dry_run)
    amendment = done.amendment
    verb = "would record" if asked.dry_run else "recorded"
    lines = [
        f"{verb} amendment {amendment.id} ({amendment.decision}, adopted {amendment.date})"
        + (", added to amendments.yaml" if done.new_amendment else "")
    ]
    if asked.add:
        lines.append(f"{'would add' if asked.dry_run else 'added'} activity {activity}")
    else:
        lines.append("effective values change for: " + ", ".join(done.affected))
    if done.pinned:
        lines.append("keep the earlier value, now written on them: " + ", ".join(done.pinned))
    for written in done.written:
        lines.append(f"{written.shown}:")
        lines += written.diff_lines
    return Outcome(lines_text(lines), warnings_text(edit.warnings))
