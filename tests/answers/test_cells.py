"""A cell's value in a line of text: one rule for `show`, the report and the site. A deadline,
units and amounts read in the surface's words (the source's spelling of them is English); texts
as the source words them."""

from __future__ import annotations

import pytest

from cas_plan.answers.cells import CellWords, cell_content, cell_text, values_text
from cas_plan.core.deadlines import Quarter
from cas_plan.core.model import CONTINUED, Deadline, Funding, Indicators, Responsibility
from cas_plan.core.money import Money
from cas_plan.l10n.deadlines import DeadlineWords
from cas_plan.l10n.formats import format_money

WORDS = CellWords("(blank)", "(continued)", "No extra cost")
NAMES = {"audit-department": "Audit Department"}
SR_DEADLINE = DeadlineWords("sr", {})


def sr_money(money: Money) -> str:
    return format_money(money.amount, money.currency, "sr")


FUNDS = Funding.model_validate(
    {"amounts": [{"amount": "1234567.5 RSD", "year": 2018}, {"amount": "100 EUR"}]}
)


@pytest.mark.parametrize(
    ("value", "shown", "values"),
    [
        (None, "(blank)", "(blank)"),
        (CONTINUED, "(continued)", "(continued)"),
        ("The old   title", "The old   title", "The old   title"),
        (
            Deadline.model_validate({"when": "2018-06", "as_written": "June\n  2018"}),
            "jun 2018.",
            "jun 2018.",
        ),
        (
            Indicators.model_validate({"items": ["Rules adopted", "Staff trained"]}),
            "Rules adopted; Staff trained",
            "Rules adopted; Staff trained",
        ),
        (
            Responsibility.model_validate({"units": ["audit-department", "not-registered"]}),
            "Audit Department, not-registered",
            "Audit Department, not-registered",
        ),
        (FUNDS, "1.234.567,5 RSD; 100 EUR", "1.234.567,5 RSD; 100 EUR"),
        (
            Funding.model_validate({"as_written": "Budget:\n 1.000 RSD", "no_extra_cost": True}),
            "No extra cost",
            "No extra cost",
        ),
        (
            Funding.model_validate({"as_written": "IPA\n 2013", "sources": ["IPA 2013"]}),
            "IPA 2013",
            "",
        ),
    ],
)
def test_a_cell_in_a_line(value: object, shown: str, values: str) -> None:
    content = cell_content(value)
    assert cell_text(content, WORDS, NAMES, sr_money, SR_DEADLINE) == shown
    assert values_text(content, WORDS, NAMES, sr_money, SR_DEADLINE) == values


def test_the_parts_of_a_cell() -> None:
    content = cell_content(FUNDS)
    assert (content.state, content.as_written, content.amounts) == (
        "stated",
        None,
        (
            Money("RSD", FUNDS.amounts[0].amount.amount),
            Money("EUR", FUNDS.amounts[1].amount.amount),
        ),
    )
    assert values_text(content, WORDS, {}, Money.spell, SR_DEADLINE) == "1234567.5 RSD; 100 EUR"
    deadline = cell_content(Deadline.model_validate({"when": "2018-Q4"}))
    assert (deadline.texts, deadline.deadline) == ((), Quarter(2018, 4))
    assert values_text(deadline, WORDS, {}, Money.spell, SR_DEADLINE) == "četvrti kvartal 2018."
