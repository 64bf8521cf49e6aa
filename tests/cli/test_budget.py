"""`casplan budget`: sums per currency that reconcile with the source's own figures."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from ruamel.yaml import YAML

from plans import REAL_PLAN, minimal_files, report_year_files, write_plan


def budget(invoke, plan, *args):
    result = invoke("budget", "--plan", str(plan), "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def totals(record):
    return {
        (t["currency"], t["basis"], t["procurement"]): Decimal(t["total"]) for t in record["totals"]
    }


# The amounts as the source prints them (section III, Indicative funds column), in Serbian notation.
SOURCE_FIGURES = {
    ("EUR", "2017", "unspecified"): ["2.677.411,58"],
    ("EUR", "2018", "unspecified"): ["2.619.617,83", "506.409,24"],
    ("EUR", "2019", "unspecified"): ["1.207.368,00", "1.015.145,78"],
    ("EUR", "2020", "unspecified"): ["193.010,92", "973.455,54"],  # printed "973.455.54"
    ("EUR", "plan period", "unspecified"): ["250.000"],  # 3.8.1; its 12.500 CAS share is part of it
    ("RSD", "annual", "unspecified"): ["40.713.020,00"],  # printed "40,713.020,00"
    ("RSD", "plan period", "budgeted"): ["1.293.644.408", "129.184.860"],
    ("RSD", "plan period", "unprocured"): [
        "519.450.000",
        "1.190.784.024",
        "711.996.885",
        "686.279.500",
        "75.000.000",
    ],
    ("RSD", "plan period", "unspecified"): ["13.200.000", "707.384.000", "73.107.000"],
}


def serbian(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", "."))


def test_real_plan_totals_reconcile_with_the_source(invoke):
    expected = {
        key: sum((serbian(n) for n in numbers), Decimal(0))
        for key, numbers in SOURCE_FIGURES.items()
    }
    assert totals(budget(invoke, REAL_PLAN)) == expected


def test_totals_recomputed_from_the_yaml_files(invoke):
    """An independent sum over plan/: every amount once per measure (a merged cell restated in
    the same measure counts once), without the parts (`of_which`) and amounts counted elsewhere."""
    yaml = YAML(typ="safe", pure=True)
    seen, sums = set(), {}

    def walk(measure_id, activities):
        for activity in activities:
            for amount in (activity.get("funds") or {}).get("amounts", []):
                if amount.get("of_which") or amount.get("counted_under"):
                    continue
                key = (measure_id, amount["amount"], amount.get("year"), amount.get("as_written"))
                if key in seen:
                    continue
                seen.add(key)
                value, currency = str(amount["amount"]).split()
                basis = (
                    str(amount["year"])
                    if amount.get("year")
                    else ("annual" if amount.get("annual") else "plan period")
                )
                bucket = (currency, basis, amount.get("procurement") or "unspecified")
                sums[bucket] = sums.get(bucket, Decimal(0)) + Decimal(value)
            walk(measure_id, activity.get("sub_activities", []))

    for path in sorted(Path(REAL_PLAN).glob("goal-*/measure-*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"))
        walk(data["id"], data["activities"])
    assert totals(budget(invoke, REAL_PLAN)) == sums


def test_real_plan_by_goal_and_what_is_not_summed(invoke):
    record = budget(invoke, REAL_PLAN)
    goal8 = [
        (line["currency"], line["basis"], line["procurement"], line["total"])
        for line in record["lines"]
        if line["group"] == "8"
    ]
    assert goal8 == [
        ("RSD", "plan period", "budgeted", "1422829268"),
        ("RSD", "plan period", "unprocured", "3183510409"),
    ]
    assert record["excluded"] == [
        {
            "activity": "2.4.3",
            "amount": "300000.00",
            "currency": "EUR",
            "basis": "plan period",
            "as_written": "300.000,00 Euro",
            "reason": "counted under 8.2",
        },
        {
            "activity": "3.8.1",
            "amount": "12500",
            "currency": "EUR",
            "basis": "plan period",
            "as_written": "5% of which (12.500 Euro) was provided by CAS",
            "reason": "part of the amount before it",
        },
    ]
    assert {kind: facet["count"] for kind, facet in record["not_summed"].items()} == {
        "no_extra_cost": 128,
        "undetermined": 10,
        "stated_elsewhere": 38,
        "sources_only": 17,
        "external": 10,
        "not_stated": 1,
    }
    assert all(
        len(facet["activities"]) == facet["count"] for facet in record["not_summed"].values()
    )
    assert record["not_summed"]["no_extra_cost"]["activities"][:3] == ["1.1.1", "1.1.2", "1.1.3"]
    assert record["not_summed"]["not_stated"]["activities"] == ["5.5.7"]


def test_year_keeps_only_that_year_and_annual_amounts(invoke):
    record = budget(invoke, REAL_PLAN, "--year", "2018")
    assert totals(record) == {
        ("EUR", "2018", "unspecified"): Decimal("3126027.07"),
        ("RSD", "annual", "unspecified"): Decimal("40713020.00"),
    }
    assert len(record["other_years"]) == 16


def test_by_unit_and_by_source(invoke):
    by_unit = budget(invoke, REAL_PLAN, "--by", "unit")
    ict = {
        (line["basis"], line["procurement"]): line["total"]
        for line in by_unit["lines"]
        if line["group"] == "ict-division"
    }
    # 8.2, 8.5, 8.6 and 8.8 name the ICT Division; 8.3 names the Bureau and all divisions
    assert ict[("plan period", "unprocured")] == str(519450000 + 711996885 + 686279500 + 75000000)
    # 5.5.4 is "listed under individual projects": its amounts go to its sub-activities' units
    projects_2017 = [
        line
        for line in by_unit["lines"]
        if line["group"] == "group-for-projects" and line["basis"] == "2017"
    ]
    assert projects_2017 == [
        {
            "group": "group-for-projects",
            "name": "Group for Projects",
            "currency": "EUR",
            "basis": "2017",
            "procurement": "unspecified",
            "total": "2677411.58",
            "activities": ["5.5.4"],
        }
    ]
    by_source = budget(invoke, REAL_PLAN, "--by", "source")
    assert {line["group"] for line in by_source["lines"]} == {
        "not stated",
        "State budget of the Republic of Serbia and other sources of funding",
    }


def test_currencies_are_never_added(invoke, tmp_path):
    files = minimal_files()
    files["goal-1/measure-1.1.yaml"] = files["goal-1/measure-1.1.yaml"].replace(
        "      no_extra_cost: true",
        "      amounts:\n        - amount: 100.50 EUR\n          year: 2018\n"
        "        - amount: 1000 RSD\n          year: 2018\n        - amount: 0.50 EUR\n"
        "          year: 2018\n          procurement: unprocured",
    )
    plan = write_plan(tmp_path / "p", files)
    record = budget(invoke, plan)
    assert totals(record) == {
        ("EUR", "2018", "unspecified"): Decimal("100.50"),
        ("EUR", "2018", "unprocured"): Decimal("0.50"),
        ("RSD", "2018", "unspecified"): Decimal("1000"),
    }
    # the merged cell continues on 1.1.2 but is summed once
    assert record["lines"][0]["activities"] == ["1.1.1", "1.1.2"]


BUDGET_TABLE = """\
Indicative funds, by goal
goal  name                                                       currency  basis        procurement          total
2     Management and development of human resources              RSD       annual       unspecified  40,713,020.00
3     Effective customs procedures and controls                  EUR       plan period  unspecified        250,000
4     Efficient revenue collection                               RSD       plan period  unspecified     13,200,000
5     Strategic management, modernisation and reforms            EUR       2017         unspecified   2,677,411.58
5     Strategic management, modernisation and reforms            EUR       2018         unspecified   3,126,027.07
5     Strategic management, modernisation and reforms            EUR       2019         unspecified   2,222,513.78
5     Strategic management, modernisation and reforms            EUR       2020         unspecified   1,166,466.46
7     Improving working conditions                               RSD       plan period  unspecified    780,491,000
8     Development of information and communication technologies  RSD       plan period  budgeted     1,422,829,268
8     Development of information and communication technologies  RSD       plan period  unprocured   3,183,510,409

