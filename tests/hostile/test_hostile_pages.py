"""Pages and documents attacked: addresses that are not whole http(s) addresses, characters no
page can show in every format (html, md, docx, the site), one Content-Security-Policy on every
page the site writes, a plan with thousands of amendments, and templates that try to build
strings past the template limits."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cas_plan.core.diagnostics import printable
from plans import minimal_files, write_plan


@pytest.fixture
def plan(tmp_path) -> Path:
    return write_plan(tmp_path / "plan", minimal_files())


# --- addresses ----------------------------------------------------------------------------

BAD_BASE_URLS = [
    "https://a.example/\n",
    "https://a.example/\r\n",
    "https://a.example/ x",
    "https://a.example/\tx",
    "https://a.example/\x1b[31m",
    "https://a.example/\x85",
    "https://a.example/\u202eevil",
    "https://a.example/\u200b",
    "https://a.example/?q=1",
    "https://a.example/#top",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://a.example/",
    "//evil.example/",
    "/repository/\n",
    "/repo sitory/",
    "https://",
    "https:///path",
    "a.example/",
]
GOOD_BASE_URLS = {
    "https://owner.github.io/repository": "https://owner.github.io/repository/",
    "https://owner.github.io/repository///": "https://owner.github.io/repository/",
    "http://intranet.carina.rs/plan/": "http://intranet.carina.rs/plan/",
    "/repository/": "/repository/",
    "/": "/",
}


@pytest.mark.parametrize("value", BAD_BASE_URLS)
def test_a_base_url_that_is_not_a_whole_address_is_one_line(invoke, plan, tmp_path, value):
    result = invoke(
        "site", "--out", str(tmp_path / "site"), "--base-url", value, "--plan", str(plan)
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"casplan: error: --base-url: '{printable(value)}' is not an address "
        "(https://owner.github.io/repository/ or /repository/)\n"
    )
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("value", list(GOOD_BASE_URLS))
def test_a_whole_base_url_is_taken(invoke, plan, tmp_path, value):
    out = tmp_path / "site"
    result = invoke("site", "--out", str(out), "--base-url", value, "--plan", str(plan))
    assert result.exit_code == 0, result.output
    assert f'href="{GOOD_BASE_URLS[value]}activities.html"' in (out / "index.html").read_text()


BAD_EVIDENCE = [
    "https://a.example/report.pdf\n",
    "https://a.example/report.pdf\r",
    "https://a.example/re port.pdf",
    "https://a.example/\x07",
    "https://a.example/\x9b31m",
    "https://a.example/\u202efdp.exe",
    "javascript:alert(1)",
    "ftp://a.example/report.pdf",
    "doc: br. 1\n",
]


@pytest.mark.parametrize("value", BAD_EVIDENCE)
def test_evidence_that_is_not_whole_is_refused_by_progress(invoke, plan, value):
    before = (plan / "goal-1" / "measure-1.1.yaml").read_bytes()
    result = invoke(
        "progress", "1.1.1", "--status", "in_progress", "--date", "2018-06-01",
        "--evidence", value, "--plan", str(plan),
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith(f"casplan: error: --evidence: '{printable(value)}' is not ")
    assert result.stderr.count("\n") == 1
    assert (plan / "goal-1" / "measure-1.1.yaml").read_bytes() == before


@pytest.mark.parametrize("value", BAD_EVIDENCE)
def test_evidence_that_is_not_whole_is_refused_by_validate(invoke, plan, value):
    measure = plan / "goal-1" / "measure-1.1.yaml"
    text = measure.read_text().replace(
        "    due: 2018-12-31\n",
        "    due: 2018-12-31\n    progress:\n      - date: 2018-06-01\n        status: "
        f"in_progress\n        evidence: [{json.dumps(value)}]\n",
    )
    measure.write_text(text)
    result = invoke("validate", "--plan", str(plan))
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if ": error: " in line]
    assert line.startswith(f"{measure}:14:20: error: '{printable(value)}' is not ")


# --- characters no page can show --------------------------------------------------------------

# one member of each class, and more: C0 controls, DEL, C1 controls, the two noncharacters XML
# forbids, bidi controls (overrides, isolates, marks)
HIDDEN = {
    "C0": "\x01\x08\x0b\x0c\x1b[31m",
    "DEL": "\x7f",
    "C1": "\x85\x9b31m\x9f",
    "noncharacters": "\ufffe\uffff",
    "bidi overrides": "\u202e\u202d\u202a\u202b\u202c",
    "bidi isolates": "\u2066\u2067\u2068\u2069",
    "bidi marks": "\u200e\u200f\u061c",
}
RAW = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]"
)


def hidden_plan(root: Path, text: str) -> Path:
    """A plan whose every kind of text holds `text`: the plan's title, a goal's, a measure's
    and an activity's titles, an indicator, a unit's name, an amendment's decision and reason,
    a progress note and value, and a narrative."""
    q = json.dumps
    files = dict(minimal_files())
    files["plan.yaml"] = files["plan.yaml"].replace(
        "title: Test plan (fixture, not the real plan)", f"title: {q('Plan ' + text)}"
    )
    files["organization.yaml"] = files["organization.yaml"].replace(
        "name: Human Resources Division", f"name: {q('Unit ' + text)}"
    )
    files["goal-1/goal.yaml"] = f'id: "1"\ntitle: {q("Goal " + text)}\n'
    files["amendments.yaml"] = (
        "amendments:\n  - id: a-2018\n    date: 2018-04-15\n"
        f"    decision: {q('Decision ' + text)}\n    reason: {q('Reason ' + text)}\n"
    )
    files["reports/2018.yaml"] = (
        f"period: 2018\nen:\n  executive_summary: {q('Summary ' + text)}\n"
        f'  goals:\n    "1": {q("Narrative " + text)}\n'
    )
    files["goal-1/measure-1.1.yaml"] = f"""\
