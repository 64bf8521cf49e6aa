"""The public site's pages as plain data, one function per kind of page (home, the activity
list, a goal, a measure, an activity, a unit, the units, the amendments); `publish.site` renders
them with the templates in templates/site/ and writes the site.

Plan text is only ever data here: the templates autoescape it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import quote

from cas_plan.answers.cells import CellWords, cell_content, cell_text
from cas_plan.answers.figures import share_of
from cas_plan.answers.indicators import activity_indicators
from cas_plan.answers.queries import (
    DueQuery,
    DueRow,
    WhoRow,
    due_rows,
    status_record,
    unit_tree,
)
from cas_plan.answers.records import evidence_record
from cas_plan.answers.statuses import days_late, last_day, standing
from cas_plan.core.deadlines import Day, Range, span
from cas_plan.core.history import amendments_by_id, touched_by
from cas_plan.core.loader import Plan
from cas_plan.core.model import (
    Activity,
    Amendment,
    Deadline,
    Funding,
    ProgressEntry,
    reporter_unit,
)
from cas_plan.core.organization import Organization, responsible_unit_ids
from cas_plan.core.views import ActivityView, by_goal, by_measure, id_sort_key, superseded
from cas_plan.l10n.deadlines import DeadlineWords
from cas_plan.l10n.formats import (
    DateStyle,
    format_date,
    format_int,
    format_money,
    plural,
    sentence,
    status_label,
    unit_kind_label,
)
from cas_plan.publish.charts import status_bars
from cas_plan.publish.indicators import indicator_words

STATUS_ORDER = ("completed", "in_progress", "delayed", "not_started", "not_reported", "cancelled")
UPCOMING_DAYS = 90
LATEST_ENTRIES = 10
# (path, template, heading, context); a context may be made when the page renders (an
# activity's: 23,800 of them at 100x are not held at once)
Page = tuple[str, str, str, dict[str, Any] | Callable[[], dict[str, Any]]]
"""A page to render: its path in the site, its template, its heading and its data."""


def page_of(kind: str, identifier: str) -> str:
    """The site path of a page: 'activities/1.1.1.html'."""
    return f"{kind}/{quote(identifier, safe='')}.html"


def calendar_of(unit_id: str) -> str:
    """The site path of a unit's calendar feed: 'units/audit-department.ics'."""
    return f"units/{quote(unit_id, safe='')}.ics"


