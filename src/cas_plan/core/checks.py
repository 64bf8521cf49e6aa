"""Cross-file checks: small functions `validate_<rule>(context) -> list[Diagnostic]`, listed once.

The schema checks of single files happen in the loader; these see the whole plan at once
(ids, references between files, the plan period, the order of progress entries).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from cas_plan.core import layout
from cas_plan.core.deadlines import (
    SPELLINGS_HELP,
    Continuous,
    ToBeDetermined,
    events_of,
    fixed_span,
    read_written,
)
from cas_plan.core.diagnostics import Diagnostic, error_at, warning_at
from cas_plan.core.errors import UsageError
from cas_plan.core.indicators import value_message
from cas_plan.core.loader import Plan
from cas_plan.core.model import (
    NARRATIVE_LANGUAGES,
    Activity,
    Deadline,
    Funding,
    NarrativeText,
    reporter_unit,
)
from cas_plan.core.money import parse_serbian_number
from cas_plan.core.organization import Organization, leads
from cas_plan.core.periods import parse_report_period
from cas_plan.core.suggest import did_you_mean
from cas_plan.core.translations import TextKey, file_translations, plan_texts, text_digest
from cas_plan.core.views import CELLS, ActivityView, correction_target_index

Pointer = tuple[str | int, ...]


@dataclass(frozen=True)
class CheckContext:
    plan: Plan
    views: Sequence[ActivityView]
    as_of: dt.date

    @property
    def activity_ids(self) -> set[str]:
        return {view.id for view in self.views}

    @property
    def measure_ids(self) -> set[str]:
        return {measure.model.id for measure in self.plan.measures}

    def broken(self, identifier: str) -> bool:
        """True when the id may live in a file that did not load (so 'unknown' would mislead)."""
        measure = ".".join(identifier.split(".")[:2])
        return layout.measure_file(measure) in self.plan.broken_files


def validate_file_layout(ctx: CheckContext) -> list[Diagnostic]:
    """A measure lives in the file named after it, in its goal's directory, beside goal.yaml."""
    out = []
    goal_dirs = {PurePosixPath(goal.path).parent.name: goal for goal in ctx.plan.goals}
    for goal in ctx.plan.goals:
        directory = PurePosixPath(goal.path).parent.name
        if directory != layout.goal_dir(goal.model.id):
            out.append(
                error_at(
                    goal.path,
                    ("id",),
                    f"goal {goal.model.id} is in directory '{directory}'",
                    hint=f"move it to {layout.goal_file(goal.model.id)}",
                )
            )
    for measure in ctx.plan.measures:
        file = PurePosixPath(measure.path)
        expected = PurePosixPath(layout.measure_file(measure.model.id)).name
        if file.name != expected:
            out.append(
                error_at(
                    measure.path,
                    ("id",),
                    f"measure {measure.model.id} is in a file named '{file.name}'",
                    hint=f"rename the file to {expected}",
                )
            )
        goal_dir = layout.goal_dir(measure.model.id.split(".")[0])
        if file.parent.name != goal_dir:
            out.append(
                error_at(
                    measure.path,
                    ("id",),
                    f"measure {measure.model.id} is in directory '{file.parent.name}'",
                    hint=f"move it to {goal_dir}/",
                )
            )
        elif goal_dir not in goal_dirs and not any(
            broken.startswith(goal_dir + "/") for broken in ctx.plan.broken_files
        ):
            out.append(
                error_at(
                    measure.path,
                    ("id",),
                    f"goal {goal_dir.removeprefix('goal-')} of "
                    f"measure {measure.model.id} has no {goal_dir}/goal.yaml",
                )
            )
    return out


