"""Each cross-file check of `core/checks.py`, run directly on a small plan that breaks its rule:
the exact problems it finds (placed at their line and column, with their hints), and nothing on
the valid fixture plan. A check added to CHECKS without a case here fails
`test_every_check_has_a_case`."""

from __future__ import annotations

import datetime as dt

import pytest

from cas_plan.core import checks
from cas_plan.core.loader import directory_listing, load_plan
from plans import MEASURE_YAML, ORGANIZATION_YAML, minimal_files, write_plan

AS_OF = dt.date(2019, 1, 1)
M = MEASURE_YAML


def measure(text: str) -> dict[str, str]:
    """The fixture plan with its one measure file replaced."""
    files = minimal_files()
    files["goal-1/measure-1.1.yaml"] = text
    return files


def problems(tmp_path, files: dict[str, str], check) -> list[str]:
    root = write_plan(tmp_path / "plan", files)
    result = load_plan(directory_listing(root), "plan", None, False)
    assert [d.headline() for d in result.diagnostics] == []  # every file reads; the check finds it
    found = check(checks.CheckContext(result.plan, result.plan.views, AS_OF))
    return [d.headline() + (f" [hint: {d.hint}]" if d.hint else "") for d in result.placed(found)]


BROKEN = {
    "validate_file_layout": {
        **{k: v for k, v in minimal_files().items() if k != "goal-1/measure-1.1.yaml"},
        "goal-1/measure-1.2.yaml": M,
        "goal-2/measure-2.1.yaml": M.replace('"1.1', '"2.1'),
    },
    "validate_unique_ids": measure(M.replace('id: "1.1.2"', 'id: "1.1.1"')),
    "validate_activity_ids": measure(M.replace('id: "1.1.2"', 'id: "1.2.2"')),
    "validate_unit_registry": {
        **minimal_files(),
        "organization.yaml": ORGANIZATION_YAML.replace("parent: hr-division", "parent: hr-divison")
        + "  - id: all-units\n    name: All units\n    kind: department\n    covers: [audit-department, nobody]\n",
    },
    "validate_unit_references": measure(
        M.replace("responsible: [hr-division]", "responsible: [hr-divison]")
    ),
    "validate_funds_references": measure(
        M.replace("      no_extra_cost: true", '      see: ["1.1.1", "1.1.9"]')
    ),
    "validate_amounts_match_text": measure(
        M.replace(
            "      no_extra_cost: true",
            '      amounts:\n        - amount: 1200 RSD\n          as_written: "1.300,00 RSD"',
        )
    ),
    "validate_deadlines_match_text": measure(
        M.replace(
            "    due: 2018-12-31",
            '    due:\n      when: 2018-12-31\n      as_written: "30 June 2018"',
        )
    ),
    "validate_event_references": measure(
        M.replace("    due: 2018-12-31", "    due: by project-strat")
    ),
    "validate_deadlines_in_period": measure(M.replace("    due: 2018-12-31", "    due: 2021-03")),
    "validate_cells_stated": measure(M.replace("    responsible: [hr-division]\n", "")),
    "validate_progress": measure(
        M.replace(
            "    due: 2018-12-31\n",
            '    due: 2018-12-31\n    progress:\n      - date: 2018-06-01\n        status: in_progress\n      - date: 2018-03-01\n        status: in_progress\n        values:\n          Rules adoptd: "1"\n      - date: 2019-02-01\n        status: delayed\n',
        ).replace(
            "    due: continuous\n",
            "    due: continuous\n    progress:\n      - date: 2018-05-01\n        status: completed\n",
        )
    ),
}
AMENDMENTS = 'amendments:\n  - id: a-2018\n    date: 2018-06-28\n    decision: "05 br. 1/2018"\n  - id: a-2017\n    date: 2017-03-01\n    decision: "05 br. 9/2017"\n'
BROKEN.update(
    {
        "validate_amendments": {
            **measure(
                M.replace(
                    "    due: 2018-12-31\n",
                    "    due: 2018-12-31\n    history:\n      - amendment: a-2018\n        title: Old title\n      - amendment: a-2017\n        title: Older title\n      - amendment: a-2019\n        title: Unknown\n",
                )
                + '  - id: "1.1.3"\n    title: Added by the Government\n    added_by: a-2018\n    responsible: [audit-department]\n    due: 2019-06-30\n    cancelled_by: a-missing\n'
            ),
            "amendments.yaml": AMENDMENTS,
        },
        "validate_corrections": measure(
            M.replace(
                "    due: 2018-12-31\n",
                "    due: 2018-12-31\n    progress:\n      - date: 2018-06-01\n        status: in_progress\n      - date: 2018-07-01\n        status: in_progress\n        corrects: 2018-06-01#2\n      - date: 2018-08-01\n        status: in_progress\n        corrects: 2018-05-01\n",
            )
        ),
        "validate_reporters": measure(
            M.replace(
                "    due: 2018-12-31\n",
                '    due: 2018-12-31\n    progress:\n      - date: 2018-06-01\n        status: in_progress\n        reported_by: training-department\n      - date: 2018-07-01\n        status: in_progress\n        reported_by: "audit-department:Jelena P."\n      - date: 2018-08-01\n        status: in_progress\n        reported_by: legal-office\n',
            )
        ),
        "validate_spending_currency": measure(
            M.replace(
                "      no_extra_cost: true", "      amounts:\n        - amount: 1200 RSD"
            ).replace(
                "    due: 2018-12-31\n",
                "    due: 2018-12-31\n    progress:\n      - date: 2018-06-01\n        status: in_progress\n        spent:\n          - amount: 100 EUR\n            year: 2018\n          - amount: 1000 RSD\n            year: 2018\n",
            )
        ),
        "validate_report_narratives": {
            **minimal_files(),
            "reports/2019.yaml": 'period: 2018\nen:\n  executive_summary: A fixture narrative.\n  goals:\n    "1": Goal one went well.\n    "7": Not a goal here.\n  measures:\n    "1.2": Not a measure here.\n  evaluation:\n    relevance: Too early.\n',
        },
        "validate_record_dates": {
            **minimal_files(),
            "amendments.yaml": 'amendments:\n  - id: a-old\n    date: 2015-12-31\n    decision: "05 br. 1/2015"\n'
            '  - id: a-first\n    date: 2016-01-01\n    decision: "05 br. 1/2016"\n'
            '  - id: a-later\n    date: 2019-01-02\n    decision: "05 br. 1/2019"\n',
        },
        "validate_uncertain": measure(
            M.replace(
                "    indicators: [Rules adopted]",
                "    indicators:\n      items: [Rules adopted]\n      uncertain: the cell may belong to the row below",
            ).replace(
                "      no_extra_cost: true",
                "      amounts:\n        - amount: 1200 RSD\n          uncertain: garbled in the source",
            )
        ),
        "validate_translations": {
            **minimal_files(),
            "translations/sr.yaml": "plan:\n  institution: {text: Uprava carina, digest: 0123456789ab}\n"
            'goals:\n  "1":\n    title: {text: Prvi cilj, digest: d9c54d454efa}\n'
            'activities:\n  "1.1.1":\n    title: {text: Pisati pravila, digest: ffffffffffff}\n'
            "    indicators:\n      2: {text: Drugi pokazatelj, digest: ffffffffffff}\n"
            '  "1.1.2":\n    title: {text: Обучити особље, digest: 2cc4591de8bb}\n'
            '  "1.1.9":\n    title: {text: Nepostojeća, digest: ffffffffffff}\n'
            "units:\n  hr-divison:\n    name: {text: Sektor, digest: ffffffffffff}\n",
        },
    }
)

