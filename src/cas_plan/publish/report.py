"""The implementation report's context (a half-year's, a year's, or the final report on the
whole plan period): plain data, rendered by the templates (`publish.templating`) or written as
Word (`output.docx`).

The context holds only dicts, lists, strings and numbers, so a user's template (run in Jinja2's
sandbox) can read the report's data and nothing else. Its figures and rows are
`publish.report_rows`', its amendments `publish.report_amendments`', the coordinator's text
`publish.report_narrative`'s and the final report's evaluation `publish.report_final`'s.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cas_plan import __version__
from cas_plan.answers.amendments import amendment_effects
from cas_plan.answers.budget import period_funds
from cas_plan.answers.figures import SHARE_RULE
from cas_plan.answers.queries import event_dates
from cas_plan.answers.reporting import ReportDeadline, is_final
from cas_plan.answers.statuses import ROLL_UP
from cas_plan.core import layout
from cas_plan.core.history import amendment_order
from cas_plan.core.loader import Plan
from cas_plan.core.model import Loaded, MeasureFile
from cas_plan.core.organization import unit_names_by_id
from cas_plan.core.periods import Period, report_kind
from cas_plan.core.provenance import GitState
from cas_plan.core.views import ActivityView, by_goal, by_measure, id_sort_key
from cas_plan.l10n.deadlines import DeadlineWords
from cas_plan.l10n.formats import (
    format_date_range,
    format_int,
    html_lang,
    phrase,
    plural,
    state_as_of,
)
from cas_plan.l10n.phrases import REPORT_STATUSES, words
from cas_plan.l10n.plan_text import in_language
from cas_plan.publish import templating
from cas_plan.publish.charts import bar_chart, gantt
from cas_plan.publish.indicators import indicator_section
from cas_plan.publish.report_amendments import amendment_rows
from cas_plan.publish.report_final import Final, evaluation
from cas_plan.publish.report_narrative import Texts, texts_of
from cas_plan.publish.report_rows import (
    SUMMARY_KEYS,
    Occurrence,
    RowWords,
    activity_rows,
    delays,
    occurrences_between,
    summary,
)

SHARE_KEYS = tuple(key for key in REPORT_STATUSES if key != "cancelled")


@dataclass(frozen=True)
class ReportOn:
    """What a report is asked for: the plan in force on the date of the state, the period
    (within the plan period), the date of the state, the language, where the plan comes from,
    and the report's deadline in the reporting calendar (None: the plan calls for none)."""

    plan: Plan
    period: Period
    as_of: dt.date
    lang: str
    git: GitState
    deadline: ReportDeadline | None = None

    @property
    def final(self) -> bool:
        return is_final(self.plan, self.period)


def title(period: Period, final: bool, lang: str) -> str:
    """The report's title: for a half-year, a year, several years, or the final report."""
    kind = report_kind(period)
    first, last = str(period.start.year), str(period.end.year)
    if final and first != last:
        return phrase("title_final", lang, first=first, last=last)
    if kind == "half":
        half = words(lang)[f"half_{period.text[-1]}"]
        return phrase("title_for_half", lang, half=half, year=first)
    if kind == "years" and first != last:
        return phrase("title_for_years", lang, first=first, last=last)
    return phrase("title_for_year", lang, year=first)


def build_context(on: ReportOn) -> dict[str, Any]:
    """Everything a report template (or the docx writer) may show, as plain data; the
    plan's own text in the report's language where it is translated (`l10n.plan_text`)."""
    shown = in_language(on.plan, on.lang)
    on = replace(on, plan=shown.plan)
    plan, period, as_of, lang = on.plan, on.period, on.as_of, on.lang
    units = unit_names_by_id(plan.units)
    deadlines = DeadlineWords.of(plan, lang)
    say = RowWords(period, as_of, units, deadlines, event_dates(plan))
    start = plan.plan.model.period.start if plan.plan else period.start
    found = occurrences_between(plan, min(start, period.start), period.end, as_of)
    in_period = [o for o in found if o.deadline >= period.start]
    effects = amendment_effects(plan, [a for a in amendment_order(plan) if a.date <= as_of])
    texts = texts_of(plan, period, lang)
    rows = activity_rows(plan, in_period, say)
    goal_ids = sorted((g.model.id for g in plan.goals), key=id_sort_key)
    stats = summary(in_period, goal_ids)
    goals = _goals(plan, goal_ids, in_period, rows, stats, texts, lang)
    late = delays(found, effects, say)
    funds = _funds(plan, period, on.final, lang)
    context = {
        **_cover(on, texts),
        "summary_keys": list(SUMMARY_KEYS),
        "share_keys": list(SHARE_KEYS),
        "statuses": list(REPORT_STATUSES),
        "summary": stats,
        "figures": [
            {"key": key, "count": count, "percent": stats["overall"]["percents"][key]}
            for key, count in stats["overall"]["counts"].items()
        ],
        "goals": goals,
        "delays": late,
        "amendments": amendment_rows(effects, period, units, deadlines),
        "funds": funds,
        "annex": sorted(rows.values(), key=lambda r: id_sort_key(r["id"])),
        "charts": _charts(in_period, goals, period, as_of, lang),
        "evaluation": [],
        "indicators": indicator_section(plan, as_of, lang),
        "translation": shown.note(),
    }
    if on.final:
        final = Final(plan, lang, goals, stats["overall"], in_period, effects, funds, late, texts)
        context["evaluation"] = evaluation(final)
    return context


