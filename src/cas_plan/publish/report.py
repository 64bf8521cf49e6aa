"""The yearly implementation report's context: plain data, rendered by the templates
(`publish.templating`) or written as Word (`output.docx`).

The context holds only dicts, lists, strings and numbers, so a user's template (run in Jinja2's
sandbox) can read the report's data and nothing else.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cas_plan import __version__
from cas_plan.answers.budget import compute_budget, side_by_side, spent_totals
from cas_plan.answers.cells import CellWords, cell_content, cell_text
from cas_plan.answers.queries import (
    DueQuery,
    DueRow,
    due_rows,
    event_dates,
    occurrence_status,
    occurrences,
)
from cas_plan.answers.records import evidence_record
from cas_plan.core import layout
from cas_plan.core.diagnostics import one_line
from cas_plan.core.history import AMENDABLE
from cas_plan.core.loader import Plan
from cas_plan.core.model import Loaded, MeasureFile, ProgressEntry, ReportNarrative
from cas_plan.core.money import Money
from cas_plan.core.organization import responsible_names, unit_names_by_id
from cas_plan.core.provenance import GitState
from cas_plan.core.views import ActivityView, id_sort_key
from cas_plan.l10n.deadlines import DeadlineWords
from cas_plan.l10n.formats import (
    format_date,
    format_int,
    format_money,
    html_lang,
    overdue_by,
    percent_value,
    phrase,
    plural,
    report_title,
    state_as_of,
)
from cas_plan.l10n.phrases import REPORT_STATUSES, words
from cas_plan.publish import templating
from cas_plan.publish.charts import bar_chart, gantt

# the columns of the summary: what fell due, then how it stands (completed on time or late, ...)
SUMMARY_KEYS = ("due", *REPORT_STATUSES)
Classified = list[tuple[DueRow, str]]


def _completion_date(view: ActivityView, day: dt.date, as_of: dt.date) -> dt.date | None:
    entries = [e for e in view.entries if e.date <= as_of and e.status == "completed"]
    if view.due.value is not None and view.due.value.when.kind == "yearly":
        entries = [e for e in entries if e.date.year == day.year]
    return entries[0].date if entries else None


def classify(row: DueRow, as_of: dt.date) -> str:
    """The summary class of an occurrence: completed (on time), completed_late, or its status."""
    assert row.deadline is not None
    status = occurrence_status(row.view, row.deadline, as_of)
    if status == "completed":
        done = _completion_date(row.view, row.deadline, as_of)
        return "completed_late" if done and done > row.deadline else "completed"
    return status


def _per_year(view: ActivityView) -> bool:
    """Continuous and yearly activities are reported anew each year."""
    due = view.due.value
    return due is not None and due.when.kind in ("continuous", "yearly")


def _entries_in(view: ActivityView, year: int, as_of: dt.date) -> list[ProgressEntry]:
    return [e for e in view.entries if e.date.year == year and e.date <= as_of]


def _activity_row(
    view: ActivityView,
    deadline: dt.date | None,
    klass: str,
    year: int,
    as_of: dt.date,
    units: dict[str, str],
    deadlines: DeadlineWords,
) -> dict[str, Any]:
    """One activity of the report. Values, evidence and the latest note come from the entries
    that stand (a corrected entry's values are gone with it), up to the date of the state; a
    continuous or yearly activity shows what it reported in the year (or the deadline's year)."""
    if _per_year(view):
        entries = _entries_in(view, deadline.year if deadline else year, as_of)
    else:
        entries = [e for e in view.entries if e.date <= as_of]
    values: dict[str, str] = {}
    evidence: list[str] = []
    for entry in entries:
        values.update(entry.values)
        evidence += [item for item in entry.evidence if item not in evidence]
    noted = [entry for entry in entries if entry.note]
    due = view.due.value
    return {
        "id": view.id,
        "title": view.title,
        "responsible": responsible_names(view, units),
        "deadline": deadline.isoformat() if deadline else None,
        "due": due.when.spell() if due else None,
        "due_words": deadlines(due.when) if due else None,
        "due_as_written": due.as_written if due else None,
        "continuous": bool(due and due.when.kind == "continuous"),
        "status": klass,
        "latest_note": noted[-1].note if noted else None,
        "latest_note_date": noted[-1].date.isoformat() if noted else None,
        "indicator_values": values,
        "evidence": [evidence_record(item) for item in evidence],
        "reports_in_year": len(_entries_in(view, year, as_of)),
    }


def _summary(rows: list[tuple[str, str]], goal_ids: list[str]) -> dict[str, Any]:
    """Counts and percentages (None when nothing is due) of (goal, class) pairs: per goal of
    the plan and overall."""

    def count(selected: list[str]) -> dict[str, Any]:
        counts = {key: selected.count(key) for key in SUMMARY_KEYS if key != "due"}
        counts["due"] = len(selected)
        percents = {key: percent_value(value, len(selected)) for key, value in counts.items()}
        done = counts["completed"] + counts["completed_late"]
        return {
            "counts": counts,
            "percents": percents,
            "completion": percent_value(done, len(selected)),
        }

    return {
        "goals": {goal: count([k for g, k in rows if g == goal]) for goal in goal_ids},
        "overall": count([k for _, k in rows]),
    }


CELL_WORDS = {
    "title": "title",
    "due": "deadline",
    "responsible": "responsible",
    "indicators": "indicators",
    "funds": "funds_indicative",
}


def _amendments(
    plan: Plan, year: int, as_of: dt.date, deadlines: DeadlineWords
) -> list[dict[str, Any]]:
    """The amendments adopted in the year (by the date of the state), each with what it
    changed in each activity."""
    if plan.amendments is None:
        return []
    lang = deadlines.lang
    w = words(lang)
    units = unit_names_by_id(plan.units)
    blank_words = CellWords(w["cell_blank"], w["continued_above"], w["no_extra_cost"])

    def amount(money: Money) -> str:
        return format_money(money.amount, money.currency, lang)

    def said(value: object) -> str:
        return cell_text(cell_content(value), blank_words, units, amount, deadlines)

    adopted = [
        amendment
        for amendment in plan.amendments.model.amendments
        if amendment.date.year == year and amendment.date <= as_of
    ]
    wanted = {amendment.id for amendment in adopted}
    changes: dict[str, list[dict[str, Any]]] = {}
    for view in plan.views:  # one pass, whatever the number of amendments
        for amendment_id, change in _changes(view, wanted, said, w):
            changes.setdefault(amendment_id, []).append(change)
    return [
        {
            "id": amendment.id,
            "date": amendment.date.isoformat(),
            "decision": amendment.decision,
            "reason": amendment.reason,
            "changes": changes.get(amendment.id, []),
        }
        for amendment in adopted
    ]


def _changes(
    view: ActivityView, wanted: set[str], said: Callable[[object], str], w: dict[str, str]
) -> list[tuple[str, dict[str, Any]]]:
    """What the `wanted` amendments did to one activity, each with its amendment: added it,
    cancelled it, or replaced cells, each with the value it replaced and the value it put in
    (the value the next change of that cell replaced, or the value in force), in one pass
    over the activity's history, newest first."""
    activity = view.activity

    def change(cell: str, old: str, new: str) -> dict[str, Any]:
        return {"activity": view.id, "title": view.title, "cell": cell, "old": old, "new": new}

    changes = []
    if activity.added_by in wanted:
        changes.append((activity.added_by, change(w["cell_added"], "", view.title)))
    if activity.cancelled_by in wanted:
        changes.append(
            (activity.cancelled_by, change(w["cell_cancelled"], view.title, w["cancelled"]))
        )
    put_in: list[dict[str, object]] = []
    current: dict[str, object] = {}  # each cell's value after the change at hand
    for replaced in reversed(activity.history):
        cells = [cell for cell in AMENDABLE if cell in replaced.model_fields_set]
        put_in.append({cell: current.get(cell, getattr(activity, cell)) for cell in cells})
        current.update((cell, getattr(replaced, cell)) for cell in cells)
    for replaced, new in zip(activity.history, reversed(put_in), strict=True):
        if replaced.amendment in wanted:
            changes += [
                (
                    replaced.amendment,
                    change(w[CELL_WORDS[cell]], said(getattr(replaced, cell)), said(value)),
                )
                for cell, value in new.items()
            ]
    return changes


def _measure_line(counts: dict[str, int], lang: str) -> str:
    """One line per measure: "3 activities due in the year: 1 completed, 2 in progress."."""
    w = words(lang)
    if not counts["due"]:
        return w["measure_nothing_due"]
    parts = ", ".join(
        f"{format_int(counts[key], lang)} {w[key].lower()}"
        for key in REPORT_STATUSES
        if counts.get(key)
    )
    return phrase(
        "measure_line", lang, activities=plural(counts["due"], "activity", lang), parts=parts
    )


def _narrative(plan: Plan, year: int) -> ReportNarrative | None:
    for report in plan.reports:
        if report.model.year == year:
            return report.model
    return None


def _paragraphs(text: str | None) -> list[str]:
    """Paragraphs of the coordinator's text (blank lines between them), lines joined."""
    if not text:
        return []
    return [one_line(p) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


def missing_narrative(plan: Plan, year: int) -> list[str]:
    """What the coordinator has not written for the year's report (warnings; failures under
    --strict): the file, its executive summary, a paragraph per goal with something due or
    reported."""
    narrative = _narrative(plan, year)
    where = layout.report_file(year)
    if narrative is None:
        return [f"{where}: no narrative for {year} (executive summary and a paragraph per goal)"]
    missing = []
    if not narrative.executive_summary:
        missing.append(f"{where}: no executive_summary")
    for goal in sorted({g.model.id for g in plan.goals}, key=id_sort_key):
        if goal not in narrative.goals:
            missing.append(f"{where}: no paragraph for goal {goal} (goals: {goal!r}: ...)")
    return missing


def build_context(
    plan: Plan, year: int, as_of: dt.date, lang: str, git: GitState
) -> dict[str, Any]:
    """Everything a report template (or the docx writer) may show, as plain data."""
    units = unit_names_by_id(plan.units)
    deadlines = DeadlineWords.of(plan, lang)
    narrative = _narrative(plan, year)
    classified = _classified(plan, year, as_of)
    rows_by_activity = _activity_rows(plan, classified, year, as_of, units, deadlines)
    goal_ids = sorted((g.model.id for g in plan.goals), key=id_sort_key)
    summary = _summary([(row.view.goal_id, klass) for row, klass in classified], goal_ids)
    goals = _goals(plan, goal_ids, classified, rows_by_activity, summary, narrative, lang)
    overall = summary["overall"]["counts"]
    return {
        "w": words(lang),
        "lang": lang,
        "html_lang": html_lang(lang),
        "title": report_title(year, lang),
        "state_as_of": state_as_of(as_of, lang),
        "plan": _plan_record(plan),
        "year": year,
        "as_of": as_of.isoformat(),
        "generated": {
            "commit": git.commit,
            "dirty": git.dirty,
            "describe": git.describe,
            "version": __version__,
        },
        "narrative": {
            "present": narrative is not None,
            "executive_summary": _paragraphs(narrative.executive_summary) if narrative else [],
            "file": layout.report_file(year),
        },
        "summary_keys": list(SUMMARY_KEYS),
        "statuses": list(REPORT_STATUSES),
        "summary": summary,
        "figures": [
            {"key": key, "count": overall[key], "percent": summary["overall"]["percents"][key]}
            for key in SUMMARY_KEYS
        ],
        "goals": goals,
        "delays": _delays(plan, as_of, units, lang),
        "amendments": _amendments(plan, year, as_of, deadlines),
        "funds": _funds(plan, year, lang),
        "annex": sorted(rows_by_activity.values(), key=lambda r: id_sort_key(r["id"])),
        "charts": {"gantt": gantt(classified, year, as_of, lang), "bars": bar_chart(goals)},
    }


def _plan_record(plan: Plan) -> dict[str, Any]:
    model = plan.plan.model if plan.plan else None
    return {
        "title": model.title if model else "",
        "institution": model.institution if model else None,
        "source": model.source if model else "",
        "period_start": model.period.start.isoformat() if model else None,
        "period_end": model.period.end.isoformat() if model else None,
    }


def _classified(plan: Plan, year: int, as_of: dt.date) -> Classified:
    """Each deadline of the year with its summary class, by date then activity; cancelled
    activities drop out of what is due, but the year's figures count them."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    in_year = due_rows(
        plan, DueQuery(before=end, after=start, as_of=as_of, include_continuous=True)
    )
    classified = [(row, classify(row, as_of)) for row in in_year if row.section == "due"]
    events = event_dates(plan)
    for view in plan.views:
        if view.cancelled and view.due.value is not None:
            for day in occurrences(view.due.value.when, events, start, end) or []:
                classified.append((DueRow(view, "due", day, "cancelled", False), "cancelled"))
    classified.sort(key=lambda pair: (pair[0].deadline or start, id_sort_key(pair[0].view.id)))
    return classified


def _activity_rows(
    plan: Plan,
    classified: Classified,
    year: int,
    as_of: dt.date,
    units: dict[str, str],
    deadlines: DeadlineWords,
) -> dict[str, dict[str, Any]]:
    """The report's row of each activity due in the year (at its first deadline), then of
    each one reported in the year without a deadline in it (continuous ones included)."""
    rows: dict[str, dict[str, Any]] = {}
    for row, klass in classified:
        if row.view.id not in rows:
            rows[row.view.id] = _activity_row(
                row.view, row.deadline, klass, year, as_of, units, deadlines
            )
    for view in plan.views:
        if view.id not in rows and _entries_in(view, year, as_of):
            status = occurrence_status(view, None, as_of)
            rows[view.id] = _activity_row(view, None, status, year, as_of, units, deadlines)
    return rows


def _goals(
    plan: Plan,
    goal_ids: list[str],
    classified: Classified,
    rows_by_activity: dict[str, dict[str, Any]],
    summary: dict[str, Any],
    narrative: ReportNarrative | None,
    lang: str,
) -> list[dict[str, Any]]:
    """Each goal with its figures, its paragraph and its measures."""
    goal_titles = {g.model.id: g.model.title for g in plan.goals}
    classes: dict[str, list[str]] = {}  # each measure's classes of the year
    for row, klass in classified:
        classes.setdefault(row.view.measure_id, []).append(klass)
    goals = []
    for goal_id in goal_ids:
        measures = [
            _measure(plan, measure, classes, rows_by_activity, narrative, lang)
            for measure in sorted(
                (m for m in plan.measures if m.model.id.split(".")[0] == goal_id),
                key=lambda m: id_sort_key(m.model.id),
            )
        ]
        stats = summary["goals"][goal_id]
        goals.append(
            {
                "id": goal_id,
                "title": goal_titles.get(goal_id, ""),
                "summary": stats,
                "completion": stats["completion"],
                "due_count": stats["counts"]["due"],
                "narrative": _paragraphs(narrative.goals.get(goal_id)) if narrative else [],
                "narrative_missing": narrative is None or goal_id not in narrative.goals,
                "measures": measures,
            }
        )
    return goals


def _measure(
    plan: Plan,
    measure: Loaded[MeasureFile],
    classes: dict[str, list[str]],
    rows_by_activity: dict[str, dict[str, Any]],
    narrative: ReportNarrative | None,
    lang: str,
) -> dict[str, Any]:
    """One measure: its line of figures and its activities listed; continuous ones with
    nothing reported in the year are counted, not listed."""
    measure_id = measure.model.id
    of_measure = [v for v in plan.views if v.measure_id == measure_id]
    listed = [rows_by_activity[v.id] for v in of_measure if v.id in rows_by_activity]
    silent = [
        v
        for v in of_measure
        if v.id not in rows_by_activity
        and v.due.value is not None
        and v.due.value.when.kind == "continuous"
        and not v.cancelled
    ]
    klasses = classes.get(measure_id, [])
    counts = {key: klasses.count(key) for key in REPORT_STATUSES}
    counts["due"] = len(klasses)
    return {
        "id": measure_id,
        "title": measure.model.title,
        "line": _measure_line(counts, lang),
        "counts": counts,
        "narrative": _paragraphs(narrative.measures.get(measure_id)) if narrative else [],
        "activities": listed,
        "not_listed_continuous": len(silent),
        "not_listed_text": plural(len(silent), "not_listed_continuous", lang) if silent else None,
    }


def _delays(plan: Plan, as_of: dt.date, units: dict[str, str], lang: str) -> list[dict[str, Any]]:
    """The activities overdue on the date of the state (since the plan began), each with its
    longest delay and the latest note as its reason."""
    period = plan.plan.model.period if plan.plan else None
    overdue_start = period.start if period else dt.date(1, 1, 1)
    overdue = due_rows(
        plan, DueQuery(before=as_of, after=overdue_start, as_of=as_of, overdue_only=True)
    )
    delays: dict[str, dict[str, Any]] = {}
    for row in overdue:
        if row.view.id in delays or row.deadline is None:
            continue  # a yearly activity late in several years: its longest delay
        noted = [e for e in row.view.entries if e.date <= as_of and e.note]
        days = (as_of - row.deadline).days
        delays[row.view.id] = {
            "id": row.view.id,
            "title": row.view.title,
            "responsible": responsible_names(row.view, units),
            "deadline": row.deadline.isoformat(),
            "status": row.status,
            "reason": noted[-1].note if noted else None,
            "reason_date": noted[-1].date.isoformat() if noted else None,
            "reason_given": phrase(
                "reason_given_on", lang, date=format_date(noted[-1].date, lang, "short")
            )
            if noted
            else None,
            "days_overdue": days,
            "overdue_text": overdue_by(days, lang),
            "days_text": plural(days, "day", lang),
        }
    return list(delays.values())


def _funds(plan: Plan, year: int, lang: str) -> dict[str, Any]:
    """Indicative funds beside the spending of the year, by goal and by measure."""
    budget_by_goal = compute_budget(plan, "goal", year)
    by_goal = side_by_side(budget_by_goal)
    return {
        "by_goal": by_goal,
        "by_measure": side_by_side(compute_budget(plan, "measure", year)),
        "totals": spent_totals(by_goal),
        "not_by_year": len(budget_by_goal.other_years),
        "not_by_year_text": plural(len(budget_by_goal.other_years), "amounts_not_by_year", lang),
    }


REPORT_CSS = "report.css"


def page_style(stylesheet: str | None = None, csp: str | None = None) -> dict[str, Any]:
    """How the HTML report gets its styles without `style-src 'unsafe-inline'`: standalone, the
    stylesheet in one style element that the page's Content-Security-Policy allows by its
    SHA-256 (no other inline style, no style attribute); in a site, linked from `stylesheet`
    under the site's own policy `csp`, the same on every page it writes."""
    from markupsafe import Markup

    if stylesheet is not None and csp is not None:
        return {"href": stylesheet, "css": None, "csp": Markup(csp)}
    css = (templating.templates_dir() / REPORT_CSS).read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    policy = f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; base-uri 'none'"
    return {"href": None, "css": Markup(css), "csp": Markup(f"{policy}; form-action 'none'")}


def render(
    context: dict[str, Any],
    output_format: str,
    template: Path | None = None,
    style: dict[str, Any] | None = None,
) -> str:
    """The report in the bundled template for the format, or in a user's template (within
    `templating.LIMITS`); an HTML report with its `page_style` (standalone by default)."""
    lang = str(context.get("lang", "en"))
    if output_format == "html":
        context = {**context, "page_style": style or page_style()}
    if template is None:
        environment = templating.environment(templating.templates_dir(), output_format, lang)
        return templating.render(environment, f"report.{output_format}.j2", context)
    folder = template.resolve().parent
    environment = templating.environment(folder, output_format, lang, templating.LIMITS)
    return templating.render(environment, template.name, context)
