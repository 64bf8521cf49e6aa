"""The yearly implementation report: a context of plain data, rendered by Jinja2 templates.

The context holds only dicts, lists, strings and numbers, so a user's template (run in Jinja2's
sandbox) can read the report's data and nothing else. Templates run with undefined variables as
errors. Markdown text is escaped by the `md` filter; HTML is autoescaped.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from cas_plan import __version__
from cas_plan.budget import budget_record, compute_budget
from cas_plan.errors import PlanProblems
from cas_plan.loader import Plan
from cas_plan.money import group_digits
from cas_plan.output.markdown import md_escape
from cas_plan.provenance import GitState
from cas_plan.queries import DueQuery, DueRow, due_rows, occurrence_status, runs_in
from cas_plan.views import ActivityView, id_sort_key
from cas_plan.words import REPORT_STATUSES, words

# the columns of the summary: what fell due, then how it stands (completed on time or late, ...)
SUMMARY_KEYS = ("due", *REPORT_STATUSES)


class ReportError(PlanProblems):
    """A template that fails (syntax, undefined variable, sandbox violation): one line."""


def templates_dir() -> Path:
    """templates/ of the repository (a source checkout), or the copy installed in the package."""
    here = Path(__file__).resolve().parent
    source_tree = here.parents[1] / "templates"
    return source_tree if (source_tree / "report.md.j2").is_file() else here / "templates"


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


def _names(view: ActivityView, units: dict[str, str]) -> list[str]:
    responsibility = view.responsible.value
    return [units.get(e.unit, e.unit) for e in responsibility.units] if responsibility else []


def _entries_in(view: ActivityView, year: int, as_of: dt.date) -> list[dict[str, Any]]:
    return [
        entry.model_dump(mode="json")
        for entry in view.entries
        if entry.date.year == year and entry.date <= as_of
    ]


def _activity_row(
    view: ActivityView,
    deadline: dt.date | None,
    klass: str,
    year: int,
    as_of: dt.date,
    units: dict[str, str],
) -> dict[str, Any]:
    entries = _entries_in(view, year, as_of)
    values: dict[str, str] = {}
    evidence: list[str] = []
    for entry in entries:
        values.update(entry.get("values", {}))
        evidence += [link for link in entry.get("evidence", []) if link not in evidence]
    notes = [entry["note"] for entry in entries if entry.get("note")]
    due = view.due.value
    return {
        "id": view.id,
        "title": view.title,
        "responsible": _names(view, units),
        "deadline": deadline.isoformat() if deadline else None,
        "due": due.when.spell() if due else None,
        "due_as_written": due.as_written if due else None,
        "status": klass,
        "latest_note": notes[-1] if notes else None,
        "indicator_values": values,
        "evidence": evidence,
        "reports": entries,
    }


def _percent(part: int, whole: int) -> int:
    """A whole percentage, halves rounded up (1 of 8 is 13%)."""
    return (200 * part + whole) // (2 * whole) if whole else 0


def _summary(rows: list[tuple[str, str]]) -> dict[str, Any]:
    """Counts and percentages of (goal, class) pairs: per goal and overall."""

    def count(selected: list[str]) -> dict[str, Any]:
        counts = {key: selected.count(key) for key in SUMMARY_KEYS if key != "due"}
        counts["due"] = len(selected)
        percents = {key: _percent(value, len(selected)) for key, value in counts.items()}
        percents["due"] = 100 if selected else 0
        return {"counts": counts, "percents": percents}

    goals = sorted({goal for goal, _ in rows}, key=id_sort_key)
    return {
        "goals": {goal: count([k for g, k in rows if g == goal]) for goal in goals},
        "overall": count([k for _, k in rows]),
    }


_MERMAID_UNSAFE = re.compile(r"[^0-9A-Za-zÀ-žА-я .,()/%-]")


def mermaid_text(text: str, limit: int = 60) -> str:
    """A label that cannot break out of a Mermaid block: letters, digits, spaces and . , ( ) / % -
    only (no ':', ';', '#', quotes, brackets, backticks, '%%' or line breaks), and short."""
    cleaned = re.sub("%+", "%", _MERMAID_UNSAFE.sub(" ", " ".join(str(text).split())))
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


def _bar_chart(goals: list[dict[str, Any]]) -> dict[str, Any]:
    """Geometry of an SVG bar chart of completion per goal (percent completed of due)."""
    bar, gap, left, width = 22, 8, 60, 420
    bars = []
    for index, goal in enumerate(goals):
        percent = goal["completion"]
        bars.append(
            {
                "label": f"{goal['id']}",
                "percent": percent,
                "y": index * (bar + gap),
                "width": round(width * percent / 100),
                "x": left,
            }
        )
    return {
        "bars": bars,
        "height": max(len(goals) * (bar + gap), bar),
        "bar": bar,
        "left": left,
        "width": width,
        "total_width": left + width + 60,
    }


def build_context(
    plan: Plan, year: int, as_of: dt.date, lang: str, git: GitState
) -> dict[str, Any]:
    """Everything a report template may show, as plain data."""
    views = plan.views
    units = {unit_id: unit.name for unit_id, unit in plan.units.items()}
    goal_titles = {g.model.id: g.model.title for g in plan.goals}
    measure_titles = {m.model.id: m.model.title for m in plan.measures}
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    period = plan.plan.model.period if plan.plan else None

    in_year = due_rows(
        plan, DueQuery(before=end, after=start, as_of=as_of, include_continuous=True)
    )
    dated = [row for row in in_year if row.section == "due"]
    classified = [(row, classify(row, as_of)) for row in dated]

    rows_by_activity: dict[str, dict[str, Any]] = {}
    for row, klass in classified:
        rows_by_activity.setdefault(
            row.view.id, _activity_row(row.view, row.deadline, klass, year, as_of, units)
        )
    # activities reported in the year without a deadline in it
    for view in views:
        if (
            view.id not in rows_by_activity
            and _entries_in(view, year, as_of)
            and not (view.due.value and runs_in(view.due.value.when, end))  # listed below
        ):
            status = occurrence_status(view, None, as_of)
            rows_by_activity[view.id] = _activity_row(view, None, status, year, as_of, units)

    by_goal: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for view in views:  # plan order: goals, measures, rows
        measure_rows = by_goal.setdefault(view.goal_id, {}).setdefault(view.measure_id, [])
        if view.id in rows_by_activity:
            measure_rows.append(rows_by_activity[view.id])
    goals: list[dict[str, Any]] = []
    for goal_id in sorted(by_goal, key=id_sort_key):
        measures = [
            {"id": measure_id, "title": measure_titles.get(measure_id, ""), "activities": rows}
            for measure_id, rows in sorted(
                by_goal[goal_id].items(), key=lambda m: id_sort_key(m[0])
            )
            if rows
        ]
        goals.append({"id": goal_id, "title": goal_titles.get(goal_id, ""), "measures": measures})

    summary = _summary([(row.view.goal_id, klass) for row, klass in classified])
    for goal in goals:
        stats = summary["goals"].get(goal["id"])
        goal["summary"] = stats
        done = (stats["counts"]["completed"] + stats["counts"]["completed_late"]) if stats else 0
        goal["completion"] = _percent(done, stats["counts"]["due"]) if stats else 0
        goal["due_count"] = stats["counts"]["due"] if stats else 0

    overdue_start = period.start if period else dt.date(1, 1, 1)
    overdue = due_rows(
        plan,
        DueQuery(
            before=min(as_of, dt.date.max), after=overdue_start, as_of=as_of, overdue_only=True
        ),
    )
    next_year = due_rows(
        plan,
        DueQuery(before=dt.date(year + 1, 12, 31), after=dt.date(year + 1, 1, 1), as_of=as_of),
    )
    budget = budget_record(compute_budget(plan, "goal", year))

    def listing(row: DueRow) -> dict[str, Any]:
        # a yearly deadline is reported anew each year: show the reports of its own year
        yearly = (
            row.deadline is not None
            and row.view.due.value is not None
            and (row.view.due.value.when.kind == "yearly")
        )
        notes_year = row.deadline.year if yearly and row.deadline else year
        return _activity_row(row.view, row.deadline, row.status, notes_year, as_of, units)

    gantt = [
        {
            "id": row.view.id,
            "label": mermaid_text(f"{row.view.id} {row.view.title}"),
            "date": row.deadline.isoformat(),
            "status": klass,
            "tag": {"completed": "done", "completed_late": "done", "in_progress": "active"}.get(
                klass, "crit" if row.overdue else ""
            ),
        }
        for row, klass in classified
        if row.deadline is not None
    ]
    return {
        "w": words(lang),
        "lang": lang,
        "plan": {
            "title": plan.plan.model.title if plan.plan else "",
            "institution": plan.plan.model.institution if plan.plan else None,
            "source": plan.plan.model.source if plan.plan else "",
            "period_start": period.start.isoformat() if period else None,
            "period_end": period.end.isoformat() if period else None,
        },
        "year": year,
        "as_of": as_of.isoformat(),
        "generated": {
            "commit": git.commit,
            "dirty": git.dirty,
            "describe": git.describe,
            "version": __version__,
        },
        "summary_keys": list(SUMMARY_KEYS),
        "statuses": list(REPORT_STATUSES),
        "summary": summary,
        "goals": goals,
        "overdue": [listing(row) for row in overdue],
        "next_year": [listing(row) for row in next_year if row.section == "due"],
        "unresolved": [listing(row) for row in in_year if row.section == "unresolved"],
        "continuous": [
            {**listing(row), "reports": _entries_in(row.view, year, as_of)}
            for row in in_year
            if row.section == "continuous"
        ],
        "funds": budget["totals"],
        "funds_not_by_year": len(budget["other_years"]),
        "charts": {"gantt": gantt, "bars": _bar_chart(goals)},
    }


def _filters() -> dict[str, Any]:
    def pct(value: int) -> str:
        return f"{value}%"

    return {"md": md_escape, "pct": pct, "money": group_digits, "mermaid": mermaid_text}


def render(context: dict[str, Any], output_format: str, template: Path | None = None) -> str:
    """Render the report with the bundled template for the format, or a user's template
    (in Jinja2's sandbox)."""
    from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, select_autoescape
    from jinja2.exceptions import SecurityError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    if template is None:
        from jinja2 import Environment

        environment: Any = Environment(
            loader=FileSystemLoader(templates_dir()),
            undefined=StrictUndefined,
            autoescape=select_autoescape(["html", "html.j2"]),
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        name = f"report.{output_format}.j2"
    else:
        environment = ImmutableSandboxedEnvironment(
            loader=FileSystemLoader(template.resolve().parent),
            undefined=StrictUndefined,
            autoescape=output_format == "html",
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        name = template.name
    environment.filters.update(_filters())
    try:
        return str(environment.get_template(name).render(**context))
    except TemplateError as exc:
        line = getattr(exc, "lineno", None) or _template_line(exc, name)
        where = f" (line {line})" if line else ""
        forbidden = "the sandbox forbids it: " if isinstance(exc, SecurityError) else ""
        raise ReportError(f"template {name}{where}: {forbidden}{exc}") from None


def _template_line(exc: BaseException, name: str) -> int | None:
    """The template line a rendering error happened on (Jinja2 maps its frames to it)."""
    line = None
    traceback = exc.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename.endswith(name):
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line
