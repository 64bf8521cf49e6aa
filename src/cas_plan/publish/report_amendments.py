"""The report's amendments of the plan: each decision of the period with a row for every
activity and cell it changed, the value before and after in the reader's words (a deadline in
words, a unit by its name, amounts in the language's notation)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from cas_plan.answers.amendments import AmendmentEffect, CellChange
from cas_plan.answers.cells import CellWords, cell_content, cell_text
from cas_plan.core.money import Money
from cas_plan.core.periods import Period
from cas_plan.l10n.deadlines import DeadlineWords
from cas_plan.l10n.formats import format_money
from cas_plan.l10n.phrases import words

CELL_WORDS = {
    "title": "title",
    "due": "deadline",
    "responsible": "responsible",
    "indicators": "indicators",
    "funds": "funds_indicative",
}


def amendment_rows(
    effects: Sequence[AmendmentEffect],
    period: Period,
    units: Mapping[str, str],
    deadlines: DeadlineWords,
) -> list[dict[str, Any]]:
    """The amendments adopted in the period (up to the date of the state: `effects` go no
    further), each with what it changed."""
    lang = deadlines.lang
    w = words(lang)
    blank = CellWords(w["cell_blank"], w["continued_above"], w["no_extra_cost"])

    def amount(money: Money) -> str:
        return format_money(money.amount, money.currency, lang)

    def said(value: object) -> str:
        return cell_text(cell_content(value), blank, units, amount, deadlines)

    def row(change: CellChange) -> dict[str, Any]:
        view = change.view
        if change.kind == "added":
            cell, old, new = w["cell_added"], "", view.title
        elif change.kind == "cancelled":
            cell, old, new = w["cell_cancelled"], view.title, w["cancelled"]
        else:
            cell, old, new = w[CELL_WORDS[change.kind]], said(change.old), said(change.new)
        return {"activity": view.id, "title": view.title, "cell": cell, "old": old, "new": new}

    return [
        {
            "id": effect.amendment.id,
            "date": effect.amendment.date.isoformat(),
            "decision": effect.amendment.decision,
            "reason": effect.amendment.reason,
            "changes": [row(change) for change in effect.changes],
        }
        for effect in effects
        if effect.amendment.date in period
    ]
