"""Pages and documents attacked: addresses that are not whole http(s) addresses, characters no
page can show in every format (html, md, docx, the site), one Content-Security-Policy on every
page the site writes, a plan with thousands of amendments, and templates that try to build
strings past the template limits."""

from __future__ import annotations

import json
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
