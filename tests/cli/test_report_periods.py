# ruff: noqa: RUF001  (Serbian Cyrillic text, as printed)
"""`casplan report --period`, the reporting calendar (`due --reports`, the site, the warning of
a late report), narratives per period and language (validated, and in `diff`), a status with its
days late in `show` and on the site, and amendments recorded with `amend --also`."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from plans import as_in_site, git, lived_plan_files, minimal_files, write_plan


@pytest.fixture
def plan(tmp_path):
    return write_plan(tmp_path / "plan", lived_plan_files())


def run(invoke, *args):
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    return result


# --- the period ----------------------------------------------------------------------------


def test_year_is_the_period_of_a_year(invoke, plan):
    by_year = run(invoke, "report", "--plan", str(plan), "--year", "2018").stdout
    assert by_year == run(invoke, "report", "--plan", str(plan), "--period", "2018").stdout


def test_without_a_period_the_final_report_once_the_plan_has_ended(invoke, plan):
    final = run(invoke, "report", "--plan", str(plan)).stdout
    assert final.startswith("# Final report on the implementation of the Action Plan 2017–2020\n")
    assert final == run(invoke, "report", "--plan", str(plan), "--period", "2017..2020").stdout
    early = invoke("report", "--plan", str(plan), "--as-of", "2019-06-30")
    assert early.exit_code == 2
    assert early.stderr == (
        "casplan: error: give the report's period (--period 2018-H1, 2018 or 2017..2020): the "
        "plan runs until 31 December 2020, so there is no final report yet\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--period", "2018", "--year", "2018"],
            "--period and --year name the report's period: give one of them",
        ),
        (
            ["--period", "2018-Q2"],
            "--period: '2018-Q2' is not a report period; write 2018-H1, 2018 or 2017..2020",
        ),
        (
            ["--period", "2021-H1"],
            "--period 2021-H1 is outside the plan period (1 January 2017 – 31 December 2020)",
        ),
        (
            ["--year", "2016"],
            "--year 2016 is outside the plan period (1 January 2017 – 31 December 2020)",
        ),
        (
            ["--period", "2018-H1", "--as-of", "2018-07-01"],
            "--as-of 2018-07-01 is not in the period 2018-H1 (1 January – 30 June 2018); a report "
            "takes the state on a day of its period",
        ),
    ],
)
def test_periods_refused(invoke, plan, args, message):
    result = invoke("report", "--plan", str(plan), *args)
    assert result.exit_code == 2
    assert result.stderr == f"casplan: error: {message}\n"


def test_the_state_on_a_day_of_the_period(invoke, plan):
    text = run(invoke, "report", "--plan", str(plan), "--period", "2018", "--as-of", "2018-09-30")
    lines = text.stdout.splitlines()
    assert "| State as of | 30 September 2018 |" in lines
    delays = lines[
        lines.index("## 3. Delays and challenges") : lines.index("## 4. Amendments of the plan")
    ]
    # 1.1.1 is due on 31 December: not yet a delay on 30 September
    assert [
        line.split(" | ")[0]
        for line in delays
        if line.startswith("| 1.") or line.startswith("| 2.")
    ] == ["| 2.1.1"]
    # --as-of is the day the report is made: not after the deadline, no warning
    assert text.stderr == ""


def test_a_report_made_after_its_deadline_warns(invoke, plan):
    result = run(invoke, "report", "--plan", str(plan), "--period", "2018")
    today = dt.date.today()
    assert result.stderr == (
        "casplan: warning: the report on 2018 was due on 30 April 2019 (see casplan due "
        f"--reports); it is made on {today.day} {today:%B} {today.year}, "
        f"{(today - dt.date(2019, 4, 30)).days:,} days late\n"
    )


# --- the reporting calendar ------------------------------------------------------------------


def test_due_reports_lists_the_coordinators_deadlines(invoke, plan):
    table = run(invoke, "due", "--reports", "--plan", str(plan)).stdout
    assert [line.rstrip() for line in table.splitlines()] == [
        "deadline    report              reporting period",
        "2017-08-29  half-yearly report  1 January – 30 June 2017",
        "2018-04-30  annual report       1 January – 31 December 2017",
        "2018-08-29  half-yearly report  1 January – 30 June 2018",
        "2019-04-30  annual report       1 January – 31 December 2018",
        "2019-08-29  half-yearly report  1 January – 30 June 2019",
        "2020-04-29  annual report       1 January – 31 December 2019",
        "2020-08-29  half-yearly report  1 January – 30 June 2020",
        "2021-04-30  annual report       1 January – 31 December 2020",
        "2021-04-30  final report        1 January 2017 – 31 December 2020",
    ]
    window = ["--after", "2020-01-01", "--before", "2020-12-31"]
    records = json.loads(
        run(invoke, "due", "--reports", *window, "--plan", str(plan), "--format", "json").stdout
    )
    assert records == [
        {
            "kind": "year",
            "period": "2019",
            "first_day": "2019-01-01",
            "last_day": "2019-12-31",
            "due": "2020-04-29",
        },
        {
            "kind": "half",
            "period": "2020-H1",
            "first_day": "2020-01-01",
            "last_day": "2020-06-30",
            "due": "2020-08-29",
        },
    ]
    csv = run(invoke, "due", "--reports", *window, "--plan", str(plan), "--format", "csv").stdout
    assert csv.splitlines() == [
        "due,kind,period,first_day,last_day",
        "2020-04-29,year,2019,2019-01-01,2019-12-31",
        "2020-08-29,half,2020-H1,2020-01-01,2020-06-30",
    ]
    md = run(invoke, "due", "--reports", *window, "--plan", str(plan), "--format", "md").stdout
    assert md.splitlines() == [
        "| deadline | report | reporting period |",
        "|---|---|---|",
        "| 2020-04-29 | annual report | 1 January – 31 December 2019 |",
        "| 2020-08-29 | half-yearly report | 1 January – 30 June 2020 |",
    ]


def test_due_reports_as_a_calendar(invoke, plan):
    ics = run(
        invoke,
        "due",
        "--reports",
        "--after",
        "2021-01-01",
        "--plan",
        str(plan),
        "--format",
        "ics",
        "--as-of",
        "2021-01-01",
    ).stdout
    events = ics.replace("\r\n", "\n").split("BEGIN:VEVENT\n")[1:]
    assert len(events) == 2
    assert events[1].splitlines() == [
        "UID:report-final-2017..2020-"
        + re.search(r"UID:report-final-2017\.\.2020-(\w+)@", ics).group(1)
        + "@casplan",
        "DTSTAMP:20210101T000000Z",
        "DTSTART;VALUE=DATE:20210430",
        "DTEND;VALUE=DATE:20210501",
        "SUMMARY:Final report due: 1 January 2017 – 31 December 2020",
        "DESCRIPTION:Reporting period: 1 January 2017 – 31 December 2020",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
        "END:VCALENDAR",
    ]


def test_the_law_by_default_annual_and_final_only(invoke, tmp_path):
    plan = write_plan(tmp_path / "plan", minimal_files())
    table = run(invoke, "due", "--reports", "--plan", str(plan)).stdout
    assert [line.split()[0] for line in table.splitlines()[1:]] == [
        "2018-04-30",
        "2019-04-30",
        "2020-04-29",
        "2021-04-30",
        "2021-04-30",
    ]


@pytest.mark.parametrize("option", [["--owner", "hr-division"], ["--overdue"], ["--goal", "1"]])
def test_due_reports_takes_no_activity_filter(invoke, plan, option):
    result = invoke("due", "--reports", *option, "--plan", str(plan))
    assert result.exit_code == 2
    assert result.stderr == (
        f"casplan: error: {option[0]}: not with --reports, which lists the coordinator's reports\n"
    )


def test_the_reporting_section_is_validated(invoke, tmp_path):
    files = lived_plan_files()
    files["plan.yaml"] = files["plan.yaml"].replace(
        "half_yearly_within_days: 60", "half_yearly_in: 60"
    )
    plan = write_plan(tmp_path / "plan", files)
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1
    assert "plan.yaml:8:3: error: unknown key 'half_yearly_in'" in result.stdout


# --- narratives ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        (
            "2018.yaml",
            "period: 2019\nen:\n  executive_summary: x\n",
            "reports/2018.yaml:1:9: error: the narrative of 2019 is in a file named '2018.yaml'",
        ),
        (
            "2018.yaml",
            'period: 2018\nsr:\n  goals:\n    "7": Nema ga\n',
            "reports/2018.yaml:4:5: error: goal 7 is not in the plan",
        ),
        (
            "2018.yaml",
            "period: 2018\nen:\n  evaluation:\n    relevance: Early\n",
            "reports/2018.yaml:3:3: error: evaluation texts belong to the final report (the whole "
            "plan period)",
        ),
        (
            "2017..2020.yaml",
            "period: 2017..2020\nen:\n  evaluation:\n    impact: Large\n",
            "reports/2017..2020.yaml:4:5: error: unknown key 'impact'; expected one of "
            "'relevance', 'efficiency', 'effectiveness' or 'sustainability'",
        ),
        (
            "2021.yaml",
            "period: 2021\nen:\n  executive_summary: x\n",
            "reports/2021.yaml:1:9: error: 2021 is outside the plan period 2017-01-01..2020-12-31",
        ),
        (
            "2018.yaml",
            "year: 2018\nexecutive_summary: x\n",
            "reports/2018.yaml:1:1: error: a narrative names its period and its language: write "
            "`period: 2018` instead of `year:`, and put the texts under `en:` or `sr:`",
        ),
    ],
)
def test_narratives_are_validated(invoke, tmp_path, name, text, problem):
    files = lived_plan_files()
    files[f"reports/{name}"] = text
    plan = write_plan(tmp_path / "plan", files)
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1
    assert problem in result.stdout, result.stdout


def test_diff_reports_narrative_changes(invoke, tmp_path):
    root = tmp_path / "repo"
    write_plan(root / "plan", lived_plan_files())
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "plan")
    reports = root / "plan" / "reports"
    text = (reports / "2018.yaml").read_text(encoding="utf-8")
    text = text.replace("Plan obuke je na snazi.", "Plan obuke je usvojen u martu.")
    text = text.replace('  measures:\n    "1.2": The by-laws wait for the Customs Law.\n', "")
    (reports / "2018.yaml").write_text(text, encoding="utf-8")
    h1 = (reports / "2018-H1.yaml").read_text(encoding="utf-8")
    (reports / "2018-H1.yaml").write_text(
        h1 + "sr:\n  executive_summary: Plan obuke je napisan.\n", encoding="utf-8"
    )
    result = invoke("diff", "main", "--plan", str(root / "plan"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "casplan diff main .. working tree",
        "Report narratives changed (3):",
        "  * reports/2018.yaml (en) measure 1.2: removed",
        "  * reports/2018.yaml (sr) goal 2: edited",
        "  * reports/2018-H1.yaml (sr) executive summary: added",
    ]


# --- days late and the roll-up on every surface ---------------------------------------------------


def test_show_says_how_late_and_where_a_status_comes_from(invoke, plan):
    late = run(invoke, "show", "1.1.1", "--plan", str(plan), "--as-of", "2020-12-31").stdout
    assert "Status: completed (since 2019-11-30), 334 days late" in late.splitlines()
    parent = run(invoke, "show", "2.2.1", "--plan", str(plan), "--as-of", "2020-12-31").stdout
    assert "Status: completed (from its sub-activities) (since 2019-09-01)" in parent.splitlines()
    record = json.loads(
        run(
            invoke,
            "show",
            "1.1.1",
            "--plan",
            str(plan),
            "--as-of",
            "2020-12-31",
            "--format",
            "json",
        ).stdout
    )
    assert (record["status"], record["days_late"], record["rolled_up"]) == ("completed", 334, False)


def test_the_site_lists_the_reports_and_says_how_late(invoke, plan, tmp_path):
    site = tmp_path / "site"
    run(invoke, "site", "--plan", str(plan), "--out", str(site), "--as-of", "2021-01-15")
    home = (site / "index.html").read_text(encoding="utf-8")
    rows = re.findall(
        r'<tr><td data-label="Report">(.*?)</td>.*?class="nowrap">(.*?)</td></tr>', home
    )
    assert rows[:3] == [
        (
            '<a href="reports/2017-H1.html">Report on the implementation of the Action Plan for the first half of 2017</a>',
            "29 August 2017",
        ),
        (
            '<a href="reports/2017.html">Report on the implementation of the Action Plan for 2017</a>',
            "30 April 2018",
        ),
        (
            '<a href="reports/2018-H1.html">Report on the implementation of the Action Plan for the first half of 2018</a>',
            "29 August 2018",
        ),
    ]
    assert rows[-1] == (
        '<a href="reports/final.html">Final report on the implementation of the Action Plan 2017–2020</a>',
        "30 April 2021",
    )
    final = (site / "reports" / "final.html").read_text(encoding="utf-8")
    standalone = run(
        invoke, "report", "--plan", str(plan), "--period", "2017..2020", "--format", "html"
    ).stdout
    assert final == as_in_site(standalone)
    page = (site / "activities" / "1.1.1.html").read_text(encoding="utf-8")
    assert (
        '<span class="status status-completed">Completed</span> <span class="late">(334 days late)</span>'
        in page
    )
    parent = (site / "activities" / "2.2.1.html").read_text(encoding="utf-8")
    assert (
        '<span class="status status-completed">Completed</span> <span class="since">(from its sub-activities)</span>'
        in parent
    )
    earlier = tmp_path / "earlier"
    run(invoke, "site", "--plan", str(plan), "--out", str(earlier), "--as-of", "2018-03-01")
    home = (earlier / "index.html").read_text(encoding="utf-8")
    assert "reports/2018.html" in home and "reports/2018-H1.html" in home
    assert "reports/final.html" not in home and "reports/2019.html" not in home


def test_the_site_and_the_report_share_one_denominator(invoke, plan, tmp_path):
    """Goal 2 has two cancelled activities of nine: left out of its completed share on the
    site as in the report (six of seven completed, the seventh continuous)."""
    site = tmp_path / "site"
    run(invoke, "site", "--plan", str(plan), "--out", str(site), "--as-of", "2020-12-31")
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Goal 2: 6 of 7 completed (86%)" in home


# --- amendments recorded with amend --also ------------------------------------------------------


def test_amend_also_gives_a_row_for_every_activity_it_moved(invoke, tmp_path):
    """The conclusion of the lived plan, recorded with `amend` instead of by hand."""
    files = lived_plan_files()
    files["goal-1/measure-1.2.yaml"] = """\
