# ruff: noqa: RUF001  (Cyrillic letters and CLDR's en dashes are the point of some expectations)
"""`casplan units`, `who` and `show`: the registry tree, a unit's activities, one full record."""

from __future__ import annotations

import json

import pytest

from plans import REAL_PLAN, forms_files, write_plan


@pytest.fixture
def plan(tmp_path):
    return write_plan(tmp_path / "p", forms_files())


def test_units_tree_counts_direct_and_with_sub_units(invoke, plan):
    result = invoke("units", "--plan", str(plan))
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Human Resources Division [hr-division]  9 directly, 10 with sub-units  (division; head: "
        "Assistant Director General)",
        "  Training Department [training-department]  1 directly  (department; head: Head of "
        "Department)",
        "Audit Department [audit-department]  10 directly  (department; head: Head of Department)",
    ]
    records = json.loads(invoke("units", "--plan", str(plan), "--format", "json").stdout)
    assert [(r["id"], r["depth"], r["leads"], r["leads_with_sub_units"]) for r in records] == [
        ("hr-division", 0, 9, 10),
        ("training-department", 1, 1, 1),
        ("audit-department", 0, 10, 10),
    ]


def test_units_of_the_real_plan(invoke):
    records = json.loads(invoke("units", "--plan", str(REAL_PLAN), "--format", "json").stdout)
    by_id = {r["id"]: r for r in records}
    assert len(records) == 24
    assert by_id["tariff-affairs-division"]["leads"] == 15
    assert by_id["tariff-affairs-division"]["leads_with_sub_units"] == 15
    assert by_id["group-for-projects"]["parent"] == "bureau-of-director-general"
    assert by_id["audit-department"]["leads"] == 13


def test_who_groups_by_measure_and_shows_shared_units(invoke, plan):
    result = invoke("who", "hr", "--plan", str(plan), "--as-of", "2018-12-01")
    assert result.exit_code == 0
    lines = [line.rstrip() for line in result.output.splitlines()]
    assert lines[:5] == [
        "Human Resources Division [hr-division]: 10 activities",
        "",
        "Goal 1: First goal",
        "  Measure 1.1: Every deadline form",
        "id      activity                      due                                                 status        shared with",
    ]
    # a day as its date, any other deadline in words; an event by its name, not its id
    assert (
        lines[5]
        == "1.1.1   A day                         2018-12-31                                          completed"
    )
    assert (
        lines[6]
        == "1.1.2   A month                       July 2018                                           not reported"
    )
    assert lines[7] == (
        "1.1.5   A range                       28 – 30 March 2017                                  "
        "not reported  Audit Department"
    )
    assert lines[14] == (
        "1.1.12  As the agency says            by Dynamics set by the agency (date not yet known)  "
        "not reported  Audit Department"
    )
    assert len(lines) == 15


def test_who_json_says_why_and_with_whom(invoke, tmp_path):
    files = forms_files()
    files["organization.yaml"] += (
        "  - id: everyone\n    name: All departments\n    kind: collective\n"
        "    covers: [training-department, audit-department]\n"
    )
    files["goal-1/measure-1.1.yaml"] = files["goal-1/measure-1.1.yaml"].replace(
        "responsible: [audit-department]", "responsible: [everyone]"
    )
    plan = write_plan(tmp_path / "p", files)
    result = invoke("who", "Training Department", "--plan", str(plan), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["unit"] == "training-department"
    assert [(a["id"], a["via"], a["shared_with"]) for a in data["activities"]] == [
        ("1.1.2", ["training-department"], []),
        ("1.1.3", ["everyone"], ["everyone"]),  # through the collective that covers it
        ("1.1.4", ["everyone"], ["everyone"]),  # 1.1.4 continues the cell of 1.1.3
    ]


def test_who_markdown(invoke, plan):
    result = invoke("who", "training-department", "--plan", str(plan), "--format", "md")
    assert result.output.splitlines() == [
        "# Training Department",
        "",
        "| id | measure | activity | due | status | shared with |",
        "|---|---|---|---|---|---|",
        "| 1.1.2 | 1.1 | A month | July 2018 | not reported |  |",
    ]


def test_who_unknown_unit(invoke, plan):
    result = invoke("who", "finance", "--plan", str(plan))
    assert result.exit_code == 2
    assert result.output == "casplan: error: unknown unit 'finance' (see 'casplan units')\n"


def test_show_activity_with_inherited_cells_and_progress(invoke, plan):
    result = invoke("show", "1.1.7", "--plan", str(plan), "--as-of", "2018-01-01")
    assert result.exit_code == 0
    assert (
        result.output
        == """\
Activity 1.1.7: Each November
  goal 1: First goal
  measure 1.1: Every deadline form
  file: goal-1/measure-1.1.yaml

Indicators (inherited from 1.1.1):
  - Rules adopted: no target set

Responsible (inherited from 1.1.5):
  Human Resources Division [hr-division]
  Audit Department [audit-department]

Due (stated on 1.1.7): each year by the end of November

Indicative funds (inherited from 1.1.1):
    no extra cost (regular activities)

Status: completed (since 2017-11-20)
Progress:
  2017-11-20  completed
"""
    )


def test_show_real_activity_keeps_the_source_text(invoke):
    result = invoke("show", "5.5.6", "--plan", str(REAL_PLAN))
    assert result.exit_code == 0
    text = result.output
    assert "    506,409.24 EUR, for 2018\n" in text
    assert "    973,455.54 EUR, for 2020\n" in text
    assert (
        "  as written: 506.409,24 Euro for 2018 1.015.145,78 Euro for 2019 973.455.54 Euro "
        "for 2020 *taken from Action Plan for BPM\n"
    ) in text
    assert "Due (stated on 5.5.6): Q4 2020\n  from 2020-10-01 to 2020-12-31\n" in text
    assert "  as written: Fourth trimester of 2020\n" in text
    assert "Sub-activities: 5.5.6.1, 5.5.6.2, 5.5.6.3\n" in text


def test_show_json_measure_and_goal(invoke):
    measure = json.loads(invoke("show", "3.5", "--plan", str(REAL_PLAN), "--format", "json").stdout)
    assert measure["kind"] == "measure"
    assert [a["id"] for a in measure["activities"]][:3] == ["3.5.1", "3.5.1.1", "3.5.1.2"]
    goal = json.loads(invoke("show", "7", "--plan", str(REAL_PLAN), "--format", "json").stdout)
    assert [(m["id"], m["activities"]) for m in goal["measures"]] == [
        ("7.1", 16),
        ("7.2", 8),
        ("7.3", 1),
    ]
    text = invoke("show", "7", "--plan", str(REAL_PLAN)).stdout.splitlines()
    assert [line.rpartition(" (")[2] for line in text if line.startswith("  7.")] == [
        "16 activities)",
        "8 activities)",
        "1 activity)",
    ]


def test_show_unknown_id_suggests(invoke):
    result = invoke("show", "3.5.11", "--plan", str(REAL_PLAN))
    assert result.exit_code == 2
    assert result.output == (
        "casplan: error: no goal, measure or activity has the id '3.5.11'; did you mean 3.5.1.1 "
        "or 3.5.1 or 3.5.1.8?\n"
    )
