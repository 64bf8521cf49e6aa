# ruff: noqa: RUF001  (Serbian Cyrillic text and the en dash of a missing value, as printed)
"""The 2018 report of a fixture year (amendments, a correction, spending, a narrative, continuous
activities) in every format and language: exact sections, numbers and phrases; the docx read
back; the HTML's print styles."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from plans import report_year_files, write_plan

pytestmark = pytest.mark.slow  # every report format and language

docx = pytest.importorskip("docx")


@pytest.fixture
def plan(tmp_path):
    return write_plan(tmp_path / "plan", report_year_files())


def report(invoke, plan, *args):
    result = invoke("report", "--plan", str(plan), "--year", "2018", *args)
    assert result.exit_code == 0, result.output
    return result


def section(text: str, heading: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(heading)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return [line for line in lines[start + 1 : end] if line]


def headings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("## ")]


def test_outline_in_every_language(invoke, plan):
    assert headings(report(invoke, plan).stdout) == [
        "## 1. Executive summary",
        "## 2. Achievements by goal and measure",
        "## 3. Delays and challenges",
        "## 4. Amendments of the plan",
        "## 5. Indicative funds / Funds spent",
        "## 6. Annex: activities of the reporting period",
        "## Indicators against their targets",
    ]
    assert headings(report(invoke, plan, "--lang", "sr").stdout) == [
        "## 1. Rezime",
        "## 2. Ostvareni rezultati po ciljevima i merama",
        "## 3. Kašnjenja i izazovi",
        "## 4. Izmene plana",
        "## 5. Procenjena (indikativna) sredstva / Utrošena sredstva",
        "## 6. Prilog: aktivnosti u izveštajnom periodu",
        "## Pokazatelji u odnosu na ciljne vrednosti",
    ]
    assert headings(report(invoke, plan, "--lang", "sr-Cyrl").stdout) == [
        "## 1. Резиме",
        "## 2. Остварени резултати по циљевима и мерама",
        "## 3. Кашњења и изазови",
        "## 4. Измене плана",
        "## 5. Процењена (индикативна) средства / Утрошена средства",
        "## 6. Прилог: активности у извештајном периоду",
        "## Показатељи у односу на циљне вредности",
    ]


def test_executive_summary_figures_and_the_coordinators_text(invoke, plan):
    lines = section(report(invoke, plan).stdout, "## 1. Executive summary")
    assert lines[:3] == [
        "The rules were adopted and the trainers trained.",
        "The audit lab was cancelled by the Government.",
        "Activities with a deadline in the reporting period, by their status on the date the "
        "state is taken from (an activity due each year counts once for each year). Shares are "
        "of the activities due in the period, cancelled ones left out; shares shown together add "
        "up to 100%. An activity with sub-activities and no progress entries of its own takes "
        "its status from them: completed when all are completed or cancelled (cancelled when all "
        "are cancelled), delayed when any is delayed, in progress when any is in progress or "
        "completed, not started when all are not started, otherwise not reported.",
    ]
    assert lines[5:13] == [
        "| Due | 5 |  |",
        "| Completed | 1 | 25% |",
        "| Completed late | 1 | 25% |",
        "| In progress | 1 | 25% |",
        "| Delayed | 0 | 0% |",
        "| Not started | 0 | 0% |",
        "| Not reported | 1 | 25% |",
        "| Cancelled | 1 |  |",
    ]
    assert lines[15:19] == [
        "| 1. First goal | 3 | 1 (34%) | 1 (33%) | 1 (33%) | 0 (0%) | 0 (0%) | 0 (0%) | 0 |",
        "| 2. Second goal | 2 | 0 (0%) | 0 (0%) | 0 (0%) | 0 (0%) | 0 (0%) | 1 (100%) | 1 |",
        "| 3. Third goal | 0 | 0 (–) | 0 (–) | 0 (–) | 0 (–) | 0 (–) | 0 (–) | 0 |",
        "| **Overall** | **5** | **1 (25%)** | **1 (25%)** | **1 (25%)** | **0 (0%)** | **0 (0%)** | **1 (25%)** | **1** |",
    ]


def test_achievements_per_measure_with_continuous_activities(invoke, plan):
    lines = section(report(invoke, plan).stdout, "## 2. Achievements by goal and measure")
    assert lines[:4] == [
        "### Goal 1: First goal",
        "Goal 1 went to plan, but the audit started late.",
        "#### Measure 1.1: Rules and training",
        "3 activities due in the period: 1 completed, 1 completed late, 1 in progress.",
    ]
    assert "Training is on track." in lines
    rows = [line for line in lines if line.startswith("| 1.1.")]
    assert rows == [
        "| 1.1.1 | Adopt the rules | Human Resources Division | 31/12/2018 | Completed | Rules adopted: yes | Adopted by the board (01/11/2018) | <https://example.org/rules.pdf>; doc: br. 148-01-123/2018 |",
        "| 1.1.2 | Train the trainers | Training Department | 31/03/2018 | Completed late (40 days) |  | Trained in May (10/05/2018) |  |",
        # the corrected entry's value ("Audit report: 1") is gone with it
        "| 1.1.3 | Audit the training | Audit Department | 30/06/2018 | In progress |  | Auditors appointed late (20/04/2018) |  |",
        "| 1.1.4 | Keep the staff trained | Training Department | continuous | In progress | Trainings held: 2 | Two trainings held (30/06/2018) | \\\\\\\\cas-fs\\\\training\\\\2018.pdf |",
    ]
    assert "Not listed: 1 continuous activity that did not report in the period." in lines
    # the deadline in the reader's words, never its code
    cyrillic = report(invoke, plan, "--lang", "sr-Cyrl").stdout
    assert "| 1.1.4 | Keep the staff trained | Training Department | континуирано | У току |" in (
        cyrillic
    )
    assert lines[lines.index("### Goal 3: Third goal") :] == [
        "### Goal 3: Third goal",
        "> **The coordinator's text for this section is missing.** (`reports/2018.yaml`)",
        "#### Measure 3.1: Later work",
        "No activity of the measure is due in the period.",
    ]


def test_delays_with_the_latest_reason_from_any_year(invoke, plan):
    lines = section(report(invoke, plan).stdout, "## 3. Delays and challenges")
    assert lines[-3:] == [
        "| 1.1.6 | Buy the software | Human Resources Division | 31/12/2017 | Delayed | 365 | The vendor withdrew from the tender (given on 15/11/2017) |  |",
        "| 1.1.3 | Audit the training | Audit Department | 30/06/2018 | In progress | 184 | Auditors appointed late (given on 20/04/2018) |  |",
        # the amendment that moved its deadline: what was done about it
        "| 2.1.1 | Hire auditors | Audit Department | 30/09/2018 | Not reported | 92 |  | moved to September 2018 by Government conclusion 05 br. 021-1234/2018 of 15/06/2018 |",
    ]
    sr = section(report(invoke, plan, "--lang", "sr").stdout, "## 3. Kašnjenja i izazovi")
    assert sr[-3] == (
        "| 1.1.6 | Buy the software | Human Resources Division | 31.12.2017. | Kasni | 365 | "
        "The vendor withdrew from the tender (navedeno 15.11.2017.) |  |"
    )


def test_amendments_of_the_year_with_their_changed_cells(invoke, plan):
    assert section(report(invoke, plan).stdout, "## 4. Amendments of the plan") == [
        "### Government conclusion 05 br. 021-1234/2018 (15 June 2018)",
        "Reason: Revision of the budget",
        "| Activity | Cell | Previous value | New value |",
        "|---|---|---|---|",
        "| 2.1.1 Hire auditors | Deadline | March 2018 | September 2018 |",
        "| 2.1.2 Build the audit lab | Activity cancelled | Build the audit lab | Cancelled |",
    ]
    text = report(invoke, plan, "--lang", "sr-Cyrl").stdout
    assert "### Закључак Владе 05 br. 021-1234/2018 (15. јун 2018.)" in text
    later = invoke("report", "--plan", str(plan), "--year", "2019").stdout
    assert section(later, "## 4. Amendments of the plan")[0] == (
        "### Government conclusion 05 br. 021-99/2019 (1 March 2019)"
    )


def test_a_replaced_cell_reads_alike_in_the_report_and_on_the_site(invoke, tmp_path):
    """One rule for a cell's earlier value: the source's words (white space folded), else its
    values (amounts in the language, joined by '; '), else the surface's word for a blank."""
    files = report_year_files()
    files["goal-2/measure-2.1.yaml"] = files["goal-2/measure-2.1.yaml"].replace(
        "        due: 2018-03\n",
        "        due: 2018-03\n"
        "        responsible: null\n"
        "        indicators:\n"
        "          items: [Two auditors hired]\n"
        '          as_written: "Two auditors\\n   hired"\n'
        "        funds:\n"
        "          amounts:\n"
        "            - amount: 1234567.5 RSD\n"
        "              year: 2018\n"
        "            - amount: 100 EUR\n"
        "              year: 2018\n",
    )
    plan = write_plan(tmp_path / "plan", files)
    assert section(report(invoke, plan, "--lang", "sr").stdout, "## 4. Izmene plana")[4:9] == [
        "| 2.1.1 Hire auditors | Pokazatelji | Two auditors hired | (prazno) |",
        "| 2.1.1 Hire auditors | Odgovorna organizaciona jedinica | (prazno) | Audit Department |",
        "| 2.1.1 Hire auditors | Procenjena (indikativna) sredstva | 1.234.567,5 RSD; 100 EUR | "
        "500.000 RSD |",
        "| 2.1.1 Hire auditors | Rok | mart 2018. | septembar 2018. |",
        "| 2.1.2 Build the audit lab | Aktivnost otkazana | Build the audit lab | Otkazano |",
    ]
    site = tmp_path / "site"
    result = invoke("site", "--plan", str(plan), "--out", str(site), "--as-of", "2018-12-31")
    assert result.exit_code == 0, result.output
    page = (site / "activities" / "2.1.1.html").read_text(encoding="utf-8")
    assert re.findall(r"Value before the amendment: ([^<]*)<", page) == [
        "Two auditors hired",
        "(blank)",
        "1,234,567.5 RSD; 100 EUR",
        "March 2018",
    ]