def _cover(on: ReportOn, texts: Texts) -> dict[str, Any]:
    """The title, the cover's rows, the rules the figures follow, the narrative's place."""
    plan, period, lang = on.plan, on.period, on.lang
    w = words(lang)
    deadline = on.deadline
    return {
        "w": w,
        "lang": lang,
        "html_lang": html_lang(lang),
        "title": title(period, on.final, lang),
        "state_as_of": state_as_of(on.as_of, lang),
        "plan": _plan_record(plan),
        "year": period.end.year,
        "period": {
            "text": period.text,
            "kind": "final" if on.final else report_kind(period),
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "words": format_date_range(period.start, period.end, lang),
            "years": list(range(period.start.year, period.end.year + 1)),
        },
        "report_due": deadline.due.isoformat() if deadline else None,
        "as_of": on.as_of.isoformat(),
        "generated": {
            "commit": on.git.commit,
            "dirty": on.git.dirty,
            "describe": on.git.describe,
            "version": __version__,
        },
        "rules": [w[SHARE_RULE], w[ROLL_UP]],
        "narrative": {
            "present": texts.text is not None,
            "executive_summary": texts.summary(),
            "file": layout.report_file(period.text),
        },
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


def _charts(
    found: list[Occurrence],
    goals: list[dict[str, Any]],
    period: Period,
    as_of: dt.date,
    lang: str,
) -> dict[str, Any]:
    """The completion bars per goal, and the period's deadlines on a time line (with its
    heading: the year's, or the half-year's in words)."""
    classified = [(o.row, o.klass) for o in found]
    w = words(lang)
    heading = f"{w['deadlines_of_year']} {period.end.year}"
    if report_kind(period) == "half":
        heading = f"{w['deadlines_of_period']}: {format_date_range(period.start, period.end, lang)}"
    return {
        "gantt": {**gantt(classified, period.start, period.end, as_of, lang), "heading": heading},
        "bars": bar_chart(goals),
    }


def _goals(
    plan: Plan,
    goal_ids: list[str],
    found: list[Occurrence],
    rows: dict[str, dict[str, Any]],
    stats: dict[str, Any],
    texts: Texts,
    lang: str,
) -> list[dict[str, Any]]:
    """Each goal with its figures, its paragraph and its measures."""
    goal_titles = {g.model.id: g.model.title for g in plan.goals}
    classes: dict[str, list[str]] = {}  # each measure's classes of the period
    for occurrence in found:
        classes.setdefault(occurrence.view.measure_id, []).append(occurrence.klass)
    goals = []
    of_goal, of_measure = by_goal(plan.measures), by_measure(plan.views)
    for goal_id in goal_ids:
        measures = [
            _measure(
                measure,
                of_measure.get(measure.model.id, []),
                classes.get(measure.model.id, []),
                (rows, texts, lang),
            )
            for measure in sorted(of_goal.get(goal_id, []), key=lambda m: id_sort_key(m.model.id))
        ]
        goal = stats["goals"][goal_id]
        paragraphs = texts.goal(goal_id)
        goals.append(
            {
                "id": goal_id,
                "title": goal_titles.get(goal_id, ""),
                "summary": goal,
                "completion": goal["completion"],
                "due_count": goal["counts"]["due"],
                "narrative": paragraphs,
                "narrative_missing": not paragraphs,
                "measures": measures,
            }
        )
    return goals


def _measure(
    measure: Loaded[MeasureFile],
    of_measure: list[ActivityView],
    classes: list[str],
    said: tuple[dict[str, dict[str, Any]], Texts, str],
) -> dict[str, Any]:
    """One measure (`of_measure`: its activities): its line of figures and its activities
    listed (`said`: the rows by id, the texts, the language); continuous ones with nothing
    reported in the period are counted, not listed."""
    rows, texts, lang = said
    measure_id = measure.model.id
    listed = [rows[v.id] for v in of_measure if v.id in rows]
    silent = [
        v
        for v in of_measure
        if v.id not in rows
        and v.due.value is not None
        and v.due.value.when.kind == "continuous"
        and not v.cancelled
    ]
    counts = {key: classes.count(key) for key in REPORT_STATUSES}
    counts["due"] = len(classes)
    return {
        "id": measure_id,
        "title": measure.model.title,
        "line": _measure_line(counts, lang),
        "counts": counts,
        "narrative": texts.measure(measure_id),
        "activities": listed,
        "not_listed_continuous": len(silent),
        "not_listed_text": plural(len(silent), "not_listed_continuous", lang) if silent else None,
    }


def _measure_line(counts: dict[str, int], lang: str) -> str:
    """One line per measure: "3 activities due in the period: 1 completed, 2 in progress."."""
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


def _funds(plan: Plan, period: Period, final: bool, lang: str) -> dict[str, Any]:
    """Indicative funds of the period's years (the whole plan period's amounts too, in the
    final report) beside the spending of each year, by goal and by measure."""
    years = range(period.start.year, period.end.year + 1)
    by_goal = period_funds(plan, "goal", years, final)
    left_out = len(by_goal.left_out)
    several = len(years) > 1
    return {
        "years": list(years),
        "by_goal": by_goal.lines(),
        "by_measure": period_funds(plan, "measure", years, final).lines(),
        "totals": by_goal.totals(),
        "intro": words(lang)["funds_period_intro" if several else "funds_year_intro"],
        "not_by_year": left_out,
        "not_by_year_text": plural(
            left_out, "amounts_other_years" if final else "amounts_not_by_year", lang
        ),
        "spent_headers": [phrase("spent_in_year", lang, year=str(year)) for year in years],
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