def validate_unique_ids(ctx: CheckContext) -> list[Diagnostic]:
    """Ids name one thing each: goals, measures, activities, units and events."""
    out: list[Diagnostic] = []

    def unique(items: Iterator[tuple[str, str, Pointer]], what: str) -> None:
        first: dict[str, str] = {}
        for identifier, path, pointer in items:
            if identifier in first:
                out.append(
                    error_at(
                        path,
                        pointer,
                        f"duplicate {what} id '{identifier}' (also in {first[identifier]})",
                    )
                )
            else:
                first[identifier] = path

    unique(((g.model.id, g.path, ("id",)) for g in ctx.plan.goals), "goal")
    unique(((m.model.id, m.path, ("id",)) for m in ctx.plan.measures), "measure")
    unique(((v.id, v.path, (*v.pointer, "id")) for v in ctx.views), "activity")
    if ctx.plan.organization:
        org = ctx.plan.organization
        unique(
            ((u.id, org.path, ("units", i, "id")) for i, u in enumerate(org.model.units)), "unit"
        )
    if ctx.plan.amendments:
        am = ctx.plan.amendments
        unique(
            ((a.id, am.path, ("amendments", i, "id")) for i, a in enumerate(am.model.amendments)),
            "amendment",
        )
    if ctx.plan.events:
        ev = ctx.plan.events
        unique(
            ((e.id, ev.path, ("events", i, "id")) for i, e in enumerate(ev.model.events)), "event"
        )
    return out


def validate_activity_ids(ctx: CheckContext) -> list[Diagnostic]:
    """An activity's id extends its measure's id; a sub-activity's id extends its parent's."""
    out = []
    for view in ctx.views:
        expected_prefix = view.parent_id or view.measure_id
        parts = view.id.split(".")
        if parts[:-1] != expected_prefix.split("."):
            owner = (
                f"sub-activity of {view.parent_id}"
                if view.parent_id
                else f"activity of measure {view.measure_id}"
            )
            out.append(
                error_at(
                    view.path,
                    (*view.pointer, "id"),
                    f"'{view.id}' is not numbered as an {owner}",
                    hint=f"its id should be {expected_prefix}.N",
                )
            )
    return out


def validate_unit_registry(ctx: CheckContext) -> list[Diagnostic]:
    """Parents and collectives in the registry point at units that exist; no unit is its own
    ancestor."""
    org = ctx.plan.organization
    if org is None:
        return []
    out = []
    units = ctx.plan.units
    for index, unit in enumerate(org.model.units):
        if unit.parent is not None and unit.parent not in units:
            out.append(
                error_at(
                    org.path,
                    ("units", index, "parent"),
                    f"unknown parent unit '{unit.parent}'",
                    hint=did_you_mean(unit.parent, set(units)),
                )
            )
        for j, covered in enumerate(unit.covers):
            if covered not in units:
                out.append(
                    error_at(
                        org.path,
                        ("units", index, "covers", j),
                        f"unknown unit '{covered}'",
                        hint=did_you_mean(covered, set(units)),
                    )
                )
        if unit.covers and unit.kind != "collective":
            out.append(
                error_at(
                    org.path,
                    ("units", index, "covers"),
                    "only a collective unit covers other units",
                    hint="set kind: collective or remove covers",
                )
            )
        seen = {unit.id}
        parent = unit.parent
        while parent is not None and parent in units:
            if parent in seen:
                out.append(
                    error_at(
                        org.path,
                        ("units", index, "parent"),
                        f"unit '{unit.id}' is its own ancestor",
                    )
                )
                break
            seen.add(parent)
            parent = units[parent].parent
    return out


def validate_unit_references(ctx: CheckContext) -> list[Diagnostic]:
    """Every unit a responsibility cell names is in the organization registry."""
    if ctx.plan.organization is None:
        return []
    units = set(ctx.plan.units)
    out = []
    for view in ctx.views:
        if view.responsible.written_on != view.id or view.responsible.value is None:
            continue
        for index, entry in enumerate(view.responsible.value.units):
            if entry.unit not in units:
                out.append(
                    error_at(
                        view.path,
                        (*view.pointer, "responsible", "units", index, "unit"),
                        f"unknown unit '{entry.unit}'",
                        hint=did_you_mean(entry.unit, units) or "add it to organization.yaml",
                    )
                )
    return out


def _written_funds(view: ActivityView) -> Funding | None:
    return view.funds.value if view.funds.written_on == view.id else None


