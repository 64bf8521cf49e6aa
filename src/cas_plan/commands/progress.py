"""`casplan progress`: one progress entry, its option values checked by the model's types."""

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
from cas_plan.core.status import Status

if TYPE_CHECKING:
    from cas_plan.edit.progress import ProgressRequest


def parse_values(values: Sequence[str]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for item in values:
        indicator, separator, reported = item.partition("=")
        if not separator or not indicator.strip():
            raise UsageError(f"--value: '{item}' is not INDICATOR=VALUE")
        pairs.append((indicator.strip(), reported.strip()))
    return tuple(pairs)


@dataclass(frozen=True)
class ProgressOptions:
    status: Status | None
    date: str | None = None
    note: str | None = None
    values: Sequence[str] = ()
    evidence: Sequence[str] = ()
    reported_by: str | None = None
    spent: Sequence[str] = ()
    spent_source: str | None = None
    corrects: str | None = None


def checked_value(kind: Any, value: str, option: str) -> str:
    """An option value checked by the model's own type (evidence, reporter...)."""
    from pydantic import TypeAdapter, ValidationError

    try:
        return str(TypeAdapter(kind).validate_python(value))
    except ValidationError as exc:
        message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
        raise UsageError(f"{option}: {message}") from None


def progress_request(activity: str, asked: ProgressOptions, today: dt.date) -> ProgressRequest:
    """The entry the options describe, each value checked (a bad one is a usage error)."""
    from cas_plan.core.model import CorrectionRef, Evidence, Reporter
    from cas_plan.core.money import MoneySyntaxError, parse_amount_text
    from cas_plan.edit.progress import ProgressRequest

    spent = []
    for text in asked.spent:
        try:
            spent.append((parse_amount_text(text), asked.spent_source))
        except MoneySyntaxError as exc:
            raise UsageError(f"--spent: {exc}") from None
    if asked.spent_source and not asked.spent:
        raise UsageError("--spent-source: goes with --spent")
    measure = activity.count(".") == 1  # a measure's id: values of its own indicators
    if measure and asked.status is not None:
        raise UsageError("--status: a measure has no status of its own (its activities have)")
    if measure and (asked.spent or asked.corrects):
        raise UsageError("--spent, --corrects: go with an activity, not a measure")
    if measure and not asked.values:
        raise UsageError("--value: a measure's entry records values of its indicators")
    if not measure and asked.status is None:
        raise UsageError("--status: an activity's entry says its status; give --status")
    return ProgressRequest(
        activity,
        parse_date(asked.date, "--date", today),
        None if asked.status is None else Status(asked.status).value,  # plain text for YAML
        asked.note,
        parse_values(asked.values),
        tuple(checked_value(Evidence, item, "--evidence") for item in asked.evidence),
        checked_value(Reporter, asked.reported_by, "--by") if asked.reported_by else None,
        tuple(spent),
        checked_value(CorrectionRef, asked.corrects, "--corrects") if asked.corrects else None,
    )


def progress(options: PlanOptions, activity: str, asked: ProgressOptions) -> Outcome:
    """Record progress on an activity (only new lines in git diff)."""
    from cas_plan.edit.progress import add_entries
    from cas_plan.edit.transaction import PlanEdit
    from cas_plan.output.messages import lines_text

    with nothing_written():
        today = dt.date.today()
        request = progress_request(activity, asked, today)
        root, shown = options.directory()
        with PlanEdit.begin(root, shown, today, "progress") as edit:
            add_entries(edit, [request])
            [written] = edit.finish(refused="the entry")
    what = f"measure {activity}" if activity.count(".") == 1 else activity
    lines = [f"{written.shown}: added a progress entry to {what}:"]
    lines += [f"+{line}" for line in written.added_lines]
    return Outcome(lines_text(lines), warnings_text(edit.warnings))
