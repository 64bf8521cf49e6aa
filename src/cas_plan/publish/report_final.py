"""The final report's evaluation (Law on the Planning System, art. 40): a section per criterion
(relevance, efficiency, effectiveness, sustainability) with the figures that bear on it beside
the coordinator's text. Each section's figures are plain tables (a header and rows of text), so
every format draws them alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cas_plan.answers.amendments import AmendmentEffect
from cas_plan.core.lineage import carried_to
from cas_plan.core.loader import Plan
from cas_plan.core.model import CRITERIA
from cas_plan.l10n.formats import format_date, format_int, format_money, format_percent_value
from cas_plan.l10n.phrases import words
from cas_plan.publish.report_narrative import Texts
from cas_plan.publish.report_rows import Occurrence


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right: int = 1) -> dict[str, Any]:
    """A table of text: its header, rows, and which columns hold numbers (all from `right`)."""
    return {
        "header": list(header),
        "rows": [list(row) for row in rows],
        "align": ["left" if i < right else "right" for i in range(len(header))],
    }


@dataclass(frozen=True)
class Final:
    """What the evaluation draws on: the report's figures, already built."""

    plan: Plan
    lang: str
    goals: list[dict[str, Any]]  # the report's goals, with their summary
    overall: dict[str, Any]
    found: Sequence[Occurrence]
    effects: Sequence[AmendmentEffect]
    funds: dict[str, Any]
    delays: list[dict[str, Any]]
    texts: Texts

    def num(self, value: int) -> str:
        return format_int(value, self.lang)

    def per_goal(self, cells: Callable[[str], list[str]]) -> list[list[str]]:
        """A row per goal (its id and title first), then the overall row (`cells` of "")."""
        w = words(self.lang)
        rows = [[f"{g['id']}. {g['title']}", *cells(g["id"])] for g in self.goals]
        return [*rows, [w["overall"], *cells("")]]


def evaluation(final: Final) -> list[dict[str, Any]]:
    """The four sections, in the order of art. 40."""
    w = words(final.lang)
    builders = {
        "relevance": _relevance,
        "efficiency": _efficiency,
        "effectiveness": _effectiveness,
        "sustainability": _sustainability,
    }
    return [
        {
            "key": key,
            "title": w[f"criterion_{key}"],
            "intro": w[f"criterion_intro_{key}"],
            "narrative": final.texts.criterion(key),
            "tables": builders[key](final),
        }
        for key in CRITERIA
    ]


def _relevance(final: Final) -> list[dict[str, Any]]:
    """How much the plan had to change: per goal, the activities the amendments added and
    cancelled, the deadlines they moved and the other cells they changed."""
    w = words(final.lang)
    kinds = {"added": 0, "cancelled": 1, "due": 2}

    def cells(goal: str) -> list[str]:
        tally = [0, 0, 0, 0]
        for effect in final.effects:
            for change in effect.changes:
                if goal in ("", change.view.goal_id):
                    tally[kinds.get(change.kind, 3)] += 1
        return [final.num(count) for count in tally]

    header = [
        w["goal"],
        w["activities_added"],
        w["activities_cancelled"],
        w["deadlines_moved"],
        w["other_cells_changed"],
    ]
    return [table(header, final.per_goal(cells))]


def _effectiveness(final: Final) -> list[dict[str, Any]]:
    """What the plan achieved: per goal, what fell due, was completed on time and late, and
    the completed share."""
    w = words(final.lang)
    stats = {g["id"]: g["summary"] for g in final.goals} | {"": final.overall}

    def cells(goal: str) -> list[str]:
        counts = stats[goal]["counts"]
        keys = ("due", "completed", "completed_late")
        share = format_percent_value(stats[goal]["completion"], final.lang)
        return [*(final.num(counts[key]) for key in keys), share]

    header = [w["goal"], w["due"], w["completed"], w["completed_late"], w["completed_share"]]
    return [table(header, final.per_goal(cells))]


def _efficiency(final: Final) -> list[dict[str, Any]]:
    """What it cost and how late: indicative funds beside the funds spent per goal and
    currency; per goal, the activities completed late and by how many days."""
    w, lang = words(final.lang), final.lang

    def money(value: str | None, currency: str) -> str:
        return "\N{EN DASH}" if value is None else format_money(Decimal(value), currency, lang)

    def amounts(label: str, line: dict[str, Any]) -> list[str]:
        currency = line["currency"]
        return [
            label,
            currency,
            money(line["indicative"], currency),
            money(line["spent"], currency),
        ]

    funds = [amounts(f"{x['group']}. {x['name']}", x) for x in final.funds["by_goal"]]
    funds += [amounts(w["total"], t) for t in final.funds["totals"]]
    header = [w["goal"], w["currency"], w["funds_indicative"], w["funds_spent"]]

    def late(goal: str) -> list[str]:
        days = [o.late for o in final.found if o.late and goal in ("", o.view.goal_id)]
        if not days:
            return [final.num(0), "\N{EN DASH}", "\N{EN DASH}"]
        average = (2 * sum(days) + len(days)) // (2 * len(days))
        return [final.num(len(days)), final.num(average), final.num(max(days))]

    lateness = [w["goal"], w["completed_late"], w["average_days_late"], w["longest_days_late"]]
    return [table(header, funds, right=2), table(lateness, final.per_goal(late))]


def _sustainability(final: Final) -> list[dict[str, Any]]:
    """What is still open at the end of the plan, and where it goes next."""
    w, lang = words(final.lang), final.lang
    rows = [
        [
            d["id"],
            d["title"],
            ", ".join(d["responsible"]),
            format_date_short(d["deadline"], lang),
            d["status_text"],
            carried_to(final.plan, d["id"]) or w["not_carried"],
        ]
        for d in final.delays
    ]
    header = [
        w["id"],
        w["activity"],
        w["responsible"],
        w["deadline"],
        w["status"],
        w["carried_to_column"],
    ]
    return [table(header, rows, right=len(header))]


def format_date_short(iso: str, lang: str) -> str:
    return format_date(dt.date.fromisoformat(iso), lang, "short")