def _written_due(view: ActivityView) -> Deadline | None:
    """The Due Date cell this row states itself (a continued cell is checked on its own row)."""
    return view.due.value if view.due.written_on == view.id else None


def validate_funds_references(ctx: CheckContext) -> list[Diagnostic]:
    """'Stated under 2.1.3' points at an activity or measure that exists, and not at itself."""
    known = ctx.activity_ids | ctx.measure_ids
    out = []
    for view in ctx.views:
        funds = _written_funds(view)
        if funds is None:
            continue
        refs: list[tuple[str, Pointer]] = [
            (ref, (*view.pointer, "funds", "see", i)) for i, ref in enumerate(funds.see)
        ]
        refs += [
            (amount.counted_under, (*view.pointer, "funds", "amounts", i, "counted_under"))
            for i, amount in enumerate(funds.amounts)
            if amount.counted_under is not None
        ]
        for ref, pointer in refs:
            if ref == view.id:
                out.append(error_at(view.path, pointer, f"the funds of {view.id} refer to itself"))
            elif ref not in known and not ctx.broken(ref):
                out.append(
                    error_at(
                        view.path,
                        pointer,
                        f"funds refer to '{ref}', which is "
                        "neither an activity nor a measure of the plan",
                        hint=did_you_mean(ref, known),
                    )
                )
    return out


_NUMBER = re.compile(r"\d[\d.,]*\d|\d")


def validate_amounts_match_text(ctx: CheckContext) -> list[Diagnostic]:
    """An amount agrees with the number in its `as_written` text, unless marked uncertain."""
    out = []
    for view in ctx.views:
        funds = _written_funds(view)
        if funds is None:
            continue
        for index, amount in enumerate(funds.amounts):
            if amount.as_written is None or amount.uncertain:
                continue
            numbers = [parse_serbian_number(token) for token in _NUMBER.findall(amount.as_written)]
            if amount.amount.amount not in numbers:
                out.append(
                    error_at(
                        view.path,
                        (*view.pointer, "funds", "amounts", index, "amount"),
                        f"amount {amount.amount} does not match the text '{amount.as_written}'",
                        hint="correct the amount, or say why the text is read differently in "
                        "'uncertain'",
                    )
                )
    return out


def validate_deadlines_match_text(ctx: CheckContext) -> list[Diagnostic]:
    """A deadline agrees with the date its `as_written` text states, unless marked uncertain."""
    out = []
    for view in ctx.views:
        due = _written_due(view)
        if due is None or not due.as_written or due.uncertain:
            continue
        readings = [spec.spell() for spec in read_written(due.as_written)]
        if readings and due.when.spell() not in readings:
            out.append(
                error_at(
                    view.path,
                    (*view.pointer, "due", "when"),
                    f"deadline {due.when.spell()} does not match the text '{due.as_written}' "
                    f"(read as {' or '.join(dict.fromkeys(readings))})",
                    hint="correct the deadline, or say why the text is read differently in "
                    "'uncertain'",
                )
            )
    return out


def validate_event_references(ctx: CheckContext) -> list[Diagnostic]:
    """A deadline that depends on an event names an event of events.yaml."""
    events = {e.id for e in ctx.plan.events.model.events} if ctx.plan.events else set()
    broken_events = any(path == "events.yaml" for path in ctx.plan.broken_files)
    out = []
    for view in ctx.views:
        due = _written_due(view)
        if due is None:
            continue
        for event in events_of(due.when):
            if event not in events and not broken_events:
                out.append(
                    error_at(
                        view.path,
                        (*view.pointer, "due", "when"),
                        f"unknown event '{event}' in the deadline",
                        hint=did_you_mean(event, events) or "add it to events.yaml",
                    )
                )
    return out


