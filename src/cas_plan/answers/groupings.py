"""How `budget` groups its sums, apart from the budget so that the command line can offer the
choices without loading the plan's models."""

from enum import StrEnum


class BudgetGrouping(StrEnum):
    GOAL = "goal"
    MEASURE = "measure"
    UNIT = "unit"
    SOURCE = "source"


GROUPINGS: tuple[str, ...] = tuple(grouping.value for grouping in BudgetGrouping)