# --- the data of the pages ------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """What every page builder needs: the plan on the date and how to say things (`w`, the
    site's words; `deadlines`, a deadline in words)."""

    plan: Plan
    as_of: dt.date
    lang: str
    names: Mapping[str, str]
    events: Mapping[str, dt.date]
    w: Mapping[str, str]
    deadlines: DeadlineWords
    dates: dict[tuple[dt.date, str], str] = field(default_factory=dict)  # Babel is slow to format

    @cached_property
    def of_measure(self) -> Mapping[str, list[ActivityView]]:
        """Each measure's activities, found once for every page."""
        return by_measure(self.plan.views)

    @cached_property
    def views(self) -> Mapping[str, ActivityView]:
        """The activities by id."""
        return {view.id: view for view in self.plan.views}

    @cached_property
    def amendments(self) -> Mapping[str, Amendment]:
        """The plan's amendments by id, found once for every page."""
        return amendments_by_id(self.plan)

    def status(self, view: ActivityView) -> dict[str, Any]:
        """The activity's status on the date, since when, how late it was completed (a
        deadline of one day) and whether it comes from the sub-activities."""
        found = standing(view.activity, self.as_of)
        key = "cancelled" if found.status == "cancelled" else found.status
        late = days_late(found, last_day(view, self.events))
        return {
            "key": key,
            "label": status_label(key, self.lang),
            "since": self.date(found.since) if found.since and key != "cancelled" else None,
            "late": plural(late, "days_late", self.lang) if late else None,
            "rolled_up": self.w["rolled_up"] if found.rolled_up else None,
        }

    def date(self, day: dt.date) -> str:
        return self._format(day, "long")

    def short(self, day: dt.date) -> str:
        return self._format(day, "short")

    def _format(self, day: dt.date, style: DateStyle) -> str:
        key = (day, style)
        if key not in self.dates:
            self.dates[key] = format_date(day, self.lang, style)
        return self.dates[key]

    def unit(self, unit_id: str) -> dict[str, Any]:
        known = unit_id in self.names
        return {
            "id": unit_id,
            "name": self.names.get(unit_id, unit_id),
            "page": page_of("units", unit_id) if known else None,
        }

    def deadline(self, deadline: Deadline | None) -> dict[str, Any] | None:
        """A deadline in words, with its days where the words do not name them (a quarter's
        first and last, an event's date)."""
        if deadline is None:
            return None
        return {
            "words": self.deadlines(deadline.when),
            "days": self._days(deadline),
            "as_written": deadline.as_written,
            "uncertain": deadline.uncertain,
        }

    def _days(self, deadline: Deadline) -> str | None:
        if isinstance(deadline.when, Day | Range):
            return None
        first, last = span(deadline.when, dict(self.events))
        if first and last and first != last:
            return f"{self.short(first)} \N{EN DASH} {self.short(last)}"
        return self.short(last) if last else None

    def row(self, view: ActivityView) -> dict[str, Any]:
        """An activity in a list: id, title, responsible units, deadline, status."""
        deadline = view.due.value
        return {
            "id": view.id,
            "title": view.title,
            "page": page_of("activities", view.id),
            "goal": view.goal_id,
            "goal_page": page_of("goals", view.goal_id),
            "measure": view.measure_id,
            "measure_page": page_of("measures", view.measure_id),
            "parent": view.parent_id,
            "responsible": [self.unit(u) for u in responsible_unit_ids(view)],
            "due": self.deadlines(deadline.when) if deadline else None,
            "status": self.status(view),
        }

    def due_row(self, row: DueRow) -> dict[str, Any]:
        return {
            **self.row(row.view),
            "deadline": self.short(row.deadline) if row.deadline else None,
            "status": {
                "key": row.status,
                "label": status_label(row.status, self.lang),
                "since": None,
                "late": None,
                "rolled_up": None,
            },
        }

    def money(self, amount: Any) -> str:
        return format_money(amount.amount, amount.currency, self.lang)


def _counts(site: Site, views: Iterable[ActivityView]) -> dict[str, Any]:
    """The activities by status, and the completed share (`answers.figures`: cancelled ones
    left out)."""
    statuses = [status_record(view, site.as_of)[0] for view in views]
    counts = {key: statuses.count(key) for key in STATUS_ORDER}
    active = len(statuses) - counts["cancelled"]
    done = counts["completed"]
    percent = share_of(done, active) or 0
    return {
        "total": len(statuses),
        "counts": counts,
        "percent": percent,
        "label": site.w["completed_of"].format(
            done=format_int(done, site.lang),
            total=format_int(active, site.lang),
            percent=format_int(percent, site.lang),
        ),
    }


def goal_rows(site: Site) -> list[dict[str, Any]]:
    """Each goal with its completion: the home page's table and chart, the goal pages."""
    views = site.plan.views
    return [
        {
            "id": g.model.id,
            "title": g.model.title,
            "page": page_of("goals", g.model.id),
            "completion": _counts(site, (v for v in views if v.goal_id == g.model.id)),
        }
        for g in sorted(site.plan.goals, key=lambda g: id_sort_key(g.model.id))
    ]


