"""A cell of an activity's row as the plan states it, now or before an amendment replaced it:
blank, continued from the row above, or stated, with its parts; and the one way to say it in a
line of text, in the words of whichever surface shows it (`show`, the report, the site).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from cas_plan.core.deadlines import DeadlineSpec
from cas_plan.core.diagnostics import one_line
from cas_plan.core.model import CONTINUED, Deadline, Funding, Indicators, Responsibility
from cas_plan.core.money import Money


@dataclass(frozen=True)
class CellContent:
    """What a cell held. `texts` are its values as text (a title, the indicators); a deadline's
    is `deadline`, a responsibility's `unit_ids`, indicative funds' `amounts`."""

    state: Literal["blank", "continued", "stated"]
    as_written: str | None = None
    texts: tuple[str, ...] = ()
    deadline: DeadlineSpec | None = None
    unit_ids: tuple[str, ...] = ()
    amounts: tuple[Money, ...] = ()
    no_extra_cost: bool = False


@dataclass(frozen=True)
class CellWords:
    """How a surface says a cell with no values of its own."""

    blank: str
    continued: str
    no_extra_cost: str


def cell_content(value: object) -> CellContent:
    """The content of a cell's value (a model's cell, `continued` or None)."""
    if value == CONTINUED:
        return CellContent("continued")
    if value is None:
        return CellContent("blank")
    if isinstance(value, Deadline):
        return CellContent("stated", value.as_written, deadline=value.when)
    if isinstance(value, Indicators):
        return CellContent("stated", value.as_written, tuple(value.texts))
    if isinstance(value, Responsibility):
        units = tuple(entry.unit for entry in value.units)
        return CellContent("stated", value.as_written, unit_ids=units)
    if isinstance(value, Funding):
        amounts = tuple(amount.amount for amount in value.amounts)
        return CellContent(
            "stated", value.as_written, amounts=amounts, no_extra_cost=value.no_extra_cost
        )
    return CellContent("stated", None, (str(value),))  # a title


def values_text(
    content: CellContent,
    words: CellWords,
    names: Mapping[str, str],
    money: Callable[[Money], str],
    deadline: Callable[[DeadlineSpec], str],
) -> str:
    """The cell's values in a line, without the source's words: units by `names` (an id
    without a name as itself), amounts by `money`, a deadline by `deadline`, joined by '; '
    (an amount may hold a comma), units by ', '."""
    if content.state == "continued":
        return words.continued
    if content.state == "blank":
        return words.blank
    if content.deadline is not None:
        return deadline(content.deadline)
    if content.unit_ids:
        return ", ".join(names.get(unit, unit) for unit in content.unit_ids)
    if content.amounts:
        return "; ".join(money(amount) for amount in content.amounts)
    if content.no_extra_cost:
        return words.no_extra_cost
    return "; ".join(content.texts)


def cell_text(
    content: CellContent,
    words: CellWords,
    names: Mapping[str, str],
    money: Callable[[Money], str],
    deadline: Callable[[DeadlineSpec], str],
) -> str:
    """The cell in a line: a deadline, units and amounts in the surface's own words (the
    source's spelling of them is English), texts (a title, the indicators) as the source words
    them (white space folded); a cell with neither, its source words if any."""
    worded = (
        content.deadline is not None
        or bool(content.unit_ids)
        or bool(content.amounts)
        or content.no_extra_cost
    )
    if content.state == "stated" and content.as_written and not worded:
        return one_line(content.as_written)
    return values_text(content, words, names, money, deadline)
