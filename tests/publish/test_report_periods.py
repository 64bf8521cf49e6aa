# ruff: noqa: RUF001  (Serbian Cyrillic text and the en dash of a missing value, as printed)
"""The reports of a half-year, a year and the whole plan period (the final report) of a plan
lived through 2017-2020 (tests/data/lived-plan): exact sections, rows, figures and phrases in
md and html, in en, sr and sr-Cyrl; the docx context and that it renders; the shares that add up
to 100%."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from plans import lived_plan_files, write_plan

docx = pytest.importorskip("docx")

PERIODS = ("2018-H1", "2018", "2017..2020")


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    return write_plan(tmp_path_factory.mktemp("lived") / "plan", lived_plan_files())


@pytest.fixture(scope="module")
def reports(plan):
    """Every report of the lived plan: (period, language, format) -> (stdout, stderr)."""
    from typer.testing import CliRunner

    from cas_plan.cli import app

    runner = CliRunner()
    out = {}
    for period in PERIODS:
        for lang in ("en", "sr", "sr-Cyrl"):
            for form in ("md", "html"):
                args = ["report", "--plan", str(plan), "--period", period, "--lang", lang]
                result = runner.invoke(app, [*args, "--format", form], catch_exceptions=False)
                assert result.exit_code == 0, result.output
                out[(period, lang, form)] = (result.stdout, result.stderr)
    return out


def md(reports, period, lang="en"):
    return reports[(period, lang, "md")][0]


def section(text: str, heading: str) -> list[str]:
    """The non-empty lines under a heading, up to the next heading of its level or above."""
    lines = text.splitlines()
    start = lines.index(heading)
    level = heading.split(" ", 1)[0]
    end = next(
        (
            i
            for i in range(start + 1, len(lines))
            if lines[i].startswith("#") and len(lines[i].split(" ", 1)[0]) <= len(level)
        ),
        len(lines),
    )
    return [line for line in lines[start + 1 : end] if line]


def headings(text: str, depth: int = 2) -> list[str]:
    return [
        line
        for line in text.splitlines()
        if 0 < len(line.split(" ", 1)[0]) <= depth and line.startswith("#")
    ]


def in_words(day: dt.date) -> str:
    """An English date as a person reads it: 30 April 2019."""
    return f"{day.day} {day:%B} {day.year}"


def late_warning(period: str, due: str) -> str:
    today = dt.date.today()
    days = (today - dt.date.fromisoformat(due)).days
    return (
        f"casplan: warning: the report on {period} was due on "
        f"{in_words(dt.date.fromisoformat(due))} (see casplan due --reports); it is made on "
        f"{in_words(today)}, {days:,} days late\n"
    )


# --- outlines ---------------------------------------------------------------------------------


def test_the_outline_of_each_period(reports):
    assert headings(md(reports, "2018-H1")) == [
        "# Report on the implementation of the Action Plan for the first half of 2018",
        "## 1. Executive summary",
        "## 2. Achievements by goal and measure",
        "## 3. Delays and challenges",
        "## 4. Amendments of the plan",
        "## 5. Indicative funds / Funds spent",
        "## 6. Annex: activities of the reporting period",
        "## Indicators against their targets",
    ]
    assert headings(md(reports, "2018"))[0] == (
        "# Report on the implementation of the Action Plan for 2018"
    )
    assert headings(md(reports, "2017..2020"), 3) == [
        "# Final report on the implementation of the Action Plan 2017–2020",
        "## 1. Executive summary",
        "## 2. Achievements by goal and measure",
        "### Goal 1: Modern customs procedures",
        "### Goal 2: Capable staff",
        "## 3. Delays and challenges",
        "## 4. Amendments of the plan",
        "### Government conclusion 05 br. 021-100/2018 (20 June 2018)",
        "### Government conclusion 05 br. 021-200/2019 (15 March 2019)",
        "## 5. Indicative funds / Funds spent",
        "### By goal",
        "### By measure",
        "## 6. Evaluation of the plan (Law on the Planning System, art. 40)",
        "### 6.1. Relevance",
        "### 6.2. Efficiency",
        "### 6.3. Effectiveness",
        "### 6.4. Sustainability",
        "## 7. Annex: activities of the reporting period",
        "## Indicators against their targets",
    ]


def test_the_outline_in_serbian(reports):
    assert headings(md(reports, "2018-H1", "sr"))[0] == (
        "# Izveštaj o sprovođenju Akcionog plana za prvo polugodište 2018. godine"
    )
    assert headings(md(reports, "2018", "sr-Cyrl"))[0] == (
        "# Извештај о спровођењу Акционог плана за 2018. годину"
    )
    assert headings(md(reports, "2017..2020", "sr"), 3)[-7:] == [
        "## 6. Vrednovanje plana (Zakon o planskom sistemu, član 40)",
        "### 6.1. Relevantnost",
        "### 6.2. Efikasnost",
        "### 6.3. Efektivnost",
        "### 6.4. Održivost",
        "## 7. Prilog: aktivnosti u izveštajnom periodu",
        "## Pokazatelji u odnosu na ciljne vrednosti",
    ]
    assert headings(md(reports, "2017..2020", "sr-Cyrl")) == [
        "# Завршни извештај о спровођењу Акционог плана за период 2017–2020. године",
        "## 1. Резиме",
        "## 2. Остварени резултати по циљевима и мерама",
        "## 3. Кашњења и изазови",
        "## 4. Измене плана",
        "## 5. Процењена (индикативна) средства / Утрошена средства",
        "## 6. Вредновање плана (Закон о планском систему, члан 40)",
        "## 7. Прилог: активности у извештајном периоду",
        "## Показатељи у односу на циљне вредности",
    ]


def test_the_cover_names_the_period_and_the_day_the_report_is_due(reports):
    lines = md(reports, "2018-H1").splitlines()
    assert (
        lines[4:12]
        == [
            "| Plan | Lived plan (fixture, not the real plan) |",
            "| Institution | Customs Administration (fixture) |",
            "| Plan period | 1 January 2017 – 31 December 2020 |",
            "| Reporting period | 1 January – 30 June 2018 |",
            "| State as of | 30 June 2018 |",
            "| Due to the Government | 29 August 2018 |",
            "| Generated from | not in a git repository, casplan 0.1.0 |",
            "",
        ][:8]
    )
    final = md(reports, "2017..2020", "sr").splitlines()
    assert "| Izveštajni period | 1. januar 2017. – 31. decembar 2020. |" in final
    assert "| Rok za dostavljanje Vladi | 30. april 2021. |" in final


# --- figures -------------------------------------------------------------------------------


def test_the_figures_of_each_period(reports):
    def figures(period, lang="en"):
        lines = section(md(reports, period, lang), headings(md(reports, period, lang))[1])
        first = next(
            i
            for i, line in enumerate(lines)
            if line.startswith("| Status") or line.startswith("| Статус")
        )
        return lines[first + 2 : first + 10]

    assert figures("2018-H1") == [
        "| Due | 2 |  |",
        "| Completed | 1 | 50% |",
        "| Completed late | 0 | 0% |",
        "| In progress | 0 | 0% |",
        "| Delayed | 1 | 50% |",
        "| Not started | 0 | 0% |",
        "| Not reported | 0 | 0% |",
        "| Cancelled | 0 |  |",
    ]
    assert figures("2018") == [
        "| Due | 4 |  |",
        "| Completed | 2 | 50% |",
        "| Completed late | 0 | 0% |",
        "| In progress | 1 | 25% |",
        "| Delayed | 1 | 25% |",
        "| Not started | 0 | 0% |",
        "| Not reported | 0 | 0% |",
        "| Cancelled | 0 |  |",
    ]
    # the final report: every deadline of the four years (the yearly one four times), the
    # cancelled ones counted but left out of the shares
    assert figures("2017..2020", "sr-Cyrl") == [
        "| Са роком у периоду | 16 |  |",
        "| Реализовано | 9 | 64% |",
        "| Реализовано са закашњењем | 3 | 22% |",
        "| У току | 0 | 0% |",
        "| Касни | 0 | 0% |",
        "| Није започето | 0 | 0% |",
        "| Без извештаја | 2 | 14% |",
        "| Отказано | 2 |  |",
    ]


def test_the_rules_of_the_figures_are_stated_once(reports):
    text = md(reports, "2018")
    for rule in (
        "Shares are of the activities due in the period, cancelled ones left out; shares shown "
        "together add up to 100%.",
        "An activity with sub-activities and no progress entries of its own takes its status "
        "from them: completed when all are completed or cancelled (cancelled when all are "
        "cancelled), delayed when any is delayed, in progress when any is in progress or "
        "completed, not started when all are not started, otherwise not reported.",
    ):
        assert text.count(rule) == 1


def test_per_goal_with_no_share_for_cancelled_and_a_dash_for_nothing_due(reports):
    lines = section(md(reports, "2017..2020"), "## 1. Executive summary")
    goals = [line for line in lines if line.startswith(("| 1. ", "| 2. ", "| **Overall"))]
    assert goals == [
        "| 1. Modern customs procedures | 8 | 4 (50%) | 2 (25%) | 0 (0%) | 0 (0%) | 0 (0%) | 2 (25%) | 0 |",
        "| 2. Capable staff | 8 | 5 (83%) | 1 (17%) | 0 (0%) | 0 (0%) | 0 (0%) | 0 (0%) | 2 |",
        "| **Overall** | **16** | **9 (64%)** | **3 (22%)** | **0 (0%)** | **0 (0%)** | **0 (0%)** | **2 (14%)** | **2** |",
    ]
    h1 = section(md(reports, "2018-H1"), "## 1. Executive summary")
    assert (
        "| 1. Modern customs procedures | 0 | 0 (–) | 0 (–) | 0 (–) | 0 (–) | 0 (–) | 0 (–) | 0 |"
        in h1
    )


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("lang", ["en", "sr", "sr-Cyrl"])
def test_shares_shown_together_add_up_to_100(reports, period, lang):
    text = md(reports, period, lang)
    rows = [line for line in text.splitlines() if line.count("%)") >= 6]
    assert rows
    for row in rows:
        shares = [int(x) for x in re.findall(r"\((\d+)%\)", row)]
        assert sum(shares) == 100 or not shares, row


# --- rows ---------------------------------------------------------------------------------


def test_completed_late_and_rolled_up_beside_the_status(reports):
    annex = section(md(reports, "2017..2020"), "## 7. Annex: activities of the reporting period")
    assert annex[2:] == [
        "| 1.1.1 | Adopt the rules of procedure | Human Resources Division | 31/12/2018 | Completed late (334 days) |  | Adopted by the director (30/11/2019) |  |",
        "| 1.1.2 | Report on the rules each year | Human Resources Division | 30/11/2017 | Completed |  |  |  |",
        "| 1.2.1 | Draft the by-laws | Human Resources Division | 30/06/2019 | Completed |  |  |  |",
        "| 1.2.2 | Consult the trade | Human Resources Division | 30/06/2019 | Completed late (15 days) |  | Consulted in July (15/07/2019) |  |",
        "| 1.2.3 | Train the officers on the Law | Audit Department | 30/06/2019 | Not reported |  |  |  |",
        "| 2.1.1 | Hire the trainers | Training Department | 30/06/2018 | Completed late (581 days) |  | Trainers hired (01/02/2020) |  |",
        "| 2.1.2 | Equip the training room | IT Division | 30/06/2020 | Completed |  |  |  |",
        "| 2.1.3 | Build the e-learning platform | IT Division | 31/12/2019 | Cancelled |  |  |  |",
        "| 2.1.4 | Write the training plan | Training Department | 31/03/2018 | Completed |  | Adopted by the board (20/03/2018) |  |",
        "| 2.2.1 | Train the trainers | Training Department | 31/12/2019 | Completed (from its sub-activities) |  |  |  |",
        "| 2.2.1.1 | Customs procedures course | Training Department | 31/12/2019 | Completed |  |  |  |",
        "| 2.2.1.2 | Risk analysis course | Training Department | 31/12/2019 | Completed |  |  |  |",
        "| 2.2.1.3 | Course abroad | Training Department | 31/12/2019 | Cancelled |  |  |  |",
        "| 2.2.2 | Keep the training records | Training Department | continuous | In progress |  | Records kept for 180 officers (20/12/2019) |  |",
    ]
    sr = md(reports, "2017..2020", "sr-Cyrl")
    assert (
        "| 1.1.1 | Adopt the rules of procedure | Human Resources Division | 31.12.2018. | Реализовано са закашњењем (334 дана) |"
        in sr
    )
    assert "| Реализовано (према подактивностима) |" in sr
    html = reports[("2017..2020", "en", "html")][0]
    assert '<span class="badge completed_late">Completed late (334 days)</span>' in html


def test_delays_are_everything_due_by_the_end_of_the_period_and_not_completed(reports):
    """The 31 December deadline is a delay of the year's report (0 days late); the reason given a
    year before the deadline is the latest; a deadline moved by --also says what moved it."""
    assert section(md(reports, "2018"), "## 3. Delays and challenges")[1:] == [
        "| Id | Activity | Responsible | Deadline | Status | Overdue (days) | Reason for the delay | Action taken |",
        "|---|---|---|---|---|---:|---|---|",
        "| 2.1.1 | Hire the trainers | Training Department | 30/06/2018 | Delayed | 184 | No budget for new posts in 2018 (given on 15/11/2017) |  |",
        "| 1.1.1 | Adopt the rules of procedure | Human Resources Division | 31/12/2018 | In progress | 0 | Draft in consultation (given on 15/06/2018) |  |",
    ]
    assert section(md(reports, "2017..2020"), "## 3. Delays and challenges")[3:] == [
        "| 1.2.3 | Train the officers on the Law | Audit Department | 30/06/2019 | Not reported | 550 |  | moved to 30 June 2019 by Government conclusion 05 br. 021-100/2018 of 20/06/2018 |",
        "| 1.1.2 | Report on the rules each year | Human Resources Division | 30/11/2019 | Not reported | 397 |  |  |",
    ]
    sr = section(md(reports, "2017..2020", "sr"), "## 3. Kašnjenja i izazovi")
    assert sr[3].endswith(
        "| pomereno na 30. jun 2019. zaključkom Vlade 05 br. 021-100/2018 od 20.06.2018. |"
    )


def test_amendments_one_row_per_activity_and_cell_in_the_readers_words(reports):
    """The conclusion that moved a merged deadline cell moved it on three activities; the unit
    filled down from the row above is named, never "as in the row above"."""
    expected = {
        "en": [
            "### Government conclusion 05 br. 021-100/2018 (20 June 2018)",
            "Reason: The Customs Law is adopted a year later",
            "| Activity | Cell | Previous value | New value |",
            "|---|---|---|---|",
            "| 1.2.1 Draft the by-laws | Deadline | 30 June 2018 | 30 June 2019 |",
            "| 1.2.2 Consult the trade | Deadline | 30 June 2018 | 30 June 2019 |",
            "| 1.2.3 Train the officers on the Law | Responsible | Human Resources Division | Audit Department |",
            "| 1.2.3 Train the officers on the Law | Deadline | 30 June 2018 | 30 June 2019 |",
        ],
        "sr": [
            "### Zaključak Vlade 05 br. 021-100/2018 (20. jun 2018.)",
            "Razlog: The Customs Law is adopted a year later",
            "| Aktivnost | Polje | Prethodna vrednost | Nova vrednost |",
            "|---|---|---|---|",
            "| 1.2.1 Draft the by-laws | Rok | 30. jun 2018. | 30. jun 2019. |",
            "| 1.2.2 Consult the trade | Rok | 30. jun 2018. | 30. jun 2019. |",
            "| 1.2.3 Train the officers on the Law | Odgovorna organizaciona jedinica | Human Resources Division | Audit Department |",
            "| 1.2.3 Train the officers on the Law | Rok | 30. jun 2018. | 30. jun 2019. |",
        ],
    }
    for period in ("2018-H1", "2018"):
        assert section(md(reports, period), "## 4. Amendments of the plan") == expected["en"]
        assert section(md(reports, period, "sr"), "## 4. Izmene plana") == expected["sr"]
    final = section(md(reports, "2017..2020"), "## 4. Amendments of the plan")
    assert final[8:] == [
        "### Government conclusion 05 br. 021-200/2019 (15 March 2019)",
        "Reason: The donor withdrew",
        "| Activity | Cell | Previous value | New value |",
        "|---|---|---|---|",
        "| 2.1.2 Equip the training room | Deadline | June 2019 | June 2020 |",
        "| 2.1.3 Build the e-learning platform | Activity cancelled | Build the e-learning platform | Cancelled |",
        "| 2.2.1.3 Course abroad | Activity cancelled | Course abroad | Cancelled |",
    ]
    assert "| 2.1.2 Equip the training room | Рок | јун 2019. | јун 2020. |" in md(
        reports, "2017..2020", "sr-Cyrl"
    )


def test_funds_over_the_whole_period_against_spending_per_year(reports):
    """The final report counts the amount stated for the whole period and the annual amount once
    a year; the year's report leaves the whole-period amount out and says so."""
    assert section(md(reports, "2017..2020"), "### By goal") == [
        "| Goal | Currency | Indicative funds | Spent in 2017 | Spent in 2018 | Spent in 2019 | Spent in 2020 | Funds spent |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
        "| 1. Modern customs procedures | EUR | 1,000 EUR | – | – | 800 EUR | – | 800 EUR |",
        "| 2. Capable staff | RSD | 4,000,000 RSD | 450,000 RSD | – | 780,000 RSD | – | 1,230,000 RSD |",
        "| **Total** | EUR | **1,000 EUR** | – | – | **800 EUR** | – | **800 EUR** |",
        "| **Total** | RSD | **4,000,000 RSD** | **450,000 RSD** | – | **780,000 RSD** | – | **1,230,000 RSD** |",
    ]
    year = section(md(reports, "2018"), "## 5. Indicative funds / Funds spent")
    assert year[0].endswith(
        "1 amount stated for another year or for the whole period, not included."
    )
    assert year[4:6] == [
        "| 1. Modern customs procedures | EUR | 1,000 EUR | – |",
        "| 2. Capable staff | RSD | 500,000 RSD | – |",
    ]
    sr = section(md(reports, "2017..2020", "sr"), "### Po ciljevima")
    assert sr[0].startswith(
        "| Cilj | Valuta | Procenjena (indikativna) sredstva | Utrošeno u 2017. godini |"
    )
    assert sr[3] == (
        "| 2. Capable staff | RSD | 4.000.000 RSD | 450.000 RSD | – | 780.000 RSD | – | "
        "1.230.000 RSD |"
    )


