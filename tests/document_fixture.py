"""An amended plan for the document's tests (test data, not the real plan)."""

from __future__ import annotations

from cas_plan.core.views import CELLS
from plans import minimal_files

# amendment a-2018 moved a deadline (1.1.1, a cell merged over two rows), gave 1.1.2 a
# responsible unit of its own (it continued the row above) and renamed 2.1.1; a-2019 cancelled
# 1.1.3 and added 1.1.4. Measure 1.2 has sub-activities that continue their parent's cells, and
# a blank cell.
AMENDMENTS_YAML = """\
amendments:
  - id: a-2018
    date: 2018-06-15
    decision: 05 br. 021-1234/2018
    reason: Deadlines revised
  - id: a-2019
    date: 2019-03-01
    decision: 05 br. 021-99/2019
"""
GOAL_1_YAML = """\
id: "1"
title: First goal
title_as_written: 1. FIRST GOAL
"""
MEASURE_11_YAML = """\
id: "1.1"
title: Rules and training
activities:
  - id: "1.1.1"
    title: Write the rules
    indicators:
      as_written: "- Rules adopted - Rules published"
      items: [Rules adopted, Rules published]
    responsible:
      as_written: Human Resources Division, Assistant Director General
      units:
        - unit: hr-division
          role: Assistant Director General
    funds:
      as_written: No expenses
      no_extra_cost: true
    due:
      as_written: December 31, 2018
      when: 2018-12-31
    history:
      - amendment: a-2018
        due:
          as_written: June 30, 2018
          when: 2018-06-30
  - id: "1.1.2"
    title: Train the staff
    indicators: [Training held]
    responsible: [training-department]
    history:
      - amendment: a-2018
        responsible: continued
  - id: "1.1.3"
    title: Audit the training
    indicators: [Audit report]
    responsible: [audit-department]
    funds:
      amounts:
        - amount: 1000.50 EUR
          year: 2018
    due: 2019-Q2
    cancelled_by: a-2019
  - id: "1.1.4"
    title: Buy the software
    indicators: [Software bought]
    responsible: [hr-division]
    funds:
      undetermined: true
    due: 2019-12
    added_by: a-2019
"""
MEASURE_12_YAML = """\
id: "1.2"
title: Audits
activities:
  - id: "1.2.1"
    title: Audit the units
    indicators: []
    responsible: [audit-department]
    funds:
      no_extra_cost: true
    due: continuous
    sub_activities:
      - id: "1.2.1.1"
        title: Audit the divisions
        indicators: [Audit reports made]
      - id: "1.2.1.2"
        title: Audit the departments
"""
GOAL_2_YAML = """\
id: "2"
title: Second goal
"""
MEASURE_21_YAML = """\
id: "2.1"
title: Later work
activities:
  - id: "2.1.1"
    title: Plan the next strategy
    responsible: [hr-division]
    due: 2020
    history:
      - amendment: a-2018
        title: Plan the strategy
"""


def amended_files() -> dict[str, str]:
    files = minimal_files()
    files.update(
        {
            "amendments.yaml": AMENDMENTS_YAML,
            "goal-1/goal.yaml": GOAL_1_YAML,
            "goal-1/measure-1.1.yaml": MEASURE_11_YAML,
            "goal-1/measure-1.2.yaml": MEASURE_12_YAML,
            "goal-2/goal.yaml": GOAL_2_YAML,
            "goal-2/measure-2.1.yaml": MEASURE_21_YAML,
        }
    )
    return files


def expected_spans(plan) -> dict[tuple[str, str], int]:
    """(activity, cell) -> the rows its cell spans, from the measure files alone: a row that
    states a cell starts it, and the rows after it that leave the cell out continue it (a
    plan with no amendments)."""
    spans: dict[tuple[str, str], int] = {}
    for measure in plan.measures:
        rows = []

        def walk(activities, rows=rows):
            for activity in activities:
                rows.append(activity)
                walk(activity.sub_activities)

        walk(measure.model.activities)
        for cell in CELLS:
            start = None
            for activity in rows:
                if cell in activity.model_fields_set or start is None:
                    start = activity.id
                    spans[start, cell] = 1
                else:
                    spans[start, cell] += 1
    return spans
