"""The yearly implementation report: a context of plain data, rendered by Jinja2 templates.

The context holds only dicts, lists, strings and numbers, so a user's template (run in Jinja2's
sandbox) can read the report's data and nothing else. Templates run with undefined variables as
errors. Markdown text is escaped by the `md` filter; HTML is autoescaped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cas_plan import __version__
from cas_plan.budget import budget_record, compute_budget
from cas_plan.errors import PlanProblems
from cas_plan.loader import Plan
from cas_plan.money import group_digits
from cas_plan.output.markdown import md_escape
from cas_plan.provenance import GitState
from cas_plan.queries import DueQuery, DueRow, due_rows, occurrence_status
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
    entries = [e for e in view.activity.progress if e.date <= as_of and e.status == "completed"]
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
        for entry in view.activity.progress
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
            and not (view.due.value and view.due.value.when.kind == "continuous")
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
    from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, select_autoescape
    from jinja2.exceptions import SecurityError

    limits = LIMITS
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
        environment = _sandbox(
            FileSystemLoader(template.resolve().parent), output_format == "html", limits
        )
        name = template.name
    environment.filters.update(_filters())
    try:
        if template is None:
            return str(environment.get_template(name).render(**context))
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
        if template is None:
            raise
        line = _template_line(exc, name)
        where = f" (line {line})" if line else ""
        raise ReportError(f"template {name}{where}: {type(exc).__name__}: {exc}") from None


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