def test_the_final_reports_evaluation_beside_the_coordinators_text(reports):
    text = md(reports, "2017..2020")
    assert section(text, "### 6.1. Relevance") == [
        "Whether the plan still met the needs it was made for: how much it had to change while "
        "it ran (per goal, the activities amendments added and cancelled, the deadlines they "
        "moved and the other cells they changed).",
        "| Goal | Activities added | Activities cancelled | Deadlines moved | Other cells changed |",
        "|---|---:|---:|---:|---:|",
        "| 1. Modern customs procedures | 0 | 0 | 3 | 1 |",
        "| 2. Capable staff | 0 | 2 | 1 | 0 |",
        "| Overall | 0 | 2 | 4 | 1 |",
        "The plan had to follow the Customs Law, which came a year late.",
    ]
    assert section(text, "### 6.2. Efficiency")[-6:] == [
        "| Goal | Completed late | Average delay (days) | Longest delay (days) |",
        "|---|---:|---:|---:|",
        "| 1. Modern customs procedures | 2 | 175 | 334 |",
        "| 2. Capable staff | 1 | 581 | 581 |",
        "| Overall | 3 | 310 | 581 |",
        "Spending stayed within the indicative funds.",
    ]
    assert section(text, "### 6.3. Effectiveness")[1:] == [
        "| Goal | Due | Completed | Completed late | Completed share |",
        "|---|---:|---:|---:|---:|",
        "| 1. Modern customs procedures | 8 | 4 | 2 | 75% |",
        "| 2. Capable staff | 8 | 5 | 1 | 100% |",
        "| Overall | 16 | 9 | 3 | 86% |",
        "Twelve of the fourteen deadlines were met, three of them late.",
    ]
    assert section(text, "### 6.4. Sustainability")[1:] == [
        "| Id | Activity | Responsible | Deadline | Status | Where it goes next |",
        "|---|---|---|---|---|---|",
        "| 1.2.3 | Train the officers on the Law | Audit Department | 30/06/2019 | Not reported | not carried into a successor plan yet |",
        "| 1.1.2 | Report on the rules each year | Human Resources Division | 30/11/2019 | Not reported | not carried into a successor plan yet |",
        "The officers' training on the Law goes to the next plan.",
    ]
    # the Serbian text has no sustainability paragraph: the place says so
    assert section(md(reports, "2017..2020", "sr-Cyrl"), "### 6.4. Одрживост")[-1] == (
        "> **Недостаје текст координатора за овај одељак.** (`reports/2017..2020.yaml`)"
    )