def validate_deadlines_in_period(ctx: CheckContext) -> list[Diagnostic]:
    """A dated deadline falls inside the plan period (open-ended ones are written as outside it)."""
    if ctx.plan.plan is None:
        return []
    period = ctx.plan.plan.model.period
    out = []
    for view in ctx.views:
        due = _written_due(view)
        if due is None:
            continue
        span = fixed_span(due.when)
        if span and (span[0] < period.start or span[1] > period.end):
            out.append(
                error_at(
                    view.path,
                    (*view.pointer, "due", "when"),
                    f"deadline {due.when.spell()} is outside the plan period "
                    f"{period.start}..{period.end}",
                    hint="check the year; a deadline that runs past the plan is written "
                    "open-ended, "
                    "e.g. 2020..",
                )
            )
    return out


def validate_cells_stated(ctx: CheckContext) -> list[Diagnostic]:
    """Every activity ends up with responsible units and a due date (its own or continued)."""
    out = []
    for view in ctx.views:
        for cell in ("responsible", "due"):
            if getattr(view, cell).value is None:
                out.append(
                    error_at(
                        view.path,
                        (*view.pointer, "id"),
                        f"activity {view.id} has no "
                        + ("responsible unit" if cell == "responsible" else "due date"),
                        hint=f"state '{cell}' on this activity or on a row above it in the measure",
                    )
                )
    return out


def earliest_record(plan: Plan) -> dt.date | None:
    """The first day a progress entry or an amendment decision may be dated: January 1 of the
    year before the plan period starts (a plan is adopted before its period begins)."""
    return dt.date(plan.plan.model.period.start.year - 1, 1, 1) if plan.plan else None


def record_date_problem(
    plan: Plan, day: dt.date, as_of: dt.date, what: str
) -> tuple[str, str] | None:
    """Why a progress entry's or a decision's date cannot be, and the hint: after `as_of`
    (today), or before the plan's time. `what`: 'progress entry dated', say."""
    if day > as_of:
        noun = "progress" if what.startswith("progress") else "a decision"
        return f"{what} {day}, after {as_of}", f"{noun} is recorded once it has happened"
    first = earliest_record(plan)
    if first is not None and day < first:
        return (
            f"{what} {day}, before {first}",
            "dates run from the year before the plan period starts, up to today",
        )
    return None


def validate_record_dates(ctx: CheckContext) -> list[Diagnostic]:
    """Amendment decisions are dated within the plan's time and not in the future (progress
    entries: validate_progress)."""
    if ctx.plan.amendments is None:
        return []
    out = []
    for index, amendment in enumerate(ctx.plan.amendments.model.amendments):
        what = f"amendment {amendment.id} adopted on"
        problem = record_date_problem(ctx.plan, amendment.date, ctx.as_of, what)
        if problem is not None:
            message, hint = problem
            pointer = ("amendments", index, "date")
            out.append(error_at(ctx.plan.amendments.path, pointer, message, hint=hint))
    return out


def validate_progress(ctx: CheckContext) -> list[Diagnostic]:
    """Progress entries: in date order, within the plan's time and not in the future, values
    only for the activity's indicators."""
    out = []
    for view in ctx.views:
        activity: Activity = view.activity
        if not activity.progress:
            continue
        previous = None
        for index, entry in enumerate(activity.progress):
            here = (*view.pointer, "progress", index)
            if previous is not None and entry.date < previous:
                out.append(
                    error_at(
                        view.path,
                        (*here, "date"),
                        f"progress entry of {entry.date} comes after one of {previous}",
                        hint="keep progress entries in date order, oldest first",
                    )
                )
            problem = record_date_problem(ctx.plan, entry.date, ctx.as_of, "progress entry dated")
            if problem is not None:
                message, hint = problem
                out.append(error_at(view.path, (*here, "date"), message, hint=hint))
            if (
                entry.status == "completed"
                and view.due.value
                and isinstance(view.due.value.when, Continuous)
            ):
                out.append(
                    error_at(
                        view.path,
                        (*here, "status"),
                        f"{view.id} is continuous and cannot be completed",
                        hint="report continuous activities per year with in_progress",
                    )
                )
            out += _value_problems(view.path, here, view.id, _indicator_units(view), entry.values)
            previous = entry.date
    return out


def _indicator_units(view: ActivityView) -> dict[str, str | None]:
    """The activity's indicators by text, each with its unit (None: a sentence, no unit)."""
    cell = view.indicators.value
    return {item.text: item.unit for item in cell.items} if cell else {}