EXPECTED: dict[str, list[str]] = {
    "validate_file_layout": [
        "plan/goal-1/measure-1.2.yaml:1:5: error: measure 1.1 is in a file "
        "named 'measure-1.2.yaml' [hint: rename the file to "
        "measure-1.1.yaml]",
        "plan/goal-2/measure-2.1.yaml:1:5: error: goal 2 of measure 2.1 has no goal-2/goal.yaml",
    ],
    "validate_unique_ids": [
        "plan/goal-1/measure-1.1.yaml:11:9: error: duplicate activity id "
        "'1.1.1' (also in plan/goal-1/measure-1.1.yaml)"
    ],
    "validate_activity_ids": [
        "plan/goal-1/measure-1.1.yaml:11:9: error: '1.2.2' is not numbered "
        "as an activity of measure 1.1 [hint: its id should be 1.1.N]"
    ],
    "validate_unit_registry": [
        "plan/organization.yaml:9:13: error: unknown parent unit "
        "'hr-divison' [hint: did you mean 'hr-division'?]",
        "plan/organization.yaml:18:13: error: only a collective unit "
        "covers other units [hint: set kind: collective or remove covers]",
        "plan/organization.yaml:18:32: error: unknown unit 'nobody'",
    ],
    "validate_unit_references": [
        "plan/goal-1/measure-1.1.yaml:7:19: error: unknown unit "
        "'hr-divison' [hint: did you mean 'hr-division'?]"
    ],
    "validate_funds_references": [
        "plan/goal-1/measure-1.1.yaml:9:13: error: the funds of 1.1.1 refer to itself",
        "plan/goal-1/measure-1.1.yaml:9:22: error: funds refer to "
        "'1.1.9', which is neither an activity nor a measure of the "
        "plan [hint: did you mean '1.1.2' or '1.1.1' or '1.1'?]",
    ],
    "validate_amounts_match_text": [
        "plan/goal-1/measure-1.1.yaml:10:19: error: amount 1200 RSD "
        "does not match the text '1.300,00 RSD' [hint: correct the "
        "amount, or say why the text is read differently in "
        "'uncertain']"
    ],
    "validate_deadlines_match_text": [
        "plan/goal-1/measure-1.1.yaml:11:13: error: deadline "
        "2018-12-31 does not match the text '30 June 2018' (read "
        "as 2018-06-30) [hint: correct the deadline, or say why "
        "the text is read differently in 'uncertain']"
    ],
    "validate_event_references": [
        "plan/goal-1/measure-1.1.yaml:10:10: error: unknown event "
        "'project-strat' in the deadline [hint: did you mean "
        "'project-start'?]"
    ],
    "validate_deadlines_in_period": [
        "plan/goal-1/measure-1.1.yaml:10:10: error: deadline "
        "2021-03 is outside the plan period 2017-01-01..2020-12-31 "
        "[hint: check the year; a deadline that runs past the plan "
        "is written open-ended, e.g. 2020..]"
    ],
    "validate_cells_stated": [
        "plan/goal-1/measure-1.1.yaml:4:9: error: activity 1.1.1 has no "
        "responsible unit [hint: state 'responsible' on this activity or "
        "on a row above it in the measure]",
        "plan/goal-1/measure-1.1.yaml:10:9: error: activity 1.1.2 has no "
        "responsible unit [hint: state 'responsible' on this activity or "
        "on a row above it in the measure]",
    ],
    "validate_progress": [
        "plan/goal-1/measure-1.1.yaml:14:15: error: progress entry of "
        "2018-03-01 comes after one of 2018-06-01 [hint: keep progress entries "
        "in date order, oldest first]",
        "plan/goal-1/measure-1.1.yaml:17:11: error: 'Rules adoptd' is not an "
        "indicator of 1.1.1 [hint: did you mean 'Rules adopted'?]",
        "plan/goal-1/measure-1.1.yaml:18:15: error: progress entry dated "
        "2019-02-01, after 2019-01-01 [hint: progress is recorded once it has "
        "happened]",
        "plan/goal-1/measure-1.1.yaml:26:17: error: 1.1.2 is continuous and "
        "cannot be completed [hint: report continuous activities per year with "
        "in_progress]",
    ],
    "validate_amendments": [
        "plan/goal-1/measure-1.1.yaml:14:20: error: amendment a-2017 of "
        "2017-03-01 comes after one of 2018-06-28 [hint: keep an activity's "
        "history in the order the amendments were adopted]",
        "plan/goal-1/measure-1.1.yaml:16:20: error: unknown amendment "
        "'a-2019' [hint: did you mean 'a-2018' or 'a-2017'?]",
        "plan/goal-1/measure-1.1.yaml:24:5: error: activity 1.1.3 was added "
        "by amendment and must state every cell itself; it leaves out "
        "indicators, funds [hint: an added row continues no merged cell of "
        "the row above]",
        "plan/goal-1/measure-1.1.yaml:27:19: error: unknown amendment "
        "'a-missing' [hint: add it to amendments.yaml]",
    ],
    "validate_corrections": [
        "plan/goal-1/measure-1.1.yaml:16:19: error: 1.1.1 has no earlier "
        "entry 2018-06-01#2 to correct [hint: name the date of an earlier "
        "entry (DATE#N for the N-th of that day)]",
        "plan/goal-1/measure-1.1.yaml:19:19: error: 1.1.1 has no earlier "
        "entry 2018-05-01 to correct [hint: name the date of an earlier "
        "entry (DATE#N for the N-th of that day)]",
    ],
    "validate_reporters": [
        "plan/goal-1/measure-1.1.yaml:14:22: warning: training-department "
        "reports on 1.1.1, which it is not responsible for",
        "plan/goal-1/measure-1.1.yaml:17:22: warning: audit-department "
        "reports on 1.1.1, which it is not responsible for",
        "plan/goal-1/measure-1.1.yaml:20:22: error: unknown unit "
        "'legal-office' in reported_by [hint: write a unit id of "
        "organization.yaml]",
    ],
    "validate_spending_currency": [
        "plan/goal-1/measure-1.1.yaml:16:21: warning: 1.1.1 spent "
        "EUR, a currency its indicative funds are not stated in "
        "(stated: RSD) [hint: check the currency; amounts in "
        "different currencies are never added]"
    ],
    "validate_report_narratives": [
        "plan/reports/2019.yaml:1:9: error: the narrative of 2018 is "
        "in a file named '2019.yaml' [hint: rename the file to "
        "reports/2018.yaml]",
        "plan/reports/2019.yaml:6:5: error: goal 7 is not in the plan",
        "plan/reports/2019.yaml:8:5: error: measure 1.2 is not in the "
        "plan [hint: did you mean '1.1'?]",
        "plan/reports/2019.yaml:9:3: error: evaluation texts belong to the final report (the "
        "whole plan period) [hint: write them in reports/2017..2020.yaml]",
    ],
    "validate_record_dates": [
        "plan/amendments.yaml:3:11: error: amendment a-old adopted on 2015-12-31, before 2016-01-01 [hint: dates run from the year before the plan period starts, up to today]",
        "plan/amendments.yaml:9:11: error: amendment a-later adopted on 2019-01-02, after 2019-01-01 [hint: a decision is recorded once it has happened]",
    ],
    "validate_uncertain": [
        "plan/goal-1/measure-1.1.yaml:8:7: warning: uncertain indicators of "
        "1.1.1: the cell may belong to the row below",
        "plan/goal-1/measure-1.1.yaml:13:11: warning: uncertain amount of "
        "1.1.1: garbled in the source",
    ],
    "validate_translations": [
        "plan/translations/sr.yaml:2:3: error: the plan has no institution to translate",
        "plan/translations/sr.yaml:8:43: warning: stale translation of the title of activity 1.1.1: the English changed since it was translated [hint: translate the English again and set digest: 7e48462d521d (casplan translations lists what to translate)]",
        "plan/translations/sr.yaml:10:7: error: activity 1.1.1 states no indicator 2 [hint: an indicator is translated on the row that states it, by its number]",
        "plan/translations/sr.yaml:12:19: error: the translation of the title of activity 1.1.2 is in Cyrillic [hint: write Serbian in Latin script: Cyrillic is made from it]",
        "plan/translations/sr.yaml:13:3: error: activity 1.1.9 is not in the plan [hint: did you mean '1.1.2' or '1.1.1'?]",
        "plan/translations/sr.yaml:16:3: error: unit hr-divison is not in the plan [hint: did you mean 'hr-division'?]",
    ],
}


