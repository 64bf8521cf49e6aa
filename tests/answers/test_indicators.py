"""Structured indicators: values checked against their unit (validate, progress, import, in the
same words), each indicator's series and status (show, the report, the site, collect's checks),
the Law's profile and budget codes. The fixture plan is tests/data/readme/indicators (test data,
not the real plan)."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cas_plan.core.indicators import IndicatorValueError, read_value
from cas_plan.core.model import Indicators
from plans import REAL_PLAN, REPO

FIXTURE = REPO / "tests" / "data" / "readme" / "indicators"
MEASURE_11 = "goal-1/measure-1.1.yaml"


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    target = tmp_path / "fx"
    shutil.copytree(FIXTURE, target)
    return target


# --- the value grammar --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit", "text", "value"),
    [
        ("number", "1.234,5", Decimal("1234.5")),
        ("number", "1234.5", Decimal("1234.5")),
        ("number", "-3,2", Decimal("-3.2")),
        ("percent", "45 %", Decimal(45)),
        ("percent", "100", Decimal(100)),
        ("count", "12", Decimal(12)),
        ("yes_no", "Da", Decimal(1)),
        ("yes_no", "не", Decimal(0)),
        ("yes_no", "yes", Decimal(1)),
        ("text", "anything", None),
    ],
)
def test_values_are_read_for_their_unit(unit, text, value):
    assert read_value(unit, text) == value


@pytest.mark.parametrize(
    ("unit", "text", "message"),
    [
        ("percent", "120", "'120' is not a percent (write a number from 0 to 100)"),
        ("count", "12,5", "'12,5' is not a count (write a whole number, 0 or more)"),
        ("count", "-1", "'-1' is not a count (write a whole number, 0 or more)"),
        ("yes_no", "maybe", "'maybe' is not yes or no (write yes, no, da or ne)"),
        ("number", "many", "'many' is not a number (write it like 1234,5 or 1.234,5 or 1234.5)"),
        (
            "number",
            "1.234",
            "'1.234' can be read two ways; write 1234 for the thousands or 1,2340 for the fraction",
        ),
    ],
)
def test_a_value_the_unit_does_not_admit_says_what_to_write(unit, text, message):
    with pytest.raises(IndicatorValueError) as raised:
        read_value(unit, text)
    assert str(raised.value) == message


def test_plain_indicators_stay_plain_and_structured_ones_round_trip():
    cell = Indicators.model_validate(
        ["Training held", {"text": "Share", "unit": "percent", "targets": [{"value": 80}]}]
    )
    assert cell.texts == ["Training held", "Share"]
    assert cell.model_dump(mode="json", exclude_defaults=True) == {
        "items": [
            "Training held",
            {"text": "Share", "unit": "percent", "targets": [{"value": "80"}]},
        ]
    }


@pytest.mark.parametrize(
    ("item", "message"),
    [
        (
            {"text": "Share", "targets": [{"value": 80}]},
            "indicator 'Share': a baseline, target or direction needs a unit (number, percent, "
            "count or yes_no)",
        ),
        (
            {"text": "Share", "unit": "percent", "baseline": {"value": 120, "year": 2016}},
            "indicator 'Share': baseline of a percent indicator: '120' is not a percent (write a "
            "number from 0 to 100)",
        ),
        (
            {"text": "Share", "unit": "count", "targets": [{"value": 1}, {"value": 2}]},
            "indicator 'Share': two targets for the end",
        ),
        (
            {"text": "Done", "unit": "yes_no", "direction": "down"},
            "indicator 'Done': a yes/no indicator has no direction",
        ),
    ],
)
def test_an_indicator_that_cannot_be_measured_is_refused(item, message):
    from pydantic import ValidationError

    from cas_plan.core.model import Indicator

    with pytest.raises(ValidationError) as raised:
        Indicator.model_validate(item)
    assert raised.value.errors()[0]["msg"] == f"Value error, {message}"


# --- bad values: one line each, the same words everywhere ---------------------------------------

BAD_VALUES = {
    '      Share of managers trained: "38,5"': '      Share of managers trained: "138,5"',
    '          Managers trained: "30"': '          Managers trained: "30,5"',
    "          Analysis adopted: da": "          Analysis adopted: maybe",
}


def test_validate_refuses_each_bad_value_in_one_line(invoke, plan):
    path = plan / MEASURE_11
    text = path.read_text(encoding="utf-8")
    for old, new in BAD_VALUES.items():
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1
    headlines = [line for line in result.output.splitlines() if ": error: " in line]
    assert headlines == [
        f"{plan}/{MEASURE_11}:19:34: error: value of 'Share of managers trained' (measure 1.1, "
        "percent): '138,5' is not a percent (write a number from 0 to 100)",
        f"{plan}/{MEASURE_11}:37:29: error: value of 'Analysis adopted' (1.1.1, yes/no): "
        "'maybe' is not yes or no (write yes, no, da or ne)",
        f"{plan}/{MEASURE_11}:58:29: error: value of 'Managers trained' (1.1.2, count): "
        "'30,5' is not a count (write a whole number, 0 or more)",
    ]
    assert result.output.splitlines()[-1] == (
        f"{plan}: INVALID: 2 measures, 6 activities; 3 errors, 0 warnings"
    )


def test_progress_refuses_a_bad_value_with_the_same_message(invoke, plan):
    before = (plan / MEASURE_11).read_bytes()
    result = invoke(
        "progress", "1.1.2", "--plan", str(plan), "--status", "in_progress",
        "--date", "2019-12-20", "--value", "2=30,5",
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.output == (
        f"{plan}/{MEASURE_11}:65:29: error: value of 'Managers trained' (1.1.2, count): "
        "'30,5' is not a count (write a whole number, 0 or more)\n"
        "  65 |           Managers trained: 30,5\n"
        "     |                             ^\n"
        "casplan: error: the entry would leave the plan invalid; nothing was written\n"
    )
    assert (plan / MEASURE_11).read_bytes() == before


def test_progress_records_values_of_a_measure_indicator(invoke, plan):
    result = invoke(
        "progress", "1.1", "--plan", str(plan), "--date", "2019-12-20",
        "--value", "1=55", "--note", "Counted by the HR Division",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"{plan}/{MEASURE_11}: added a progress entry to measure 1.1:\n"
        "+  - date: 2019-12-20\n"
        "+    note: Counted by the HR Division\n"
        "+    values:\n"
        "+      Share of managers trained: '55'\n"
    )
    refused = invoke(
        "progress", "1.1", "--plan", str(plan), "--date", "2019-12-20", "--value", "1=55",
        "--status", "completed",
    )  # fmt: skip
    assert refused.exit_code == 2
    assert refused.output == (
        "casplan: error: --status: a measure has no status of its own (its activities have); "
        "nothing was written\n"
    )


def test_import_refuses_a_bad_value_with_the_same_message(invoke, plan, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    made = invoke(
        "collect", "--plan", str(plan), "--period", "2020", "--out", str(out),
        "--unit", "training-department",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    workbook = out / "training-department.xlsx"
    wb = load_workbook(workbook)
    ws = wb["Activities"]
    ws["H2"], ws["I2"], ws["L2"] = "in_progress", "2020-12-10", "30,5"
    wb.save(workbook)
    result = invoke("import", "--plan", str(plan), str(workbook))
    assert result.exit_code == 1
    assert result.output == (
        "training-department.xlsx:Activities!L2: value of 'Managers trained' (1.1.2, count): "
        "'30,5' is not a count (write a whole number, 0 or more)\n"
        "casplan: error: 1 problem; nothing was written\n"
    )


def test_collect_checks_each_value_cell_by_its_unit(invoke, plan, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for period, lang in (("2019", "en"), ("2018-H1", "sr")):
        result = invoke(
            "collect", "--plan", str(plan), "--period", period, "--out", str(out), "--lang", lang,
        )  # fmt: skip
        assert result.exit_code == 0, result.output

    def checks(name: str) -> list[tuple[str, str, str | None, str | None, str | None, str]]:
        ws = load_workbook(out / name).worksheets[1]
        return [
            (dv.type, str(dv.sqref), dv.operator, dv.formula1, dv.formula2, dv.error)
            for dv in ws.data_validations.dataValidation[4:]
        ]

    assert checks("it-division.xlsx") == [
        ("decimal", "K2", "between", "0", "100", "Write a percent, a number from 0 to 100."),
        ("decimal", "L2", "between", "-1E+15", "1E+15", "Write a number, e.g. 1234.5."),
    ]
    assert checks("hr-division.xlsx") == [
        ("list", "K2", None, '"da,ne"', None, "Izaberite da ili ne sa liste."),
    ]
    ws = load_workbook(out / "it-division.xlsx").worksheets[1]
    assert (ws["K2"].number_format, ws["L2"].number_format) == ("General", "General")


# --- the series in show, the report and the site ------------------------------------------------


def test_show_gives_each_indicator_series_and_status(invoke, plan):
    result = invoke("show", "1.1.2", "--plan", str(plan), "--as-of", "2020-12-31")
    assert result.exit_code == 0, result.output
    assert result.output.split("\n\nResponsible")[0] == (
        "Activity 1.1.2: Train the managers\n"
        "  goal 1: Skilled managers\n"
        "  measure 1.1: Training programme for managers\n"
        "  file: goal-1/measure-1.1.yaml\n"
        "\n"
        "Indicators (stated on 1.1.2):\n"
        "  - Training held: no target set\n"
        "  - Managers trained [count; source: Attendance lists]\n"
        "      baseline: 0 (2016); values by year: 2018: 30; targets: 50 (2018); 120 (end of the "
        "plan, 2020)\n"
        "      latest value: 30 (2018); to the target: 90; at risk (expected 50 in 2018)"
    )


def test_show_gives_a_measure_its_law_fields_and_own_indicators(invoke, plan):
    result = invoke("show", "1.1", "--plan", str(plan), "--as-of", "2020-12-31")
    assert result.exit_code == 0, result.output
    assert result.output.split("\n\n", 2)[2] == (
        "Type of measure: information and education\n"
        "Funding source: Budget of the Republic of Serbia\n"
        "\n"
        "Indicators of the measure:\n"
        "  - Share of managers trained [percent; source: Training records of the HR Division]\n"
        "      baseline: 10 (2016); values by year: 2017: 22; 2018: 38.5; targets: 40 (2018); "
        "80 (end of the plan, 2020)\n"
        "      latest value: 38.5 (2018); to the target: 41.5; on track (expected 40 in 2018)\n"
    )


def test_show_json_carries_the_series(invoke, plan):
    import json

    result = invoke(
        "show", "2.1.1", "--plan", str(plan), "--format", "json", "--as-of", "2020-12-31"
    )
    series = json.loads(result.output)["indicator_series"]
    assert [(s["text"], s["status"], s["expected"], s["gap"]) for s in series] == [
        ("Declarations lodged electronically", "off_track", "82.5", "20"),
        ("Average clearance time (hours)", "at_risk", "2", "1.2"),
    ]
    assert series[1]["baseline"] == {"year": 2016, "written": "4,5", "number": "4.5"}


REPORT_SECTION_EN = """\
## Indicators against their targets

