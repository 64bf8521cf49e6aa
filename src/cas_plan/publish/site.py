"""The plan's static public progress site: which pages there are, how they link to each other,
the search index, the units' calendar feeds and the reports of the reporting calendar, rendered
all at once.

`build_site` returns every file of the site as bytes (a pure function of the plan, the date,
the language and the base address: the same inputs give the same bytes); `write_site` replaces
the folder whole, so a reader never sees half a site. Pages link to each other relatively (the
folder works opened from disk) unless a base address is given (hosting under a sub-path, as
GitHub Pages does). The data of each page is `publish.site_pages`'.

Plan text is only ever autoescaped; every page, the yearly reports too, carries the one strict
Content-Security-Policy `CSP` (no inline script or style), the search is a small script of our
own that filters the plain-HTML list.
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from markupsafe import Markup

from cas_plan.answers.queries import DueQuery, due_rows, event_dates, status_record, who
from cas_plan.answers.reporting import ReportDeadline, reporting_calendar
from cas_plan.core.diagnostics import visible
from cas_plan.core.errors import UsageError
from cas_plan.core.history import plan_on
from cas_plan.core.loader import Plan
from cas_plan.core.model import is_web_address
from cas_plan.core.organization import (
    Organization,
    responsible_names,
    responsible_unit_ids,
    unit_names_by_id,
)
from cas_plan.core.provenance import GitState
from cas_plan.l10n.deadlines import DeadlineWords
from cas_plan.l10n.formats import format_date_range, html_lang, phrase, sentence
from cas_plan.l10n.phrases import surface_words
from cas_plan.l10n.plan_text import in_language
from cas_plan.output.json import script_json
from cas_plan.publish import templating
from cas_plan.publish.site_pages import (
    Page,
    Site,
    activities_page,
    activity_pages,
    amendments_page,
    ancestors,
    calendar_of,
    goal_pages,
    goal_rows,
    home_page,
    measure_pages,
    unit_pages,
    units_page,
)

_SITE_PATH = re.compile(r"/(?!/)[^?#]*")  # a path on this host (not //another.host)
CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'"
)
"""The one Content-Security-Policy of every page the site writes, the yearly reports too: no
inline script or style, nothing from elsewhere."""
MARKER = ".casplan-site"  # in every site casplan writes: the folder may be replaced
MARKER_TEXT = "This folder is a static site written by casplan site; it is replaced whole.\n"


def check_base_url(value: str | None) -> str | None:
    """The base address with one trailing slash, or None (relative links): an http(s) address
    or a path on the site's host, whole (`model.is_web_address`: no whitespace, no control or
    bidi character, no trailing line break), with no query or fragment."""
    if value is None or value == "":
        return None
    address = value if value.startswith("/") else value.partition("://")[2]
    ok = is_web_address(value) or (
        _SITE_PATH.fullmatch(value) is not None and is_web_address(f"https://host{value}")
    )
    if not ok or "?" in address or "#" in address:
        raise UsageError(
            f"--base-url: '{value}' is not an address (https://owner.github.io/repository/ "
            "or /repository/)"
        )
    return value.rstrip("/") + "/"


# --- addresses -----------------------------------------------------------------------------


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


# --- the whole site --------------------------------------------------------------------------


def published_reports(plan: Plan, as_of: dt.date) -> list[tuple[ReportDeadline, str | None]]:
    """The reporting calendar, each report with its page on the site: a report whose period
    has begun by the date (taken as of the end of its period, or the date when earlier); the
    final report once the plan has ended."""
    out: list[tuple[ReportDeadline, str | None]] = []
    for deadline in reporting_calendar(plan):
        started = deadline.period.start <= as_of
        if deadline.kind == "final":
            started = as_of >= deadline.period.end
        out.append((deadline, report_page(deadline) if started else None))
    return out


def report_page(deadline: ReportDeadline) -> str:
    """The site path of a report: reports/2018.html, reports/2018-H1.html, reports/final.html."""
    return (
        "reports/final.html" if deadline.kind == "final" else f"reports/{deadline.period.text}.html"
    )


def static_files() -> dict[str, bytes]:
    """The site's own stylesheet and script, and the yearly reports' stylesheet."""
    from cas_plan.publish.report import REPORT_CSS

    folder = templating.templates_dir()
    files = {
        f"static/{name}": (folder / "site" / name).read_bytes() for name in ("site.css", "site.js")
    }
    files[f"static/{REPORT_CSS}"] = (folder / REPORT_CSS).read_bytes()
    return files


class SiteFiles(Mapping[str, bytes]):
    """The site's files by path, sorted, each made when it is read: `write_site` writes each
    page as it is rendered, so the site is never held whole (29,000 files, 250 MB at 100x)."""

    def __init__(self, makers: Mapping[str, Callable[[], bytes]]) -> None:
        self._makers = dict(sorted(makers.items()))

    def __getitem__(self, path: str) -> bytes:
        return self._makers[path]()

    def __iter__(self) -> Iterator[str]:
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)


def _made(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def build_site(
    plan: Plan, as_of: dt.date, lang: str, base_url: str | None, git: GitState
) -> SiteFiles:
    """Every file of the site, by its path in the site (sorted, so the same inputs give the
    same files), the pages and reports rendered when read; the plan's own text in `lang`
    where it is translated (`l10n.plan_text`)."""
    english, shown = plan, in_language(plan, lang)
    plan = shown.plan
    names = unit_names_by_id(plan.units)
    words, deadlines = surface_words(lang, "site"), DeadlineWords.of(plan, lang)
    site = Site(plan, as_of, lang, names, event_dates(plan), words, deadlines)
    goals = goal_rows(site)
    led = {unit_id: who(plan, unit_id, as_of) for unit_id in plan.units}
    pages = [
        home_page(site, goals),
        activities_page(site, goals),
        *goal_pages(site, goals),
        *measure_pages(site, goals),
        *activity_pages(site),
        *unit_pages(site, led),
        units_page(site, led),
        amendments_page(site),
    ]
    made = {MARKER: MARKER_TEXT.encode()} | static_files()
    made |= search_index(site) | unit_calendars(site)
    makers = {path: _made(data) for path, data in made.items()}
    makers.update(rendered(site, pages, base_url, shown.note()))
    makers.update(reports(english, as_of, lang, git))
    return SiteFiles(makers)


def rendered(
    site: Site, pages: list[Page], base_url: str | None, translation: dict[str, Any] | None
) -> dict[str, Callable[[], bytes]]:
    """How to render each page in its template, with what every page shows (the plan, the
    date of the state, the years with a report, how much of the plan is still untranslated)
    and its own way to link (`linker`)."""
    environment = templating.environment(templating.templates_dir() / "site", "html", site.lang)
    state = phrase("state_as_of", site.lang, date=site.date(site.as_of))
    common = {
        "w": site.w,
        "lang": html_lang(site.lang),
        "csp": Markup(CSP),
        "plan_title": site.plan.title or "casplan",
        "state": state,
        "state_sentence": sentence(state),
        "reports": _report_rows(site),
        "translation": translation,
    }

    def render(
        path: str,
        template: str,
        heading: str,
        context: dict[str, Any] | Callable[[], dict[str, Any]],
    ) -> bytes:
        data = context() if callable(context) else context
        page = {**common, **data, "url": linker(path, base_url), "page": path}
        return templating.render(environment, template, {**page, "heading": heading}).encode()

    return {
        path: functools.partial(render, path, template, heading, context)
        for path, template, heading, context in pages
    }


def search_index(site: Site) -> dict[str, bytes]:
    """What the activity list's search filters on, as JSON and as a script (a page opened from
    disk may not fetch JSON). A unit's activities include those of its sub-units, as on the
    unit's page."""
    plan, names = site.plan, site.names
    index = {
        "activities": [
            {
                "id": view.id,
                "goal": view.goal_id,
                "measure": view.measure_id,
                "status": status_record(view, site.as_of)[0],
                "units": sorted(
                    {
                        ancestor
                        for unit_id in responsible_unit_ids(view)
                        for ancestor in ancestors(plan, unit_id)
                    }
                ),
                "text": visible(
                    " ".join(
                        [
                            view.id,
                            view.title,
                            *view.indicator_texts,
                            *responsible_names(view, names),
                        ]
                    ),
                ).lower(),
            }
            for view in plan.views
        ]
    }
    data = script_json(index)
    return {
        "search-index.json": (data + "\n").encode("utf-8"),
        "search-index.js": f"window.casplanSearchIndex = {data};\n".encode(),
    }