# the checks of structured indicators, tbd deadlines and the successor's record
BROKEN.update(
    {
        "validate_measure_progress": measure(
            M.replace(
                "title: First measure\n",
                "title: First measure\nindicators:\n  - text: Share trained\n    unit: percent\n"
                'progress:\n  - date: 2018-06-01\n    values:\n      Share trained: "120"\n'
                '      Share trainde: "5"\n  - date: 2018-03-01\n    values:\n'
                '      Share trained: "40"\n',
            )
        ),
        "validate_deadlines_set": measure(M.replace("    due: continuous", "    due: tbd")),
        "validate_successor": {
            **minimal_files(),
            "successor.yaml": 'plan: 2021-2025\nas_of: 2020-12-31\ncarried:\n  "1.1.1": "1.1.1"\n'
            '  "1.1.9": "1.1.1"\n',
        },
    }
)
EXPECTED.update(
    {
        "validate_measure_progress": [
            "plan/goal-1/measure-1.1.yaml:9:22: error: value of 'Share trained' (measure 1.1, "
            "percent): '120' is not a percent (write a number from 0 to 100)",
            "plan/goal-1/measure-1.1.yaml:10:7: error: 'Share trainde' is not an indicator of "
            "measure 1.1 [hint: did you mean 'Share trained'?]",
            "plan/goal-1/measure-1.1.yaml:11:11: error: progress entry of 2018-03-01 comes after "
            "one of 2018-06-01 [hint: keep progress entries in date order, oldest first]",
        ],
        "validate_deadlines_set": [
            "plan/goal-1/measure-1.1.yaml:14:10: warning: set a deadline for 1.1.2 (it is tbd) "
            "[hint: write one of: 2018-12-31 (day), 2018-07 (month), 2018-Q4 (quarter), 2018 "
            "(year), 2017-03-28..2017-03-30 (range), 2020.. (open-ended), continuous, yearly 11 / "
            "yearly 03-31 (each year), 2y after EVENT (relative), EVENT..EVENT (bounded by "
            "events), by EVENT (set by an event), tbd (to be determined: a warning until it is "
            "set)]",
        ],
        "validate_successor": [
            "plan/successor.yaml:5:3: error: activity 1.1.9 is not in the plan [hint: did you "
            "mean '1.1.2' or '1.1.1'?]",
            "plan/successor.yaml:5:12: error: 1.1.9 and 1.1.1 are both carried to 1.1.1",
        ],
    }
)


def test_every_check_has_a_case():
    assert sorted(check.__name__ for check in checks.CHECKS) == sorted(BROKEN) == sorted(EXPECTED)


@pytest.mark.parametrize("check", checks.CHECKS, ids=lambda check: check.__name__)
def test_the_valid_fixture_plan_passes_every_check(tmp_path, check):
    assert problems(tmp_path, minimal_files(), check) == []


@pytest.mark.parametrize("name", list(BROKEN))
def test_each_check_finds_exactly_the_problems_of_its_rule(tmp_path, name):
    assert problems(tmp_path, BROKEN[name], getattr(checks, name)) == EXPECTED[name]
