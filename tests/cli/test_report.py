"""`casplan report`: exact summary lines, the overdue list, escaping, templates, languages."""

from __future__ import annotations

import os
import re
import subprocess
from html.parser import HTMLParser

import pytest

from cas_plan import __version__
from plans import REAL_PLAN, REPO, minimal_files, write_plan

# The whole Markdown report of the fixture below for 2018, as casplan prints it.
EXPECTED_REPORT = REPO / "tests" / "data" / "report-fixture-2018.md"

# Test data with progress across several years (a fixture, not the real plan).
REPORT_MEASURE = """\
id: "1.1"
title: Measure with progress
activities:
  - id: "1.1.1"
    title: On time
    indicators: [Rules adopted]
    responsible: [hr-division]
    funds:
      amounts:
        - amount: 1000.50 EUR
          year: 2018
    due: 2018-12-31
    progress:
      - date: 2018-11-01
        status: completed
        note: Adopted
        values:
          Rules adopted: "yes"
        evidence:
          - https://example.org/decision.pdf
  - id: "1.1.2"
    title: Late
    funds:
      no_extra_cost: true
    due: 2018-07
    progress:
      - date: 2018-09-15
        status: completed
  - id: "1.1.3"
    title: Running
    responsible: [audit-department]
    due: 2018-Q2
    progress:
      - date: 2018-05-01
        status: in_progress
  - id: "1.1.4"
    title: "Pipes | <script>alert(1)</script> *stars* @org/team"
    due: 2018
    progress:
      - date: 2018-10-01
        status: delayed
        note: "Waiting | for <b>budget</b>\\nline two"
  - id: "1.1.5"
    title: Forgotten range
    due: 2017-03-28..2017-03-30
  - id: "1.1.6"
    title: Continuous training
    indicators: [Training held]
    due: continuous
    progress:
      - date: 2017-12-01
        status: in_progress
        note: One training
      - date: 2018-06-30
        status: in_progress
        note: Two trainings held
        values:
          Training held: "2"
  - id: "1.1.7"
    title: "Yearly plan: next year"
    due: yearly 11
    progress:
      - date: 2017-11-20
        status: completed
  - id: "1.1.8"
    title: Next year
    due: 2019-03-31
  - id: "1.1.9"
    title: As the agency says
    due: by agency-dynamics
  - id: "1.1.10"
    title: Dropped
    due: 2018-10-31
    progress:
      - date: 2018-02-01
        status: cancelled
  - id: "1.1.11"
    title: Waiting to start
    due: 2018-12-31
    progress:
      - date: 2018-01-15
        status: not_started
"""
GOAL2 = 'id: "2"\ntitle: Second goal\n'
MEASURE2 = """\
id: "2.1"
title: Other measure
activities:
  - id: "2.1.1"
    title: Done early
    responsible: [training-department]
    funds:
      amounts:
        - amount: 500 RSD
          annual: true
    due: 2018-06-30
    progress:
      - date: 2018-06-01
        status: completed
"""
EVENTS = "events:\n  - id: agency-dynamics\n    name: Set by the agency\n"


@pytest.fixture
def plan(tmp_path):
    files = minimal_files()
    files.update(
        {
            "goal-1/measure-1.1.yaml": REPORT_MEASURE,
            "goal-2/goal.yaml": GOAL2,
            "goal-2/measure-2.1.yaml": MEASURE2,
            "events.yaml": EVENTS,
        }
    )
    return write_plan(tmp_path / "p", files)