def unit_calendars(site: Site) -> dict[str, bytes]:
    """Each unit's deadlines to the end of the plan as an iCalendar feed (`due --format ics`)."""
    from cas_plan.output.ics import due_ics

    plan, as_of = site.plan, site.as_of
    period = plan.plan.model.period if plan.plan else None
    end = period.end if period else as_of
    organization = Organization.of(plan.units.values())
    files = {}
    for unit_id in plan.units:
        scope = frozenset(organization.scope(unit_id))
        calendar = due_rows(plan, DueQuery(before=end, as_of=as_of, scope=scope))
        text = due_ics(calendar, site.names, plan.title or "casplan", as_of)
        files[calendar_of(unit_id)] = text.encode("utf-8")
    return files


def _report_rows(site: Site) -> list[dict[str, str | None]]:
    """The reporting calendar as the home page lists it."""
    from cas_plan.publish.report import title

    return [
        {
            "kind": site.w[f"report_kind_{deadline.kind}"],
            "title": title(deadline.period, deadline.kind == "final", site.lang),
            "period": format_date_range(deadline.period.start, deadline.period.end, site.lang),
            "due": site.date(deadline.due),
            "page": page,
        }
        for deadline, page in published_reports(site.plan, site.as_of)
    ]


def reports(plan: Plan, as_of: dt.date, lang: str, git: GitState) -> dict[str, Callable[[], bytes]]:
    """How to render the HTML report of each published report (`published_reports`), each on
    the plan in force on its date of the state (plan_on rewinds the plan of `as_of` further)."""
    from cas_plan.publish.report import REPORT_CSS, ReportOn, build_context, page_style, render

    style = page_style(f"../static/{REPORT_CSS}", CSP)

    def report(deadline: ReportDeadline) -> bytes:
        day = min(as_of, deadline.period.end)
        on = ReportOn(plan_on(plan, day), deadline.period, day, lang, git, deadline)
        text = render(build_context(on), "html", style=style)
        return (text if text.endswith("\n") else text + "\n").encode()

    return {
        page: functools.partial(report, deadline)
        for deadline, page in published_reports(plan, as_of)
        if page is not None
    }


# --- writing --------------------------------------------------------------------------------


def write_site(out: Path, files: Mapping[str, bytes], plan_root: Path | None = None) -> None:
    """Replace the folder `out` with the site, whole (core/outputs.replace_folder); refuse a
    non-empty `out` that is not a site casplan wrote (no marker file)."""
    from cas_plan.core.outputs import replace_folder, whole_folder

    whole_folder(out, "--out", plan_root, MARKER, "site")
    replace_folder(out, files, MARKER)