# --- narratives per language ------------------------------------------------------------------


def test_the_narrative_in_the_readers_language(reports):
    assert section(md(reports, "2018", "sr"), "## 1. Rezime")[:2] == [
        "Pravila postupka su u javnoj raspravi.",
        "Treneri nisu zaposleni jer nije bilo budžeta za nova radna mesta.",
    ]
    assert section(md(reports, "2018", "sr-Cyrl"), "## 1. Резиме")[:2] == [
        "Правила поступка су у јавној расправи.",
        "Тренери нису запослени јер није било буџета за нова радна места.",
    ]
    assert "Подзаконски акти чекају Царински закон." in md(reports, "2018", "sr-Cyrl")
    # the half-year's narrative is in English only: the Serbian report shows where it is missing
    assert section(md(reports, "2018-H1", "sr"), "## 1. Rezime")[0] == (
        "> **Nedostaje tekst koordinatora za ovaj odeljak.** (`reports/2018-H1.yaml`)"
    )
    assert section(md(reports, "2018-H1"), "## 1. Executive summary")[0] == (
        "The training plan was written; the trainers are not hired yet."
    )


def test_what_is_missing_is_a_warning_in_each_language(reports):
    assert reports[("2018-H1", "sr", "md")][1] == (
        "casplan: warning: reports/2018-H1.yaml: no sr text (sr: executive summary and a "
        "paragraph per goal)\n" + late_warning("2018-H1", "2018-08-29")
    )
    assert reports[("2018-H1", "en", "md")][1] == late_warning("2018-H1", "2018-08-29")
    assert reports[("2017..2020", "sr-Cyrl", "md")][1] == (
        "casplan: warning: reports/2017..2020.yaml: sr: no text for the criterion "
        "sustainability (evaluation: sustainability: ...)\n"
        + late_warning("2017..2020", "2021-04-30")
    )