def report(invoke, plan, *args):
    result = invoke("report", "--plan", str(plan), "--year", "2018", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def section(text: str, heading: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(heading)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return [line for line in lines[start + 1 : end] if line]


def test_plan_fixture_is_valid(invoke, plan):
    assert invoke("validate", "--plan", str(plan)).exit_code == 0


def test_the_whole_report_is_exact(invoke, plan):
    """The fixture's whole report; after a deliberate change of the report, regenerate the
    expected file with CASPLAN_REGENERATE=1 and review its diff."""
    text = report(invoke, plan)
    if os.environ.get("CASPLAN_REGENERATE"):
        EXPECTED_REPORT.write_text(text.replace(__version__, "@VERSION@"), encoding="utf-8")
    expected = EXPECTED_REPORT.read_text(encoding="utf-8").replace("@VERSION@", __version__)
    assert text == expected


def test_header_says_year_state_and_source(invoke, plan):
    text = report(invoke, plan)
    assert text.startswith("# Report on the implementation of the Action Plan for 2018\n")
    assert "| State as of | 31 December 2018 |" in text
    assert "| Plan period | 1 January 2017 \N{EN DASH} 31 December 2020 |" in text
    assert "| Generated from | not in a git repository, casplan 0.1.0 |" in text
    assert "| State as of | 30 June 2018 |" in report(invoke, plan, "--as-of", "2018-06-30")


def test_summary_counts_and_percentages(invoke, plan):
    lines = section(report(invoke, plan), "## 1. Executive summary")
    assert lines[
        lines.index(
            "| Goal | Due | Completed | Completed late | In progress | Delayed | Not started | Not reported | Cancelled |"
        ) :
    ][2:5] == [
        # shares of the six not cancelled, by the largest remainder: they add up to 100
        "| 1. First goal | 7 | 1 (17%) | 1 (17%) | 1 (17%) | 1 (17%) | 1 (16%) | 1 (16%) | 1 |",
        "| 2. Second goal | 1 | 1 (100%) | 0 (0%) | 0 (0%) | 0 (0%) | 0 (0%) | 0 (0%) | 0 |",
        "| **Overall** | **8** | **2 (29%)** | **1 (15%)** | **1 (14%)** | **1 (14%)** | **1 (14%)** | "
        "**1 (14%)** | **1** |",
    ]


def test_delays_cover_all_years(invoke, plan):
    lines = section(report(invoke, plan), "## 3. Delays and challenges")
    rows = [line.split(" | ")[:6] for line in lines if re.match(r"^\| \d", line)]
    assert rows == [
        ["| 1.1.5", "Forgotten range", "Audit Department", "30/03/2017", "Not reported", "641"],
        ["| 1.1.3", "Running", "Audit Department", "30/06/2018", "In progress", "184"],
        [
            "| 1.1.7",
            "Yearly plan: next year",
            "Audit Department",
            "30/11/2018",
            "Not reported",
            "31",
        ],
        # due on the last day of the year and not completed by then: delays of the year
        [
            "| 1.1.4",
            "Pipes \\| \\<script\\>alert(1)\\</script\\> \\*stars\\* @\u200borg/team",
            "Audit Department",
            "31/12/2018",
            "Delayed",
            "0",
        ],
        ["| 1.1.11", "Waiting to start", "Audit Department", "31/12/2018", "Not started", "0"],
    ]


def test_activity_table_escapes_cells_and_shows_notes_values_evidence(invoke, plan):
    text = report(invoke, plan)
    assert (
        "| 1.1.4 | Pipes \\| \\<script\\>alert(1)\\</script\\> \\*stars\\* @\u200borg/team | "
        "Audit Department | 31/12/2018 | Delayed |  | Waiting \\| for \\<b\\>budget\\</b\\> line two "
        "(01/10/2018) |  |"
    ) in text.splitlines()
    assert (
        "| 1.1.1 | On time | Human Resources Division | 31/12/2018 | Completed | Rules adopted: yes | "
        "Adopted (01/11/2018) | <https://example.org/decision.pdf> |"
    ) in text.splitlines()
    assert "<script>" not in text


def test_continuous_activities_that_reported_are_listed_with_values(invoke, plan):
    text = report(invoke, plan)
    assert (
        "| 1.1.6 | Continuous training | Audit Department | continuous | In progress | "
        "Training held: 2 | Two trainings held (30/06/2018) |  |"
    ) in section(text, "## 2. Achievements by goal and measure")
    assert section(text, "## 5. Indicative funds / Funds spent")[1:] == [
        "### By goal",
        "| Goal | Currency | Indicative funds | Funds spent |",
        "|---|---|---:|---:|",
        "| 1. First goal | EUR | 1,000.50 EUR | \N{EN DASH} |",
        "| 2. Second goal | RSD | 500 RSD | \N{EN DASH} |",
        "| **Total** | EUR | **1,000.50 EUR** | \N{EN DASH} |",
        "| **Total** | RSD | **500 RSD** | \N{EN DASH} |",
        "### By measure",
        "| Measure | Currency | Indicative funds | Funds spent |",
        "|---|---|---:|---:|",
        "| 1.1. Measure with progress | EUR | 1,000.50 EUR | \N{EN DASH} |",
        "| 2.1. Other measure | RSD | 500 RSD | \N{EN DASH} |",
    ]


def test_mermaid_blocks_cannot_be_hijacked(invoke, plan):
    text = report(invoke, plan)
    gantt = text.split("```mermaid\ngantt\n", 1)[1].split("```", 1)[0]
    assert "    1.1.7 Yearly plan next year :crit, milestone, m" in gantt
    assert "    1.1.4 Pipes script alert(1) /script stars org/team :" in gantt
    for line in gantt.splitlines()[4:]:
        label = line.split(" :", 1)[0]
        assert not set(label) & set(":;#`\"'<>[]{}|")
    # 2 of the 6 not cancelled, 1 of 1
    assert 'x-axis ["Goal 1", "Goal 2"]' in text and "bar [33, 100]" in text


def test_html_is_one_escaped_page(invoke, plan):
    html = report(invoke, plan, "--format", "html")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<svg" in html and "<style>" in html and "<link" not in html

    class Checker(HTMLParser):
        def __init__(self):
            super().__init__()
            self.stack, self.errors = [], []

        def handle_starttag(self, tag, attrs):
            if tag not in ("meta", "br", "link", "img", "input", "hr"):
                self.stack.append(tag)

        def handle_endtag(self, tag):
            if not self.stack or self.stack.pop() != tag:
                self.errors.append(tag)

    checker = Checker()
    checker.feed(html)
    assert checker.errors == [] and checker.stack == []


def test_serbian_words_plan_texts_as_written(invoke, plan):
    text = report(invoke, plan, "--lang", "sr")
    assert text.startswith("# Izveštaj o sprovođenju Akcionog plana za 2018. godinu\n")
    assert "| Stanje na dan | 31. decembar 2018. |" in text
    assert "## 3. Kašnjenja i izazovi" in text
    assert (
        "| 1.1.1 | On time | Human Resources Division | 31.12.2018. | Realizovano | "
        "Rules adopted: yes | Adopted (01.11.2018.) |" in text
    )


def test_user_template_runs_in_the_sandbox(invoke, plan, tmp_path):
    good = tmp_path / "mine.md.j2"
    good.write_text(
        "{{ year }}: {{ summary.overall.counts.due }} due, {{ goals | length }} goals\n"
    )
    assert report(invoke, plan, "--template", str(good)) == "2018: 8 due, 2 goals\n"
    filters = tmp_path / "filters.md.j2"
    filters.write_text("{{ as_of | date }}; {{ 1234567 | num }}; {{ none | pct }}\n")
    assert report(invoke, plan, "--template", str(filters), "--lang", "sr") == (
        "31. decembar 2018.; 1.234.567; \u2013\n"
    )
    evil = tmp_path / "evil.j2"
    evil.write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}\n")
    result = invoke("report", "--plan", str(plan), "--year", "2018", "--template", str(evil))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] + "\n" == (
        "casplan: error: template evil.j2 (line 1): the sandbox forbids it: access to attribute "
        "'__class__' of 'str' object is unsafe.\n"
    )
    assert result.stderr.count("casplan: error") == 1
    reader = tmp_path / "reader.j2"
    reader.write_text("{% include '/etc/passwd' %}\n")
    result = invoke("report", "--plan", str(plan), "--year", "2018", "--template", str(reader))
    assert result.exit_code == 1 and "root:" not in result.output


