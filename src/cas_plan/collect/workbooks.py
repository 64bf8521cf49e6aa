"""`collect`: one workbook per responsible unit, with the activities it leads in a period.

This module maps the plan onto the workbook's plain records (`collect.sheet`) and names what a
workbook was made from (the plan's identity, a digest of each activity's text), so `import`
(`collect.judge`) can tell a workbook of another plan, or one whose plan text changed since.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cas_plan.answers.queries import deadline_text, period_work
from cas_plan.collect.sheet import CollectActivity, CollectMeta, collect_file_name
from cas_plan.collect.write import build_collect_workbook
from cas_plan.core.deadlines import Continuous
from cas_plan.core.loader import Plan, collecting_garbage
from cas_plan.core.model import Unit
from cas_plan.core.periods import Period
from cas_plan.core.status import STATUSES
from cas_plan.core.views import ActivityView, status_on
from cas_plan.l10n.deadlines import DeadlineWords
from cas_plan.l10n.formats import status_label
from cas_plan.l10n.phrases import surface_words
from cas_plan.l10n.plan_text import in_language

EXTRA_CURRENCIES = ("USD",)
"""Offered after the plan's own currencies: the drop-down stays short (the full ISO list is
180 codes), and a currency typed by hand is still accepted when it is an ISO code."""


def plan_text_digest(view: ActivityView) -> str:
    """What the unit was shown of the activity, in any language: a change to it makes a row's
    answer stale."""
    text = "\n".join([view.title, *view.indicator_texts, deadline_text(view.due.value)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def plan_identity(plan: Plan) -> tuple[str, str]:
    """The plan's title and a short id for it (its title and period), stored in workbooks."""
    if plan.plan is None:
        return "casplan", "none"
    model = plan.plan.model
    text = f"{model.title}\n{model.period.start}..{model.period.end}"
    return model.title, hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def currencies_of(plan: Plan) -> list[str]:
    """The currencies the plan's funds and spending use, then EXTRA_CURRENCIES."""
    used: set[str] = set()
    for view in plan.views:
        if view.funds.value is not None:
            used.update(amount.amount.currency for amount in view.funds.value.amounts)
        for entry in view.activity.progress:
            used.update(spending.amount.currency for spending in entry.spent)
    return sorted(used) + [code for code in EXTRA_CURRENCIES if code not in used]


def collect_activity(
    view: ActivityView, today: dt.date, deadlines: DeadlineWords
) -> CollectActivity:
    latest = status_on(view.entries, today)
    due = view.due.value
    return CollectActivity(
        id=view.id,
        title=view.title,
        indicators=view.indicator_texts,
        deadline_text=deadlines(due.when) if due else "",
        status=latest.status if latest else "",
        status_date=latest.date if latest else None,
        latest_note=(latest.note or "") if latest else "",
        indicator_units=[item.unit for item in view.indicators.value.items]
        if view.indicators.value
        else [],
        continuous=due is not None and isinstance(due.when, Continuous),
    )


@dataclass(frozen=True)
class UnitWorkbook:
    unit: Unit
    file_name: str
    activity_ids: tuple[str, ...]
    data: bytes


def unit_workbook(
    plan: Plan,
    unit: Unit,
    views: Sequence[ActivityView],
    period: Period,
    commit: str,
    shown: Plan,
    deadlines: DeadlineWords,
    today: dt.date,
) -> UnitWorkbook:
    """One unit's collection workbook for the period, in the language of `deadlines`: the
    plan's text as `shown` (in that language where translated), what the workbook is
    recognised by (the plan's identity, the digests of the activities' text) from `plan`."""
    lang = deadlines.lang
    _, plan_id = plan_identity(plan)
    shown_views = {view.id: view for view in shown.views}
    meta = CollectMeta(
        plan_title=shown.title or "casplan",
        plan_id=plan_id,
        commit=commit,
        unit_id=unit.id,
        unit_name=shown.units[unit.id].name,
        period_text=period.text,
        period_start=period.start,
        period_end=period.end,
        made_on=today,
        lang=lang,
        plan_text_digests={view.id: plan_text_digest(view) for view in views},
        status_labels={status: status_label(status, lang) for status in STATUSES},
    )
    data = build_collect_workbook(
        meta,
        [collect_activity(shown_views[view.id], today, deadlines) for view in views],
        currencies_of(plan),
        surface_words(lang, "workbook"),
    )
    return UnitWorkbook(unit, collect_file_name(unit.id), tuple(v.id for v in views), data)


def collect_workbooks(
    plan: Plan,
    period: Period,
    unit_ids: Sequence[str],
    commit: str,
    lang: str,
    today: dt.date,
) -> list[UnitWorkbook]:
    """A workbook in `lang` (the plan's text too, where translated) for each unit asked
    (default: each unit with work in the period, `answers.queries.period_work`, as `followup`
    finds them) with an activity of the period."""
    _, work = period_work(plan, period, today, unit_ids)
    shown = in_language(plan, lang).plan
    deadlines = DeadlineWords.of(shown, lang)
    with collecting_garbage():  # openpyxl's workbooks are cycles of cells and sheets
        return [
            unit_workbook(plan, item.unit, item.views, period, commit, shown, deadlines, today)
            for item in work
        ]