def _value_problems(
    path: str,
    here: Pointer,
    owner: str,
    units: Mapping[str, str | None],
    values: Mapping[str, str],
) -> list[Diagnostic]:
    """Values only for the owner's indicators, each one its indicator's unit admits."""
    out = []
    for key, value in values.items():
        if key not in units:
            texts = list(units)
            out.append(
                error_at(
                    path,
                    (*here, "values", key),
                    f"'{key}' is not an indicator of {owner}",
                    hint=did_you_mean(key, texts) or f"indicators: {'; '.join(texts) or 'none'}",
                    at_key=True,
                )
            )
            continue
        unit = units[key]
        problem = value_message(owner, key, unit, value) if unit is not None else None
        if problem is not None:
            out.append(error_at(path, (*here, "values", key), problem))
    return out


def validate_measure_progress(ctx: CheckContext) -> list[Diagnostic]:
    """A measure's entries: in date order, within the plan's time, values only for the
    measure's own indicators and in their units."""
    out = []
    for measure in ctx.plan.measures:
        cell = measure.model.indicators
        units = {item.text: item.unit for item in cell.items} if cell else {}
        previous = None
        for index, entry in enumerate(measure.model.progress):
            here: Pointer = ("progress", index)
            if previous is not None and entry.date < previous:
                out.append(
                    error_at(
                        measure.path,
                        (*here, "date"),
                        f"progress entry of {entry.date} comes after one of {previous}",
                        hint="keep progress entries in date order, oldest first",
                    )
                )
            what = "progress entry dated"
            problem = record_date_problem(ctx.plan, entry.date, ctx.as_of, what)
            if problem is not None:
                out.append(error_at(measure.path, (*here, "date"), problem[0], hint=problem[1]))
            owner = f"measure {measure.model.id}"
            out += _value_problems(measure.path, here, owner, units, entry.values)
            previous = entry.date
    return out


def validate_deadlines_set(ctx: CheckContext) -> list[Diagnostic]:
    """A deadline still to be determined (`tbd`) is a warning until the coordinator sets it."""
    return [
        warning_at(
            view.path,
            (*view.pointer, "due", "when"),
            f"set a deadline for {view.id} (it is tbd)",
            hint=SPELLINGS_HELP,
        )
        for view in ctx.views
        if (due := _written_due(view)) is not None and isinstance(due.when, ToBeDetermined)
    ]


def validate_successor(ctx: CheckContext) -> list[Diagnostic]:
    """successor.yaml names activities of this plan, each carried once."""
    if ctx.plan.successor is None:
        return []
    successor = ctx.plan.successor
    known = ctx.activity_ids
    out = []
    seen: dict[str, str] = {}
    for old, new in successor.model.carried.items():
        if old not in known and not ctx.broken(old):
            out.append(
                error_at(
                    successor.path,
                    ("carried", old),
                    f"activity {old} is not in the plan",
                    hint=did_you_mean(old, known),
                    at_key=True,
                )
            )
        if new in seen:
            out.append(
                error_at(
                    successor.path,
                    ("carried", old),
                    f"{old} and {seen[new]} are both carried to {new}",
                )
            )
        seen.setdefault(new, old)
    return out


def validate_uncertain(ctx: CheckContext) -> list[Diagnostic]:
    """Interpretations marked uncertain are warnings: visible, and failures under --strict."""
    out = []
    for view in ctx.views:
        activity = view.activity
        for cell in ("indicators", "responsible", "funds", "due"):
            value = getattr(activity, cell)
            if value is None:
                continue
            if value.uncertain:
                out.append(
                    warning_at(
                        view.path,
                        (*view.pointer, cell, "uncertain"),
                        f"uncertain {cell} of {view.id}: {value.uncertain}",
                        at_key=True,
                    )
                )
            for index, amount in enumerate(getattr(value, "amounts", [])):
                if amount.uncertain:
                    out.append(
                        warning_at(
                            view.path,
                            (*view.pointer, cell, "amounts", index, "uncertain"),
                            f"uncertain amount of {view.id}: {amount.uncertain}",
                            at_key=True,
                        )
                    )
    return out