Status, where a target is set: the value expected in the year of the latest value is read off straight lines from the baseline through each target in turn (a target without a year stands at the end of the plan period). On track: the latest value has made at least 90% of the progress expected from the baseline by then; at risk: at least 50%; off track: less. A yes/no indicator is on track once it has its target value, at risk before the target's year ends, off track after it.

| Id | Indicator | Baseline | Values by year | Targets | To the target | Status |
|---|---|---|---|---|---|---|
| Measure 1.1 | Share of managers trained (percent) | 10 (2016) | 2017: 22; 2018: 38.5 | 40 (2018); 80 (end of the plan, 2020) | 41.5 | on track (expected 40 in 2018) |
| 1.1.1 | Analysis adopted (yes/no) |  | 2018: yes | yes (2018) | reached | on track |
| 1.1.2 | Managers trained (count) | 0 (2016) | 2018: 30 | 50 (2018); 120 (end of the plan, 2020) | 90 | at risk (expected 50 in 2018) |
| 2.1.1 | Declarations lodged electronically (percent) | 60 (2016) | 2019: 70 | 90 (end of the plan, 2020) | 20 | off track (expected 82.5 in 2019) |
| 2.1.1 | Average clearance time (hours) (number; lower is better) | 4.5 (2016) | 2019: 3.2 | 2 (2019) | 1.2 | at risk (expected 2 in 2019) |

