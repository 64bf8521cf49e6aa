"""`casplan successor`: the next plan, made from what this one did not finish.

Every activity not completed or cancelled on `as_of` is carried into a new plan directory,
renumbered into the new plan's goals and measures by a mapping (by default the same numbers),
with `carried_from: OLD-PLAN/ID`, its verbatim text, its responsible units, its indicators (each
baseline moved to the latest value reported, the old targets left for the coordinator to set
anew), its remaining funds and a deadline to set. The rules, each once:

- Remaining funds: per funds cell (a merged cell counts once) and per currency, the indicative
  amounts summed (as `budget` sums them, annual amounts apart) minus what every activity of the
  cell spent, never below zero (an amount's source kept when the currency's amounts share one);
  annual amounts go on as they are; a cell nothing was spent from is carried as it is written.
  The first carried activity of a cell holds the funds; the others refer to it (`see`).
- Deadlines: continuous and yearly ones are kept, and so is one that depends on an event whose
  date is not known yet, or falls after `as_of` (the event is carried with it); every other
  deadline becomes `tbd`, which `validate` reports until the coordinator sets it.
- The new plan says `profile: law-2018` (it is adopted under the Law on the Planning System), so
  its validation lists what the Law still asks for (measure types, measure indicators with
  baselines and targets, funding sources, budget codes) beside the deadlines to set.

The old plan learns where each activity went from `successor.yaml`, written into it through the
plan's write transaction (`write_successor`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from cas_plan.answers.budget import summed
from cas_plan.answers.queries import event_dates, status_record
from cas_plan.core import layout
from cas_plan.core.deadlines import Continuous, Yearly, events_of, span
from cas_plan.core.errors import UsageError
from cas_plan.core.indicators import IndicatorValueError, read_value
from cas_plan.core.lineage import plan_name
from cas_plan.core.loader import Plan
from cas_plan.core.model import (
    Deadline,
    Funding,
    Indicator,
    Indicators,
    MeasureFile,
    ProgressEntry,
)
from cas_plan.core.views import ActivityView, id_sort_key

CLOSED = ("completed", "cancelled")


@dataclass(frozen=True)
class SuccessorRequest:
    """What the next plan is: its period's years, the day the old plan is taken as of, and
    the numbers old goals' measures and activities get in it (old id -> new id)."""

    start_year: int
    end_year: int
    as_of: dt.date
    mapping: Mapping[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.start_year}-{self.end_year}"


@dataclass
class Carried:
    """An activity carried over: the old view, its new id and where it nests."""

    view: ActivityView
    new_id: str
    parent: str | None  # the new id of its carried parent
    data: dict[str, Any] = field(default_factory=dict)


def open_views(plan: Plan, as_of: dt.date) -> list[ActivityView]:
    """The activities neither completed nor cancelled on `as_of`, in plan order."""
    return [view for view in plan.views if status_record(view, as_of)[0] not in CLOSED]


def check_mapping(plan: Plan, mapping: Mapping[str, str]) -> None:
    """Each mapped id is a measure or activity of the old plan, mapped to an id of its kind."""
    measures = {m.model.id for m in plan.measures}
    activities = {v.id for v in plan.views}
    for old, new in mapping.items():
        kind = "measure" if old in measures else "activity" if old in activities else None
        if kind is None:
            raise UsageError(f"--map: '{old}' is neither a measure nor an activity of the plan")
        parts = new.split(".")
        shaped = all(p.isdigit() and not p.startswith("0") for p in parts)
        if not shaped or (len(parts) == 2) != (kind == "measure") or len(parts) < 2:
            raise UsageError(f"--map: {old}={new}: '{new}' is not the id of a new {kind}")