def home_page(site: Site, goals: list[dict[str, Any]]) -> Page:
    """The state on the date: completion per goal, what is overdue, what falls due soon, the
    latest progress entries."""
    plan, as_of, w = site.plan, site.as_of, site.w
    period = plan.plan.model.period if plan.plan else None
    overdue = due_rows(plan, DueQuery(before=as_of, as_of=as_of, overdue_only=True))
    soon = DueQuery(before=as_of + dt.timedelta(days=UPCOMING_DAYS), after=as_of, as_of=as_of)
    upcoming = [row for row in due_rows(plan, soon) if row.section == "due"]
    latest = sorted(
        ((entry, view) for view in plan.views for entry in view.entries),
        key=lambda pair: (pair[0].date, id_sort_key(pair[1].id)),
        reverse=True,
    )[:LATEST_ENTRIES]
    return (
        "index.html",
        "index.html.j2",
        plan.title or "casplan",
        {
            "institution": plan.plan.model.institution if plan.plan else None,
            "period": (site.date(period.start), site.date(period.end)) if period else None,
            "intro": sentence(w["completion_intro"].format(date=site.date(as_of))),
            "overdue_intro": w["overdue_intro"].format(date=site.date(as_of)),
            "goals": goals,
            "overall": _counts(site, plan.views),
            "chart": status_bars(goals, STATUS_ORDER),
            "statuses": _statuses(site),
            "overdue": [site.due_row(row) for row in overdue],
            "upcoming": [site.due_row(row) for row in upcoming],
            "upcoming_title": w["upcoming"].format(days=UPCOMING_DAYS),
            "latest": [{**site.row(view), "entry": _entry(site, e, False)} for e, view in latest],
            "amendment_count": len(amendments_by_id(plan)),
        },
    )


def _statuses(site: Site) -> list[dict[str, str]]:
    return [{"key": k, "label": status_label(k, site.lang)} for k in STATUS_ORDER]


def activities_page(site: Site, goals: list[dict[str, Any]]) -> Page:
    """Every activity, with the filters of the search."""
    return (
        "activities.html",
        "activities.html.j2",
        site.w["activities"],
        {
            "rows": [site.row(view) for view in site.plan.views],
            "goals": goals,
            "units": [site.unit(unit_id) for unit_id in site.names],
            "statuses": _statuses(site),
        },
    )


def goal_pages(site: Site, goals: list[dict[str, Any]]) -> list[Page]:
    """A page per goal: its measures with their completion."""
    of_goal = by_goal(sorted(site.plan.measures, key=lambda m: id_sort_key(m.model.id)))
    ordered = sorted(site.plan.goals, key=lambda g: id_sort_key(g.model.id))
    return [
        (
            row["page"],
            "goal.html.j2",
            f"{site.w['goal']} {goal.model.id}: {goal.model.title}",
            {
                "goal": row,
                "title_as_written": goal.model.title_as_written,
                "measures": [
                    {
                        "id": m.model.id,
                        "title": m.model.title,
                        "page": page_of("measures", m.model.id),
                        "completion": _counts(site, site.of_measure.get(m.model.id, [])),
                    }
                    for m in of_goal.get(goal.model.id, [])
                ],
            },
        )
        for goal, row in zip(ordered, goals, strict=True)
    ]


def measure_pages(site: Site, goals: list[dict[str, Any]]) -> list[Page]:
    """A page per measure: its activities."""
    pages: list[Page] = []
    for measure in sorted(site.plan.measures, key=lambda m: id_sort_key(m.model.id)):
        measure_id, goal_id = measure.model.id, measure.model.id.split(".")[0]
        context = {
            "measure": {"id": measure_id, "title": measure.model.title},
            "title_as_written": measure.model.title_as_written,
            "goal": next((g for g in goals if g["id"] == goal_id), None),
            "rows": [site.row(v) for v in site.of_measure.get(measure_id, [])],
        }
        heading = f"{site.w['measure']} {measure_id}: {measure.model.title}"
        pages.append((page_of("measures", measure_id), "measure.html.j2", heading, context))
    return pages


def activity_pages(site: Site) -> list[Page]:
    """A page per activity (`activity_page`)."""
    children: dict[str, list[ActivityView]] = {}
    for view in site.plan.views:
        if view.parent_id:
            children.setdefault(view.parent_id, []).append(view)
    pages: list[Page] = []
    for view in site.plan.views:
        context = functools.partial(_activity_context, site, view, children.get(view.id, []))
        heading = f"{view.id} {view.title}"
        pages.append((page_of("activities", view.id), "activity.html.j2", heading, context))
    return pages