def test_funds_indicative_and_spent_per_currency(invoke, plan):
    assert section(
        report(invoke, plan, "--lang", "sr").stdout,
        "## 5. Procenjena (indikativna) sredstva / Utrošena sredstva",
    )[1:8] == [
        "### Po ciljevima",
        "| Cilj | Valuta | Procenjena (indikativna) sredstva | Utrošena sredstva |",
        "|---|---|---:|---:|",
        "| 1. First goal | EUR | 1.000,50 EUR | 800,25 EUR |",
        "| 1. First goal | RSD | – | 120.000 RSD |",
        "| 2. Second goal | RSD | 500.000 RSD | – |",
        "| **Ukupno** | EUR | **1.000,50 EUR** | **800,25 EUR** |",
    ]


def test_charts_dash_legend_and_full_year_gantt(invoke, plan):
    text = report(invoke, plan).stdout
    assert 'x-axis ["Goal 1", "Goal 2"]' in text and "bar [67, 0]" in text
    assert "Goal 3: – (nothing due in the period)." in text
    gantt = text.split("```mermaid\ngantt\n", 1)[1].split("```", 1)[0].splitlines()
    assert gantt[1:5] == [
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %b",
        "    tickInterval 1month",
        "    2018-01-01 :milestone, start, 2018-01-01, 0d",
    ]
    assert gantt[-1] == "    2018-12-31 :milestone, end, 2018-12-31, 0d"
    assert "Legend: done = Completed; active = In progress; crit = Overdue; – = Other." in text
    html = report(invoke, plan, "--format", "html").stdout
    months = re.findall(r'<text x="\d+" y="\d+">([A-Za-z]+)</text>', html)
    assert months == [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sept",
        "Oct",
        "Nov",
        "Dec",
    ]
    width = int(re.search(r'aria-label="Deadlines of the year 2018" width="(\d+)"', html).group(1))
    dots = [float(x) for x in re.findall(r'<circle cx="([\d.]+)"', html)]
    assert max(dots) + 5 <= width  # the dot of 31 December is drawn whole
    assert html.count('class="swatch"') == 2 + 4  # a legend entry for every colour