def number_carried(plan: Plan, request: SuccessorRequest) -> list[Carried]:
    """The open activities with their new ids: an activity's own mapping, else its parent's new
    id or its measure's (mapped, or the same) with its own last number, the next free number
    when that is taken."""
    check_mapping(plan, request.mapping)
    views = open_views(plan, request.as_of)
    new_of: dict[str, str] = {}
    used: set[str] = set(request.mapping.values())
    carried = []
    for view in views:
        parent = new_of.get(view.parent_id) if view.parent_id else None
        if view.id in request.mapping:
            new_id = request.mapping[view.id]
        else:
            base = parent or request.mapping.get(view.measure_id, view.measure_id)
            number = int(view.id.rsplit(".", 1)[1]) if parent or not view.parent_id else 1
            while f"{base}.{number}" in used:
                number += 1
            new_id = f"{base}.{number}"
        if new_id in new_of.values():
            raise UsageError(f"--map: two activities would be {new_id}")
        if (
            view.id in request.mapping
            and new_id.count(".") > 2
            and parent != new_id.rsplit(".", 1)[0]
        ):
            raise UsageError(
                f"--map: {view.id}={new_id}: a sub-activity's new id extends its parent's "
                f"new id, and {view.parent_id or view.id} is not carried to "
                f"{new_id.rsplit('.', 1)[0]}"
            )
        used.add(new_id)
        new_of[view.id] = new_id
        expected_parent = new_id.rsplit(".", 1)[0]
        carried.append(Carried(view, new_id, parent if parent == expected_parent else None))
    return carried


# --- the cells carried ----------------------------------------------------------------------


def latest_values(
    entries: Sequence[tuple[dt.date, Mapping[str, str]]], as_of: dt.date
) -> dict[str, tuple[int, str]]:
    """Each indicator's latest value reported up to `as_of`: (year, value)."""
    latest: dict[str, tuple[int, str]] = {}
    for day, values in sorted(entries, key=lambda pair: pair[0]):
        if day <= as_of:
            latest.update((text, (day.year, value)) for text, value in values.items())
    return latest


def indicators_data(cell: Indicators | None, latest: Mapping[str, tuple[int, str]]) -> Any:
    """The indicators as the new plan states them: each one's text, unit, source and direction;
    its baseline the latest value reported (else the old baseline); no targets."""
    if cell is None:
        return None
    items = [_indicator_data(item, latest.get(item.text)) for item in cell.items]
    return {"as_written": cell.as_written, "items": items} if cell.as_written else items


def _indicator_data(item: Indicator, latest: tuple[int, str] | None) -> Any:
    if not item.measured:
        return item.text if item.unit is None else {"text": item.text, "unit": item.unit}
    data: dict[str, Any] = {"text": item.text, "unit": item.unit}
    if latest is not None and _readable(item, latest[1]):
        data["baseline"] = {"value": latest[1], "year": latest[0]}
    elif item.baseline is not None:
        data["baseline"] = item.baseline.model_dump(mode="json")
    if item.source:
        data["source"] = item.source
    if item.direction:
        data["direction"] = item.direction
    return data


def _readable(item: Indicator, value: str) -> bool:
    try:
        read_value(item.unit or "text", value)
    except IndicatorValueError:
        return False
    return True


def due_data(due: Deadline | None, events: Mapping[str, dt.date], as_of: dt.date) -> Any:
    """The deadline kept (continuous, yearly, an event's still ahead) or `tbd`."""
    if due is not None:
        spec = due.when
        kept = isinstance(spec, Continuous | Yearly)
        if not kept and events_of(spec):
            last = span(spec, dict(events))[1]
            kept = last is None or last > as_of
        if kept:
            data = due.model_dump(mode="json", exclude_defaults=True)
            return data["when"] if list(data) == ["when"] else data
    return "tbd"


def spent_by_currency(views: Sequence[ActivityView], as_of: dt.date) -> dict[str, Decimal]:
    spent: dict[str, Decimal] = {}
    for view in views:
        entries: list[ProgressEntry] = [e for e in view.entries if e.date <= as_of]
        for entry in entries:
            for spending in entry.spent:
                money = spending.amount
                spent[money.currency] = spent.get(money.currency, Decimal(0)) + money.amount
    return spent