Totals (each amount counted once; currencies never added)
currency  basis        procurement          total
EUR       2017         unspecified   2,677,411.58
EUR       2018         unspecified   3,126,027.07
EUR       2019         unspecified   2,222,513.78
EUR       2020         unspecified   1,166,466.46
EUR       plan period  unspecified        250,000
RSD       annual       unspecified  40,713,020.00
RSD       plan period  budgeted     1,422,829,268
RSD       plan period  unprocured   3,183,510,409
RSD       plan period  unspecified    793,691,000

Not summed
  no extra cost (regular activities): 128 activities
  cannot be established / TBD: 10 activities
  stated under another activity or measure: 38 activities
  financing source named, no amount: 17 activities
  established in another document: 10 activities
  no funds stated: 1 activity
  300,000.00 EUR of 2.4.3: counted under 8.2
  12,500 EUR of 3.8.1: part of the amount before it
"""

BUDGET_CSV_BY_MEASURE = """\
measure,name,currency,basis,procurement,total,activities
2.1,Adoption of the Law on customs service and formation and adoption of accompanying bylaws,RSD,annual,unspecified,40713020.00,2.1.3
3.8,Strengthening the capacities of the customs laboratory,EUR,plan period,unspecified,250000,3.8.1 3.8.2 3.8.3 3.8.4 3.8.5
4.2,Developing the System for managing Traditional Own Resources,RSD,plan period,unspecified,13200000,4.2.1 4.2.2 4.2.3 4.2.4 4.2.7 4.2.8
5.5,Improvement of project management processes with the purpose of improving efficiency in realization of strategic goals,EUR,2017,unspecified,2677411.58,5.5.4
5.5,Improvement of project management processes with the purpose of improving efficiency in realization of strategic goals,EUR,2018,unspecified,3126027.07,5.5.4 5.5.6 5.5.6.1 5.5.6.2 5.5.6.3
5.5,Improvement of project management processes with the purpose of improving efficiency in realization of strategic goals,EUR,2019,unspecified,2222513.78,5.5.4 5.5.6 5.5.6.1 5.5.6.2 5.5.6.3
5.5,Improvement of project management processes with the purpose of improving efficiency in realization of strategic goals,EUR,2020,unspecified,1166466.46,5.5.4 5.5.6 5.5.6.1 5.5.6.2 5.5.6.3
7.2,"Modernization and construction of border crossing points through investments in infrastructure with the goal of increasing border crossing capacities for handling the flow of traffic and trade, control and surveillance",RSD,plan period,unspecified,707384000,7.2.5 7.2.6 7.2.7 7.2.8
7.3,Reconstruction of customs facilities and improvement of working conditions of customs officers,RSD,plan period,unspecified,73107000,7.3.1
8.2,Support to further modernization of CAS for all business processes that are not initiated by the European integration process,RSD,plan period,unprocured,519450000,8.2.1 8.2.2 8.2.3 8.2.4 8.2.5 8.2.6
8.3,Aligning the IT software support with business processes that are standardized and aligned with EU regulations,RSD,plan period,unprocured,1190784024,8.3.1 8.3.2 8.3.3 8.3.4 8.3.5 8.3.6 8.3.7
8.5,Improvement of support to the customs administration business processes and to external users,RSD,plan period,budgeted,1293644408,8.5.1 8.5.2
8.5,Improvement of support to the customs administration business processes and to external users,RSD,plan period,unprocured,711996885,8.5.1 8.5.2
8.6,Developing data security and safety system,RSD,plan period,budgeted,129184860,8.6.1 8.6.2 8.6.3 8.6.4 8.6.5 8.6.6
8.6,Developing data security and safety system,RSD,plan period,unprocured,686279500,8.6.1 8.6.2 8.6.3 8.6.4 8.6.5 8.6.6
8.8,Improving IT knowledge,RSD,plan period,unprocured,75000000,8.8.1 8.8.2 8.8.3 8.8.4 8.8.5 8.8.6
"""


def test_table_and_csv(invoke):
    table = invoke("budget", "--plan", str(REAL_PLAN))
    assert table.exit_code == 0
    assert table.output == BUDGET_TABLE
    csv = invoke("budget", "--plan", str(REAL_PLAN), "--format", "csv", "--by", "measure")
    lines = csv.output.splitlines()
    assert lines[0] == "measure,name,currency,basis,procurement,total,activities,spent"
    assert (
        "8.8,Improving IT knowledge,RSD,plan period,unprocured,75000000,8.8.1 8.8.2 8.8.3 8.8.4 8.8.5 8.8.6,"
        in lines
    )


def test_bad_grouping(invoke):
    result = invoke("budget", "--plan", str(REAL_PLAN), "--by", "division")
    assert result.exit_code == 2
    assert (
        result.output
        == "casplan: error: --by: 'division' is not one of goal, measure, unit, source, programme, programme-activity, economic\n"
    )


def test_indicative_and_spent_side_by_side(invoke, tmp_path):
    """Spent (from the entries that stand) beside the indicative funds of the year, per group and
    currency; an RSD spending of an activity without RSD funds is its own line, never added."""
    plan = write_plan(tmp_path / "plan", report_year_files())
    record = budget(invoke, plan, "--year", "2018")
    assert record["spent"] == [
        {
            "group": "1",
            "name": "First goal",
            "currency": "EUR",
            "indicative": "1000.50",
            "spent": "800.25",
            "activities": ["1.1.1"],
        },
        {
            "group": "1",
            "name": "First goal",
            "currency": "RSD",
            "indicative": None,
            "spent": "120000",
            "activities": ["1.1.4"],
        },
        {
            "group": "2",
            "name": "Second goal",
            "currency": "RSD",
            "indicative": "500000",
            "spent": None,
            "activities": ["2.1.1", "2.1.2"],
        },
    ]
    assert record["spent_totals"] == [
        {"currency": "EUR", "indicative": "1000.50", "spent": "800.25"},
        {"currency": "RSD", "indicative": "500000", "spent": "120000"},
    ]
    assert {"lines", "totals", "not_summed", "excluded", "other_years"} <= set(record)
    by_source = budget(invoke, plan, "--year", "2018", "--by", "source")
    assert [(s["group"], s["currency"], s["spent"]) for s in by_source["spent"] if s["spent"]] == [
        ("IPA 2013", "EUR", "800.25"),
        ("not stated", "RSD", "120000"),
    ]
    assert budget(invoke, plan, "--year", "2019")["spent"][0]["spent"] is None


def test_spent_in_table_and_csv(invoke, tmp_path):
    plan = write_plan(tmp_path / "plan", report_year_files())
    table = invoke("budget", "--plan", str(plan), "--year", "2018")
    assert "Indicative and spent in 2018" in table.output
    assert "1      First goal   RSD                \N{EN DASH}  120,000" in table.output
    assert "total               EUR         1,000.50   800.25" in table.output
    csv = invoke("budget", "--plan", str(plan), "--year", "2018", "--format", "csv")
    assert csv.output.splitlines()[1:] == [
        "1,First goal,EUR,2018,unspecified,1000.50,1.1.1,",
        "2,Second goal,RSD,annual,unspecified,500000,2.1.1 2.1.2,",
        "1,First goal,EUR,2018,spent,,1.1.1,800.25",
        "1,First goal,RSD,2018,spent,,1.1.4,120000",
    ]


def test_spending_in_a_currency_without_indicative_funds_is_a_warning(invoke, tmp_path):
    plan = write_plan(tmp_path / "plan", report_year_files())
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 0
    assert (
        "goal-1/measure-1.1.yaml:67:21: warning: 1.1.4 spent RSD, a currency its indicative "
        "funds are not stated in (stated: none)" in result.output
    )
    assert invoke("validate", "--plan", str(plan), "--strict").exit_code == 1


def test_spent_of_all_years_without_an_indicative_amount_of_one_year(invoke, tmp_path):
    plan = write_plan(tmp_path / "plan", report_year_files())
    record = budget(invoke, plan)
    assert [(s["group"], s["currency"], s["indicative"], s["spent"]) for s in record["spent"]] == [
        ("1", "EUR", None, "800.25"),
        ("1", "RSD", None, "120000"),
    ]
    table = invoke("budget", "--plan", str(plan))
    assert "Spent in all years (no indicative amount of one year to compare)" in table.output