def test_strict_fails_when_the_languages_text_is_missing(invoke, plan):
    strict = invoke(
        "report", "--plan", str(plan), "--period", "2018-H1", "--lang", "sr", "--strict"
    )
    assert strict.exit_code == 1 and strict.stdout == ""
    assert strict.stderr.endswith(
        "casplan: error: --strict: the narrative of 2018-H1 is incomplete\n"
    )
    fine = invoke("report", "--plan", str(plan), "--period", "2018", "--lang", "sr", "--strict")
    assert fine.exit_code == 0


# --- html and docx ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "sr", "sr-Cyrl"])
def test_html_has_the_same_sections(reports, lang):
    for period in PERIODS:
        html = reports[(period, lang, "html")][0]
        h2 = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
        md_h2 = [line[3:] for line in headings(md(reports, period, lang)) if line.startswith("## ")]
        assert h2 == md_h2


def test_html_rows_in_cyrillic(reports):
    html = reports[("2018", "sr-Cyrl", "html")][0]
    assert (
        "<tr><td>1.2.3 Train the officers on the Law</td><td>Одговорна организациона јединица</td>"
        "<td>Human Resources Division</td><td>Audit Department</td></tr>"
    ) in html
    assert (
        '<td><span class="badge in_progress">У току</span></td><td class="num" title="рок је '
        'прекорачен за 0 дана">0</td>'
    ) in html