def remaining_funds(
    funding: Funding, spent: Mapping[str, Decimal], new_of: Mapping[str, str]
) -> dict[str, Any]:
    """The funds cell as the new plan states it: as written when nothing was spent (references
    to activities not carried left out), else per currency the indicative minus the spent."""
    if not spent:
        return _as_written(funding, new_of)
    indicative: dict[str, Decimal] = {}
    sources: dict[str, set[str | None]] = {}
    annual = []  # an annual amount goes on each year: carried as it is
    for amount in funding.amounts:
        if amount.annual:
            annual.append(amount.model_dump(mode="json", exclude_defaults=True))
        elif summed(amount):
            money = amount.amount
            indicative[money.currency] = indicative.get(money.currency, Decimal(0)) + money.amount
            sources.setdefault(money.currency, set()).add(amount.source)
    amounts: list[dict[str, Any]] = []
    for currency, total in sorted(indicative.items()):
        left = max(Decimal(0), total - spent.get(currency, Decimal(0)))
        if left:
            source = sources[currency].pop() if len(sources[currency]) == 1 else None
            amounts.append(
                {"amount": f"{left} {currency}"} | ({"source": source} if source else {})
            )
    data: dict[str, Any] = {"amounts": amounts + annual} if amounts or annual else {}
    if funding.sources:
        data["sources"] = list(funding.sources)
    return data or {"undetermined": True}


def _as_written(funding: Funding, new_of: Mapping[str, str]) -> dict[str, Any]:
    """A funds cell nothing was spent from, as written, its references mapped to the new ids
    (those to activities not carried left out)."""
    data = funding.model_dump(mode="json", exclude_defaults=True)
    data["see"] = [new_of[ref] for ref in funding.see if ref in new_of]
    for amount in data.get("amounts", []):
        if amount.get("counted_under") is not None:
            target = new_of.get(amount.pop("counted_under"))
            if target is not None:
                amount["counted_under"] = target
    if not data["see"]:
        del data["see"]
    return data if _states_something(data) else {"undetermined": True}


def _states_something(data: Mapping[str, Any]) -> bool:
    keys = ("no_extra_cost", "amounts", "see", "sources", "external", "undetermined")
    return any(data.get(key) for key in keys)


def fill_cells(plan: Plan, carried: list[Carried], request: SuccessorRequest) -> set[str]:
    """Each carried activity's cells as the new plan states them; the events its kept
    deadline depends on are returned."""
    events = event_dates(plan)
    old_name = plan_name(plan)
    new_of = {item.view.id: item.new_id for item in carried}
    cells: dict[tuple[str, str | None], list[ActivityView]] = {}
    for view in plan.views:
        cells.setdefault((view.measure_id, view.funds.written_on), []).append(view)
    holder: dict[tuple[str, str | None], str] = {}
    needed: set[str] = set()
    for item in carried:
        view = item.view
        data: dict[str, Any] = {"id": item.new_id, "title": view.title}
        if view.activity.title_as_written:
            data["title_as_written"] = view.activity.title_as_written
        data["carried_from"] = f"{old_name}/{view.id}"
        latest = latest_values([(e.date, e.values) for e in view.entries], request.as_of)
        indicators = indicators_data(view.indicators.value, latest)
        if indicators is not None:
            data["indicators"] = indicators
        if view.responsible.value is not None:
            data["responsible"] = view.responsible.value.model_dump(
                mode="json", exclude_defaults=True
            )
        key = (view.measure_id, view.funds.written_on)
        if view.funds.value is not None:
            if key in holder:
                data["funds"] = {"see": [holder[key]]}
            else:
                holder[key] = item.new_id
                spent = spent_by_currency(cells[key], request.as_of)
                data["funds"] = remaining_funds(view.funds.value, spent, new_of)
        data["due"] = due_data(view.due.value, events, request.as_of)
        if data["due"] != "tbd":
            needed.update(events_of(view.due.value.when) if view.due.value else [])
        item.data = data
    return needed


# --- the new plan's files -------------------------------------------------------------------