def validate_amendments(ctx: CheckContext) -> list[Diagnostic]:
    """Amendments named on activities exist, an activity's changes are in the order they were
    adopted, and an activity added by amendment states every cell itself (no fill-down)."""
    registry = (
        {a.id: a for a in ctx.plan.amendments.model.amendments} if ctx.plan.amendments else {}
    )
    broken = "amendments.yaml" in ctx.plan.broken_files
    out: list[Diagnostic] = []

    def known(amendment: str, pointer: Pointer, view: ActivityView) -> bool:
        if amendment in registry or broken:
            return amendment in registry
        out.append(
            error_at(
                view.path,
                pointer,
                f"unknown amendment '{amendment}'",
                hint=did_you_mean(amendment, registry) or "add it to amendments.yaml",
            )
        )
        return False

    for view in ctx.views:
        activity = view.activity
        for key in ("added_by", "cancelled_by"):
            amendment = getattr(activity, key)
            if amendment is not None:
                known(amendment, (*view.pointer, key), view)
        previous: dt.date | None = None
        for index, change in enumerate(activity.history):
            pointer = (*view.pointer, "history", index, "amendment")
            if not known(change.amendment, pointer, view):
                continue
            adopted = registry[change.amendment].date
            if previous is not None and adopted < previous:
                out.append(
                    error_at(
                        view.path,
                        pointer,
                        f"amendment {change.amendment} of {adopted} comes after one of {previous}",
                        hint="keep an activity's history in the order the amendments were adopted",
                    )
                )
            previous = adopted
        if activity.added_by is not None:
            missing = [cell for cell in CELLS if cell not in activity.model_fields_set]
            if missing:
                out.append(
                    error_at(
                        view.path,
                        (*view.pointer, "added_by"),
                        f"activity {view.id} was added by amendment and must state every cell "
                        f"itself; it leaves out {', '.join(missing)}",
                        hint="an added row continues no merged cell of the row above",
                        at_key=True,
                    )
                )
    return out


def validate_corrections(ctx: CheckContext) -> list[Diagnostic]:
    """A correction names an earlier entry of the activity that exists."""
    out = []
    for view in ctx.views:
        entries = view.activity.progress
        for index, entry in enumerate(entries):
            if entry.corrects is None:
                continue
            if correction_target_index(entries, index) is None:
                out.append(
                    error_at(
                        view.path,
                        (*view.pointer, "progress", index, "corrects"),
                        f"{view.id} has no earlier entry {entry.corrects} to correct",
                        hint="name the date of an earlier entry (DATE#N for the N-th of that day)",
                    )
                )
    return out


def validate_reporters(ctx: CheckContext) -> list[Diagnostic]:
    """`reported_by` names a unit of the registry; a unit not responsible for the activity is
    a warning (someone may report for another unit, but it is worth a look)."""
    if ctx.plan.organization is None:
        return []
    units = ctx.plan.units
    organization = Organization.of(units.values())
    scopes: dict[str, set[str]] = {}  # a unit's scope, worked out once per unit
    out = []
    for view in ctx.views:
        responsible: dict[str, bool] = {}  # unit -> leads the activity (asked once per view)
        for index, entry in enumerate(view.activity.progress):
            if entry.reported_by is None:
                continue
            unit = reporter_unit(entry.reported_by)
            pointer = (*view.pointer, "progress", index, "reported_by")
            if unit not in units:
                out.append(
                    error_at(
                        view.path,
                        pointer,
                        f"unknown unit '{unit}' in reported_by",
                        hint=did_you_mean(unit, units) or "write a unit id of organization.yaml",
                    )
                )
                continue
            if unit not in scopes:
                scopes[unit] = organization.scope(unit)
            if unit not in responsible:
                responsible[unit] = leads(view, scopes[unit]) or _listed_under(view, ctx)
            if not responsible[unit]:
                out.append(
                    warning_at(
                        view.path,
                        pointer,
                        f"{unit} reports on {view.id}, which it is not responsible for",
                    )
                )
    return out