def test_html_lang_print_styles_and_no_wrapped_values(invoke, plan):
    html = report(invoke, plan, "--format", "html", "--lang", "sr").stdout
    assert '<html lang="sr-Latn">' in html
    assert (
        '<html lang="sr-Cyrl">'
        in report(invoke, plan, "--format", "html", "--lang", "sr-Cyrl").stdout
    )
    assert "<title>Izveštaj o sprovođenju Akcionog plana za 2018. godinu:" in html
    css = html.split("<style>", 1)[1].split("</style>", 1)[0]
    for rule in (
        "@page { size: A4;",
        "thead { display: table-header-group; }",
        "tr, .badge { break-inside: avoid;",
        "h1, h2, h3, h4 { break-after: avoid;",
        'a[href]::after { content: " (" attr(href) ")"; }',
        "td.date, td.num, th.num, .date { white-space: nowrap; }",
    ):
        assert rule in css, rule
    assert css.index("@media print") < css.index("a[href]::after")
    assert '<td class="num">1.000,50\u00a0EUR</td>' in html
    assert (
        '<a class="address" href="https://example.org/rules.pdf" rel="noopener noreferrer">'
        "https://example.org/rules.pdf</a>"
    ) in html
    assert "a.address::after { content: none; }" in css  # its text is the address already