def yaml_dump(data: Any) -> str:
    """Plain block YAML, keys in their order; a text that casplan's reader would take for
    something else (0608, a number; 2021-01-01, a date; yes) is quoted."""
    import yaml

    from cas_plan.core.yaml_reader import plain_scalar

    class Dumper(yaml.SafeDumper):
        def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
            super().increase_indent(flow, False)  # lists indented under their key, as written

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        quoted = plain_scalar(value) != value or value != value.strip()
        return dumper.represent_scalar(
            "tag:yaml.org,2002:str", value, style='"' if quoted else None
        )

    Dumper.add_representer(str, text)
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=1_000_000)


def measure_files(plan: Plan, carried: list[Carried], request: SuccessorRequest) -> dict[str, Any]:
    """goal-N/measure-N.M.yaml's data per new measure: the title of the first old measure
    carried into it (with its Law fields and own indicators when the new measure is the one the
    old measure maps to), and its activities nested as they were."""
    old_measures = {m.model.id: m.model for m in plan.measures}
    files: dict[str, dict[str, Any]] = {}
    nodes: dict[str, dict[str, Any]] = {}
    for item in sorted(carried, key=lambda c: id_sort_key(c.new_id)):
        measure_id = ".".join(item.new_id.split(".")[:2])
        if measure_id not in files:
            old = old_measures[item.view.measure_id]
            own = request.mapping.get(old.id, old.id) == measure_id
            files[measure_id] = _measure_head(measure_id, old, request, own=own)
        nodes[item.new_id] = item.data
        if item.parent is not None and item.parent in nodes:
            nodes[item.parent].setdefault("sub_activities", []).append(item.data)
        else:
            files[measure_id]["activities"].append(item.data)
    return {layout.measure_file(m): data for m, data in files.items()}