id: "1.1"
title: {q("Measure " + text)}
activities:
  - id: "1.1.1"
    title: {q("Activity " + text)}
    indicators: [{q("Indicator " + text)}]
    responsible: [hr-division]
    funds:
      no_extra_cost: true
    due: 2018-12-31
    history:
      - amendment: a-2018
        due: 2018-09-30
    progress:
      - date: 2018-06-01
        status: in_progress
        note: {q("Note " + text)}
        values:
          {q("Indicator " + text)}: {q("Value " + text)}
  - id: "1.1.2"
    title: Train the staff
    indicators: [Training held]
    due: continuous
"""
    return write_plan(root, files)


def document_texts(path: Path) -> dict[str, str]:
    """Every text part of a written document or folder: a docx's XML parts, a site's files."""
    import zipfile

    if path.is_dir():
        return {
            str(p.relative_to(path)): p.read_text(encoding="utf-8")
            for p in sorted(path.rglob("*"))
            if p.is_file() and p.suffix in (".html", ".json", ".js", ".css")
        }
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as docx:
            return {
                name: docx.read(name).decode("utf-8")
                for name in docx.namelist()
                if name.endswith((".xml", ".rels"))
            }
    return {path.name: path.read_text(encoding="utf-8")}


OUTPUTS = {
    "report html": (["report", "--year", "2018", "--format", "html", "--out"], "r.html"),
    "report md": (["report", "--year", "2018", "--format", "md", "--out"], "r.md"),
    "report docx": (["report", "--year", "2018", "--format", "docx", "--out"], "r.docx"),
    "site": (["site", "--as-of", "2019-01-01", "--out"], "site"),
}


@pytest.mark.parametrize("kind", list(HIDDEN))
@pytest.mark.parametrize("output", list(OUTPUTS))
def test_characters_that_cannot_be_shown_are_made_visible_in_every_format(
    invoke, tmp_path, kind, output
):
    text = HIDDEN[kind]
    plan = hidden_plan(tmp_path / "plan", text)
    assert invoke("validate", "--plan", str(plan)).exit_code == 0
    args, name = OUTPUTS[output]
    target = tmp_path / name
    result = invoke(*args, str(target), "--plan", str(plan))
    assert result.exit_code == 0, result.output
    texts = document_texts(target)
    for part, content in texts.items():
        found = RAW.search(content)
        assert found is None, (part, repr(found.group()) if found else None)
    shown = visible_as(text, output)
    everything = "\n".join(texts.values())
    for field in ("Activity ", "Note ", "Unit ", "Decision ", "Summary ", "Narrative "):
        assert field + shown in everything, (field, shown)


def visible_as(text: str, output: str) -> str:
    """The text as the format shows it: each hidden character as its escape (`\\x1b`), the
    escape's backslash itself escaped where the format needs it (Markdown)."""
    from cas_plan.core.diagnostics import visible

    shown = visible(text)
    if output == "report md":
        from cas_plan.output.markdown import md_escape

        return str(md_escape(shown))
    if output in ("report html", "site"):
        return shown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return shown


# --- one Content-Security-Policy ---------------------------------------------------------------

SITE_CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'"
)


