"""The plan's static public progress site: plain data per page, rendered by Jinja2 templates
(templates/site/), written all at once.

`build_site` returns every file of the site as bytes (a pure function of the plan, the date,
the language and the base address: the same inputs give the same bytes); `write_site` writes
them into a temporary sibling directory and renames it into place, so a reader never sees half a
site. Pages link to each other relatively (the folder works opened from disk) unless a base
address is given (hosting under a sub-path, as GitHub Pages does).

Plan text is only ever autoescaped; the pages carry a strict Content-Security-Policy (no inline
script or style), the search is a small script of our own that filters the plain-HTML list.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from cas_plan.answers.queries import (
    DueQuery,
    DueRow,
    due_rows,
    event_dates,
    status_record,
    unit_tree,
    who,
)
from cas_plan.core.deadlines import describe, span
from cas_plan.core.errors import UsageError
from cas_plan.core.history import amendments_by_id, plan_on
from cas_plan.core.loader import Plan, collecting_garbage
from cas_plan.core.model import (
    CONTINUED,
    Activity,
    Deadline,
    Funding,
    Indicators,
    ProgressEntry,
    Responsibility,
    evidence_kind,
    reporter_unit,
)
from cas_plan.core.organization import Organization, responsible_unit_ids
from cas_plan.core.provenance import GitState
from cas_plan.core.views import ActivityView, id_sort_key, superseded
from cas_plan.l10n.formats import (
    DateStyle,
    format_date,
    format_int,
    format_money,
    html_lang,
)
from cas_plan.l10n.script import KEEP_LATIN, to_cyrillic

MARKER = ".casplan-site"  # in every site casplan writes: the folder may be replaced
MARKER_TEXT = "This folder is a static site written by casplan site; it is replaced whole.\n"
STATUS_ORDER = ("completed", "in_progress", "delayed", "not_started", "not_reported", "cancelled")
UPCOMING_DAYS = 90
LATEST_ENTRIES = 10
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

_EN: dict[str, str] = {
    "site_title": "Progress of the plan",
    "home": "Home",
    "state_as_of": "State as of {date}",
    "period": "Plan period",
    "institution": "Institution",
    "completion": "Completion per goal",
    "completion_intro": "Activities of each goal by their status on {date}",
    "chart_label": "Share of activities completed, per goal",
    "completed_of": "{done} of {total} completed ({percent}%)",
    "overdue": "Overdue",
    "overdue_intro": "Deadlines passed on {date} whose activity is not completed or cancelled.",
    "upcoming": "Due in the next {days} days",
    "latest": "Latest progress entries",
    "nothing": "None.",
    "goals": "Goals",
    "goal": "Goal",
    "measures": "Measures",
    "measure": "Measure",
    "activities": "Activities",
    "activity": "Activity",
    "all_activities": "All activities (search)",
    "sub_activities": "Sub-activities",
    "parent": "Part of",
    "units": "Units",
    "unit": "Unit",
    "amendments": "Amendments",
    "amendment": "Amendment",
    "reports": "Yearly reports",
    "report_for": "Report for {year}",
    "id": "Id",
    "title": "Title",
    "total": "Total",
    "date": "Date",
    "deadline": "Deadline",
    "responsible": "Responsible units",
    "status": "Status",
    "status_since": "since {date}",
    "indicators": "Indicators",
    "funds": "Indicative funds",
    "as_written": "As written in the plan",
    "continued_from": "Continued from the row of activity {id}",
    "no_extra_cost": "No extra cost",
    "undetermined": "Not determined",
    "external": "Funded outside the plan",
    "sources": "Sources",
    "see": "See",
    "uncertain": "Uncertain",
    "role": "role",
    "scope": "scope",
    "progress_history": "Progress history",
    "progress_intro": "Every entry, oldest first; a corrected entry stays, struck through.",
    "note": "Note",
    "values": "Indicator values",
    "reported_by": "Reported by",
    "superseded": "Superseded by a later correction",
    "corrects": "Corrects the entry of {date}",
    "evidence": "Evidence",
    "spending": "Spending",
    "amount": "Amount",
    "year": "Year",
    "source": "Source",
    "amendment_history": "Amendments",
    "added_by": "Added to the plan by amendment {id}",
    "cancelled_by": "Cancelled by amendment {id}",
    "changed_cells": "Changed",
    "earlier_value": "Value before the amendment",
    "continued": "(continued the row above)",
    "blank": "(blank)",
    "decision": "Decision",
    "reason": "Reason",
    "affected": "Activities",
    "kind": "Kind",
    "head": "Head",
    "part_of": "Part of",
    "sub_units": "Sub-units",
    "leads": "Leads",
    "leads_intro": "Activities the unit is responsible for: by name, through one of its "
    "sub-units, or as one of a group of units the plan names (all divisions, say).",
    "calendar": "Calendar of the unit's deadlines (iCalendar, to subscribe to in Outlook)",
    "search": "Search",
    "search_text": "Text",
    "any": "any",
    "shown": "{shown} of {total} activities shown",
    "skip": "Skip to content",
    "generated": "Generated by casplan from the plan's YAML files",
    "not_reported": "Not reported",
    "not_started": "Not started",
    "in_progress": "In progress",
    "completed": "Completed",
    "delayed": "Delayed",
    "cancelled": "Cancelled",
}

_SR: dict[str, str] = {
    "site_title": "Sprovođenje plana",
    "home": "Početna",
    "state_as_of": "Stanje na dan {date}",
    "period": "Period plana",
    "institution": "Institucija",
    "completion": "Realizacija po ciljevima",
    "completion_intro": "Aktivnosti svakog cilja prema statusu na dan {date}",
    "chart_label": "Udeo realizovanih aktivnosti po ciljevima",
    "completed_of": "realizovano {done} od {total} ({percent}%)",
    "overdue": "Rok je prekoračen",
    "overdue_intro": "Rokovi koji su prošli na dan {date}, a aktivnost nije realizovana ni "
    "otkazana.",
    "upcoming": "Rok u narednih {days} dana",
    "latest": "Najnoviji izveštaji o napretku",
    "nothing": "Nema.",
    "goals": "Ciljevi",
    "goal": "Cilj",
    "measures": "Mere",
    "measure": "Mera",
    "activities": "Aktivnosti",
    "activity": "Aktivnost",
    "all_activities": "Sve aktivnosti (pretraga)",
    "sub_activities": "Podaktivnosti",
    "parent": "Deo aktivnosti",
    "units": "Organizacione jedinice",
    "unit": "Organizaciona jedinica",
    "amendments": "Izmene plana",
    "amendment": "Izmena",
    "reports": "Godišnji izveštaji",
    "report_for": "Izveštaj za {year}. godinu",
    "id": "Oznaka",
    "title": "Naziv",
    "total": "Ukupno",
    "date": "Datum",
    "deadline": "Rok",
    "responsible": "Odgovorne organizacione jedinice",
    "status": "Status",
    "status_since": "od {date}",
    "indicators": "Pokazatelji",
    "funds": "Procenjena (indikativna) sredstva",
    "as_written": "Kako piše u planu",
    "continued_from": "Nastavak reda aktivnosti {id}",
    "no_extra_cost": "Bez dodatnih troškova",
    "undetermined": "Nije utvrđeno",
    "external": "Finansira se van plana",
    "sources": "Izvori",
    "see": "Videti",
    "uncertain": "Nesigurno",
    "role": "uloga",
    "scope": "obuhvat",
    "progress_history": "Istorija napretka",
    "progress_intro": "Svi izveštaji, od najstarijeg; ispravljeni izveštaj ostaje, precrtan.",
    "note": "Napomena",
    "values": "Vrednosti pokazatelja",
    "reported_by": "Izvestio",
    "superseded": "Zamenjen kasnijom ispravkom",
    "corrects": "Ispravlja izveštaj od {date}",
    "evidence": "Dokazi",
    "spending": "Utrošena sredstva",
    "amount": "Iznos",
    "year": "Godina",
    "source": "Izvor",
    "amendment_history": "Izmene plana",
    "added_by": "Dodata u plan izmenom {id}",
    "cancelled_by": "Otkazana izmenom {id}",
    "changed_cells": "Izmenjeno",
    "earlier_value": "Vrednost pre izmene",
    "continued": "(nastavak reda iznad)",
    "blank": "(prazno)",
    "decision": "Odluka",
    "reason": "Razlog",
    "affected": "Aktivnosti",
    "kind": "Vrsta",
    "head": "Rukovodilac",
    "part_of": "U sastavu",
    "sub_units": "Unutrašnje jedinice",
    "leads": "Odgovornosti",
    "leads_intro": "Aktivnosti za koje je jedinica odgovorna: navedena je po nazivu, preko "
    "neke od svojih unutrašnjih jedinica ili kao deo grupe jedinica koju plan navodi (na primer "
    "sve sektore).",
    "calendar": "Kalendar rokova jedinice (iCalendar, za pretplatu u Outlook-u)",
    "search": "Pretraga",
    "search_text": "Tekst",
    "any": "sve",
    "shown": "Prikazano {shown} od {total} aktivnosti",
    "skip": "Preskoči na sadržaj",
    "generated": "Napravio casplan iz YAML datoteka plana",
    "not_reported": "Bez izveštaja",
    "not_started": "Nije započeto",
    "in_progress": "U toku",
    "completed": "Realizovano",
    "delayed": "Kasni",
    "cancelled": "Otkazano",
}
assert set(_EN) == set(_SR)


def _cyrillic(text: str) -> str:
    """Serbian Latin to Cyrillic, leaving the placeholders ({date}) and names of tools Latin."""
    keep = (*KEEP_LATIN, "Outlook", "iCalendar")
    parts = re.split(r"(\{[a-z_]+\})", text)
    return "".join(part if part.startswith("{") else to_cyrillic(part, keep) for part in parts)


_SR_CYRL = {key: _cyrillic(value) for key, value in _SR.items()}
SITE_WORDS: dict[str, dict[str, str]] = {"en": _EN, "sr": _SR, "sr-Cyrl": _SR_CYRL}
LANGUAGES = tuple(SITE_WORDS)


def site_words(lang: str) -> dict[str, str]:
    return SITE_WORDS[lang]


def sentence(text: str) -> str:
    """The text with one full stop at its end (a Serbian date ends in one already)."""
    return text if text.endswith(".") else text + "."


def check_base_url(value: str | None) -> str | None:
    """The base address with one trailing slash, or None (relative links)."""
    if value is None or value == "":
        return None
    if not re.match(r"^(https?://[^\s/?#]+(/[^\s?#]*)?|/[^\s?#]*)$", value):
        raise UsageError(
            f"--base-url: '{value}' is not an address (https://owner.github.io/repository/ "
            "or /repository/)"
        )
    return value.rstrip("/") + "/"


# --- addresses -------------------------------------------------------------------------------


def page_of(kind: str, identifier: str) -> str:
    """The site path of a page: 'activities/1.1.1.html'."""
    return f"{kind}/{quote(identifier, safe='')}.html"


def linker(page: str, base_url: str | None) -> Callable[[str], str]:
    """How `page` writes a link to another file of the site."""

    here = posixpath.dirname(page)
    up = "../" * page.count("/")

    def url(target: str) -> str:
        path, hash_mark, anchor = target.partition("#")
        if base_url is not None:
            address = base_url + ("" if path == "index.html" else path)
        elif path == page:
            address = ""
        elif posixpath.dirname(path) == here:
            address = posixpath.basename(path)
        else:  # the site is one folder deep: up to its top, then down (posixpath.relpath is slow)
            address = up + path
        return address + hash_mark + anchor if (address or anchor) else posixpath.basename(page)

    return url


# --- the data of the pages -------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """What every page builder needs: the plan on the date and how to say things."""

    plan: Plan
    as_of: dt.date
    lang: str
    names: Mapping[str, str]
    events: Mapping[str, dt.date]
    w: Mapping[str, str]
    dates: dict[tuple[dt.date, str], str] = field(default_factory=dict)  # Babel is slow to format

    @functools.cached_property
    def titles(self) -> dict[str, str]:
        """Goal and measure titles by id, the first of each id (looked up, never searched)."""
        out: dict[str, str] = {}
        for goal in self.plan.goals:
            out.setdefault(goal.model.id, goal.model.title)
        for measure in self.plan.measures:
            out.setdefault(measure.model.id, measure.model.title)
        return out

    @functools.cached_property
    def views_by_id(self) -> dict[str, ActivityView]:
        out: dict[str, ActivityView] = {}
        for view in self.plan.views:
            out.setdefault(view.id, view)
        return out

    def status(self, view: ActivityView) -> dict[str, Any]:
        status, since = status_record(view, self.as_of)
        return {
            "key": status,
            "label": self.w[status],
            "since": self.date(dt.date.fromisoformat(since)) if since else None,
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
        if deadline is None:
            return None
        first, last = span(deadline.when, dict(self.events))
        return {
            "spelling": deadline.when.spell(),
            "description": describe(deadline.when) if self.lang == "en" else None,
            "first": self.short(first) if first else None,
            "last": self.short(last) if last else None,
            "as_written": deadline.as_written,
            "uncertain": deadline.uncertain,
        }

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
            "due": deadline.when.spell() if deadline else None,
            "status": self.status(view),
        }

    def due_row(self, row: DueRow) -> dict[str, Any]:
        return {
            **self.row(row.view),
            "deadline": self.short(row.deadline) if row.deadline else None,
            "status": {"key": row.status, "label": self.w[row.status], "since": None},
        }

    def money(self, amount: Any) -> str:
        return format_money(amount.amount, amount.currency, self.lang)


def _counts(site: Site, views: Iterable[ActivityView]) -> dict[str, Any]:
    statuses = [status_record(view, site.as_of)[0] for view in views]
    counts = {key: statuses.count(key) for key in STATUS_ORDER}
    active = len(statuses) - counts["cancelled"]
    done = counts["completed"]
    percent = (200 * done + active) // (2 * active) if active else 0
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


def _chart(goals: list[dict[str, Any]]) -> dict[str, Any]:
    """A stacked bar per goal (its activities by status), under a line of text that says the
    numbers, so colour is never the only signal; narrow enough to read on a phone."""
    width, bar, row = 360, 14, 40
    rows = []
    for index, goal in enumerate(goals):
        counts, total = goal["completion"]["counts"], goal["completion"]["total"]
        x, segments = 0, []
        for key in STATUS_ORDER:
            size = round(width * counts[key] / total) if total else 0
            if size:
                segments.append({"key": key, "x": x, "width": size})
                x += size
        top = index * row
        rows.append(
            {
                "text_y": top + 15,
                "y": top + 20,
                "label": goal["id"],
                "segments": segments,
                "text": goal["completion"]["label"],
            }
        )
    return {"width": width, "height": len(goals) * row, "bar": bar, "rows": rows}


def _cell_text(site: Site, value: Any) -> str:
    """An earlier value of a cell (from an amendment's change), in one line of text."""
    if value == CONTINUED:
        return site.w["continued"]
    if value is None:
        return site.w["blank"]
    if isinstance(value, Indicators):
        return value.as_written or "; ".join(value.items)
    if isinstance(value, Responsibility):
        return value.as_written or ", ".join(site.names.get(e.unit, e.unit) for e in value.units)
    if isinstance(value, Funding):
        amounts = ", ".join(site.money(a.amount) for a in value.amounts)
        return (
            value.as_written or amounts or (site.w["no_extra_cost"] if value.no_extra_cost else "")
        )
    if isinstance(value, Deadline):
        return value.as_written or value.when.spell()
    return str(value)


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


def _evidence(item: str) -> dict[str, Any]:
    """A piece of evidence; only a web address becomes a link (never javascript: and the like)."""
    is_web = evidence_kind(item) == "url" and re.match(r"^https?://", item, re.IGNORECASE)
    return {"text": item, "href": item if is_web else None}


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
        "status": {"key": entry.status, "label": site.w[entry.status], "since": None},
        "note": entry.note,
        "values": sorted(entry.values.items()),
        "evidence": [_evidence(item) for item in entry.evidence],
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
    known = amendments_by_id(site.plan)
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
    cell_words |= {"funds": "funds", "due": "deadline"}
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
        "goal_title": site.titles.get(view.goal_id, ""),
        "measure_title": site.titles.get(view.measure_id, ""),
        "parent_row": site.row(site.views_by_id[view.parent_id]) if view.parent_id else None,
        "children": [site.row(child) for child in children],
        "indicators": {
            "items": list(indicators.items) if indicators else [],
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
        "evidence": [_evidence(item) for item in evidence],
        "spending": spending,
        "spending_totals": [site.money(totals[c]) for c in sorted(totals)],
        "amendments": _amendments_of(site, activity),
    }


# --- the whole site --------------------------------------------------------------------------


def report_years(plan: Plan, as_of: dt.date) -> list[int]:
    """The plan years up to the year of the date (each gets its yearly report)."""
    if plan.plan is None:
        return []
    period = plan.plan.model.period
    return list(range(period.start.year, min(as_of.year, period.end.year) + 1))


def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    from cas_plan.publish.report import templates_dir

    def finalize(value: object) -> object:
        # control characters in plan text are not HTML: drop them (Markup is left alone)
        return _CONTROL.sub("", value) if type(value) is str else value

    return Environment(
        loader=FileSystemLoader(templates_dir() / "site"),
        undefined=StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=finalize,
    )


def static_files() -> dict[str, bytes]:
    from cas_plan.publish.report import templates_dir

    folder = templates_dir() / "site"
    return {f"static/{name}": (folder / name).read_bytes() for name in ("site.css", "site.js")}


def build_site(
    plan: Plan,
    as_of: dt.date,
    lang: str,
    base_url: str | None,
    git: GitState,
    files: SiteFiles,
) -> None:
    """Every file of the site, put into `files` by its path in the site as it is made (the same
    inputs give the same files); `write_site` writes each one out at once, so a large plan's
    site is never held whole."""
    from cas_plan.output.ics import due_ics
    from cas_plan.publish.report import build_context, render_pieces

    w = site_words(lang)
    names = {unit_id: unit.name for unit_id, unit in plan.units.items()}
    site = Site(plan, as_of, lang, names, event_dates(plan), w)
    environment = _environment()
    files[MARKER] = MARKER_TEXT.encode()
    files.update(static_files())
    title = plan.title or "casplan"
    period = plan.plan.model.period if plan.plan else None
    years = report_years(plan, as_of)
    common = {
        "w": w,
        "lang": html_lang(lang),
        "plan_title": title,
        "state": w["state_as_of"].format(date=site.date(as_of)),
        "state_sentence": sentence(w["state_as_of"].format(date=site.date(as_of))),
        "years": years,
    }

    def page(path: str, template: str, heading: str, **context: Any) -> None:
        text = environment.get_template(template).render(
            **common, **context, url=linker(path, base_url), page=path, heading=heading
        )
        files[path] = text.encode("utf-8")

    views = plan.views
    goals = sorted(plan.goals, key=lambda g: id_sort_key(g.model.id))
    measures = sorted(plan.measures, key=lambda m: id_sort_key(m.model.id))
    # indexed once: the site grows with the plan, not with goals x measures x activities
    views_of: dict[str, list[ActivityView]] = {}
    measures_of: dict[str, list[Any]] = {}
    for view in views:
        views_of.setdefault(view.goal_id, []).append(view)
        views_of.setdefault(view.measure_id, []).append(view)
    for measure in measures:
        measures_of.setdefault(measure.model.id.split(".")[0], []).append(measure)
    goal_rows: list[dict[str, Any]] = [
        {
            "id": g.model.id,
            "title": g.model.title,
            "page": page_of("goals", g.model.id),
            "completion": _counts(site, views_of.get(g.model.id, [])),
        }
        for g in goals
    ]
    goal_row_of: dict[str, dict[str, Any]] = {}
    for row in goal_rows:
        goal_row_of.setdefault(row["id"], row)
    overdue = due_rows(plan, DueQuery(before=as_of, as_of=as_of, overdue_only=True))
    upcoming = [
        row
        for row in due_rows(
            plan,
            DueQuery(before=as_of + dt.timedelta(days=UPCOMING_DAYS), after=as_of, as_of=as_of),
        )
        if row.section == "due"
    ]
    latest = sorted(
        ((entry, view) for view in views for entry in view.entries),
        key=lambda pair: (pair[0].date, id_sort_key(pair[1].id)),
        reverse=True,
    )[:LATEST_ENTRIES]
    page(
        "index.html",
        "index.html.j2",
        title,
        institution=plan.plan.model.institution if plan.plan else None,
        period=(site.date(period.start), site.date(period.end)) if period else None,
        intro=sentence(w["completion_intro"].format(date=site.date(as_of))),
        overdue_intro=w["overdue_intro"].format(date=site.date(as_of)),
        goals=goal_rows,
        overall=_counts(site, views),
        chart=_chart(goal_rows),
        statuses=[{"key": k, "label": w[k]} for k in STATUS_ORDER],
        overdue=[site.due_row(row) for row in overdue],
        upcoming=[site.due_row(row) for row in upcoming],
        upcoming_title=w["upcoming"].format(days=UPCOMING_DAYS),
        latest=[{**site.row(view), "entry": _entry(site, e, False)} for e, view in latest],
        amendment_count=len(amendments_by_id(plan)),
    )

    rows = [site.row(view) for view in views]
    organization = Organization.of(plan.units.values())
    page(
        "activities.html",
        "activities.html.j2",
        w["activities"],
        rows=rows,
        goals=goal_rows,
        units=[site.unit(unit_id) for unit_id in names],
        statuses=[{"key": k, "label": w[k]} for k in STATUS_ORDER],
    )
    index = {
        "activities": [
            {
                "id": view.id,
                "goal": view.goal_id,
                "measure": view.measure_id,
                "status": status_record(view, as_of)[0],
                # a unit's activities include those of its sub-units, as on the unit's page
                "units": sorted(
                    {
                        ancestor
                        for unit_id in responsible_unit_ids(view)
                        for ancestor in _ancestors(plan, unit_id)
                    }
                ),
                "text": _CONTROL.sub(
                    "",
                    " ".join(
                        [
                            view.id,
                            view.title,
                            *view.indicator_texts,
                            *(names.get(u, u) for u in responsible_unit_ids(view)),
                        ]
                    ),
                ).lower(),
            }
            for view in views
        ]
    }
    data = json.dumps(index, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # plan text never reaches a browser as markup, not even inside a script file
    data = data.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    files["search-index.json"] = (data + "\n").encode("utf-8")
    files["search-index.js"] = f"window.casplanSearchIndex = {data};\n".encode()
    del rows, index, data  # written: not kept while the other pages render

    for goal, row in zip(goals, goal_rows, strict=True):
        goal_measures = measures_of.get(goal.model.id, [])
        page(
            row["page"],
            "goal.html.j2",
            f"{w['goal']} {goal.model.id}: {goal.model.title}",
            goal=row,
            title_as_written=goal.model.title_as_written,
            measures=[
                {
                    "id": m.model.id,
                    "title": m.model.title,
                    "page": page_of("measures", m.model.id),
                    "completion": _counts(site, views_of.get(m.model.id, [])),
                }
                for m in goal_measures
            ],
        )
    for measure in measures:
        goal_id = measure.model.id.split(".")[0]
        page(
            page_of("measures", measure.model.id),
            "measure.html.j2",
            f"{w['measure']} {measure.model.id}: {measure.model.title}",
            measure={"id": measure.model.id, "title": measure.model.title},
            title_as_written=measure.model.title_as_written,
            goal=goal_row_of.get(goal_id),
            rows=[site.row(v) for v in views_of.get(measure.model.id, [])],
        )
    children: dict[str, list[ActivityView]] = {}
    for view in views:
        if view.parent_id:
            children.setdefault(view.parent_id, []).append(view)
    for view in views:
        record = activity_page(site, view, children.get(view.id, []))
        page(record["page"], "activity.html.j2", f"{view.id} {view.title}", a=record)

    end = period.end if period else as_of
    leads: dict[str, int] = {}  # how many activities each unit's page lists
    for unit_id, unit in plan.units.items():
        led = who(plan, unit_id, as_of)
        leads[unit_id] = len(led)
        scope = frozenset(organization.scope(unit_id))
        calendar = due_rows(plan, DueQuery(before=end, as_of=as_of, scope=scope))
        files[f"units/{quote(unit_id, safe='')}.ics"] = due_ics(
            calendar, names, title, as_of
        ).encode("utf-8")
        page(
            page_of("units", unit_id),
            "unit.html.j2",
            unit.name,
            unit={
                "id": unit_id,
                "name": unit.name,
                "kind": unit.kind,
                "head": unit.head,
                "parent": site.unit(unit.parent) if unit.parent else None,
                "children": [site.unit(c.id) for c in organization.children(unit_id)],
                "calendar": f"units/{quote(unit_id, safe='')}.ics",
            },
            rows=[site.row(r.view) for r in led],
        )
    page(
        "units.html",
        "units.html.j2",
        w["units"],
        units=[
            {**site.unit(line.unit.id), "depth": line.depth, "leads": leads[line.unit.id]}
            for line in unit_tree(plan)
        ],
    )
    page(
        "amendments.html",
        "amendments.html.j2",
        w["amendments"],
        amendments=_amendment_rows(site),
    )

    for year in years:
        day = min(as_of, dt.date(year, 12, 31))
        # the plan in force at the end of the year: plan_on rewinds the plan of `as_of` further
        context = build_context(plan_on(plan, day), year, day, lang, git)
        files.stream(f"reports/{year}.html", render_pieces(context, "html"))
        del context


def _ancestors(plan: Plan, unit_id: str) -> list[str]:
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
    out = []
    touched: dict[str | None, list[ActivityView]] = {}  # the views of each amendment, in order
    for view in site.plan.views:
        activity = view.activity
        named = (activity.added_by, activity.cancelled_by, *(c.amendment for c in activity.history))
        for amendment_id in dict.fromkeys(named):
            touched.setdefault(amendment_id, []).append(view)
    for amendment in sorted(amendments_by_id(site.plan).values(), key=lambda a: (a.date, a.id)):
        affected = [site.row(view) for view in touched.get(amendment.id, [])]
        out.append(
            {
                "id": amendment.id,
                "date": site.date(amendment.date),
                "decision": amendment.decision,
                "reason": amendment.reason,
                "activities": affected,
            }
        )
    return out


# --- writing ---------------------------------------------------------------------------------


class SiteFiles(MutableMapping[str, bytes]):
    """The files of a site being written: each is written to the directory as it is set, or
    piece by piece as it renders (`stream`)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.names: set[str] = set()

    def __setitem__(self, relative: str, data: bytes) -> None:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.names.add(relative)

    def stream(self, relative: str, pieces: Iterable[str]) -> None:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as handle:
            for piece in pieces:
                handle.write(piece.encode("utf-8"))
        self.names.add(relative)

    def __getitem__(self, relative: str) -> bytes:
        if relative not in self.names:
            raise KeyError(relative)
        return (self.root / relative).read_bytes()

    def __delitem__(self, relative: str) -> None:
        if relative not in self.names:
            raise KeyError(relative)
        (self.root / relative).unlink()
        self.names.discard(relative)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.names))

    def __len__(self) -> int:
        return len(self.names)


def write_site(out: Path, build: Callable[[SiteFiles], None]) -> int:
    """Write the files `build` makes into a temporary sibling of `out`, then rename it into
    place (a reader never sees half a site); refuse a non-empty `out` that is not a site
    casplan wrote (no marker file). Returns how many files were written."""
    parent = out.absolute().parent
    if not parent.is_dir():
        raise UsageError(f"--out: directory '{parent}' does not exist")
    if out.exists() or out.is_symlink():
        if not out.is_dir() or out.is_symlink():
            raise UsageError(f"--out: '{out}' is not a directory")
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise UsageError(
                f"--out: '{out}' is not empty and is not a site casplan wrote "
                f"(it has no {MARKER} file); choose another directory or empty it"
            )
    temporary = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".new", dir=parent))
    try:
        os.chmod(temporary, 0o755)  # mkdtemp makes it private; a site is for everyone to read
        files = SiteFiles(temporary)
        with collecting_garbage():
            build(files)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=parent))
            os.rename(out, old / "site")
            os.rename(temporary, out)
            shutil.rmtree(old)
        else:
            os.rename(temporary, out)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return len(files)