4 indicators have no target set.
"""


def test_the_report_gives_indicators_against_their_targets(invoke, plan):
    result = invoke("report", "--plan", str(plan), "--year", "2019", "--format", "md")
    assert result.exit_code == 0, result.output
    section = (
        "## Indicators against their targets"
        + result.output.split("## Indicators against their targets", 1)[1].split(
            "casplan: warning:"
        )[0]
    )
    assert section == REPORT_SECTION_EN


def test_the_serbian_report_says_it_in_serbian(invoke, plan):
    result = invoke(
        "report", "--plan", str(plan), "--year", "2019", "--format", "md", "--lang", "sr"
    )
    section = result.output.split("## Pokazatelji u odnosu na ciljne vrednosti", 1)[1]
    rows = [line for line in section.splitlines() if line.startswith("| 1.1.2")]
    assert rows == [
        "| 1.1.2 | Managers trained (ukupan broj) | 0 (2016) | 2018: 30 | 50 (2018); 120 (kraj "
        "plana, 2020) | 90 | ugroženo (očekivano 50 u 2018) |"
    ]
    assert "4 pokazatelja nemaju postavljenu ciljnu vrednost." in section


def test_the_bundled_plan_has_no_target_set(invoke):
    result = invoke("report", "--plan", str(REAL_PLAN), "--year", "2018", "--format", "md")
    section = result.output.split("## Indicators against their targets\n\n", 1)[1]
    assert section.startswith("334 indicators have no target set.\n")


def test_the_site_gives_each_indicator_its_series(invoke, plan, tmp_path):
    site = tmp_path / "site"
    result = invoke("site", "--plan", str(plan), "--out", str(site), "--as-of", "2020-12-31")
    assert result.exit_code == 0, result.output
    page = (site / "activities" / "1.1.2.html").read_text(encoding="utf-8")
    section = page.split('<h2 id="indicators">', 1)[1].split("</ul>", 1)[0]
    assert section == (
        "Indicators</h2>\n"
        '<ul><li>Training held <span class="no-target">(no target set)</span></li>'
        '<li>Managers trained <span class="unit">(count)</span>'
        '<dl class="indicator"><dt>Baseline</dt><dd>0 (2016)</dd>'
        "<dt>Values by year</dt><dd>2018: 30</dd>"
        "<dt>Targets</dt><dd>50 (2018); 120 (end of the plan, 2020)</dd>"
        "<dt>To the target</dt><dd>90</dd>"
        '<dt>Status</dt><dd class="indicator-at_risk">at risk (expected 50 in 2018)</dd>'
        "<dt>Source of verification</dt><dd>Attendance lists</dd></dl></li>"
    )


# --- the Law's profile and budget codes ---------------------------------------------------------


def test_the_law_profile_names_each_missing_field(invoke, plan):
    result = invoke("validate", "--plan", str(plan), "--profile", "law-2018")
    assert result.exit_code == 0
    headlines = [line for line in result.output.splitlines() if ": warning: " in line]
    assert headlines == [
        f"{plan}/{MEASURE_11}:52:11: warning: activity 1.1.2: amount 2,500,000.00 RSD has no "
        "budget 'classification' (programme and programme activity or project; law-2018)",
        f"{plan}/goal-2/measure-2.1.yaml:1:5: warning: measure 2.1: no 'funding_source' "
        "(law-2018, art. 19)",
        f"{plan}/goal-2/measure-2.1.yaml:1:5: warning: measure 2.1: no 'indicators' at measure "
        "level (law-2018, art. 19)",
        f"{plan}/goal-2/measure-2.1.yaml:1:5: warning: measure 2.1: regulatory, but no "
        "'regulations' to adopt or amend (law-2018, art. 19)",
    ]
    plain = invoke("validate", "--plan", str(plan))
    assert plain.output == f"{plan}: valid: 2 measures, 6 activities; 0 errors, 0 warnings\n"


def test_the_bundled_plan_is_reported_by_the_law_profile_and_stays_valid(invoke):
    result = invoke("validate", "--plan", str(REAL_PLAN), "--profile", "law-2018")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    law = [line for line in lines if "law-2018" in line and ": warning: " in line]
    assert len(law) == 157  # 45 measures x (type, funding source, indicators) + 22 amounts
    assert result.output.splitlines()[-1] == (
        f"{REAL_PLAN}: valid: 45 measures, 238 activities; 0 errors, 162 warnings"
    )
    default = invoke("validate", "--plan", str(REAL_PLAN))
    assert default.output.splitlines()[-1].endswith("0 errors, 5 warnings")


def test_budget_sums_by_programme(invoke, plan):
    result = invoke("budget", "--plan", str(plan), "--by", "programme", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "programme,name,currency,basis,procurement,total,activities,spent",
        "(not classified),,RSD,plan period,unspecified,2500000.00,1.1.2,",
        "0608,,EUR,plan period,unspecified,150000.00,2.1.1,",
        "0608,,RSD,plan period,unspecified,1200000.00,1.1.1,",
        "(not classified),,RSD,all years,spent,,1.1.2,1000000.00",
    ]
    economic = invoke("budget", "--plan", str(plan), "--by", "economic", "--format", "csv")
    assert economic.output.splitlines()[1:4] == [
        "(not classified),,EUR,plan period,unspecified,150000.00,2.1.1,",
        "(not classified),,RSD,plan period,unspecified,2500000.00,1.1.2,",
        "423599,,RSD,plan period,unspecified,1200000.00,1.1.1,",
    ]


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        ("{programme: 608}", 'write the code 608 in quotes ("0608"), so it stays text'),
        (
            '{economic: "4235"}',
            "'4235' is not a valid economic classification (expected something like '423599' "
            "(6 digits))",
        ),
    ],
)
def test_budget_codes_have_their_shapes(invoke, plan, codes, message):
    path = plan / MEASURE_11
    text = path.read_text(encoding="utf-8").replace(
        '{programme: "0608", programme_activity: "0009", economic: "423599"}', codes
    )
    path.write_text(text, encoding="utf-8")
    result = invoke("validate", "--plan", str(plan))
    assert [
        line.split(": error: ")[1] for line in result.output.splitlines() if ": error: " in line
    ] == [message]


def test_a_tbd_deadline_is_a_warning(invoke, plan):
    path = plan / MEASURE_11
    path.write_text(path.read_text(encoding="utf-8").replace("due: 2019-Q2", "due: tbd"), "utf-8")
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == (
        f"{plan}/{MEASURE_11}:68:10: warning: set a deadline for 1.1.3 (it is tbd)"
    )
    shown = invoke("show", "1.1.3", "--plan", str(plan))
    assert "Due (stated on 1.1.3): to be determined\n" in shown.output


def test_indicator_status_rule():
    from cas_plan.answers.indicators import expected_in

    points = [(2016, Decimal(10)), (2018, Decimal(40)), (2020, Decimal(80))]
    assert [expected_in(points, year) for year in (2015, 2017, 2018, 2019, 2021)] == [
        Decimal(10), Decimal(25), Decimal(40), Decimal(60), Decimal(80),
    ]  # fmt: skip