id: "1.2"
title: The new Customs Law
activities:
  - id: "1.2.1"
    title: Draft the by-laws
    indicators: [By-laws drafted]
    responsible: [hr-division]
    funds:
      no_extra_cost: true
    due: 2018-06-30
  - id: "1.2.2"
    title: Consult the trade
  - id: "1.2.3"
    title: Train the officers on the Law
"""
    files["amendments.yaml"] = (
        "amendments:\n  - id: a-2019-03\n    date: 2019-03-15\n    decision: 05 br. 021-200/2019\n"
    )
    files.pop("reports/2018-H1.yaml")
    plan = write_plan(tmp_path / "plan", files)
    decision = ["--decision", "05 br. 021-100/2018"]
    run(
        invoke,
        "amend",
        "1.2.1",
        *decision,
        "--date",
        "2018-06-20",
        "--due",
        "2019-06-30",
        "--also",
        "1.2.2",
        "1.2.3",
        "--plan",
        str(plan),
    )
    run(
        invoke,
        "amend",
        "1.2.3",
        *decision,
        "--responsible",
        "audit-department",
        "--plan",
        str(plan),
    )
    text = run(invoke, "report", "--plan", str(plan), "--period", "2018-H1").stdout
    rows = [line for line in text.splitlines() if line.startswith("| 1.2.")]
    assert rows == [
        "| 1.2.1 Draft the by-laws | Deadline | 30 June 2018 | 30 June 2019 |",
        "| 1.2.2 Consult the trade | Deadline | 30 June 2018 | 30 June 2019 |",
        "| 1.2.3 Train the officers on the Law | Responsible | Human Resources Division | Audit Department |",
        "| 1.2.3 Train the officers on the Law | Deadline | 30 June 2018 | 30 June 2019 |",
    ]
