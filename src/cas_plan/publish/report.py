"""The yearly implementation report: a context of plain data, rendered by Jinja2 templates.

The context holds only dicts, lists, strings and numbers, so a user's template (run in Jinja2's
sandbox) can read the report's data and nothing else. Templates run with undefined variables as
errors. Markdown text is escaped by the `md` filter; HTML is autoescaped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cas_plan import __version__
from cas_plan.answers.budget import compute_budget, side_by_side, spent_totals
from cas_plan.answers.queries import (
    DueQuery,
    DueRow,
    due_rows,
    event_dates,
    occurrence_status,
    occurrences,
)
from cas_plan.core import layout
from cas_plan.core.errors import PlanProblems
from cas_plan.core.history import AMENDABLE
from cas_plan.core.loader import Plan
from cas_plan.core.model import (
    CONTINUED,
    Deadline,
    Funding,
    Indicators,
    ProgressEntry,
    ReportNarrative,
    Responsibility,
    evidence_kind,
)
from cas_plan.core.provenance import GitState
from cas_plan.core.views import ActivityView, id_sort_key
from cas_plan.l10n.formats import (
    format_date,
    format_int,
    html_lang,
    jinja_filters,
    month_names,
    overdue_by,
    percent_value,
    phrase,
    plural,
    report_title,
    state_as_of,
)
from cas_plan.l10n.phrases import REPORT_STATUSES, words
from cas_plan.output.markdown import md_escape

# the columns of the summary: what fell due, then how it stands (completed on time or late, ...)
SUMMARY_KEYS = ("due", *REPORT_STATUSES)


class ReportError(PlanProblems):
    """A template that fails (syntax, undefined variable, sandbox violation): one line."""


def templates_dir() -> Path:
    """templates/ of the repository (a source checkout), or the copy installed in the package."""
    package = Path(__file__).resolve().parents[1]
    source_tree = package.parents[1] / "templates"
    return source_tree if (source_tree / "report.md.j2").is_file() else package / "templates"


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


def _per_year(view: ActivityView) -> bool:
    """Continuous and yearly activities are reported anew each year."""
    due = view.due.value
    return due is not None and due.when.kind in ("continuous", "yearly")


def _entries_in(view: ActivityView, year: int, as_of: dt.date) -> list[ProgressEntry]:
    return [e for e in view.entries if e.date.year == year and e.date <= as_of]


def _evidence(item: str) -> dict[str, Any]:
    """A piece of evidence as the report shows it: its text, and a link only for an address."""
    kind = evidence_kind(item)
    return {"text": item, "kind": kind, "href": item if kind == "url" else None}


def _activity_row(
    view: ActivityView,
    deadline: dt.date | None,
    klass: str,
    year: int,
    as_of: dt.date,
    units: dict[str, str],
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
        "responsible": _names(view, units),
        "deadline": deadline.isoformat() if deadline else None,
        "due": due.when.spell() if due else None,
        "due_as_written": due.as_written if due else None,
        "continuous": bool(due and due.when.kind == "continuous"),
        "status": klass,
        "latest_note": noted[-1].note if noted else None,
        "latest_note_date": noted[-1].date.isoformat() if noted else None,
        "indicator_values": values,
        "evidence": [_evidence(item) for item in evidence],
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

    by_goal: dict[str, list[str]] = {}
    for goal, klass in rows:
        by_goal.setdefault(goal, []).append(klass)
    return {
        "goals": {goal: count(by_goal.get(goal, [])) for goal in goal_ids},
        "overall": count([k for _, k in rows]),
    }


_MERMAID_UNSAFE = re.compile(r"[^0-9A-Za-zÀ-ž\u0400-\u04ff .,()/%-]")


def mermaid_text(text: str, limit: int = 60) -> str:
    """A label that cannot break out of a Mermaid block: letters, digits, spaces and . , ( ) / % -
    only (no ':', ';', '#', quotes, brackets, backticks, '%%' or line breaks), and short."""
    cleaned = re.sub("%+", "%", _MERMAID_UNSAFE.sub(" ", " ".join(str(text).split())))
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


# the colours of the charts, each with the legend word (a phrasebook key) it stands for
GANTT_COLOURS = {
    "done": ("#1a7f37", "legend_done"),
    "active": ("#2f81f7", "legend_active"),
    "crit": ("#cf222e", "legend_overdue"),
    "": ("#8c959f", "legend_other"),
}
BAR_COLOURS = {"done": ("#2f81f7", "legend_completed_share"), "rest": ("#eef1f4", "not_completed")}


def _bar_chart(goals: list[dict[str, Any]]) -> dict[str, Any]:
    """Geometry of an SVG bar chart of completion per goal (percent completed of due; a goal
    with nothing due has no bar and shows an en dash)."""
    bar, gap, left, width, right = 22, 8, 70, 420, 60
    bars = []
    for index, goal in enumerate(goals):
        percent = goal["completion"]
        bars.append(
            {
                "label": goal["id"],
                "percent": percent,
                "y": index * (bar + gap),
                "width": round(width * percent / 100) if percent is not None else 0,
                "x": left,
            }
        )
    return {
        "bars": bars,
        "height": max(len(goals) * (bar + gap), bar),
        "bar": bar,
        "left": left,
        "width": width,
        "total_width": left + width + right,
        "legend": [{"colour": c, "word": w} for c, w in BAR_COLOURS.values()],
    }


def _gantt(
    classified: list[tuple[DueRow, str]], year: int, as_of: dt.date, lang: str
) -> dict[str, Any]:
    """The deadlines of the year on a full-year axis: label column, twelve months, and a margin
    so the last dot (31 December) is drawn whole."""
    label_width, month_width, row, margin = 300, 38, 16, 12
    start = dt.date(year, 1, 1)
    days = (dt.date(year, 12, 31) - start).days + 1
    tasks = []
    for index, (row_, klass) in enumerate(classified):
        assert row_.deadline is not None
        tag = {
            "completed": "done",
            "completed_late": "done",
            "in_progress": "active",
            "cancelled": "",
        }.get(klass, "crit" if row_.deadline < as_of else "")
        offset = (row_.deadline - start).days + 0.5
        tasks.append(
            {
                "id": row_.view.id,
                "label": mermaid_text(f"{row_.view.id} {row_.view.title}"),
                "date": row_.deadline.isoformat(),
                "status": klass,
                "tag": tag,
                "colour": GANTT_COLOURS[tag][0],
                "x": round(label_width + 12 * month_width * offset / days, 1),
                "y": index * row + 8,
            }
        )
    height = len(tasks) * row + 30
    return {
        "tasks": tasks,
        "start": start.isoformat(),
        "end": f"{year}-12-31",
        "months": [
            {"name": name, "x": label_width + index * month_width}
            for index, name in enumerate(month_names(lang))
        ],
        "label_width": label_width,
        "month_width": month_width,
        "row": row,
        "height": height,
        "axis_y": len(tasks) * row + 25,
        "width": label_width + 12 * month_width + margin,
        "legend": [{"tag": tag, "colour": c, "word": w} for tag, (c, w) in GANTT_COLOURS.items()],
    }


def _cell_text(value: object, units: dict[str, str], w: dict[str, str]) -> str:
    """A replaced cell value as text: what the source says, or its parts."""
    if value is None:
        return ""
    if value == CONTINUED:
        return w["continued_above"]
    if isinstance(value, str):
        return value
    as_written = getattr(value, "as_written", None)
    if as_written:
        return " ".join(str(as_written).split())
    if isinstance(value, Deadline):
        return value.when.spell()
    if isinstance(value, Indicators):
        return "; ".join(value.items)
    if isinstance(value, Responsibility):
        return ", ".join(units.get(u.unit, u.unit) for u in value.units)
    if isinstance(value, Funding):
        return "; ".join(f"{a.amount.amount} {a.amount.currency}" for a in value.amounts)
    return str(value)


CELL_WORDS = {
    "title": "cell_title",
    "due": "deadline",
    "responsible": "responsible",
    "indicators": "cell_indicators",
    "funds": "funds_indicative",
}


def _amendments(plan: Plan, year: int, as_of: dt.date, lang: str) -> list[dict[str, Any]]:
    """The amendments adopted in the year (by the date of the state), each with the cells it
    changed: the value it replaced and the value it put in (the next amendment's replaced
    value, or the value in force)."""
    if plan.amendments is None:
        return []
    w = words(lang)
    units = {unit_id: unit.name for unit_id, unit in plan.units.items()}
    out = []
    for amendment in plan.amendments.model.amendments:
        if amendment.date.year != year or amendment.date > as_of:
            continue
        changes = []
        for view in plan.views:
            activity = view.activity
            if activity.added_by == amendment.id:
                changes.append(
                    {
                        "activity": view.id,
                        "title": view.title,
                        "cell": w["cell_added"],
                        "old": "",
                        "new": view.title,
                    }
                )
            if activity.cancelled_by == amendment.id:
                changes.append(
                    {
                        "activity": view.id,
                        "title": view.title,
                        "cell": w["cell_cancelled"],
                        "old": view.title,
                        "new": w["cancelled"],
                    }
                )
            for position, change in enumerate(activity.history):
                if change.amendment != amendment.id:
                    continue
                for cell in AMENDABLE:
                    if cell not in change.model_fields_set:
                        continue
                    later = [
                        c for c in activity.history[position + 1 :] if cell in c.model_fields_set
                    ]
                    new = getattr(later[0], cell) if later else getattr(activity, cell)
                    changes.append(
                        {
                            "activity": view.id,
                            "title": view.title,
                            "cell": w[CELL_WORDS[cell]],
                            "old": _cell_text(getattr(change, cell), units, w),
                            "new": _cell_text(new, units, w),
                        }
                    )
        out.append(
            {
                "id": amendment.id,
                "date": amendment.date.isoformat(),
                "decision": amendment.decision,
                "reason": amendment.reason,
                "changes": changes,
            }
        )
    return out


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
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]


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
    w = words(lang)
    views = plan.views
    units = {unit_id: unit.name for unit_id, unit in plan.units.items()}
    goal_titles = {g.model.id: g.model.title for g in plan.goals}
    measure_titles = {m.model.id: m.model.title for m in plan.measures}
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    period = plan.plan.model.period if plan.plan else None
    narrative = _narrative(plan, year)

    in_year = due_rows(
        plan, DueQuery(before=end, after=start, as_of=as_of, include_continuous=True)
    )
    dated = [row for row in in_year if row.section == "due"]
    classified = [(row, classify(row, as_of)) for row in dated]
    # cancelled activities drop out of what is due, but the year's figures count them
    events = event_dates(plan)
    for view in views:
        if view.cancelled and view.due.value is not None:
            for day in occurrences(view.due.value.when, events, start, end) or []:
                classified.append((DueRow(view, "due", day, "cancelled", False), "cancelled"))
    classified.sort(key=lambda pair: (pair[0].deadline or start, id_sort_key(pair[0].view.id)))

    rows_by_activity: dict[str, dict[str, Any]] = {}
    for row, klass in classified:
        rows_by_activity.setdefault(
            row.view.id, _activity_row(row.view, row.deadline, klass, year, as_of, units)
        )
    # activities reported in the year without a deadline in it (continuous ones included)
    for view in views:
        if view.id not in rows_by_activity and _entries_in(view, year, as_of):
            status = occurrence_status(view, None, as_of)
            rows_by_activity[view.id] = _activity_row(view, None, status, year, as_of, units)

    goal_ids = sorted(goal_titles, key=id_sort_key)
    summary = _summary([(row.view.goal_id, klass) for row, klass in classified], goal_ids)
    measure_counts: dict[str, list[str]] = {}
    for row, klass in classified:
        measure_counts.setdefault(row.view.measure_id, []).append(klass)

    # each view and measure indexed once: the report grows with the plan, not with
    # goals x measures x activities
    views_of: dict[str, list[ActivityView]] = {}
    for view in views:
        views_of.setdefault(view.measure_id, []).append(view)
    measures_of: dict[str, list[Any]] = {}
    for measure in sorted(plan.measures, key=lambda m: id_sort_key(m.model.id)):
        measures_of.setdefault(measure.model.id.split(".")[0], []).append(measure)
    goals: list[dict[str, Any]] = []
    for goal_id in goal_ids:
        measures = []
        for measure in measures_of.get(goal_id, []):
            measure_id = measure.model.id
            of_measure = views_of.get(measure_id, [])
            listed = [rows_by_activity[v.id] for v in of_measure if v.id in rows_by_activity]
            silent = [
                v
                for v in of_measure
                if v.id not in rows_by_activity
                and v.due.value is not None
                and v.due.value.when.kind == "continuous"
                and not v.cancelled
            ]
            klasses = measure_counts.get(measure_id, [])
            counts = {key: klasses.count(key) for key in REPORT_STATUSES}
            counts["due"] = len(klasses)
            measures.append(
                {
                    "id": measure_id,
                    "title": measure_titles.get(measure_id, ""),
                    "line": _measure_line(counts, lang),
                    "counts": counts,
                    "narrative": _paragraphs(narrative.measures.get(measure_id))
                    if narrative
                    else [],
                    "activities": listed,
                    "not_listed_continuous": len(silent),
                    "not_listed_text": plural(len(silent), "not_listed_continuous", lang)
                    if silent
                    else None,
                }
            )
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
            "responsible": _names(row.view, units),
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

    budget_by_goal = compute_budget(plan, "goal", year)
    budget_by_measure = compute_budget(plan, "measure", year)
    by_goal = side_by_side(budget_by_goal)
    annex = sorted(rows_by_activity.values(), key=lambda r: id_sort_key(r["id"]))
    overall = summary["overall"]["counts"]
    return {
        "w": w,
        "lang": lang,
        "html_lang": html_lang(lang),
        "title": report_title(year, lang),
        "state_as_of": state_as_of(as_of, lang),
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
        "delays": list(delays.values()),
        "amendments": _amendments(plan, year, as_of, lang),
        "funds": {
            "by_goal": by_goal,
            "by_measure": side_by_side(budget_by_measure),
            "totals": spent_totals(by_goal),
            "not_by_year": len(budget_by_goal.other_years),
            "not_by_year_text": plural(
                len(budget_by_goal.other_years), "amounts_not_by_year", lang
            ),
        },
        "annex": annex,
        "charts": {"gantt": _gantt(classified, year, as_of, lang), "bars": _bar_chart(goals)},
    }


def _filters(lang: str) -> dict[str, Any]:
    return {**jinja_filters(lang), "md": md_escape, "mermaid": mermaid_text}


@dataclass(frozen=True)
class TemplateLimits:
    """What a user's template may spend: Jinja2's sandbox keeps it from the files and the
    interpreter, these keep it from the machine (a CI runner renders other people's templates)."""

    range_items: int = 10_000  # one range()
    power_bits: int = 4_096  # the size of an integer `a ** b` may make
    repeat_items: int = 1_000_000  # `'x' * n`, `[0] * n`
    output_chars: int = 20_000_000
    seconds: float = 30.0


LIMITS = TemplateLimits()


class TemplateLimitError(Exception):
    """A user's template went past one of the `TemplateLimits`."""


def _sandbox(loader: Any, autoescape: bool, limits: TemplateLimits) -> Any:
    """Jinja2's immutable sandbox with bounded ranges, powers, repetition and time."""
    import math
    import time

    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    deadline = time.monotonic() + limits.seconds

    def check_time() -> None:
        if time.monotonic() > deadline:
            raise TemplateLimitError(f"ran for more than {limits.seconds:g} seconds")

    def bounded_range(*args: int) -> Any:
        check_time()
        items = range(*args)
        if len(items) > limits.range_items:
            raise TemplateLimitError(
                f"range() of {len(items)} items is over the limit of {limits.range_items}"
            )
        for number, item in enumerate(items):
            if number % 1000 == 999:
                check_time()
            yield item

    def bits(value: Any) -> float:
        return math.log2(abs(value)) if value else 0.0

    class BoundedSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset(["**", "*"])
        intercepted_unops = frozenset(["-", "+"])

        def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
            check_time()
            power = operator == "**" and _is_int(left) and _is_int(right) and right > 0
            if power and bits(left) * right > limits.power_bits:
                raise TemplateLimitError(
                    f"{left} ** {right} is over the limit of {limits.power_bits} bits"
                )
            if operator == "*":
                for sized, times in ((left, right), (right, left)):
                    repeated = isinstance(sized, str | list | tuple) and _is_int(times)
                    if repeated and len(sized) * times > limits.repeat_items:
                        raise TemplateLimitError(
                            f"repeating {len(sized)} items {times} times is over the "
                            f"limit of {limits.repeat_items}"
                        )
            return super().call_binop(context, operator, left, right)

        def call_unop(self, context: Any, operator: str, arg: Any) -> Any:
            check_time()
            return super().call_unop(context, operator, arg)

        def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
            check_time()
            return super().call(__context, __obj, *args, **kwargs)

        def getattr(self, obj: Any, attribute: str) -> Any:
            check_time()
            return super().getattr(obj, attribute)

        def check_time(self) -> None:
            check_time()

    environment = BoundedSandbox(
        loader=loader,
        undefined=StrictUndefined,
        autoescape=autoescape,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["range"] = bounded_range
    return environment


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def render(context: dict[str, Any], output_format: str, template: Path | None = None) -> str:
    """Render the report with the bundled template for the format, or a user's template
    (in Jinja2's sandbox, within `LIMITS`)."""
    from jinja2 import FileSystemLoader, TemplateError
    from jinja2.exceptions import SecurityError

    limits = LIMITS
    if template is None:
        return "".join(render_pieces(context, output_format))
    environment = _sandbox(
        FileSystemLoader(template.resolve().parent), output_format == "html", limits
    )
    name = template.name
    environment.filters.update(_filters(str(context.get("lang", "en"))))
    try:
        return _stream(environment, environment.get_template(name), context, limits)
    except TemplateLimitError as exc:
        line = _template_line(exc, name)
        where = f" (line {line})" if line else ""
        raise ReportError(f"template {name}{where}: {exc}") from None
    except TemplateError as exc:
        line = getattr(exc, "lineno", None) or _template_line(exc, name)
        where = f" (line {line})" if line else ""
        forbidden = "the sandbox forbids it: " if isinstance(exc, SecurityError) else ""
        raise ReportError(f"template {name}{where}: {forbidden}{exc}") from None
    except Exception as exc:  # a user's template that fails (1/0, 2.0 ** 9999) is its problem
        line = _template_line(exc, name)
        where = f" (line {line})" if line else ""
        raise ReportError(f"template {name}{where}: {type(exc).__name__}: {exc}") from None


def render_pieces(context: dict[str, Any], output_format: str) -> Iterator[str]:
    """The report in the bundled template for the format, piece by piece as it renders (a
    large plan's report is written out without being held whole), ending with a line break."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    environment = Environment(
        loader=FileSystemLoader(templates_dir()),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html", "html.j2"]),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(_filters(str(context.get("lang", "en"))))
    last = ""
    for piece in environment.get_template(f"report.{output_format}.j2").generate(**context):
        if piece:
            last = piece
            yield piece
    if not last.endswith("\n"):
        yield "\n"


def _stream(
    environment: Any, compiled: Any, context: dict[str, Any], limits: TemplateLimits
) -> str:
    """The template's output, gathered piece by piece so that time and size are checked while
    it renders, not after."""
    pieces, size = [], 0
    for piece in compiled.generate(**context):
        size += len(piece)
        if size > limits.output_chars:
            raise TemplateLimitError(
                f"the output is over the limit of {limits.output_chars} characters"
            )
        environment.check_time()
        pieces.append(piece)
    return "".join(pieces)


def _template_line(exc: BaseException, name: str) -> int | None:
    """The template line a rendering error happened on (Jinja2 maps its frames to it)."""
    line = None
    traceback = exc.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename.endswith(name):
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line