def _activity_context(
    site: Site, view: ActivityView, children: list[ActivityView]
) -> dict[str, Any]:
    return {"a": activity_page(site, view, children)}


def unit_pages(site: Site, led: Mapping[str, list[WhoRow]]) -> list[Page]:
    """A page per unit: where it stands in the organization and what it leads."""
    organization = Organization.of(site.plan.units.values())
    return [
        (
            page_of("units", unit_id),
            "unit.html.j2",
            unit.name,
            {
                "unit": {
                    "id": unit_id,
                    "name": unit.name,
                    "kind": unit_kind_label(unit.kind, site.lang),
                    "head": unit.head,
                    "parent": site.unit(unit.parent) if unit.parent else None,
                    "children": [site.unit(c.id) for c in organization.children(unit_id)],
                    "calendar": calendar_of(unit_id),
                },
                "rows": [site.row(r.view) for r in led[unit_id]],
            },
        )
        for unit_id, unit in site.plan.units.items()
    ]


def units_page(site: Site, led: Mapping[str, list[WhoRow]]) -> Page:
    """The units as a tree, with how many activities each unit's page lists."""
    units = [
        {**site.unit(line.unit.id), "depth": line.depth, "leads": len(led[line.unit.id])}
        for line in unit_tree(site.plan)
    ]
    return ("units.html", "units.html.j2", site.w["units"], {"units": units})


def amendments_page(site: Site) -> Page:
    """The amendments of the plan, oldest first, with the activities each one touched."""
    return (
        "amendments.html",
        "amendments.html.j2",
        site.w["amendments"],
        {"amendments": _amendment_rows(site)},
    )


def _cell_text(site: Site, value: Any) -> str:
    """An earlier value of a cell (from an amendment's change), in one line of text."""
    blank = CellWords(site.w["cell_blank"], site.w["continued"], site.w["no_extra_cost"])
    return cell_text(cell_content(value), blank, site.names, site.money, site.deadlines)


def _funds(site: Site, funds: Funding | None) -> dict[str, Any] | None:
    if funds is None:
        return None
    return {
        "amounts": [
            {
                "money": site.money(a.amount),
                "year": a.year,
                "source": a.source,
                "as_written": a.as_written,
            }
            for a in funds.amounts
        ],
        "no_extra_cost": funds.no_extra_cost,
        "undetermined": funds.undetermined,
        "external": funds.external,
        "sources": list(funds.sources),
        "see": list(funds.see),
        "as_written": funds.as_written,
        "uncertain": funds.uncertain,
    }


def _entry(site: Site, entry: ProgressEntry, gone: bool) -> dict[str, Any]:
    corrects = None
    if entry.corrects:
        day, _, number = entry.corrects.partition("#")
        corrects = site.w["corrects"].format(
            date=site.short(dt.date.fromisoformat(day)) + (f" #{number}" if number else "")
        )
    reporter = entry.reported_by
    return {
        "date": site.short(entry.date),
        "status": {
            "key": entry.status,
            "label": status_label(entry.status, site.lang),
            "since": None,
            "late": None,
            "rolled_up": None,
        },
        "note": entry.note,
        "values": sorted(entry.values.items()),
        "evidence": [evidence_record(item) for item in entry.evidence],
        "spent": [site.money(s.amount) for s in entry.spent],
        "reporter": (
            {**site.unit(reporter_unit(reporter)), "person": reporter.partition(":")[2] or None}
            if reporter
            else None
        ),
        "corrects": corrects,
        "superseded": gone,
    }


def _amendments_of(site: Site, activity: Activity) -> list[dict[str, Any]]:
    known = site.amendments
    out = []

    def about(amendment_id: str) -> dict[str, Any]:
        amendment = known.get(amendment_id)
        return {
            "id": amendment_id,
            "anchor": f"amendments.html#amendment-{amendment_id}",
            "date": site.short(amendment.date) if amendment else None,
            "decision": amendment.decision if amendment else None,
        }

    if activity.added_by:
        out.append({**about(activity.added_by), "what": site.w["added_by"], "changes": []})
    cell_words = {"title": "title", "indicators": "indicators", "responsible": "responsible"}
    cell_words |= {"funds": "funds_indicative", "due": "deadline"}
    for change in activity.history:
        changes = [
            {"cell": site.w[word], "earlier": _cell_text(site, getattr(change, cell))}
            for cell, word in cell_words.items()
            if cell in change.model_fields_set
        ]
        out.append({**about(change.amendment), "what": None, "changes": changes})
    if activity.cancelled_by:
        out.append({**about(activity.cancelled_by), "what": site.w["cancelled_by"], "changes": []})
    return out