def test_same_inputs_same_bytes(invoke, plan, tmp_path):
    assert report(invoke, plan).stdout == report(invoke, plan).stdout
    for name in ("a.docx", "b.docx"):
        report(invoke, plan, "--format", "docx", "--out", str(tmp_path / name))
    assert (tmp_path / "a.docx").read_bytes() == (tmp_path / "b.docx").read_bytes()


@pytest.mark.parametrize("lang", ["en", "sr", "sr-Cyrl"])
def test_docx_read_back(invoke, plan, tmp_path, lang):
    out = tmp_path / "report.docx"
    result = report(invoke, plan, "--format", "docx", "--out", str(out), "--lang", lang)
    assert result.stdout == f"wrote {out}\n"
    document = docx.Document(str(out))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    level1 = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert len(level1) == 7 and level1[0].startswith("1. ")  # the indicators section last
    assert {p.style.name for p in document.paragraphs} >= {
        "Title",
        "Heading 1",
        "Heading 2",
        "Heading 3",
    }
    footer = section.footer._element.xml
    assert "PAGE" in footer and 'w:fldCharType="begin"' in footer
    cover, *tables = document.tables  # the cover's rows have no header
    assert "<w:tblHeader" not in cover.rows[0]._tr.xml
    for table in tables:
        first = table.rows[0]._tr.xml
        assert "<w:tblHeader" in first
    if lang == "en":
        assert level1 == [
            "1. Executive summary",
            "2. Achievements by goal and measure",
            "3. Delays and challenges",
            "4. Amendments of the plan",
            "5. Indicative funds / Funds spent",
            "6. Annex: activities of the reporting period",
            "Indicators against their targets",
        ]
        texts = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
        assert [
            "1.1.6",
            "Buy the software",
            "Human Resources Division",
            "31/12/2017",
            "Delayed",
            "365",
            "The vendor withdrew from the tender (given on 15/11/2017)",
            "",  # what was done about it: nothing recorded
        ] in texts
        # an amount never breaks inside: its space is a no-break space
        assert ["1. First goal", "RSD", "–", "120,000\N{NO-BREAK SPACE}RSD"] in texts
        assert ["3. Third goal", "0", "–", ""] in texts  # the chart as a table: no 0%
        evidence = next(row[7] for row in texts if row[0] == "1.1.1")
        assert evidence == "https://example.org/rules.pdf\ndoc: br. 148-01-123/2018"
        # as in HTML, only the web address is a link (model.evidence_link)
        links = [rel.target_ref for rel in document.part.rels.values() if rel.is_external]
        assert links == ["https://example.org/rules.pdf"]
        # the measure's table, the annex (the contents' links go to bookmarks)
        assert document.element.xml.count("<w:hyperlink r:id=") == 2
    if lang == "sr":
        assert level1[2] == "3. Kašnjenja i izazovi"
        assert '<w:lang w:val="sr-Latn"' in document.styles.element.xml
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_docx_needs_out_and_year_in_the_period(invoke, plan):
    result = invoke("report", "--plan", str(plan), "--year", "2018", "--format", "docx")
    assert result.exit_code == 2
    assert (
        result.stderr == "casplan: error: --format docx: give the file to write with --out FILE\n"
    )
    result = invoke("report", "--plan", str(plan), "--year", "2021")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "casplan: error: --year 2021 is outside the plan period (1 January 2017 – 31 December 2020)\n"
    )