def test_html_evaluation_tables_align_numbers(reports):
    html = reports[("2017..2020", "en", "html")][0]
    relevance = html.split("<h3>6.1. Relevance</h3>", 1)[1].split("</table>", 1)[0]
    assert (
        '<tr><td>1. Modern customs procedures</td><td class="num">0</td><td class="num">0</td>'
        '<td class="num">3</td><td class="num">1</td></tr>'
    ) in relevance
    assert "<th>Report due</th>" not in html
    assert (
        '<tr><td>Due to the Government</td><td class="date">30\u00a0April\u00a02021</td></tr>'
        in html
    )


@pytest.mark.parametrize("period", PERIODS)
def test_docx_renders_every_period(invoke, plan, tmp_path, period):
    out = tmp_path / "report.docx"
    result = invoke(
        "report", "--plan", str(plan), "--period", period, "--format", "docx", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    titles = [p.text for p in document.paragraphs if p.style.name == "Title"]
    assert titles == [
        {
            "2018-H1": "Report on the implementation of the Action Plan for the first half of 2018",
            "2018": "Report on the implementation of the Action Plan for 2018",
            "2017..2020": "Final report on the implementation of the Action Plan 2017–2020",
        }[period]
    ]


def test_the_context_for_the_word_writer(plan):
    """The keys the docx writer follows: regular lists of dicts (see publish/report.py)."""
    from cas_plan.answers.reporting import deadline_of
    from cas_plan.core.history import plan_on
    from cas_plan.core.loader import check_plan, directory_listing
    from cas_plan.core.periods import parse_report_period
    from cas_plan.core.provenance import GitState
    from cas_plan.publish.report import ReportOn, build_context

    loaded = check_plan(directory_listing(plan), str(plan), dt.date(2021, 1, 1)).plan
    period = parse_report_period("2017..2020")
    on = ReportOn(
        plan_on(loaded, period.end),
        period,
        period.end,
        "en",
        GitState(None, False, None),
        deadline_of(loaded, period),
    )
    context = build_context(on)
    assert context["period"] == {
        "text": "2017..2020",
        "kind": "final",
        "start": "2017-01-01",
        "end": "2020-12-31",
        "words": "1 January 2017 – 31 December 2020",
        "years": [2017, 2018, 2019, 2020],
    }
    assert context["report_due"] == "2021-04-30"
    assert context["share_keys"] == [
        "completed",
        "completed_late",
        "in_progress",
        "delayed",
        "not_started",
        "not_reported",
    ]
    assert [c["key"] for c in context["evaluation"]] == [
        "relevance",
        "efficiency",
        "effectiveness",
        "sustainability",
    ]
    for criterion in context["evaluation"]:
        assert set(criterion) == {"key", "title", "intro", "narrative", "tables"}
        for table in criterion["tables"]:
            assert set(table) == {"header", "rows", "align"}
            assert all(len(row) == len(table["header"]) for row in table["rows"])
    delay = context["delays"][0]
    assert delay["moved"] == [
        {
            "decision": "05 br. 021-100/2018",
            "date": "2018-06-20",
            "new": "30 June 2019",
            "text": "moved to 30 June 2019 by Government conclusion 05 br. 021-100/2018 of "
            "20/06/2018",
        }
    ]
    row = next(a for a in context["annex"] if a["id"] == "1.1.1")
    assert (row["status"], row["status_text"], row["days_late"]) == (
        "completed_late",
        "Completed late (334 days)",
        334,
    )
    assert context["funds"]["totals"][1] == {
        "currency": "RSD",
        "indicative": "4000000",
        "spent_by_year": ["450000", None, "780000", None],
        "spent": "1230000",
    }
