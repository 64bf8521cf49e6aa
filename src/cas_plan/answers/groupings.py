"""How `budget` groups its sums, apart from the budget so that the command line can offer the
choices without loading the plan's models."""

from enum import StrEnum


class BudgetGrouping(StrEnum):
    GOAL = "goal"
    MEASURE = "measure"
    UNIT = "unit"
    SOURCE = "source"
    PROGRAMME = "programme"
    PROGRAMME_ACTIVITY = "programme-activity"
    ECONOMIC = "economic"


# the budget classification code each grouping sums by (an amount's `classification`)
CODE_FIELDS: dict[str, str] = {
    BudgetGrouping.PROGRAMME: "programme",
    BudgetGrouping.PROGRAMME_ACTIVITY: "programme_activity",
    BudgetGrouping.ECONOMIC: "economic",
}
NOT_CLASSIFIED = "(not classified)"


GROUPINGS: tuple[str, ...] = tuple(grouping.value for grouping in BudgetGrouping)