def test_missing_narrative_is_a_warning_and_strict_fails(invoke, tmp_path):
    bare = write_plan(tmp_path / "bare", report_year_files(narrative=False))
    # made on the date of the state (--as-of): not after its deadline, no warning of that
    result = invoke("report", "--plan", str(bare), "--year", "2018", "--as-of", "2018-12-31")
    assert result.exit_code == 0
    assert result.stderr == (
        "casplan: warning: reports/2018.yaml: no narrative for 2018 (executive summary and a "
        "paragraph per goal)\n"
    )
    assert (
        "> **The coordinator's text for this section is missing.** (`reports/2018.yaml`)"
        in result.stdout
    )
    strict = invoke("report", "--plan", str(bare), "--year", "2018", "--strict")
    assert strict.exit_code == 1 and strict.stdout == ""
    assert strict.stderr.endswith("casplan: error: --strict: the narrative of 2018 is incomplete\n")


def test_narrative_file_is_validated(invoke, tmp_path):
    files = report_year_files()
    files["reports/2018.yaml"] = 'period: 2019\nen:\n  goals:\n    "9": Nowhere\n  summary: typo\n'
    plan = write_plan(tmp_path / "plan", files)
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1
    assert "reports/2018.yaml:5:3: error: unknown key 'summary'" in result.stdout
    files["reports/2018.yaml"] = 'period: 2019\nen:\n  goals:\n    "9": Nowhere\n'
    plan = write_plan(tmp_path / "plan2", files)
    result = invoke("validate", "--plan", str(plan))
    assert "the narrative of 2019 is in a file named '2018.yaml'" in result.stdout
    assert "goal 9 is not in the plan" in result.stdout


def test_out_writes_any_format(invoke, plan, tmp_path):
    out = tmp_path / "report.html"
    result = report(invoke, plan, "--format", "html", "--out", str(out))
    assert result.stdout == f"wrote {out}\n"
    assert out.read_text(encoding="utf-8") == report(invoke, plan, "--format", "html").stdout
    missing = invoke(
        "report", "--plan", str(plan), "--year", "2018", "--out", str(tmp_path / "no" / "r.md")
    )
    assert missing.exit_code == 2
    assert (
        missing.stderr == f"casplan: error: --out: directory '{tmp_path / 'no'}' does not exist\n"
    )