def test_undefined_variables_are_errors(invoke, plan, tmp_path):
    typo = tmp_path / "typo.j2"
    typo.write_text("{{ sumary }}\n")
    result = invoke("report", "--plan", str(plan), "--year", "2018", "--template", str(typo))
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "casplan: error: template typo.j2 (line 1): 'sumary' is undefined\n"
    )


def test_git_commit_and_dirty_state(invoke, plan):
    def git(*args):
        subprocess.run(["git", "-C", str(plan), *args], check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.name=t", "-c", "user.email=t@e", "add", ".")
    git("-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "plan")
    commit = subprocess.run(
        ["git", "-C", str(plan), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()

    def generated_from() -> str:
        return next(
            line for line in report(invoke, plan).splitlines() if line.startswith("| Generated")
        )

    assert generated_from() == f"| Generated from | commit `{commit[:12]}`, casplan {__version__} |"
    (plan / "goal-2" / "goal.yaml").write_text(GOAL2.replace("Second", "2nd"))
    assert generated_from() == (
        f"| Generated from | commit `{commit[:12]}` (with uncommitted changes in the plan), "
        f"casplan {__version__} |"
    )


def test_real_plan_report_renders(invoke):
    text = report(invoke, REAL_PLAN)
    assert "| **Overall** | **25** | **0 (0%)** |" in text
    assert "Not listed: 5 continuous activities that did not report in the period." in text
    assert report(invoke, REAL_PLAN, "--format", "html").rstrip().endswith("</html>")


def test_bad_options(invoke, plan):
    result = invoke("report", "--plan", str(plan), "--year", "2018", "--lang", "de")
    assert result.exit_code == 2
    assert result.output == "casplan: error: --lang: 'de' is not one of en, sr, sr-Cyrl\n"


@pytest.mark.parametrize("year", ["2016", "2021", "2025", "9999", "0", "-5"])
def test_a_year_outside_the_plan_period_is_a_usage_error(invoke, plan, year):
    result = invoke("report", "--plan", str(plan), "--year", year)
    assert result.exit_code == 2
    assert result.output == (
        f"casplan: error: --year {year} is outside the plan period (1 January 2017 – 31 December 2020)\n"  # noqa: RUF001 (CLDR's en dash)
    )


@pytest.mark.parametrize("year", ["2017", "2020"])
def test_the_first_and_last_years_of_the_period_are_reported(invoke, plan, year):
    result = invoke("report", "--plan", str(plan), "--year", year)
    assert result.exit_code == 0, result.output


def test_an_open_ended_activity_is_reported_with_the_continuous_ones_once_started(tmp_path):
    import datetime as dt

    from cas_plan.core.periods import parse_report_period
    from cas_plan.core.provenance import GitState
    from cas_plan.publish.report import ReportOn, build_context
    from plans import MEASURE_YAML, load

    files = minimal_files()
    files["goal-1/measure-1.1.yaml"] = MEASURE_YAML.replace(
        "    due: continuous\n",
        "    due: 2020..\n    progress:\n      - date: 2020-03-01\n        status: in_progress\n",
    )
    plan = load(write_plan(tmp_path / "p", files)).plan
    for year, listed in ((2019, []), (2020, ["1.1.2"])):
        period = parse_report_period(str(year))
        git = GitState(None, False, "")
        context = build_context(ReportOn(plan, period, dt.date(year, 12, 31), "en", git))
        in_goals = [
            a["id"] for g in context["goals"] for m in g["measures"] for a in m["activities"]
        ]
        # listed once, with the activities that run, once it has started and reported
        assert [i for i in in_goals if i == "1.1.2"] == listed