def activity_page(site: Site, view: ActivityView, children: list[ActivityView]) -> dict[str, Any]:
    activity = view.activity
    gone = superseded(activity.progress)
    effective = view.entries
    evidence: list[str] = []
    for entry in effective:
        evidence += [item for item in entry.evidence if item not in evidence]
    spending = [
        {
            "date": site.short(entry.date),
            "money": site.money(spent.amount),
            "year": spent.year,
            "source": spent.source,
        }
        for entry in effective
        for spent in entry.spent
    ]
    totals: dict[str, Any] = {}
    for entry in effective:
        for spent in entry.spent:
            currency = spent.amount.currency
            totals[currency] = (
                totals[currency] + spent.amount if currency in totals else spent.amount
            )
    responsibility = view.responsible.value
    indicators = view.indicators.value

    def origin(cell: str) -> str | None:
        written_on: str | None = getattr(view, cell).written_on
        return written_on if view.inherited(cell) else None

    return {
        **site.row(view),
        "title_as_written": activity.title_as_written,
        "goal_title": next(
            (g.model.title for g in site.plan.goals if g.model.id == view.goal_id), ""
        ),
        "measure_title": next(
            (m.model.title for m in site.plan.measures if m.model.id == view.measure_id), ""
        ),
        "parent_row": site.row(_view_by_id(site, view.parent_id)) if view.parent_id else None,
        "children": [site.row(child) for child in children],
        "indicators": {
            "items": indicator_words(activity_indicators(site.plan, view, site.as_of), site.lang),
            "as_written": indicators.as_written if indicators else None,
            "from": origin("indicators"),
        },
        "responsible_cell": {
            "units": [
                {**site.unit(e.unit), "role": e.role, "scope": e.scope}
                for e in (responsibility.units if responsibility else [])
            ],
            "as_written": responsibility.as_written if responsibility else None,
            "from": origin("responsible"),
        },
        "deadline": site.deadline(view.due.value),
        "deadline_from": origin("due"),
        "funds": _funds(site, view.funds.value),
        "funds_from": origin("funds"),
        "entries": [_entry(site, e, i in gone) for i, e in enumerate(activity.progress)],
        "evidence": [evidence_record(item) for item in evidence],
        "spending": spending,
        "spending_totals": [site.money(totals[c]) for c in sorted(totals)],
        "amendments": _amendments_of(site, activity),
    }


def _view_by_id(site: Site, identifier: str) -> ActivityView:
    return site.views[identifier]


def ancestors(plan: Plan, unit_id: str) -> list[str]:
    """The unit and the units it is part of, nearest first."""
    out, seen = [], set()
    current: str | None = unit_id
    units = plan.units
    while current is not None and current not in seen:
        seen.add(current)
        out.append(current)
        current = units[current].parent if current in units else None
    return out


def _amendment_rows(site: Site) -> list[dict[str, Any]]:
    """Each amendment with the activities it touched (`history.touched_by`: one pass)."""
    touched = touched_by(site.plan.views)
    rows: dict[str, dict[str, Any]] = {}

    def row(view: ActivityView) -> dict[str, Any]:
        if view.id not in rows:
            rows[view.id] = site.row(view)
        return rows[view.id]

    return [
        {
            "id": amendment.id,
            "date": site.date(amendment.date),
            "decision": amendment.decision,
            "reason": amendment.reason,
            "activities": [row(view) for view in touched.get(amendment.id, [])],
        }
        for amendment in sorted(site.amendments.values(), key=lambda a: (a.date, a.id))
    ]