def _measure_head(
    new_id: str, old: MeasureFile, request: SuccessorRequest, *, own: bool
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": new_id, "title": old.title}
    if not own:  # its activities came by their own mapping: the fields stay with the measure
        data["activities"] = []
        return data
    if old.type:
        data["type"] = old.type
    if old.regulations:
        data["regulations"] = list(old.regulations)
    if old.funding_source:
        data["funding_source"] = old.funding_source
    latest = latest_values([(e.date, e.values) for e in old.progress], request.as_of)
    indicators = indicators_data(old.indicators, latest)
    if indicators:
        data["indicators"] = indicators
    data["activities"] = []
    return data


def goal_titles(plan: Plan, carried: list[Carried]) -> dict[str, str]:
    """Each new goal's title: that of the old goal of the first activity carried into it."""
    old = {g.model.id: g.model.title for g in plan.goals}
    titles: dict[str, str] = {}
    for item in sorted(carried, key=lambda c: id_sort_key(c.new_id)):
        goal = item.new_id.split(".")[0]
        titles.setdefault(goal, old.get(item.view.goal_id, f"Goal {goal}"))
    return titles


def successor_files(
    plan: Plan, request: SuccessorRequest, sources: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The new plan's files (relative path -> text, schemas included) and the carried ids (old
    -> new). `sources` holds the old plan's organization.yaml and abbreviations.yaml as text."""
    from cas_plan.core.schema import schema_line, schema_texts

    carried = number_carried(plan, request)
    if not carried:
        raise UsageError(
            f"nothing to carry over: every activity is completed or cancelled on {request.as_of}"
        )
    needed = fill_cells(plan, carried, request)
    data: dict[str, Any] = {"plan.yaml": _plan_data(plan, request)}
    data["events.yaml"] = {"events": _events(plan, needed)}
    for goal, title in goal_titles(plan, carried).items():
        data[layout.goal_file(goal)] = {"id": goal, "title": title}
    data |= measure_files(plan, carried, request)
    files = {path: schema_line(path) + "\n" + yaml_dump(value) for path, value in data.items()}
    for name, text in sources.items():
        files[name] = text
    units = [unit for unit in plan.units]
    files |= {f"{layout.SCHEMA_DIR}/{n}": t for n, t in schema_texts(units).items()}
    return files, {item.view.id: item.new_id for item in carried}


def _plan_data(plan: Plan, request: SuccessorRequest) -> dict[str, Any]:
    old = plan.plan.model if plan.plan else None
    data: dict[str, Any] = {
        "title": f"Action plan {request.name} (to be named: carried over from "
        f"{old.title if old else 'the previous plan'})",
    }
    if old and old.institution:
        data["institution"] = old.institution
    data["period"] = {
        "start": dt.date(request.start_year, 1, 1),
        "end": dt.date(request.end_year, 12, 31),
    }
    data["source"] = (
        f"Activities of the {plan_name(plan)} plan not completed or cancelled on "
        f"{request.as_of}, carried over by casplan successor"
    )
    if old and old.review:
        data["review"] = old.review
    data["profile"] = "law-2018"
    return data


def _events(plan: Plan, needed: set[str]) -> list[dict[str, Any]]:
    if plan.events is None:
        return []
    return [
        event.model_dump(mode="json", exclude_defaults=True)
        for event in plan.events.model.events
        if event.id in needed
    ]


def successor_record(request: SuccessorRequest, carried: Mapping[str, str], title: str) -> str:
    """successor.yaml of the old plan: the new plan's name and each carried activity's new id."""
    from cas_plan.core.schema import schema_line

    data = {
        "plan": request.name,
        "title": title,
        "as_of": request.as_of,
        "carried": dict(sorted(carried.items(), key=lambda pair: id_sort_key(pair[0]))),
    }
    comment = "# Written by casplan successor: where this plan's unfinished activities went.\n"
    return schema_line("successor.yaml") + "\n" + comment + yaml_dump(data)


# --- writing it -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SuccessorWritten:
    """What `successor` wrote: the new plan's files, the carried ids, the new plan checked."""

    files: list[str]
    carried: dict[str, str]
    result: Any  # the new plan's LoadResult (its warnings: what to fill in)


def write_successor(
    root: Path, shown_root: str, out: Path, request: SuccessorRequest, today: dt.date
) -> SuccessorWritten:
    """The new plan in `out` and successor.yaml in the old plan, both or neither, also when the
    process is killed: the new plan is made and validated in memory, then written with
    successor.yaml as one write of the old plan (its transaction and journal, core/journal.py):
    staged whole beside `out`, renamed into place after successor.yaml. A run killed at any
    step is completed or undone by the next command that opens the old plan. `out` must be
    below the folder that holds the old plan (where that journal may name a directory)."""
    from cas_plan.core.loader import check_plan, memory_listing
    from cas_plan.edit.init import check_empty
    from cas_plan.edit.transaction import PlanEdit

    with PlanEdit.begin(root, shown_root, today, "successor") as edit:
        if edit.exists("successor.yaml"):
            raise UsageError(
                f"the plan in '{shown_root}' already has a successor (successor.yaml); "
                "remove it first to make another"
            )
        check_empty(out)
        sources = {
            name: (root / name).read_text(encoding="utf-8-sig")
            for name in ("organization.yaml", "abbreviations.yaml")
            if edit.exists(name)
        }
        files, carried = successor_files(edit.plan, request, sources)
        plan_files = {k: v.encode() for k, v in files.items() if layout.kind_of(k) is not None}
        listing = memory_listing(plan_files, [])
        result = check_plan(listing, str(out), today, use_cache=False)
        if result.errors:  # the files are made to be valid: a problem here is a bug
            raise AssertionError([d.headline() for d in result.errors])
        title = yaml_safe_title(files["plan.yaml"])
        edit.change("successor.yaml", successor_record(request, carried, title))
        edit.make_directory(out, {path: text.encode("utf-8") for path, text in files.items()})
        edit.finish(refused="the successor")
    return SuccessorWritten([str(out / path) for path in files], carried, result)


def yaml_safe_title(plan_text: str) -> str:
    """The title plan.yaml was given (read back, so it is exactly what the file holds)."""
    from cas_plan.core.yaml_reader import read_yaml_text

    return str(read_yaml_text(plan_text, "plan.yaml").data["title"])