def test_every_page_of_the_site_has_the_one_strict_policy(invoke, tmp_path):
    plan = hidden_plan(tmp_path / "plan", "<b>x</b>")
    out = tmp_path / "site"
    assert (
        invoke("site", "--as-of", "2020-06-30", "--out", str(out), "--plan", str(plan)).exit_code
        == 0
    )
    pages = sorted(out.rglob("*.html"))
    assert {"reports/2017.html", "reports/2018.html", "reports/2020.html"} <= {
        str(p.relative_to(out)) for p in pages
    }
    for page in pages:
        html = page.read_text(encoding="utf-8")
        policies = re.findall(
            r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html
        )
        assert policies == [SITE_CSP], page
        assert "<style" not in html and not re.search(r"\sstyle=", html), page
        assert not re.search(r"<script(?![^>]*\ssrc=)", html), page
        assert not re.search(r"\son[a-z]+=", html), page
        assert "unsafe-inline" not in html and "unsafe-eval" not in html
    report = (out / "reports" / "2018.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="../static/report.css">' in report
    assert (out / "static" / "report.css").read_bytes() == (
        Path(__file__).parents[2] / "templates" / "report.css"
    ).read_bytes()


@pytest.mark.parametrize("lang", ["en", "sr", "sr-Cyrl"])
def test_the_standalone_report_allows_its_one_style_by_its_hash(invoke, tmp_path, lang):
    import base64
    import hashlib

    plan = hidden_plan(tmp_path / "plan", "<b>x</b>")
    result = invoke(
        "report", "--year", "2018", "--format", "html", "--lang", lang, "--plan", str(plan)
    )
    assert result.exit_code == 0, result.output
    html = result.stdout
    [style] = re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(style.encode("utf-8")).digest()).decode()
    [policy] = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
    assert policy == (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; base-uri 'none'; "
        "form-action 'none'"
    )
    assert not re.search(r"\sstyle=", html) and "<script" not in html
    assert "body { font-family" in style and "@media print" in style  # the styles, all there
    assert html.count('class="swatch"') >= 2


# --- thousands of amendments ---------------------------------------------------------------------


class Walks(tuple):  # type: ignore[type-arg]
    """A plan's activities that count how often they are walked."""

    count = 0

    def __iter__(self):
        Walks.count += 1
        return super().__iter__()


def amended_plan(root: Path, amendments: int) -> Path:
    """The minimal plan with `amendments` amendments of 2018, each renaming 1.1.1 in turn."""
    import datetime as dt

    files = dict(minimal_files())
    days = [
        dt.date(2018, 1, 1) + dt.timedelta(days=n * 364 // amendments) for n in range(amendments)
    ]
    files["amendments.yaml"] = "amendments:\n" + "".join(
        f"  - id: a-{n}\n    date: {day}\n    decision: 05 br. {n}/2018\n"
        for n, day in enumerate(days)
    )
    history = "    history:\n" + "".join(
        f"      - amendment: a-{n}\n        title: Title {n}\n" for n in range(amendments)
    )
    files["goal-1/measure-1.1.yaml"] = files["goal-1/measure-1.1.yaml"].replace(
        "    due: 2018-12-31\n", "    due: 2018-12-31\n" + history, 1
    )
    return write_plan(root, files)


def walks_to_publish(tmp_path: Path, amendments: int) -> tuple[int, int]:
    """How often the site and the report of 2018 walk the plan's activities."""
    import dataclasses
    import datetime as dt

    from cas_plan.core.periods import parse_report_period
    from cas_plan.core.provenance import GitState
    from cas_plan.publish.report import ReportOn, build_context
    from cas_plan.publish.site import build_site
    from plans import load

    result = load(amended_plan(tmp_path / f"plan-{amendments}", amendments))
    assert not result.errors
    plan = dataclasses.replace(result.plan, views=Walks(result.plan.views))
    git = GitState(None, False, "not in a git repository")
    Walks.count = 0
    build_context(ReportOn(plan, parse_report_period("2018"), dt.date(2018, 12, 31), "en", git))
    report = Walks.count
    Walks.count = 0
    site = dict(build_site(plan, dt.date(2018, 12, 31), "en", None, git))  # every page rendered
    assert "amendments.html" in site
    return report, Walks.count


def test_publishing_walks_the_activities_as_often_for_many_amendments_as_for_few(tmp_path):
    """The amendments' pages and the report's amendments are built in one pass over the
    activities: a plan with 400 amendments walks them as often as one with 4 (before, once
    per amendment: 10,000 amendments took 37 s to publish)."""
    assert walks_to_publish(tmp_path, 4) == walks_to_publish(tmp_path, 400)


def test_the_amendments_page_lists_each_amendment_with_what_it_touched(invoke, tmp_path):
    plan = amended_plan(tmp_path / "plan", 300)
    out = tmp_path / "site"
    assert (
        invoke("site", "--as-of", "2019-01-01", "--out", str(out), "--plan", str(plan)).exit_code
        == 0
    )
    page = (out / "amendments.html").read_text(encoding="utf-8")
    assert page.count('id="amendment-a-') == 300
    assert page.count('href="activities/1.1.1.html"') == 300
    report = invoke("report", "--year", "2018", "--format", "md", "--plan", str(plan)).stdout
    # (the activity is named as each amendment left it)
    rows = re.findall(r"^\| 1\.1\.1 [^|]+ \| Title \| (.*) \| (.*) \|$", report, re.M)
    # each amendment put in the title the next one replaced; the last, the title in force
    assert rows == [(f"Title {n}", f"Title {n + 1}") for n in range(299)] + [
        ("Title 299", "Write the rules")
    ]
