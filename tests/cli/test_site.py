# ruff: noqa: RUF001  (Cyrillic letters and CLDR's en dashes are the point of some expectations)
"""casplan site: the static progress site, built for a fixture plan with progress, a correction,
an amendment (registry and an activity's history), spending and hostile text."""

from __future__ import annotations

import json
import posixpath
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from plans import CSP, REAL_PLAN, REPO, SITE_AS_OF, SITE_HOSTILE, as_in_site, site_files, write_plan

pytestmark = pytest.mark.slow  # builds whole sites

AS_OF = SITE_AS_OF
HOSTILE = SITE_HOSTILE


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    return write_plan(tmp_path / "plan", site_files())


def build(invoke, plan: Path, out: Path, *args: str) -> Path:
    result = invoke("site", "--plan", str(plan), "--out", str(out), "--as-of", AS_OF, *args)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def site(invoke, plan: Path, tmp_path: Path) -> Path:
    return build(invoke, plan, tmp_path / "site")


def files_of(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def pages(root: Path, *, reports: bool = False) -> dict[str, str]:
    return {
        name: data.decode("utf-8")
        for name, data in files_of(root).items()
        if name.endswith(".html") and (reports or not name.startswith("reports/"))
    }


ACTIVITY_IDS = [
    "1.1.1",
    "1.1.1.1",
    *(f"1.1.{n}" for n in range(2, 14)),
]


# --- an HTML checker: balanced tags, ids, links -------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Page(HTMLParser):
    """Balanced tags, the ids, links, script sources and the attributes of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self.scripts: list[str | None] = []
        self.attributes: list[tuple[str, str, str | None]] = []
        self.lang: str | None = None
        self.headings: list[int] = []
        self.svg_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.attributes += [(tag, name, value) for name, value in attrs]
        if "id" in values and values["id"] is not None:
            self.ids.append(values["id"])
        for name in ("href", "src"):
            if values.get(name) is not None:
                self.links.append(values[name] or "")
        if tag == "script":
            self.scripts.append(values.get("src"))
        if tag == "html":
            self.lang = values.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID or "svg" in self.stack:
            stack = self.stack
            self.handle_starttag(tag, attrs)
            if tag not in VOID and stack and stack[-1] == tag:
                stack.pop()
        else:
            self.problems.append(f"self-closing <{tag}/> outside SVG")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.problems.append(f"end tag of void element </{tag}>")
        elif not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()

    def close(self) -> None:
        super().close()
        if self.stack:
            self.problems.append(f"unclosed: {self.stack}")
        if len(self.ids) != len(set(self.ids)):
            self.problems.append("duplicate ids")


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


# --- the tests ----------------------------------------------------------------------------------


def test_fixture_plan_is_valid(invoke, plan):
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 0, result.output


def test_site_has_every_page(invoke, plan, tmp_path):
    result = invoke("site", "--plan", str(plan), "--out", str(tmp_path / "site"), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    names = set(files_of(site))
    expected = {
        ".casplan-site",
        "index.html",
        "activities.html",
        "units.html",
        "amendments.html",
        "search-index.json",
        "search-index.js",
        "static/report.css",
        "static/site.css",
        "static/site.js",
        "goals/1.html",
        "measures/1.1.html",
        *(f"activities/{i}.html" for i in ACTIVITY_IDS),
        *(
            f"units/{u}.{ext}"
            for u in ("hr-division", "training-department", "audit-department")
            for ext in ("html", "ics")
        ),
        *(f"reports/{year}.html" for year in (2017, 2018, 2019)),
    }
    assert names == expected
    assert result.output == f"wrote {len(expected)} files to {site}\n"


def test_every_link_and_anchor_resolves(site):
    all_pages = pages(site)
    parsed = {name: parse(text) for name, text in all_pages.items()}
    ids = {name: set(page.ids) for name, page in parsed.items()}
    checked = 0
    for name, page in parsed.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https"):
                assert link == "https://example.org/rules.pdf", (name, link)  # evidence only
                continue
            assert not parts.scheme and not parts.netloc, (name, link)
            target = (
                posixpath.normpath(posixpath.join(posixpath.dirname(name), unquote(parts.path)))
                if parts.path
                else name
            )
            assert (site / target).is_file(), (name, link)
            if parts.fragment:
                assert parts.fragment in ids[target], (name, link)
            checked += 1
    assert checked > 200
    home = parsed["index.html"].links
    assert {"reports/2017.html", "reports/2019.html", "amendments.html"} <= set(home)


def test_pages_parse_cleanly_with_headings_in_order_and_lang(site):
    for name, text in pages(site, reports=True).items():
        page = parse(text)
        assert page.problems == [], name
        assert page.lang == "en", name
        if name.startswith("reports/"):
            continue
        assert page.headings[0] == 1 and page.headings.count(1) == 1, name
        for before, after in zip(page.headings, page.headings[1:], strict=False):
            assert after <= before + 1, (name, page.headings)
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in text
        ths = re.findall(r"<th\b[^>]*>", text)
        assert all('scope="' in th for th in ths), name


def test_strict_csp_no_inline_script_or_style_no_network(site):
    for name, text in pages(site).items():
        assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in text, name
        page = parse(text)
        assert None not in page.scripts, name  # every script is a file of the site
        assert "<style" not in text, name
        for tag, attribute, value in page.attributes:
            assert attribute != "style" and not attribute.startswith("on"), (name, tag, attribute)
            if attribute == "src" or (tag == "link" and attribute == "href"):
                assert value and "//" not in value, (name, value)
        assert "<form" not in text  # form-action 'none': nothing to submit
    activities = pages(site)["activities.html"]
    assert 'src="search-index.js"' in activities and 'src="static/site.js"' in activities


def test_search_index_holds_every_activity(invoke, plan, site):
    listed = json.loads(
        invoke("list", "--plan", str(plan), "--format", "json", "--as-of", AS_OF).output
    )
    index = json.loads((site / "search-index.json").read_text(encoding="utf-8"))
    assert [a["id"] for a in index["activities"]] == [a["id"] for a in listed]
    assert [a["id"] for a in index["activities"]] == ACTIVITY_IDS
    by_id = {a["id"]: a for a in index["activities"]}
    assert (
        by_id["1.1.3"]
        == {
            "id": "1.1.3",
            "goal": "1",
            "measure": "1.1",
            "status": "in_progress",
            "units": ["audit-department"],
            "text": "1.1.3 a quarter rules adopted audit department",  # indicators continue the row above
        }
    )
    # a unit's activities take in its sub-units' (as on the unit's page)
    assert by_id["1.1.2"]["units"] == ["hr-division", "training-department"]
    assert by_id["1.1.12"]["status"] == "cancelled"
    script = (site / "search-index.js").read_text(encoding="utf-8")
    prefix = "window.casplanSearchIndex = "
    assert script.startswith(prefix) and script.endswith(";\n")
    assert json.loads(script[len(prefix) : -2]) == index
    # the activity list, in plain HTML, has a row per activity
    rows = re.findall(r'<tr data-activity="([^"]+)">', pages(site)["activities.html"])
    assert rows == ACTIVITY_IDS


def test_plan_text_is_escaped_everywhere(site):
    for name, data in files_of(site).items():
        if name.endswith(".ics"):
            continue  # not markup: the same text as `casplan due --format ics` (checked below)
        text = data.decode("utf-8")
        assert "<script>alert" not in text, name
        assert "<b>moved" not in text, name
        if name.endswith(".html"):
            assert '"onmouseover=' not in text, name
    home = pages(site)["activities.html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &#34;onmouseover=alert(2) &amp; more" in home
    index = json.loads((site / "search-index.json").read_text(encoding="utf-8"))
    assert HOSTILE.lower() in {a["id"]: a for a in index["activities"]}["1.1.2"]["text"]


def test_activity_page_cells_source_text_progress_corrections_amendments_spending(site):
    text = pages(site)["activities/1.1.1.html"]
    assert '<h1><span class="id">1.1.1</span> A day</h1>' in text
    assert "As written in the plan:</span> By 31 December 2018" in text
    assert "As written in the plan:</span> 1.200 RSD from the budget" in text
    assert '<a href="../units/hr-division.html">Human Resources Division</a>' in text
    assert '<span class="nowrap">1,200 RSD</span> (2018)' in text
    assert '<a href="https://example.org/rules.pdf" rel="noopener noreferrer">' in text
    assert "<code>doc: br. 148-01-123/2018</code>" in text
    assert '<td class="num nowrap">800 RSD</td><td>2018</td><td>IPA 2013</td>' in text
    assert "(Jelena Petrović)" in text
    assert '<a href="1.1.1.1.html">1.1.1.1</a>' in text  # sub-activity
    assert 'status-completed">Completed</span> <span class="since">since 1 November 2018' in text

    corrected = pages(site)["activities/1.1.3.html"]
    assert '<tr class="superseded">' in corrected and "<del>30/06/2018</del>" in corrected
    assert "Superseded by a later correction" in corrected
    assert "Corrects the entry of 30/06/2018" in corrected
    assert "100.50 EUR" in corrected

    amended = pages(site)["activities/1.1.2.html"]
    assert '<a href="../amendments.html#amendment-am-2018-1">Amendment am-2018-1</a>' in amended
    assert "Changed: Title</dt><dd>Value before the amendment: The old title" in amended
    assert "Changed: Deadline</dt><dd>Value before the amendment: March 2018</dd>" in amended
    assert "Cancelled by amendment am-2018-1" in pages(site)["activities/1.1.12.html"]
    assert "Added to the plan by amendment am-2018-1" in pages(site)["activities/1.1.13.html"]

    registry = pages(site)["amendments.html"]
    assert '<section id="amendment-am-2018-1">' in registry
    assert "Deadlines &lt;b&gt;moved&lt;/b&gt;" in registry
    for activity in ("1.1.2", "1.1.12", "1.1.13"):
        assert f'<a href="activities/{activity}.html">' in registry


def test_home_page_state_completion_overdue_upcoming_latest(site):
    text = pages(site)["index.html"]
    assert '<p class="state">State as of 15 January 2019</p>' in text
    assert '<svg role="img"' in text and "Share of activities completed, per goal" in text
    # 13 of 14 activities are in force (1.1.12 cancelled); 1.1.1 and 1.1.7 are completed
    assert "2 of 13 completed (15%)" in text
    overdue = text[text.index('<h2 id="overdue">') : text.index('<h2 id="upcoming">')]
    assert '<a href="activities/1.1.3.html">1.1.3</a>' in overdue  # 2018-Q2, in progress
    assert "activities/1.1.1.html" not in overdue  # completed
    upcoming = text[text.index('<h2 id="upcoming">') : text.index('<h2 id="latest">')]
    assert (
        '<td class="nowrap" data-label="Deadline">28/02/2019</td>' in upcoming
        and "1.1.13" in upcoming
    )
    latest = text[text.index('<h2 id="latest">') : text.index('<h2 id="goals">')]
    assert latest.index("1.1.1 A day") < latest.index("1.1.3 A quarter")
    assert "Wrongly reported" not in latest  # a corrected entry is not among the latest


def test_unit_page_and_calendar_feed_match_due_ics(invoke, plan, site):
    text = pages(site)["units/hr-division.html"]
    assert "<h1>Human Resources Division</h1>" in text
    assert '<a class="button" href="hr-division.ics" type="text/calendar">' in text
    assert '<a href="../activities/1.1.2.html">1.1.2</a>' in text  # via the training department
    assert '<a href="training-department.html">Training Department</a>' in text
    # the unit list counts what each unit's page lists (1 header row + 10 activities)
    assert text.count("<tr>") == 11
    listing = pages(site)["units.html"]
    assert '<a href="units/hr-division.html">Human Resources Division</a> (leads: 10)' in listing
    assert '<li class="depth-1"><a href="units/training-department.html">' in listing
    result = invoke(
        "due",
        "--plan",
        str(plan),
        "--owner",
        "hr-division",
        "--before",
        "2020-12-31",
        "--as-of",
        AS_OF,
        "--format",
        "ics",
    )
    assert (site / "units/hr-division.ics").read_text(encoding="utf-8") == result.output


def test_yearly_reports_are_the_report_command_html(invoke, plan, site):
    for year, as_of in (("2017", "2017-12-31"), ("2018", "2018-12-31"), ("2019", AS_OF)):
        result = invoke(
            "report", "--plan", str(plan), "--year", year, "--as-of", as_of, "--format", "html"
        )
        assert result.exit_code == 0
        expected = as_in_site(result.stdout)
        assert (site / f"reports/{year}.html").read_text(encoding="utf-8") == expected, year


def test_same_inputs_same_bytes(invoke, plan, tmp_path):
    first = files_of(build(invoke, plan, tmp_path / "one"))
    second = files_of(build(invoke, plan, tmp_path / "two"))
    assert first == second


def test_rebuild_replaces_a_previous_site_whole(invoke, plan, site):
    (site / "stale.html").write_text("old", encoding="utf-8")
    build(invoke, plan, site)
    assert not (site / "stale.html").exists()
    assert (site / "index.html").is_file()
    assert sorted(p.name for p in site.parent.iterdir()) == ["plan", "site"]  # no temporaries


def test_refuses_a_non_empty_directory_that_is_not_a_site(invoke, plan, tmp_path):
    out = tmp_path / "docs"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    result = invoke("site", "--plan", str(plan), "--out", str(out))
    assert result.exit_code == 2
    assert "is not empty and is not a site casplan wrote" in result.output
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "plan"]


def test_empty_directory_is_fine_and_missing_parent_is_a_usage_error(invoke, plan, tmp_path):
    (tmp_path / "empty").mkdir()
    build(invoke, plan, tmp_path / "empty")
    result = invoke("site", "--plan", str(plan), "--out", str(tmp_path / "no" / "site"))
    assert result.exit_code == 2 and "does not exist" in result.output


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--lang", "de", "--lang: 'de' is not one of en, sr, sr-Cyrl"),
        ("--as-of", "2018-13-01", "--as-of: '2018-13-01' is not a date"),
        (
            "--base-url",
            "javascript:alert(1)",
            "--base-url: 'javascript:alert(1)' is not an address",
        ),
    ],
)
def test_bad_options_are_usage_errors(invoke, plan, tmp_path, option, value, message):
    result = invoke("site", "--plan", str(plan), "--out", str(tmp_path / "s"), option, value)
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "s").exists()


def test_base_url_for_hosting_under_a_sub_path(invoke, plan, tmp_path):
    base = "https://owner.github.io/plan-repo/"
    site = build(invoke, plan, tmp_path / "site", "--base-url", "https://owner.github.io/plan-repo")
    for name, text in pages(site).items():
        for link in parse(text).links:
            if link == "https://example.org/rules.pdf" or link.startswith("#"):
                continue
            assert link.startswith(base), (name, link)
            path = urlsplit(link).path.removeprefix("/plan-repo/") or "index.html"
            assert (site / unquote(path)).is_file(), (name, link)
    home = pages(site)["index.html"]
    assert f'href="{base}static/site.css"' in home and f'href="{base}"' in home


def test_languages(invoke, plan, tmp_path):
    latin = pages(build(invoke, plan, tmp_path / "sr", "--lang", "sr"))
    assert '<html lang="sr-Latn">' in latin["index.html"]
    assert '<p class="state">Stanje na dan 15. januar 2019.</p>' in latin["index.html"]
    assert "Odgovorne organizacione jedinice" in latin["activities/1.1.1.html"]
    # a Serbian date ends in a full stop: a sentence ending in one gets no second
    assert "na dan 15. januar 2019.</p>" in latin["index.html"]
    assert "2019.." not in latin["index.html"]
    cyrillic = pages(build(invoke, plan, tmp_path / "cyrl", "--lang", "sr-Cyrl"))
    assert '<html lang="sr-Cyrl">' in cyrillic["index.html"]
    assert "Стање на дан 15. јануар 2019." in cyrillic["index.html"]
    assert "Одговорне организационе јединице" in cyrillic["activities/1.1.1.html"]
    # the plan's own text stays as written
    assert "Human Resources Division" in cyrillic["units/hr-division.html"]
    calendar = "Календар рокова јединице (iCalendar, за претплату у Outlook-у)"
    assert calendar in cyrillic["units/hr-division.html"]


DEADLINE_CODES = re.compile(
    r"\b\d{4}-(?:Q[1-4]|\d{2})\b|\bcontinuous\b|\byearly\b|\.\.|\bafter project-start\b"
    r"|>[^<]*\b(?:agency-dynamics|chapter-opening|project-start)\b"
)


def test_deadlines_are_said_in_words_in_every_language(invoke, plan, tmp_path):
    english = pages(build(invoke, plan, tmp_path / "en"))
    assert (
        "<p><strong>Q2 2018</strong> (01/04/2018 – 30/06/2018)</p>"
        in english["activities/1.1.3.html"]
    )
    assert (
        "<p><strong>by Dynamics set by the agency (date not yet known)</strong></p>"
        in (english["activities/1.1.12.html"])
    )
    assert (
        "<p><strong>2 years after Start of the project (10 January 2017)</strong> "
        in (english["activities/1.1.9.html"])
    )
    cyrillic = pages(build(invoke, plan, tmp_path / "cyrl", "--lang", "sr-Cyrl"))
    listed = cyrillic["activities.html"]
    assert '<td class="nowrap" data-label="Рок">други квартал 2018.</td>' in listed
    assert '<td class="nowrap" data-label="Рок">континуирано</td>' in listed
    assert '<td class="nowrap" data-label="Рок">новембар сваке године</td>' in listed
    assert "<p><strong>31. март сваке године</strong></p>" in cyrillic["activities/1.1.8.html"]
    # the unit's kind in the reader's language, not the plan's code
    assert "<dt>Врста</dt><dd>сектор</dd>" in cyrillic["units/hr-division.html"]
    for name, text in {**english, **cyrillic}.items():
        visible = re.sub(r'(?:href|id|class|data-[a-z-]+|value|src)="[^"]*"', "", text)
        assert not DEADLINE_CODES.search(visible.replace("2017-2020", "")), name


def test_control_characters_in_plan_text_are_shown_as_their_escapes(invoke, tmp_path):
    files = site_files()
    files["goal-1/goal.yaml"] = 'id: "1"\ntitle: "First\\u0007 goal"\n'
    plan = write_plan(tmp_path / "plan", files)
    result = invoke("site", "--plan", str(plan), "--out", str(tmp_path / "s"), "--no-validate")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "s" / "goals/1.html").read_text(encoding="utf-8")
    assert "\x07" not in text and "First\\x07 goal" in text


def test_the_site_workflow_calls_casplan_site_compatibly(invoke, tmp_path):
    workflow = (REPO / ".github/workflows/site.yml").read_text(encoding="utf-8")
    line = next(x.strip() for x in workflow.splitlines() if "casplan site --" in x)
    assert line == 'run: casplan site --out _site --base-url "$BASE_URL/"'
    base = "https://owner.github.io/repository"
    result = invoke(
        "site", "--plan", str(REAL_PLAN), "--out", str(tmp_path / "_site"), "--base-url", base + "/"
    )
    assert result.exit_code == 0, result.output
    assert f'href="{base}/static/site.css"' in (tmp_path / "_site/index.html").read_text("utf-8")


def test_the_templates_ship_in_the_package():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = config["tool"]["setuptools"]["package-data"]["cas_plan.templates"]
    for name in (REPO / "templates/site").iterdir():
        assert any(Path(f"site/{name.name}").match(pattern) for pattern in shipped), name