def validate_report_narratives(ctx: CheckContext) -> list[Diagnostic]:
    """reports/PERIOD.yaml: its period is its name and lies in the plan period, it speaks of
    goals and measures that exist, and only the final report (the whole plan period) has
    evaluation texts."""
    out = []
    for report in ctx.plan.reports:
        narrative = report.model
        named = PurePosixPath(report.path).name.removesuffix(".yaml")
        if named != narrative.period:
            out.append(
                error_at(
                    report.path,
                    ("period",),
                    f"the narrative of {narrative.period} is in a file named '{named}.yaml'",
                    hint=f"rename the file to {layout.report_file(narrative.period)}",
                )
            )
        out += _narrative_period(ctx, report.path, narrative.period)
        for lang in NARRATIVE_LANGUAGES:
            texts = narrative.texts(lang)
            if texts is not None:
                out += _narrative_ids(ctx, report.path, lang, texts)
                if texts.evaluation and not _final(ctx, narrative.period):
                    out.append(
                        error_at(
                            report.path,
                            (lang, "evaluation"),
                            "evaluation texts belong to the final report (the whole plan period)",
                            hint=_final_hint(ctx),
                            at_key=True,
                        )
                    )
    return out


def _final(ctx: CheckContext, period: str) -> bool:
    """True when the period is the whole plan period (the final report's)."""
    plan = ctx.plan.plan
    if plan is None:
        return True  # plan.yaml did not load: nothing to say against it
    whole = plan.model.period
    return period == f"{whole.start.year}..{whole.end.year}"


def _final_hint(ctx: CheckContext) -> str | None:
    plan = ctx.plan.plan
    if plan is None:
        return None
    whole = plan.model.period
    return f"write them in {layout.report_file(f'{whole.start.year}..{whole.end.year}')}"


def _narrative_period(ctx: CheckContext, path: str, text: str) -> list[Diagnostic]:
    """The period is one a report can cover (a range of at least two years), within the plan
    period."""
    try:
        period = parse_report_period(text)
    except UsageError as exc:
        return [error_at(path, ("period",), exc.message.removeprefix("--period: "))]
    if period.text != text:
        return [error_at(path, ("period",), f"'{text}' is one year: write {period.text}")]
    plan = ctx.plan.plan
    if plan is None:
        return []
    whole = plan.model.period
    if period.end < whole.start or period.start > whole.end:
        return [
            error_at(
                path,
                ("period",),
                f"{text} is outside the plan period {whole.start}..{whole.end}",
            )
        ]
    return []


def _narrative_ids(
    ctx: CheckContext, path: str, lang: str, texts: NarrativeText
) -> list[Diagnostic]:
    """The goals and measures a narrative speaks of exist in the plan."""
    out = []
    goals = {goal.model.id for goal in ctx.plan.goals}
    for cell, known, ids in (
        ("goals", goals, texts.goals),
        ("measures", ctx.measure_ids, texts.measures),
    ):
        for identifier in ids:
            if identifier not in known and not ctx.broken(identifier):
                out.append(
                    error_at(
                        path,
                        (lang, cell, identifier),
                        f"{cell[:-1]} {identifier} is not in the plan",
                        hint=did_you_mean(identifier, sorted(known)),
                        at_key=True,
                    )
                )
    return out


def validate_spending_currency(ctx: CheckContext) -> list[Diagnostic]:
    """Money spent in a currency the activity has no indicative amount in is allowed (a donor
    may pay in euros for a dinar line) but worth a look: a warning."""
    out = []
    for view in ctx.views:
        if not any(entry.spent for entry in view.activity.progress):
            continue
        funding = view.funds.value
        currencies = {a.amount.currency for a in funding.amounts} if funding else set()
        for index, entry in enumerate(view.activity.progress):
            for number, spending in enumerate(entry.spent):
                currency = spending.amount.currency
                if currency in currencies:
                    continue
                stated = ", ".join(sorted(currencies)) or "none"
                out.append(
                    warning_at(
                        view.path,
                        (*view.pointer, "progress", index, "spent", number, "amount"),
                        f"{view.id} spent {currency}, a currency its indicative funds are not "
                        f"stated in (stated: {stated})",
                        hint="check the currency; amounts in different currencies are never added",
                    )
                )
    return out


_CYRILLIC = re.compile("[\u0400-\u04ff]")


def validate_translations(ctx: CheckContext) -> list[Diagnostic]:
    """translations/LANG.yaml: each translation names a text of the plan (an unknown id or
    field is an error), is written in Latin script, and translates the English as it is now:
    one whose English changed since (its digest differs) is stale, a warning."""
    if not ctx.plan.translations:
        return []
    texts = {text.key: text.english for text in plan_texts(ctx.plan)}
    owners = {(key.kind, key.id) for key in texts}
    out = []
    for loaded in ctx.plan.translations:
        for key, translation in file_translations(loaded.model):
            english = texts.get(key)
            if english is None:
                out += _unknown_text(loaded.path, key, owners, ctx)
                continue
            if _CYRILLIC.search(translation.text):
                out.append(
                    error_at(
                        loaded.path,
                        (*key.pointer(), "text"),
                        f"the translation of {key} is in Cyrillic",
                        hint="write Serbian in Latin script: Cyrillic is made from it",
                    )
                )
            if translation.digest != text_digest(english):
                out.append(
                    warning_at(
                        loaded.path,
                        (*key.pointer(), "digest"),
                        f"stale translation of {key}: the English changed since it was translated",
                        hint=f"translate the English again and set digest: {text_digest(english)} "
                        "(casplan translations lists what to translate)",
                    )
                )
    return out


def _unknown_text(
    path: str, key: TextKey, owners: set[tuple[str, str]], ctx: CheckContext
) -> list[Diagnostic]:
    """A translation of a text the plan does not have: its id is not in the plan (at the id),
    or its thing has no such field (at the field); nothing when the id may be in a file that
    did not load."""
    if (key.kind, key.id) in owners:
        if key.indicator is None:
            message, hint = f"the plan has no {key.field} to translate", None
        else:
            message = f"{key.kind} {key.id} states no indicator {key.indicator}"
            hint = "an indicator is translated on the row that states it, by its number"
        return [error_at(path, key.pointer(), message, hint=hint, at_key=True)]
    if key.kind in ("goal", "measure", "activity") and ctx.broken(key.id):
        return []
    same_kind = sorted({identifier for kind, identifier in owners if kind == key.kind})
    return [
        error_at(
            path,
            key.pointer()[:2],
            f"{key.kind} {key.id} is not in the plan",
            hint=did_you_mean(key.id, same_kind),
            at_key=True,
        )
    ]


def _listed_under(view: ActivityView, ctx: CheckContext) -> bool:
    responsibility = view.responsible.value
    return bool(responsibility and responsibility.listed_under_sub_activities)


CHECKS: list[Callable[[CheckContext], list[Diagnostic]]] = [
    validate_file_layout,
    validate_unique_ids,
    validate_activity_ids,
    validate_unit_registry,
    validate_unit_references,
    validate_funds_references,
    validate_amounts_match_text,
    validate_deadlines_match_text,
    validate_event_references,
    validate_deadlines_in_period,
    validate_cells_stated,
    validate_progress,
    validate_measure_progress,
    validate_amendments,
    validate_record_dates,
    validate_corrections,
    validate_reporters,
    validate_spending_currency,
    validate_report_narratives,
    validate_successor,
    validate_deadlines_set,
    validate_translations,
    validate_uncertain,
]


def run_checks(plan: Plan, as_of: dt.date, profile: str | None = None) -> list[Diagnostic]:
    """Every check; with a profile (given, or the plan's own in plan.yaml), its checks too."""
    from cas_plan.core.law import PROFILE_CHECKS

    ctx = CheckContext(plan, plan.views, as_of)
    profile = profile or (plan.plan.model.profile if plan.plan else None)
    extra = PROFILE_CHECKS[profile] if profile else ()
    return [d for check in (*CHECKS, *extra) for d in check(ctx)]
